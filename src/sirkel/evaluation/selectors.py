"""Reads of the evaluation app.

The independent reviewer judges blind: until their own judgement is recorded they see none of the
others' (`judgements_for`). Everyone else with access to the case sees them all. The pages' reads start
from `get_evaluation_for_user` (or the case read through `cases.selectors`), which asks the policy."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import Http404

from sirkel.accounts.models import User
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event
from sirkel.cases.access import CaseAccess
from sirkel.cases.models import Case, CaseAssignment, Goal, Measure, PlanVersion
from sirkel.cases.plans import plan_measures
from sirkel.cases.selectors import get_case_for_user
from sirkel.evaluation.models import (
    Evaluation,
    EvaluationStatus,
    GoalLevel,
    GoalScale,
    Judgement,
    Perspective,
)
from sirkel.evaluation.services import REVIEWER_ROLES
from sirkel.network.models import NetworkMember


def reviewer_is_blind(*, user: User, evaluation: Evaluation) -> bool:
    """Whether `user` is this evaluation's reviewer and has not yet recorded their judgement."""
    return (
        evaluation.reviewer_id == user.pk
        and not evaluation.judgements.filter(perspective=Perspective.REVIEWER).exists()
    )


def judgements_for(*, user: User, evaluation: Evaluation) -> QuerySet[Judgement]:
    """The judgements `user` may see on the evaluation page: all of them, except to a reviewer who has
    not judged yet — they see none."""
    judgements = evaluation.judgements.select_related("member", "recorded_by")
    if reviewer_is_blind(user=user, evaluation=evaluation):
        return judgements.none()
    return judgements


# --- The staff pages ---------------------------------------------------------------------------------------
# The case has been read through `cases.selectors.get_case_for_user` (which asked the policy and audited
# the read) before any of these: they read what hangs on that case, never another.


def get_measure_of_case(*, case: Case, measure_id: int) -> Measure:
    """A measure of the case (any kind), or 404."""
    measure = Measure.objects.filter(case=case, pk=measure_id).select_related("case").first()
    if measure is None:
        raise Http404
    return measure


def get_evaluation_for_user(
    *, user: User, case_id: int, evaluation_id: int, require_edit: bool = False
) -> tuple[Case, CaseAccess, Evaluation]:
    """The case, the user's access to it and one of its evaluations; 404 when the user may not see the
    case (or, with `require_edit`, change it) or the evaluation is not the case's. The reviewer of an open
    evaluation reads the case through the policy's `Basis.REVIEWER`."""
    case, access = get_case_for_user(user=user, case_id=case_id, require_edit=require_edit, part="evaluation")
    evaluation = (
        Evaluation.objects.filter(measure__case=case, pk=evaluation_id)
        .select_related("measure", "reviewer", "reviewer_chosen_by", "created_by", "closed_by")
        .first()
    )
    if evaluation is None:
        raise Http404
    evaluation.measure.case = case
    return case, access, evaluation


@dataclass
class GoalRow:
    """A goal of a measure as the scale and evaluation pages show it: its scale and, at an evaluation,
    its level."""

    goal: Goal
    scale: GoalScale | None
    level: GoalLevel | None = None
    sub_goals: list[Goal] = field(default_factory=list)


def goal_rows(*, measure: Measure, evaluation: Evaluation | None = None) -> list[GoalRow]:
    """The measure's goals in the plan (top level, in order; sub-goals are shown under them) with their
    scales, and their levels at `evaluation`. A goal taken out of the plan that got a level at this
    evaluation is kept, so what was measured stays readable."""
    goals = (
        Goal.objects.filter(measure=measure, parent__isnull=True)
        .select_related("scale")
        .order_by("position", "id")
    )
    levels: dict[int, GoalLevel] = {}
    if evaluation is not None:
        levels = {lv.goal_id: lv for lv in GoalLevel.objects.filter(evaluation=evaluation)}
    subs: dict[int, list[Goal]] = {}
    for sub in Goal.objects.filter(measure=measure, parent__isnull=False, retired_at__isnull=True).order_by(
        "position", "id"
    ):
        subs.setdefault(sub.parent_id or 0, []).append(sub)
    rows = []
    for goal in goals:
        if goal.retired_at is not None and goal.pk not in levels:
            continue
        scale = getattr(goal, "scale", None)
        rows.append(GoalRow(goal, scale, levels.get(goal.pk), subs.get(goal.pk, [])))
    return rows


def evaluations_of(*, measure: Measure) -> list[Evaluation]:
    """The measure's evaluations, newest first."""
    return list(
        Evaluation.objects.filter(measure=measure).select_related("reviewer").order_by("-due_on", "-id")
    )


def plan_overview(*, case: Case) -> list[dict[str, Any]]:
    """Per measure the plan covers: its goals with their scales, its open evaluation and how many it has
    had. For the plan page (which read the case), in four queries whatever the number of measures."""
    measures = plan_measures(case)
    scales = {s.goal_id: s for s in GoalScale.objects.filter(goal__measure__in=measures)}
    open_ones = {
        e.measure_id: e
        for e in Evaluation.objects.filter(measure__in=measures, status=EvaluationStatus.SCHEDULED)
    }
    counts = dict(
        Evaluation.objects.filter(measure__in=measures)
        .values_list("measure")
        .annotate(n=Count("id"))
        .values_list("measure", "n")
    )
    return [
        {
            "measure": m,
            "goals": [(g, scales.get(g.pk)) for g in m.goals.all()],
            "open": open_ones.get(m.pk),
            "count": counts.get(m.pk, 0),
        }
        for m in measures
    ]


def network_members_of(*, case: Case) -> QuerySet[NetworkMember]:
    """The case's network members, to name a parent from."""
    return NetworkMember.objects.filter(case=case).order_by("name", "id")


def service_colleagues(*, case: Case) -> QuerySet[User]:
    """The active colleagues and leaders of the case's service, in the roles a reviewer may hold."""
    return (
        User.objects.filter(
            is_active=True, memberships__service_id=case.service_id, memberships__role__in=REVIEWER_ROLES
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def reviewer_candidates(*, case: Case) -> QuerySet[User]:
    """Who the leader may name as independent reviewer: the service's colleagues and leaders who are not
    on the case (its caseworker, or assigned)."""
    assigned = CaseAssignment.objects.filter(case=case).values("user_id")
    return service_colleagues(case=case).exclude(pk=case.caseworker_id).exclude(pk__in=assigned)


def plan_version_at_close(*, evaluation: Evaluation) -> PlanVersion | None:
    """The plan version that closing the evaluation wrote (the newest one saved by then)."""
    if evaluation.closed_at is None:
        return None
    return (
        PlanVersion.objects.filter(
            plan__case_id=evaluation.measure.case_id, created_at__lte=evaluation.closed_at
        )
        .order_by("-number")
        .first()
    )


def open_reviews_for(*, user: User) -> list[Evaluation]:
    """The open evaluations `user` is the independent reviewer of, soonest first. The list names each
    case (the reviewer may open it while the evaluation is open); it is audited as a list."""
    rows = list(
        Evaluation.objects.filter(reviewer=user, status=EvaluationStatus.SCHEDULED)
        .select_related("measure__case")
        .order_by("due_on", "id")
    )
    with transaction.atomic():
        record_event(
            actor=user,
            service=None,
            action=AuditAction.LIST,
            object_type="evaluation",
            detail={"evaluations": [e.pk for e in rows]},
        )
    return rows
