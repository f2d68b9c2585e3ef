"""Reads for the rating pages: a case's ratings (through the case's access policy, audited as a read of
the case's "ratings" part) and a leader's instruments.

Instruments are no case data (item texts and two numbers), so listing them is not audited; who may change
them is the service's leaders, asked of the memberships like every other service-level register."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from sirkel.accounts.models import Role, Service, User
from sirkel.accounts.selectors import role_in_service, services_for_user
from sirkel.cases import selectors as case_selectors
from sirkel.cases.access import CaseAccess
from sirkel.cases.models import Case, Measure
from sirkel.evaluation.instruments import ChangeSeries, change_series, current_instruments, owned_by
from sirkel.evaluation.models import Instrument, Rating


@dataclass(frozen=True)
class CaseRatings:
    case: Case
    access: CaseAccess
    series: list[ChangeSeries]  # one per instrument key rated, in the order first rated
    instruments: list[Instrument]  # what a new rating may use: current versions, not retired
    measures: list[Measure]


def case_ratings(*, user: User, case_id: int, require_edit: bool = False) -> CaseRatings:
    """The case's ratings per instrument with their reliable changes, or 404 for a case the user may not
    see (or, with `require_edit`, may not change). The read is audited by `get_case_for_user`."""
    case, access = case_selectors.get_case_for_user(
        user=user, case_id=case_id, require_edit=require_edit, part="ratings"
    )
    keys: list[str] = []
    for key in (
        Rating.objects.filter(case=case).order_by("rated_on", "id").values_list("instrument__key", flat=True)
    ):
        if key not in keys:
            keys.append(key)
    series = [s for s in (change_series(case, key) for key in keys) if s is not None]
    return CaseRatings(
        case=case,
        access=access,
        series=series,
        instruments=current_instruments(service_id=case.service_id),
        measures=list(Measure.objects.filter(case=case).order_by("id")),
    )


def led_services(*, user: User) -> list[Service]:
    """The services `user` leads (whose instruments they keep)."""
    return services_for_user(user=user, roles={Role.LEADER.value})


def leader_service(*, user: User, wanted: str = "") -> Service:
    """The service whose instruments are shown: the one asked for (by id), else the first the user leads;
    404 for one they do not lead, or when they lead none."""
    services = led_services(user=user)
    if wanted:
        services = [s for s in services if str(s.pk) == wanted]
    if not services:
        raise Http404
    return services[0]


def instrument_for_leader(*, user: User, instrument_id: int) -> Instrument:
    """The current version of the instrument whose (any) version is `instrument_id`, for a leader of its
    service; 404 for a shipped one (read-only) and for anyone else."""
    row = Instrument.objects.filter(pk=instrument_id, service__isnull=False).first()
    if row is None or role_in_service(user=user, service_id=row.service_id or 0) != Role.LEADER.value:
        raise Http404
    latest = (
        Instrument.objects.filter(owned_by(row.service_id), key=row.key)
        .select_related("service")
        .order_by("-version")
        .first()
    )
    assert latest is not None  # noqa: S101 - `row` itself is one of them
    return latest
