"""The series of a measure: a case's measures, starting one, its overview page, its leader and ending it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from sirkel.cases.access import CaseAccess, Part
from sirkel.cases.models import Case
from sirkel.cases.selectors import get_case_for_user
from sirkel.core.forms import service_errors
from sirkel.core.submissions import once_per_submission
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.meetings import panels, selectors
from sirkel.meetings.forms_series import EndSeriesForm, LeaderForm, StartSeriesForm
from sirkel.meetings.kinds import Flow, LeaderPool, kind_config
from sirkel.meetings.services import consent as consent_services
from sirkel.meetings.services import engagement as engagement_services
from sirkel.meetings.services import leaders as leaders_services
from sirkel.meetings.services import mentor as mentor_services
from sirkel.meetings.services import screening as screening_services
from sirkel.meetings.services import series as series_services
from sirkel.meetings.views import contacts as contact_views
from sirkel.meetings.views.common import MEASURE_PATH, READ_METHODS, open_series
from sirkel.meetings.views.screening import screening_of


def _open_case(
    request: AuthenticatedHttpRequest, case_id: int, *, edit: bool = False
) -> tuple[Case, CaseAccess]:
    with transaction.atomic():
        return get_case_for_user(user=request.user, case_id=case_id, require_edit=edit, part="measures")


# --- A case's measures and starting one ----------------------------------------------------------------


@login_required
def case_measures(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case, access = _open_case(request, case_id)  # who may not see it gets 404 whatever the method
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(READ_METHODS)
    series_list = list(selectors.series_for_case(case=case))
    return render(
        request,
        "meetings/case_measures.html",
        {"case": case, "access": access, "series_list": series_list},
    )


@login_required
@once_per_submission
def start(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case, _access = _open_case(request, case_id, edit=True)
    form = StartSeriesForm(
        request.POST if request.method == "POST" else None,
        case=case,
        initial={"caseworker": case.caseworker_id, "measure": request.GET.get("measure", "")},
    )
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as outcome:
            series = series_services.start_series(
                acting_user=request.user,
                case=case,
                kind=form.cleaned_data["kind"],
                measure=form.cleaned_data["decided_measure"],
                caseworker=form.cleaned_data["caseworker"],
                leader=form.cleaned_data["leader"],
                purpose=form.cleaned_data["purpose"],
            )
        if outcome.ok:
            if kind_config(series.kind).screening:
                messages.success(request, _("The measure was started. Begin with the screening."))
                return redirect("meetings:screening", case_id=series.case_id, measure_id=series.measure_id)
            messages.success(request, _("The measure was started."))
            return redirect("meetings:detail", case_id=series.case_id, measure_id=series.measure_id)
    return render(
        request,
        "meetings/start.html",
        {
            "case": case,
            "form": form,
            "config": kind_config(form.kind),
            "pool": LeaderPool,
            "choices": form.measure_links(),
        },
    )


# --- The overview page ----------------------------------------------------------------------------------


@login_required
def detail(request: AuthenticatedHttpRequest, case_id: int, measure_id: int) -> HttpResponse:
    series, access = open_series(request, case_id, measure_id, "view", part=Part.CONFERENCE)
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(READ_METHODS)
    if access.narrow:  # an outside coordinator: the conference's own page is all of the measure they see
        return redirect("meetings:conference", case_id=series.case_id, measure_id=series.measure_id)
    screening = screening_of(series)
    config = kind_config(series.kind)
    context: dict[str, Any] = {
        "series": series,
        "case": series.case,
        "access": access,
        "config": config,
        "screening": screening,
        "guidance": screening_services.screening_guidance(screening, kind=series.kind)
        if config.screening
        else [],
        "consent": consent_services.consent_status(series),
        "meetings": selectors.meetings_for_series(series=series),
        **panels.series_context(series=series),  # the plan summary and participation, from `actions`
        "leader_hint": leaders_services.LEADER_POOL_HINTS[config.leader_pool],
        "leader_form": LeaderForm(series=series, initial={"leader": series.leader_id})
        if access.can_edit and series.is_open
        else None,
    }
    # A fixed series' next meeting, the plan's goals, NTT's contacts: as the kind's KindConfig says.
    context.update(contact_views.series_page_context(series, access, context["meetings"]))
    # The kinds that do not run as meetings show where they stand instead (mentor_panel, engagement_panel).
    if config.flow == Flow.PHASES:
        context["mentor_steps"] = mentor_services.phase_steps(series)
    elif config.flow == Flow.ENGAGEMENT:
        context["engagement"] = engagement_services.engagement_of(series)
    return render(request, "meetings/detail.html", context)


@login_required
def set_leader(request: AuthenticatedHttpRequest, case_id: int, measure_id: int) -> HttpResponse:
    series, _access = open_series(request, case_id, measure_id, "edit")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = LeaderForm(request.POST, series=series)
    if form.is_valid():
        with service_errors(form) as outcome:
            leaders_services.set_leader(
                acting_user=request.user, series=series, leader=form.cleaned_data["leader"]
            )
        if outcome.ok:
            messages.success(
                request, _("%(role)s was saved.") % {"role": kind_config(series.kind).leader_label}
            )
            return redirect("meetings:detail", case_id=series.case_id, measure_id=series.measure_id)
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("meetings:detail", case_id=series.case_id, measure_id=series.measure_id)


@login_required
def end(request: AuthenticatedHttpRequest, case_id: int, measure_id: int) -> HttpResponse:
    """End a measure that has run its course, with the reason and what happens next."""
    series, _access = open_series(request, case_id, measure_id, "edit")
    form = EndSeriesForm(
        request.POST if request.method == "POST" else None, initial={"ended_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as outcome:
            series_services.end_series(
                acting_user=request.user,
                series=series,
                reason=form.cleaned_data["reason"],
                ended_on=form.cleaned_data["ended_on"],
            )
        if outcome.ok:
            messages.success(request, _("The measure is ended."))
            return redirect("meetings:detail", case_id=series.case_id, measure_id=series.measure_id)
    return render(
        request,
        "meetings/end.html",
        {
            "series": series,
            "case": series.case,
            "form": form,
            "end_needs": engagement_services.missing_before_end(series=series),  # kinds.py `ends_needs`
        },
    )


urlpatterns = [
    path("saker/<id:case_id>/tiltak/", case_measures, name="case_measures"),
    path("saker/<id:case_id>/tiltak/nettverk/ny/", start, name="start"),
    path(MEASURE_PATH, detail, name="detail"),
    path(MEASURE_PATH + "moteleder/", set_leader, name="set_leader"),
    path(MEASURE_PATH + "avslutt/", end, name="end"),
]
