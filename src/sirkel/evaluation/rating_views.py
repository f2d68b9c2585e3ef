"""The rating pages: a case's ratings (recording one, the history per instrument with its reliable change
as a chart and a table), and a leader's instruments for their service (define, copy, revise, retire).

Views decide no access: the case's ratings come from `rating_selectors.case_ratings` (the case's policy,
audited), the instruments from `leader_service` / `instrument_for_leader`; the services check again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sirkel.core.forms import service_errors, service_messages
from sirkel.core.submissions import once_per_submission
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.evaluation import instruments as instrument_services
from sirkel.evaluation.instruments import ChangeSeries, current_instruments, instrument_versions
from sirkel.evaluation.models import Instrument, Rating
from sirkel.evaluation.rating_forms import InstrumentForm, RatingForm, item_label, items_text, parse_items
from sirkel.evaluation.rating_selectors import (
    case_ratings,
    instrument_for_leader,
    leader_service,
    led_services,
)

# --- The chart ----------------------------------------------------------------------------------------------

WIDTH, HEIGHT = 560, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 24, 16, 44


@dataclass(frozen=True)
class Chart:
    """Inline SVG geometry of one series: the total (0–10) over time and the band of no reliable change."""

    width: int
    height: int
    points: list[dict[str, Any]]
    line: str
    band_top: float
    band_height: float
    ticks: list[dict[str, float]]
    x_labels: list[dict[str, Any]]
    left: int
    right: int
    plot_width: int
    tick_x: int  # where the scale's numbers end
    label_y: int  # the dates' baseline


def _y(value: float) -> float:
    return TOP + (10 - value) / 10 * (HEIGHT - TOP - BOTTOM)


def chart(series: ChangeSeries) -> Chart:
    days = [p.rating.rated_on for p in series.points]
    span = (days[-1] - days[0]).days
    plot_width = WIDTH - LEFT - RIGHT

    def x(index: int) -> float:
        if span == 0:
            return LEFT + plot_width / 2 if len(days) == 1 else LEFT + plot_width * index / (len(days) - 1)
        return LEFT + plot_width * (days[index] - days[0]).days / span

    points = [
        {"x": x(i), "y": _y(p.rating.total), "total": p.rating.total, "on": p.rating.rated_on}
        for i, p in enumerate(series.points)
    ]
    low, high = series.band
    labels = [{"x": points[0]["x"], "on": days[0], "anchor": "start" if len(points) > 1 else "middle"}]
    if len(points) > 1:
        labels.append({"x": points[-1]["x"], "on": days[-1], "anchor": "end"})
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        points=points,
        line=" ".join(f"{p['x']:.1f},{p['y']:.1f}" for p in points),
        band_top=_y(high),
        band_height=_y(low) - _y(high),
        ticks=[{"value": v, "y": _y(v)} for v in (0, 2, 4, 6, 8, 10)],
        x_labels=labels,
        left=LEFT,
        right=WIDTH - RIGHT,
        plot_width=plot_width,
        tick_x=LEFT - 8,
        label_y=HEIGHT - BOTTOM + 22,
    )


# --- A case's ratings ---------------------------------------------------------------------------------------


@login_required
@once_per_submission
def case_ratings_page(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    posted = request.method == "POST"
    with transaction.atomic():
        ratings = case_ratings(user=request.user, case_id=case_id, require_edit=posted)
    case = ratings.case
    by_id = {i.pk: i for i in ratings.instruments}
    if posted:
        wanted = request.POST.get("instrument", "")
        chosen = by_id.get(int(wanted)) if wanted.isdecimal() else None
    else:
        key = request.GET.get("instrument", "")
        chosen = next((i for i in ratings.instruments if i.key == key), None)
        if chosen is None and ratings.instruments:
            chosen = ratings.instruments[0]
    form = (
        RatingForm(request.POST if posted else None, instrument=chosen, measures=ratings.measures)
        if ratings.access.can_edit
        else None
    )
    if posted and form is not None and form.is_valid() and chosen is not None:
        data = form.cleaned_data
        measure = next((m for m in ratings.measures if m.pk == data["measure"]), None)
        with service_errors(form) as outcome:
            instrument_services.record_rating(
                acting_user=request.user,
                case=case,
                instrument=chosen,
                measure=measure,
                respondent=data["respondent"],
                rated_on=data["rated_on"],
                scores=form.scores(),
            )
        if outcome.ok:
            messages.success(request, _("The rating was recorded."))
            url = reverse("ratings:case", args=[case.pk])
            return redirect(f"{url}?{urlencode({'instrument': chosen.key})}#series-{chosen.key}")
    histories = [{"series": s, "chart": chart(s), "answers": _answers(s)} for s in ratings.series]
    context = {
        "case": case,
        "access": ratings.access,
        "histories": histories,
        "instruments": ratings.instruments,
        "chosen": chosen,
        "form": form,
    }
    return render(request, "evaluation/ratings/case.html", context)


def _answers(series: ChangeSeries) -> list[tuple[Rating, list[tuple[str, int]]]]:
    """Each rating with its answers, item by item, in the order of its instrument version's items."""
    rows = []
    for point in series.points:
        rating = point.rating
        rows.append(
            (rating, [(item_label(item), rating.scores.get(item["key"])) for item in rating.instrument.items])
        )
    return rows


# --- A leader's instruments ---------------------------------------------------------------------------------


def _list_url(service_id: int) -> str:
    return f"{reverse('ratings:instruments')}?{urlencode({'tjeneste': service_id})}"


@login_required
def instruments(request: AuthenticatedHttpRequest) -> HttpResponse:
    service = leader_service(user=request.user, wanted=request.GET.get("tjeneste", ""))
    every = current_instruments(service_id=service.pk, include_retired=True)
    context = {
        "service": service,
        "services": led_services(user=request.user),
        "shipped": [i for i in every if i.service_id is None],
        "own": [i for i in every if i.service_id is not None],
    }
    return render(request, "evaluation/ratings/instruments.html", context)


@login_required
@once_per_submission
def instrument_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    service = leader_service(
        user=request.user, wanted=(request.POST if posted else request.GET).get("tjeneste", "")
    )
    source = _copy_source(request, service_id=service.pk)
    initial: dict[str, Any] = {"kind": "outcome"}
    if source is not None:
        initial = {
            "key": f"{source.key}-egen"[:60],
            "name": source.name,
            "kind": source.kind,
            "description": source.description,
            "items": items_text(source.items),
            "sd": source.sd,
            "reliability": source.reliability,
        }
    form = InstrumentForm(request.POST if posted else None, new=True, initial=initial)
    if posted and form.is_valid():
        data = form.cleaned_data
        with service_errors(form) as outcome:
            instrument_services.define_instrument(
                acting_user=request.user,
                service=service,
                key=data["key"],
                name=data["name"],
                kind=data["kind"],
                description=data["description"],
                items=parse_items(data["items"], previous=source.items if source else ()),
                sd=data["sd"],
                reliability=data["reliability"],
            )
        if outcome.ok:
            messages.success(request, _("The instrument was saved."))
            return redirect(_list_url(service.pk))
    context = {"service": service, "form": form, "source": source, "instrument": None}
    return render(request, "evaluation/ratings/instrument_form.html", context)


def _copy_source(request: AuthenticatedHttpRequest, *, service_id: int) -> Instrument | None:
    """The instrument a new one is copied from (`?fra=<id>`, kept in the form): a shipped one or the
    service's own; anything else is ignored."""
    wanted = (request.POST if request.method == "POST" else request.GET).get("fra", "")
    if not wanted.isdecimal():
        return None
    offered = current_instruments(service_id=service_id, include_retired=True)
    return next((i for i in offered if i.pk == int(wanted)), None)


@login_required
def instrument_edit(request: AuthenticatedHttpRequest, instrument_id: int) -> HttpResponse:
    instrument = instrument_for_leader(user=request.user, instrument_id=instrument_id)
    posted = request.method == "POST"
    form = InstrumentForm(
        request.POST if posted else None,
        new=False,
        initial={
            "name": instrument.name,
            "description": instrument.description,
            "items": items_text(instrument.items),
            "sd": instrument.sd,
            "reliability": instrument.reliability,
            "version": instrument.version,
        },
    )
    if posted and form.is_valid():
        data = form.cleaned_data
        with service_errors(
            form,
            conflict_message=_(
                "Someone else changed the instrument while you were editing it. Your text is still in the "
                "form: compare with the list and save again."
            ),
            current_version=lambda: (
                instrument_for_leader(user=request.user, instrument_id=instrument.pk).version
            ),
        ) as outcome:
            saved = instrument_services.revise_instrument(
                acting_user=request.user,
                instrument=instrument,
                expected_version=data["version"] or 0,
                name=data["name"],
                description=data["description"],
                items=parse_items(data["items"], previous=instrument.items),
                sd=data["sd"],
                reliability=data["reliability"],
            )
        if outcome.ok:
            if saved.pk == instrument.pk:
                messages.info(request, _("Nothing was changed."))
            else:
                messages.success(
                    request, _("The instrument was saved as version %(number)d.") % {"number": saved.version}
                )
            return redirect(_list_url(instrument.service_id or 0))
    context = {
        "service": instrument.service,
        "form": form,
        "instrument": instrument,
        "versions": list(instrument_versions(instrument)),
    }
    return render(request, "evaluation/ratings/instrument_form.html", context)


@login_required
@require_POST
def instrument_retire(request: AuthenticatedHttpRequest, instrument_id: int) -> HttpResponse:
    instrument = instrument_for_leader(user=request.user, instrument_id=instrument_id)
    with service_messages(request) as outcome:
        instrument_services.retire_instrument(acting_user=request.user, instrument=instrument)
    if outcome.ok:
        messages.success(request, _("The instrument was retired. Ratings made with it are kept."))
    return redirect(_list_url(instrument.service_id or 0))
