"""Request and response handling every page shares: the language, and headers for confidential pages."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers


class PrivatePagesMiddleware:
    """Signed-in pages are never stored by the browser or a proxy, and htmx partials never stand in for
    full pages: without `no-store` and `Vary: HX-Request`, the Back button can show a cached fragment, and
    a child's details can stay in the browser's disk cache after signing out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_vary_headers(response, ("HX-Request",))
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            patch_cache_control(response, no_store=True, private=True)
        return response


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Bokmål unless the user chose English in the header (a cookie set by Django's set_language).

    Django's LocaleMiddleware also follows the browser's Accept-Language, which would show English to a
    caseworker whose browser happens to be set up in English. Sirkel is Bokmål first: only an explicit
    choice changes the language. The REST API is the exception: `Accept-Language: en` asks for English.
    """

    def process_request(self, request: HttpRequest) -> None:
        if request.path_info.startswith("/api/"):
            # A program has no cookie: the API follows Accept-Language, Bokmål when it names neither.
            translation.activate(translation.get_language_from_request(request))
            request.LANGUAGE_CODE = translation.get_language()
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        translation.activate(chosen if chosen in supported else settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()


class HtmxSignInRedirectMiddleware:
    """When an htmx request is sent to sign in or to two-factor verification (the session expired, or
    the second factor is still missing), make the browser go there as a whole page: otherwise htmx would
    follow the redirect and swap the sign-in form into a corner of the page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.headers.get("HX-Request") != "true" or response.status_code not in (301, 302):
            return response
        location = response.get("Location", "")
        targets = (
            reverse("accounts:login"),
            reverse("accounts:two_factor"),
            reverse("accounts:two_factor_setup"),
        )
        if not urlsplit(location).path.startswith(targets):
            return response
        page = HttpResponse(status=200)
        page["HX-Redirect"] = location
        return page
