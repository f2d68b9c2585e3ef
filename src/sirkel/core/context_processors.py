"""Template context every page needs from core: the environment. Roles come from accounts' processor."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def sirkel(request: HttpRequest) -> dict[str, Any]:
    return {
        "sirkel_env": settings.SIRKEL_ENV,
        "demo_mode": settings.DEMO_MODE,
    }
