"""The bench URLconf: Sirkel's URLs plus a *framework floor* that is not part of the product.

The floor view goes through the same middleware stack and login requirement as the case pages, runs
one indexed query (a case by primary key) and returns a tiny response. A page's time divided by the
floor's shows what the page costs beyond the framework, sessions and authentication.
"""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.urls import URLPattern, URLResolver, path

from sirkel.cases.models import Case
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.urls import urlpatterns as sirkel_urlpatterns

FLOOR_URL_NAME = "bench_floor"


@login_required
def floor(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        raise Http404
    return HttpResponse(case.reference, content_type="text/plain")


# The product's patterns unchanged (same resolver depth for its pages), then the floor.
urlpatterns: list[URLPattern | URLResolver] = [
    *cast(list[URLPattern | URLResolver], sirkel_urlpatterns),
    path("bench/floor/<int:case_id>/", floor, name=FLOOR_URL_NAME),
]
