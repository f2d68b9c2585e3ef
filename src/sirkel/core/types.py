"""Shared types: the request of views behind login, and the "leave unchanged" default of update keywords."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    # django-stubs' plugin reads `_User` as the model AUTH_USER_MODEL names (accounts.User), so core
    # types `request.user` exactly without importing the app that defines the user.
    from django.contrib.auth.models import _User


class AuthenticatedHttpRequest(HttpRequest):
    user: _User


class Unchanged(Enum):
    """The default of an update service's keyword: keep the stored value (None may be a value of its own)."""

    UNCHANGED = "unchanged"


UNCHANGED = Unchanged.UNCHANGED
