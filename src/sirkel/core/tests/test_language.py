"""Bokmål first: the browser's language does not switch Sirkel to English, the user's choice does."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse


@pytest.mark.django_db
def test_an_english_browser_still_gets_bokmal() -> None:
    response = Client().get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="nb">' in response.content.decode()
    assert "Logg inn" in response.content.decode()


@pytest.mark.django_db
def test_choosing_english_in_the_header_switches_and_sticks() -> None:
    client = Client()
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("accounts:login")})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="en">' in page and "Sign in" in page


@pytest.mark.django_db
def test_an_unknown_language_cookie_falls_back_to_bokmal() -> None:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert '<html lang="nb">' in client.get(reverse("accounts:login")).content.decode()
