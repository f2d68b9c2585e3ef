"""Sessions: sign-out is a POST with a CSRF token, "sign out everywhere" ends the user's other sessions,
and idle sessions expire server-side."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sirkel.accounts.models import User
from sirkel.accounts.tests.helpers import session_user_id, sign_in
from sirkel.core.sessions import REFRESH_SECONDS
from sirkel.testing.fixtures import PASSWORD, client_for

ACCOUNT = reverse("accounts:account")
LOGIN = reverse("accounts:login")


def expire_date(client: Client) -> datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


@pytest.mark.django_db
def test_sign_out_everywhere_ends_the_users_session_in_another_browser(
    caseworker: User, teammate: User
) -> None:
    laptop = Client()
    sign_in(laptop, "caseworker", PASSWORD)
    phone = Client()
    sign_in(phone, "caseworker", PASSWORD)
    colleague = client_for(teammate)
    assert phone.get(ACCOUNT).status_code == 200

    response = laptop.post(reverse("accounts:logout_everywhere"))

    assert response.status_code == 302
    assert response["Location"] == LOGIN
    for client in (laptop, phone):
        after = client.get(ACCOUNT)
        assert after.status_code == 302
        assert after["Location"].startswith(LOGIN)
    assert colleague.get(ACCOUNT).status_code == 200  # other users keep their sessions
    # The user can sign in again afterwards.
    again = Client()
    assert sign_in(again, "caseworker", PASSWORD).status_code == 302
    assert again.get(ACCOUNT).status_code == 200


@pytest.mark.django_db
def test_sign_out_everywhere_rotates_the_session_token(caseworker: User) -> None:
    before = caseworker.get_session_auth_hash()
    client_for(caseworker).post(reverse("accounts:logout_everywhere"))
    caseworker.refresh_from_db()
    assert caseworker.get_session_auth_hash() != before


@pytest.mark.django_db
def test_session_hash_depends_on_token_and_password(caseworker: User) -> None:
    original = caseworker.get_session_auth_hash()
    assert caseworker.get_session_auth_hash() == original  # stable while nothing changes
    caseworker.set_password("another-long-password-123")
    assert caseworker.get_session_auth_hash() != original


@pytest.mark.django_db
@override_settings(SECRET_KEY_FALLBACKS=["old-secret-key-being-rotated-out-0123456789abcdefghijklmnop"])
def test_sessions_signed_with_a_fallback_key_still_honour_sign_out_everywhere(caseworker: User) -> None:
    fallback_before = list(caseworker.get_session_auth_fallback_hash())
    assert len(fallback_before) == 1
    assert fallback_before[0] != caseworker.get_session_auth_hash()

    client_for(caseworker).post(reverse("accounts:logout_everywhere"))
    caseworker.refresh_from_db()

    assert list(caseworker.get_session_auth_fallback_hash()) != fallback_before


@pytest.mark.django_db
def test_sign_out_everywhere_requires_post(caseworker: User) -> None:
    client = client_for(caseworker)
    token = caseworker.session_token
    assert client.get(reverse("accounts:logout_everywhere")).status_code == 405
    caseworker.refresh_from_db()
    assert caseworker.session_token == token
    assert client.get(ACCOUNT).status_code == 200


@pytest.mark.django_db
def test_sign_out_everywhere_rejects_a_cross_site_post_without_csrf_token(caseworker: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(caseworker)
    token = caseworker.session_token

    response = client.post(reverse("accounts:logout_everywhere"))

    assert response.status_code == 403
    caseworker.refresh_from_db()
    assert caseworker.session_token == token
    assert client.get(ACCOUNT).status_code == 200


@pytest.mark.django_db
def test_sign_out_with_get_is_refused_and_keeps_the_session(caseworker: User) -> None:
    client = client_for(caseworker)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert session_user_id(client) == str(caseworker.pk)
    assert client.get(ACCOUNT).status_code == 200


@pytest.mark.django_db
def test_sign_out_with_post_ends_the_session(caseworker: User) -> None:
    client = client_for(caseworker)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert session_user_id(client) is None
    assert client.get(ACCOUNT)["Location"].startswith(LOGIN)


@pytest.mark.django_db
def test_sign_out_rejects_a_cross_site_post_without_csrf_token(caseworker: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(caseworker)
    assert client.post(reverse("accounts:logout")).status_code == 403
    assert client.get(ACCOUNT).status_code == 200


@pytest.mark.django_db
def test_sign_in_gives_a_new_session_key(caseworker: User) -> None:
    client = Client()
    client.get(LOGIN)
    session = client.session
    session["planted"] = "by-an-attacker"
    session.save()
    planted_key = session.session_key

    sign_in(client, "caseworker", PASSWORD)

    assert client.session.session_key != planted_key
    assert not Session.objects.filter(session_key=planted_key).exists()


def test_idle_expiry_is_configured() -> None:
    assert 0 < settings.SESSION_COOKIE_AGE <= 60 * 60
    assert settings.SESSION_ENGINE == "sirkel.core.sessions"
    assert "sirkel.core.sessions.RefreshingSessionMiddleware" in settings.MIDDLEWARE


@pytest.mark.django_db
def test_a_fresh_session_is_not_written_again_on_every_request(caseworker: User) -> None:
    client = client_for(caseworker)
    client.get(ACCOUNT)
    stored = expire_date(client)

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(ACCOUNT).status_code == 200

    assert not [q for q in ctx.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert expire_date(client) == stored


@pytest.mark.django_db
def test_a_session_older_than_a_minute_is_pushed_forward(caseworker: User) -> None:
    client = client_for(caseworker)
    age = timedelta(seconds=settings.SESSION_COOKIE_AGE - REFRESH_SECONDS - 5)
    Session.objects.filter(session_key=client.session.session_key).update(expire_date=timezone.now() + age)

    assert client.get(ACCOUNT).status_code == 200

    remaining = expire_date(client) - timezone.now()
    assert remaining > timedelta(seconds=settings.SESSION_COOKIE_AGE - 5)


@pytest.mark.django_db
def test_every_request_pushes_the_idle_expiry_forward(caseworker: User) -> None:
    client = client_for(caseworker)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() + timedelta(seconds=30)
    )

    assert client.get(ACCOUNT).status_code == 200

    remaining = expire_date(client) - timezone.now()
    assert remaining > timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


@pytest.mark.django_db
def test_expired_session_sends_the_user_to_sign_in(caseworker: User) -> None:
    client = client_for(caseworker)
    assert client.get(ACCOUNT).status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    response = client.get(ACCOUNT)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


@pytest.mark.django_db
def test_session_cookie_is_http_only_and_same_site(caseworker: User) -> None:
    client = Client()
    sign_in(client, "caseworker", PASSWORD)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
