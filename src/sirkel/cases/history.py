"""The case page's history: decisions, measures starting and ending, and plan versions as one list by date,
with the next evaluation. A fixed number of queries whatever the number of decisions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sirkel.cases.models import Case, DecidedMeasure, Decision, Innsyn, Measure, PlanVersion


@dataclass(frozen=True)
class Entry:
    on: date
    kind: str  # "decision", "measure_started", "measure_ended", "plan"
    text: str
    url: str = ""
    details: list[str] = field(default_factory=list)
    order: int = 0


def _change_text(item: DecidedMeasure) -> str:
    label = item.measure.get_kind_display()
    if item.change == "start":
        return _("%(measure)s: new measure") % {"measure": label}
    if item.change == "extend":
        return _("%(measure)s: extended by %(months)s months") % {
            "measure": label,
            "months": item.expected_months,
        }
    return _("%(measure)s: ended %(date)s") % {
        "measure": label,
        "date": date_format(item.ends_on, "SHORT_DATE_FORMAT") if item.ends_on else "",
    }


def case_history(
    *,
    case: Case,
    measures: list[Measure],
    has_decisions: bool,
    has_plan: bool,
    has_handovers: bool = False,
    can_edit: bool = False,
) -> list[Entry]:
    """Newest first. `measures` are the case's measures already read for the page; the flags (from the
    case's own query) spare the queries a case without decisions, plan or handed-over copies would cost.
    A copy for right of access links to its page only for those who may edit the case (who made it)."""
    entries: list[Entry] = []
    if has_decisions:
        decisions = Decision.objects.filter(case=case).prefetch_related(
            Prefetch("items", queryset=DecidedMeasure.objects.select_related("measure"))
        )
        for d in decisions:
            entries.append(
                Entry(
                    on=d.decided_on,
                    kind="decision",
                    text=_("Decision: %(basis)s") % {"basis": d.get_legal_basis_display()},
                    url=reverse("cases:decision", args=[case.pk, d.pk]),
                    details=[_change_text(i) for i in d.items.all()],
                    order=3,
                )
            )
    for m in measures:
        if m.started_on:
            entries.append(
                Entry(
                    m.started_on,
                    "measure_started",
                    _("%(measure)s started") % {"measure": m.get_kind_display()},
                    order=2,
                )
            )
        if m.ended_on:
            entries.append(
                Entry(
                    m.ended_on,
                    "measure_ended",
                    _("%(measure)s ended") % {"measure": m.get_kind_display()},
                    order=1,
                )
            )
    if has_plan:
        for v in PlanVersion.objects.filter(plan__case=case).only(
            "number", "created_at", "change_note", "plan_id"
        ):
            entries.append(
                Entry(
                    v.created_at.date(),
                    "plan",
                    _("Measure plan, version %(number)d") % {"number": v.number},
                    url=reverse("cases:plan_version", args=[case.pk, v.number]),
                    details=[v.change_note] if v.change_note else [],
                    order=0,
                )
            )
    if has_handovers:
        for copy in Innsyn.objects.filter(case=case, handed_over_on__isnull=False):
            if copy.handed_over_on is None:  # not so by the filter; the type does not know that
                continue
            entries.append(
                Entry(
                    copy.handed_over_on,
                    "innsyn",
                    _("Copy for right of access handed over (%(role)s), %(how)s")
                    % {
                        "role": copy.get_recipient_role_display().lower(),
                        "how": copy.get_handed_over_how_display().lower(),
                    },
                    url=reverse("cases:innsyn_detail", args=[case.pk, copy.pk]) if can_edit else "",
                    order=0,
                )
            )
    entries.sort(key=lambda e: (e.on, e.order), reverse=True)
    return entries


def plan_summary(case: Any) -> dict[str, Any] | None:
    """From the case's annotations (`plan_version`, `plan_next`): the plan's version and next evaluation."""
    version = getattr(case, "plan_version", None)
    if not version:
        return None
    return {"version": version, "next_evaluation_on": getattr(case, "plan_next", None)}
