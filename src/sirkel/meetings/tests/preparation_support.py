"""Builders and fixtures for the preparation and invitation tests: a series ready for planning, a meeting,
and the family's network register."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sirkel.accounts.models import Role, Service, User
from sirkel.cases.models import Case
from sirkel.meetings.models import Meeting, ScreeningDecision, Series
from sirkel.meetings.services import preparation, screening
from sirkel.meetings.tests.series_support import start, train
from sirkel.network import services as network_services
from sirkel.network.models import NetworkMember
from sirkel.testing.fixtures import make_user

OSLO = ZoneInfo("Europe/Oslo")
# A summer time date: Oslo is UTC+2, so 09:00 local is 07:00 UTC.
MEETING_START = datetime(2030, 6, 4, 9, 0, tzinfo=OSLO)
PURPOSE = "Emma skal ha gode skoledager, og mor skal få nok avlastning."


def go_ahead(series: Series, by: User | None = None) -> Series:
    screening.save_screening(
        acting_user=by or series.caseworker,
        series=series,
        violence_unacknowledged=False,
        severe_conflict=False,
        parent_cognitive_difficulties=False,
        minority_background=False,
        small_network=False,
        decision=ScreeningDecision.PROCEED,
        reasoning="Familien ønsker det, og nettverket er stort nok.",
    )
    series.refresh_from_db()
    return series


def ready_series(case: Case, leader: User) -> Series:
    """A network meeting series past screening, with a leader: a meeting can be planned."""
    return go_ahead(start(case, leader=leader))


def plan(series: Series, **fields: Any) -> Meeting:
    fields.setdefault("starts_at", MEETING_START)
    fields.setdefault("place", "Familiens hus, Storgata 1")
    fields.setdefault("purpose", PURPOSE)
    return preparation.create_meeting(acting_user=series.caseworker, series=series, **fields)


def member(case: Case, name: str, **fields: Any) -> NetworkMember:
    return network_services.add_member(acting_user=case.caseworker, case=case, name=name, **fields)


def reload(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_related("series__measure__case__service").get(pk=meeting.pk)


@pytest.fixture
def meeting_leader(service: Service) -> User:
    user = make_user("moteleder", service, Role.CONSULTANT)
    train(user, service)
    return user


@pytest.fixture
def series(case: Case, meeting_leader: User) -> Series:
    return ready_series(case, meeting_leader)


@pytest.fixture
def meeting(series: Series) -> Meeting:
    return plan(series)
