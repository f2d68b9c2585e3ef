"""The REST API's network measures: a measure's process, its meetings and participants, and consents, with
the pages' access (the measure's leader from another service too) and audit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sirkel.accounts.models import Service, User
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.cases.models import Case, MeasureKind
from sirkel.meetings.models import (
    Attendance,
    Consent,
    ConsentParty,
    Meeting,
    MeetingKind,
    ScreeningDecision,
    Series,
    SeriesStatus,
)
from sirkel.meetings.services import meeting as meeting_services
from sirkel.meetings.tests.meeting_support import invite_family
from sirkel.meetings.tests.preparation_support import MEETING_START, go_ahead, meeting_leader, plan
from sirkel.meetings.tests.series_support import EVERYTHING_TOLD, consent, start, visiting_leader
from sirkel.testing.factories import make_measure
from sirkel.testing.fixtures import api_client_for

__all__ = ["meeting_leader"]  # fixtures used by name

PROBLEM = "application/problem+json"


@pytest.fixture
def series(case: Case, meeting_leader: User) -> Series:
    return go_ahead(start(case, leader=meeting_leader))


@pytest.fixture
def meeting(series: Series) -> Meeting:
    return plan(series)


def base(series: Series) -> str:
    return f"/api/v1/cases/{series.case_id}/measures/{series.measure_id}/"


def meeting_url(meeting: Meeting, rest: str = "") -> str:
    return f"{base(meeting.series)}meetings/{meeting.pk}/{rest}"


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def consent_body(**values: Any) -> dict[str, Any]:
    return {
        "party": ConsentParty.MOTHER,
        "party_name": "Mona Mor",
        "informed_about": EVERYTHING_TOLD,
        "given_as": "written",
        **values,
    }


# --- The process ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_process_gives_status_people_screening_and_what_consent_is_missing(
    series: Series, caseworker: User, meeting_leader: User
) -> None:
    consent(series, ConsentParty.MOTHER)
    series.refresh_from_db()

    response = api_client_for(caseworker).get(base(series) + "process/")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == series.pk
    assert body["measure"] == series.measure_id
    assert body["case"] == series.case_id
    assert body["kind"] == "network_meeting"
    assert body["status"] == series.status == SeriesStatus.PREPARING
    assert body["caseworker"] == caseworker.pk
    assert body["leader"] == meeting_leader.pk
    started_on = series.measure.started_on
    assert started_on is not None  # the screening's go-ahead starts the measure's period
    assert body["started_on"] == started_on.isoformat()
    assert body["version"] == series.version
    assert body["screening"]["decision"] == ScreeningDecision.PROCEED
    assert body["screening"]["decided_by"] == caseworker.pk
    assert body["consent"] == {
        "complete": False,
        "missing": ["father"],
        "youth_required": False,
        "child_age": series.case.age,
        "active": 1,
        "withdrawn": 0,
    }
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_reading_the_process_is_audited_as_coming_through_the_api(series: Series, caseworker: User) -> None:
    api_client_for(caseworker).get(base(series) + "process/")

    event = AuditEvent.objects.filter(object_type="series", object_id=str(series.pk)).latest("id")
    assert event.action == AuditAction.VIEW
    assert event.actor == caseworker
    assert event.detail["via"] == "api"
    assert event.detail["case"] == series.case_id
    assert "token" in event.detail


@pytest.mark.django_db
def test_a_measure_under_another_case_id_is_not_found(
    series: Series, caseworker: User, service: Service, make_case: Callable[..., Case]
) -> None:
    other = make_case(owner=caseworker, service=service, child_given_name="Ola")

    response = api_client_for(caseworker).get(
        f"/api/v1/cases/{other.pk}/measures/{series.measure_id}/process/"
    )

    problem(response, 404)


@pytest.mark.django_db
def test_a_measure_without_a_process_is_not_found(case: Case, caseworker: User) -> None:
    measure = make_measure(case=case, kind=MeasureKind.RESPONSIBILITY_GROUP)

    problem(api_client_for(caseworker).get(f"/api/v1/cases/{case.pk}/measures/{measure.pk}/process/"), 404)


@pytest.mark.django_db
def test_a_leader_from_another_service_sees_the_measure_and_its_meetings_but_not_the_case(
    case: Case, other_service: Service
) -> None:
    visitor = visiting_leader(other_service)
    series = go_ahead(start(case, leader=visitor))
    meeting = plan(series)
    invite_family(meeting)
    client = api_client_for(visitor)

    assert client.get(base(series) + "process/").status_code == 200
    assert client.get(base(series) + "meetings/").json()["count"] == 1
    assert client.get(meeting_url(meeting)).status_code == 200
    assert client.get(meeting_url(meeting, "participants/")).json()["count"] == 5
    problem(client.get(f"/api/v1/cases/{case.pk}/"), 404)
    problem(client.get(f"/api/v1/cases/{case.pk}/measures/"), 404)
    event = AuditEvent.objects.filter(object_type="series", actor=visitor).latest("id")
    assert event.detail["basis"] == "meeting_leader"
    assert event.detail["via"] == "api"


# --- Meetings and participants ------------------------------------------------------------------------


@pytest.mark.django_db
def test_meetings_are_listed_in_order_and_can_be_filtered_by_kind(
    series: Series, meeting: Meeting, caseworker: User
) -> None:
    followup = plan(series, starts_at=MEETING_START + timedelta(days=60))
    client = api_client_for(caseworker)

    body = client.get(base(series) + "meetings/").json()
    assert body["count"] == 2
    assert body["next"] is None
    assert [(m["id"], m["sequence"], m["kind"]) for m in body["results"]] == [
        (meeting.pk, 1, MeetingKind.FIRST),
        (followup.pk, 2, MeetingKind.FOLLOW_UP),
    ]
    assert body["results"][0]["status"] == "planned"
    assert "internal_notes" not in body["results"][0]

    followups = client.get(base(series) + "meetings/", {"kind": "follow_up"}).json()
    assert [m["id"] for m in followups["results"]] == [followup.pk]


@pytest.mark.django_db
def test_an_unknown_meeting_filter_is_a_problem_naming_the_field(series: Series, caseworker: User) -> None:
    body = problem(api_client_for(caseworker).get(base(series) + "meetings/", {"status": "soon"}), 400)

    assert list(body["errors"]) == ["status"]
    assert "not a valid choice" in body["errors"]["status"][0]


@pytest.mark.django_db
def test_one_meeting_gives_its_place_notes_and_version(meeting: Meeting, caseworker: User) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(
        decisions="Mormor henter tirsdager.", internal_notes="Intern."
    )

    body = api_client_for(caseworker).get(meeting_url(meeting)).json()

    assert body["id"] == meeting.pk
    assert body["place"] == "Familiens hus, Storgata 1"
    assert body["decisions"] == "Mormor henter tirsdager."
    assert body["internal_notes"] == "Intern."
    assert body["version"] == meeting.version


@pytest.mark.django_db
def test_a_meeting_of_another_measure_is_not_found(
    series: Series, meeting: Meeting, caseworker: User, meeting_leader: User
) -> None:
    other = go_ahead(start(series.case, leader=meeting_leader))

    problem(api_client_for(caseworker).get(f"{base(other)}meetings/{meeting.pk}/"), 404)
    problem(api_client_for(caseworker).get(f"{base(other)}meetings/{meeting.pk}/participants/"), 404)


@pytest.mark.django_db
def test_participants_carry_their_member_side_answer_and_attendance(
    meeting: Meeting, caseworker: User
) -> None:
    family = invite_family(meeting)
    meeting_services.record_attendance(
        acting_user=caseworker,
        meeting=meeting,
        attendance={family["mother"].pk: Attendance.IN_PERSON, family["teacher"].pk: Attendance.ABSENT},
    )

    body = api_client_for(caseworker).get(meeting_url(meeting, "participants/")).json()

    assert body["count"] == 5
    rows = {p["id"]: p for p in body["results"]}
    mother, teacher = rows[family["mother"].pk], rows[family["teacher"].pk]
    assert mother["member"] == family["mother"].member_id
    assert mother["name"] == "Mona Mor"
    assert mother["is_public"] is False
    assert mother["attendance"] == "in_person"
    assert mother["attended"] is True
    assert mother["response"] == "pending"
    assert teacher["is_public"] is True
    assert teacher["attendance"] == "absent"
    assert teacher["attended"] is False
    assert rows[family["aunt"].pk]["attendance"] == ""
    assert "email" not in mother  # contact details stay in the register


@pytest.mark.django_db
def test_participants_are_paginated(meeting: Meeting, caseworker: User) -> None:
    invite_family(meeting)

    body = api_client_for(caseworker).get(meeting_url(meeting, "participants/"), {"page_size": 2}).json()

    assert body["count"] == 5
    assert len(body["results"]) == 2
    assert "page=2" in body["next"]


# --- Consents ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_consents_are_listed_with_what_the_party_was_told(series: Series, caseworker: User) -> None:
    given = consent(series, ConsentParty.MOTHER)
    client = api_client_for(caseworker)

    body = client.get(base(series) + "consents/").json()

    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == given.pk
    assert row["party"] == "mother"
    assert row["party_name"] == "mother Testesen"
    assert row["informed_about"] == EVERYTHING_TOLD
    assert row["informed_by"] == caseworker.pk
    assert row["is_active"] is True
    assert row["withdrawn_at"] is None
    assert client.get(f"{base(series)}consents/{given.pk}/").json() == row


@pytest.mark.django_db
def test_a_consent_of_another_measure_is_not_found(
    series: Series, caseworker: User, meeting_leader: User
) -> None:
    other = go_ahead(start(series.case, leader=meeting_leader))
    theirs = consent(other)

    problem(api_client_for(caseworker).get(f"{base(series)}consents/{theirs.pk}/"), 404)


@pytest.mark.django_db
def test_recording_consent_through_the_service_is_audited(series: Series, caseworker: User) -> None:
    response = api_client_for(caseworker).post(
        base(series) + "consents/",
        consent_body(information_note="Fikk brosjyren."),
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    stored = Consent.objects.get(series=series)
    assert response.json()["id"] == stored.pk
    assert stored.party_name == "Mona Mor"
    assert stored.informed_by == caseworker  # defaults to the token's user
    assert stored.informed_on == timezone.localdate()
    assert stored.information_note == "Fikk brosjyren."
    assert stored.given_as == "written" and response.json()["given_as"] == "written"
    event = AuditEvent.objects.get(object_type="consent", object_id=str(stored.pk))
    assert event.action == AuditAction.CREATE
    assert event.detail["via"] == "api"


@pytest.mark.django_db
def test_consent_without_being_told_it_is_voluntary_is_refused_naming_the_field(
    series: Series, caseworker: User
) -> None:
    response = api_client_for(caseworker).post(
        base(series) + "consents/",
        consent_body(informed_about=["what", "who"]),
        content_type="application/json",
    )

    body = problem(response, 400)
    assert list(body["errors"]) == ["informed_about"]
    assert "voluntary" in body["errors"]["informed_about"][0]
    assert body["title"] == "The request has errors"
    assert not Consent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"party": "aunt"}, "party"),
        ({"party_name": ""}, "party_name"),
        ({"informed_about": ["voluntary", "horoscope"]}, "informed_about"),
        ({"informed_on": "2999-01-01"}, "informed_on"),
        ({"informed_by": 999_999}, "informed_by"),
        ({"given_as": "nodded"}, "given_as"),
    ],
)
def test_bad_consent_input_is_a_problem_naming_the_field(
    series: Series, caseworker: User, values: dict[str, Any], field: str
) -> None:
    response = api_client_for(caseworker).post(
        base(series) + "consents/", consent_body(**values), content_type="application/json"
    )

    body = problem(response, 400)
    assert {name.split(".")[0] for name in body["errors"]} == {field}, body  # a list item is `field.1`
    assert not Consent.objects.exists()


@pytest.mark.django_db
def test_someone_outside_the_service_cannot_be_recorded_as_having_informed(
    series: Series, caseworker: User, outsider: User
) -> None:
    response = api_client_for(caseworker).post(
        base(series) + "consents/", consent_body(informed_by=outsider.pk), content_type="application/json"
    )

    body = problem(response, 400)
    assert body["errors"]["informed_by"] == [
        "The person who informed must be from the service or the meeting leader."
    ]


@pytest.mark.django_db
def test_a_read_only_token_may_not_record_consent(series: Series, caseworker: User) -> None:
    response = api_client_for(caseworker, read_only=True).post(
        base(series) + "consents/", consent_body(), content_type="application/json"
    )

    problem(response, 403)
    assert not Consent.objects.exists()


@pytest.mark.django_db
def test_the_meeting_leader_may_read_consents_but_not_record_them(
    series: Series, meeting_leader: User
) -> None:
    client = api_client_for(meeting_leader)

    assert client.get(base(series) + "consents/").status_code == 200
    problem(client.post(base(series) + "consents/", consent_body(), content_type="application/json"), 404)
    assert not Consent.objects.exists()


# --- Who may not see it ---------------------------------------------------------------------------------


def every_url(series: Series, meeting: Meeting, given: Consent) -> list[str]:
    return [
        base(series) + "process/",
        base(series) + "meetings/",
        meeting_url(meeting),
        meeting_url(meeting, "participants/"),
        base(series) + "consents/",
        f"{base(series)}consents/{given.pk}/",
    ]


@pytest.mark.django_db
def test_someone_from_another_service_finds_nothing_at_any_url(
    series: Series, meeting: Meeting, outsider: User
) -> None:
    given = consent(series)
    client = api_client_for(outsider)

    for url in every_url(series, meeting, given):
        body = problem(client.get(url), 404)
        assert body["detail"] == "There is nothing here, or you may not see it.", url
    problem(client.post(base(series) + "consents/", consent_body(), content_type="application/json"), 404)
    assert Consent.objects.count() == 1
    assert not AuditEvent.objects.filter(actor=outsider, object_type__in=["series", "consent"]).exists()


@pytest.mark.django_db
def test_a_colleague_without_need_to_know_and_a_researcher_find_nothing(
    series: Series, meeting: Meeting, teammate: User, researcher: User
) -> None:
    given = consent(series)
    for user in (teammate, researcher):
        client: Client = api_client_for(user)
        for url in every_url(series, meeting, given):
            problem(client.get(url), 404)


@pytest.mark.django_db
def test_the_service_leader_sees_the_process(series: Series, leader: User) -> None:
    assert api_client_for(leader).get(base(series) + "process/").status_code == 200


@pytest.mark.django_db
def test_without_a_token_the_answer_is_401(series: Series) -> None:
    response = Client().get(base(series) + "process/")

    problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")
