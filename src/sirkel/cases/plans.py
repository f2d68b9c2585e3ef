"""The measure plan: reading it as it stands, saving a new version, and when it is next evaluated.

`save_plan` is the one write: it checks the version the form was opened at, updates the plan's entries
and goals, and stores the whole plan as a new `PlanVersion` (who, when, what changed), audited as one
event. Goals keep their ids across versions (an evaluation refers to them); a goal left out is retired.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sirkel.accounts.models import User
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event
from sirkel.cases.access import case_access
from sirkel.cases.decisions import add_months
from sirkel.cases.models import Case, Goal, Measure, MeasurePlan, MeasureStatus, Phase, PlanEntry, PlanVersion
from sirkel.core.versioning import ConflictError, update_versioned
from sirkel.taxonomy import measures as measure_taxonomy

MAX_GOALS = 20
MAX_SUB_GOALS = 10


@dataclass
class GoalInput:
    text: str
    id: int | None = None
    sub_goals: list[GoalInput] = field(default_factory=list)


@dataclass
class EntryInput:
    measure_id: int
    goals: list[GoalInput] = field(default_factory=list)
    content: str = ""
    responsibilities: str = ""
    expected_duration: str = ""
    internal_note: str = ""


def plan_measures(case: Case) -> list[Measure]:
    """The measures the plan covers: every measure of the case that has not ended, oldest first."""
    return list(
        Measure.objects.filter(case=case)
        .exclude(status=MeasureStatus.ENDED)
        .order_by("created_at", "id")
        .prefetch_related(
            Prefetch("goals", queryset=Goal.objects.filter(retired_at__isnull=True, parent__isnull=True)),
            Prefetch(
                "goals__sub_goals",
                queryset=Goal.objects.filter(retired_at__isnull=True),
                to_attr="active_sub_goals",
            ),
        )
        .select_related("plan_entry")
    )


def plan_of(case: Case) -> MeasurePlan | None:
    return MeasurePlan.objects.filter(case=case).first()


def is_overdue(plan: MeasurePlan | None, *, on: date | None = None) -> bool:
    on = on or timezone.localdate()
    return bool(plan and plan.next_evaluation_on and plan.next_evaluation_on < on)


def overdue_plans_q(*, on: date | None = None, prefix: str = "") -> Q:
    """Plans whose evaluation is overdue, of open cases with a measure that has not ended."""
    on = on or timezone.localdate()
    return (
        Q(**{f"{prefix}next_evaluation_on__lt": on})
        & ~Q(**{f"{prefix}case__phase": Phase.CLOSED})
        & Q(**{f"{prefix}case__measures__status__in": [MeasureStatus.PLANNED, MeasureStatus.ONGOING]})
    )


def _goal_rows(measure: Measure) -> list[dict[str, Any]]:
    return [
        {
            "id": g.pk,
            "text": g.text,
            "sub_goals": [{"id": s.pk, "text": s.text} for s in getattr(g, "active_sub_goals", [])],
        }
        for g in measure.goals.all()
    ]


def snapshot(plan: MeasurePlan, measures: Sequence[Measure]) -> dict[str, Any]:
    """The plan as a plain, readable copy: what a `PlanVersion` keeps."""
    rows = []
    for m in measures:
        entry: PlanEntry | None = getattr(m, "plan_entry", None)
        rows.append(
            {
                "measure": m.pk,
                "kind": m.kind,
                "label": str(measure_taxonomy.kind_label(m.kind)),
                "ssb_code": m.ssb_code,
                "legal_basis": m.legal_basis,
                "status": m.status,
                "planned_start": m.planned_start.isoformat() if m.planned_start else None,
                "expected_end": m.expected_end.isoformat() if m.expected_end else None,
                "goals": _goal_rows(m),
                "content": entry.content if entry else "",
                "responsibilities": entry.responsibilities if entry else "",
                "expected_duration": entry.expected_duration if entry else "",
                "internal_note": entry.internal_note if entry else "",
            }
        )
    return {
        "evaluation_months": plan.evaluation_months,
        "last_evaluated_on": plan.last_evaluated_on.isoformat() if plan.last_evaluated_on else None,
        "next_evaluation_on": plan.next_evaluation_on.isoformat() if plan.next_evaluation_on else None,
        "internal_note": plan.internal_note,
        "measures": rows,
    }


def _clean_goals(goals: Sequence[GoalInput], *, depth: int = 0) -> list[GoalInput]:
    cleaned = []
    for goal in goals:
        text = goal.text.strip()
        if not text:  # an emptied goal leaves the plan, and its sub-goals with it
            continue
        subs = _clean_goals(goal.sub_goals, depth=depth + 1) if depth == 0 else []
        cleaned.append(GoalInput(text=text, id=goal.id, sub_goals=subs))
    limit = MAX_GOALS if depth == 0 else MAX_SUB_GOALS
    if len(cleaned) > limit:
        raise ValidationError({"goals": _("A measure can have at most %(n)d goals here.") % {"n": limit}})
    return cleaned


def _write_goals(
    *, measure: Measure, goals: Sequence[GoalInput], existing: dict[int, Goal], parent: Goal | None
) -> set[int]:
    kept: set[int] = set()
    for position, goal in enumerate(goals):
        row = existing.get(goal.id) if goal.id is not None else None
        if goal.id is not None and row is None:
            raise ValidationError({"goals": _("A goal was changed by someone else: reload the plan.")})
        if row is None:
            row = Goal.objects.create(measure=measure, parent=parent, text=goal.text, position=position)
        elif (row.text, row.position, row.parent_id) != (goal.text, position, parent.pk if parent else None):
            row.text, row.position, row.parent = goal.text, position, parent
            row.save(update_fields=["text", "position", "parent"])
        kept.add(row.pk)
        kept |= _write_goals(measure=measure, goals=goal.sub_goals, existing=existing, parent=row)
    return kept


@transaction.atomic
def save_plan(
    *,
    acting_user: User,
    case: Case,
    expected_version: int,
    entries: Sequence[EntryInput],
    evaluation_months: int | None = None,
    last_evaluated_on: date | None = None,
    internal_note: str | None = None,
    change_note: str = "",
) -> MeasurePlan:
    """Save the plan as a new version. `entries` gives the measures whose part changes (others stay);
    `None` for a plan field keeps it. The next evaluation is the last one (or today, for a plan never
    evaluated) plus the interval."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case_access(user=acting_user, case=case).can_edit:
        raise PermissionDenied
    if case.phase == Phase.CLOSED:
        raise ValidationError(_("The case is closed: its plan can no longer be changed."))
    plan, _created = MeasurePlan.objects.get_or_create(case=case)
    if plan.version != expected_version:  # before the goals are written (update_versioned checks again)
        raise ConflictError
    today = timezone.localdate()
    if evaluation_months is not None:
        if not 1 <= evaluation_months <= 12:
            raise ValidationError(
                {"evaluation_months": _("Evaluate the plan at least once a year (1 to 12 months).")}
            )
        plan.evaluation_months = evaluation_months
    if last_evaluated_on is not None:
        if last_evaluated_on > today:
            raise ValidationError({"last_evaluated_on": _("The last evaluation cannot be in the future.")})
        if last_evaluated_on < case.birth_date:
            raise ValidationError({"last_evaluated_on": _("The date is before the child was born.")})
        plan.last_evaluated_on = last_evaluated_on
    if internal_note is not None:
        plan.internal_note = internal_note.strip()
    measures = {m.pk: m for m in plan_measures(case)}
    now = timezone.now()
    changed: list[int] = []
    for entry in entries:
        measure = measures.get(entry.measure_id)
        if measure is None:
            raise ValidationError(
                {"measures": _("The plan covers only the case's measures that have not ended.")}
            )
        goals = _clean_goals(entry.goals)
        existing = {g.pk: g for g in Goal.objects.filter(measure=measure, retired_at__isnull=True)}
        kept = _write_goals(measure=measure, goals=goals, existing=existing, parent=None)
        Goal.objects.filter(measure=measure, retired_at__isnull=True).exclude(pk__in=kept).update(
            retired_at=now
        )
        values = {
            "content": entry.content.strip(),
            "responsibilities": entry.responsibilities.strip(),
            "expected_duration": entry.expected_duration.strip()[:200],
            "internal_note": entry.internal_note.strip(),
        }
        PlanEntry.objects.update_or_create(measure=measure, defaults={"plan": plan, **values})
        changed.append(measure.pk)
    base = plan.last_evaluated_on or today
    plan.next_evaluation_on = add_months(base, plan.evaluation_months)
    update_versioned(
        plan,
        expected_version=expected_version,
        fields=["evaluation_months", "last_evaluated_on", "next_evaluation_on", "internal_note"],
    )
    fresh = plan_measures(case)
    version = PlanVersion.objects.create(
        plan=plan,
        number=plan.version,
        created_by=acting_user,
        change_note=change_note.strip()[:500],
        content=snapshot(plan, fresh),
    )
    record_event(
        actor=acting_user,
        service=case.service_id,
        action=AuditAction.CREATE if version.number == 1 else AuditAction.UPDATE,
        object_type="measure_plan",
        object_id=plan.pk,
        detail={"case": case.pk, "version": version.number, "measures": changed},
    )
    return plan


def set_goals(
    *, acting_user: User, measure: Measure, texts: Sequence[str], change_note: str = ""
) -> MeasurePlan:
    """Write a measure's goals from lines of text (kept where a line is unchanged), as a new plan version.
    For the pages of a measure's process, where the measure's purpose is its goals in the plan."""
    plan = plan_of(measure.case)
    current = list(Goal.objects.filter(measure=measure, retired_at__isnull=True, parent__isnull=True))
    by_text = {g.text: g for g in current}
    goals = []
    for text in texts:
        text = text.strip()
        if not text:
            continue
        found = by_text.pop(text, None)
        subs = (
            [
                GoalInput(text=s.text, id=s.pk)
                for s in Goal.objects.filter(parent=found, retired_at__isnull=True)
            ]
            if found
            else []
        )
        goals.append(GoalInput(text=text, id=found.pk if found else None, sub_goals=subs))
    entry = PlanEntry.objects.filter(measure=measure).first()
    return save_plan(
        acting_user=acting_user,
        case=measure.case,
        expected_version=plan.version if plan else 0,
        entries=[
            EntryInput(
                measure_id=measure.pk,
                goals=goals,
                content=entry.content if entry else "",
                responsibilities=entry.responsibilities if entry else "",
                expected_duration=entry.expected_duration if entry else "",
                internal_note=entry.internal_note if entry else "",
            )
        ],
        change_note=change_note,
    )


def goals_text(*, measure_id: int) -> str:
    """A measure's goals as lines of text (its purpose, as the process pages show it): one query."""
    return "\n".join(
        Goal.objects.filter(measure_id=measure_id, retired_at__isnull=True, parent__isnull=True).values_list(
            "text", flat=True
        )
    )
