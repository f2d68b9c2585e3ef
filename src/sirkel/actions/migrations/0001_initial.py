"""The actions app (agreed actions, reviews, reminders), formerly the `plans` app.

A database that already has the `plans` tables keeps them and their rows: they are renamed to the
`actions` names (and `measure_id` to `series_id`) instead of being created. A new database gets new tables.
Going back drops them (there is no `plans` app to return them to).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

OLD_TABLES = {
    "Action": "plans_action",
    "ActionReview": "plans_actionreview",
    "ReminderLog": "plans_reminderlog",
}


def create_or_adopt(apps, schema_editor):
    existing = set(schema_editor.connection.introspection.table_names())
    models_ = [apps.get_model("actions", name) for name in OLD_TABLES]
    if OLD_TABLES["Action"] not in existing:
        for model in models_:
            schema_editor.create_model(model)
        return
    for model in models_:
        schema_editor.alter_db_table(model, OLD_TABLES[model.__name__], model._meta.db_table)
    action = apps.get_model("actions", "Action")
    quote = schema_editor.quote_name
    schema_editor.execute(
        f"ALTER TABLE {quote(action._meta.db_table)} RENAME COLUMN {quote('measure_id')} TO {quote('series_id')}"
    )
    old_index = models.Index(fields=["series", "status"], name="action_measure_idx")
    new_index = next(i for i in action._meta.indexes if i.name == "action_series_idx")
    schema_editor.rename_index(action, old_index, new_index)
    schema_editor.execute("DELETE FROM django_migrations WHERE app = 'plans'")


def drop_tables(apps, schema_editor):
    for name in reversed(list(OLD_TABLES)):
        schema_editor.delete_model(apps.get_model("actions", name))


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("meetings", "0003_series_measure_required"),
        ("network", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Action",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("what", models.TextField(verbose_name="what")),
                        ("due_on", models.DateField(verbose_name="by when")),
                        (
                            "support_type",
                            models.CharField(blank=True, max_length=20, verbose_name="support it gives"),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("open", "Open"),
                                    ("done", "Done"),
                                    ("partly", "Partly done"),
                                    ("not_done", "Not done"),
                                    ("dropped", "Dropped"),
                                ],
                                default="open",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        ("version", models.PositiveIntegerField(default=1)),
                        (
                            "meeting",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="actions",
                                to="meetings.meeting",
                                verbose_name="agreed at",
                            ),
                        ),
                        (
                            "owner_member",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="network.networkmember",
                                verbose_name="who (from the network)",
                            ),
                        ),
                        (
                            "owner_user",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="actions",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="who (staff)",
                            ),
                        ),
                        (
                            "series",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="actions",
                                to="meetings.series",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "action",
                        "verbose_name_plural": "actions",
                        "ordering": ["due_on", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="ActionReview",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "outcome",
                            models.CharField(
                                choices=[
                                    ("open", "Open"),
                                    ("done", "Done"),
                                    ("partly", "Partly done"),
                                    ("not_done", "Not done"),
                                    ("dropped", "Dropped"),
                                ],
                                max_length=10,
                                verbose_name="outcome",
                            ),
                        ),
                        ("note", models.TextField(blank=True, verbose_name="note")),
                        ("reviewed_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "action",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="reviews",
                                to="actions.action",
                            ),
                        ),
                        (
                            "meeting",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="action_reviews",
                                to="meetings.meeting",
                            ),
                        ),
                        (
                            "reviewed_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "action review",
                        "verbose_name_plural": "action reviews",
                        "ordering": ["reviewed_at", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="ReminderLog",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("sent_on", models.DateField()),
                        ("recipient", models.CharField(max_length=40)),
                        ("item", models.CharField(max_length=40)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        "verbose_name": "reminder sent",
                        "verbose_name_plural": "reminders sent",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("sent_on", "recipient", "item"), name="reminder_once_a_day"
                            )
                        ],
                    },
                ),
                migrations.AddIndex(
                    model_name="action",
                    index=models.Index(fields=["status", "due_on"], name="action_status_due_idx"),
                ),
                migrations.AddIndex(
                    model_name="action",
                    index=models.Index(fields=["series", "status"], name="action_series_idx"),
                ),
                migrations.AddConstraint(
                    model_name="action",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("owner_member__isnull", False), ("owner_user__isnull", True)),
                            models.Q(("owner_member__isnull", True), ("owner_user__isnull", False)),
                            _connector="OR",
                        ),
                        name="action_exactly_one_owner",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="actionreview",
                    constraint=models.UniqueConstraint(
                        fields=("action", "meeting"), name="review_once_per_meeting"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="actionreview",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("outcome", "open"), _negated=True), name="review_outcome_not_open"
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(create_or_adopt, drop_tables),
    ]
