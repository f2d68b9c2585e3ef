"""A series' purpose becomes its measure's goals in the case's measure plan (one text, not two).

Each non-empty purpose becomes one goal of the measure; a case that had none gets its measure plan, with a
first version that records the move."""

import datetime

from django.db import migrations
from django.utils import timezone


def _add_months(day, months):
    import calendar

    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def forwards(apps, schema_editor):
    Series = apps.get_model("meetings", "Series")
    Goal = apps.get_model("cases", "Goal")
    MeasurePlan = apps.get_model("cases", "MeasurePlan")
    PlanEntry = apps.get_model("cases", "PlanEntry")
    PlanVersion = apps.get_model("cases", "PlanVersion")
    today = timezone.localdate()
    plans = {}
    for series in Series.objects.exclude(purpose="").select_related("measure"):
        measure = series.measure
        Goal.objects.create(measure=measure, text=series.purpose.strip(), position=0)
        plan = plans.get(measure.case_id)
        if plan is None:
            plan, _ = MeasurePlan.objects.get_or_create(
                case_id=measure.case_id,
                defaults={"next_evaluation_on": _add_months(today, 3)},
            )
            plans[measure.case_id] = plan
        PlanEntry.objects.get_or_create(measure=measure, defaults={"plan": plan})
    for plan in plans.values():
        goals = Goal.objects.filter(measure__case_id=plan.case_id).select_related("measure")
        plan.version += 1
        plan.save(update_fields=["version"])
        PlanVersion.objects.create(
            plan=plan,
            number=plan.version,
            change_note="The purpose of the network measures became their goals in the measure plan.",
            content={
                "evaluation_months": plan.evaluation_months,
                "last_evaluated_on": None,
                "next_evaluation_on": plan.next_evaluation_on.isoformat()
                if plan.next_evaluation_on
                else None,
                "internal_note": "",
                "measures": [
                    {
                        "measure": g.measure_id,
                        "kind": g.measure.kind,
                        "label": g.measure.kind,
                        "ssb_code": "",
                        "legal_basis": g.measure.legal_basis,
                        "status": g.measure.status,
                        "planned_start": None,
                        "expected_end": None,
                        "goals": [{"id": g.pk, "text": g.text, "sub_goals": []}],
                        "content": "",
                        "responsibilities": "",
                        "expected_duration": "",
                        "internal_note": "",
                    }
                    for g in goals
                ],
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0005_merge_meeting_notes_into_internal_notes"),
        ("cases", "0003_decisions_and_plans"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(model_name="series", name="purpose"),
    ]
