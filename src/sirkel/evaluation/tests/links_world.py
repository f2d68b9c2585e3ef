"""A network measure with people, meetings, actions and an open evaluation, for the participant-link tests.

A test module makes its fixture of it: `@pytest.fixture def world(case): yield from link_world(case)`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

from sirkel.accounts.models import User
from sirkel.actions import services as action_services
from sirkel.actions.models import Action
from sirkel.cases.models import Case, MeasureKind
from sirkel.evaluation.models import Evaluation
from sirkel.evaluation.services import schedule_evaluation
from sirkel.meetings.models import Meeting, MeetingKind, MeetingStatus, Series, SeriesStatus
from sirkel.network import services as network_services
from sirkel.network.models import NetworkMember
from sirkel.testing.factories import make_series


@dataclass
class LinkWorld:
    case: Case
    owner: User
    series: Series
    other_series: Series  # another network measure of the same case
    mother: NetworkMember
    aunt: NetworkMember
    first: Meeting  # held
    follow_up: Meeting  # planned
    mothers: list[Action]
    aunts: Action
    evaluation: Evaluation


def build(case: Case) -> LinkWorld:
    owner = case.caseworker
    today = timezone.localdate()
    series = make_series(
        case=case, kind=MeasureKind.NETWORK_MEETING, status=SeriesStatus.ACTIVE, caseworker=owner
    )
    other = make_series(
        case=case, kind=MeasureKind.NETWORK_MEETING, status=SeriesStatus.ACTIVE, caseworker=owner
    )
    mother = network_services.add_member(acting_user=owner, case=case, name="Mona Mor", relation="Mor")
    aunt = network_services.add_member(acting_user=owner, case=case, name="Tove Tante", relation="Tante")
    now = timezone.now()
    first = Meeting.objects.create(
        series=series,
        sequence=1,
        kind=MeetingKind.FIRST,
        status=MeetingStatus.HELD,
        starts_at=now - datetime.timedelta(days=3),
        held_on=today - datetime.timedelta(days=3),
        place="Familiens hus",
    )
    follow_up = Meeting.objects.create(
        series=series,
        sequence=2,
        kind=MeetingKind.FOLLOW_UP,
        status=MeetingStatus.PLANNED,
        starts_at=now + datetime.timedelta(days=14),
        place="Familiens hus",
    )
    Meeting.objects.create(
        series=other,
        sequence=1,
        kind=MeetingKind.FIRST,
        status=MeetingStatus.HELD,
        starts_at=now - datetime.timedelta(days=2),
        held_on=today - datetime.timedelta(days=2),
        place="Skolen",
    )

    def act(what: str, member: NetworkMember, days: int) -> Action:
        return action_services.add_action(
            acting_user=owner,
            series=series,
            meeting=first,
            what=what,
            due_on=today + datetime.timedelta(days=days),
            owner_member=member,
        )

    mothers = [
        act("Følger Emma til skolen mandager", mother, 7),
        act("Ringer læreren hver fredag", mother, 10),
    ]
    aunts = act("Henter Emma tirsdager", aunt, 5)
    evaluation = schedule_evaluation(acting_user=owner, measure=series.measure, due_on=today)
    return LinkWorld(case, owner, series, other, mother, aunt, first, follow_up, mothers, aunts, evaluation)


def link_world(case: Case) -> Iterator[LinkWorld]:
    """For a test module's own `world` fixture: `yield from link_world(case)`."""
    cache.clear()  # the public pages' rate limit counts in the cache
    yield build(case)
    cache.clear()
