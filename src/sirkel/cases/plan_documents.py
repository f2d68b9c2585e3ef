"""The measure plan for the family: a printable page and a PDF, in plain Bokmål.

What the family reads: the child's first name, each measure with its goals, content, who does what and
how long it is expected to last, when the plan is next evaluated and whom to contact. Never the internal
notes (the plan's or a measure's), the reasons, the case number or anything of another case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation

from sirkel.audit.models import AuditAction
from sirkel.cases.models import Case, LegalBasis, Measure
from sirkel.cases.plans import plan_measures, plan_of
from sirkel.cases.selectors import get_case_for_user
from sirkel.core.pdf import pdf_response
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.taxonomy import measures as measure_taxonomy

TEMPLATE = "cases/plan_document.html"


@dataclass(frozen=True)
class FamilyGoal:
    text: str
    sub_goals: list[str]


@dataclass(frozen=True)
class FamilyMeasure:
    label: str
    imposed: bool
    planned_start: date | None
    expected_end: date | None
    goals: list[FamilyGoal]
    content: str
    responsibilities: str
    expected_duration: str


def _family_measure(measure: Measure) -> FamilyMeasure:
    # Only the fields meant for the family are copied: the entry's internal note stays behind.
    entry = getattr(measure, "plan_entry", None)
    return FamilyMeasure(
        label=str(measure_taxonomy.kind_label(measure.kind)),
        imposed=measure.legal_basis == LegalBasis.IMPOSED,
        planned_start=measure.started_on or measure.planned_start,
        expected_end=measure.expected_end,
        goals=[
            FamilyGoal(text=g.text, sub_goals=[s.text for s in getattr(g, "active_sub_goals", [])])
            for g in measure.goals.all()
        ],
        content=entry.content if entry else "",
        responsibilities=entry.responsibilities if entry else "",
        expected_duration=entry.expected_duration if entry else "",
    )


def plan_document_context(case: Case) -> dict[str, Any]:
    """Context for cases/plan_document.html (the printable page and the PDF)."""
    plan = plan_of(case)
    measures = [_family_measure(m) for m in plan_measures(case)] if plan else []
    return {
        "child_given_name": case.child_given_name,
        "service_name": case.service.name,
        "caseworker_name": case.caseworker.display_name() if case.caseworker_id else "",
        "plan": plan,
        "measures": measures,
        "next_evaluation_on": plan.next_evaluation_on if plan else None,
        "evaluation_months": plan.evaluation_months if plan else None,
        "printed_on": timezone.localdate(),
    }


READ_METHODS = ["GET", "HEAD"]


def _open(request: AuthenticatedHttpRequest, case_id: int) -> Case:
    """The case, or 404 for whoever may not see it, whatever the method (so a POST tells nothing more)."""
    with transaction.atomic():
        case, _access = get_case_for_user(
            user=request.user, case_id=case_id, audit_action=AuditAction.EXPORT, part="plan"
        )
    return case


@login_required
def plan_pdf(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """The measure plan as a PDF for the family."""
    case = _open(request, case_id)
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(READ_METHODS)
    # The family's copy is in Bokmål, whatever language the caseworker reads Sirkel in.
    with translation.override(settings.LANGUAGE_CODE):
        # No names in the file name: it ends up in download folders and mail clients.
        return pdf_response(
            TEMPLATE, plan_document_context(case), filename=f"tiltaksplan-{case.pk}", request=request
        )


@login_required
def plan_print(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """The measure plan as a printable page, the same document as the PDF."""
    case = _open(request, case_id)
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(READ_METHODS)
    context = {**plan_document_context(case), "back_url": reverse("cases:plan", args=[case.pk])}
    with translation.override(settings.LANGUAGE_CODE):
        response = render(request, TEMPLATE, context)
    response["Cache-Control"] = "no-store"
    return response
