"""The same POST sent twice (a double click) creates one row; other data under the same token, or a form
sent again after it was refused, is handled as new."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sirkel.accounts.models import User
from sirkel.cases.models import Case, Measure
from sirkel.core.models import Submission
from sirkel.meetings.models import Consent, Participant
from sirkel.meetings.tests.preparation_support import meeting_leader, plan, ready_series
from sirkel.meetings.tests.series_support import EVERYTHING_TOLD
from sirkel.network.models import NetworkMember
from sirkel.testing.fixtures import client_for

PERSON = {"side": "private", "sector": "friends", "ring": "2", "valence": "resource", "direction": "both"}
__all__ = ["meeting_leader"]  # fixtures used by name

TOKEN = re.compile(r'name="submission_token" value="([0-9a-f-]{36})"')

CASE_FORM: dict[str, Any] = {
    "child_given_name": "Nora",
    "child_family_name": "Dobbeltklikk",
    "birth_date": "2014-06-01",
    "sex": "girl",
    "birthplace": "norway",
    "lives_with": "both_parents",
    "lives_with_other": "",
    "children_in_household": "3",
    "first_contact_date": "2020-01-15",
    "phase": "investigation",
    "language": "",
}


def token_of(client: Client, url: str, index: int = 0) -> str:
    found = TOKEN.findall(client.get(url).content.decode())
    assert found, f"no submission token on {url}"
    return str(found[index])


def twice(client: Client, url: str, data: dict[str, Any], **headers: str) -> list[int]:
    return [client.post(url, data, **headers).status_code for _ in range(2)]  # type: ignore[arg-type]


@pytest.mark.django_db
def test_a_case_is_created_once(caseworker: User) -> None:
    client = client_for(caseworker)
    url = reverse("cases:create")
    data = {**CASE_FORM, "caseworker": caseworker.pk, "submission_token": token_of(client, url)}
    assert twice(client, url, data) == [302, 302]
    assert Case.objects.filter(child_family_name="Dobbeltklikk").count() == 1


@pytest.mark.django_db
def test_a_decision_is_recorded_once(case: Case) -> None:
    client = client_for(case.caseworker)
    url = reverse("cases:decision_new", args=[case.pk])
    data = {
        "decided_on": "2026-09-01",
        "decided_by": case.caseworker.pk,
        "legal_basis": "voluntary",
        "reasons_child": ["school"],
        "justification": "Familien ønsker støtte.",
        "new_1_kind": "pmto",
        "youth_consent": "not_applicable",
    }
    assert twice(client, url, {**data, "submission_token": token_of(client, url)}) == [302, 302]
    assert Measure.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_a_network_member_is_added_once_with_and_without_htmx(case: Case) -> None:
    client = client_for(case.caseworker)
    page = reverse("network:page", args=[case.pk])
    url = reverse("network:member_add", args=[case.pk])
    data = {**PERSON, "name": "Kari Nilsen", "relation": "Mormor", "sector": "family", "ring": "1"}
    twice(client, url, {**data, "submission_token": token_of(client, page)})
    assert NetworkMember.objects.filter(case=case, name="Kari Nilsen").count() == 1
    htmx = {"HTTP_HX_REQUEST": "true"}
    second = {**data, "name": "Ola Nilsen", "submission_token": token_of(client, page)}
    statuses = twice(client, url, second, **htmx)
    assert statuses[1] == 204  # the first answer's swap already shows the person
    assert NetworkMember.objects.filter(case=case, name="Ola Nilsen").count() == 1


@pytest.mark.django_db
def test_other_data_under_the_same_token_is_a_new_submission(case: Case) -> None:
    """A form that was not drawn again (htmx) sends its old token with a new person: that is no repeat."""
    client = client_for(case.caseworker)
    token = token_of(client, reverse("network:page", args=[case.pk]))
    url = reverse("network:member_add", args=[case.pk])
    for name in ("Per", "Pål"):
        client.post(url, {**PERSON, "name": name, "relation": "Nabo", "submission_token": token})
    assert set(NetworkMember.objects.filter(case=case).values_list("name", flat=True)) == {"Per", "Pål"}


@pytest.mark.django_db
def test_a_refused_form_can_be_sent_again(caseworker: User) -> None:
    client = client_for(caseworker)
    url = reverse("cases:create")
    token = token_of(client, url)
    refused = client.post(
        url, {**CASE_FORM, "birth_date": "", "caseworker": caseworker.pk, "submission_token": token}
    )
    assert refused.status_code == 200 and not Submission.objects.exists()
    ok = client.post(url, {**CASE_FORM, "caseworker": caseworker.pk, "submission_token": token})
    assert ok.status_code == 302 and Case.objects.filter(child_family_name="Dobbeltklikk").count() == 1


@pytest.mark.django_db
def test_a_participant_and_a_consent_are_recorded_once(case: Case, meeting_leader: User) -> None:
    series = ready_series(case, meeting_leader)
    meeting = plan(series)
    client = client_for(case.caseworker)
    m = [case.pk, series.measure_id, meeting.pk]
    participants = reverse("meetings:participants", args=m)
    new = reverse("meetings:participant_new", args=m)
    person = {"new-name": "Petter Nabo", "new-role": "private", "new-relation": "Nabo", "new-side": "private"}
    twice(client, new, {**person, "submission_token": token_of(client, participants, index=-1)})
    assert Participant.objects.filter(meeting=meeting, name="Petter Nabo").count() == 1

    consent_url = reverse("meetings:consent_add", args=m[:2])
    consent = {
        "party": "father",
        "party_name": "Frank Far",
        "informed_about": EVERYTHING_TOLD,
        "information_note": "",
        "informed_on": timezone.localdate().isoformat(),
        "informed_by": case.caseworker.pk,
        "given_as": "written",
    }
    twice(client, consent_url, {**consent, "submission_token": token_of(client, consent_url)})
    assert Consent.objects.filter(series=series, party_name="Frank Far").count() == 1
