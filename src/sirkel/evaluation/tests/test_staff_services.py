"""The child's view as the caseworker writes it down, and the leader choosing the independent reviewer."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sirkel.accounts.models import Service, User
from sirkel.audit.models import AuditEvent
from sirkel.cases.models import Case, CaseAssignment
from sirkel.evaluation.models import Evaluation, Judgement, Perspective
from sirkel.evaluation.services import choose_reviewer, record_child_view, schedule_evaluation
from sirkel.testing.factories import decide
from sirkel.testing.fixtures import make_user


@pytest.fixture
def evaluation(case: Case) -> Evaluation:
    measure = decide(case=case, kind="network_meeting")
    return schedule_evaluation(acting_user=case.caseworker, measure=measure, due_on=timezone.localdate())


def test_the_child_s_view_keeps_face_words_wishes_and_helper(case: Case, evaluation: Evaluation) -> None:
    judgement = record_child_view(
        acting_user=case.caseworker,
        evaluation=evaluation,
        scale=4,
        words=" Det er bedre på skolen ",
        wants_next="At Tove henter meg",
        helped_by="Mamma",
        declined=False,
    )
    assert (judgement.perspective, judgement.child_scale, judgement.text) == (
        "child",
        4,
        "Det er bedre på skolen",
    )
    assert judgement.child_wants_next == "At Tove henter meg" and judgement.child_helped_by == "Mamma"
    event = AuditEvent.objects.get(object_type="judgement", object_id=str(judgement.pk))
    assert event.detail["perspective"] == "child" and "Mamma" not in str(event.detail)


def test_a_child_who_does_not_want_to_answer_is_recorded_without_a_face(
    case: Case, evaluation: Evaluation
) -> None:
    record_child_view(
        acting_user=case.caseworker,
        evaluation=evaluation,
        scale=2,
        words="",
        wants_next="",
        helped_by="",
        declined=False,
    )
    judgement = record_child_view(
        acting_user=case.caseworker,
        evaluation=evaluation,
        scale=3,
        words="",
        wants_next="",
        helped_by="",
        declined=True,
    )
    assert judgement.declined and judgement.child_scale is None
    assert Judgement.objects.filter(evaluation=evaluation, perspective=Perspective.CHILD).count() == 1


@pytest.mark.parametrize("scale", [None, 0, 6])
def test_the_child_s_face_is_one_of_five(case: Case, evaluation: Evaluation, scale: int | None) -> None:
    with pytest.raises(ValidationError):
        record_child_view(
            acting_user=case.caseworker,
            evaluation=evaluation,
            scale=scale,
            words="",
            wants_next="",
            helped_by="",
            declined=False,
        )


def test_only_those_who_may_change_the_case_write_down_the_child_s_view(
    evaluation: Evaluation, teammate: User
) -> None:
    with pytest.raises(PermissionDenied):
        record_child_view(
            acting_user=teammate,
            evaluation=evaluation,
            scale=3,
            words="",
            wants_next="",
            helped_by="",
            declined=False,
        )


def test_the_leader_chooses_a_colleague_not_on_the_case(
    evaluation: Evaluation, leader: User, teammate: User
) -> None:
    chosen = choose_reviewer(acting_user=leader, evaluation=evaluation, reviewer=teammate)
    assert chosen.reviewer == teammate and chosen.reviewer_chosen_by == leader
    event = AuditEvent.objects.filter(object_type="evaluation", object_id=str(evaluation.pk)).latest("id")
    assert event.detail["reviewer"] == teammate.pk


def test_only_a_leader_of_the_service_chooses_the_reviewer(
    case: Case, evaluation: Evaluation, teammate: User, outsider: User
) -> None:
    for who in (case.caseworker, teammate, outsider):
        with pytest.raises(PermissionDenied):
            choose_reviewer(acting_user=who, evaluation=evaluation, reviewer=teammate)


def test_someone_on_the_case_is_refused_with_a_clear_message(
    case: Case, evaluation: Evaluation, leader: User, consultant: User
) -> None:
    CaseAssignment.objects.create(case=case, user=consultant)
    for who in (case.caseworker, consultant):
        with pytest.raises(ValidationError) as refused:
            choose_reviewer(acting_user=leader, evaluation=evaluation, reviewer=who)
        assert "arbeider med denne saken" in str(refused.value.message_dict["reviewer"])
    evaluation.refresh_from_db()
    assert evaluation.reviewer_id is None


def test_a_researcher_or_a_user_of_another_service_is_no_reviewer(
    evaluation: Evaluation, leader: User, researcher: User, other_service: Service
) -> None:
    elsewhere = make_user("elsewhere", other_service, "caseworker")
    for who in (researcher, elsewhere):
        with pytest.raises(ValidationError):
            choose_reviewer(acting_user=leader, evaluation=evaluation, reviewer=who)
    evaluation.refresh_from_db()
    assert evaluation.reviewer_id is None
