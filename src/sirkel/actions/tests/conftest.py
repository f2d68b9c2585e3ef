"""Small factories for action-plan tests: a measure on the shared test case, its meetings, network members
and actions. Measures and meetings are made directly (their own services are tested in `meetings`);
actions go through the plan services."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from sirkel.accounts.models import Role, Service, User
from sirkel.actions import services
from sirkel.actions.models import Action
from sirkel.actions.selectors.due import today
from sirkel.cases.models import Case, MeasureKind
from sirkel.meetings.models import (
    Attendance,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Participant,
    ParticipantRole,
    Series,
    SeriesStatus,
    TrainedLeader,
)
from sirkel.network.models import NetworkMember
from sirkel.testing.factories import make_series
from sirkel.testing.fixtures import make_user


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


@pytest.fixture
def series(case: Case, caseworker: User, consultant: User) -> Series:
    """A network meeting series led by the service's network consultant (not assigned to the case)."""
    return make_series(
        case=case,
        kind=MeasureKind.NETWORK_MEETING,
        status=SeriesStatus.ACTIVE,
        caseworker=caseworker,
        leader=consultant,
    )


@pytest.fixture
def make_meeting() -> Callable[..., Meeting]:
    def _make(
        series: Series,
        *,
        sequence: int,
        status: str = MeetingStatus.HELD,
        held_days_ago: int | None = 30,
        kind: str | None = None,
    ) -> Meeting:
        held_on = days(-held_days_ago) if status == MeetingStatus.HELD and held_days_ago is not None else None
        return Meeting.objects.create(
            series=series,
            sequence=sequence,
            kind=kind or (MeetingKind.FIRST if sequence == 1 else MeetingKind.FOLLOW_UP),
            status=status,
            held_on=held_on,
        )

    return _make


@pytest.fixture
def first_meeting(series: Series, make_meeting: Callable[..., Meeting]) -> Meeting:
    return make_meeting(series, sequence=1, held_days_ago=40)


@pytest.fixture
def make_member() -> Callable[..., NetworkMember]:
    def _make(case: Case, name: str = "Mormor Berit", **fields: Any) -> NetworkMember:
        return NetworkMember.objects.create(case=case, name=name, **fields)

    return _make


@pytest.fixture
def grandma(case: Case, make_member: Callable[..., NetworkMember]) -> NetworkMember:
    return make_member(
        case,
        "Mormor Berit",
        relation="mormor",
        email="berit@example.org",
        may_contact=True,
        contact_consent_by="mor",
    )


@pytest.fixture
def make_action(caseworker: User) -> Callable[..., Action]:
    def _make(
        series: Series,
        meeting: Meeting,
        *,
        due_in: int,
        what: str = "Henter Emma på skolen tirsdager",
        owner_member: NetworkMember | None = None,
        owner_user: User | None = None,
        status: str | None = None,
    ) -> Action:
        if owner_member is None and owner_user is None:
            owner_user = caseworker
        # Record it as agreed at the meeting, then move the due date: tests need actions overdue today.
        action = services.add_action(
            acting_user=series.caseworker,
            series=series,
            meeting=meeting,
            what=what,
            due_on=max(days(due_in), days(0)),
            owner_member=owner_member,
            owner_user=owner_user,
        )
        Action.objects.filter(pk=action.pk).update(due_on=days(due_in), status=status or "open")
        action.refresh_from_db()
        return action

    return _make


def add_participants(meeting: Meeting, *, private: int, public: int, absent: int = 0) -> None:
    people = [(ParticipantRole.PRIVATE, False, Attendance.IN_PERSON)] * private
    people += [(ParticipantRole.PUBLIC, True, Attendance.IN_PERSON)] * public
    people += [(ParticipantRole.PRIVATE, False, Attendance.ABSENT)] * absent
    Participant.objects.bulk_create(
        Participant(meeting=meeting, name=f"P{i}", role=role, is_public=is_public, attendance=att)
        for i, (role, is_public, att) in enumerate(people)
    )


@pytest.fixture
def foreign_leader(other_service: Service) -> User:
    """A trained leader from another service's shared pool."""
    user = make_user("foreignleader", other_service, Role.CONSULTANT)
    TrainedLeader.objects.create(user=user, service=other_service, shared=True)
    return user
