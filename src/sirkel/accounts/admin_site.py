"""Sirkel's admin site: staff only, behind two-factor, signed in through Sirkel's own sign-in page.

Installed as the default admin site through `SirkelAdminConfig`, so `admin.site` is this site.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from sirkel.accounts.middleware import two_factor_url
from sirkel.accounts.selectors import is_verified


class SirkelAdminSite(admin.AdminSite):
    site_header = "Sirkel"
    site_title = "Sirkel"

    def has_permission(self, request: HttpRequest) -> bool:
        # TwoFactorRequiredMiddleware already stops unverified users; checking here as well keeps the
        # admin closed should the middleware ever be removed or an admin URL be exempted by mistake.
        if not super().has_permission(request):
            return False
        return not settings.SIRKEL_REQUIRE_2FA or is_verified(request.user)

    def login(self, request: HttpRequest, extra_context: dict[str, object] | None = None) -> HttpResponse:
        """Send sign-in to Sirkel's sign-in page, the one place with lockout and two-factor set-up."""
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index", current_app=self.name)
        if not request.user.is_authenticated:
            return redirect_to_login(next_url, login_url=reverse("accounts:login"))
        if settings.SIRKEL_REQUIRE_2FA and not is_verified(request.user):
            return redirect(two_factor_url(next_url))
        # Signed in and verified but not staff: Django would offer its own sign-in form again;
        # Sirkel refuses instead.
        raise PermissionDenied
