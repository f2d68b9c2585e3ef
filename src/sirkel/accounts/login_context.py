"""Extra context for the sign-in page, contributed by apps that accounts does not know (the demo's logins).

An app registers a provider from its `AppConfig.ready()`; the sign-in view merges what every provider
returns. Accounts thereby never imports the apps that add to its page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.http import HttpRequest

LoginContextProvider = Callable[[HttpRequest], Mapping[str, Any]]

_providers: list[LoginContextProvider] = []


def register_login_context(provider: LoginContextProvider) -> None:
    """Add a provider; registering the same one twice (a second `ready()`) has no effect."""
    if provider not in _providers:
        _providers.append(provider)


def unregister_login_context(provider: LoginContextProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def login_context(request: HttpRequest) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for provider in _providers:
        context.update(provider(request))
    return context
