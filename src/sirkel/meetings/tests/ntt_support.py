"""Builders for the tests of NTT's contacts between meetings and a fixed series' cadence: an NTT measure
past screening, led by an environmental therapist of the service who does not work on the case, with two
goals in the measure plan; and held meetings in the past."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from sirkel.accounts.models import Role, User
from sirkel.cases.models import Case, Goal, MeasureKind
from sirkel.cases.plans import set_goals
from sirkel.meetings.models import Meeting, MeetingKind, MeetingStatus, Series, TherapistContact
from sirkel.meetings.services import contacts
from sirkel.meetings.tests.preparation_support import go_ahead
from sirkel.meetings.tests.series_support import start
from sirkel.testing.fixtures import make_user

GOALS = ("Emma har faste rutiner ved leggetid.", "Mor og Emma har gode morgener.")


def therapist_of(case: Case, username: str = "miljo") -> User:
    """A colleague in the case's service who does not work on the case: they see it only as its leader."""
    return make_user(username, case.service, Role.CONSULTANT)


def ntt_series(case: Case, *, therapist: User | None = None) -> Series:
    series = go_ahead(start(case, kind=MeasureKind.NTT, leader=therapist))
    set_goals(acting_user=case.caseworker, measure=series.measure, texts=list(GOALS))
    return Series.objects.select_related("measure__case", "leader").get(pk=series.pk)


def goals_of(series: Series) -> list[Goal]:
    active = Goal.objects.filter(measure=series.measure, retired_at__isnull=True)
    return list(active.order_by("position", "id"))


def days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


def held(series: Series, *, days: int, sequence: int, hour: int = 10) -> Meeting:
    """A meeting held `days` ago (made directly: the services refuse to plan one in the past)."""
    day = days_ago(days)
    return Meeting.objects.create(
        series=series,
        sequence=sequence,
        kind=MeetingKind.FIRST if sequence == 1 else MeetingKind.FOLLOW_UP,
        status=MeetingStatus.HELD,
        starts_at=timezone.make_aware(datetime.combine(day, time(hour, 0))),
        held_on=day,
    )


def contact(
    series: Series, goal: Goal, *, by: User, days: int, note: str = "", internal: str = ""
) -> TherapistContact:
    return contacts.record_contact(
        acting_user=by,
        series=series,
        goal=goal,
        on=days_ago(days),
        with_whom="Mor og Emma",
        minutes=60,
        note=note,
        internal_notes=internal,
    )
