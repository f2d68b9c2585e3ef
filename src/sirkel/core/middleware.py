"""Response headers for pages with confidential data."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
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
