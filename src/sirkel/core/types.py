"""Typed request for views behind login."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    # django-stubs' plugin reads `_User` as the model AUTH_USER_MODEL names (accounts.User), so core
    # types `request.user` exactly without importing the app that defines the user.
    from django.contrib.auth.models import _User


class AuthenticatedHttpRequest(HttpRequest):
    user: _User
