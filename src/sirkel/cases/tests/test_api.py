"""The REST API's cases and measures: the case list's search and filters, the same access rules as the
pages (404 for what one may not see), optimistic locking (409), and plain-language problems (400)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from sirkel.accounts.models import User
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.cases.models import Case, Measure, MeasureStatus
from sirkel.testing.factories import decide
from sirkel.testing.fixtures import api_client_for

CASES = "/api/v1/cases/"
NEW_CASE = {
    "child_given_name": "Nora",
    "child_family_name": "Berg",
    "birth_date": "2016-04-02",
    "first_contact_date": "2025-01-10",
    "phase": "support",
}


@pytest.mark.django_db
def test_the_case_list_is_paginated_with_count_next_and_results(
    caseworker: User, make_case: Callable[..., Case], service: object
) -> None:
    for i in range(3):
        make_case(owner=caseworker, service=service, child_given_name=f"Barn{i}")
    body = api_client_for(caseworker).get(CASES, {"page_size": 2}).json()
    assert set(body) == {"count", "next", "results"}
    assert body["count"] == 3 and len(body["results"]) == 2
    assert "page=2" in body["next"]
    last = api_client_for(caseworker).get(body["next"]).json()
    assert last["next"] is None and len(last["results"]) == 1


@pytest.mark.django_db
def test_the_case_list_searches_and_filters_as_the_page_does(
    caseworker: User, make_case: Callable[..., Case], service: object
) -> None:
    nora = make_case(owner=caseworker, service=service, child_given_name="Nora", phase="support")
    make_case(owner=caseworker, service=service, child_given_name="Ola", phase="investigation")
    minority = make_case(owner=caseworker, service=service, child_given_name="Amir", minority_background=True)
    client = api_client_for(caseworker)

    def ids(**params: str) -> set[int]:
        return {c["id"] for c in client.get(CASES, params).json()["results"]}

    assert ids(q="nora") == {nora.pk}
    assert ids(q=str(nora.number)) == {nora.pk}
    assert ids(phase="investigation") == ids() - {nora.pk, minority.pk}
    assert ids(target_group="minority") == {minority.pk}


@pytest.mark.django_db
def test_a_bad_filter_is_a_400_problem_naming_the_field(caseworker: User) -> None:
    response = api_client_for(caseworker).get(CASES, {"phase": "nonsense"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "phase" in response.json()["errors"]


@pytest.mark.django_db
def test_a_case_carries_its_id_version_and_iso_dates(caseworker: User, case: Case) -> None:
    body = api_client_for(caseworker).get(f"{CASES}{case.pk}/").json()
    assert body["id"] == case.pk and body["version"] == case.version
    assert body["birth_date"] == "2015-03-14"
    assert body["assigned"] == []


@pytest.mark.django_db
def test_another_services_user_gets_404_for_the_case_and_everything_under_it(
    outsider: User, researcher: User, case: Case
) -> None:
    measure = Measure.objects.create(case=case, kind="pmto")
    for user in (outsider, researcher):
        client = api_client_for(user)
        assert client.get(CASES).json()["results"] == []
        for url in (
            f"{CASES}{case.pk}/",
            f"{CASES}{case.pk}/measures/",
            f"{CASES}{case.pk}/measures/{measure.pk}/",
        ):
            response = client.get(url)
            assert response.status_code == 404, url
            assert response["Content-Type"] == "application/problem+json"
        response = client.patch(
            f"{CASES}{case.pk}/", {"version": 1, "language": "x"}, content_type="application/json"
        )
        assert response.status_code == 404


@pytest.mark.django_db
def test_a_leader_sees_every_case_of_the_service_and_a_teammate_only_their_own(
    leader: User, teammate: User, case: Case
) -> None:
    assert api_client_for(leader).get(f"{CASES}{case.pk}/").status_code == 200
    assert api_client_for(teammate).get(f"{CASES}{case.pk}/").status_code == 404


@pytest.mark.django_db
def test_a_case_is_opened_through_the_api_and_audited(caseworker: User, service: object) -> None:
    response = api_client_for(caseworker).post(CASES, NEW_CASE, content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    created = Case.objects.get(pk=body["id"])
    assert (created.child_given_name, created.caseworker, created.version) == ("Nora", caseworker, 1)
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="case", object_id=str(created.pk))
    assert event.detail["via"] == "api"


@pytest.mark.django_db
def test_a_new_case_with_errors_gets_the_pages_messages(caseworker: User, service: object) -> None:
    response = api_client_for(caseworker).post(
        CASES, {**NEW_CASE, "first_contact_date": "2010-01-01"}, content_type="application/json"
    )
    assert response.status_code == 400
    problem = response.json()
    assert problem["status"] == 400 and problem["errors"]
    assert not Case.objects.exists()
    missing = api_client_for(caseworker).post(CASES, {}, content_type="application/json").json()
    assert "child_given_name" in missing["errors"]


@pytest.mark.django_db
def test_a_stale_update_is_409_and_writes_nothing(caseworker: User, case: Case) -> None:
    client = api_client_for(caseworker)
    url = f"{CASES}{case.pk}/"
    first = client.patch(
        url, {"version": case.version, "language": "somali"}, content_type="application/json"
    )
    assert first.status_code == 200 and first.json()["version"] == case.version + 1
    stale = client.patch(
        url, {"version": case.version, "language": "arabic"}, content_type="application/json"
    )
    assert stale.status_code == 409
    assert stale["Content-Type"] == "application/problem+json"
    assert "Someone else saved" in stale.json()["detail"]
    case.refresh_from_db()
    assert case.language == "somali"


@pytest.mark.django_db
def test_an_update_without_a_version_is_refused(caseworker: User, case: Case) -> None:
    response = api_client_for(caseworker).patch(
        f"{CASES}{case.pk}/", {"language": "x"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "version" in response.json()["errors"]


@pytest.mark.django_db
def test_measures_are_listed_and_changed_with_optimistic_locking(caseworker: User, case: Case) -> None:
    decided = decide(case=case, kind="pmto", decided_on=date(2026, 9, 1), expected_months=6)
    client = api_client_for(caseworker)
    url = f"{CASES}{case.pk}/measures/"
    listed = client.get(url, {"status": "ongoing"}).json()
    assert listed["count"] == 1
    body = listed["results"][0]
    assert (body["id"], body["kind"], body["status"], body["ssb_code"], body["has_process"]) == (
        decided.pk,
        "pmto",
        "ongoing",
        "3.2",
        False,
    )
    assert (body["planned_start"], body["expected_end"]) == ("2026-09-01", "2027-03-01")
    assert body["decided_in"] == [decided.decided_in.get().decision_id]
    assert client.get(url, {"status": "ended"}).json()["count"] == 0
    detail = f"{url}{body['id']}/"
    ended = client.patch(
        detail,
        {"version": body["version"], "ended_on": "2026-11-01", "end_reason": "Goal reached"},
        content_type="application/json",
    )
    assert ended.status_code == 200, ended.json()
    assert ended.json()["status"] == MeasureStatus.ENDED
    stale = client.patch(
        detail, {"version": body["version"], "note": "late"}, content_type="application/json"
    )
    assert stale.status_code == 409
    assert Measure.objects.get(pk=body["id"]).note == ""


@pytest.mark.django_db
def test_a_measure_carries_the_ssb_code_it_was_given_where_its_kind_has_none(
    caseworker: User, case: Case
) -> None:
    measure = decide(case=case, kind="other")
    Measure.objects.filter(pk=measure.pk).update(code="4.3")
    body = api_client_for(caseworker).get(f"{CASES}{case.pk}/measures/{measure.pk}/").json()
    assert (body["kind"], body["ssb_code"]) == ("other", "4.3")


@pytest.mark.django_db
def test_measures_are_not_registered_without_a_decision(caseworker: User, case: Case) -> None:
    """A measure is started by a decision (`decisions/`), so the list takes no POST."""
    response = api_client_for(caseworker).post(
        f"{CASES}{case.pk}/measures/", {"kind": "pmto"}, content_type="application/json"
    )
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"
    assert not Measure.objects.filter(case=case).exists()
