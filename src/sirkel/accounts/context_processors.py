"""Template context every page needs from accounts: the user's roles and the sign-in lockout."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from sirkel.accounts.models import Role
from sirkel.accounts.selectors import roles_by_service


def accounts(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    roles: set[str] = set()
    if user is not None and user.is_authenticated:
        roles = set(roles_by_service(user=user).values())
    return {
        "user_roles": roles,
        "is_leader": Role.LEADER.value in roles,
        # A leader sees the service's dashboard, a caseworker or consultant one of their own cases.
        "has_dashboard": bool(roles & {Role.LEADER.value, Role.CASEWORKER.value, Role.CONSULTANT.value}),
        "login_cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
