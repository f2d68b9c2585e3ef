"""Running a meeting through the services: attendance, notes with optimistic locking, marking it held with
the network snapshot, and the rules every write obeys (access, stopped measures, audit)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from sirkel.accounts.models import Service, User
from sirkel.audit.models import AuditEvent
from sirkel.cases.models import Case
from sirkel.core.versioning import ConflictError
from sirkel.meetings.models import (
    Attendance,
    ConsentParty,
    Meeting,
    MeetingStatus,
    Series,
    SeriesStatus,
)
from sirkel.meetings.services import consent as consent_services
from sirkel.meetings.services import meeting as services
from sirkel.meetings.services import participants
from sirkel.meetings.tests.meeting_support import day_has_come, invite_family, plan_soon
from sirkel.meetings.tests.preparation_support import meeting_leader, member, ready_series, reload
from sirkel.meetings.tests.series_support import consent, visiting_leader
from sirkel.network.models import NetworkSnapshot, SnapshotSource

__all__ = ["meeting_leader"]  # fixtures used by name


@pytest.fixture
def series(case: Case, meeting_leader: User) -> Series:
    return ready_series(case, meeting_leader)


@pytest.fixture
def meeting(series: Series) -> Meeting:
    return plan_soon(series)


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
    series: Series, meeting: Meeting
) -> None:
    people = invite_family(meeting)
    other = plan_soon(series)
    stranger = member(series.case, "Siv Annen")
    outsider = participants.add_participant(acting_user=series.caseworker, meeting=other, member=stranger)
    with pytest.raises(ValidationError):
        services.record_attendance(
            acting_user=series.caseworker, meeting=meeting, attendance={outsider.pk: Attendance.IN_PERSON}
        )
    with pytest.raises(ValidationError):
        services.record_attendance(
            acting_user=series.caseworker, meeting=meeting, attendance={people["mother"].pk: "maybe"}
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
                reflecting_team_notes="",
                decisions="",
                internal_notes="",
            )
    assert reload(meeting).status == MeetingStatus.PLANNED
    assert reload(meeting).internal_notes == ""


# --- Notes ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_notes_are_saved_and_bump_the_version(meeting: Meeting, meeting_leader: User) -> None:
    saved = services.save_meeting_notes(
        acting_user=meeting_leader,
        meeting=meeting,
        version=meeting.version,
        reflecting_team_notes="Teamet hørte at skolen og hjemmet vil samarbeide.",
        decisions="Nytt møte om seks uker.",
        internal_notes="  Kun for tjenesten.  ",
    )
    stored = reload(meeting)
    assert stored.internal_notes == "Kun for tjenesten."
    assert stored.decisions == "Nytt møte om seks uker."
    assert stored.version == meeting.version + 1 == saved.version
    (event,) = [e for e in events("meeting") if e.detail.get("part") == "notes"]
    assert set(event.detail["fields"]) == {"reflecting_team_notes", "decisions", "internal_notes"}
    assert "Kun for tjenesten." not in str(event.detail)  # the audit trail names fields, never content


@pytest.mark.django_db
def test_a_stale_version_is_refused_and_nothing_is_overwritten(meeting: Meeting, caseworker: User) -> None:
    opened_at = meeting.version
    services.save_meeting_notes(
        acting_user=caseworker,
        meeting=meeting,
        version=opened_at,
        reflecting_team_notes="",
        decisions="",
        internal_notes="Kollegaens notat",
    )
    with pytest.raises(ConflictError):
        services.save_meeting_notes(
            acting_user=caseworker,
            meeting=meeting,
            version=opened_at,
            reflecting_team_notes="",
            decisions="",
            internal_notes="Mitt notat",
        )
    assert reload(meeting).internal_notes == "Kollegaens notat"


# --- Marking the meeting as held ------------------------------------------------------------------------


@pytest.mark.django_db
def test_closing_the_first_meeting_takes_a_snapshot_and_activates_the_measure(
    series: Series, meeting: Meeting, meeting_leader: User
) -> None:
    member(series.case, "Mona Mor", relation="Mor")
    assert series.status == SeriesStatus.PREPARING
    closed = services.close_meeting(acting_user=meeting_leader, meeting=day_has_come(meeting))
    stored = reload(meeting)
    assert stored.status == MeetingStatus.HELD
    assert stored.held_on == timezone.localdate()  # planned for today, held today
    snapshot = NetworkSnapshot.objects.get()
    assert stored.snapshot_id == snapshot.pk == closed.snapshot_id
    assert snapshot.source == SnapshotSource.MEETING
    assert snapshot.case_id == series.case_id
    assert snapshot.created_by_id == meeting_leader.pk
    assert [m["name"] for m in snapshot.data["members"]] == ["Mona Mor"]
    assert snapshot.label.endswith(str(meeting.sequence))
    series.refresh_from_db()
    assert series.status == SeriesStatus.ACTIVE
    held = [e for e in events("meeting") if e.detail.get("part") == "held"]
    assert held and held[0].detail["snapshot"] == snapshot.pk and held[0].detail["series_activated"] is True


@pytest.mark.django_db
def test_a_meeting_is_held_only_once_and_never_on_a_future_day(meeting: Meeting, caseworker: User) -> None:
    with pytest.raises(ValidationError):
        services.close_meeting(
            acting_user=caseworker, meeting=meeting, held_on=timezone.localdate() + timedelta(days=1)
        )
    assert reload(meeting).status == MeetingStatus.PLANNED
    day_has_come(meeting)
    services.close_meeting(acting_user=caseworker, meeting=meeting, held_on=timezone.localdate())
    with pytest.raises(ValidationError):
        services.close_meeting(acting_user=caseworker, meeting=meeting)
    assert NetworkSnapshot.objects.count() == 1


@pytest.mark.django_db
def test_a_meeting_cannot_be_marked_as_held_before_its_planned_day(
    meeting: Meeting, caseworker: User
) -> None:
    # Planned two days from now: marking it as held today (or any day before) would make the minutes
    # disagree with the plan.
    assert meeting.starts_at is not None and timezone.localdate(meeting.starts_at) > timezone.localdate()
    for held_on in (None, timezone.localdate(), timezone.localdate() - timedelta(days=3)):
        with pytest.raises(ValidationError) as error, translation.override("en"):
            services.close_meeting(acting_user=caseworker, meeting=meeting, held_on=held_on)
        assert "before its planned day" in str(error.value)
    stored = reload(meeting)
    assert (stored.status, stored.held_on) == (MeetingStatus.PLANNED, None)
    assert not NetworkSnapshot.objects.exists()


@pytest.mark.django_db
def test_a_leader_from_another_service_closes_the_meeting_they_lead(
    case: Case, other_service: Service
) -> None:
    visitor = visiting_leader(other_service)
    series = ready_series(case, visitor)
    meeting = day_has_come(plan_soon(series))
    services.close_meeting(acting_user=visitor, meeting=meeting)
    snapshot = NetworkSnapshot.objects.get()
    assert snapshot.created_by_id == visitor.pk
    assert snapshot.source == SnapshotSource.MEETING
    event = AuditEvent.objects.get(object_type="network_snapshot")
    assert event.actor_id == visitor.pk


@pytest.mark.django_db
def test_nothing_is_recorded_once_consent_is_withdrawn(series: Series, meeting: Meeting) -> None:
    people = invite_family(meeting)
    given = consent(series, ConsentParty.MOTHER)
    consent_services.withdraw_consent(
        acting_user=series.caseworker, series=series, consent=given, reason="Vil ikke"
    )
    meeting = reload(meeting)
    assert meeting.series.status == SeriesStatus.STOPPED
    user = series.caseworker
    with pytest.raises(ValidationError):
        services.record_attendance(
            acting_user=user, meeting=meeting, attendance={people["mother"].pk: Attendance.IN_PERSON}
        )
    with pytest.raises(ValidationError):
        services.save_meeting_notes(
            acting_user=user,
            meeting=meeting,
            version=meeting.version,
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
