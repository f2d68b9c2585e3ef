"""Writes about users: sign out everywhere, two-factor enrolment."""

from __future__ import annotations

import uuid

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from sirkel.accounts.models import User


@transaction.atomic
def logout_everywhere(*, user: User) -> None:
    """Invalidate every session of the user by rotating the token their session hash depends on."""
    user.session_token = uuid.uuid4()
    user.save(update_fields=["session_token"])


def pending_totp_device(*, user: User) -> TOTPDevice:
    """The user's unconfirmed authenticator, created on first visit to the set-up page."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Sirkel", confirmed=False)
    return device


def confirmed_totp_device(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def confirm_totp_device(*, device: TOTPDevice) -> None:
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
