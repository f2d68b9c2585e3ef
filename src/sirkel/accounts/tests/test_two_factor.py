"""Two-factor authentication: when required, a signed-in user reaches nothing but verification, set-up,
sign-out and the health check until they have typed a correct code."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.http import urlencode
from django_otp.plugins.otp_totp.models import TOTPDevice

from sirkel.accounts.models import User
from sirkel.accounts.tests.helpers import (
    confirmed_device,
    session_user_id,
    sign_in,
    totp_token,
    wrong_token,
)
from sirkel.testing.fixtures import PASSWORD, client_for

TWO_FACTOR = reverse("accounts:two_factor")
SETUP = reverse("accounts:two_factor_setup")


def two_factor_url(next_url: str) -> str:
    return f"{TWO_FACTOR}?{urlencode({'next': next_url})}"


def is_sent_to_two_factor(client: Client, url: str) -> bool:
    response = client.get(url)
    return response.status_code == 302 and response["Location"].startswith(TWO_FACTOR)


@pytest.mark.django_db
@pytest.mark.usefixtures("require_2fa")
def test_user_without_authenticator_is_sent_to_set_up_from_any_page(caseworker: User) -> None:
    client = client_for(caseworker)

    response = client.get("/saker/")
    assert response.status_code == 302
    assert response["Location"] == two_factor_url("/saker/")

    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?{urlencode({'next': '/saker/'})}"

    for url in ("/konto/", reverse("cases:create"), "/admin/"):
        assert is_sent_to_two_factor(client, url), url


@pytest.mark.django_db
@pytest.mark.usefixtures("require_2fa")
def test_real_sign_in_leads_to_two_factor_before_any_page(caseworker: User) -> None:
    client = Client()
    response = sign_in(client, "caseworker", PASSWORD)
    assert response["Location"] == reverse("cases:list")
    assert session_user_id(client) == str(caseworker.pk)
    assert is_sent_to_two_factor(client, response["Location"])


@pytest.mark.django_db
@pytest.mark.usefixtures("require_2fa")
def test_set_up_shows_a_qr_code_and_a_correct_code_lets_the_user_through(caseworker: User) -> None:
    client = client_for(caseworker)
    page = client.get(SETUP, {"next": "/saker/"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html
    device = TOTPDevice.objects.get(user=caseworker, confirmed=False)
    assert page.context["secret"] in html
    assert "no-store" in page["Cache-Control"]  # the secret must not linger in caches

    response = client.post(SETUP, {"token": totp_token(device), "next": "/saker/"})

    assert response.status_code == 302
    assert response["Location"] == "/saker/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/konto/").status_code == 200
    assert not is_sent_to_two_factor(client, "/saker/")


@pytest.mark.django_db
@pytest.mark.usefixtures("require_2fa")
def test_set_up_refuses_a_wrong_code_and_leaves_the_device_unconfirmed(caseworker: User) -> None:
    client = client_for(caseworker)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=caseworker)

    response = client.post(SETUP, {"token": wrong_token(device)})

    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    device.refresh_from_db()
    assert not device.confirmed
    assert is_sent_to_two_factor(client, "/konto/")


@pytest.mark.django_db
@pytest.mark.usefixtures("require_2fa")
def test_user_with_authenticator_is_asked_for_the_code_not_set_up(caseworker: User) -> None:
    confirmed_device(caseworker)
    client = client_for(caseworker)

    assert client.get("/saker/")["Location"] == two_factor_url("/saker/")
    page = client.get(two_factor_url("/saker/"))
    assert page.status_code == 200
    assert "accounts/two_factor.html" in [t.name for t in page.templates]
    # Set-up is not a way around the code: it sends the user back to verification.
    setup = client.get(SETUP)
    assert setup.status_code == 302 and setup["Location"] == TWO_FACTOR
    assert TOTPDevice.objects.filter(user=caseworker).count() == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("require_2fa")
def test_wrong_code_is_refused_with_a_clear_message_and_the_user_stays_blocked(caseworker: User) -> None:
    device = confirmed_device(caseworker)
    client = client_for(caseworker)

    response = client.post(TWO_FACTOR, {"token": wrong_token(device), "next": "/konto/"})

    assert response.status_code == 200
    errors = response.context["form"].errors["token"]
    assert len(errors) == 1
    assert errors[0] in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert is_sent_to_two_factor(client, "/konto/")
    assert is_sent_to_two_factor(client, "/saker/")


@pytest.mark.django_db
@pytest.mark.usefixtures("require_2fa")
def test_non_numeric_code_is_refused(caseworker: User) -> None:
    confirmed_device(caseworker)
    client = client_for(caseworker)
    response = client.post(TWO_FACTOR, {"token": "abcdef"})
    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    assert is_sent_to_two_factor(client, "/konto/")


@pytest.mark.django_db
@pytest.mark.usefixtures("require_2fa")
def test_right_code_lets_the_user_in_and_keeps_the_query_string(caseworker: User) -> None:
    device = confirmed_device(caseworker)
    client = client_for(caseworker)
    blocked = client.get("/saker/?q=emma&side=2")
    assert blocked["Location"] == two_factor_url("/saker/?q=emma&side=2")
    session_key_before = client.session.session_key

    response = client.post(blocked["Location"], {"token": totp_token(device)})

    assert response.status_code == 302
    assert response["Location"] == "/saker/?q=emma&side=2"
    assert client.session.session_key != session_key_before  # new key at the privilege change
    assert client.get("/konto/").status_code == 200
    assert not is_sent_to_two_factor(client, "/saker/")


@pytest.mark.django_db
@pytest.mark.usefixtures("require_2fa")
def test_a_code_cannot_be_used_twice(caseworker: User) -> None:
    device = confirmed_device(caseworker)
    token = totp_token(device)
    first = client_for(caseworker)
    assert first.post(TWO_FACTOR, {"token": token})["Location"] == reverse("cases:list")

    second = client_for(caseworker)
    response = second.post(TWO_FACTOR, {"token": token})
    assert response.status_code == 200
    assert is_sent_to_two_factor(second, "/konto/")


@pytest.mark.django_db
@pytest.mark.usefixtures("require_2fa")
def test_verification_belongs_to_the_session_not_the_user(caseworker: User) -> None:
    device = confirmed_device(caseworker)
    verified = client_for(caseworker)
    verified.post(TWO_FACTOR, {"token": totp_token(device)})
    assert verified.get("/konto/").status_code == 200

    other_browser = client_for(caseworker)
    assert is_sent_to_two_factor(other_browser, "/konto/")


@pytest.mark.django_db
@pytest.mark.usefixtures("require_2fa")
def test_health_check_and_sign_out_work_without_two_factor(caseworker: User) -> None:
    client = client_for(caseworker)

    health = client.get(reverse("healthz"))
    assert health.status_code == 200
    assert health.json()["status"] == "ok"

    logout = client.post(reverse("accounts:logout"))
    assert logout.status_code == 302
    assert logout["Location"] == reverse("accounts:login")
    assert session_user_id(client) is None


@pytest.mark.django_db
@pytest.mark.usefixtures("require_2fa")
def test_sign_out_everywhere_needs_two_factor_first(caseworker: User) -> None:
    client = client_for(caseworker)
    token = caseworker.session_token
    response = client.post(reverse("accounts:logout_everywhere"))
    assert response["Location"].startswith(TWO_FACTOR)
    caseworker.refresh_from_db()
    assert caseworker.session_token == token


@pytest.mark.django_db
def test_without_the_setting_no_one_is_sent_to_two_factor(caseworker: User) -> None:
    client = client_for(caseworker)
    assert client.get("/konto/").status_code == 200
    assert not is_sent_to_two_factor(client, "/saker/")


@pytest.mark.django_db
@pytest.mark.usefixtures("require_2fa")
def test_anonymous_visitors_are_sent_to_sign_in_not_two_factor(db: None) -> None:
    response = Client().get("/konto/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


OUTSIDE_TARGETS = [
    "https://evil.example/",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "https:evil.example",
    "javascript:alert(1)",
    "http://testserver.evil.example/",
]


@pytest.mark.django_db
@pytest.mark.usefixtures("require_2fa")
@pytest.mark.parametrize("target", OUTSIDE_TARGETS)
def test_code_page_never_redirects_off_site(caseworker: User, target: str) -> None:
    device = confirmed_device(caseworker)
    client = client_for(caseworker)
    page = client.get(TWO_FACTOR, {"next": target})
    assert page.context["next"] == reverse("cases:list")

    response = client.post(f"{TWO_FACTOR}?{urlencode({'next': target})}", {"token": totp_token(device)})

    assert response.status_code == 302
    assert response["Location"] == reverse("cases:list")


@pytest.mark.django_db
@pytest.mark.usefixtures("require_2fa")
@pytest.mark.parametrize("target", OUTSIDE_TARGETS[:2])
def test_set_up_page_never_redirects_off_site(caseworker: User, target: str) -> None:
    client = client_for(caseworker)
    response = client.get(TWO_FACTOR, {"next": target})
    assert response["Location"] == f"{SETUP}?{urlencode({'next': reverse('cases:list')})}"
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=caseworker)

    response = client.post(SETUP, {"token": totp_token(device), "next": target})

    assert response.status_code == 302
    assert response["Location"] == reverse("cases:list")
