"""Writes of the evaluation app: goal scales, scheduling an evaluation, goal levels, judgements (the
child's view among them), the independent reviewer, closing.

Each write asks the access policy (edit rights on the case), checks the rules and is audited as one
event. The T-score is recomputed from the levels each time they are recorded (`scores.t_score`), with
each goal's weight as it stood when its level was set."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sirkel.accounts.models import NON_STAFF_ROLES, Role, User
from sirkel.accounts.selectors import roles_by_service
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event
from sirkel.cases.access import case_access
from sirkel.cases.models import CaseAssignment, Goal, Measure, Phase
from sirkel.cases.plans import plan_of, save_plan
from sirkel.core.versioning import ConflictError, update_versioned
from sirkel.evaluation.models import (
    GAS_LEVELS,
    Effect,
    Evaluation,
    EvaluationStatus,
    GoalLevel,
    GoalScale,
    Judgement,
    NextStep,
    Perspective,
    RequestedBy,
)
from sirkel.evaluation.scores import t_score

SCALE_FIELDS = ("much_less", "less", "expected", "more", "much_more")


def _require_edit(*, acting_user: User, measure: Measure) -> None:
    if not case_access(user=acting_user, case=measure.case).can_edit:
        raise PermissionDenied
    if measure.case.phase == Phase.CLOSED:
        raise ValidationError(_("The case is closed: its evaluations can no longer be changed."))


def _open_for_update(evaluation: Evaluation) -> Evaluation:
    """The evaluation, locked for this transaction; refused when it is no longer open."""
    evaluation = Evaluation.objects.select_for_update().select_related("measure__case").get(pk=evaluation.pk)
    if evaluation.status != EvaluationStatus.SCHEDULED:
        raise ValidationError(_("The evaluation is closed."))
    return evaluation


@transaction.atomic
def save_scale(
    *, acting_user: User, goal: Goal, texts: Mapping[str, str], weight: int, expected_version: int = 0
) -> GoalScale:
    """Scale a goal: what each level −2…+2 would look like (the expected outcome is required), and a
    weight from 1 to 10. `expected_version` is the scale's version the form was opened at (0: none yet);
    someone else's save in between is a `ConflictError`."""
    _require_edit(acting_user=acting_user, measure=goal.measure)
    if goal.retired_at is not None:
        raise ValidationError(_("The goal has been taken out of the plan."))
    values = {name: str(texts.get(name, "")).strip() for name in SCALE_FIELDS}
    if not values["expected"]:
        raise ValidationError({"expected": _("Describe the expected outcome (level 0).")})
    if not 1 <= weight <= 10:
        raise ValidationError({"weight": _("The weight is a whole number from 1 to 10.")})
    scale, created = GoalScale.objects.get_or_create(goal=goal, defaults={**values, "weight": weight})
    if not created:
        for name, value in values.items():
            setattr(scale, name, value)
        scale.weight = weight
        update_versioned(scale, expected_version=expected_version, fields=[*SCALE_FIELDS, "weight"])
    elif expected_version != 0:
        raise ConflictError
    record_event(
        actor=acting_user,
        service=goal.measure.case.service_id,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        object_type="goal_scale",
        object_id=scale.pk,
        detail={"case": goal.measure.case_id, "goal": goal.pk},
    )
    return scale


@transaction.atomic
def schedule_evaluation(*, acting_user: User, measure: Measure, due_on: date) -> Evaluation:
    """Schedule an evaluation of a measure; one open evaluation per measure at a time."""
    _require_edit(acting_user=acting_user, measure=measure)
    if due_on < measure.case.birth_date:
        raise ValidationError({"due_on": _("The date is before the child was born.")})
    if Evaluation.objects.filter(measure=measure, status=EvaluationStatus.SCHEDULED).exists():
        raise ValidationError(_("The measure already has an evaluation that is not closed."))
    evaluation = Evaluation.objects.create(measure=measure, due_on=due_on, created_by=acting_user)
    record_event(
        actor=acting_user,
        service=measure.case.service_id,
        action=AuditAction.CREATE,
        object_type="evaluation",
        object_id=evaluation.pk,
        detail={"case": measure.case_id, "measure": measure.pk},
    )
    return evaluation


@transaction.atomic
def record_levels(*, acting_user: User, evaluation: Evaluation, levels: Mapping[int, int]) -> Evaluation:
    """Record the level (−2…+2) each scaled goal reached, and the measure's T-score from them."""
    evaluation = _open_for_update(evaluation)
    _require_edit(acting_user=acting_user, measure=evaluation.measure)
    scales = {
        s.goal_id: s
        for s in GoalScale.objects.filter(goal__measure=evaluation.measure, goal__in=list(levels))
    }
    if any(goal_id not in scales for goal_id in levels):
        raise ValidationError(_("Only a scaled goal of this measure can be given a level."))
    if any(level not in GAS_LEVELS for level in levels.values()):
        raise ValidationError(_("A goal's level is −2, −1, 0, +1 or +2."))
    for goal_id, level in levels.items():
        GoalLevel.objects.update_or_create(
            evaluation=evaluation,
            goal_id=goal_id,
            defaults={"level": level, "weight": scales[goal_id].weight, "recorded_by": acting_user},
        )
    rows = list(GoalLevel.objects.filter(evaluation=evaluation).values_list("level", "weight"))
    evaluation.t_score = t_score([x for x, _w in rows], [w for _x, w in rows]) if rows else None
    update_versioned(evaluation, expected_version=evaluation.version, fields=["t_score"])  # row is locked
    record_event(
        actor=acting_user,
        service=evaluation.measure.case.service_id,
        action=AuditAction.UPDATE,
        object_type="evaluation",
        object_id=evaluation.pk,
        detail={"case": evaluation.measure.case_id, "goals": sorted(levels)},
    )
    return evaluation


@transaction.atomic
def record_judgement(
    *,
    acting_user: User,
    evaluation: Evaluation,
    perspective: str,
    effect: str,
    text: str = "",
    member_id: int | None = None,
) -> Judgement:
    """Record one perspective's judgement of the desired effect (the service's, a parent's, the
    reviewer's; the child's own form is richer and comes with the child's page). The reviewer's is
    recorded by the reviewer alone; a parent's names the parent from the network register."""
    if perspective == Perspective.CHILD:
        raise ValidationError(_("The child's view is given on the child's own form."))
    if perspective not in Perspective.values:
        raise ValidationError(_("Choose whose judgement this is."))
    evaluation = _open_for_update(evaluation)
    if perspective == Perspective.REVIEWER:
        if evaluation.reviewer_id != acting_user.pk:
            raise PermissionDenied
    else:
        _require_edit(acting_user=acting_user, measure=evaluation.measure)
    if effect not in Effect.values:
        raise ValidationError({"effect": _("Choose yes, partly, no or not assessed.")})
    key: dict[str, Any] = {"evaluation": evaluation, "perspective": perspective}
    if perspective == Perspective.PARENT:
        if member_id is None or not evaluation.measure.case.network_members.filter(pk=member_id).exists():
            raise ValidationError({"member": _("Choose the parent from the case's network.")})
        key["member_id"] = member_id
    judgement, created = Judgement.objects.update_or_create(
        **key, defaults={"effect": effect, "text": text.strip(), "recorded_by": acting_user}
    )
    record_event(
        actor=acting_user,
        service=evaluation.measure.case.service_id,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        object_type="judgement",
        object_id=judgement.pk,
        detail={"case": evaluation.measure.case_id, "evaluation": evaluation.pk, "perspective": perspective},
    )
    return judgement


@transaction.atomic
def close_evaluation(
    *,
    acting_user: User,
    evaluation: Evaluation,
    held_on: date,
    next_step: str,
    requested_by: str,
    reason: str,
    expected_version: int,
) -> Evaluation:
    """Close the evaluation with its next step, and update the measure plan: the plan is evaluated on
    `held_on`, which schedules the next evaluation by the plan's interval, in a new plan version whose
    change note says what was decided. Ending the measure itself is a decision (`cases.decisions`).
    `expected_version` is the evaluation's version the page was opened at."""
    evaluation = _open_for_update(evaluation)
    if evaluation.version != expected_version:
        raise ConflictError
    _require_edit(acting_user=acting_user, measure=evaluation.measure)
    if next_step not in NextStep.values:
        raise ValidationError({"next_step": _("Choose continue, change or end.")})
    if requested_by not in RequestedBy.values:
        raise ValidationError({"requested_by": _("Say who asked for the next step.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why.")})
    case = evaluation.measure.case
    plan = plan_of(case)
    change = _("Evaluation: %(step)s. %(reason)s") % {
        "step": NextStep(next_step).label,
        "reason": reason.strip(),
    }
    save_plan(
        acting_user=acting_user,
        case=case,
        expected_version=plan.version if plan else 0,
        entries=[],
        last_evaluated_on=held_on,
        change_note=change,
    )
    evaluation.held_on = held_on
    evaluation.next_step = next_step
    evaluation.next_step_requested_by = requested_by
    evaluation.next_step_reason = reason.strip()
    evaluation.status = EvaluationStatus.CLOSED
    evaluation.closed_by = acting_user
    evaluation.closed_at = timezone.now()
    update_versioned(
        evaluation,
        expected_version=expected_version,
        fields=[
            "held_on",
            "next_step",
            "next_step_requested_by",
            "next_step_reason",
            "status",
            "closed_by",
            "closed_at",
        ],
    )
    record_event(
        actor=acting_user,
        service=case.service_id,
        action=AuditAction.UPDATE,
        object_type="evaluation",
        object_id=evaluation.pk,
        detail={"case": case.pk, "closed": True, "next_step": next_step},
    )
    return evaluation


CHILD_SCALE = range(1, 6)  # the five faces, from very bad (1) to very good (5)


@transaction.atomic
def record_child_view(
    *,
    acting_user: User,
    evaluation: Evaluation,
    scale: int | None,
    words: str,
    wants_next: str,
    helped_by: str,
    declined: bool,
) -> Judgement:
    """Record the child's view as a caseworker wrote it down: a face on the five-step scale (1–5), the
    child's own words, what they want to happen next and who helped them say it; or that the child did
    not want to answer (then no face is kept, and whatever the child still chose to say is)."""
    evaluation = _open_for_update(evaluation)
    _require_edit(acting_user=acting_user, measure=evaluation.measure)
    if declined:
        scale = None
    elif scale is None or scale not in CHILD_SCALE:
        raise ValidationError(
            {"scale": _("Choose one of the five faces, or tick that the child did not want to answer.")}
        )
    judgement, created = Judgement.objects.update_or_create(
        evaluation=evaluation,
        perspective=Perspective.CHILD,
        defaults={
            "child_scale": scale,
            "text": words.strip(),
            "child_wants_next": wants_next.strip(),
            "child_helped_by": helped_by.strip()[:200],
            "declined": declined,
            "recorded_by": acting_user,
            "via_link": None,
        },
    )
    record_event(
        actor=acting_user,
        service=evaluation.measure.case.service_id,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        object_type="judgement",
        object_id=judgement.pk,
        detail={"case": evaluation.measure.case_id, "evaluation": evaluation.pk, "perspective": "child"},
    )
    return judgement


# The roles a reviewer may hold: a colleague who works on cases, or a leader (never a researcher, an
# outside coordinator or an administrator, who do not judge measures).
REVIEWER_ROLES = frozenset({Role.CASEWORKER.value, Role.CONSULTANT.value, Role.LEADER.value})


def is_on_the_case(*, user: User, measure: Measure) -> bool:
    """Whether `user` works on the measure's case: its caseworker, or assigned to it."""
    case = measure.case
    return case.caseworker_id == user.pk or CaseAssignment.objects.filter(case=case, user=user).exists()


@transaction.atomic
def choose_reviewer(*, acting_user: User, evaluation: Evaluation, reviewer: User) -> Evaluation:
    """The leader of the case's service names the independent reviewer: a colleague or leader of the
    service who is not on the case. Until the evaluation is closed the reviewer may read the case (the
    access policy's `Basis.REVIEWER`). A reviewer who has already judged is not replaced."""
    evaluation = _open_for_update(evaluation)
    case = evaluation.measure.case
    if roles_by_service(user=acting_user).get(case.service_id) != Role.LEADER.value:
        raise PermissionDenied
    if case.phase == Phase.CLOSED:
        raise ValidationError(_("The case is closed: its evaluations can no longer be changed."))
    role = roles_by_service(user=reviewer).get(case.service_id)
    if role is None or role in NON_STAFF_ROLES or role not in REVIEWER_ROLES or not reviewer.is_active:
        raise ValidationError({"reviewer": _("Choose a colleague or leader of the service.")})
    if is_on_the_case(user=reviewer, measure=evaluation.measure):
        raise ValidationError(
            {
                "reviewer": _(
                    "%(name)s works on this case and cannot be its independent reviewer. "
                    "Choose someone who is not on the case."
                )
                % {"name": reviewer.display_name()}
            }
        )
    if (
        evaluation.reviewer_id not in (None, reviewer.pk)
        and evaluation.judgements.filter(perspective=Perspective.REVIEWER).exists()
    ):
        raise ValidationError(_("The reviewer has already given their judgement and is not replaced."))
    evaluation.reviewer = reviewer
    evaluation.reviewer_chosen_by = acting_user
    update_versioned(
        evaluation, expected_version=evaluation.version, fields=["reviewer", "reviewer_chosen_by"]
    )
    record_event(
        actor=acting_user,
        service=case.service_id,
        action=AuditAction.UPDATE,
        object_type="evaluation",
        object_id=evaluation.pk,
        detail={"case": case.pk, "reviewer": reviewer.pk},
    )
    return evaluation
