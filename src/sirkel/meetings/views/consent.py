"""Recording and withdrawing consent to a measure."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from sirkel.core.forms import service_errors
from sirkel.core.submissions import once_per_submission
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.meetings import selectors
from sirkel.meetings.forms_series import ConsentForm, WithdrawForm
from sirkel.meetings.services import consent as consent_services
from sirkel.meetings.views.common import MEASURE_PATH, open_series


@login_required
@once_per_submission
def consent_add(request: AuthenticatedHttpRequest, case_id: int, measure_id: int) -> HttpResponse:
    series, _access = open_series(request, case_id, measure_id, "edit")
    status = consent_services.consent_status(series)
    form = ConsentForm(
        request.POST if request.method == "POST" else None,
        series=series,
        parents=selectors.known_parents(case=series.case),
        initial={"informed_by": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors(form) as outcome:
            consent_services.add_consent(
                acting_user=request.user,
                series=series,
                party=data["party"],
                party_name=data["party_name"],
                informed_about=list(data["informed_about"]),
                information_note=data["information_note"],
                informed_on=data["informed_on"],
                informed_by=data["informed_by"],
                given_as=data["given_as"],
            )
        if outcome.ok:
            messages.success(request, _("The consent was recorded."))
            return redirect("meetings:detail", case_id=series.case_id, measure_id=series.measure_id)
    return render(
        request,
        "meetings/consent_form.html",
        {"series": series, "case": series.case, "form": form, "consent": status},
    )


@login_required
def consent_withdraw(
    request: AuthenticatedHttpRequest, case_id: int, measure_id: int, consent_id: int
) -> HttpResponse:
    series, _access = open_series(request, case_id, measure_id, "run")
    consent = selectors.get_consent(series=series, consent_id=consent_id)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as outcome:
            consent_services.withdraw_consent(
                acting_user=request.user, series=series, consent=consent, reason=form.cleaned_data["reason"]
            )
        if outcome.ok:
            messages.warning(request, _("Consent was withdrawn. The measure is stopped."))
            return redirect("meetings:detail", case_id=series.case_id, measure_id=series.measure_id)
    return render(
        request,
        "meetings/consent_withdraw.html",
        {"series": series, "case": series.case, "consent_item": consent, "form": form},
    )


urlpatterns = [
    path(MEASURE_PATH + "samtykke/ny/", consent_add, name="consent_add"),
    path(MEASURE_PATH + "samtykke/<id:consent_id>/trekk/", consent_withdraw, name="consent_withdraw"),
]
