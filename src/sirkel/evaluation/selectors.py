"""Reads of the evaluation app.

The independent reviewer judges blind: until their own judgement is recorded they see none of the
others' (`judgements_for`). Everyone else with access to the case sees them all."""

from __future__ import annotations

from django.db.models import QuerySet

from sirkel.accounts.models import User
from sirkel.evaluation.models import Evaluation, Judgement, Perspective


def reviewer_is_blind(*, user: User, evaluation: Evaluation) -> bool:
    """Whether `user` is this evaluation's reviewer and has not yet recorded their judgement."""
    return (
        evaluation.reviewer_id == user.pk
        and not evaluation.judgements.filter(perspective=Perspective.REVIEWER).exists()
    )


def judgements_for(*, user: User, evaluation: Evaluation) -> QuerySet[Judgement]:
    """The judgements `user` may see on the evaluation page: all of them, except to a reviewer who has
    not judged yet — they see none."""
    judgements = evaluation.judgements.select_related("member", "recorded_by")
    if reviewer_is_blind(user=user, evaluation=evaluation):
        return judgements.none()
    return judgements
