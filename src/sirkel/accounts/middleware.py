"""Require a verified second factor for signed-in staff when two-factor is switched on.

The check runs for every resolved view, including Django's admin, so no URL is reachable by a signed-in
but unverified user except the few needed to verify, sign out or probe health.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from sirkel.accounts.selectors import is_verified

EXEMPT_URL_NAMES = {
    "accounts:two_factor",
    "accounts:two_factor_setup",
    "accounts:logout",
    "healthz",
    "set_language",
    "participant:page",  # a participant's link uses no sign-in: a signed-in user opening one is its holder
}


def two_factor_url(next_url: str) -> str:
    """The verification page, returning to `next_url` afterwards (encoded, so its query string survives)."""
    return f"{reverse('accounts:two_factor')}?{urlencode({'next': next_url})}"


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: object,
        view_kwargs: object,
    ) -> HttpResponse | None:
        if not settings.SIRKEL_REQUIRE_2FA:
            return None
        user = request.user
        if not user.is_authenticated or is_verified(user):
            return None
        match = request.resolver_match
        name = (
            f"{match.namespace}:{match.url_name}"
            if match and match.namespace
            else (match.url_name if match else None)
        )
        if name in EXEMPT_URL_NAMES or request.path.startswith(settings.STATIC_URL):
            return None
        return redirect(two_factor_url(request.get_full_path()))
