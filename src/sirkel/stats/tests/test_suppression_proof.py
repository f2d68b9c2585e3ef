"""Proof that no suppressed cell of an SSB table can be worked out from what is shown.

For generated tables (random children, birth years and measures, small enough to have many small cells),
an exact integer programme is solved (scipy's HiGHS, `milp`) for the least and the greatest value each
hidden cell can take, given everything a reader knows: the cells shown, each row's total as the sum of its
bands, each group between its largest code and the sum of its codes (and `all` over the groups), each
extended category at most its code's row, whole numbers, and a hidden cell never 0. Both must differ.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from sirkel.stats import ssb
from sirkel.stats.suppression import Cell, families, suppress

BIG = 100_000
SEEDS = 40
CODES = ["6.1", "6.2", "6.3", "6.4", "6.99", "4.3", "4.6", "3.2", "3.7"]
KINDS = {"6.1": "family_group_conference", "6.2": "network_meeting", "6.3": "individual_plan"}
KINDS |= {"6.4": "responsibility_group", "6.99": "resource_person", "4.3": "other", "4.6": "other"}
KINDS |= {"3.2": "other", "3.7": "other"}


def generated_periods(seed: int) -> list[ssb.PeriodRow]:
    rng = random.Random(seed)
    children = rng.randint(3, 90)
    codes = rng.sample(CODES, rng.randint(1, len(CODES)))
    periods = []
    for child in range(children):
        born = 2021 - rng.choice([0, 1, 4, 7, 9, 11, 13, 15, 16, 19, 23, 24])
        for code in rng.sample(codes, rng.choice([1, 1, 1, 2, 3]) if len(codes) > 2 else 1):
            kind = KINDS[code] if not (code == "6.99" and rng.random() < 0.5) else "natural_mentor"
            periods.append(ssb.PeriodRow(child=child, birth_year=born, code=code, kind=kind))
        if rng.random() < 0.1:
            periods.append(ssb.PeriodRow(child=child, birth_year=born, code="", kind="start_meeting"))
    return periods


def bounds_of_hidden(rows: list[ssb.TableRow], shown: list[ssb.TableRow]) -> dict[Cell, tuple[float, float]]:
    """The least and greatest value of every hidden cell, by integer programming over all relations."""
    hidden = [(i, c) for i, r in enumerate(shown) for c in ssb.columns() if r.cells[c] is None]
    if not hidden:
        return {}
    var = {cell: n for n, cell in enumerate(hidden)}

    def term(cell: Cell) -> tuple[dict[int, float], float]:
        """A cell as (coefficients of hidden variables, constant)."""
        if cell in var:
            return {var[cell]: 1.0}, 0.0
        value = shown[cell[0]].cells[cell[1]]
        assert value is not None
        return {}, float(value)

    rows_a: list[np.ndarray] = []
    lbs: list[float] = []
    ubs: list[float] = []

    def add(terms: list[tuple[float, Cell]], lb: float, ub: float) -> None:
        coefficients = np.zeros(len(hidden))
        constant = 0.0
        for sign, cell in terms:
            coeffs, const = term(cell)
            for k, v in coeffs.items():
                coefficients[k] += sign * v
            constant += sign * const
        if not coefficients.any():
            assert lb - 1e-9 <= constant <= ub + 1e-9, "the shown cells contradict each other"
            return
        rows_a.append(coefficients)
        lbs.append(lb - constant)
        ubs.append(ub - constant)

    for i in range(len(rows)):
        add([(1.0, (i, b)) for b in ssb.age_bands()] + [(-1.0, (i, ssb.TOTAL))], 0, 0)
    for fam in families(rows):
        for c in ssb.columns():
            for k in fam.children:
                add([(1.0, (fam.parent, c)), (-1.0, (k, c))], 0, np.inf)
            if fam.capped:
                add([(1.0, (k, c)) for k in fam.children] + [(-1.0, (fam.parent, c))], 0, np.inf)
    constraints = [LinearConstraint(np.array(rows_a), lbs, ubs)] if rows_a else []
    result = {}
    for cell, n in var.items():
        objective = np.zeros(len(hidden))
        found = []
        for sign in (1.0, -1.0):
            objective[n] = sign
            solution = milp(
                objective,
                constraints=constraints,
                integrality=np.ones(len(hidden), dtype=np.int64),
                bounds=Bounds(np.ones(len(hidden)), np.full(len(hidden), BIG)),
            )
            assert solution.success, solution.message
            found.append(solution.x[n])
        result[cell] = (round(found[0]), round(found[1]))
    return result


@pytest.mark.parametrize("extended", [False, True])
def test_no_hidden_cell_of_a_generated_table_can_be_worked_out(extended: bool) -> None:
    hidden_cells = 0
    for seed in range(SEEDS):
        rows, _outside = ssb.count(generated_periods(seed), year=2021, extended=extended)
        shown = suppress(rows, 3)
        for cell, (least, greatest) in bounds_of_hidden(rows, shown).items():
            hidden_cells += 1
            true = rows[cell[0]].cells[cell[1]]
            assert true is not None
            assert least <= true <= greatest  # the programme is the reader's view of the true table
            assert least < greatest, f"seed {seed}: {rows[cell[0]].code} {cell[1]} is {true}, derivable"
    assert hidden_cells > 200  # the generated tables do have much to hide


def test_small_counts_are_hidden_and_everything_shown_is_true() -> None:
    for seed in range(SEEDS):
        rows, _outside = ssb.count(generated_periods(seed), year=2021, extended=True)
        shown = suppress(rows, 3)
        for row, out in zip(rows, shown, strict=True):
            for c in ssb.columns():
                value = row.cells[c]
                assert value is not None
                if 0 < value < 3:
                    assert out.cells[c] is None
                if value == 0:
                    assert out.cells[c] == 0  # zero reveals no one
                if out.cells[c] is not None:
                    assert out.cells[c] == value


def test_the_ssb_rows_look_the_same_with_and_without_the_extended_rows() -> None:
    for seed in range(SEEDS):
        periods = generated_periods(seed)
        plain = suppress(ssb.count(periods, year=2021)[0], 3)
        extended = suppress(ssb.count(periods, year=2021, extended=True)[0], 3)
        assert [r.cells for r in extended if r.level != ssb.LEVEL_EXTENDED] == [r.cells for r in plain]


def test_suppression_below_zero_or_one_hides_nothing() -> None:
    rows, _outside = ssb.count(generated_periods(3), year=2021)
    assert suppress(rows, 0) == rows
    assert all(v is not None for r in suppress(rows, 1) for v in r.cells.values())


def test_a_single_small_cell_takes_a_second_cell_and_the_group_with_it() -> None:
    # 6.2: five children 6–12 and one 13–17; 6.1: four children 6–12. Group 6 has all ten.
    periods = [ssb.PeriodRow(n, 2012, "6.2", "network_meeting") for n in range(5)]
    periods += [ssb.PeriodRow(5, 2006, "6.2", "network_meeting")]
    periods += [ssb.PeriodRow(n, 2012, "6.1", "family_group_conference") for n in range(6, 10)]
    table = ssb.table(periods, year=2021)
    assert table.cell("6.2", "13-17") is None  # 1 child
    assert table.cell("6.2", "6-12") is None  # else 6 − 5 gives it away
    assert table.cell("6.2", ssb.TOTAL) == 6
    assert table.cell("6.1", "6-12") == 4
    # the group's 13–17 is 1 child too; its 6–12 (9) is hidden with it, the total stays
    assert table.cell("6", "13-17") is None
    assert table.cell("6", "6-12") is None
    assert table.cell("6", ssb.TOTAL) == 10
