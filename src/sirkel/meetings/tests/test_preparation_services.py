"""Planning meetings, the preparation checklist and the balance indicator: the rules, not the pages."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from sirkel.accounts.models import Service, User
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.cases.models import Case
from sirkel.core.versioning import ConflictError
from sirkel.meetings.models import (
    ChildParticipation,
    ConsentParty,
    InterpreterKind,
    Meeting,
    MeetingKind,
    MeetingMode,
    Participant,
    ParticipantRole,
    Response,
    Series,
    SeriesStatus,
)
from sirkel.meetings.services import balance as balance_rules
from sirkel.meetings.services import consent as consent_services
from sirkel.meetings.services import invitations, participants, preparation
from sirkel.meetings.services.balance import CLOSE_SHARE_HIGH, PRIVATE_SHARE_HIGH, PUBLIC_SHARE_HIGH, balance
from sirkel.meetings.services.checklist import ChecklistItem, preparation_checklist
from sirkel.meetings.tests.preparation_support import (
    MEETING_START,
    OSLO,
    go_ahead,
    meeting,
    meeting_leader,
    member,
    plan,
    ready_series,
    reload,
    series,
)
from sirkel.meetings.tests.series_support import born, consent, start, visiting_leader

__all__ = ["meeting", "meeting_leader", "series"]  # fixtures used by name


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are checked in their source language (English); Bokmål comes from the catalogue."""
    with translation.override("en"):
        yield


def checklist(meeting: Meeting) -> dict[str, ChecklistItem]:
    return {item.key: item for item in preparation_checklist(reload(meeting))}


def save(meeting: Meeting, section: str, **values: object) -> Meeting:
    current = reload(meeting)
    return preparation.save_preparation_section(
        acting_user=current.series.caseworker,
        meeting=current,
        section=section,
        values=values,
        version=current.version,
    )


def person(role: str, *, public: bool = False, close: bool = False, **fields: object) -> Participant:
    """An unsaved participant: the balance is a pure function over rows."""
    return Participant(name=role, role=role, is_public=public, close_to_problem=close, **fields)


# --- Planning a meeting ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_first_meeting_is_kind_first_with_the_kinds_default_length(series: Series) -> None:
    meeting = plan(series)

    assert (meeting.sequence, meeting.kind) == (1, MeetingKind.FIRST)
    assert meeting.duration_minutes == 180  # about three hours for a network meeting
    assert meeting.starts_at == MEETING_START
    event = AuditEvent.objects.get(
        action=AuditAction.CREATE, object_type="meeting", object_id=str(meeting.pk)
    )
    assert event.actor == series.caseworker and event.detail["sequence"] == 1


@pytest.mark.django_db
def test_a_later_meeting_is_a_follow_up_with_the_next_number_and_the_same_people(
    series: Series, meeting: Meeting
) -> None:
    mother = member(series.case, "Mona Mor", relation="Mor")
    teacher = member(series.case, "Lars Lærer", side="public", sector="school", relation="Lærer")
    participants.add_participants(acting_user=series.caseworker, meeting=meeting, members=[mother, teacher])
    Participant.objects.filter(meeting=meeting).update(response=Response.ACCEPTED)

    follow_up = plan(series, starts_at=MEETING_START + timedelta(weeks=6))
    without = plan(series, starts_at=None, copy_participants=False)

    assert (follow_up.sequence, follow_up.kind) == (2, MeetingKind.FOLLOW_UP)
    copied = list(follow_up.participants.order_by("name"))
    assert [(p.name, p.role, p.response) for p in copied] == [
        ("Lars Lærer", ParticipantRole.PUBLIC, Response.PENDING),
        ("Mona Mor", ParticipantRole.MOTHER, Response.PENDING),
    ]
    assert (without.sequence, without.participants.count()) == (3, 0)


@pytest.mark.django_db
def test_the_interpreter_need_is_prefilled_from_the_case(
    make_case: Callable[..., Case], caseworker: User, service: Service, meeting_leader: User
) -> None:
    case = make_case(
        owner=caseworker,
        service=service,
        interpreter_needed=True,
        cultural_interpreter_needed=True,
        language="somali",
    )
    meeting = plan(ready_series(case, meeting_leader))

    assert meeting.interpreter_needed
    assert (meeting.interpreter_kind, meeting.interpreter_language) == (InterpreterKind.BOTH, "somali")


@pytest.mark.django_db
def test_no_meeting_can_be_planned_during_screening_or_without_a_leader(
    case: Case, meeting_leader: User
) -> None:
    in_screening = start(case, leader=meeting_leader)
    with pytest.raises(ValidationError, match="screening"):
        plan(in_screening)

    leaderless = go_ahead(start(case))
    with pytest.raises(ValidationError, match="meeting leader"):
        plan(leaderless)
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_no_meeting_can_be_planned_when_the_screening_said_no(series: Series) -> None:
    Series.objects.filter(pk=series.pk).update(status=SeriesStatus.NOT_STARTED)
    series.refresh_from_db()
    with pytest.raises(ValidationError, match="should not go ahead"):
        plan(series)


@pytest.mark.django_db
def test_withdrawn_consent_stops_every_preparation_write(series: Series, meeting: Meeting) -> None:
    mother = member(series.case, "Mona Mor", relation="Mor")
    invited = participants.add_participant(acting_user=series.caseworker, meeting=meeting, member=mother)
    given = consent(series, ConsentParty.MOTHER)
    consent_services.withdraw_consent(
        acting_user=series.caseworker, series=series, consent=given, reason="Vil ikke."
    )
    series.refresh_from_db()
    meeting = reload(meeting)
    invited.meeting = meeting
    user = series.caseworker

    attempts: list[Callable[[], object]] = [
        lambda: plan(series),
        lambda: save(meeting, "speech", network_speech="Vi er her for Emma."),
        lambda: participants.add_participants(acting_user=user, meeting=meeting, users=[user]),
        lambda: participants.update_participant(
            acting_user=user, participant=invited, role=ParticipantRole.PRIVATE, close_to_problem=True
        ),
        lambda: participants.remove_participant(acting_user=user, participant=invited),
        lambda: invitations.set_response(acting_user=user, participant=invited, response=Response.ACCEPTED),
        lambda: invitations.mark_invitations_sent(acting_user=user, meeting=meeting, participants=[invited]),
        lambda: invitations.send_invitations(acting_user=user, meeting=meeting, participants=[invited]),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError, match="withdrawn"):
            attempt()
    stored = Participant.objects.get(pk=invited.pk)
    assert (stored.role, stored.response, stored.invitation_sent_at) == (
        ParticipantRole.MOTHER,
        Response.PENDING,
        None,
    )
    assert Meeting.objects.filter(series=series).count() == 1


@pytest.mark.django_db
def test_only_the_caseworker_side_may_prepare(series: Series, meeting: Meeting, teammate: User) -> None:
    with pytest.raises(PermissionDenied):
        preparation.create_meeting(acting_user=teammate, series=series)
    with pytest.raises(PermissionDenied):
        preparation.save_preparation_section(
            acting_user=teammate, meeting=meeting, section="speech", values={}, version=None
        )
    # The meeting leader may not change the preparation, but may record an invitee's answer.
    leader = series.leader
    assert leader is not None
    with pytest.raises(PermissionDenied):
        participants.add_participants(acting_user=leader, meeting=meeting, users=[leader])
    invited = participants.add_participants(acting_user=series.caseworker, meeting=meeting, users=[leader])[0]
    invited.meeting = meeting
    invitations.set_response(acting_user=leader, participant=invited, response=Response.MAYBE, note="Ringer")
    assert Participant.objects.get(pk=invited.pk).response == Response.MAYBE


# --- The preparation sections ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_section_saved_on_a_stale_version_is_refused_and_changes_nothing(meeting: Meeting) -> None:
    opened = reload(meeting)
    save(meeting, "speech", network_speech="Kollegaens tekst.")

    with pytest.raises(ConflictError):
        preparation.save_preparation_section(
            acting_user=opened.series.caseworker,
            meeting=opened,
            section="speech",
            values={"network_speech": "Min tekst."},
            version=opened.version,
        )
    assert reload(meeting).network_speech == "Kollegaens tekst."


@pytest.mark.django_db
def test_a_digital_meeting_needs_a_video_link(meeting: Meeting) -> None:
    with pytest.raises(ValidationError) as info:
        save(meeting, "time", mode=MeetingMode.DIGITAL, video_link="")
    assert "video_link" in info.value.message_dict

    saved = save(meeting, "time", mode=MeetingMode.HYBRID, video_link="https://video.example.no/rom/1")
    assert (saved.mode, saved.video_link) == (MeetingMode.HYBRID, "https://video.example.no/rom/1")
    assert saved.version == meeting.version + 1


@pytest.mark.django_db
def test_only_a_youth_from_15_may_lead_their_own_meeting(
    make_case: Callable[..., Case], caseworker: User, service: Service, meeting_leader: User, meeting: Meeting
) -> None:
    with pytest.raises(ValidationError) as info:
        save(meeting, "child", youth_leads=True)
    assert "youth_leads" in info.value.message_dict

    youth_case = make_case(owner=caseworker, service=service, birth_date=born(16))
    youth_meeting = plan(ready_series(youth_case, meeting_leader))
    assert save(youth_meeting, "child", youth_leads=True).youth_leads


@pytest.mark.django_db
def test_the_purpose_section_writes_the_measures_purpose_and_agreement(meeting: Meeting) -> None:
    save(meeting, "purpose", measure_purpose="Ny formulering.", purpose_agreed_with_parents=True)
    series = Series.objects.get(pk=meeting.series_id)
    assert (series.purpose, series.purpose_agreed_with_parents) == ("Ny formulering.", True)
    event = AuditEvent.objects.filter(object_type="meeting", action=AuditAction.UPDATE).latest("id")
    assert event.detail["section"] == "purpose" and "measure.purpose" in event.detail["fields"]


# --- The checklist --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_checklist_flags_each_missing_item_and_clears_it_when_done(series: Series) -> None:
    case = series.case
    meeting = plan(series, starts_at=None, place="", purpose="")
    items = checklist(meeting)
    assert list(items) == [
        "purpose",
        "consent",
        "invitations",
        "balance",
        "parents",
        "child",
        "interpreter",
        "speech",
        "time",
        "sent",
    ]
    assert {key for key, item in items.items() if item.done} == {"interpreter"}  # none needed for this case
    assert all(item.link for item in items.values())

    # Purpose: written for the measure, but not agreed, and not written for this meeting.
    assert "agree on the purpose with the parents" in items["purpose"].hint
    save(meeting, "purpose", purpose_agreed_with_parents=True, purpose="Bli kjent og lage en plan.")
    assert checklist(meeting)["purpose"].done

    # Consent from both parents (the child is under 15).
    consent(series, ConsentParty.MOTHER)
    assert "Father" in checklist(meeting)["consent"].hint
    consent(series, ConsentParty.FATHER)
    assert checklist(meeting)["consent"].done

    # Invitations: someone private and someone public.
    mother = member(case, "Mona Mor", relation="Mor")
    participants.add_participants(acting_user=series.caseworker, meeting=meeting, members=[mother])
    items = checklist(meeting)
    assert not items["invitations"].done and "public" in items["invitations"].hint
    teacher = member(case, "Lars Lærer", side="public", sector="school", relation="Lærer")
    participants.add_participants(acting_user=series.caseworker, meeting=meeting, members=[teacher])
    items = checklist(meeting)
    # Chosen from both sides, but nobody is marked as close to the problem yet: not a good balance.
    assert items["invitations"].done and not items["balance"].done
    assert "close to the problem" in items["balance"].hint
    mother_row = meeting.participants.get(name="Mona Mor")
    participants.update_participant(
        acting_user=series.caseworker, participant=mother_row, role=mother_row.role, close_to_problem=True
    )
    assert checklist(meeting)["balance"].done
    items = checklist(meeting)

    # Both parents: the child lives with the mother, so the father is easily forgotten.
    assert not items["parents"].done
    assert "father" in items["parents"].hint and "does not live with him" in items["parents"].hint
    save(meeting, "parents", parents_not_invited_reason="Far har ikke samvær etter avgjørelse i retten.")
    assert checklist(meeting)["parents"].done

    # The child's plan: a child who takes part needs a support person.
    save(meeting, "child", child_talked_with=True, child_participation=ChildParticipation.PART)
    items = checklist(meeting)
    assert not items["child"].done and "support person" in items["child"].hint
    save(meeting, "child", child_support_person="Mormor")
    assert checklist(meeting)["child"].done

    # The network speech and who delivers it.
    save(meeting, "speech", network_speech="Vi er her fordi vi bryr oss om Emma.")
    items = checklist(meeting)
    assert not items["speech"].done and "who delivers" in items["speech"].hint
    save(meeting, "speech", network_speech_by="Mor")
    assert checklist(meeting)["speech"].done

    # Time and place.
    assert "set the date and time" in checklist(meeting)["time"].hint
    save(meeting, "time", starts_at=MEETING_START, place="Familiens hus", mode=MeetingMode.IN_PERSON)
    assert checklist(meeting)["time"].done

    # Sent: everyone outside the service has had an invitation.
    rows = list(Participant.objects.filter(meeting=meeting))
    invitations.mark_invitations_sent(
        acting_user=series.caseworker, meeting=reload(meeting), participants=rows
    )
    items = checklist(meeting)
    assert all(item.done for item in items.values()), [i for i in items.values() if not i.done]


@pytest.mark.django_db
def test_inviting_the_father_clears_the_parents_item_without_a_reason(
    series: Series, meeting: Meeting
) -> None:
    mother = member(series.case, "Mona Mor", relation="Mor")
    father = member(series.case, "Frank Far", relation="Far, bor i Bergen")
    participants.add_participants(acting_user=series.caseworker, meeting=meeting, members=[mother])
    assert not checklist(meeting)["parents"].done

    participants.add_participants(acting_user=series.caseworker, meeting=meeting, members=[father])

    assert Participant.objects.get(member=father).role == ParticipantRole.FATHER
    assert checklist(meeting)["parents"].done


@pytest.mark.django_db
def test_the_interpreter_item_waits_for_a_booking_with_a_name(
    make_case: Callable[..., Case], caseworker: User, service: Service, meeting_leader: User
) -> None:
    case = make_case(owner=caseworker, service=service, interpreter_needed=True, language="arabisk")
    meeting = plan(ready_series(case, meeting_leader))
    item = checklist(meeting)["interpreter"]
    assert not item.done and "arabisk" in item.hint

    with pytest.raises(ValidationError):
        save(meeting, "interpreter", interpreter_needed=True, interpreter_booked=True, interpreter_name="")
    save(meeting, "interpreter", interpreter_needed=True, interpreter_booked=True, interpreter_name="Tolk AS")
    assert checklist(meeting)["interpreter"].done


@pytest.mark.django_db
def test_a_youth_from_15_must_consent_too(
    make_case: Callable[..., Case], caseworker: User, service: Service, meeting_leader: User
) -> None:
    case = make_case(owner=caseworker, service=service, birth_date=born(15))
    series = ready_series(case, meeting_leader)
    meeting = plan(series)
    consent(series, ConsentParty.MOTHER)
    consent(series, ConsentParty.FATHER)
    item = checklist(meeting)["consent"]
    assert not item.done and "youth" in item.hint.lower()
    consent(series, ConsentParty.YOUTH)
    assert checklist(meeting)["consent"].done


@pytest.mark.django_db
def test_the_services_refuse_a_meeting_date_out_of_range(series: Series, meeting: Meeting) -> None:
    for starts_at in (datetime(9999, 6, 4, 9, 0, tzinfo=OSLO), datetime(1999, 12, 31, 9, 0, tzinfo=OSLO)):
        with pytest.raises(ValidationError) as error:
            plan(series, starts_at=starts_at)
        assert "starts_at" in error.value.message_dict
        with pytest.raises(ValidationError):
            save(meeting, "time", starts_at=starts_at)
    assert Meeting.objects.filter(series=series).count() == 1
    assert reload(meeting).starts_at == MEETING_START


# --- The balance ----------------------------------------------------------------------------------------


def test_the_thresholds_follow_the_advice_and_are_documented() -> None:
    assert (PUBLIC_SHARE_HIGH, PRIVATE_SHARE_HIGH, CLOSE_SHARE_HIGH) == (0.60, 0.85, 2 / 3)
    assert "Hjort" in (balance_rules.__doc__ or "") + open(balance_rules.__file__, encoding="utf-8").read()


def test_mostly_professionals_is_flagged() -> None:
    # 2 private, 4 public: public share 4/6 = 67 % > 60 %.
    people = [person("mother", close=True), person("private")] + [
        person("public", public=True) for _ in range(4)
    ]
    result = balance(people)
    assert (result.private, result.public, result.public_percent) == (2, 4, 67)
    assert result.lopsided
    assert result.hints == ["Mostly professionals: think about who in the family's own network could come."]


def test_exactly_sixty_percent_public_is_still_balanced() -> None:
    # 2 private, 3 public: 3/5 = 60 %, not above the threshold.
    people = [person("mother", close=True), person("father")] + [
        person("public", public=True) for _ in range(3)
    ]
    result = balance(people)
    assert result.public_share == pytest.approx(0.6)
    assert not result.lopsided


def test_almost_only_private_network_is_flagged() -> None:
    # 6 private, 1 public: 6/7 = 85.7 % > 85 %. With 5 private it is 83.3 %: fine.
    lopsided = balance(
        [person("mother", close=True)]
        + [person("private") for _ in range(5)]
        + [person("public", public=True)]
    )
    fine = balance(
        [person("mother", close=True)]
        + [person("private") for _ in range(4)]
        + [person("public", public=True)]
    )
    assert lopsided.private_percent == 86 and len(lopsided.hints) == 1
    assert "public actor" in lopsided.hints[0]
    assert not fine.lopsided


def test_too_many_close_to_the_problem_is_flagged() -> None:
    # 5 of 7 close = 71 % > 2/3; 4 of 6 = exactly 2/3: fine.
    close = [person("private", close=True) for _ in range(3)] + [
        person("public", public=True, close=True)
    ] * 2
    lopsided = balance([*close, person("private"), person("public", public=True)])
    fine = balance([*close[:4], person("private"), person("public", public=True)])
    assert (lopsided.close, lopsided.further, lopsided.close_percent) == (5, 2, 71)
    assert any("further from it" in hint for hint in lopsided.hints)
    assert (fine.close, fine.further) == (4, 2) and not fine.lopsided


def test_interpreters_the_leader_and_those_who_said_no_are_not_counted() -> None:
    people = [
        person("mother", close=True),
        person("public", public=True),
        person("interpreter", public=True),
        person("public", public=True, response=Response.DECLINED),
        person("staff", public=True, user_id=99),  # the meeting leader
        person("private", invited=False),
    ]
    result = balance(people, leader_id=99)
    assert (result.private, result.public, result.counted) == (1, 1, 2)
    assert not result.lopsided


def test_a_good_balance_needs_someone_close_to_the_problem() -> None:
    # Private and public are balanced, but 0 % are close to the problem: not a good balance.
    nobody_close = balance([person("mother"), person("father"), person("public", public=True)])
    assert nobody_close.close_percent == 0
    assert nobody_close.lopsided
    assert any("close to the problem" in hint for hint in nobody_close.hints)
    one_close = balance([person("mother", close=True), person("father"), person("public", public=True)])
    assert not one_close.lopsided


def test_nobody_invited_gives_no_hint_and_no_division_by_zero() -> None:
    result = balance([])
    assert (result.counted, result.public_share, result.hints) == (0, 0.0, [])


@pytest.mark.django_db
def test_staff_count_as_public_and_roles_set_the_side(series: Series, meeting: Meeting) -> None:
    aunt = member(series.case, "Tone Tante", relation="Tante", email="tone@example.no")
    created = participants.add_participants(
        acting_user=series.caseworker, meeting=meeting, members=[aunt], users=[series.caseworker]
    )
    staff = next(p for p in created if p.user_id)
    assert (staff.role, staff.is_public, staff.relation) == (
        ParticipantRole.STAFF,
        True,
        "Responsible caseworker",
    )
    invited = next(p for p in created if p.member_id)
    assert (invited.email, invited.is_public) == ("tone@example.no", False)
    invited.meeting = reload(meeting)
    updated = participants.update_participant(
        acting_user=series.caseworker,
        participant=invited,
        role=ParticipantRole.PUBLIC,
        close_to_problem=True,
    )
    assert (updated.is_public, updated.close_to_problem) == (True, True)


@pytest.mark.django_db
def test_a_member_of_another_case_cannot_be_invited(
    series: Series, meeting: Meeting, make_case: Callable[..., Case], caseworker: User, service: Service
) -> None:
    other_case = make_case(owner=caseworker, service=service, child_given_name="Ola")
    stranger = member(other_case, "Fremmed Person")
    with pytest.raises(PermissionDenied):
        participants.add_participants(acting_user=series.caseworker, meeting=meeting, members=[stranger])
    assert not Participant.objects.exists()


@pytest.mark.django_db
def test_a_held_meeting_can_no_longer_be_prepared(meeting: Meeting) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(status="held", held_on=timezone.localdate())
    with pytest.raises(ValidationError, match="held"):
        save(meeting, "speech", network_speech="For sent.")


@pytest.mark.django_db
def test_a_leader_may_come_from_another_services_pool(
    case: Case, other_service: Service, meeting_leader: User
) -> None:
    visitor = visiting_leader(other_service)
    meeting = plan(ready_series(case, visitor))
    assert meeting.series.leader == visitor
