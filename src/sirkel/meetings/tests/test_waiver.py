"""The confidentiality waiver: it lists only the public participants, the parents (and a youth from 15 at the
meeting) release them for this meeting, the signing is recorded, and the sheet prints for signing."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from sirkel.accounts.models import Service, User
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.cases.models import Case
from sirkel.meetings.models import ConsentParty, Meeting, Participant, ParticipantRole, Series
from sirkel.meetings.services import meeting as services
from sirkel.meetings.services import participants
from sirkel.meetings.tests.meeting_support import (
    PHONE,
    child_born,
    invite,
    invite_family,
    pdf_text,
    plan_soon,
)
from sirkel.meetings.tests.preparation_support import meeting_leader, ready_series, reload
from sirkel.meetings.tests.series_support import consent
from sirkel.network.models import Side
from sirkel.testing.fixtures import client_for

__all__ = ["meeting_leader"]  # fixtures used by name


@pytest.fixture
def series(case: Case, meeting_leader: User) -> Series:
    return ready_series(case, meeting_leader)


@pytest.fixture
def meeting(series: Series) -> Meeting:
    return plan_soon(series)


@pytest.fixture
def people(meeting: Meeting) -> dict[str, Participant]:
    found = invite_family(meeting)
    found["interpreter"] = invite(
        meeting, "Ida Tolk", side=Side.PUBLIC, relation="Tolk", role=ParticipantRole.INTERPRETER
    )
    return found


def english(user: User) -> Client:
    client = client_for(user)
    client.cookies["django_language"] = "en"
    return client


def sign(meeting: Meeting, user: User, released: list[Participant], signed_by: list[str]) -> Meeting:
    return services.record_waiver(
        acting_user=user,
        meeting=meeting,
        released=[p.pk for p in released],
        signed_by=signed_by,
        signed_at=timezone.now() - timedelta(minutes=5),
    )


# --- Who is on the waiver, and who signs ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_waiver_lists_only_the_public_participants(
    meeting: Meeting, people: dict[str, Participant], meeting_leader: User
) -> None:
    participants.add_participants(
        acting_user=meeting.series.caseworker,
        meeting=meeting,
        users=[meeting.series.caseworker, meeting_leader],
    )
    listed = services.waiver_participants(meeting.participants.all(), leader_id=meeting_leader.pk)
    # The caseworker speaks for the child welfare service and must be released too; the leader only leads.
    assert sorted(p.name for p in listed) == ["Caseworker", "Helga Helsesykepleier", "Lars Lærer"]


@pytest.mark.django_db
def test_the_waiver_page_and_sheet_show_the_public_participants_only(
    meeting: Meeting, people: dict[str, Participant], caseworker: User
) -> None:
    client = client_for(caseworker)
    for name in ("waiver", "waiver_sheet"):
        page = client.get(
            reverse(f"meetings:{name}", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk])
        )
        assert page.status_code == 200
        text = page.content.decode()
        assert "Lars Lærer" in text and "Helga Helsesykepleier" in text
        assert "Tove Tante" not in text and "Ida Tolk" not in text
        assert PHONE not in text


@pytest.mark.django_db
def test_parents_sign_with_the_names_from_their_consents(
    series: Series, meeting: Meeting, people: dict[str, Participant]
) -> None:
    consent(series, ConsentParty.MOTHER)  # party_name "mother Testesen"
    signatories = services.waiver_signatories(
        meeting, consents=list(series.consents.all()), participants=list(meeting.participants.all())
    )
    assert [(s.key, s.name) for s in signatories] == [("mother", "mother Testesen"), ("father", "Frank Far")]


@pytest.mark.django_db
def test_a_youth_who_is_15_at_the_meeting_signs_for_themself(
    make_case: Callable[..., Case], caseworker: User, service: Service, meeting_leader: User
) -> None:
    day = timezone.localdate() + timedelta(days=30)
    case = make_case(owner=caseworker, service=service, birth_date=child_born(15, on=day))
    assert case.age == 14  # still 14 today: the meeting date decides
    series = ready_series(case, meeting_leader)
    meeting = plan_soon(series, days=28)
    teacher = invite(meeting, "Lars Lærer", side=Side.PUBLIC, relation="Kontaktlærer")
    invite(meeting, "Emma", relation="Barnet", role=ParticipantRole.CHILD)
    invite(meeting, "Mona Mor", relation="Mor")
    assert services.youth_signs(meeting)
    signatories = services.waiver_signatories(
        meeting, consents=[], participants=list(meeting.participants.all())
    )
    assert ("youth", "Emma") in [(s.key, s.name) for s in signatories]
    with pytest.raises(ValidationError) as refused:
        sign(meeting, caseworker, [teacher], ["mother"])
    assert "signed_by" in refused.value.message_dict
    assert not Participant.objects.get(pk=teacher.pk).waiver_released
    sign(meeting, caseworker, [teacher], ["mother", "youth"])
    assert Participant.objects.get(pk=teacher.pk).waiver_released
    assert reload(meeting).waiver_signed_by == "Mona Mor, Emma"


@pytest.mark.django_db
def test_a_child_under_15_at_the_meeting_does_not_sign(
    meeting: Meeting, people: dict[str, Participant]
) -> None:
    assert meeting.series.case.age_on(services.meeting_day(meeting)) < 15
    assert not services.youth_signs(meeting)
    keys = [s.key for s in services.waiver_signatories(meeting, consents=[], participants=[])]
    assert keys == ["mother", "father"]


# --- Recording the signed waiver ------------------------------------------------------------------------


@pytest.mark.django_db
def test_recording_the_waiver_releases_the_chosen_participants(
    meeting: Meeting, people: dict[str, Participant], meeting_leader: User
) -> None:
    sign(meeting, meeting_leader, [people["teacher"]], ["mother", "father"])
    stored = reload(meeting)
    assert stored.waiver_signed_by == "Mona Mor, Frank Far"
    assert stored.waiver_signed_at is not None
    released = {p.name: p.waiver_released for p in meeting.participants.all()}
    assert released["Lars Lærer"] is True
    assert released["Helga Helsesykepleier"] is False
    event = AuditEvent.objects.filter(object_type="waiver").get()
    assert event.actor_id == meeting_leader.pk
    assert event.detail["released"] == [people["teacher"].pk]
    assert event.detail["signed_by"] == ["father", "mother"]


@pytest.mark.django_db
def test_a_release_needs_a_signature_and_only_public_participants_can_be_released(
    meeting: Meeting, people: dict[str, Participant], caseworker: User
) -> None:
    with pytest.raises(ValidationError):
        sign(meeting, caseworker, [people["teacher"]], [])
    with pytest.raises(ValidationError):
        sign(meeting, caseworker, [people["aunt"]], ["mother"])
    with pytest.raises(ValidationError):
        services.record_waiver(
            acting_user=caseworker,
            meeting=meeting,
            released=[people["teacher"].pk],
            signed_by=["mother"],
            signed_at=timezone.now() + timedelta(hours=2),
        )
    assert not meeting.participants.filter(waiver_released=True).exists()
    assert reload(meeting).waiver_signed_at is None


@pytest.mark.django_db
def test_releasing_nobody_clears_the_record(
    meeting: Meeting, people: dict[str, Participant], caseworker: User
) -> None:
    sign(meeting, caseworker, [people["teacher"], people["nurse"]], ["mother"])
    sign(meeting, caseworker, [], [])
    stored = reload(meeting)
    assert (stored.waiver_signed_at, stored.waiver_signed_by) == (None, "")
    assert not meeting.participants.filter(waiver_released=True).exists()


@pytest.mark.django_db
def test_the_waiver_is_recorded_through_the_page(
    meeting: Meeting, people: dict[str, Participant], meeting_leader: User
) -> None:
    url = reverse("meetings:waiver", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk])
    response = client_for(meeting_leader).post(
        url,
        {
            "released": [str(people["nurse"].pk)],
            "signed_by": ["mother"],
            "signed_at": (timezone.localtime() - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    assert Participant.objects.get(pk=people["nurse"].pk).waiver_released
    assert reload(meeting).waiver_signed_by == "Mona Mor"


@pytest.mark.django_db
def test_a_rejected_waiver_keeps_the_choices_and_explains_why(
    meeting: Meeting, people: dict[str, Participant], meeting_leader: User
) -> None:
    url = reverse("meetings:waiver", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk])
    response = english(meeting_leader).post(url, {"released": [str(people["nurse"].pk)], "signed_by": []})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Tick who signed the waiver." in text
    assert f'value="{people["nurse"].pk}"' in text and "checked" in text
    assert not Participant.objects.get(pk=people["nurse"].pk).waiver_released


@pytest.mark.django_db
def test_the_meeting_page_marks_public_participants_who_are_not_released(
    meeting: Meeting, people: dict[str, Participant], caseworker: User
) -> None:
    sign(meeting, caseworker, [people["teacher"]], ["mother"])
    page = english(caseworker).get(
        reverse("meetings:meeting", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk])
    )
    text = page.content.decode()
    nurse_row = text.split("Helga Helsesykepleier", 1)[1].split("</fieldset>", 1)[0]
    teacher_row = text.split("Lars Lærer", 1)[1].split("</fieldset>", 1)[0]
    aunt_row = text.split("Tove Tante", 1)[1].split("</fieldset>", 1)[0]
    assert "Not released: may not share confidential information" in nurse_row
    assert "Released from confidentiality in this meeting" in teacher_row
    assert "Not released" not in teacher_row and "released" not in aunt_row.lower()


# --- The sheet for signing ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_waiver_pdf_is_for_signing_and_carries_no_contact_details(
    meeting: Meeting, people: dict[str, Participant], caseworker: User
) -> None:
    response = client_for(caseworker).get(
        reverse("meetings:waiver_pdf", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert "mona" not in disposition.lower() and "emma" not in disposition.lower()
    text = pdf_text(response.content)
    assert "Lars Lærer" in text and "Helga Helsesykepleier" in text
    assert "Mona Mor" in text and "Frank Far" in text  # the signature lines
    assert "Tove Tante" not in text
    assert PHONE not in text and "mona@example.no" not in text
    assert "Testesen" not in text  # the child's family name: no more than the given name is needed
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="series").exists()


@pytest.mark.django_db
def test_the_signatures_stay_together_on_one_page_however_long_the_list(
    meeting: Meeting, people: dict[str, Participant], caseworker: User
) -> None:
    """With enough helpers on the list the signatures reach a page break: the mother's line must not be
    left on one page and the father's on the next."""
    url = reverse("meetings:waiver_pdf", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk])
    client = client_for(caseworker)
    pages_seen = set()
    for i in range(16):
        invite(meeting, f"Hjelper {i}", side=Side.PUBLIC, relation="Spesialpedagog")
        reader = PdfReader(io.BytesIO(client.get(url).content))
        texts = [page.extract_text() for page in reader.pages]
        pages_seen.add(len(texts))
        with_mother = [n for n, text in enumerate(texts) if "Mona Mor" in text]
        with_father = [n for n, text in enumerate(texts) if "Frank Far" in text]
        assert with_mother == with_father, (
            f"{i + 3} helpers: mother on {with_mother}, father on {with_father}"
        )
    assert max(pages_seen) > 1  # the list did reach a second page
