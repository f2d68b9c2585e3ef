"""The minutes for the people in the room: who took part, decisions, the reflecting team, the action plan
and the next meeting; never internal notes, contact details, birth dates or the case number."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sirkel.accounts.models import User
from sirkel.actions.models import ActionStatus
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.cases.models import Case
from sirkel.meetings.models import Attendance, Meeting, Participant, Series
from sirkel.meetings.services import meeting as services
from sirkel.meetings.tests.meeting_support import (
    INTERNAL,
    PHONE,
    add_action,
    day_has_come,
    invite_family,
    invite_many,
    pdf_text,
    plan_soon,
)
from sirkel.meetings.tests.preparation_support import meeting_leader, plan, ready_series
from sirkel.testing.fixtures import client_for

__all__ = ["meeting_leader"]  # fixtures used by name

DECISIONS = "Familien og skolen møtes hver fredag."
REFLECTION = "Teamet hørte mye vilje til å hjelpe."


@pytest.fixture
def series(case: Case, meeting_leader: User) -> Series:
    return ready_series(case, meeting_leader)


@pytest.fixture
def held(series: Series, meeting_leader: User) -> tuple[Meeting, dict[str, Participant]]:
    """A first meeting with attendance, notes, an internal note and actions, marked as held."""
    meeting = plan_soon(series)
    people = invite_family(meeting)
    services.record_attendance(
        acting_user=meeting_leader,
        meeting=meeting,
        attendance={
            people["mother"].pk: Attendance.IN_PERSON,
            people["father"].pk: Attendance.DIGITAL,
            people["aunt"].pk: Attendance.ABSENT,
            people["teacher"].pk: Attendance.IN_PERSON,
        },
    )
    services.save_meeting_notes(
        acting_user=meeting_leader,
        meeting=meeting,
        version=meeting.version,
        reflecting_team_notes=REFLECTION,
        decisions=DECISIONS,
        internal_notes=INTERNAL,
    )
    add_action(meeting, "Tante henter Emma på skolen hver tirsdag", owner=people["aunt"])
    add_action(
        meeting,
        "Kontaktlæreren ringer mor hver fredag",
        owner=people["teacher"],
        support_type="informational",
    )
    add_action(meeting, "Saksbehandler søker om avlastning", owner_user=series.caseworker)
    services.close_meeting(acting_user=meeting_leader, meeting=day_has_come(meeting))
    meeting.refresh_from_db()
    return meeting, people


def minutes_pdf(client: Client, meeting: Meeting) -> tuple[str, str]:
    response = client.get(
        reverse("meetings:minutes_pdf", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return pdf_text(response.content), response["Content-Disposition"]


@pytest.mark.django_db
def test_the_minutes_pdf_names_the_participants_and_the_actions(
    held: tuple[Meeting, dict[str, Participant]], caseworker: User
) -> None:
    meeting, people = held
    text, _ = minutes_pdf(client_for(caseworker), meeting)
    flat = " ".join(text.split())
    for p in people.values():
        assert p.name in flat
    assert "Tante henter Emma på skolen hver tirsdag" in flat
    assert "Kontaktlæreren ringer mor hver fredag" in flat
    assert "Saksbehandler søker om avlastning" in flat
    assert caseworker.display_name() in flat  # a staff member carrying an action
    assert DECISIONS in flat and REFLECTION in flat


@pytest.mark.django_db
def test_the_minutes_never_carry_internal_notes_or_contact_details(
    held: tuple[Meeting, dict[str, Participant]], caseworker: User
) -> None:
    meeting, _people = held
    case = meeting.series.case
    text, disposition = minutes_pdf(client_for(caseworker), meeting)
    flat = " ".join(text.split())
    assert INTERNAL not in flat and "Intern vurdering" not in flat
    assert PHONE not in flat and "912 34 567" not in flat and "mona@example.no" not in flat
    assert case.reference not in flat
    assert str(case.birth_date.year) not in flat
    assert case.child_family_name not in flat
    for name in ("mona", "frank", "emma", "testesen"):
        assert name not in disposition.lower()
    assert disposition.startswith('attachment; filename="referat-')


@pytest.mark.django_db
def test_the_printable_minutes_are_the_same_document_in_bokmaal(
    held: tuple[Meeting, dict[str, Participant]], meeting_leader: User
) -> None:
    meeting, people = held
    client = client_for(meeting_leader)
    client.cookies["django_language"] = "en"
    response = client.get(
        reverse("meetings:minutes", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk])
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode()
    assert '<section class="minutes" lang="nb">' in text
    assert people["teacher"].name in text and DECISIONS in text
    assert INTERNAL not in text and PHONE not in text


@pytest.mark.django_db
def test_the_minutes_list_open_actions_from_earlier_and_the_next_meeting(
    series: Series, held: tuple[Meeting, dict[str, Participant]], caseworker: User, meeting_leader: User
) -> None:
    first, people = held
    earlier_done = add_action(
        first, "Mor booker time hos fastlegen", owner=people["mother"], status=ActionStatus.DONE
    )
    follow_up = plan(series, starts_at=timezone.now() + timedelta(days=3))
    third = plan(series, starts_at=timezone.now() + timedelta(days=40), place="Skolen, møterom 2")
    add_action(follow_up, "Far blir med på foreldremøtet", owner=people["father"])
    text, _ = minutes_pdf(client_for(caseworker), follow_up)
    flat = " ".join(text.split())
    assert "Far blir med på foreldremøtet" in flat  # agreed at this meeting
    assert "Tante henter Emma på skolen hver tirsdag" in flat  # still open from the first
    assert earlier_done.what not in flat  # done earlier: not carried forward
    assert "Skolen, møterom 2" in flat  # the next meeting
    assert third.sequence == 3


@pytest.mark.django_db
def test_downloading_the_minutes_is_audited_as_an_export(
    held: tuple[Meeting, dict[str, Participant]], meeting_leader: User
) -> None:
    meeting, _people = held
    before = AuditEvent.objects.filter(action=AuditAction.EXPORT).count()
    minutes_pdf(client_for(meeting_leader), meeting)
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).latest("id")
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == before + 1
    assert (event.actor_id, event.object_type, event.object_id) == (
        meeting_leader.pk,
        "series",
        str(meeting.series_id),
    )


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_minutes_do_not_query_more_with_more_people_and_actions(
    case: Case, meeting_leader: User, caseworker: User
) -> None:
    small = plan_soon(ready_series(case, meeting_leader))
    large = plan_soon(ready_series(case, meeting_leader))
    for meeting, n in ((small, 3), (large, 30)):
        people = invite_many(meeting, n, prefix=f"M{meeting.pk}")
        for i in range(n):
            add_action(meeting, f"Tiltak {i}", owner=people[i] if i % 2 else None, owner_user=caseworker)
    client = client_for(caseworker)
    few = reverse("meetings:minutes", args=[small.series.case_id, small.series.measure_id, small.pk])
    many = reverse("meetings:minutes", args=[large.series.case_id, large.series.measure_id, large.pk])
    count_queries(client, few)  # warm up
    assert count_queries(client, few) == count_queries(client, many)
    assert "Tiltak 29" in client.get(many).content.decode()
