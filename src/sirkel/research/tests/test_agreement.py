"""Agreement statistics against published examples and hand computations, and their edge cases."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from sirkel.research.agreement import (
    COHEN_KAPPA,
    FLEISS_KAPPA,
    KRIPPENDORFF_ALPHA_NOMINAL,
    PERCENT_AGREEMENT,
    Disagreement,
    Statistic,
    agreement,
    disagreements,
    per_option,
)

Codings = dict[int, dict[str, int | None]]


def _from_rows(rows: dict[str, str], blank: str = ".") -> Codings:
    """Reliability data written as in the literature: one row of values per coder, one column per unit."""
    codings: Codings = {}
    for coder, row in rows.items():
        for unit, value in enumerate(row.split(), start=1):
            codings.setdefault(unit, {})[coder] = None if value == blank else int(value)
    return codings


def _by_name(statistics: list[Statistic]) -> dict[str, Statistic]:
    return {statistic.statistic: statistic for statistic in statistics}


# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers x 12 units,
# nominal values with missing data ("." = not coded). Published: alpha (nominal) = 0.743.
KRIPPENDORFF_2011 = _from_rows(
    {
        "A": "1 2 3 3 2 1 4 1 2 . . .",
        "B": "1 2 3 3 2 2 4 1 2 5 . 3",
        "C": ". 3 3 3 2 3 4 2 2 5 1 .",
        "D": "1 2 3 3 2 4 4 1 2 5 1 .",
    }
)


def test_alpha_on_krippendorffs_published_reliability_data_is_his_published_0_743() -> None:
    alpha = _by_name(agreement(KRIPPENDORFF_2011))[KRIPPENDORFF_ALPHA_NOMINAL]

    # Unit 12 has one value only and is not pairable: 11 units, n = 40 pairable values, his coincidence
    # matrix has 32 on the diagonal, and sum n_c (n_c - 1) = 9*8 + 13*12 + 10*9 + 5*4 + 3*2 = 344, so
    # alpha = (39 * 32 - 344) / (40 * 39 - 344) = 904 / 1216 = 113 / 152 = 0.7434.
    assert alpha == Statistic(KRIPPENDORFF_ALPHA_NOMINAL, coders=4, units=11, value=113 / 152)
    assert round(alpha.value or 0, 3) == 0.743


def test_alpha_on_the_wikipedia_example_is_0_691() -> None:
    # The computational example of the Wikipedia article on Krippendorff's alpha: 3 coders x 15 units.
    codings = _from_rows(
        {
            "1": "* * * * * 3 4 1 2 1 1 3 3 * 3",
            "2": "1 * 2 1 3 3 4 3 * * * * * * *",
            "3": "* * 2 1 3 4 4 * 2 1 1 3 3 * 4",
        },
        blank="*",
    )

    alpha = _by_name(agreement(codings))[KRIPPENDORFF_ALPHA_NOMINAL]

    assert alpha.units == 12
    assert alpha.value == pytest.approx(56 / 81)
    assert round(alpha.value or 0, 3) == 0.691


def test_percent_agreement_averages_the_share_of_agreeing_coder_pairs_per_unit() -> None:
    percent = _by_name(agreement(KRIPPENDORFF_2011))[PERCENT_AGREEMENT]

    # Per unit, agreeing pairs / all pairs: units 1, 3, 4, 5, 7, 9, 10, 11 agree fully (1); unit 2 (2,2,3,2)
    # and unit 8 (1,1,2,1) have 3 of 6 pairs agreeing (1/2); unit 6 (1,2,3,4) none (0). (8 + 1/2 + 1/2) / 11.
    assert percent == Statistic(PERCENT_AGREEMENT, coders=4, units=11, value=9 / 11)


def test_cohen_kappa_for_two_coders_matches_the_hand_computation() -> None:
    # Two coders, 10 units both answered:
    #            B yes  B no
    #   A yes      4      2     (A: 6 yes)
    #   A no       1      3     (A: 4 no)
    #   B:        5 yes  5 no
    # p_o = (4 + 3) / 10 = 0.7; p_e = 0.6 * 0.5 + 0.4 * 0.5 = 0.5; kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4.
    pairs = [("yes", "yes")] * 4 + [("yes", "no")] * 2 + [("no", "yes")] + [("no", "no")] * 3
    codings: dict[int, dict[str, str | None]] = {
        unit: {"anna": a, "bjørn": b} for unit, (a, b) in enumerate(pairs, start=1)
    }
    codings[11] = {"anna": "yes", "bjørn": None}  # a blank: not a unit both answered
    codings[12] = {"anna": "no"}  # coded by one only

    statistics = agreement(codings)

    assert [s.statistic for s in statistics] == [PERCENT_AGREEMENT, COHEN_KAPPA, KRIPPENDORFF_ALPHA_NOMINAL]
    by_name = _by_name(statistics)
    assert by_name[COHEN_KAPPA].coders == 2
    assert by_name[COHEN_KAPPA].units == 10
    assert by_name[COHEN_KAPPA].value == pytest.approx(0.4)
    assert by_name[PERCENT_AGREEMENT] == Statistic(PERCENT_AGREEMENT, coders=2, units=10, value=0.7)


def test_cohen_kappa_with_three_categories_matches_the_hand_computation() -> None:
    # Contingency table (rows coder A, columns coder B), 15 units:
    #        a  b  c | A
    #   a    5  1  0 | 6
    #   b    1  3  1 | 5
    #   c    0  1  3 | 4
    #   B    6  5  4
    # p_o = 11/15; p_e = (6*6 + 5*5 + 4*4) / 15^2 = 77/225;
    # kappa = (165/225 - 77/225) / (1 - 77/225) = 88/148 = 22/37 = 0.5946.
    cells = {("a", "a"): 5, ("a", "b"): 1, ("b", "a"): 1, ("b", "b"): 3, ("b", "c"): 1}
    cells |= {("c", "b"): 1, ("c", "c"): 3}
    pairs = [pair for pair, count in cells.items() for _ in range(count)]
    codings = {unit: {"A": a, "B": b} for unit, (a, b) in enumerate(pairs)}

    kappa = _by_name(agreement(codings))[COHEN_KAPPA]

    assert kappa.units == 15
    assert kappa.value == pytest.approx(22 / 37)


# Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories; kappa = 0.210.
FLEISS_WIKIPEDIA = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def _from_counts(table: list[list[int]]) -> dict[int, dict[int, int | None]]:
    """Per subject, the raters' categories from a subjects x categories count table (rater order is free)."""
    codings: dict[int, dict[int, int | None]] = {}
    for subject, counts in enumerate(table):
        values = [category for category, count in enumerate(counts, start=1) for _ in range(count)]
        codings[subject] = dict(enumerate(values))
    return codings


def test_fleiss_kappa_on_the_wikipedia_example_is_0_210() -> None:
    codings = _from_counts(FLEISS_WIKIPEDIA)
    codings[10] = {0: 1, 1: 2, 2: None}  # not answered by every rater: left out of Fleiss' kappa

    statistics = agreement(codings)

    assert [s.statistic for s in statistics] == [PERCENT_AGREEMENT, FLEISS_KAPPA, KRIPPENDORFF_ALPHA_NOMINAL]
    fleiss = _by_name(statistics)[FLEISS_KAPPA]
    assert (fleiss.coders, fleiss.units) == (14, 10)
    # P-bar = 0.378, P_e = 0.213 (p_j = 0.143, 0.200, 0.279, 0.150, 0.229): (0.378 - 0.213) / (1 - 0.213).
    assert round(fleiss.value or 0, 3) == 0.210
    assert _by_name(statistics)[KRIPPENDORFF_ALPHA_NOMINAL].units == 11


def test_fleiss_kappa_uses_only_the_units_every_coder_answered() -> None:
    kappa = _by_name(agreement(KRIPPENDORFF_2011))[FLEISS_KAPPA]

    # Units 2 to 9 have all four values; unit 1 lacks C, units 10 to 12 lack A.
    assert (kappa.coders, kappa.units) == (4, 8)
    complete = {unit: KRIPPENDORFF_2011[unit] for unit in range(2, 10)}
    assert _by_name(agreement(complete))[FLEISS_KAPPA].value == pytest.approx(kappa.value)


def test_fleiss_kappa_is_left_out_when_no_unit_was_answered_by_every_coder() -> None:
    codings: Codings = {1: {"a": 1, "b": 1, "c": None}, 2: {"a": 2, "c": 2}, 3: {"b": 1, "c": 2}}

    statistics = _by_name(agreement(codings))

    assert FLEISS_KAPPA not in statistics
    assert COHEN_KAPPA not in statistics  # three coders
    assert statistics[KRIPPENDORFF_ALPHA_NOMINAL].coders == 3
    assert statistics[PERCENT_AGREEMENT] == Statistic(PERCENT_AGREEMENT, coders=3, units=3, value=2 / 3)


def test_a_blank_and_a_missing_coder_are_the_same_missing_value() -> None:
    with_blanks = {unit: dict(values) for unit, values in KRIPPENDORFF_2011.items()}
    without_blanks = {
        unit: {coder: value for coder, value in values.items() if value is not None}
        for unit, values in KRIPPENDORFF_2011.items()
    }

    assert agreement(with_blanks) == agreement(without_blanks)


def test_coders_who_never_overlap_with_another_are_not_coders_of_the_question() -> None:
    codings: Codings = {
        1: {"a": 1, "b": 1},
        2: {"a": 2, "b": 1},
        3: {"a": 2, "b": 2, "c": None},  # c left the question blank
        4: {"d": 1},  # d coded a case nobody else did
    }

    statistics = _by_name(agreement(codings))

    assert statistics[COHEN_KAPPA].coders == 2
    assert statistics[COHEN_KAPPA].units == 3
    # p_o = 2/3; a: 1, 2, 2; b: 1, 1, 2; p_e = 1/3 * 2/3 + 2/3 * 1/3 = 4/9; kappa = (2/3 - 4/9) / (5/9) = 0.4.
    assert statistics[COHEN_KAPPA].value == pytest.approx(0.4)


def test_when_everyone_gives_the_one_same_value_the_chance_corrected_statistics_are_none() -> None:
    two = {unit: {"a": "yes", "b": "yes"} for unit in range(5)}
    three = {unit: {"a": "yes", "b": "yes", "c": "yes"} for unit in range(5)}

    for codings, kappa in ((two, COHEN_KAPPA), (three, FLEISS_KAPPA)):
        statistics = _by_name(agreement(codings))
        assert statistics[PERCENT_AGREEMENT].value == 1.0
        assert statistics[kappa].value is None
        assert statistics[kappa].units == 5
        assert statistics[KRIPPENDORFF_ALPHA_NOMINAL].value is None
        assert statistics[KRIPPENDORFF_ALPHA_NOMINAL].units == 5


@pytest.mark.parametrize(
    "codings",
    [
        {},
        {1: {"a": 1}, 2: {"a": 2}},  # one coder
        {1: {"a": 1, "b": None}, 2: {"a": None, "b": 2}},  # two coders who never both answered
        {1: {"a": None, "b": None}},
    ],
)
def test_without_pairable_units_the_statistics_are_none_over_zero_units(codings: Codings) -> None:
    statistics = agreement(codings)

    assert all(s.value is None and s.units == 0 for s in statistics)
    assert {s.statistic for s in statistics} >= {PERCENT_AGREEMENT, KRIPPENDORFF_ALPHA_NOMINAL}
    assert FLEISS_KAPPA not in {s.statistic for s in statistics}


def test_values_need_only_be_hashable_not_sortable() -> None:
    codings: dict[int, dict[str, frozenset[str] | int | None]] = {
        1: {"a": frozenset({"x"}), "b": frozenset({"x"})},
        2: {"a": frozenset({"x", "y"}), "b": 3},
        3: {"a": 3, "b": 3},
    }

    statistics = _by_name(agreement(codings))

    # a: {x}, {x,y}, 3; b: {x}, 3, 3. p_o = 2/3; p_e = 1/3 * 1/3 + 1/3 * 0 + 1/3 * 2/3 = 1/3; kappa = 1/2.
    assert statistics[COHEN_KAPPA].value == pytest.approx(0.5)


@pytest.mark.parametrize("seed", range(40))
def test_when_all_coders_agree_percent_agreement_is_one_and_alpha_and_kappa_one_or_none(seed: int) -> None:
    rng = random.Random(seed)
    coders = [f"coder{i}" for i in range(rng.randint(2, 5))]
    every_value: list[str | int] = ["yes", "no", "unknown", 7]
    values = every_value[: rng.randint(1, 4)]
    codings: dict[int, dict[str, str | int | None]] = {}
    for unit in range(rng.randint(1, 25)):
        agreed = rng.choice(values)
        codings[unit] = {coder: agreed if rng.random() < 0.75 else None for coder in coders}

    for statistic in agreement(codings):
        if statistic.units == 0:
            assert statistic.value is None
        elif statistic.statistic == PERCENT_AGREEMENT:
            assert statistic.value == 1.0
        else:
            assert statistic.value is None or statistic.value == pytest.approx(1.0)
    assert disagreements(codings) == []


@pytest.mark.parametrize("seed", range(20))
def test_the_statistics_do_not_depend_on_the_order_of_units_or_coders(seed: int) -> None:
    rng = random.Random(seed)
    coders = ["a", "b", "c"][: rng.randint(2, 3)]
    codings = {
        unit: {coder: rng.choice([1, 2, 3, None]) for coder in coders} for unit in range(rng.randint(5, 30))
    }
    units = list(codings)
    rng.shuffle(units)
    shuffled = {unit: dict(reversed(list(codings[unit].items()))) for unit in units}

    original, reordered = agreement(codings), agreement(shuffled)

    assert [(s.statistic, s.coders, s.units) for s in original] == [
        (s.statistic, s.coders, s.units) for s in reordered
    ]
    for a, b in zip(original, reordered, strict=True):
        assert (a.value is None and b.value is None) or a.value == pytest.approx(b.value)
        assert a.value is None or -1.0 <= a.value <= 1.0


def test_alpha_is_computed_exactly_so_equal_data_give_equal_values() -> None:
    # 113/152 as a float is reached from the exact fraction, not by summing floats in unit order.
    reversed_units = dict(reversed(list(KRIPPENDORFF_2011.items())))

    assert _by_name(agreement(reversed_units))[KRIPPENDORFF_ALPHA_NOMINAL].value == float(Fraction(113, 152))


def test_disagreements_list_the_units_whose_values_differ_with_every_coders_value() -> None:
    found = disagreements(KRIPPENDORFF_2011)

    assert found == [
        Disagreement(unit=2, values={"A": 2, "B": 2, "C": 3, "D": 2}),
        Disagreement(unit=6, values={"A": 1, "B": 2, "C": 3, "D": 4}),
        Disagreement(unit=8, values={"A": 1, "B": 1, "C": 2, "D": 1}),
    ]


def test_a_blank_beside_a_value_is_not_a_disagreement_but_is_shown_in_one() -> None:
    codings: Codings = {1: {"a": 1, "b": None}, 2: {"a": 1, "b": 2, "c": None}}

    assert disagreements(codings) == [Disagreement(unit=2, values={"a": 1, "b": 2, "c": None})]


MULTIPLE_CHOICE: dict[str, dict[str, list[str] | None]] = {
    "case1": {"a": ["school", "family"], "b": ["family", "school"]},
    "case2": {"a": ["school"], "b": ["school", "police"]},
    "case3": {"a": None, "b": ["police"]},
    "case4": {"a": [], "b": ["family"]},
}


def test_per_option_makes_one_yes_no_question_per_option() -> None:
    questions = per_option(MULTIPLE_CHOICE, options=["health"])

    assert list(questions) == ["health", "school", "family", "police"]
    assert questions["school"] == {
        "case1": {"a": True, "b": True},
        "case2": {"a": True, "b": True},
        "case3": {"a": None, "b": False},
        "case4": {"a": None, "b": False},  # an empty selection is a blank answer
    }
    assert questions["police"]["case2"] == {"a": False, "b": True}
    assert questions["health"]["case1"] == {"a": False, "b": False}


def test_per_option_can_count_an_empty_selection_as_none_ticked() -> None:
    questions = per_option(MULTIPLE_CHOICE, empty_is_missing=False)

    assert questions["family"]["case4"] == {"a": False, "b": True}
    assert questions["family"]["case3"] == {"a": None, "b": False}


def test_agreement_per_option_tells_which_options_coders_read_differently() -> None:
    questions = per_option(MULTIPLE_CHOICE, options=["health"])

    percent = {
        option: _by_name(agreement(codings))[PERCENT_AGREEMENT] for option, codings in questions.items()
    }

    assert percent["school"].value == 1.0
    assert percent["family"].value == 1.0
    assert percent["police"].value == 0.5  # case1 agree (no, no), case2 disagree
    assert percent["health"].value == 1.0
    assert _by_name(agreement(questions["health"]))[COHEN_KAPPA].value is None  # nobody ticked it


def test_per_option_refuses_a_single_answer_string() -> None:
    with pytest.raises(TypeError):
        per_option({"case1": {"a": "school"}})
