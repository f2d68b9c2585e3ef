"""`POST /api/v1/imports/measures`: the CSV in the body, problems by line, counts in the answer."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sirkel.accounts.models import Service, User
from sirkel.audit.models import AuditEvent
from sirkel.cases.imports import COLUMNS
from sirkel.cases.models import Case, Measure
from sirkel.demo.history import measure_history
from sirkel.testing.fixtures import api_client_for

URL = reverse("api:import_measures")


def post(client: Client, body: str, **query: object) -> Any:
    params = "&".join(f"{k}={v}" for k, v in query.items())
    return client.generic("POST", f"{URL}?{params}", body.encode(), content_type="text/csv")


def test_imports_the_file_and_answers_the_counts(service: Service, leader: User, caseworker: User) -> None:
    history = measure_history(rows=200, seed=9, today=timezone.localdate())
    client = api_client_for(leader)
    dry = post(client, history.text, service=service.pk, caseworker=caseworker.pk, dry_run="true")
    assert dry.status_code == 200
    assert dry.json()["cases_created"] == history.children
    assert dry.json()["dry_run"] is True
    assert Case.objects.count() == 0
    done = post(client, history.text, service=service.pk, caseworker=caseworker.pk)
    assert done.status_code == 201
    assert done.json() == {
        "dry_run": False,
        "rows": 200,
        "cases_created": history.children,
        "cases_unchanged": 0,
        "decisions_created": history.decisions,
        "decisions_unchanged": 0,
        "measures_created": 200,
        "measures_updated": 0,
        "measures_unchanged": 0,
    }
    assert Measure.objects.count() == 200
    event = AuditEvent.objects.get(object_type="import")
    assert (event.actor_id, event.detail["via"]) == (leader.pk, "api")
    again = post(client, history.text, service=service.pk, caseworker=caseworker.pk)
    assert again.status_code == 200
    assert again.json()["measures_unchanged"] == 200
    assert Measure.objects.count() == 200


def test_a_bad_file_is_a_problem_naming_the_lines(service: Service, leader: User, caseworker: User) -> None:
    body = (
        ",".join(COLUMNS) + "\n"
        "A-1,Emma,Hansen,2015-03-14,girl,2022-01-10,pmto,2022-02-01,,voluntary\n"
        "A-2,Ola,Berg,2015-03-14,boy,2022-01-10,juggling,2022-02-01,,voluntary\n"
        "A-3,Ola,Berg,2015-03-14,boy,2022-01-10,pmto,2022-02-01\n"
    )
    response = post(api_client_for(leader), body, service=service.pk, caseworker=caseworker.pk)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert set(problem["errors"]) == {"3.measure", "4"}
    assert "juggling" in problem["errors"]["3.measure"][0]
    assert "2 problem" in problem["detail"]
    assert Case.objects.count() == 0


def test_only_leaders_and_administrators_of_the_service(
    service: Service, other_service: Service, leader: User, caseworker: User, outsider: User
) -> None:
    body = ",".join(COLUMNS) + "\nA-1,Emma,Hansen,2015-03-14,girl,2022-01-10,pmto,2022-02-01,,voluntary\n"
    assert (
        post(api_client_for(caseworker), body, service=service.pk, caseworker=caseworker.pk).status_code
        == 404
    )
    # The outsider leads another service: this one answers as if it did not exist.
    assert (
        post(api_client_for(outsider), body, service=service.pk, caseworker=caseworker.pk).status_code == 404
    )
    assert post(api_client_for(outsider), body, service=999999, caseworker=caseworker.pk).status_code == 404
    # A caseworker from elsewhere cannot be given the cases.
    refused = post(api_client_for(outsider), body, service=other_service.pk, caseworker=caseworker.pk)
    assert refused.status_code == 400
    assert "caseworker" in refused.json()["errors"]
    # A read-only token may not write.
    read_only = api_client_for(leader, read_only=True)
    assert post(read_only, body, service=service.pk, caseworker=caseworker.pk).status_code == 403
    assert Case.objects.count() == 0


def test_the_body_must_be_csv(service: Service, leader: User, caseworker: User) -> None:
    response = api_client_for(leader).post(
        f"{URL}?service={service.pk}&caseworker={caseworker.pk}", {"a": 1}, content_type="application/json"
    )
    assert response.status_code == 415
