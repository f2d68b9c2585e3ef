"""The leaders' SSB table: a service's children with measures during a year, by measure and age band, with
the trend over the years as an inline SVG chart and a table beside it, and the same table as CSV.

The service, year and extended categories come from the query string; access and the audit event are the
selectors' (`ssb_trend`, `ssb_table_for_leader`): anyone who does not lead the service gets 404."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sirkel.accounts.selectors import services_led_by
from sirkel.core.query import MAX_ID, bounded_int
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.stats import selectors, ssb
from sirkel.taxonomy import measures as measure_taxonomy

FIRST_YEAR = 1990
CSV_HEADER = ("code", "category", "age_band", "children")

# The trend chart's geometry (SVG user units).
CHART_WIDTH = 720
CHART_LEFT = 48  # room for the y axis' numbers
CHART_TOP = 12
PLOT_HEIGHT = 200
CHART_BOTTOM = 36  # room for the years
MAX_BAR_WIDTH = 28


@dataclass(frozen=True)
class Query:
    service_id: int | None
    year: int
    extended: bool


def _query(request: AuthenticatedHttpRequest) -> Query:
    """The page's choices: a service id (None: the first one led), the year (last year, the reporting
    year, unless another between 1990 and next year is asked for) and the extended categories."""
    now = selectors.this_year()
    year = bounded_int(request.GET.get("year"), low=FIRST_YEAR, high=now + 1)
    return Query(
        service_id=bounded_int(request.GET.get("service"), low=1, high=MAX_ID),
        year=now - 1 if year is None else year,
        extended=request.GET.get("extended") == "1",
    )


def band_label(band: str) -> str:
    return band.replace("-", "–")


def row_category(row: ssb.TableRow) -> str:
    """The row's name on the page: SSB's own (Bokmål) name, the extended categories in the page's language."""
    if row.level == ssb.LEVEL_EXTENDED:
        return str(measure_taxonomy.kind_label(row.code))
    if row.level == ssb.LEVEL_ALL:
        return _("All measures")
    return row.category


@dataclass(frozen=True)
class Series:
    code: str  # "all" or a group's code
    label: str
    css: str  # the colour's class
    values: list[int | None]  # one per year of the trend, None where suppressed


def trend_series(tables: list[ssb.SsbTable]) -> list[Series]:
    """All measures, then each group that has children in any of the years: the total each year (a group
    without a row that year had no children in it)."""
    groups = sorted(
        {r.code for t in tables for r in t.rows if r.level == ssb.LEVEL_GROUP}, key=ssb.code_sort_key
    )
    names = ssb.group_names()
    out = [
        Series(ssb.ALL, _("All measures"), "ssb-series--all", [t.cell(ssb.ALL, ssb.TOTAL) for t in tables])
    ]
    for group in groups:
        values: list[int | None] = []
        for t in tables:
            row = t.row(group)
            values.append(0 if row is None else row.cells[ssb.TOTAL])
        out.append(Series(group, f"{group} {names.get(group, '')}".strip(), f"ssb-series--g{group}", values))
    return out


def _ticks(top: int) -> list[int]:
    """Round numbers from 0 to at least `top`: a step of 1, 2 or 5 times a power of ten, at most five
    steps."""
    magnitude = 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            steps = -(-top // step)  # rounded up
            if steps <= 5:
                return [i * step for i in range(max(steps, 1) + 1)]
        magnitude *= 10


def trend_chart(years: list[int], series: list[Series]) -> dict[str, Any]:
    """Grouped bars: a cluster per year, a bar per series; a suppressed value is not drawn (a ":" stands
    where its bar would be) and a zero is no bar."""
    shown = [v for s in series for v in s.values if v is not None]
    ticks = _ticks(max([*shown, 1]))
    top = ticks[-1]
    base_y = CHART_TOP + PLOT_HEIGHT
    cluster = (CHART_WIDTH - CHART_LEFT - 8) / max(len(years), 1)
    bar = min(MAX_BAR_WIDTH, cluster * 0.8 / max(len(series), 1))
    clusters = []
    for i, year in enumerate(years):
        left = CHART_LEFT + i * cluster + (cluster - bar * len(series)) / 2
        bars = []
        for j, s in enumerate(series):
            value = s.values[i]
            height = 0.0 if value is None else PLOT_HEIGHT * value / top
            bars.append(
                {
                    "code": s.code,
                    "css": s.css,
                    "value": value,
                    "x": left + j * bar,
                    "y": base_y - height,
                    "h": height,
                    "mid": left + j * bar + bar / 2,
                }
            )
        clusters.append({"year": year, "mid": CHART_LEFT + i * cluster + cluster / 2, "bars": bars})
    return {
        "width": CHART_WIDTH,
        "height": base_y + CHART_BOTTOM,
        "left": CHART_LEFT,
        "base_y": base_y,
        "bar_width": bar,
        "year_y": base_y + 20,
        "ticks": [(t, base_y - PLOT_HEIGHT * t / top) for t in ticks],
        "clusters": clusters,
    }


def year_choices(*, year: int, first: int) -> list[int]:
    """The years to choose from, newest first: from the trend's first year (the service's first year
    with a measure, or ten years back) to this year, and the year shown if it is outside that."""
    now = selectors.this_year()
    return list(range(max(now, year), min(first, year) - 1, -1))


@login_required
@require_GET
def ssb_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    query = _query(request)
    service, tables = selectors.ssb_trend(  # 404 for anyone who does not lead it; one audit event
        user=request.user, service_id=query.service_id, year=query.year, extended=query.extended
    )
    table = tables[-1]  # the trend ends with the year chosen
    years = [t.year for t in tables]
    series = trend_series(tables)
    rows: list[dict[str, Any]] = [
        {"row": r, "category": row_category(r), "cells": [(c, r.cells[c]) for c in ssb.columns()]}
        for r in table.rows
    ]
    csv_query = {"service": service.pk, "year": table.year, **({"extended": 1} if query.extended else {})}
    context = {
        "service": service,
        "csv_url": f"{reverse('stats:ssb_csv')}?{urlencode(csv_query)}",
        "export_url": f"{reverse('stats:ssb_export')}?{urlencode(csv_query)}",
        "services": services_led_by(user=request.user),
        "year": table.year,
        "years": year_choices(year=table.year, first=years[0]),
        "extended": query.extended,
        "table": table,
        "columns": [(c, _("Total") if c == ssb.TOTAL else band_label(c)) for c in ssb.columns()],
        "ssb_rows": [r for r in rows if r["row"].level != ssb.LEVEL_EXTENDED],
        "extended_rows": [r for r in rows if r["row"].level == ssb.LEVEL_EXTENDED],
        "suppress_below": table.suppress_below,
        "trend_years": years,
        "series": series,
        "chart": trend_chart(years, series),
    }
    return render(request, "stats/ssb.html", context)


@login_required
@require_GET
def ssb_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The year's table as `code,category,age_band,children`, a line per row and column (the age bands,
    then `total`), ":" where suppressed."""
    query = _query(request)
    table = selectors.ssb_table_for_leader(  # 404 for anyone who does not lead it; one audit event
        user=request.user, service_id=query.service_id, year=query.year, extended=query.extended
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(table.csv_records())
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    suffix = "-utvidet" if query.extended else ""
    response["Content-Disposition"] = f'attachment; filename="ssb-{table.year}{suffix}.csv"'
    return response


@login_required
@require_GET
def ssb_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The service's suppressed figures for the year as the file a region or the directorate merges
    (`sirkel stats merge`), so that a leader needs no command line; the same query string as the page."""
    query = _query(request)
    document = selectors.ssb_export_for_leader(  # 404 for anyone who does not lead it; audited as an export
        user=request.user, service_id=query.service_id, year=query.year, extended=query.extended
    )
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2) + "\n",
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="sirkel-ssb-{query.year}.json"'
    return response
