"""Reads of the evaluation app.

The independent reviewer judges blind: until their own judgement is recorded they see none of the
others' (`judgements_for`). Everyone else with access to the case sees them all."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sirkel.accounts.models import Role, Service, User
from sirkel.accounts.selectors import service_ids_with_role, services_for_user
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event
from sirkel.cases.access import case_access, visible_cases_q
from sirkel.cases.models import Case
from sirkel.evaluation.models import Evaluation, EvaluationStatus, Instrument, Judgement, Perspective
from sirkel.evaluation.overview import JudgementRow, Overview, compute
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


def services_led_by(*, user: User) -> list[Service]:
    """The services `user` leads, by name: whose effect overview they may read."""
    return services_for_user(user=user, roles={Role.LEADER.value})


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
