"""Who may call the API at all; what they may do to an object is the access policy's to say."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from sirkel.api.authentication import token_of

if TYPE_CHECKING:
    from rest_framework.views import APIView


class TokenHolder(BasePermission):
    """A valid token is required; a read-only token may only read."""

    message = _("This token may only read. Create a token that may also write.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        token = token_of(request)
        if token is None:
            return False
        return request.method in SAFE_METHODS or not token.read_only
