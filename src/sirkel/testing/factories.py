"""Small factories for tests that need a row in a given state without walking through every service."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from sirkel.accounts.models import User
from sirkel.cases.models import Case, LegalBasis, Measure, MeasureStatus
from sirkel.meetings.models import Series, SeriesStatus

# What the measure's status is while its series is in each state (as the services keep it).
_MEASURE_STATUS = {
    SeriesStatus.SCREENING: MeasureStatus.PLANNED,
    SeriesStatus.PREPARING: MeasureStatus.ONGOING,
    SeriesStatus.ACTIVE: MeasureStatus.ONGOING,
    SeriesStatus.COMPLETED: MeasureStatus.ENDED,
    SeriesStatus.STOPPED: MeasureStatus.ENDED,
    SeriesStatus.NOT_STARTED: MeasureStatus.ENDED,
}


def make_measure(
    *,
    case: Case,
    kind: str,
    status: str = MeasureStatus.ONGOING,
    started_on: date | None = None,
    ended_on: date | None = None,
    legal_basis: str = LegalBasis.VOLUNTARY,
) -> Measure:
    if status == MeasureStatus.ENDED and ended_on is None:
        ended_on = started_on or timezone.localdate()
    return Measure.objects.create(
        case=case, kind=kind, status=status, started_on=started_on, ended_on=ended_on, legal_basis=legal_basis
    )


def make_series(
    *,
    case: Case,
    kind: str,
    caseworker: User,
    status: str = SeriesStatus.SCREENING,
    leader: User | None = None,
    started_on: date | None = None,
    **fields: object,
) -> Series:
    """A measure of `kind` on `case` and its series in `status`."""
    measure_status = _MEASURE_STATUS[SeriesStatus(status)]
    if measure_status != MeasureStatus.PLANNED and started_on is None:
        started_on = timezone.localdate()
    measure = make_measure(case=case, kind=kind, status=measure_status, started_on=started_on)
    return Series.objects.create(
        measure=measure, status=status, caseworker=caseworker, leader=leader, **fields
    )


def decide(
    *,
    case: Case,
    kind: str,
    by: User | None = None,
    legal_basis: str = LegalBasis.VOLUNTARY,
    decided_on: date | None = None,
    expected_months: int | None = 6,
) -> Measure:
    """A decision (with one reason) on `case` that starts a measure of `kind`; the measure it decided."""
    from sirkel.cases.decisions import MeasureChange, ReasonInput, record_decision
    from sirkel.cases.models import DecisionChange, YouthConsent

    user = by or case.caseworker
    decided_on = decided_on or timezone.localdate()
    decision = record_decision(
        acting_user=user,
        case=case,
        decided_on=decided_on,
        legal_basis=legal_basis,
        justification="Familien ønsker hjelp, og nettverket vil bidra.",
        reasons=[ReasonInput(group="child", key="school")],
        changes=[MeasureChange(change=DecisionChange.START, kind=kind, expected_months=expected_months)],
        youth_consent=YouthConsent.ORAL if case.age_on(decided_on) >= 15 else YouthConsent.NOT_APPLICABLE,
    )
    return decision.items.get().measure
