"""Rate limits per token (SIRKEL_API_RATE, e.g. "600/min")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from sirkel.api.authentication import token_of

if TYPE_CHECKING:
    from rest_framework.views import APIView


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"

    def get_rate(self) -> str | None:
        # Read at each request, not once at import, so a changed setting takes effect.
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        return str(rate) if rate is not None else None

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        token = token_of(request)
        if token is None:
            return None  # unauthenticated requests fail before they cost anything
        return self.cache_format % {"scope": self.scope, "ident": token.pk}
