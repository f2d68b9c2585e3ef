"""/statistikk/ssb-fil/: a leader downloads the service's suppressed figures for a year as the file that
a region or the directorate merges (`sirkel stats merge`), so that no one needs the command line."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.stats import selectors

MAX_ID = 2_147_483_647


def _int(value: str | None, *, low: int, high: int) -> int | None:
    if value is None or not value.isdecimal() or len(value) > 10:
        return None
    number = int(value)
    return number if low <= number <= high else None


@require_GET
@login_required
def ssb_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The JSON file of `?service=<id>&year=<Y>[&extended=1]`; the year defaults to last year."""
    this_year = timezone.localdate().year
    year = _int(request.GET.get("year"), low=1990, high=this_year + 1) or this_year - 1
    raw_service = request.GET.get("service")
    service_id = _int(raw_service, low=1, high=MAX_ID)
    if raw_service is not None and service_id is None:
        raise Http404
    document = selectors.ssb_export_for_leader(
        user=request.user, service_id=service_id, year=year, extended=request.GET.get("extended") == "1"
    )
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2) + "\n",
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="sirkel-ssb-{year}.json"'
    return response
