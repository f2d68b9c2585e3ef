"""The meeting page and its actions: who may open them, attendance in one form, the notes without lost input,
marking the meeting held, the visiting leader's narrow view, and query counts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sirkel.accounts.models import Service, User
from sirkel.cases.models import Case, MeasureKind
from sirkel.meetings.models import Attendance, Meeting, MeetingStatus, Participant, Series, SeriesStatus
from sirkel.meetings.services import meeting as services
from sirkel.meetings.tests.meeting_support import (
    INTERNAL,
    add_action,
    day_has_come,
    invite_family,
    invite_many,
    plan_soon,
)
from sirkel.meetings.tests.preparation_support import meeting_leader, ready_series, reload
from sirkel.meetings.tests.series_support import assert_404_for, start, visiting_leader
from sirkel.network.models import NetworkSnapshot, SnapshotSource
from sirkel.testing.fixtures import client_for

__all__ = ["meeting_leader"]  # fixtures used by name


@pytest.fixture
def series(case: Case, meeting_leader: User) -> Series:
    return ready_series(case, meeting_leader)


@pytest.fixture
def meeting(series: Series) -> Meeting:
    return plan_soon(series)


def english(user: User) -> Client:
    client = client_for(user)
    client.cookies["django_language"] = "en"
    return client


def routes(meeting: Meeting) -> list[str]:
    args = [meeting.series.case_id, meeting.series.measure_id, meeting.pk]
    names = [
        "meeting",
        "attendance",
        "close_meeting",
        "waiver",
        "waiver_sheet",
        "waiver_pdf",
        "guide",
        "minutes",
        "minutes_pdf",
    ]
    return [reverse(f"meetings:{name}", args=args) for name in names]


def notes_data(meeting: Meeting, **values: str) -> dict[str, str]:
    data = {
        "version": str(meeting.version),
        "reflecting_team_notes": "",
        "decisions": "",
        "internal_notes": "",
    }
    data.update(values)
    return data


# --- Who may open the pages -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_people_without_access_get_404_everywhere_and_change_nothing(
    meeting: Meeting, teammate: User, outsider: User, researcher: User
) -> None:
    people = invite_family(meeting)
    hostile = {
        **notes_data(meeting, decisions="Hacket", internal_notes="Hacket"),
        f"p{people['mother'].pk}": Attendance.ABSENT,
        "held_on": timezone.localdate().isoformat(),
        "released": str(people["teacher"].pk),
        "signed_by": "mother",
    }
    clients = [client_for(u) for u in (teammate, outsider, researcher)]
    for url in routes(meeting):
        assert_404_for(clients, url, hostile)
    stored = reload(meeting)
    assert (stored.decisions, stored.internal_notes, stored.status) == ("", "", MeetingStatus.PLANNED)
    assert not Participant.objects.filter(meeting=meeting).exclude(attendance="").exists()
    assert not Participant.objects.filter(meeting=meeting, waiver_released=True).exists()


@pytest.mark.django_db
def test_the_caseworker_and_the_leader_open_every_page(
    meeting: Meeting, caseworker: User, meeting_leader: User
) -> None:
    invite_family(meeting)
    for user in (caseworker, meeting_leader):
        client = client_for(user)
        for url in routes(meeting):
            response = client.get(url)
            assert response.status_code in (200, 302), url
            if url.endswith(".pdf"):
                assert response["Content-Type"] == "application/pdf"


@pytest.mark.django_db
def test_a_leader_from_another_service_runs_this_meeting_but_sees_nothing_else(
    case: Case, other_service: Service, meeting_leader: User
) -> None:
    visitor = visiting_leader(other_service)
    led = ready_series(case, visitor)
    meeting = day_has_come(plan_soon(led))
    people = invite_family(meeting)
    other_series = ready_series(case, meeting_leader)
    other_meeting = plan_soon(other_series)
    client = client_for(visitor)

    for url in routes(meeting):
        assert client.get(url).status_code in (200, 302), url
    response = client.post(
        reverse("meetings:attendance", args=[led.case_id, led.measure_id, meeting.pk]),
        {f"p{people['mother'].pk}": Attendance.IN_PERSON},
    )
    assert response.status_code == 302
    assert Participant.objects.get(pk=people["mother"].pk).attendance == Attendance.IN_PERSON
    response = client.post(
        reverse("meetings:close_meeting", args=[led.case_id, led.measure_id, meeting.pk]),
        {"held_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    assert reload(meeting).status == MeetingStatus.HELD
    assert NetworkSnapshot.objects.get().created_by_id == visitor.pk

    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert_404_for([client], reverse("meetings:detail", args=[other_series.case_id, other_series.measure_id]))
    for url in routes(other_meeting):
        assert_404_for([client], url)


@pytest.mark.django_db
def test_the_visiting_leader_is_told_why_the_case_is_not_shown(case: Case, other_service: Service) -> None:
    visitor = visiting_leader(other_service)
    series = ready_series(case, visitor)
    meeting = plan_soon(series)
    text = (
        english(visitor)
        .get(reverse("meetings:meeting", args=[series.case_id, series.measure_id, meeting.pk]))
        .content.decode()
    )
    assert "You lead this meeting for another service" in text
    assert f'href="{reverse("cases:detail", args=[case.pk])}"' not in text


@pytest.mark.django_db
def test_an_in_house_leader_is_not_told_they_lead_for_another_service(
    case: Case, meeting_leader: User
) -> None:
    series = ready_series(case, meeting_leader)
    meeting = plan_soon(series)
    client = english(meeting_leader)
    text = client.get(
        reverse("meetings:meeting", args=[series.case_id, series.measure_id, meeting.pk])
    ).content.decode()
    assert "for another service" not in text
    assert "You lead this meeting." in text


# --- Attendance -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_attendance_for_everyone_is_saved_with_one_form(meeting: Meeting, meeting_leader: User) -> None:
    people = invite_family(meeting)
    url = reverse("meetings:attendance", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk])
    response = client_for(meeting_leader).post(
        url,
        {
            f"p{people['mother'].pk}": Attendance.IN_PERSON,
            f"p{people['father'].pk}": Attendance.DIGITAL,
            f"p{people['aunt'].pk}": Attendance.ABSENT,
            f"p{people['teacher'].pk}": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#attendance")
    stored = {p.pk: p.attendance for p in Participant.objects.filter(meeting=meeting)}
    assert stored[people["mother"].pk] == Attendance.IN_PERSON
    assert stored[people["father"].pk] == Attendance.DIGITAL
    assert stored[people["aunt"].pk] == Attendance.ABSENT
    assert stored[people["teacher"].pk] == ""


@pytest.mark.django_db
def test_saving_attendance_confirms_it_on_the_meeting_page(meeting: Meeting, caseworker: User) -> None:
    people = invite_family(meeting)
    url = reverse("meetings:attendance", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk])
    response = english(caseworker).post(url, {f"p{people['mother'].pk}": Attendance.IN_PERSON}, follow=True)
    assert response.status_code == 200
    assert [(m.level_tag, str(m)) for m in response.context["messages"]] == [
        ("success", "Attendance was saved.")
    ]
    assert 'class="messages"' in response.content.decode()


@pytest.mark.django_db
def test_attendance_with_htmx_returns_the_part_with_a_confirmation(
    meeting: Meeting, caseworker: User
) -> None:
    people = invite_family(meeting)
    url = reverse("meetings:attendance", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk])
    response = english(caseworker).post(
        url, {f"p{people['mother'].pk}": Attendance.DIGITAL}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert text.lstrip().startswith("<section") and "<html" not in text
    assert "Attendance was saved." in text
    assert re.search(rf'name="p{people["mother"].pk}" value="digital"[^>]*checked', text)
    assert Participant.objects.get(pk=people["mother"].pk).attendance == Attendance.DIGITAL


@pytest.mark.django_db
def test_the_attendance_form_is_keyboard_friendly(meeting: Meeting, caseworker: User) -> None:
    people = invite_family(meeting)
    text = (
        english(caseworker)
        .get(
            reverse("meetings:meeting", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk])
        )
        .content.decode()
    )
    # One radio group per person: a fieldset whose legend names them, and a label for every choice.
    assert text.count('<fieldset aria-describedby="attendance-') == len(people)
    assert f'<label class="attendance-choice" for="id_p{people["mother"].pk}_0">' in text
    assert 'type="radio"' in text and 'tabindex="-1" autofocus' not in text


# --- Notes ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_notes_are_saved_from_the_page(meeting: Meeting, meeting_leader: User) -> None:
    url = reverse("meetings:meeting", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk])
    response = client_for(meeting_leader).post(
        url,
        notes_data(
            meeting,
            reflecting_team_notes="Godt møte",
            decisions="Oppfølging om seks uker",
            internal_notes=INTERNAL,
        ),
    )
    assert response.status_code == 302
    stored = reload(meeting)
    assert (stored.reflecting_team_notes, stored.decisions, stored.internal_notes) == (
        "Godt møte",
        "Oppfølging om seks uker",
        INTERNAL,
    )


@pytest.mark.django_db
def test_a_kind_without_a_reflecting_team_has_no_field_for_it_and_saving_keeps_the_stored_one(
    case: Case, caseworker: User
) -> None:
    """A responsibility group has no reflecting team (kinds.py): no field, no heading, nothing in the
    minutes; the notes are saved without touching what is stored for it."""
    group = start(case, kind=MeasureKind.RESPONSIBILITY_GROUP)
    meeting = plan_soon(group)
    Meeting.objects.filter(pk=meeting.pk).update(reflecting_team_notes="Fra før")
    meeting = reload(meeting)
    args = [group.case_id, group.measure_id, meeting.pk]
    url = reverse("meetings:meeting", args=args)
    page = client_for(caseworker).get(url).content.decode()
    assert 'name="reflecting_team_notes"' not in page and "reflekterende team" not in page.lower()
    assert "Notater og beslutninger" in page
    data = notes_data(meeting, decisions="Skolen følger opp leksehjelp.")
    del data["reflecting_team_notes"]
    assert client_for(caseworker).post(url, data).status_code == 302
    stored = reload(meeting)
    assert (stored.decisions, stored.reflecting_team_notes) == ("Skolen følger opp leksehjelp.", "Fra før")
    minutes = client_for(caseworker).get(reverse("meetings:minutes", args=args)).content.decode()
    assert "Skolen følger opp leksehjelp." in minutes and "reflekterende team" not in minutes.lower()


@pytest.mark.django_db
def test_internal_notes_are_clearly_marked_as_never_printed(meeting: Meeting, caseworker: User) -> None:
    text = (
        english(caseworker)
        .get(
            reverse("meetings:meeting", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk])
        )
        .content.decode()
    )
    internal = text.split('class="internal-box"', 1)[1].split("</div>", 1)[0]
    assert "Internal – never printed" in internal
    assert 'name="internal_notes"' in text.split('class="internal-box"', 1)[1]


@pytest.mark.django_db
def test_the_meeting_has_one_internal_note_field(meeting: Meeting, caseworker: User) -> None:
    url = reverse("meetings:meeting", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk])
    text = english(caseworker).get(url).content.decode()
    assert text.count('name="internal_notes"') == 1
    assert 'name="notes"' not in text and "Notes from the meeting" not in text
    assert (
        english(caseworker).post(url, notes_data(meeting, internal_notes="Mor virket sliten.")).status_code
        == 302
    )
    assert reload(meeting).internal_notes == "Mor virket sliten."


@pytest.mark.django_db
def test_a_conflicting_save_keeps_what_was_written_and_shows_the_colleagues_version(
    meeting: Meeting, caseworker: User, meeting_leader: User
) -> None:
    opened = notes_data(meeting)  # both open the page at the same version
    services.save_meeting_notes(
        acting_user=caseworker,
        meeting=meeting,
        version=meeting.version,
        reflecting_team_notes="",
        decisions="",
        internal_notes="Kollegaens tekst",
    )
    url = reverse("meetings:meeting", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk])
    mine = {**opened, "internal_notes": "Min lange tekst fra møtet", "decisions": "Mitt vedtak"}
    response = english(meeting_leader).post(url, mine)
    assert response.status_code == 409
    text = response.content.decode()
    assert "Someone else saved the notes while you were writing." in text
    assert "Min lange tekst fra møtet" in text and "Mitt vedtak" in text  # nothing lost
    assert "Kollegaens tekst" in text  # the colleague's version to compare with
    assert f'name="version" value="{reload(meeting).version}"' in text  # saving again now succeeds
    assert reload(meeting).internal_notes == "Kollegaens tekst"

    again = {**mine, "version": str(reload(meeting).version)}
    assert english(meeting_leader).post(url, again).status_code == 302
    assert reload(meeting).internal_notes == "Min lange tekst fra møtet"


# --- Marking the meeting as held ------------------------------------------------------------------------


@pytest.mark.django_db
def test_marking_the_meeting_as_held_from_the_page(
    series: Series, meeting: Meeting, caseworker: User
) -> None:
    day_has_come(meeting)
    url = reverse("meetings:close_meeting", args=[series.case_id, series.measure_id, meeting.pk])
    response = client_for(caseworker).post(url, {"held_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    stored = reload(meeting)
    assert stored.status == MeetingStatus.HELD and stored.held_on == timezone.localdate()
    assert stored.snapshot is not None and stored.snapshot.source == SnapshotSource.MEETING
    series.refresh_from_db()
    assert series.status == SeriesStatus.ACTIVE
    page = (
        english(caseworker)
        .get(reverse("meetings:meeting", args=[series.case_id, series.measure_id, meeting.pk]))
        .content.decode()
    )
    assert "A snapshot of the network map at this meeting was saved." in page
    assert 'action="' + url not in page  # no second button


@pytest.mark.django_db
def test_a_future_day_is_refused_with_an_explanation(meeting: Meeting, caseworker: User) -> None:
    url = reverse(
        "meetings:close_meeting", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk]
    )
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = english(caseworker).post(url, {"held_on": tomorrow.isoformat()})
    assert response.status_code == 400
    assert "A meeting cannot be marked as held on a future day." in response.content.decode()
    assert reload(meeting).status == MeetingStatus.PLANNED


@pytest.mark.django_db
@pytest.mark.parametrize("held_on", ["0001-01-01", "1999-12-31"])
def test_a_held_day_out_of_range_is_refused_with_an_explanation(
    meeting: Meeting, caseworker: User, held_on: str
) -> None:
    url = reverse(
        "meetings:close_meeting", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk]
    )
    response = english(caseworker).post(url, {"held_on": held_on})
    assert response.status_code == 400
    assert "Choose a date between" in response.content.decode()
    stored = reload(meeting)
    assert (stored.status, stored.held_on) == (MeetingStatus.PLANNED, None)


@pytest.mark.django_db
def test_a_day_before_the_planned_day_is_refused_with_an_explanation(
    meeting: Meeting, caseworker: User
) -> None:
    url = reverse(
        "meetings:close_meeting", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk]
    )
    response = english(caseworker).post(url, {"held_on": timezone.localdate().isoformat()})
    assert response.status_code == 400
    assert "A meeting cannot be marked as held before its planned day" in response.content.decode()
    stored = reload(meeting)
    assert (stored.status, stored.held_on) == (MeetingStatus.PLANNED, None)


@pytest.mark.django_db
def test_a_stopped_measure_shows_the_meeting_read_only(
    series: Series, meeting: Meeting, caseworker: User
) -> None:
    invite_family(meeting)
    Series.objects.filter(pk=series.pk).update(status=SeriesStatus.STOPPED)
    url = reverse("meetings:meeting", args=[series.case_id, series.measure_id, meeting.pk])
    client = english(caseworker)
    text = client.get(url).content.decode()
    assert "Stopped: consent has been withdrawn" in text
    assert 'name="internal_notes"' not in text and 'type="radio"' not in text
    response = client.post(url, notes_data(meeting, internal_notes="Etter stopp"))
    assert response.status_code == 400
    assert reload(meeting).internal_notes == ""
    close = client.post(
        reverse("meetings:close_meeting", args=[series.case_id, series.measure_id, meeting.pk]),
        {"held_on": timezone.localdate().isoformat()},
    )
    assert close.status_code == 400
    assert reload(meeting).status == MeetingStatus.PLANNED


# --- Query counts ---------------------------------------------------------------------------------------


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_meeting_page_does_not_query_more_with_more_people_and_actions(
    case: Case, meeting_leader: User, caseworker: User
) -> None:
    small = plan_soon(ready_series(case, meeting_leader))
    large = plan_soon(ready_series(case, meeting_leader))
    for meeting, n in ((small, 3), (large, 30)):
        people = invite_many(meeting, n, prefix=f"M{meeting.pk}")
        for i in range(n):
            add_action(meeting, f"Tiltak {i}", owner=people[i])
    client = client_for(caseworker)
    urls = [
        (
            reverse("meetings:meeting", args=[m.series.case_id, m.series.measure_id, m.pk]),
            reverse("meetings:guide", args=[m.series.case_id, m.series.measure_id, m.pk]),
            reverse("meetings:waiver", args=[m.series.case_id, m.series.measure_id, m.pk]),
        )
        for m in (small, large)
    ]
    for few, many in zip(*urls, strict=True):
        count_queries(client, few)  # warm up caches (session, taxonomy)
        assert count_queries(client, few) == count_queries(client, many), few


@pytest.mark.django_db
def test_a_follow_up_meeting_points_to_the_review_of_open_actions(
    series: Series, meeting: Meeting, caseworker: User
) -> None:
    people = invite_family(meeting)
    add_action(meeting, "Tante henter på skolen", owner=people["aunt"])
    services.close_meeting(acting_user=caseworker, meeting=day_has_come(meeting))
    follow_up = plan_soon(series, days=30)
    text = (
        english(caseworker)
        .get(reverse("meetings:meeting", args=[series.case_id, series.measure_id, follow_up.pk]))
        .content.decode()
    )
    assert "1 action from earlier is still open." in text
    assert reverse("actions:review", args=[series.case_id, series.measure_id, follow_up.pk]) in text
    assert "Tove Tante" in text  # the participants were carried over from the first meeting
