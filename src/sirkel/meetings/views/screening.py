"""The screening page: what the study advises for this family, and the decision to go ahead."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from sirkel.core.forms import service_errors
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.meetings import selectors
from sirkel.meetings.forms_series import ScreeningForm
from sirkel.meetings.kinds import in_sentence, kind_config
from sirkel.meetings.models import Screening, Series
from sirkel.meetings.services import screening as screening_services
from sirkel.meetings.views.common import MEASURE_PATH, READ_METHODS, open_series


def screening_of(series: Series) -> Screening:
    try:
        return series.screening
    except Screening.DoesNotExist:
        # Measures made before screening rows existed: show an empty screening.
        return Screening(series=series)


@login_required
def screening(request: AuthenticatedHttpRequest, case_id: int, measure_id: int) -> HttpResponse:
    series, access = open_series(
        request, case_id, measure_id, "view" if request.method in READ_METHODS else "edit"
    )
    config = kind_config(series.kind)
    if not config.screening:  # kinds.py: this kind is not screened before it starts
        raise Http404
    current = screening_of(series)
    can_edit = access.can_edit and not series.is_stopped
    form = ScreeningForm(
        request.POST if request.method == "POST" else None, instance=current, kind=series.kind
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors(form, current_version=lambda: screening_of(series).version) as outcome:
            screening_services.save_screening(
                acting_user=request.user,
                series=series,
                violence_unacknowledged=data["violence_unacknowledged"],
                severe_conflict=data["severe_conflict"],
                parent_cognitive_difficulties=data["parent_cognitive_difficulties"],
                minority_background=data["minority_background"],
                small_network=data["small_network"],
                cautions=[f for f in config.screening_cautions if data.get(f)],
                other_concerns=data["other_concerns"],
                decision=data["decision"],
                reasoning=data["reasoning"],
                adaptations=data["adaptations"],
                expected_version=data.get("version") or current.version,
            )
        if outcome.ok:
            messages.success(request, _("The screening was saved."))
            return redirect("meetings:detail", case_id=series.case_id, measure_id=series.measure_id)
    # Guidance follows what is ticked in the form, so a rejected form still shows the advice it triggers.
    shown = current
    if form.is_bound:
        shown = Screening(
            series=series,
            **{
                f: bool(form.data.get(f))
                for f in (*screening_services.SCREENING_FLAGS, *config.screening_cautions)
            },
        )
    return render(
        request,
        "meetings/screening.html",
        {
            "series": series,
            "case": series.case,
            "access": access,
            "screening": current,
            "config": config,
            "meeting_name": in_sentence(config.meeting_label),
            "guidance": screening_services.screening_guidance(shown, kind=series.kind),
            "facts": selectors.screening_facts(case=series.case),
            "form": form if can_edit or form.errors else None,
            "threshold": screening_services.SMALL_NETWORK_THRESHOLD,
        },
    )


urlpatterns = [
    path(MEASURE_PATH + "egnethet/", screening, name="screening"),
]
