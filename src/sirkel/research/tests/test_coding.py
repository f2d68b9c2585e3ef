"""Agreement between a project's coders, from their registrations on the study's form."""

from __future__ import annotations

import pytest

from sirkel.research.coding import codings, project_agreement, project_disagreements
from sirkel.research.forms import study_form
from sirkel.research.tables import CaseRegistration

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the nominal example: four observers,
# twelve units, values 1–5 and blanks (None). His alpha: 0.743.
KRIPPENDORFF = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}
SEX = {1: "girl", 2: "boy", 3: "other", 4: "unknown", 5: "not_a_sex"}


def test_krippendorffs_published_data_give_his_alpha_through_registrations() -> None:
    # The values as answers to the integer question `children_in_household` of twelve files.
    regs = [
        CaseRegistration(f"file-{unit}", {"children_in_household": value}, coder=coder)
        for coder, values in KRIPPENDORFF.items()
        for unit, value in enumerate(values)
        if value is not None
    ]
    stats = {
        s.statistic: s for q, s in project_agreement(study_form(), regs, question="children_in_household")
    }
    alpha = stats["krippendorff_alpha_nominal"]
    assert alpha.value == pytest.approx(0.743, abs=0.0005)
    assert (alpha.coders, alpha.units) == (4, 11)  # unit 12 has one value only
    assert "fleiss_kappa" in stats and "cohen_kappa" not in stats


def test_two_coders_give_the_kappa_computed_by_hand() -> None:
    # Ten files, `interpreter_used` read by Kari and Per:
    #             Per yes  Per no
    #   Kari yes     4        1
    #   Kari no      1        4
    # observed agreement 8/10; chance: both yes 0.5·0.5 + both no 0.5·0.5 = 0.5;
    # kappa = (0.8 − 0.5) / (1 − 0.5) = 0.6
    kari = ["yes"] * 5 + ["no"] * 5
    per = ["yes"] * 4 + ["no"] + ["yes"] + ["no"] * 4
    regs = [CaseRegistration(f"f{n}", {"interpreter_used": v}, coder="Kari") for n, v in enumerate(kari)]
    regs += [CaseRegistration(f"f{n}", {"interpreter_used": v}, coder="Per") for n, v in enumerate(per)]
    regs += [CaseRegistration("f0", {"interpreter_used": "no"}, is_consensus=True)]  # not a coder's reading
    stats = {s.statistic: s for _q, s in project_agreement(study_form(), regs, question="interpreter_used")}
    assert stats["cohen_kappa"].value == pytest.approx(0.6)
    assert stats["percent_agreement"].value == pytest.approx(0.8)
    assert (stats["cohen_kappa"].coders, stats["cohen_kappa"].units) == (2, 10)


def test_answers_in_repeats_are_compared_place_by_place_and_choices_as_sets() -> None:
    form = study_form()
    kari = {
        "decisions": [
            {
                "reasons_child": ["school", "behaviour"],
                "measures": ["pmto"],
                "per_measure": {"pmto": {"evaluated": "yes"}},
            },
            {"reasons_child": ["school"]},
        ]
    }
    per = {
        "decisions": [
            {
                "reasons_child": ["behaviour", "school"],
                "measures": ["pmto"],
                "per_measure": {"pmto": {"evaluated": "no"}},
            },
            {"reasons_child": ["mental_health"]},
        ]
    }
    regs = [CaseRegistration("A", kari, coder="Kari"), CaseRegistration("A", per, coder="Per")]
    units = codings(form, form.question("reasons_child"), regs)
    assert set(units) == {("A", "decisions[1]"), ("A", "decisions[2]")}
    assert units[("A", "decisions[1]")]["Kari"] == units[("A", "decisions[1]")]["Per"]  # same set, any order
    different = project_disagreements(form, regs, question="reasons_child")
    assert [d.unit for d in different] == [("A", "decisions[2]")]
    evaluated = project_disagreements(form, regs, question="evaluated")
    assert [d.unit for d in evaluated] == [("A", "decisions[1].per_measure.pmto")]
    assert evaluated[0].values == {"Kari": "yes", "Per": "no"}


def test_free_text_has_no_agreement_and_every_compared_question_has_rows() -> None:
    regs = [
        CaseRegistration("A", {"sex": "girl"}, coder="K"),
        CaseRegistration("A", {"sex": "girl"}, coder="P"),
    ]
    rows = project_agreement(study_form(), regs)
    questions = {q for q, _s in rows}
    assert "sex" in questions and "reasons_text" not in questions and "coder" not in questions
    sex = {s.statistic: s.value for q, s in rows if q == "sex"}
    assert sex["percent_agreement"] == 1.0
