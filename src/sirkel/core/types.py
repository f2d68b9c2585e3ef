"""Typed request for views behind login."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from sirkel.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
