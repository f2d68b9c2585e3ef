"""Today's network measure becomes the process (`Series`) of a general `cases.Measure`.

Every existing series gets its measure, carrying the case, the kind and the period over; the series keeps
how the work is done. Reversible: going back copies kind, case and period onto the series again.
"""

import django.db.models.deletion
from django.db import migrations, models

# Series status -> measure status: screening is planned; preparing (the screening said go ahead)
# and active are ongoing; the rest ended.
STATUS = {
    "screening": "planned",
    "preparing": "ongoing",
    "active": "ongoing",
    "not_started": "ended",
    "completed": "ended",
    "stopped": "ended",
}


def create_measures(apps, schema_editor):
    Series = apps.get_model("meetings", "Series")
    Measure = apps.get_model("cases", "Measure")
    for series in Series.objects.all().order_by("pk").iterator():
        status = STATUS.get(series.status, "planned")
        ended_on = series.ended_on
        if status == "ended" and ended_on is None:
            ended_on = series.started_on or series.updated_at.date()
        measure = Measure.objects.create(
            case_id=series.case_id,
            kind=series.kind,
            status=status,
            legal_basis="voluntary",
            started_on=series.started_on,
            ended_on=ended_on,
            end_reason=series.end_reason,
            created_by_id=series.caseworker_id,
        )
        Measure.objects.filter(pk=measure.pk).update(created_at=series.created_at)
        Series.objects.filter(pk=series.pk).update(measure=measure)


def restore_series_fields(apps, schema_editor):
    Series = apps.get_model("meetings", "Series")
    for series in Series.objects.select_related("measure").iterator():
        m = series.measure
        Series.objects.filter(pk=series.pk).update(
            case_id=m.case_id,
            kind=m.kind,
            started_on=m.started_on,
            ended_on=m.ended_on,
            end_reason=m.end_reason,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_measure"),
        ("meetings", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="measure", name="measure_kind_valid"),
        migrations.RemoveConstraint(model_name="measure", name="measure_leader_is_not_caseworker"),
        migrations.RemoveIndex(model_name="measure", name="measure_case_status_idx"),
        migrations.RemoveIndex(model_name="measure", name="measure_leader_idx"),
        migrations.RemoveConstraint(model_name="meeting", name="meeting_sequence_unique"),
        migrations.RenameModel(old_name="Measure", new_name="Series"),
        migrations.RenameField(model_name="screening", old_name="measure", new_name="series"),
        migrations.RenameField(model_name="consent", old_name="measure", new_name="series"),
        migrations.RenameField(model_name="meeting", old_name="measure", new_name="series"),
        migrations.AlterModelOptions(
            name="meeting",
            options={
                "ordering": ["series_id", "sequence"],
                "verbose_name": "meeting",
                "verbose_name_plural": "meetings",
            },
        ),
        migrations.AddConstraint(
            model_name="meeting",
            constraint=models.UniqueConstraint(fields=("series", "sequence"), name="meeting_sequence_unique"),
        ),
        migrations.AddField(
            model_name="series",
            name="measure",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="series",
                to="cases.measure",
            ),
        ),
        # Kind, case and period may be empty while going back, before restore_series_fields fills them.
        migrations.AlterField(
            model_name="series",
            name="kind",
            field=models.CharField(max_length=30, blank=True, verbose_name="measure"),
        ),
        migrations.AlterField(
            model_name="series",
            name="case",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="network_measures",
                to="cases.case",
            ),
        ),
        migrations.RunPython(create_measures, restore_series_fields),
    ]
