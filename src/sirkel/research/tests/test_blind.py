"""The blind-coding rule (which files are finished, what each analysis reads) and `forms.set_answer`, the
inverse of `answers_to` that the consensus is built with."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.utils import timezone

from sirkel.accounts.models import Service, User
from sirkel.demo.study_registrations import study_registrations
from sirkel.research.blind import blind_registrations, finished_case_refs, table_registrations
from sirkel.research.forms import answers_to, set_answer, study_form, validate
from sirkel.research.models import Assignment, Project, Registration
from sirkel.research.services import latest_form_version
from sirkel.testing.fixtures import make_user

RICH: dict[str, Any] = {
    "sex": "girl",
    "target_groups": ["fathers", "minority_background"],
    "decisions": [
        {"investigation_report": "yes", "measures": ["network_meeting"]},
        {
            "measures": ["network_meeting", "family_group_conference"],
            "per_measure": {
                "network_meeting": {"evaluated": "yes", "evaluation_description": "Two meetings"},
                "family_group_conference": {"evaluated": "no"},
            },
        },
    ],
}


def _places(answers: dict[str, Any]) -> list[tuple[str, str, Any]]:
    form = study_form()
    return [
        (q.key, place, value) for _p, q in form.questions() for place, value in answers_to(form, q, answers)
    ]


@pytest.mark.parametrize("answers", [RICH, *(r for r in study_registrations()[:20])])
def test_set_answer_puts_back_every_place_answers_to_reads(answers: dict[str, Any]) -> None:
    form = study_form()
    answers = {k: v for k, v in answers.items() if k not in ("case", "coder")}
    rebuilt: dict[str, Any] = {}
    for _p, question in form.questions():
        for place, value in answers_to(form, question, answers):
            set_answer(form, question, rebuilt, place, copy.deepcopy(value))
    assert _places(rebuilt) == _places(answers)
    assert validate(form, rebuilt) == []


def test_set_answer_makes_a_repeat_only_some_coders_have_and_none_makes_nothing() -> None:
    form = study_form()
    answers: dict[str, Any] = {}
    set_answer(form, form.question("evaluated"), answers, "decisions[2].per_measure.pmto", "no")
    assert answers == {"decisions": [{}, {"per_measure": {"pmto": {"evaluated": "no"}}}]}
    set_answer(form, form.question("investigation_report"), answers, "decisions[3]", None)
    set_answer(form, form.question("evaluated"), answers, "decisions[1].per_measure.x", None)
    assert answers == {"decisions": [{}, {"per_measure": {"pmto": {"evaluated": "no"}}}]}
    set_answer(form, form.question("evaluated"), answers, "decisions[2].per_measure.pmto", None)
    assert answers == {"decisions": [{}, {"per_measure": {"pmto": {}}}]}
    set_answer(form, form.question("sex"), answers, "", "boy")
    assert answers["sex"] == "boy"


@pytest.mark.parametrize(
    ("question", "place"),
    [
        ("sex", "decisions[1]"),
        ("investigation_report", ""),
        ("investigation_report", "decisions[0]"),
        ("investigation_report", "decision[1]"),
        ("evaluated", "decisions[1]"),
        ("evaluated", "decisions[1].per_measure"),
        ("evaluated", "decisions[1].other.pmto"),
    ],
)
def test_set_answer_refuses_a_place_the_question_does_not_have(question: str, place: str) -> None:
    form = study_form()
    with pytest.raises(ValueError, match="not a place"):
        set_answer(form, form.question(question), {}, place, "yes")


@pytest.fixture
def project(db: None) -> Project:
    return Project.objects.create(slug="blind-1", name="Blind", form_version=latest_form_version())


def _reg(
    project: Project, case_ref: str, coder: str, *, user: User | None = None, done: bool = True, **a: Any
) -> Registration:
    return Registration.objects.create(
        project=project,
        form_version=project.form_version,
        case_ref=case_ref,
        coder=coder,
        coder_user=user,
        answers=a,
        submitted_at=timezone.now() if done else None,
    )


def test_a_file_is_finished_when_every_assigned_coder_has_finished_and_no_draft_is_left(
    project: Project, leader: User, service: Service
) -> None:
    kari, per = make_user("kari", service, "researcher"), make_user("per", service, "researcher")
    for case_ref in ("A", "B", "C"):
        for coder in (kari, per):
            Assignment.objects.create(project=project, case_ref=case_ref, coder=coder, assigned_by=leader)
    _reg(project, "A", "kari", user=kari, sex="girl")
    _reg(project, "A", "per", user=per, sex="boy")
    _reg(project, "B", "kari", user=kari, sex="girl")  # per has not started: not finished
    _reg(project, "C", "kari", user=kari, sex="girl")
    _reg(project, "C", "per", user=per, done=False, sex="boy")  # a draft: not finished
    _reg(project, "D", "imported", sex="girl")  # no assignments, finished when imported
    _reg(project, "E", "x", done=False, sex="boy")  # no assignments, a draft
    assert finished_case_refs(project) == {"A", "D"}
    assert sorted((r.case_ref, r.coder) for r in blind_registrations(project)) == [
        ("A", "kari"),
        ("A", "per"),
        ("D", "imported"),
    ]
    # The tables count every finished registration (each file once, by tables.counted); never a draft.
    assert sorted((r.case_ref, r.coder) for r in table_registrations(project)) == [
        ("A", "kari"),
        ("A", "per"),
        ("B", "kari"),
        ("C", "kari"),
        ("D", "imported"),
    ]
