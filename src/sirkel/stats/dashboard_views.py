"""The service dashboard and its drill-downs: the service (and figure options) from the query string, the
figures from `dashboard_selectors` (which decides the scope and records the read), drawn as inline SVG bar
charts with a table beside each, as the effect overview."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from sirkel.core.query import MAX_ID, bounded_int
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.stats import dashboard as figures_of
from sirkel.stats import dashboard_selectors
from sirkel.taxonomy import measures as measure_taxonomy

ROW_HEIGHT = 28
LABEL_WIDTH = 300
BAR_WIDTH = 360

# The figures' names and what they count (the definitions are dashboard.py's).
FIGURE_TEXT: dict[str, tuple[Promise, Promise]] = {
    "active-measures": (
        _("Active network measures"),
        _("Network measures still running: in screening, being prepared or in progress."),
    ),
    "meetings-held": (
        _("Meetings held"),
        _("Meetings held in the last 12 months, by the month they were held."),
    ),
    "actions-overdue": (
        _("Actions overdue"),
        _("Open actions whose due date has passed, on network measures still running."),
    ),
    "followups-unscheduled": (
        _("Follow-up meetings not scheduled"),
        _(
            "Network measures still running whose last meeting was held, with open actions and no later "
            "meeting planned."
        ),
    ),
    "evaluations-overdue": (
        _("Evaluations overdue"),
        _("Scheduled evaluations of any measure whose date has passed."),
    ),
}

# The markers' names and, in short, what each counts (dashboard.py's functions define them).
MARKER_TEXT: dict[str, tuple[Promise, Promise]] = {
    "network-mapped": (
        _("Network mapped before the measure"),
        _("Of the measures with a meeting held: the network was mapped (a saved map) before the first one."),
    ),
    "balance": (
        _("At least one third private participants"),
        _(
            "Of the measures with a meeting held: at least a third of those present at the meetings were "
            "from the private network (family, friends) rather than from services. Interpreters are not "
            "counted."
        ),
    ),
    "fathers-invited": (
        _("Father invited"),
        _("Of the measures with a meeting planned or held: a father is invited to one of them."),
    ),
    "fathers-apart": (
        _("Father invited, where the child does not live with him"),
        _(
            "Of the measures with a meeting planned or held whose child lives with the mother or someone "
            "else: a father is invited."
        ),
    ),
    "child-participation": (
        _("The child’s participation planned"),
        _("Of the measures with a meeting held: every meeting held had the child’s participation planned."),
    ),
    "child-heard": (
        _("The child heard at evaluation"),
        _(
            "Of the measures with a closed evaluation: one has the child’s own judgement (a child who did "
            "not want to answer was asked, and counts)."
        ),
    ),
    "interpreter": (
        _("Interpreter booked when needed"),
        _(
            "Of the measures with a meeting held that needed an interpreter (the meeting or the case says "
            "so): every such meeting had one booked."
        ),
    ),
    "consent": (
        _("Real consent recorded"),
        _(
            "Of the measures with a meeting held: a consent is given and not withdrawn, says how it was "
            "given (orally or in writing) and what the party was told."
        ),
    ),
    "waivers": (
        _("Waivers signed"),
        _(
            "Of the measures with a meeting held: every meeting held has the waiver of confidentiality "
            "signed."
        ),
    ),
    "reflecting-team": (
        _("Reflecting team held"),
        _(
            "Of the network and start meetings with a meeting held: every meeting held has the reflecting "
            "team’s notes."
        ),
    ),
    "actions-followed": (
        _("Every action owned and followed up"),
        _(
            "Of the measures with actions: every action has someone carrying it, and every action past its "
            "due date was reviewed at a follow-up meeting or is no longer open."
        ),
    ),
}


def _link(figure: str, service_id: int, **params: Any) -> str:
    query = urlencode({"service": service_id, **{k: v for k, v in params.items() if v is not None}})
    return f"{reverse('stats:drilldown', args=[figure])}?{query}"


def month_label(year: int, month: int) -> str:
    return formats.date_format(date(year, month, 1), "YEAR_MONTH_FORMAT")


def hbar_chart(rows: list[tuple[str, float | None]], *, top: float) -> dict[str, Any]:
    """Horizontal bars, one per row: `value` of `top` (None: no bar, drawn as "–")."""
    bars = []
    for i, (label, value) in enumerate(rows):
        width = BAR_WIDTH * value / top if value is not None and top else 0.0
        bars.append({"y": i * ROW_HEIGHT + 8, "label": label, "width": width, "empty": value is None})
    return {
        "bars": bars,
        "width": LABEL_WIDTH + BAR_WIDTH + 60,
        "height": len(rows) * ROW_HEIGHT + 16,
        "label_width": LABEL_WIDTH,
        "bar_height": ROW_HEIGHT - 8,
        "bar_x": LABEL_WIDTH,
    }


def month_chart(per_month: list[tuple[tuple[int, int], figures_of.Figure]]) -> dict[str, Any]:
    """One vertical bar per month."""
    height = 160
    top = max((f.count for _m, f in per_month), default=0) or 1
    bars = []
    for i, ((year, month), figure) in enumerate(per_month):
        h = height * figure.count / top
        bars.append(
            {
                "x": 40 + i * 50,
                "y": 10 + height - h,
                "h": h,
                "count": figure.count,
                "label": formats.date_format(date(year, month, 1), "M"),
            }
        )
    return {"bars": bars, "width": 40 + len(per_month) * 50, "height": height + 50, "base_y": height + 10}


@login_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    service_id = bounded_int(request.GET.get("service"), low=1, high=MAX_ID)
    page = dashboard_selectors.dashboard_for(user=request.user, service_id=service_id)  # 404, audited
    sid = page.scope.service.pk
    figures = page.figures
    kinds = [
        {
            "kind": kind,
            "label": str(measure_taxonomy.kind_label(kind)),
            "count": f.count,
            "url": _link("active-measures", sid, kind=kind),
        }
        for kind, f in figures.active_by_kind
    ]
    months = [
        {
            "label": month_label(y, m),
            "count": f.count,
            "url": _link("meetings-held", sid, year=y, month=m),
            "key": f"{y}-{m:02d}",
        }
        for (y, m), f in figures.per_month
    ]
    work = [figures.actions_overdue, figures.followups_unscheduled, figures.evaluations_overdue]
    markers = [
        {
            "key": s.key,
            "label": MARKER_TEXT[s.key][0],
            "definition": MARKER_TEXT[s.key][1],
            "met": len(s.met),
            "applies": len(s.applies),
            "unmet": len(s.unmet),
            "percent": s.percent,
            "met_url": _link(s.key, sid, met=1),
            "unmet_url": _link(s.key, sid),
        }
        for s in figures.markers
    ]
    context = {
        "page": page,
        "service": page.scope.service,
        "services": page.scope.services,
        "whole_service": page.scope.whole_service,
        "kinds": kinds,
        "kind_chart": hbar_chart(
            [(str(measure_taxonomy.kind_label(kind)), f.count) for kind, f in figures.active_by_kind],
            top=max((f.count for _k, f in figures.active_by_kind), default=0),
        ),
        "active": figures.active.count,
        "active_url": _link("active-measures", sid),
        "months": months,
        "month_chart": month_chart(figures.per_month),
        "held": figures.held.count,
        "held_url": _link("meetings-held", sid),
        "work": [
            {
                "key": f.key,
                "label": FIGURE_TEXT[f.key][0],
                "definition": FIGURE_TEXT[f.key][1],
                "count": f.count,
                "url": _link(f.key, sid),
            }
            for f in work
        ],
        "markers": markers,
        "marker_chart": hbar_chart(
            [(str(MARKER_TEXT[s.key][0]), s.percent) for s in figures.markers], top=100
        ),
        "active_definition": FIGURE_TEXT["active-measures"][1],
    }
    return render(request, "stats/dashboard.html", context)


@login_required
@require_GET
def drilldown(request: AuthenticatedHttpRequest, figure: str) -> HttpResponse:
    service_id = bounded_int(request.GET.get("service"), low=1, high=MAX_ID)
    kind = request.GET.get("kind")
    year = bounded_int(request.GET.get("year"), low=1900, high=2999)
    month = bounded_int(request.GET.get("month"), low=1, high=12)
    page = dashboard_selectors.drilldown_for(
        user=request.user,
        service_id=service_id,
        figure=figure,
        kind=kind if kind in measure_taxonomy.kind_keys() else None,
        year=year,
        month=month,
        met=request.GET.get("met") == "1",
    )  # 404, audited
    if figure in MARKER_TEXT:
        title, definition = MARKER_TEXT[figure]
    else:
        title, definition = FIGURE_TEXT[figure]
    context = {
        "page": page,
        "service": page.scope.service,
        "title": title,
        "definition": definition,
        "is_marker": figure in MARKER_TEXT,
        "kind_label": measure_taxonomy.kind_label(page.kind) if page.kind else "",
        "month_label": month_label(page.year, page.month) if page.year and page.month else "",
        "back_url": f"{reverse('stats:dashboard')}?{urlencode({'service': page.scope.service.pk})}",
        "other_url": _link(figure, page.scope.service.pk, met=None if page.met else 1)
        if figure in MARKER_TEXT
        else "",
        "count": len(page.items),
    }
    return render(request, "stats/drilldown.html", context)
