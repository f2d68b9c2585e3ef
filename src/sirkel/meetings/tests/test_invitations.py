"""Invitations: the letter (page and PDF), the calendar file and sending by e-mail."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from sirkel.accounts.models import Service, User
from sirkel.meetings import invitations
from sirkel.meetings.models import (
    Meeting,
    MeetingKind,
    MeetingMode,
    Participant,
    Series,
)
from sirkel.meetings.services import invitations as invitations_services
from sirkel.meetings.services import participants as participants_services
from sirkel.meetings.services import preparation
from sirkel.meetings.tests.preparation_support import (
    MEETING_START,
    PURPOSE,
    meeting,
    meeting_leader,
    member,
    plan,
    reload,
    series,
)
from sirkel.testing.fixtures import client_for

__all__ = ["meeting", "meeting_leader", "series"]  # fixtures used by name


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are checked in their source language (English); Bokmål comes from the catalogue."""
    with translation.override("en"):
        yield


SECRET = "HEMMELIG-INTERNT-NOTAT"


@pytest.fixture(autouse=True)
def _mail_in_memory() -> Iterator[None]:
    """Sent e-mail lands in django.core.mail.outbox, whatever the settings say."""
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        mail.outbox = []
        yield


@pytest.fixture
def invited(series: Series, meeting: Meeting) -> dict[str, Participant]:
    """The mother may be e-mailed; the teacher has an address but no agreement; the grandmother no address."""
    case = series.case
    people = {
        "mother": member(
            case,
            "Mona Mor",
            relation="Mor",
            email="mona@example.no",
            may_contact=True,
            contact_consent_by="Mor",
        ),
        "teacher": member(
            case,
            "Lars Lærer",
            side="public",
            sector="school",
            relation="Lærer",
            email="lars@skole.example.no",
        ),
        "grandma": member(case, "Gerd Mormor", relation="Mormor"),
    }
    participants_services.add_participants(
        acting_user=series.caseworker, meeting=meeting, members=list(people.values())
    )
    Meeting.objects.filter(pk=meeting.pk).update(
        internal_notes=SECRET, reflecting_team_notes=SECRET + "-team"
    )
    return {key: Participant.objects.get(meeting=meeting, member=m) for key, m in people.items()}


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def expected_summary(meeting: Meeting) -> str:
    with translation.override("nb"):
        return invitations.meeting_title(meeting)


# --- The calendar file ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_calendar_file_parses_and_has_the_right_start_end_summary_and_place(meeting: Meeting) -> None:
    event = icalendar.Calendar.from_ical(invitations.meeting_ics(reload(meeting))).walk("VEVENT")[0]

    assert event.decoded("dtstart") == MEETING_START
    assert event.decoded("dtend") == MEETING_START + timedelta(minutes=180)
    assert event["dtstart"].params["TZID"] == "Europe/Oslo"
    assert str(event["summary"]) == expected_summary(meeting)
    assert (
        str(event["summary"]) == "Nettverksmøte"
    )  # the kind's meeting (kinds.py), not the taxonomy's long name
    assert str(event["location"]) == "Familiens hus, Storgata 1"
    assert "Emma" not in event.to_ical().decode() and "Testesen" not in event.to_ical().decode()
    assert PURPOSE not in event.to_ical().decode()


@pytest.mark.django_db
def test_the_uid_is_stable_and_the_sequence_follows_changes(meeting: Meeting) -> None:
    first = icalendar.Calendar.from_ical(invitations.meeting_ics(reload(meeting))).walk("VEVENT")[0]
    again = icalendar.Calendar.from_ical(invitations.meeting_ics(reload(meeting))).walk("VEVENT")[0]
    current = reload(meeting)
    moved = preparation.save_preparation_section(
        acting_user=current.series.caseworker,
        meeting=current,
        section="time",
        values={"starts_at": MEETING_START + timedelta(days=1)},
        version=current.version,
    )
    later = icalendar.Calendar.from_ical(invitations.meeting_ics(reload(moved))).walk("VEVENT")[0]

    assert str(first["uid"]) == str(again["uid"]) == str(later["uid"])
    assert int(later.decoded("sequence")) > int(first.decoded("sequence"))
    assert later.decoded("dtstart") == MEETING_START + timedelta(days=1)


@pytest.mark.django_db
def test_a_digital_meeting_gives_the_video_link_as_url_and_location(series: Series) -> None:
    link = "https://video.example.no/rom/42"
    meeting = plan(series, place="", mode=MeetingMode.DIGITAL, video_link=link)
    event = icalendar.Calendar.from_ical(invitations.meeting_ics(reload(meeting))).walk("VEVENT")[0]
    assert (str(event["url"]), str(event["location"])) == (link, link)


@pytest.mark.django_db
def test_a_follow_up_is_called_a_follow_up_meeting(series: Series, meeting: Meeting) -> None:
    follow_up = plan(series, starts_at=MEETING_START + timedelta(weeks=8))
    event = icalendar.Calendar.from_ical(invitations.meeting_ics(reload(follow_up))).walk("VEVENT")[0]
    with translation.override("nb"):
        assert str(event["summary"]) == str(MeetingKind.FOLLOW_UP.label)


@pytest.mark.django_db
def test_the_calendar_download(meeting: Meeting) -> None:
    client = client_for(meeting.series.caseworker)
    response = client.get(
        reverse("meetings:ics", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert 'filename="mote.ics"' in response["Content-Disposition"]
    assert icalendar.Calendar.from_ical(response.content).walk("VEVENT")


@pytest.mark.django_db
def test_without_a_start_time_the_calendar_download_sends_you_to_set_it(series: Series) -> None:
    meeting = plan(series, starts_at=None)
    client = client_for(series.caseworker)
    response = client.get(reverse("meetings:ics", args=[series.case_id, series.measure_id, meeting.pk]))
    assert response.status_code == 302 and response["Location"].endswith("#section-time")


# --- The letter -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_pdf_letters_state_purpose_and_time_and_leave_out_internal_notes(
    meeting: Meeting, invited: dict[str, Participant]
) -> None:
    client = client_for(meeting.series.caseworker)
    response = client.get(
        reverse(
            "meetings:invitations_pdf", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk]
        )
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Mona" not in response["Content-Disposition"]

    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 3  # one letter per invitee, each on one page of its own
    text = pdf_text(response.content)
    for name in ("Mona Mor", "Lars Lærer", "Gerd Mormor"):
        assert name in text
    assert PURPOSE in text
    assert "09:00" in text and "12:00" in text and "2030" in text
    assert "Familiens hus, Storgata 1" in text
    assert SECRET not in text
    case = meeting.series.case
    assert "Testesen" not in text  # only the child's given name
    for birth in ("14.03.2015", "2015-03-14", "14. mars 2015"):
        assert birth not in text
    assert case.reference not in text


@pytest.mark.django_db
def test_one_letter_per_participant(meeting: Meeting, invited: dict[str, Participant]) -> None:
    client = client_for(meeting.series.caseworker)
    teacher = invited["teacher"]
    response = client.get(
        reverse(
            "meetings:invitation_pdf",
            args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk, teacher.pk],
        )
    )
    text = pdf_text(response.content)
    assert "Lars Lærer" in text and "Mona Mor" not in text
    assert PURPOSE in text and SECRET not in text


@pytest.mark.django_db
def test_the_printable_page_has_the_same_letter(meeting: Meeting, invited: dict[str, Participant]) -> None:
    client = client_for(meeting.series.caseworker)
    url = reverse(
        "meetings:invitations_print", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk]
    )
    page = client.get(url).content.decode()
    assert PURPOSE in page and "Gerd Mormor" in page and SECRET not in page
    one = client.get(url, {"deltaker": invited["grandma"].pk}).content.decode()
    assert "Gerd Mormor" in one and "Mona Mor" not in one
    assert client.get(url, {"deltaker": "x"}).status_code == 404


@pytest.mark.django_db
def test_the_letter_explains_a_network_meeting_in_plain_words(meeting: Meeting) -> None:
    with translation.override("en"):
        letter = invitations.build_letter(meeting=reload(meeting), participant=None)
    about = " ".join(letter.about)
    assert "about 3 hours" in about and "circle" in about and "plan" in about
    assert "confidentiality" in about
    assert meeting.series.caseworker.display_name() in letter.contact


@pytest.mark.django_db
def test_the_letter_and_the_email_give_the_caseworkers_email_and_the_services_phone(
    meeting: Meeting, invited: dict[str, Participant]
) -> None:
    series = meeting.series
    User.objects.filter(pk=series.caseworker_id).update(email="sara.berg@bv.example.no")
    Service.objects.filter(pk=series.case.service_id).update(phone="+47 22 00 00 00")
    with translation.override("en"):
        letter = invitations.build_letter(meeting=reload(meeting), participant=None)
    text = letter.as_text()
    assert "E-mail: sara.berg@bv.example.no" in text and "Phone: +47 22 00 00 00" in text
    client = client_for(series.caseworker)
    page = client.get(
        reverse("meetings:invitations_print", args=[series.case_id, series.measure_id, meeting.pk])
    ).content.decode()
    assert "sara.berg@bv.example.no" in page and "+47 22 00 00 00" in page
    client.post(reverse("meetings:send_invitations", args=[series.case_id, series.measure_id, meeting.pk]))
    body = str(mail.outbox[0].body)
    assert "sara.berg@bv.example.no" in body and "+47 22 00 00 00" in body


def test_durations_read_naturally() -> None:
    with translation.override("en"):
        assert invitations.duration_text(180) == "about 3 hours"
        assert invitations.duration_text(60) == "about 1 hour"
        assert invitations.duration_text(150) == "about 2 and a half hours"
        assert invitations.duration_text(45) == "about 45 minutes"


# --- E-mail ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sending_emails_those_who_agreed_attaches_the_ics_and_lists_the_rest(
    meeting: Meeting, invited: dict[str, Participant]
) -> None:
    client = client_for(meeting.series.caseworker)
    url = reverse(
        "meetings:send_invitations", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk]
    )
    preview = client.get(url).content.decode()
    assert "lars@skole.example.no" not in preview.split('id="paper-heading"')[0]  # not among the e-mails
    assert not mail.outbox

    response = client.post(url)

    assert response.status_code == 200
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mona@example.no"]
    assert PURPOSE in str(message.body) and SECRET not in str(message.body)
    assert "Testesen" not in message.subject + str(message.body)
    name, content, mimetype = message.attachments[0]
    assert name == "mote.ics" and mimetype.startswith("text/calendar")
    event = icalendar.Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == MEETING_START

    sent = {key: Participant.objects.get(pk=p.pk).invitation_sent_at for key, p in invited.items()}
    assert sent["mother"] is not None and sent["teacher"] is None and sent["grandma"] is None
    page = response.content.decode()
    paper = page.split('id="paper-heading"')[1]
    assert "Lars Lærer" in paper and "Gerd Mormor" in paper and "Mona Mor" not in paper


@pytest.mark.django_db
def test_sending_only_to_those_not_sent_yet(meeting: Meeting, invited: dict[str, Participant]) -> None:
    participants = list(Participant.objects.filter(meeting=meeting).select_related("member"))
    user = meeting.series.caseworker
    first = invitations_services.send_invitations(
        acting_user=user, meeting=reload(meeting), participants=participants
    )
    participants = list(Participant.objects.filter(meeting=meeting).select_related("member"))
    again = invitations_services.send_invitations(
        acting_user=user, meeting=reload(meeting), participants=participants, only_unsent=True
    )
    assert [p.name for p in first.sent] == ["Mona Mor"]
    assert {p.name for p, _reason in first.not_sent} == {"Lars Lærer", "Gerd Mormor"}
    assert again.sent == [] and len(mail.outbox) == 1


@pytest.mark.django_db
def test_invitations_cannot_go_out_without_a_time(series: Series, invited: dict[str, Participant]) -> None:
    meeting = plan(series, starts_at=None)
    with pytest.raises(ValidationError, match="date and time"):
        invitations_services.send_invitations(
            acting_user=series.caseworker, meeting=reload(meeting), participants=[]
        )
    response = client_for(series.caseworker).post(
        reverse("meetings:send_invitations", args=[series.case_id, series.measure_id, meeting.pk])
    )
    assert response.status_code == 400 and not mail.outbox


@pytest.mark.django_db
def test_printed_letters_can_be_recorded_as_sent(meeting: Meeting, invited: dict[str, Participant]) -> None:
    grandma = invited["grandma"]
    client = client_for(meeting.series.caseworker)
    response = client.post(
        reverse("meetings:mark_sent", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk]),
        {"participant": [grandma.pk]},
    )
    assert response.status_code == 302
    assert Participant.objects.get(pk=grandma.pk).invitation_sent_at is not None
    assert Participant.objects.get(pk=invited["teacher"].pk).invitation_sent_at is None
