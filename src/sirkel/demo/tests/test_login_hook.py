"""The demo installs its logins on the sign-in page through accounts' hook, and only in demo mode."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.apps import apps
from django.test import Client, override_settings
from django.urls import reverse

from sirkel.accounts import login_context
from sirkel.demo.data import DEMO_PASSWORD, DEMO_USERS, demo_login_context


@pytest.fixture
def clean_hooks() -> Iterator[None]:
    """The registry as it was before the test (tests run outside demo mode, so without the demo's hook)."""
    saved = list(login_context._providers)
    yield
    login_context._providers[:] = saved


@pytest.mark.usefixtures("clean_hooks")
@override_settings(DEMO_MODE=True)
def test_the_demo_app_installs_its_logins_in_demo_mode() -> None:
    apps.get_app_config("demo").ready()
    assert demo_login_context in login_context._providers


@pytest.mark.usefixtures("clean_hooks")
@override_settings(DEMO_MODE=False)
def test_the_demo_app_installs_nothing_outside_demo_mode() -> None:
    login_context._providers[:] = [p for p in login_context._providers if p is not demo_login_context]
    apps.get_app_config("demo").ready()
    assert demo_login_context not in login_context._providers


@pytest.mark.django_db
@pytest.mark.usefixtures("clean_hooks")
@override_settings(DEMO_MODE=True)
def test_sign_in_page_lists_the_demo_users_in_demo_mode() -> None:
    apps.get_app_config("demo").ready()
    page = Client().get(reverse("accounts:login")).content.decode()
    assert DEMO_PASSWORD in page
    for user in DEMO_USERS:
        assert f"<code>{user.username}</code>" in page


@pytest.mark.django_db
@pytest.mark.usefixtures("clean_hooks")
def test_sign_in_page_never_shows_the_demo_password_outside_demo_mode() -> None:
    with override_settings(DEMO_MODE=True):
        apps.get_app_config("demo").ready()  # installed, then the setting is off again
    page = Client().get(reverse("accounts:login")).content.decode()
    assert DEMO_PASSWORD not in page
    assert "<code>saksbehandler</code>" not in page
