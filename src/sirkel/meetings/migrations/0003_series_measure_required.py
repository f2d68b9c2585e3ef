"""The series' measure is required, and what moved to the measure (case, kind, period) leaves the series.

A migration of its own so that PostgreSQL has committed the rows 0002 wrote before the table changes.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0002_series"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="series",
            name="measure",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE, related_name="series", to="cases.measure"
            ),
        ),
        migrations.RemoveField(model_name="series", name="case"),
        migrations.RemoveField(model_name="series", name="kind"),
        migrations.RemoveField(model_name="series", name="started_on"),
        migrations.RemoveField(model_name="series", name="ended_on"),
        migrations.RemoveField(model_name="series", name="end_reason"),
        migrations.AlterField(
            model_name="series",
            name="leader",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="led_series",
                to=settings.AUTH_USER_MODEL,
                verbose_name="meeting leader",
            ),
        ),
        migrations.AddConstraint(
            model_name="series",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("leader__isnull", True),
                    models.Q(("leader", models.F("caseworker")), _negated=True),
                    _connector="OR",
                ),
                name="series_leader_is_not_caseworker",
            ),
        ),
        migrations.AddIndex(
            model_name="series", index=models.Index(fields=["status"], name="series_status_idx")
        ),
        migrations.AddIndex(
            model_name="series", index=models.Index(fields=["leader", "status"], name="series_leader_idx")
        ),
    ]
