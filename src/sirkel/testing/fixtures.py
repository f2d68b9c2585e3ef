"""Test fixtures and helpers (a pytest plugin): a service with a caseworker, a teammate, a consultant,
a leader and a researcher, and a second service with its own user. Data are built through the services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from sirkel.accounts.models import Membership, Role, Service, User
from sirkel.cases.models import Case
from sirkel.cases.services import create_case

PASSWORD = "correct-horse-battery-staple"  # noqa: S105


def make_user(username: str, service: Service, role: str) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, first_name=username.capitalize())
    Membership.objects.create(user=user, service=service, role=role)
    return user


@pytest.fixture
def service(db: None) -> Service:
    return Service.objects.create(name="Test barneverntjeneste", municipality_numbers="0301", population=1000)


@pytest.fixture
def other_service(db: None) -> Service:
    return Service.objects.create(name="Annen barneverntjeneste", municipality_numbers="1103", population=500)


@pytest.fixture
def caseworker(service: Service) -> User:
    return make_user("caseworker", service, Role.CASEWORKER)


@pytest.fixture
def teammate(service: Service) -> User:
    return make_user("teammate", service, Role.CASEWORKER)


@pytest.fixture
def consultant(service: Service) -> User:
    return make_user("consultant", service, Role.CONSULTANT)


@pytest.fixture
def leader(service: Service) -> User:
    return make_user("leader", service, Role.LEADER)


@pytest.fixture
def researcher(service: Service) -> User:
    return make_user("researcher", service, Role.RESEARCHER)


@pytest.fixture
def outsider(other_service: Service) -> User:
    return make_user("outsider", other_service, Role.LEADER)


CASE_DEFAULTS: dict[str, Any] = {
    "child_given_name": "Emma",
    "child_family_name": "Testesen",
    "birth_date": date(2015, 3, 14),
    "sex": "girl",
    "birthplace": "norway",
    "lives_with": "mother",
    "children_in_household": 2,
    "first_contact_date": date(2021, 5, 1),
    "phase": "support",
}


@pytest.fixture
def make_case() -> Callable[..., Case]:
    def _make(*, owner: User, service: Service, assigned: list[User] | None = None, **fields: Any) -> Case:
        return create_case(
            acting_user=owner,
            service=service,
            caseworker=owner,
            assigned=assigned,
            **{**CASE_DEFAULTS, **fields},
        )

    return _make


@pytest.fixture
def case(make_case: Callable[..., Case], caseworker: User, service: Service) -> Case:
    return make_case(owner=caseworker, service=service)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_client_for(user: User, *, read_only: bool = False, language: str = "en") -> Client:
    """A test client that calls the REST API with a fresh personal access token of `user` (English
    messages unless `language` says otherwise)."""
    from sirkel.accounts.tokens import create_token

    _token, secret = create_token(user=user, name="test", read_only=read_only)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE=language)
