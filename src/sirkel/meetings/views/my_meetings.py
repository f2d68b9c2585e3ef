"""My meetings: the measures and meetings the user leads, also for other services."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.meetings import selectors
from sirkel.meetings.kinds import LeaderPool, kind_config
from sirkel.meetings.models import SeriesStatus

OPEN_STATUSES = frozenset(
    {SeriesStatus.SCREENING.value, SeriesStatus.PREPARING.value, SeriesStatus.ACTIVE.value}
)


@login_required
def my_meetings(request: AuthenticatedHttpRequest) -> HttpResponse:
    led = selectors.series_led_by(user=request.user)  # audited there
    configs = [kind_config(s.kind) for s in led]
    # The roles the user leads in (kinds.py `leader_label`): "Meeting leader", "Coordinator", …
    roles = list(dict.fromkeys(str(c.leader_label) for c in configs))
    return render(
        request,
        "meetings/my_meetings.html",
        {
            "current": [s for s in led if s.status in OPEN_STATUSES],
            "earlier": [s for s in led if s.status not in OPEN_STATUSES],
            "roles": roles,
            # The register of trained meeting leaders matters to those who lead network meetings.
            "trained": not led or any(c.leader_pool == LeaderPool.TRAINED for c in configs),
        },
    )


urlpatterns = [
    path("mine-moter/", my_meetings, name="my_meetings"),
]
