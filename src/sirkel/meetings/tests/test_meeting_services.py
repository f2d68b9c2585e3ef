"""Running a meeting through the services: attendance, notes with optimistic locking, marking it held with
the network snapshot, and the rules every write obeys (access, stopped measures, audit)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sirkel.accounts.models import Service, User
from sirkel.audit.models import AuditEvent
from sirkel.cases.models import Case
from sirkel.meetings.models import (
    Attendance,
    ConsentParty,
    Measure,
    MeasureStatus,
    Meeting,
    MeetingStatus,
)
from sirkel.meetings.services import meeting as services
from sirkel.meetings.services import preparation, series
from sirkel.meetings.tests.meeting_support import invite_family, plan_soon
from sirkel.meetings.tests.preparation_support import meeting_leader, member, ready_measure, reload
from sirkel.meetings.tests.series_support import consent, visiting_leader
from sirkel.network.models import NetworkSnapshot, SnapshotSource

__all__ = ["meeting_leader"]  # fixtures used by name


@pytest.fixture
def measure(case: Case, meeting_leader: User) -> Measure:
    return ready_measure(case, meeting_leader)


@pytest.fixture
def meeting(measure: Measure) -> Meeting:
    return plan_soon(measure)


def events(object_type: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type=object_type).order_by("id"))


# --- Attendance -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_attendance_is_recorded_for_everyone_at_once_and_audited(
    meeting: Meeting, meeting_leader: User
) -> None:
    people = invite_family(meeting)
    changed = services.record_attendance(
        acting_user=meeting_leader,
        meeting=meeting,
        attendance={
            people["mother"].pk: Attendance.IN_PERSON,
            people["father"].pk: Attendance.DIGITAL,
            people["aunt"].pk: Attendance.ABSENT,
        },
    )
    assert changed == 3
    stored = {p.name: p.attendance for p in meeting.participants.all()}
    assert stored["Mona Mor"] == Attendance.IN_PERSON
    assert stored["Frank Far"] == Attendance.DIGITAL
    assert stored["Tove Tante"] == Attendance.ABSENT
    assert stored["Lars Lærer"] == ""
    (event,) = events("attendance")
    assert event.actor_id == meeting_leader.pk
    assert event.detail["participants"] == sorted(
        [people["mother"].pk, people["father"].pk, people["aunt"].pk]
    )


@pytest.mark.django_db
def test_attendance_refuses_people_from_another_meeting_and_unknown_values(
    measure: Measure, meeting: Meeting
) -> None:
    people = invite_family(meeting)
    other = plan_soon(measure)
    stranger = member(measure.case, "Siv Annen")
    outsider = preparation.add_participant(acting_user=measure.caseworker, meeting=other, member=stranger)
    with pytest.raises(ValidationError):
        services.record_attendance(
            acting_user=measure.caseworker, meeting=meeting, attendance={outsider.pk: Attendance.IN_PERSON}
        )
    with pytest.raises(ValidationError):
        services.record_attendance(
            acting_user=measure.caseworker, meeting=meeting, attendance={people["mother"].pk: "maybe"}
        )
    assert not meeting.participants.exclude(attendance="").exists()


@pytest.mark.django_db
def test_only_those_who_may_run_the_meeting_record_anything(
    meeting: Meeting, teammate: User, outsider: User, researcher: User
) -> None:
    people = invite_family(meeting)
    for user in (teammate, outsider, researcher):
        with pytest.raises(PermissionDenied):
            services.record_attendance(
                acting_user=user, meeting=meeting, attendance={people["mother"].pk: Attendance.IN_PERSON}
            )
        with pytest.raises(PermissionDenied):
            services.close_meeting(acting_user=user, meeting=meeting)
        with pytest.raises(PermissionDenied):
            services.save_meeting_notes(
                acting_user=user,
                meeting=meeting,
                version=meeting.version,
                notes="x",
                reflecting_team_notes="",
                decisions="",
                internal_notes="",
            )
    assert reload(meeting).status == MeetingStatus.PLANNED
    assert reload(meeting).notes == ""


# --- Notes ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_notes_are_saved_and_bump_the_version(meeting: Meeting, meeting_leader: User) -> None:
    saved = services.save_meeting_notes(
        acting_user=meeting_leader,
        meeting=meeting,
        version=meeting.version,
        notes="  Alle fikk si sitt.  ",
        reflecting_team_notes="Teamet hørte at skolen og hjemmet vil samarbeide.",
        decisions="Nytt møte om seks uker.",
        internal_notes="Kun for tjenesten.",
    )
    stored = reload(meeting)
    assert stored.notes == "Alle fikk si sitt."
    assert stored.decisions == "Nytt møte om seks uker."
    assert stored.version == meeting.version + 1 == saved.version
    (event,) = [e for e in events("meeting") if e.detail.get("part") == "notes"]
    assert set(event.detail["fields"]) == {"notes", "reflecting_team_notes", "decisions", "internal_notes"}
    assert "Kun for tjenesten." not in str(event.detail)  # the audit trail names fields, never content


@pytest.mark.django_db
def test_a_stale_version_is_refused_and_nothing_is_overwritten(meeting: Meeting, caseworker: User) -> None:
    opened_at = meeting.version
    services.save_meeting_notes(
        acting_user=caseworker,
        meeting=meeting,
        version=opened_at,
        notes="Kollegaens notat",
        reflecting_team_notes="",
        decisions="",
        internal_notes="",
    )
    with pytest.raises(services.ConflictError):
        services.save_meeting_notes(
            acting_user=caseworker,
            meeting=meeting,
            version=opened_at,
            notes="Mitt notat",
            reflecting_team_notes="",
            decisions="",
            internal_notes="",
        )
    assert reload(meeting).notes == "Kollegaens notat"


# --- Marking the meeting as held ------------------------------------------------------------------------


@pytest.mark.django_db
def test_closing_the_first_meeting_takes_a_snapshot_and_activates_the_measure(
    measure: Measure, meeting: Meeting, meeting_leader: User
) -> None:
    member(measure.case, "Mona Mor", relation="Mor")
    assert measure.status == MeasureStatus.PREPARING
    closed = services.close_meeting(acting_user=meeting_leader, meeting=meeting)
    stored = reload(meeting)
    assert stored.status == MeetingStatus.HELD
    assert stored.held_on == timezone.localdate()  # planned for later, held today
    snapshot = NetworkSnapshot.objects.get()
    assert stored.snapshot_id == snapshot.pk == closed.snapshot_id
    assert snapshot.source == SnapshotSource.MEETING
    assert snapshot.case_id == measure.case_id
    assert snapshot.created_by_id == meeting_leader.pk
    assert [m["name"] for m in snapshot.data["members"]] == ["Mona Mor"]
    assert snapshot.label.endswith(str(meeting.sequence))
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.ACTIVE
    held = [e for e in events("meeting") if e.detail.get("part") == "held"]
    assert held and held[0].detail["snapshot"] == snapshot.pk and held[0].detail["measure_activated"] is True


@pytest.mark.django_db
def test_a_meeting_is_held_only_once_and_never_on_a_future_day(meeting: Meeting, caseworker: User) -> None:
    with pytest.raises(ValidationError):
        services.close_meeting(
            acting_user=caseworker, meeting=meeting, held_on=timezone.localdate() + timedelta(days=1)
        )
    assert reload(meeting).status == MeetingStatus.PLANNED
    services.close_meeting(acting_user=caseworker, meeting=meeting, held_on=timezone.localdate())
    with pytest.raises(ValidationError):
        services.close_meeting(acting_user=caseworker, meeting=meeting)
    assert NetworkSnapshot.objects.count() == 1


@pytest.mark.django_db
def test_a_leader_from_another_service_closes_the_meeting_they_lead(
    case: Case, other_service: Service
) -> None:
    visitor = visiting_leader(other_service)
    measure = ready_measure(case, visitor)
    meeting = plan_soon(measure)
    services.close_meeting(acting_user=visitor, meeting=meeting)
    snapshot = NetworkSnapshot.objects.get()
    assert snapshot.created_by_id == visitor.pk
    assert snapshot.source == SnapshotSource.MEETING
    event = AuditEvent.objects.get(object_type="network_snapshot")
    assert event.actor_id == visitor.pk


@pytest.mark.django_db
def test_nothing_is_recorded_once_consent_is_withdrawn(measure: Measure, meeting: Meeting) -> None:
    people = invite_family(meeting)
    given = consent(measure, ConsentParty.MOTHER)
    series.withdraw_consent(acting_user=measure.caseworker, measure=measure, consent=given, reason="Vil ikke")
    meeting = reload(meeting)
    assert meeting.measure.status == MeasureStatus.STOPPED
    user = measure.caseworker
    with pytest.raises(ValidationError):
        services.record_attendance(
            acting_user=user, meeting=meeting, attendance={people["mother"].pk: Attendance.IN_PERSON}
        )
    with pytest.raises(ValidationError):
        services.save_meeting_notes(
            acting_user=user,
            meeting=meeting,
            version=meeting.version,
            notes="x",
            reflecting_team_notes="",
            decisions="",
            internal_notes="",
        )
    with pytest.raises(ValidationError):
        services.record_waiver(acting_user=user, meeting=meeting, released=[], signed_by=[], signed_at=None)
    with pytest.raises(ValidationError):
        services.close_meeting(acting_user=user, meeting=meeting)
    assert reload(meeting).status == MeetingStatus.PLANNED
    assert not NetworkSnapshot.objects.exists()
