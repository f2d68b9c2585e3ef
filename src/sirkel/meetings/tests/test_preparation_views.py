"""The preparation pages: who may open them, the section forms, participants, answers and query counts."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sirkel.accounts.models import Service, User
from sirkel.cases.models import Case
from sirkel.meetings.models import Meeting, MeetingKind, Participant, ParticipantRole, Response, Series
from sirkel.meetings.services import participants as participants_services
from sirkel.meetings.services import preparation
from sirkel.meetings.tests.preparation_support import (
    MEETING_START,
    go_ahead,
    meeting,
    meeting_leader,
    member,
    plan,
    ready_series,
    reload,
    series,
)
from sirkel.meetings.tests.series_support import assert_404_for, start, visiting_leader
from sirkel.network.models import NetworkMember
from sirkel.testing.fixtures import client_for

__all__ = ["meeting", "meeting_leader", "series"]  # fixtures used by name


def routes(meeting: Meeting, participant: Participant) -> list[str]:
    m, g, p = [meeting.series.case_id, meeting.series.measure_id], meeting.pk, participant.pk
    return [
        reverse("meetings:meeting_new", args=m),
        reverse("meetings:prepare", args=[*m, g]),
        reverse("meetings:participants", args=[*m, g]),
        reverse("meetings:participant_new", args=[*m, g]),
        reverse("meetings:participant_edit", args=[*m, g, p]),
        reverse("meetings:participant_remove", args=[*m, g, p]),
        reverse("meetings:response", args=[*m, g, p]),
        reverse("meetings:invitation_pdf", args=[*m, g, p]),
        reverse("meetings:invitations_pdf", args=[*m, g]),
        reverse("meetings:invitations_print", args=[*m, g]),
        reverse("meetings:ics", args=[*m, g]),
        reverse("meetings:send_invitations", args=[*m, g]),
        reverse("meetings:mark_sent", args=[*m, g]),
    ]


# A body that would change something on every route, if the user were allowed to.
HOSTILE = {
    "section": "speech",
    "speech-version": "1",
    "speech-network_speech": "Hacket",
    "new-name": "Hacker",
    "new-role": "private",
    "new-side": "private",
    "role": "public",
    "response": "declined",
    "participant": "1",
    "choose-users": "1",
}


@pytest.fixture
def invited(series: Series, meeting: Meeting) -> Participant:
    mother = member(series.case, "Mona Mor", relation="Mor", email="mona@example.no")
    return participants_services.add_participant(
        acting_user=series.caseworker, meeting=meeting, member=mother
    )


def assert_untouched(meeting: Meeting, participant: Participant) -> None:
    stored = reload(meeting)
    assert (stored.network_speech, stored.version) == ("", meeting.version)
    row = Participant.objects.get(pk=participant.pk)
    assert (row.role, row.response, row.invitation_sent_at) == (
        ParticipantRole.MOTHER,
        Response.PENDING,
        None,
    )
    assert not NetworkMember.objects.filter(name="Hacker").exists()
    assert Meeting.objects.filter(series_id=meeting.series_id).count() == 1


# --- Access ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_outsiders_unassigned_colleagues_and_researchers_get_404_everywhere(
    meeting: Meeting, invited: Participant, outsider: User, teammate: User, researcher: User
) -> None:
    clients = [client_for(outsider), client_for(teammate), client_for(researcher)]
    for url in routes(meeting, invited):
        data = {**HOSTILE, "participant": str(invited.pk)}
        assert_404_for(clients, url, data)
    assert_untouched(meeting, invited)


@pytest.mark.django_db
def test_a_leader_from_another_service_sees_only_the_meetings_they_lead(
    case: Case, other_service: Service, meeting_leader: User
) -> None:
    visitor = visiting_leader(other_service)
    led = ready_series(case, visitor)
    led_meeting = plan(led)
    mother = member(case, "Mona Mor", relation="Mor")
    invited = participants_services.add_participant(
        acting_user=led.caseworker, meeting=led_meeting, member=mother
    )
    other_meeting = plan(ready_series(case, meeting_leader))
    client = client_for(visitor)
    m, g = [led.case_id, led.measure_id], led_meeting.pk

    for name in ("prepare", "participants", "invitations_print", "send_invitations"):
        page = client.get(reverse(f"meetings:{name}", args=[*m, g]))
        assert page.status_code == 200, name
    assert client.get(reverse("meetings:invitations_pdf", args=[*m, g])).status_code == 200
    assert client.get(reverse("meetings:ics", args=[*m, g])).status_code == 200
    participants = client.get(reverse("meetings:participants", args=[*m, g])).content.decode()
    assert "Mona Mor" in participants
    assert "choose-members" not in participants  # no view into the case's network register
    assert reverse("network:page", args=[case.pk]) not in participants

    # The leader may record an invitee's answer (they take calls) but not change the preparation.
    answered = client.post(reverse("meetings:response", args=[*m, g, invited.pk]), {"response": "accepted"})
    assert answered.status_code == 302
    assert Participant.objects.get(pk=invited.pk).response == Response.ACCEPTED
    refused = client.post(
        reverse("meetings:prepare", args=[*m, g]),
        {"section": "speech", "speech-version": "1", "speech-network_speech": "Fra lederen"},
    )
    assert refused.status_code == 404 and reload(led_meeting).network_speech == ""

    # Nothing else: not the other measure's meetings, not the case page.
    assert_404_for(
        [client],
        reverse(
            "meetings:prepare",
            args=[other_meeting.series.case_id, other_meeting.series.measure_id, other_meeting.pk],
        ),
    )
    assert_404_for(
        [client],
        reverse(
            "meetings:participants",
            args=[other_meeting.series.case_id, other_meeting.series.measure_id, other_meeting.pk],
        ),
    )
    assert_404_for([client], reverse("meetings:meeting_new", args=m))
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404


@pytest.mark.django_db
def test_a_meeting_of_another_measure_is_404_under_this_measures_address(
    series: Series, meeting: Meeting, case: Case, meeting_leader: User
) -> None:
    other = plan(ready_series(case, meeting_leader))
    client = client_for(series.caseworker)
    client.cookies["django_language"] = "en"  # the assertions read English messages
    assert (
        client.get(
            reverse("meetings:prepare", args=[series.case_id, series.measure_id, other.pk])
        ).status_code
        == 404
    )


# --- Planning a meeting ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_planning_the_first_and_a_follow_up_meeting(series: Series) -> None:
    client = client_for(series.caseworker)
    client.cookies["django_language"] = "en"  # the assertions read English messages
    url = reverse("meetings:meeting_new", args=[series.case_id, series.measure_id])
    form = client.get(url).content.decode()
    assert "copy_participants" not in form

    first = client.post(url, {"starts_at": "2030-06-04T09:00", "mode": "in_person", "place": "Familiens hus"})
    meeting = Meeting.objects.get(series=series)
    assert first.status_code == 302
    assert first["Location"] == reverse(
        "meetings:prepare", args=[series.case_id, series.measure_id, meeting.pk]
    )
    assert (meeting.kind, meeting.place) == (MeetingKind.FIRST, "Familiens hus")
    assert meeting.starts_at == MEETING_START  # read as Oslo time

    assert "copy_participants" in client.get(url).content.decode()
    client.post(url, {"mode": "in_person", "copy_participants": "on"})
    assert list(Meeting.objects.filter(series=series).values_list("sequence", "kind")) == [
        (1, MeetingKind.FIRST),
        (2, MeetingKind.FOLLOW_UP),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("starts_at", ["9999-06-04T09:00", "0001-06-04T09:00", "1999-12-31T09:00"])
def test_a_meeting_date_out_of_range_is_refused_on_the_page(series: Series, starts_at: str) -> None:
    client = client_for(series.caseworker)
    client.cookies["django_language"] = "en"  # the assertions read English messages
    url = reverse("meetings:meeting_new", args=[series.case_id, series.measure_id])
    response = client.post(url, {"starts_at": starts_at, "mode": "in_person", "place": "Familiens hus"})
    assert response.status_code == 200
    assert "Choose a date between" in response.content.decode()
    assert not Meeting.objects.filter(series=series).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("starts_at", ["9999-06-04T09:00", "0001-06-04T09:00"])
def test_moving_a_meeting_out_of_range_is_refused_on_the_page(meeting: Meeting, starts_at: str) -> None:
    client = client_for(meeting.series.caseworker)
    client.cookies["django_language"] = "en"  # the assertions read English messages
    url = reverse("meetings:prepare", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk])
    response = client.post(
        url,
        {
            "section": "time",
            "time-version": str(meeting.version),
            "time-starts_at": starts_at,
            "time-duration_minutes": "180",
            "time-mode": "in_person",
            "time-place": "Familiens hus, Storgata 1",
            "time-video_link": "",
        },
    )
    assert response.status_code == 400  # an invalid section answers 400 (see above), with the message
    assert "Choose a date between" in response.content.decode()
    assert reload(meeting).starts_at == MEETING_START
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_planning_is_refused_with_a_reason_during_screening(case: Case, meeting_leader: User) -> None:
    series = start(case, leader=meeting_leader)
    client = client_for(case.caseworker)
    url = reverse("meetings:meeting_new", args=[series.case_id, series.measure_id])
    page = client.get(url).content.decode()
    assert "Finish the screening first" in page or "Gjør ferdig egnethetsvurderingen" in page
    client.post(url, {"mode": "in_person"})
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_a_digital_meeting_without_video_link_keeps_what_was_typed(series: Series) -> None:
    client = client_for(series.caseworker)
    client.cookies["django_language"] = "en"  # the assertions read English messages
    response = client.post(
        reverse("meetings:meeting_new", args=[series.case_id, series.measure_id]),
        {"mode": "digital", "place": "", "purpose": "Et formål jeg skrev selv"},
    )
    assert response.status_code == 200
    assert "Et formål jeg skrev selv" in response.content.decode()
    assert not Meeting.objects.exists()


# --- The preparation page -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_saving_a_section_redirects_to_it_and_updates_the_checklist(meeting: Meeting) -> None:
    client = client_for(meeting.series.caseworker)
    client.cookies["django_language"] = "en"  # the assertions read English messages
    url = reverse("meetings:prepare", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk])
    before = client.get(url).content.decode()
    assert 'id="check-speech"' in before and "checklist__item--missing" in before

    response = client.post(
        url,
        {
            "section": "speech",
            "speech-version": str(meeting.version),
            "speech-network_speech": "Vi er her for Emma.",
            "speech-network_speech_by": "Mor",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#section-speech")
    saved = reload(meeting)
    assert (saved.network_speech, saved.network_speech_by) == ("Vi er her for Emma.", "Mor")
    after = client.get(url).content.decode()
    speech_item = after.split('id="check-speech"')[0].rsplit("<li", 1)[1]
    assert "checklist__item--done" in speech_item


@pytest.mark.django_db
def test_an_invalid_section_keeps_the_input_and_shows_an_error_summary(meeting: Meeting) -> None:
    client = client_for(meeting.series.caseworker)
    client.cookies["django_language"] = "en"  # the assertions read English messages
    response = client.post(
        reverse("meetings:prepare", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk]),
        {
            "section": "time",
            "time-version": str(meeting.version),
            "time-duration_minutes": "180",
            "time-mode": "hybrid",
            "time-place": "Rådhuset, møterom 3",
            "time-video_link": "",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-summary"' in page and "Rådhuset, møterom 3" in page
    assert reload(meeting).place == "Familiens hus, Storgata 1"


@pytest.mark.django_db
def test_a_stale_form_is_refused_without_losing_the_text(meeting: Meeting) -> None:
    client = client_for(meeting.series.caseworker)
    client.cookies["django_language"] = "en"  # the assertions read English messages
    url = reverse("meetings:prepare", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk])
    opened_at = meeting.version
    preparation.save_preparation_section(
        acting_user=meeting.series.caseworker,
        meeting=reload(meeting),
        section="speech",
        values={"network_speech": "Kollegaens utkast"},
        version=opened_at,
    )
    body = {
        "section": "speech",
        "speech-version": str(opened_at),
        "speech-network_speech": "Mitt eget utkast",
        "speech-network_speech_by": "Mormor",
    }
    response = client.post(url, body)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Mitt eget utkast" in page
    assert "Someone else saved" in page or "Noen andre har lagret" in page
    assert reload(meeting).network_speech == "Kollegaens utkast"

    # Saving again from the kept form (now at the current version) goes through.
    body["speech-version"] = str(opened_at + 1)
    assert client.post(url, body).status_code == 302
    assert reload(meeting).network_speech == "Mitt eget utkast"


@pytest.mark.django_db
def test_an_unknown_section_is_404(meeting: Meeting) -> None:
    client = client_for(meeting.series.caseworker)
    client.cookies["django_language"] = "en"  # the assertions read English messages
    url = reverse("meetings:prepare", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk])
    assert client.post(url, {"section": "internal_notes"}).status_code == 404


# --- Participants ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_inviting_from_the_register_and_the_service(meeting: Meeting, meeting_leader: User) -> None:
    series = meeting.series
    grandma = member(series.case, "Gerd Mormor", relation="Mormor", ring=1)
    client = client_for(series.caseworker)
    client.cookies["django_language"] = "en"  # the assertions read English messages
    url = reverse("meetings:participants", args=[series.case_id, series.measure_id, meeting.pk])
    page = client.get(url).content.decode()
    assert "Gerd Mormor" in page and meeting_leader.display_name() in page
    assert reverse("network:page", args=[series.case_id]) in page

    response = client.post(url, {"choose-members": [grandma.pk], "choose-users": [meeting_leader.pk]})

    assert response.status_code == 302
    rows = {p.name: p for p in Participant.objects.filter(meeting=meeting)}
    assert rows["Gerd Mormor"].role == ParticipantRole.PRIVATE and not rows["Gerd Mormor"].is_public
    leader_row = rows[meeting_leader.display_name()]
    assert leader_row.role == ParticipantRole.STAFF
    assert leader_row.relation in ("Meeting leader", "Møteleder")
    # Already invited people are no longer offered.
    assert f'name="choose-members" value="{grandma.pk}"' not in client.get(url).content.decode()


@pytest.mark.django_db
def test_choosing_nobody_is_an_error(meeting: Meeting) -> None:
    client = client_for(meeting.series.caseworker)
    client.cookies["django_language"] = "en"  # the assertions read English messages
    response = client.post(
        reverse(
            "meetings:participants", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk]
        ),
        {},
    )
    assert response.status_code == 400 and 'id="error-summary"' in response.content.decode()


@pytest.mark.django_db
def test_someone_new_is_added_to_the_register_and_invited(meeting: Meeting) -> None:
    client = client_for(meeting.series.caseworker)
    client.cookies["django_language"] = "en"  # the assertions read English messages
    response = client.post(
        reverse(
            "meetings:participant_new", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk]
        ),
        {
            "new-name": "Petter Nabo",
            "new-role": "private",
            "new-relation": "Nabo",
            "new-side": "private",
            "new-close_to_problem": "",
            "new-email": "petter@example.no",
            "new-may_contact": "on",
            "new-contact_consent_by": "Mor",
        },
    )
    assert response.status_code == 302
    added = NetworkMember.objects.get(case_id=meeting.series.case_id, name="Petter Nabo")
    assert added.may_contact and added.contact_consent_by == "Mor"
    invited = Participant.objects.get(meeting=meeting, member=added)
    assert (invited.role, invited.email) == (ParticipantRole.PRIVATE, "petter@example.no")


@pytest.mark.django_db
def test_inviting_the_child_as_someone_new_adds_no_one_to_their_own_network_map(meeting: Meeting) -> None:
    case = meeting.series.case
    client = client_for(meeting.series.caseworker)
    client.cookies["django_language"] = "en"  # the assertions read English messages
    url = reverse("meetings:participant_new", args=[case.pk, meeting.series.measure_id, meeting.pk])
    data = {"new-name": case.child_given_name, "new-role": "child", "new-side": "private"}
    members_before = NetworkMember.objects.filter(case=case).count()
    response = client.post(url, data)
    assert response.status_code == 302
    assert NetworkMember.objects.filter(case=case).count() == members_before  # no extra node on the map
    assert not NetworkMember.objects.filter(case=case, name__icontains=case.child_given_name).exists()
    child = Participant.objects.get(meeting=meeting, role=ParticipantRole.CHILD)
    assert (child.member_id, child.name) == (None, case.child_name)

    again = client.post(url, data)
    assert again.status_code == 400
    assert "is already invited" in again.content.decode()
    assert Participant.objects.filter(meeting=meeting, role=ParticipantRole.CHILD).count() == 1


@pytest.mark.django_db
def test_someone_new_without_who_agreed_to_contact_is_refused(meeting: Meeting) -> None:
    client = client_for(meeting.series.caseworker)
    client.cookies["django_language"] = "en"  # the assertions read English messages
    response = client.post(
        reverse(
            "meetings:participant_new", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk]
        ),
        {"new-name": "Petter Nabo", "new-role": "private", "new-side": "private", "new-may_contact": "on"},
    )
    assert response.status_code == 400 and "Petter Nabo" in response.content.decode()
    assert not NetworkMember.objects.filter(name="Petter Nabo").exists()


@pytest.mark.django_db
def test_marking_role_and_closeness_and_removing(meeting: Meeting, invited: Participant) -> None:
    client = client_for(meeting.series.caseworker)
    client.cookies["django_language"] = "en"  # the assertions read English messages
    m, g, p = [meeting.series.case_id, meeting.series.measure_id], meeting.pk, invited.pk
    client.post(
        reverse("meetings:participant_edit", args=[*m, g, p]),
        {f"p{p}-role": "support", f"p{p}-close_to_problem": "on"},
    )
    row = Participant.objects.get(pk=p)
    assert (row.role, row.close_to_problem, row.is_public) == (ParticipantRole.SUPPORT, True, False)

    client.post(reverse("meetings:participant_remove", args=[*m, g, p]))
    assert not Participant.objects.filter(pk=p).exists()
    assert NetworkMember.objects.filter(name="Mona Mor").exists()  # still in the register


@pytest.mark.django_db
def test_recording_an_answer(meeting: Meeting, invited: Participant) -> None:
    client = client_for(meeting.series.caseworker)
    client.cookies["django_language"] = "en"  # the assertions read English messages
    url = reverse(
        "meetings:response", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk, invited.pk]
    )
    assert "Mona Mor" in client.get(url).content.decode()
    client.post(url, {"response": "maybe", "response_note": "Må sjekke jobben"})
    row = Participant.objects.get(pk=invited.pk)
    assert (row.response, row.response_note) == (Response.MAYBE, "Må sjekke jobben")


@pytest.mark.django_db
def test_the_balance_warning_shows_on_both_pages(meeting: Meeting) -> None:
    series = meeting.series
    professionals = [
        member(series.case, f"Fagperson {n}", side="public", sector="services", relation="BUP")
        for n in range(4)
    ]
    participants_services.add_participants(
        acting_user=series.caseworker,
        meeting=meeting,
        members=[member(series.case, "Mona Mor"), *professionals],
    )
    client = client_for(series.caseworker)
    client.cookies["django_language"] = "en"  # the assertions read English messages
    for name in ("participants", "prepare"):
        page = client.get(
            reverse(f"meetings:{name}", args=[series.case_id, series.measure_id, meeting.pk])
        ).content.decode()
        assert "balance__bar" in page
        assert "Mostly professionals" in page or "Mest fagfolk" in page, name


# --- Query counts ---------------------------------------------------------------------------------------


def _invite_many(series: Series, meeting: Meeting, count: int) -> None:
    people = [
        member(
            series.case, f"Person {n}", side="public" if n % 3 == 0 else "private", email=f"p{n}@example.no"
        )
        for n in range(count)
    ]
    participants_services.add_participants(acting_user=series.caseworker, meeting=meeting, members=people)


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_page_queries_do_not_grow_with_the_number_of_participants(
    case: Case, make_case: Callable[..., Case], caseworker: User, service: Service, meeting_leader: User
) -> None:
    small = plan(ready_series(case, meeting_leader))
    other_case = make_case(owner=caseworker, service=service, child_given_name="Ola")
    large = plan(ready_series(other_case, meeting_leader))
    _invite_many(small.series, small, 3)
    _invite_many(large.series, large, 30)
    client = client_for(caseworker)
    for name in ("prepare", "participants", "send_invitations"):
        few = _queries(
            client,
            reverse(f"meetings:{name}", args=[small.series.case_id, small.series.measure_id, small.pk]),
        )
        many = _queries(
            client,
            reverse(f"meetings:{name}", args=[large.series.case_id, large.series.measure_id, large.pk]),
        )
        assert few == many, (name, few, many)
    detail_few = _queries(
        client, reverse("meetings:detail", args=[small.series.case_id, small.series.measure_id])
    )
    plan(small.series, starts_at=None)
    plan(small.series, starts_at=None)
    assert (
        _queries(client, reverse("meetings:detail", args=[small.series.case_id, small.series.measure_id]))
        == detail_few
    )


@pytest.mark.django_db
def test_the_series_page_lists_meetings_with_links(meeting: Meeting) -> None:
    client = client_for(meeting.series.caseworker)
    client.cookies["django_language"] = "en"  # the assertions read English messages
    page = client.get(
        reverse("meetings:detail", args=[meeting.series.case_id, meeting.series.measure_id])
    ).content.decode()
    assert (
        reverse("meetings:prepare", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk])
        in page
    )
    assert (
        reverse("meetings:participants", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk])
        in page
    )
    assert reverse("meetings:meeting_new", args=[meeting.series.case_id, meeting.series.measure_id]) in page


@pytest.mark.django_db
def test_a_leaderless_series_past_screening_cannot_plan(case: Case) -> None:
    series = go_ahead(start(case))
    client = client_for(case.caseworker)
    client.post(
        reverse("meetings:meeting_new", args=[series.case_id, series.measure_id]), {"mode": "in_person"}
    )
    assert not Meeting.objects.filter(series=series).exists()
