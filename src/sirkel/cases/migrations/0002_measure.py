import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import sirkel.taxonomy.measures

KINDS = sirkel.taxonomy.measures.kind_keys()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Measure",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "kind",
                    models.CharField(
                        choices=sirkel.taxonomy.measures.kind_choices, max_length=40, verbose_name="measure"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("planned", "Planned"), ("ongoing", "Ongoing"), ("ended", "Ended")],
                        default="planned",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                (
                    "legal_basis",
                    models.CharField(
                        choices=[
                            ("voluntary", "Voluntary support measure (§ 3-1)"),
                            ("imposed", "Imposed by the county board (§ 3-4)"),
                        ],
                        default="voluntary",
                        max_length=10,
                        verbose_name="legal basis",
                    ),
                ),
                ("started_on", models.DateField(blank=True, null=True, verbose_name="started")),
                ("ended_on", models.DateField(blank=True, null=True, verbose_name="ended")),
                ("end_reason", models.TextField(blank=True, verbose_name="why it ended")),
                ("note", models.TextField(blank=True, verbose_name="note")),
                ("version", models.PositiveIntegerField(default=1)),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="measures", to="cases.case"
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "measure",
                "verbose_name_plural": "measures",
                "ordering": ["-created_at", "-id"],
                "indexes": [models.Index(fields=["case", "status"], name="measure_case_state_idx")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("kind__in", KINDS)), name="measure_kind_in_taxonomy"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("status__in", ["planned", "ongoing", "ended"])),
                        name="measure_status_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("ended_on__isnull", True),
                            ("started_on__isnull", True),
                            ("ended_on__gte", models.F("started_on")),
                            _connector="OR",
                        ),
                        name="measure_ends_after_start",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "ended"), _negated=True),
                            ("ended_on__isnull", False),
                            _connector="OR",
                        ),
                        name="measure_ended_has_end_date",
                    ),
                ],
            },
        ),
    ]
