"""Errors that Django answers before (or around) an API view are problems too, with documented statuses."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sirkel.accounts.models import User
from sirkel.api.errors import PROBLEM
from sirkel.cases.models import Case
from sirkel.testing.fixtures import api_client_for, client_for


def test_a_401_carries_the_challenge_the_schema_documents(db: None) -> None:
    response = Client().get("/api/v1/cases/")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"] == 'Bearer realm="sirkel"'


def test_too_many_query_parameters_answer_a_400_problem(caseworker: User) -> None:
    client = api_client_for(caseworker)
    response = client.get("/api/v1/cases/", {f"x{i}": "1" for i in range(1100)})
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["status"] == 400


def test_a_body_over_the_upload_limit_answers_a_413_problem(
    caseworker: User, case: Case, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = api_client_for(caseworker)
    response = client.post(
        f"/api/v1/cases/{case.pk}/decisions/",
        {"decided_on": "2026-01-05", "justification": "x" * 2000},
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert response.json()["status"] == 413


@pytest.mark.parametrize("path", ["/api/v1/cases/", "/konto/logg-inn/"])
def test_a_host_not_allowed_answers_400_not_500(db: None, path: str) -> None:
    # The Referer makes the page's handler look for the host, which is what failed a second time before.
    response = Client(HTTP_HOST="evil.example", HTTP_REFERER="http://evil.example/").get(path)
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response["Content-Type"] == PROBLEM


@pytest.mark.django_db
def test_an_id_too_large_for_the_database_is_a_404_not_a_crash(caseworker: User, case: Case) -> None:
    huge = "9" * 25
    api = api_client_for(caseworker)
    for url in (f"/api/v1/cases/{huge}/", f"/api/v1/cases/{case.pk}/measures/{huge}/actions/"):
        response = api.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/problem+json"
    page = client_for(caseworker)
    assert page.get(f"/saker/{huge}/").status_code == 404
