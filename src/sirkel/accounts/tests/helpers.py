"""Helpers shared by the accounts tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from sirkel.accounts.models import User

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse


def totp_token(device: TOTPDevice) -> str:
    """The code an authenticator app holding the device's key would show right now."""
    code = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits).token()
    return str(code).zfill(device.digits)


def wrong_token(device: TOTPDevice) -> str:
    right = int(totp_token(device))
    return str((right + 1) % 10**device.digits).zfill(device.digits)


def sign_in(client: Client, username: str, password: str) -> TestResponse:
    """POST the real sign-in form."""
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def session_user_id(client: Client) -> str | None:
    value = client.session.get("_auth_user_id")
    return str(value) if value is not None else None


def confirmed_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Sirkel", confirmed=True)
