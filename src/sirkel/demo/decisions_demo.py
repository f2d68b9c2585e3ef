"""The demo's decisions and measure plans, written through `cases.decisions` and `cases.plans` (so audited).

Each family's decision carries its own reasons, justification and the child's participation (a
`DecisionStory`); its measure plan has goals written as outcomes, sub-goals, content, who does what, the
expected duration and an internal note (a `PlanPart` per measure). The services stamp plan versions with
the time of the load; each is set back afterwards to the day it stands for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from sirkel.accounts.models import User
from sirkel.cases.decisions import YOUTH_PARTY_AGE, MeasureChange, ReasonInput, record_decision
from sirkel.cases.models import (
    Case,
    ChildAgreement,
    Decision,
    DecisionChange,
    Goal,
    LegalBasis,
    Measure,
    MeasurePlan,
    MeasureStatus,
    PlanVersion,
    YouthConsent,
)
from sirkel.cases.plans import EntryInput, GoalInput, plan_of, save_plan

# A goal and its sub-goals, as text.
GoalText = tuple[str, Sequence[str]]


@dataclass(frozen=True)
class DecisionStory:
    """What a family's decision says: why, on what basis, and what the child was told and said."""

    reasons: Sequence[tuple[str, str]]
    justification: str
    child_told: str
    child_said: str
    child_weight: str
    child_agreed: str = ChildAgreement.YES
    legal_basis: str = LegalBasis.VOLUNTARY
    youth_consent: str = ""  # blank: oral from 15, otherwise not applicable
    expected_months: int = 6
    # Other measures the same decision starts: (kind, expected months).
    also: Sequence[tuple[str, int]] = ()


@dataclass(frozen=True)
class PlanPart:
    """The plan's part for one measure."""

    goals: Sequence[GoalText]
    content: str
    responsibilities: str
    expected_duration: str
    internal_note: str = ""


def _stamp(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def decide(
    *,
    case: Case,
    decided_on: date,
    story: DecisionStory,
    changes: Sequence[MeasureChange] = (),
    starts: Sequence[tuple[str, int]] = (),
    user: User | None = None,
) -> Decision:
    """Record the decision `story` tells: it starts `starts` (kind, months) and `story.also`, and makes
    `changes` (extend, end)."""
    decided_on = min(decided_on, timezone.localdate())
    consent = story.youth_consent or (
        YouthConsent.ORAL if case.age_on(decided_on) >= YOUTH_PARTY_AGE else YouthConsent.NOT_APPLICABLE
    )
    started = [
        MeasureChange(change=DecisionChange.START, kind=kind, expected_months=months)
        for kind, months in [*starts, *story.also]
    ]
    return record_decision(
        acting_user=user or case.caseworker,
        case=case,
        decided_on=decided_on,
        legal_basis=story.legal_basis,
        justification=story.justification,
        reasons=[ReasonInput(group=group, key=key) for group, key in story.reasons],
        changes=[*started, *changes],
        child_told=story.child_told,
        child_said=story.child_said,
        child_agreed=story.child_agreed,
        child_weight=story.child_weight,
        youth_consent=consent,
    )


def measure_of(case: Case, kind: str) -> Measure:
    """The case's measure of `kind` that has not ended (the demo gives a case one of each)."""
    return Measure.objects.exclude(status=MeasureStatus.ENDED).get(case=case, kind=kind)


def _goal_inputs(measure: Measure, goals: Sequence[GoalText]) -> list[GoalInput]:
    """Goals as inputs, keeping the id of a goal (and sub-goal) whose text is unchanged."""
    active = {
        g.text: g for g in Goal.objects.filter(measure=measure, retired_at__isnull=True, parent__isnull=True)
    }
    inputs = []
    for text, subs in goals:
        found = active.get(text)
        old_subs = (
            {s.text: s.pk for s in Goal.objects.filter(parent=found, retired_at__isnull=True)}
            if found
            else {}
        )
        inputs.append(
            GoalInput(
                text=text,
                id=found.pk if found else None,
                sub_goals=[GoalInput(text=s, id=old_subs.get(s)) for s in subs],
            )
        )
    return inputs


def write_plan(
    *,
    case: Case,
    on: date,
    parts: Mapping[str, PlanPart],
    note: str = "",
    evaluated: bool = False,
    internal_note: str | None = None,
    evaluation_months: int | None = None,
    user: User | None = None,
) -> MeasurePlan:
    """Save the plan's parts for the measures of these kinds as a new version dated `on` (and, with
    `evaluated`, record that the plan was evaluated that day)."""
    plan = plan_of(case)
    if plan is not None:
        # A version the process pages saved at the time of the load, before this one, stood before it.
        PlanVersion.objects.filter(plan=plan, created_at__gt=_stamp(on)).update(
            created_at=_stamp(on) - timedelta(hours=2)
        )
    entries = []
    for kind, part in parts.items():
        measure = measure_of(case, kind)
        entries.append(
            EntryInput(
                measure_id=measure.pk,
                goals=_goal_inputs(measure, part.goals),
                content=part.content,
                responsibilities=part.responsibilities,
                expected_duration=part.expected_duration,
                internal_note=part.internal_note,
            )
        )
    plan = save_plan(
        acting_user=user or case.caseworker,
        case=case,
        expected_version=plan.version if plan else 0,
        entries=entries,
        evaluation_months=evaluation_months,
        last_evaluated_on=on if evaluated else None,
        internal_note=internal_note,
        change_note=note,
    )
    PlanVersion.objects.filter(plan=plan, number=plan.version).update(created_at=_stamp(on))
    if plan.version == 1:
        MeasurePlan.objects.filter(pk=plan.pk).update(created_at=_stamp(on))
    return plan
