"""The independent reviewer sees the others' judgements only after recording their own."""

from __future__ import annotations

from django.utils import timezone

from sirkel.accounts.models import User
from sirkel.cases.models import Case
from sirkel.evaluation.models import Perspective
from sirkel.evaluation.selectors import judgements_for, reviewer_is_blind
from sirkel.evaluation.services import record_judgement, schedule_evaluation
from sirkel.testing.factories import decide


def test_reviewer_is_blind_until_their_own_judgement(case: Case, teammate: User) -> None:
    measure = decide(case=case, kind="network_meeting")
    evaluation = schedule_evaluation(
        acting_user=case.caseworker, measure=measure, due_on=timezone.localdate()
    )
    evaluation.reviewer = teammate
    evaluation.save()
    record_judgement(
        acting_user=case.caseworker, evaluation=evaluation, perspective=Perspective.SERVICE, effect="yes"
    )
    assert reviewer_is_blind(user=teammate, evaluation=evaluation)
    assert list(judgements_for(user=teammate, evaluation=evaluation)) == []
    assert [j.perspective for j in judgements_for(user=case.caseworker, evaluation=evaluation)] == ["service"]

    record_judgement(
        acting_user=teammate, evaluation=evaluation, perspective=Perspective.REVIEWER, effect="no"
    )
    assert not reviewer_is_blind(user=teammate, evaluation=evaluation)
    seen = sorted(j.perspective for j in judgements_for(user=teammate, evaluation=evaluation))
    assert seen == ["reviewer", "service"]
