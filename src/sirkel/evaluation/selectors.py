"""Reads of the evaluation app.

The independent reviewer judges blind: until their own judgement is recorded they see none of the
others' (`judgements_for`). Everyone else with access to the case sees them all. The pages' reads start
from `get_evaluation_for_user` (or the case read through `cases.selectors`), which asks the policy."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sirkel.accounts.models import Service, User
from sirkel.accounts.selectors import service_ids_with_role, services_led_by
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event
from sirkel.cases.access import CaseAccess, case_access, visible_cases_q
from sirkel.cases.models import Case, CaseAssignment, Goal, Measure, PlanVersion
from sirkel.cases.plans import plan_measures
from sirkel.cases.selectors import get_case_for_user
from sirkel.evaluation.models import (
    Evaluation,
    EvaluationStatus,
    GoalLevel,
    GoalScale,
    Instrument,
    Judgement,
    Perspective,
)
from sirkel.evaluation.overview import JudgementRow, Overview, compute
from sirkel.evaluation.services import REVIEWER_ROLES
from sirkel.meetings.models import Series
from sirkel.network.models import NetworkMember
from sirkel.taxonomy import measures as measure_taxonomy


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


def has_series(*, measure: Measure) -> bool:
    """Whether the measure has a network process (`meetings.Series`), which participant links hang on."""
    return bool(Series.objects.filter(measure=measure).exists())


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


# --- The leaders' effect overview ------------------------------------------------------------------------


@dataclass(frozen=True)
class EffectOverview:
    """What the effect overview shows for one service: the suppressed aggregates, the years one can
    choose, and the evaluations overdue (which the leader, leading the service, may all see)."""

    service: Service
    year: int | None
    years: list[int]
    overview: Overview
    overdue: list[Evaluation]


def effect_overview(*, user: User, service_id: int | None = None, year: int | None = None) -> EffectOverview:
    """The effect overview of a service `user` leads (the first by name when `service_id` is None), for
    the evaluations closed in `year` (all when None); 404 for anyone who does not lead it.

    Recorded as one read of aggregated data (`effect_overview`, the service's id), with the ids of the
    cases the overdue list names."""
    led = services_led_by(user=user)
    service = next((s for s in led if service_id is None or s.pk == service_id), None)
    if service is None:
        raise Http404
    closed = Evaluation.objects.filter(measure__case__service=service, status=EvaluationStatus.CLOSED)
    years = sorted({d.year for d in closed.values_list("held_on", flat=True) if d is not None}, reverse=True)
    if year is not None:
        closed = closed.filter(held_on__year=year)
    rows = [
        JudgementRow(
            evaluation_id=evaluation_id,
            kind=kind,
            perspective=perspective,
            effect=effect,
            child_scale=child_scale,
            declined=declined,
        )
        for evaluation_id, kind, perspective, effect, child_scale, declined in Judgement.objects.filter(
            evaluation__in=closed
        ).values_list(
            "evaluation_id", "evaluation__measure__kind", "perspective", "effect", "child_scale", "declined"
        )
    ]
    scores = [s for s in closed.values_list("t_score", flat=True) if s is not None]
    overdue = list(
        Evaluation.objects.filter(
            measure__case__in=Case.objects.filter(visible_cases_q(user=user), service=service),
            status=EvaluationStatus.SCHEDULED,
            due_on__lt=timezone.localdate(),
        )
        .select_related("measure__case")
        .order_by("due_on", "id")
    )
    with transaction.atomic():
        record_event(
            actor=user,
            service=service.pk,
            action=AuditAction.VIEW,
            object_type="effect_overview",
            object_id=service.pk,
            detail={
                **({"year": year} if year is not None else {}),
                "overdue_cases": sorted({e.measure.case_id for e in overdue}),
            },
        )
    return EffectOverview(
        service=service,
        year=year,
        years=years,
        overview=compute(rows, scores, kinds=measure_taxonomy.kind_keys()),
        overdue=overdue,
    )


def may_judge(*, user: User, evaluation: Evaluation) -> bool:
    """Whether `user` may record a judgement at the evaluation at all: whoever may change the case, or the
    evaluation's independent reviewer (their own judgement only; `services.record_judgement` decides
    which perspective each may record)."""
    return evaluation.reviewer_id == user.pk or case_access(user=user, case=evaluation.measure.case).can_edit


def instruments_for(*, user: User) -> QuerySet[Instrument]:
    """The rating instruments `user` may use: the generic ones Sirkel ships and those of their services,
    every version, retired ones included (a rating keeps the version it was made with)."""
    return Instrument.objects.filter(
        Q(service__isnull=True) | Q(service_id__in=service_ids_with_role(user=user))
    ).order_by("name", "key", "-version")
