"""`Authorization: Bearer <token>` with a personal access token; nothing else signs in to the API."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from sirkel.accounts.models import ApiToken, User
from sirkel.accounts.tokens import active_token, mark_used
from sirkel.audit.services import set_channel


class BearerTokenAuthentication(BaseAuthentication):
    """A token acts as its user, with the user's roles as they are now. Every audit event the request
    records is marked as coming through the API, with the token's id."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the token as: Authorization: Bearer <token>."))
        try:
            secret = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("The token is not valid.")) from exc
        token = active_token(secret=secret)
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("The token is not valid: it may be mistyped, expired or revoked.")
            )
        mark_used(token=token)
        set_channel(via="api", token=token.pk)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (not 403) without credentials, with this challenge.
        return 'Bearer realm="sirkel"'


def token_of(request: Any) -> ApiToken | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiToken) else None


def api_user(request: Any) -> User:
    """The user the request's token acts as (the permission class has required one)."""
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        raise exceptions.NotAuthenticated
    return user
