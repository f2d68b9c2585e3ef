"""htmx requests that must sign in or verify are sent there as a whole page (HX-Redirect)."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from sirkel.accounts.models import User
from sirkel.testing.fixtures import client_for

HTMX = {"HX-Request": "true"}


@pytest.mark.django_db
def test_an_expired_session_sends_htmx_to_the_sign_in_page() -> None:
    response = Client().get(reverse("cases:list"), {"q": "Emma"}, headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("accounts:login"))
    assert response.content == b""


@pytest.mark.django_db
def test_a_missing_second_factor_sends_htmx_to_verification(caseworker: User) -> None:
    with override_settings(SIRKEL_REQUIRE_2FA=True):
        response = client_for(caseworker).get(reverse("cases:list"), headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("accounts:two_factor"))


@pytest.mark.django_db
def test_ordinary_requests_and_other_redirects_are_untouched(caseworker: User) -> None:
    assert Client().get(reverse("cases:list"))["Location"].startswith(reverse("accounts:login"))
    response = client_for(caseworker).get(reverse("home"), headers=HTMX)
    assert response.status_code == 302 and "HX-Redirect" not in response
