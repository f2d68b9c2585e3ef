"""Goal scales, scheduling an evaluation and the T-score recorded from the goals' levels."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sirkel.accounts.models import User
from sirkel.audit.models import AuditEvent
from sirkel.cases.models import Case, Goal
from sirkel.cases.plans import set_goals
from sirkel.evaluation.models import GoalLevel
from sirkel.evaluation.services import record_levels, save_scale, schedule_evaluation
from sirkel.testing.factories import decide

LEVELS = (-2, 0, -1, 2, 0, 1)
WEIGHTS = (3, 5, 1, 4, 2, 6)


@pytest.fixture
def goals(case: Case) -> list[Goal]:
    measure = decide(case=case, kind="network_meeting")
    set_goals(acting_user=case.caseworker, measure=measure, texts=[f"Mål {n}" for n in range(1, 7)])
    return list(Goal.objects.filter(measure=measure).order_by("position", "id"))


def test_the_issue_example_gives_fifty_five(case: Case, goals: list[Goal]) -> None:
    user = case.caseworker
    for goal, weight in zip(goals, WEIGHTS, strict=True):
        save_scale(
            acting_user=user, goal=goal, texts={"expected": "Går på skolen 4 av 5 dager"}, weight=weight
        )
    evaluation = schedule_evaluation(acting_user=user, measure=goals[0].measure, due_on=timezone.localdate())
    evaluation = record_levels(
        acting_user=user,
        evaluation=evaluation,
        levels={g.pk: x for g, x in zip(goals, LEVELS, strict=True)},
    )
    assert evaluation.t_score == 55.0
    assert GoalLevel.objects.filter(evaluation=evaluation).count() == 6
    assert AuditEvent.objects.filter(object_type="evaluation", object_id=str(evaluation.pk)).count() == 2


def test_a_weight_change_later_does_not_change_a_recorded_level(case: Case, goals: list[Goal]) -> None:
    user = case.caseworker
    save_scale(acting_user=user, goal=goals[0], texts={"expected": "Forventet"}, weight=2)
    evaluation = schedule_evaluation(acting_user=user, measure=goals[0].measure, due_on=timezone.localdate())
    record_levels(acting_user=user, evaluation=evaluation, levels={goals[0].pk: 1})
    scale = save_scale(
        acting_user=user, goal=goals[0], texts={"expected": "Forventet"}, weight=9, expected_version=1
    )
    assert scale.version == 2
    assert GoalLevel.objects.get(evaluation=evaluation).weight == 2


def test_a_scale_needs_its_expected_outcome_and_a_weight_in_range(case: Case, goals: list[Goal]) -> None:
    with pytest.raises(ValidationError):
        save_scale(acting_user=case.caseworker, goal=goals[0], texts={"expected": "  "}, weight=1)
    with pytest.raises(ValidationError):
        save_scale(acting_user=case.caseworker, goal=goals[0], texts={"expected": "Ok"}, weight=11)


def test_only_scaled_goals_get_levels_and_levels_are_in_range(case: Case, goals: list[Goal]) -> None:
    user = case.caseworker
    save_scale(acting_user=user, goal=goals[0], texts={"expected": "Ok"}, weight=1)
    evaluation = schedule_evaluation(acting_user=user, measure=goals[0].measure, due_on=timezone.localdate())
    with pytest.raises(ValidationError):
        record_levels(acting_user=user, evaluation=evaluation, levels={goals[1].pk: 0})
    with pytest.raises(ValidationError):
        record_levels(acting_user=user, evaluation=evaluation, levels={goals[0].pk: 3})


def test_one_open_evaluation_per_measure(case: Case, goals: list[Goal]) -> None:
    measure = goals[0].measure
    schedule_evaluation(acting_user=case.caseworker, measure=measure, due_on=timezone.localdate())
    with pytest.raises(ValidationError):
        schedule_evaluation(
            acting_user=case.caseworker, measure=measure, due_on=timezone.localdate() + timedelta(days=90)
        )


def test_someone_without_edit_rights_cannot_scale(case: Case, goals: list[Goal], outsider: User) -> None:
    with pytest.raises(PermissionDenied):
        save_scale(acting_user=outsider, goal=goals[0], texts={"expected": "Ok"}, weight=1)


def test_closing_updates_the_plan_and_schedules_the_next_evaluation(case: Case, goals: list[Goal]) -> None:
    from sirkel.cases.decisions import add_months
    from sirkel.cases.plans import plan_of
    from sirkel.evaluation.models import EvaluationStatus, NextStep, RequestedBy
    from sirkel.evaluation.services import close_evaluation

    user = case.caseworker
    today = timezone.localdate()
    evaluation = schedule_evaluation(acting_user=user, measure=goals[0].measure, due_on=today)
    before = plan_of(case)
    assert before is not None
    closed = close_evaluation(
        acting_user=user,
        evaluation=evaluation,
        held_on=today,
        next_step=NextStep.CONTINUE,
        requested_by=RequestedBy.PARENTS,
        reason="Foreldrene vil fortsette; skolen ser bedring.",
        expected_version=evaluation.version,
    )
    plan = plan_of(case)
    assert plan is not None and plan.version == before.version + 1
    assert plan.last_evaluated_on == today
    assert plan.next_evaluation_on == add_months(today, plan.evaluation_months)
    assert "Foreldrene vil fortsette" in plan.versions.first().change_note  # type: ignore[union-attr]
    assert closed.status == EvaluationStatus.CLOSED and closed.next_step_requested_by == "parents"
    with pytest.raises(ValidationError):
        close_evaluation(
            acting_user=user,
            evaluation=closed,
            held_on=today,
            next_step="end",
            requested_by="service",
            reason="x",
            expected_version=closed.version,
        )


def test_only_the_chosen_reviewer_records_the_reviewers_judgement(
    case: Case, goals: list[Goal], teammate: User
) -> None:
    from sirkel.evaluation.models import Perspective
    from sirkel.evaluation.services import record_judgement

    evaluation = schedule_evaluation(
        acting_user=case.caseworker, measure=goals[0].measure, due_on=timezone.localdate()
    )
    with pytest.raises(PermissionDenied):
        record_judgement(
            acting_user=teammate, evaluation=evaluation, perspective=Perspective.REVIEWER, effect="yes"
        )
    evaluation.reviewer = teammate
    evaluation.save()
    judgement = record_judgement(
        acting_user=teammate,
        evaluation=evaluation,
        perspective=Perspective.REVIEWER,
        effect="partly",
        text="Målene er delvis nådd.",
    )
    assert judgement.recorded_by == teammate and judgement.effect == "partly"
    with pytest.raises(ValidationError):
        record_judgement(
            acting_user=case.caseworker, evaluation=evaluation, perspective="parent", effect="yes"
        )


def test_a_stale_form_is_a_conflict_and_writes_nothing(case: Case, goals: list[Goal]) -> None:
    from sirkel.core.versioning import ConflictError
    from sirkel.evaluation.models import EvaluationStatus
    from sirkel.evaluation.services import close_evaluation

    user = case.caseworker
    save_scale(acting_user=user, goal=goals[0], texts={"expected": "Forventet"}, weight=2)
    with pytest.raises(ConflictError):  # opened before the first save: a second "new" scale
        save_scale(acting_user=user, goal=goals[0], texts={"expected": "Annet"}, weight=3)
    assert goals[0].scale.expected == "Forventet"
    evaluation = schedule_evaluation(acting_user=user, measure=goals[0].measure, due_on=timezone.localdate())
    opened_at = evaluation.version
    record_levels(acting_user=user, evaluation=evaluation, levels={goals[0].pk: 1})
    with pytest.raises(ConflictError):
        close_evaluation(
            acting_user=user,
            evaluation=evaluation,
            held_on=timezone.localdate(),
            next_step="continue",
            requested_by="service",
            reason="Går bra.",
            expected_version=opened_at,
        )
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.SCHEDULED
