"""Sign in, two-factor verification and set-up, sign out (here or everywhere), the account page and its
personal access tokens for the REST API."""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from sirkel.accounts.forms import ApiTokenForm, LoginForm, TokenForm
from sirkel.accounts.login_context import login_context
from sirkel.accounts.models import ApiToken, Membership
from sirkel.accounts.selectors import is_verified
from sirkel.accounts.services import (
    confirm_totp_device,
    confirmed_totp_device,
    logout_everywhere,
    pending_totp_device,
)
from sirkel.accounts.tokens import create_token, revoke_token, tokens_for_user
from sirkel.core.forms import service_errors
from sirkel.core.submissions import once_per_submission
from sirkel.core.types import AuthenticatedHttpRequest


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # What other apps add (the demo's logins) never replaces the form or the view's own entries.
        return {**login_context(self.request), **super().get_context_data(**kwargs)}


def _safe_next(request: HttpRequest) -> str:
    """The `next` target if it stays on this site, else the start page (never an outside URL)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _verified(request: AuthenticatedHttpRequest, device: TOTPDevice) -> None:
    """Mark the session as two-factor verified, under a new session key.

    The session is raised to a higher privilege here, so the key changes just as it does at sign-in:
    a key seen before verification is worthless afterwards.
    """
    otp_login(request, device)
    request.session.cycle_key()


@never_cache
@login_required
def two_factor(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ask for the authenticator code; send users without an authenticator to set-up."""
    device = confirmed_totp_device(user=request.user)
    if device is None:
        setup_url = reverse("accounts:two_factor_setup")
        return redirect(f"{setup_url}?{urlencode({'next': _safe_next(request)})}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            _verified(request, device)
            return redirect(_safe_next(request))
        form.add_error("token", _("The code is wrong or has expired. Try the newest code in the app."))
    return render(request, "accounts/two_factor.html", {"form": form, "next": _safe_next(request)})


@never_cache
@login_required
def two_factor_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Show a new authenticator secret as a QR code and confirm it with one code."""
    if confirmed_totp_device(user=request.user) is not None and not is_verified(request.user):
        return redirect("accounts:two_factor")
    device = pending_totp_device(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            confirm_totp_device(device=device)
            _verified(request, device)
            messages.success(request, _("Two-factor authentication is set up."))
            return redirect(_safe_next(request))
        form.add_error("token", _("The code did not match. Check the time on your phone and try again."))
    qr_svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, title=_("QR code for the authenticator app")
    )
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, "qr_svg": qr_svg, "secret": secret, "next": _safe_next(request)},
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You are signed out."))
    return redirect("accounts:login")


@require_POST
@login_required
def logout_everywhere_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    logout_everywhere(user=request.user)
    logout(request)
    messages.info(request, _("You are signed out on every device."))
    return redirect("accounts:login")


_NEW_TOKEN = "sirkel_new_api_token"  # noqa: S105 - a session key, not a secret


@login_required
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    memberships = (
        Membership.objects.filter(user=request.user).select_related("service").order_by("service__name")
    )
    # A token made a moment ago is shown once, here, after the redirect; then only its name remains.
    new_token = request.session.pop(_NEW_TOKEN, None)
    return render(
        request,
        "accounts/account.html",
        {
            "memberships": memberships,
            "has_totp": confirmed_totp_device(user=request.user) is not None,
            "tokens": tokens_for_user(user=request.user),
            "token_form": ApiTokenForm(),
            "new_token": new_token,
            "now": timezone.now(),
        },
    )


@login_required
@once_per_submission
def api_token_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as outcome:
            token, secret = create_token(
                user=request.user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
                read_only=form.cleaned_data["access"] == "read",
            )
        if outcome.ok:
            request.session[_NEW_TOKEN] = {"id": token.pk, "name": token.name, "secret": secret}
            return redirect(f"{reverse('accounts:account')}#api-tokens")
    return render(request, "accounts/api_token_form.html", {"form": form})


@require_POST
@login_required
def api_token_revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    try:
        token = revoke_token(user=request.user, token_id=token_id)
    except ApiToken.DoesNotExist as exc:
        raise Http404 from exc
    messages.success(
        request, _("The token “%(name)s” is revoked: it no longer works.") % {"name": token.name}
    )
    return redirect(f"{reverse('accounts:account')}#api-tokens")
