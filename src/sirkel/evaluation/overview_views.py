"""The leaders' effect overview page: the service and year chosen in the query string, the numbers from
`selectors.effect_overview` (which decides access and records the read), drawn as inline SVG bar charts
with a table beside each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sirkel.accounts.selectors import services_led_by
from sirkel.core.query import MAX_ID, bounded_int
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.evaluation import selectors
from sirkel.evaluation.models import Effect, Perspective
from sirkel.evaluation.overview import EFFECTS, PERSPECTIVES, T_BANDS, AgreementRow, EffectRow, TScores
from sirkel.taxonomy import measures as measure_taxonomy

ROW_HEIGHT = 28
LABEL_WIDTH = 260
BAR_WIDTH = 400


def band_labels() -> dict[str, str]:
    return {
        "lt40": _("below 40"),
        "40-49": "40–49",
        "50-59": "50–59",
        "ge60": _("60 or more"),
    }


def perspective_labels() -> dict[str, str]:
    return {p: str(Perspective(p).label) for p in PERSPECTIVES}


@dataclass(frozen=True)
class Segment:
    effect: str
    x: float
    width: float


@dataclass(frozen=True)
class BarRow:
    y: float
    label: str
    segments: list[Segment]  # empty: a suppressed row, drawn as ":"


def effect_chart(rows: list[EffectRow]) -> dict[str, Any]:
    """A 100 % bar per kind and perspective: yes, partly and no side by side; a row with a suppressed
    cell is not drawn (its table row says why)."""
    kinds = {r.kind: str(measure_taxonomy.kind_label(r.kind)) for r in rows}
    perspectives = perspective_labels()
    bars = []
    for i, row in enumerate(rows):
        segments: list[Segment] = []
        if not row.suppressed and row.judged:
            x = 0.0
            for effect in EFFECTS:
                width = BAR_WIDTH * (row.shares[effect] or 0) / 100
                segments.append(Segment(effect, LABEL_WIDTH + x, width))
                x += width
        bars.append(
            BarRow(
                y=i * ROW_HEIGHT + 8,
                label=f"{kinds[row.kind]}: {perspectives[row.perspective]}",
                segments=segments,
            )
        )
    return {
        "bars": bars,
        "width": LABEL_WIDTH + BAR_WIDTH + 10,
        "height": len(rows) * ROW_HEIGHT + 40,
        "axis_y": len(rows) * ROW_HEIGHT + 14,
        "ticks": [(LABEL_WIDTH + BAR_WIDTH * p / 100, p) for p in (0, 50, 100)],
        "bar_height": ROW_HEIGHT - 8,
        "label_width": LABEL_WIDTH,
        "suppressed_x": LABEL_WIDTH + 6,
    }


def t_chart(t: TScores) -> dict[str, Any]:
    """One vertical bar per T-score band; a suppressed band is drawn as ":"."""
    height = 160
    counts = [c for c in t.bands.values() if c is not None]
    top = max(counts) if counts else 1
    labels = band_labels()
    bars = []
    for i, band in enumerate(T_BANDS):
        count = t.bands[band]
        h = height * count / top if count else 0
        bars.append({"band": labels[band], "count": count, "x": 40 + i * 90, "y": 10 + height - h, "h": h})
    return {"bars": bars, "width": 40 + 4 * 90, "height": height + 50, "base_y": height + 10}


def agreement_table(rows: list[AgreementRow]) -> list[dict[str, Any]]:
    labels = perspective_labels()
    return [{"first": labels[r.first], "second": labels[r.second], "row": r} for r in rows]


@login_required
@require_GET
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    service_id = bounded_int(request.GET.get("service"), low=1, high=MAX_ID)
    year = bounded_int(request.GET.get("year"), low=1900, high=2999)
    data = selectors.effect_overview(user=request.user, service_id=service_id, year=year)  # 404, audited
    kinds = {r.kind: str(measure_taxonomy.kind_label(r.kind)) for r in data.overview.effects}
    context = {
        "data": data,
        "services": services_led_by(user=request.user),
        "effects": [
            {"row": r, "kind": kinds[r.kind], "perspective": perspective_labels()[r.perspective]}
            for r in data.overview.effects
        ],
        "effect_labels": {e: str(Effect(e).label) for e in EFFECTS},
        "effect_chart": effect_chart(data.overview.effects),
        "agreement": agreement_table(data.overview.agreement),
        "t": data.overview.t_scores,
        "t_bands": [(band_labels()[b], data.overview.t_scores.bands[b]) for b in T_BANDS],
        "t_chart": t_chart(data.overview.t_scores),
        "overdue": [
            {"evaluation": e, "kind": measure_taxonomy.kind_label(e.measure.kind)} for e in data.overdue
        ],
    }
    return render(request, "evaluation/overview.html", context)
