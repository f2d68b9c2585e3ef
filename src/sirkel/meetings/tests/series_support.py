"""Small builders for the series tests (start, screening, consent, leader register)."""

from __future__ import annotations

from datetime import date, timedelta

from django.test import Client
from django.utils import timezone

from sirkel.accounts.models import Role, Service, User
from sirkel.cases.models import Case, MeasureKind
from sirkel.meetings.kinds import LeaderPool, kind_config
from sirkel.meetings.models import (
    Consent,
    ConsentGivenAs,
    ConsentParty,
    Series,
    TrainedLeader,
)
from sirkel.meetings.services import consent as consent_services
from sirkel.meetings.services import series as series_services
from sirkel.meetings.services.consent import InformedAbout
from sirkel.testing.factories import decide
from sirkel.testing.fixtures import make_user

EVERYTHING_TOLD = [i.value for i in InformedAbout]


def train(user: User, service: Service, *, shared: bool = False, active: bool = True) -> TrainedLeader:
    return TrainedLeader.objects.create(user=user, service=service, shared=shared, active=active)


def leader_for(kind: str, service: Service) -> User | None:
    """Someone from the pool the kind's leader is chosen from (kinds.py), or None where nobody leads."""
    pool = kind_config(kind).leader_pool
    if pool == LeaderPool.TRAINED:
        user = make_user("trenet", service, Role.CONSULTANT)
        train(user, service)
        return user
    if pool == LeaderPool.COORDINATORS:
        return make_user("koordinator", service, Role.COORDINATOR)
    if pool == LeaderPool.STAFF:
        return make_user("kollega", service, Role.CONSULTANT)
    return None


def visiting_leader(other_service: Service, username: str = "visitor") -> User:
    """A meeting leader from another service's shared pool."""
    user = make_user(username, other_service, Role.CONSULTANT)
    train(user, other_service, shared=True)
    return user


def start(
    case: Case,
    *,
    by: User | None = None,
    leader: User | None = None,
    kind: str = MeasureKind.NETWORK_MEETING,
) -> Series:
    user = by or case.caseworker
    measure = None if kind == MeasureKind.START_MEETING else decide(case=case, kind=kind, by=user)
    return series_services.start_series(
        acting_user=user,
        case=case,
        kind=kind,
        measure=measure,
        caseworker=case.caseworker,
        leader=leader,
        purpose="Emma har gode skoledager.",
    )


def consent(series: Series, party: str = ConsentParty.MOTHER, *, by: User | None = None) -> Consent:
    return consent_services.add_consent(
        acting_user=by or series.caseworker,
        series=series,
        party=party,
        party_name=f"{party} Testesen",
        informed_about=EVERYTHING_TOLD,
        informed_on=timezone.localdate(),
        informed_by=by or series.caseworker,
        given_as=ConsentGivenAs.WRITTEN,
    )


def born(years_ago: int, *, days_later: int = 0) -> date:
    """A birth date `years_ago` years before today, moved `days_later` days later."""
    today = timezone.localdate()
    try:
        day = date(today.year - years_ago, today.month, today.day)
    except ValueError:  # 29 February
        day = date(today.year - years_ago, 2, 28)
    return day + timedelta(days=days_later)


def assert_404_for(clients: list[Client], url: str, data: dict[str, str] | None = None) -> None:
    for client in clients:
        assert client.get(url).status_code == 404, url
        assert client.post(url, data or {}).status_code == 404, url
