"""Other apps add to the sign-in page through `register_login_context`, without accounts importing them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse

from sirkel.accounts.login_context import register_login_context, unregister_login_context


def _listing(request: HttpRequest) -> Mapping[str, Any]:
    return {"demo_users": [{"username": "hooked-in-user", "role_label": "R", "service": "S"}]}


def _greedy(request: HttpRequest) -> Mapping[str, Any]:
    return {"form": "not the sign-in form", "demo_password": "hooked-in-password"}


@pytest.fixture
def providers() -> Iterator[None]:
    register_login_context(_listing)
    register_login_context(_greedy)
    register_login_context(_listing)  # a second ready() must not list it twice
    yield
    unregister_login_context(_listing)
    unregister_login_context(_greedy)


@pytest.mark.django_db
@pytest.mark.usefixtures("providers")
def test_registered_context_reaches_the_sign_in_page() -> None:
    response = Client().get(reverse("accounts:login"))
    page = response.content.decode()
    assert page.count("hooked-in-user") == 1
    assert "hooked-in-password" in page
    # A provider cannot replace what the view itself puts on the page.
    assert 'name="username"' in page
    assert response.context["form"] != "not the sign-in form"


@pytest.mark.django_db
def test_without_providers_the_sign_in_page_lists_no_logins() -> None:
    response = Client().get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "demo_users" not in response.context
    assert 'class="card demo-logins"' not in response.content.decode()
