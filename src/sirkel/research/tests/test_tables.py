"""Frequency tables: the study's published figures from its 88 files, one count per file, suppression."""

from __future__ import annotations

import pytest

from sirkel.demo.study_registrations import GROUPS, published, study_registrations
from sirkel.research.forms import study_form, validate
from sirkel.research.tables import BLANK, CaseRegistration, frequencies


def answers(registration: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in registration.items() if k not in ("case", "coder")}


def registrations() -> list[CaseRegistration]:
    return [CaseRegistration(str(r["case"]), answers(r)) for r in study_registrations()]


def test_the_synthetic_study_files_are_valid_registrations() -> None:
    form = study_form()
    regs = study_registrations()
    assert len(regs) == 88
    assert all(validate(form, answers(r)) == [] for r in regs)


@pytest.mark.parametrize("question", ["birthplace", "lives_with", "years_in_contact", *GROUPS])
def test_the_88_files_give_the_published_table_exactly(question: str) -> None:
    form = study_form()
    table = frequencies(form, question, registrations(), suppress_below=0)
    assert table.cases == 88 and table.left_out == 0
    labels = {o.key: o.nb for o in form.question(question).options}
    got = {
        row.label if question in GROUPS else row.option: row.count
        for row in table.rows
        if row.option != BLANK
    }
    want = published()[question]
    for name, count in want.items():
        assert got[str(name)] == count, name
    assert all(count == 0 for name, count in got.items() if name not in {str(k) for k in want})
    if question not in GROUPS:  # exclusive: the counts add up to the files
        assert sum(r.count or 0 for r in table.rows) == 88
        assert set(got) <= set(labels)


def test_each_file_counts_once_by_its_consensus_or_its_only_registration() -> None:
    form = study_form()
    regs = [
        CaseRegistration("A", {"sex": "girl"}),
        CaseRegistration("B", {"sex": "boy"}),
        CaseRegistration("B", {"sex": "girl"}),  # two coders, no consensus: left out
        CaseRegistration("C", {"sex": "boy"}),
        CaseRegistration("C", {"sex": "girl"}),
        CaseRegistration("C", {"sex": "girl"}, is_consensus=True),
    ]
    table = frequencies(form, "sex", regs, suppress_below=0)
    assert (table.cases, table.left_out) == (2, 1)
    assert {r.option: r.count for r in table.rows} == {"girl": 2, "boy": 0, "other": 0, "unknown": 0}
    assert {r.option: r.percent for r in table.rows}["girl"] == 100.0


def test_a_question_in_a_repeat_counts_a_file_once_for_each_option_it_gives_anywhere() -> None:
    form = study_form()
    answers = {
        "decisions": [
            {
                "reasons_child": ["behaviour"],
                "measures": ["network_meeting"],
                "per_measure": {"network_meeting": {"evaluated": "yes"}},
            },
            {
                "reasons_child": ["behaviour", "school"],
                "measures": ["network_meeting", "pmto"],
                "per_measure": {"network_meeting": {"evaluated": "no"}, "pmto": {"evaluated": "no"}},
            },
        ]
    }
    regs = [CaseRegistration("A", answers), CaseRegistration("B", {})]
    reasons = {r.option: r.count for r in frequencies(form, "reasons_child", regs, suppress_below=0).rows}
    assert reasons["behaviour"] == 1 and reasons["school"] == 1 and reasons[BLANK] == 1
    evaluated = {r.option: r.count for r in frequencies(form, "evaluated", regs, suppress_below=0).rows}
    assert evaluated == {"yes": 1, "no": 1, BLANK: 1}
    with pytest.raises(ValueError, match="only choices"):
        frequencies(form, "reasons_text", regs)
    with pytest.raises(KeyError):
        frequencies(form, "nothing", regs)


def test_small_counts_are_hidden_with_company_where_the_counts_add_up() -> None:
    form = study_form()
    regs = [
        CaseRegistration(str(n), {"sex": s}) for n, s in enumerate(["girl"] * 10 + ["boy"] * 4 + ["other"])
    ]
    table = frequencies(form, "sex", regs)
    shown = {r.option: r.count for r in table.rows}
    assert shown["other"] is None  # one child
    assert shown["boy"] is None  # else 15 − 10 − 0 gives it away
    assert shown["girl"] == 10 and shown["unknown"] == 0 and table.cases == 15
    assert [r.percent for r in table.rows if r.option == "other"] == [None]
    records = list(table.csv_records())
    assert ("other", "Annet", ":", ":") in records and ("girl", "Jente", "10", "66.7") in records


def test_in_a_multiple_choice_question_only_the_small_counts_are_hidden() -> None:
    form = study_form()
    regs = [
        CaseRegistration(str(n), {"target_groups": ["fathers"] if n else ["fathers", "none"]})
        for n in range(5)
    ]
    shown = {r.option: r.count for r in frequencies(form, "target_groups", regs).rows}
    assert shown == {"minority_background": 0, "parent_cognitive_difficulties": 0, "fathers": 5, "none": None}
