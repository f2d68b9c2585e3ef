"""Decisions: recording one, and reading one as it was made."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from sirkel.cases import selectors
from sirkel.cases.decision_forms import DecisionForm
from sirkel.cases.decisions import record_decision
from sirkel.core.forms import service_errors
from sirkel.core.submissions import once_per_submission
from sirkel.core.types import AuthenticatedHttpRequest


@login_required
@once_per_submission
def decision_new(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    with transaction.atomic():
        case, _access = selectors.get_case_for_user(
            user=request.user, case_id=case_id, require_edit=True, part="decisions"
        )
    open_measures = selectors.open_measures_of(case=case)
    form = DecisionForm(
        request.POST if request.method == "POST" else None,
        case=case,
        open_measures=open_measures,
        initial={"decided_on": timezone.localdate(), "decided_by": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors(form) as outcome:
            decision = record_decision(
                acting_user=request.user,
                case=case,
                decided_on=data["decided_on"],
                decided_by=data["decided_by"],
                legal_basis=data["legal_basis"],
                justification=data["justification"],
                reasons=form.reasons(),
                changes=form.changes(),
                child_told=data["child_told"],
                child_said=data["child_said"],
                child_agreed=data["child_agreed"],
                child_weight=data["child_weight"],
                youth_consent=data["youth_consent"],
            )
        if outcome.ok:
            messages.success(request, _("The decision was recorded."))
            return redirect("cases:decision", case_id=case.pk, decision_id=decision.pk)
    return render(request, "cases/decision_form.html", {"case": case, "form": form})


@login_required
def decision_detail(request: AuthenticatedHttpRequest, case_id: int, decision_id: int) -> HttpResponse:
    with transaction.atomic():
        case, access = selectors.get_case_for_user(user=request.user, case_id=case_id, part="decisions")
    decision = selectors.decisions_of(case=case).filter(pk=decision_id).first()
    if decision is None:
        raise Http404
    return render(
        request, "cases/decision_detail.html", {"case": case, "access": access, "decision": decision}
    )
