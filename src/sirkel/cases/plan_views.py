"""The measure plan: as it stands, changing it (a new version), and reading an earlier version."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sirkel.cases import selectors
from sirkel.cases.models import MeasurePlan, PlanVersion
from sirkel.cases.plan_forms import PlanForm
from sirkel.cases.plans import is_overdue, plan_measures, plan_of, save_plan, snapshot
from sirkel.core.forms import service_errors
from sirkel.core.submissions import once_per_submission
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.taxonomy import measures as measure_taxonomy


@login_required
def plan(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    with transaction.atomic():
        case, access = selectors.get_case_for_user(user=request.user, case_id=case_id, part="plan")
    current = plan_of(case)
    context: dict[str, Any] = {
        "case": case,
        "access": access,
        "plan": current,
        "content": _readable(snapshot(current or MeasurePlan(case=case), plan_measures(case))),
        "overdue": is_overdue(current),
        "versions": list(current.versions.select_related("created_by")) if current else [],
    }
    return render(request, "cases/plan.html", context)


@login_required
@once_per_submission
def plan_edit(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    with transaction.atomic():
        case, _access = selectors.get_case_for_user(
            user=request.user, case_id=case_id, require_edit=True, part="plan"
        )
    current = plan_of(case)
    measures = plan_measures(case)
    form = PlanForm(request.POST if request.method == "POST" else None, plan=current, measures=measures)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors(
            form,
            conflict_message=_(
                "Someone else saved the plan while you were editing it. Your text is still in the form: "
                "open the plan in a new tab, compare, and save again."
            ),
            current_version=lambda: (
                MeasurePlan.objects.filter(case=case).values_list("version", flat=True).first() or 0
            ),
        ) as outcome:
            saved = save_plan(
                acting_user=request.user,
                case=case,
                expected_version=data["version"],
                entries=form.entries(),
                evaluation_months=data["evaluation_months"],
                last_evaluated_on=data["last_evaluated_on"],
                internal_note=data["internal_note"],
                change_note=data["change_note"],
            )
        if outcome.ok:
            messages.success(
                request, _("The plan was saved as version %(number)d.") % {"number": saved.version}
            )
            return redirect("cases:plan", case_id=case.pk)
    return render(request, "cases/plan_form.html", {"case": case, "plan": current, "form": form})


def _day(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _readable(content: dict[str, Any]) -> dict[str, Any]:
    """A plan's content (a stored version, or the plan now) as the page shows it: labels in the active
    language where the kind is known, dates as dates."""
    measures = []
    for row in content.get("measures", []):
        kind = str(row.get("kind", ""))
        measures.append(
            {
                **row,
                "label": measure_taxonomy.kind_label(kind) if kind else row.get("label", ""),
                "planned_start": _day(row.get("planned_start")),
                "expected_end": _day(row.get("expected_end")),
            }
        )
    return {
        **content,
        "measures": measures,
        "last_evaluated_on": _day(content.get("last_evaluated_on")),
        "next_evaluation_on": _day(content.get("next_evaluation_on")),
    }


@login_required
def plan_version(request: AuthenticatedHttpRequest, case_id: int, number: int) -> HttpResponse:
    with transaction.atomic():
        case, access = selectors.get_case_for_user(user=request.user, case_id=case_id, part="plan")
    version = (
        PlanVersion.objects.filter(plan__case=case, number=number)
        .select_related("created_by", "plan")
        .first()
    )
    if version is None:
        raise Http404
    context = {
        "case": case,
        "access": access,
        "version": version,
        "content": _readable(version.content),
        "latest": version.plan.version,
    }
    return render(request, "cases/plan_version.html", context)
