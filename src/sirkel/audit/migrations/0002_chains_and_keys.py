"""A chain per service and keyed hashes: the schema (the events are re-chained by 0003)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_coordinator_role"),
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditKeyPeriod",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key_id", models.CharField(max_length=16, unique=True)),
                ("started_at", models.DateTimeField()),
                ("ended_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={"ordering": ["started_at"]},
        ),
        migrations.AlterModelOptions(name="auditevent", options={"ordering": ["id"]}),
        migrations.RemoveConstraint(model_name="auditchainhead", name="audit_head_singleton"),
        migrations.AddField(
            model_name="auditchainhead", name="key_id", field=models.CharField(blank=True, max_length=16)
        ),
        migrations.AddField(
            model_name="auditevent", name="chain", field=models.PositiveBigIntegerField(default=0)
        ),
        migrations.AddField(
            model_name="auditevent", name="key_id", field=models.CharField(blank=True, max_length=16)
        ),
        migrations.AlterField(
            model_name="auditchainhead",
            name="id",
            field=models.PositiveBigIntegerField(primary_key=True, serialize=False),
        ),
        migrations.AlterField(model_name="auditevent", name="seq", field=models.PositiveBigIntegerField()),
    ]
