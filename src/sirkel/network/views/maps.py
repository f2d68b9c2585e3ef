"""Maps to print: the live network's or a snapshot's, each for a chosen audience (see `audience.py`).

Before the map is shown for printing, the caseworker chooses who it is for. For the family and the network
meeting's participants the people they must not see are left out or shown as "a person", and the print
says how many. Each print view with an audience chosen is audited (what, for whom, how many left out).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import path

from sirkel.cases.models import Case
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.network import audience, selectors, services
from sirkel.network.change import snapshot_map
from sirkel.network.metrics import metrics_for_snapshot
from sirkel.network.views.snapshots import READ_METHODS, _open_case, audience_form, snapshot_title

# The map's people are shown, never moved, on a print page.
READ_ONLY = {"can_edit": False}


def _print_context(
    request: AuthenticatedHttpRequest,
    case: Case,
    data: dict[str, Any],
    *,
    what: str,
    snapshot_ids: list[int],
    reasons: dict[int, set[str]],
) -> dict[str, Any]:
    form = audience_form(request)
    context: dict[str, Any] = {"case": case, "form": form, "readonly": READ_ONLY}
    choice = form.chosen()
    if choice is None:
        return context
    who, how = choice
    shown, omission = audience.for_audience(data, reasons=reasons, audience=who, treatment=how)
    audience.record_print(
        acting_user=request.user, case=case, omission=omission, what=what, snapshot_ids=snapshot_ids
    )
    context.update({"omission": omission, "map": snapshot_map(shown), "metrics": metrics_for_snapshot(shown)})
    return context


@login_required
def map_print(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """The live network's map, for printing to a chosen audience on one A4 landscape page."""
    case, access = _open_case(request, case_id)
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(["GET"])
    network = selectors.network_for_case(case=case)
    data = services.snapshot_data(members=network.members, ties=network.ties)
    context = _print_context(
        request,
        case,
        data,
        what="map",
        snapshot_ids=[],
        reasons=audience.reasons_by_member([data], network.members, selectors.wished_hidden(case=case)),
    )
    return render(request, "network/map_print.html", {**context, "access": access, "snapshot": None})


@login_required
def snapshot_map_view(request: AuthenticatedHttpRequest, case_id: int, snapshot_id: int) -> HttpResponse:
    """A snapshot's map, for printing to a chosen audience. Today's wishes to be hidden count as well."""
    case, access = _open_case(request, case_id)
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(["GET"])
    snapshot = selectors.get_snapshot(case=case, snapshot_id=snapshot_id)
    context = _print_context(
        request,
        case,
        snapshot.data,
        what="snapshot_map",
        snapshot_ids=[snapshot.pk],
        reasons=audience.reasons_by_member(
            [snapshot.data], selectors.flagged_members(case=case), selectors.wished_hidden(case=case)
        ),
    )
    return render(
        request,
        "network/map_print.html",
        {**context, "access": access, "snapshot": snapshot, "title": snapshot_title(snapshot)},
    )


urlpatterns = [
    path("kart/utskrift/", map_print, name="map_print"),
    path("historikk/<id:snapshot_id>/kart/", snapshot_map_view, name="snapshot_map"),
]
