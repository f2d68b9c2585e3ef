"""Template context every page needs from meetings: whether "My meetings" belongs in the menu."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from sirkel.meetings.selectors import leads_or_is_trained


def meetings(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    leads_meetings: object = False
    if user is not None and user.is_authenticated:
        # Lazy: only pages that draw the menu ask the database.
        leads_meetings = SimpleLazyObject(lambda: leads_or_is_trained(user=user))
    # Leads a measure or is a trained leader: "My meetings" in the menu.
    return {"leads_meetings": leads_meetings}
