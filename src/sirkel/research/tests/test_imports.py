"""Reading registrations from JSON: the study's 88 files, and every kind of problem with its place."""

from __future__ import annotations

import json

from sirkel.demo.study_registrations import study_registrations
from sirkel.research.forms import study_form
from sirkel.research.imports import LinkedCase, read_registrations


def test_the_88_study_files_read_without_problems() -> None:
    parsed, problems = read_registrations(json.dumps(study_registrations()), study_form())
    assert problems == [] and len(parsed) == 88
    first = parsed[0]
    assert first.case_ref == "STUDIE-001" and first.coder == "forsker-1"
    assert first.answers["coder"] == "forsker-1"  # the form's own coder question


def test_labels_answers_object_links_and_consensus() -> None:
    text = json.dumps(
        [
            {
                "case": "K-1",
                "coder": "Kari",
                "sex": "Jente",
                "decisions": [{"reasons_child": ["Barnets atferd"]}],
            },
            {
                "case": "K-1",
                "coder": "Kari",
                "consensus": True,
                "answers": {"sex": "girl"},
                "linked_case": {"service": "Nabo", "number": 4},
            },
        ]
    )
    parsed, problems = read_registrations(text, study_form())
    assert problems == []
    assert parsed[0].answers["sex"] == "girl"
    assert parsed[0].answers["decisions"] == [{"reasons_child": ["behaviour"]}]
    assert parsed[1].is_consensus and parsed[1].linked_case == LinkedCase("Nabo", 4)


def test_every_problem_names_the_registration_and_the_question() -> None:
    text = json.dumps(
        [
            {"case": "A", "coder": "Kari", "sex": "alien"},
            {"coder": "Per"},
            {"case": "C", "coder": "Per", "decisions": [{"decision_month": "2021-13"}], "nope": 1},
            {"case": "A", "coder": "Kari"},
            {"case": "D", "coder": "Per", "linked_case": {"service": "Nabo"}},
            7,
        ]
    )
    _parsed, problems = read_registrations(text, study_form())
    lines = [str(p) for p in problems]
    assert any(line.startswith("registration 1 (case A), sex: 'alien' is not one of") for line in lines)
    assert "registration 2, case: the case file's reference is missing (text, 1–100)" in lines
    assert any(line.startswith("registration 3 (case C), decisions[1].decision_month:") for line in lines)
    assert any(line.startswith("registration 3 (case C), nope: There is no question") for line in lines)
    assert any(
        "registration 4 (case A), coder: the same coder registered this file already (registration 1)" in line
        for line in lines
    )
    assert any(line.startswith("registration 5 (case D), linked_case:") for line in lines)
    assert "registration 6: a registration must be an object" in lines


def test_a_file_that_is_not_a_list_of_registrations_is_refused_whole() -> None:
    assert [str(p) for p in read_registrations("{", study_form())[1]][0].startswith(
        "the file: not valid JSON"
    )
    assert [str(p) for p in read_registrations("{}", study_form())[1]] == [
        "the file: the file must hold a JSON list of registrations"
    ]
