"""`{% plan_evaluations case access plan %}`: on the measure plan page, per measure its goals' scales,
its open evaluation and the way to scale goals and schedule an evaluation. The plan page has read the case
through `cases.selectors.get_case_for_user` (policy asked, read audited); this reads what hangs on it."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from sirkel.cases.access import CaseAccess
from sirkel.cases.models import Case, MeasurePlan, Phase
from sirkel.evaluation.selectors import plan_overview

register = template.Library()


@register.inclusion_tag("evaluation/partials/plan_evaluations.html")
def plan_evaluations(case: Case, access: CaseAccess, plan: MeasurePlan | None) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "case": case,
        "can_edit": access.can_edit and case.phase != Phase.CLOSED,
        "measures": plan_overview(case=case),
        "default_due": (plan.next_evaluation_on if plan else None) or today,
        "today": today,
    }
