"""A case's measure of any kind: change its legal basis, its actual period and note. (Measures are
added by decisions: see `decision_views`.)"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sirkel.cases import composition, selectors
from sirkel.cases.measure_forms import MeasureEditForm
from sirkel.cases.measures import update_measure
from sirkel.cases.models import Measure
from sirkel.core.forms import service_errors
from sirkel.core.types import AuthenticatedHttpRequest


@login_required
def measure_edit(request: AuthenticatedHttpRequest, case_id: int, measure_id: int) -> HttpResponse:
    with transaction.atomic():
        case, _access = selectors.get_case_for_user(
            user=request.user, case_id=case_id, require_edit=True, part="measures"
        )
    measure = Measure.objects.filter(case=case, pk=measure_id).first()
    if measure is None:
        raise Http404
    process = composition.process_of(user=request.user, case=case, measure=measure)
    initial = {
        "version": measure.version,
        "legal_basis": measure.legal_basis,
        "started_on": measure.started_on,
        "ended_on": measure.ended_on,
        "end_reason": measure.end_reason,
        "note": measure.note,
    }
    form = MeasureEditForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        period_from_process=process is not None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors(
            form,
            conflict_message=_(
                "Someone else saved this measure while you were editing it. Your changes are still in "
                "the form: check the case page in a new tab, then save again."
            ),
            current_version=lambda: Measure.objects.values_list("version", flat=True).get(pk=measure.pk),
        ) as outcome:
            update_measure(
                acting_user=request.user,
                measure=measure,
                expected_version=data["version"],
                legal_basis=data["legal_basis"],
                note=data["note"],
                started_on=data.get("started_on"),
                ended_on=data.get("ended_on"),
                end_reason=data.get("end_reason", ""),
                period_from_process=process is not None,
            )
        if outcome.ok:
            messages.success(request, _("The changes were saved."))
            return redirect("cases:detail", case_id=case.pk)
    context = {"case": case, "measure": measure, "form": form, "process": process}
    return render(request, "cases/measure_edit.html", context)
