"""Passwords are hashed with Argon2; sign-in works through the real form; repeated failures lock the
account name (not the whole office) until the cool-off passes or an administrator resets it."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher, make_password
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sirkel.accounts.models import User
from sirkel.accounts.tests.helpers import session_user_id, sign_in
from sirkel.testing.fixtures import PASSWORD

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

WRONG = "not-the-password-at-all"


def lock_out(client: Client, username: str) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, username, WRONG)


def assert_locked_out_page(response: TestResponse) -> None:
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    # The page states the configured cool-off, not a fixed number.
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert f" {minutes} " in response.content.decode()


@pytest.mark.django_db
def test_new_passwords_are_hashed_with_argon2(caseworker: User) -> None:
    assert identify_hasher(caseworker.password).algorithm == "argon2"
    assert caseworker.password.startswith("argon2$")
    assert caseworker.check_password(PASSWORD)


@pytest.mark.django_db
def test_older_pbkdf2_hash_is_upgraded_to_argon2_at_sign_in(caseworker: User) -> None:
    User.objects.filter(pk=caseworker.pk).update(password=make_password(PASSWORD, hasher="pbkdf2_sha256"))
    response = sign_in(Client(), "caseworker", PASSWORD)
    assert response.status_code == 302
    caseworker.refresh_from_db()
    assert identify_hasher(caseworker.password).algorithm == "argon2"


@pytest.mark.django_db
def test_correct_password_signs_in_through_the_login_form(caseworker: User) -> None:
    client = Client()
    page = client.get(reverse("accounts:login"))
    assert page.status_code == 200
    assert b'name="username"' in page.content and b'name="password"' in page.content

    response = sign_in(client, "caseworker", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("cases:list")
    assert session_user_id(client) == str(caseworker.pk)
    assert client.get(reverse("accounts:account")).status_code == 200


@pytest.mark.django_db
def test_sign_in_keeps_a_local_next_but_not_an_outside_one(caseworker: User) -> None:
    url = reverse("accounts:login")
    local = Client().post(url, {"username": "caseworker", "password": PASSWORD, "next": "/konto/"})
    assert local["Location"] == "/konto/"
    outside = Client().post(
        url, {"username": "caseworker", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert outside["Location"] == reverse("cases:list")


@pytest.mark.django_db
def test_wrong_password_is_refused_with_the_form_error(caseworker: User) -> None:
    client = Client()
    response = sign_in(client, "caseworker", WRONG)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert session_user_id(client) is None


@pytest.mark.django_db
def test_failure_limit_locks_the_account_even_for_the_correct_password(caseworker: User) -> None:
    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "caseworker", WRONG).status_code == 200, f"locked too early ({attempt})"
    assert_locked_out_page(sign_in(client, "caseworker", WRONG))

    response = sign_in(client, "caseworker", PASSWORD)

    assert_locked_out_page(response)
    assert session_user_id(client) is None


@pytest.mark.django_db
def test_lockout_is_per_user_name_so_a_colleague_can_still_sign_in(caseworker: User, teammate: User) -> None:
    client = Client()  # same browser and address as the attacker
    lock_out(client, "caseworker")

    response = sign_in(client, "teammate", PASSWORD)

    assert response.status_code == 302
    assert session_user_id(client) == str(teammate.pk)


@pytest.mark.django_db
def test_lockout_ends_after_the_cool_off_time(caseworker: User) -> None:
    lock_out(Client(), "caseworker")
    assert_locked_out_page(sign_in(Client(), "caseworker", PASSWORD))

    long_ago = timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    AccessAttempt.objects.filter(username="caseworker").update(attempt_time=long_ago)

    client = Client()
    assert sign_in(client, "caseworker", PASSWORD).status_code == 302
    assert session_user_id(client) == str(caseworker.pk)


@pytest.mark.django_db
def test_administrator_can_reset_a_lockout(caseworker: User) -> None:
    lock_out(Client(), "caseworker")
    assert_locked_out_page(sign_in(Client(), "caseworker", PASSWORD))

    assert reset(username="caseworker") == 1

    client = Client()
    assert sign_in(client, "caseworker", PASSWORD).status_code == 302
    assert session_user_id(client) == str(caseworker.pk)


@pytest.mark.django_db
def test_axes_reset_username_command_unlocks_the_account(caseworker: User) -> None:
    lock_out(Client(), "caseworker")
    call_command("axes_reset_username", "caseworker")

    client = Client()
    assert sign_in(client, "caseworker", PASSWORD).status_code == 302
    assert session_user_id(client) == str(caseworker.pk)


@pytest.mark.django_db
def test_successful_sign_in_clears_earlier_failures(caseworker: User) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "caseworker", WRONG)
    assert sign_in(client, "caseworker", PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))

    # A fresh run of failures is needed to lock the account again.
    assert sign_in(client, "caseworker", WRONG).status_code == 200
    assert not AccessAttempt.objects.filter(username="caseworker", failures_since_start__gte=2).exists()
