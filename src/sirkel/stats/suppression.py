"""Small cells in an SSB table: primary and secondary suppression, and a check that nothing hidden can be
worked out.

What a reader of a published table knows, and so what must not give a hidden cell away:

- each row's `total` is the sum of its age bands (every child is in one band);
- in every column, a group counts at least as many children as each of its measure codes and at most as
  many as the codes together (a child with 6.1 and 6.2 is one child in `6`); the same between `all` and
  the groups; an extended category counts no more children than its SSB code's row (a resource person
  is in 6.99);
- counts are whole numbers, and a hidden cell is never 0 (zero reveals no one, so it is always shown).

The rules (`suppress`):

1. primary: a count from 1 to `below − 1` is hidden;
2. rows: a row with hidden cells has at least two of them, and when its total is shown, the hidden bands
   together hold at least `below` children (else the smallest count still shown is hidden too, and the
   total when no band is left);
3. columns: where one code of a group is hidden in a column and the group's cell is shown, another code of
   the group is hidden in that column too, or, if there is none, the group's cell (and likewise between
   the groups and `all`, and for an extended row under its code);
4. audit: bounds are propagated through every relation above (interval constraint propagation, to a
   fixed point); a hidden cell whose bounds meet could be worked out, so one more cell is hidden beside
   it, and the rules run again.

Rules 1–4 repeat until nothing changes; every step only hides more, so it ends. The extended rows are
suppressed after the SSB rows and can only hide cells of their own: the SSB rows of a table look the same
with and without `--extended`, so two published tables cannot be compared to undo each other.

A test (`stats/tests/test_suppression_proof.py`) solves, for many generated tables, the integer programme of
all these relations for the least and the greatest value of every hidden cell and finds them different.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sirkel.stats.ssb import (
    LEVEL_ALL,
    LEVEL_EXTENDED,
    LEVEL_GROUP,
    LEVEL_MEASURE,
    TOTAL,
    TableRow,
    age_bands,
    columns,
    group_of,
)
from sirkel.taxonomy import measures as measure_taxonomy

Cell = tuple[int, str]  # (row index, column)
UNBOUNDED = 10**12


@dataclass(frozen=True)
class Family:
    """One column relation: `parent` counts at least as many as each child and, when `capped`, at most
    as many as the children together."""

    parent: int
    children: tuple[int, ...]
    capped: bool


def families(rows: list[TableRow]) -> list[Family]:
    """The parent–children relations between the rows: codes under their group, groups under `all`,
    extended categories under the row of their SSB code (where the table has it)."""
    index = {(r.level, r.code): i for i, r in enumerate(rows)}
    result = []
    all_row = index.get((LEVEL_ALL, "all"))
    groups = [i for i, r in enumerate(rows) if r.level == LEVEL_GROUP]
    if all_row is not None and groups:
        result.append(Family(all_row, tuple(groups), capped=True))
    for g in groups:
        codes = tuple(
            i for i, r in enumerate(rows) if r.level == LEVEL_MEASURE and group_of(r.code) == rows[g].code
        )
        if codes:
            result.append(Family(g, codes, capped=True))
    by_code: dict[int, list[int]] = {}
    for i, r in enumerate(rows):
        if r.level == LEVEL_EXTENDED:
            parent = index.get((LEVEL_MEASURE, measure_taxonomy.ssb_code(r.code)))
            if parent is not None:
                by_code.setdefault(parent, []).append(i)
    result.extend(Family(p, tuple(children), capped=False) for p, children in by_code.items())
    return result


def suppress(rows: list[TableRow], below: int, *, unknown: frozenset[Cell] = frozenset()) -> list[TableRow]:
    """A copy of `rows` in which no count under `below` is shown (None) and no hidden count can be worked
    out from what is shown. `below` 0 (or 1) hides nothing.

    `unknown`: cells whose value is not known exactly (a merged cell with a suppressed part); they stay
    hidden whatever `below` is, their value in `rows` is a lower bound, and the audit finds their least
    and greatest value instead of comparing with the truth."""
    values = {(i, c): int(r.cells[c] or 0) for i, r in enumerate(rows) for c in columns()}
    hidden: set[Cell] = set(unknown)
    if below > 1 or unknown:
        base = {i for i, r in enumerate(rows) if r.level != LEVEL_EXTENDED}
        extra = set(range(len(rows))) - base
        fams = families(rows)
        below = max(below, 1)
        _protect(rows, values, hidden, below, fams, may_hide=base, unknown=unknown)
        if extra:
            _protect(rows, values, hidden, below, fams, may_hide=extra, unknown=unknown)
    return [
        TableRow(
            r.code, r.category, r.level, {c: None if (i, c) in hidden else values[(i, c)] for c in columns()}
        )
        for i, r in enumerate(rows)
    ]


def _protect(
    rows: list[TableRow],
    values: dict[Cell, int],
    hidden: set[Cell],
    below: int,
    fams: list[Family],
    *,
    may_hide: set[int],
    unknown: frozenset[Cell] = frozenset(),
) -> None:
    """Hide cells of the rows in `may_hide` until rules 1–4 hold (for the relations among all rows whose
    cells are already decided: those in `may_hide` and those suppressed before)."""
    decided = may_hide | {i for i, _c in hidden}
    hidden.update((i, c) for i in may_hide for c in columns() if 0 < values[(i, c)] < below)
    bands = age_bands()
    while True:
        before = len(hidden)
        for i in may_hide:
            _protect_row(i, values, hidden, below, bands)
        for fam in fams:
            if fam.parent not in decided or not set(fam.children) <= decided:
                continue
            for c in columns():
                _protect_family(fam, c, values, hidden, may_hide)
        if len(hidden) == before:
            pinned = derivable(rows, values, hidden, fams, rows_in=decided) or exactly_derivable(
                rows, values, hidden, fams, rows_in=decided, unknown=unknown
            )
            if not pinned:
                return
            for cell in pinned:
                _hide_beside(cell, values, hidden, fams, may_hide, bands)
                if len(hidden) > before:
                    break
            else:  # nothing left beside them: hide all that may be hidden (a table too small to show)
                hidden.update((i, c) for i in may_hide for c in columns() if values[(i, c)] > 0)
                if len(hidden) == before:
                    return


def _smallest_shown(cells: Iterable[Cell], values: dict[Cell, int], hidden: set[Cell]) -> Cell | None:
    shown = [cell for cell in cells if cell not in hidden and values[cell] > 0]
    return min(shown, key=lambda cell: (values[cell], cell)) if shown else None


def _protect_row(
    i: int, values: dict[Cell, int], hidden: set[Cell], below: int, bands: tuple[str, ...]
) -> None:
    """Rule 2 for row `i`: with the total shown, at least two hidden bands holding at least `below`
    children together, and more children than hidden bands (else, since a hidden cell is at least 1, each
    would be known to be 1); with the total hidden, at least one hidden band beside it."""
    while True:
        hidden_bands = [(i, b) for b in bands if (i, b) in hidden]
        total_shown = (i, TOTAL) not in hidden
        if total_shown:
            hidden_sum = sum(values[cell] for cell in hidden_bands)
            if not hidden_bands or (
                len(hidden_bands) >= 2 and hidden_sum >= below and hidden_sum > len(hidden_bands)
            ):
                return
        elif hidden_bands:
            return
        extra = _smallest_shown(((i, b) for b in bands), values, hidden)
        if extra is None and total_shown and values[(i, TOTAL)] > 0:
            extra = (i, TOTAL)
        if extra is None:
            return
        hidden.add(extra)


def _protect_family(
    fam: Family, c: str, values: dict[Cell, int], hidden: set[Cell], may_hide: set[int]
) -> None:
    if (fam.parent, c) in hidden:
        return
    hidden_children = [k for k in fam.children if (k, c) in hidden]
    if len(hidden_children) != 1:
        return
    candidates = [(k, c) for k in fam.children if k in may_hide]
    sibling = _smallest_shown(candidates, values, hidden)
    if sibling is not None:
        hidden.add(sibling)
    elif fam.parent in may_hide and values[(fam.parent, c)] > 0:
        hidden.add((fam.parent, c))


def _hide_beside(
    pinned: Cell,
    values: dict[Cell, int],
    hidden: set[Cell],
    fams: list[Family],
    may_hide: set[int],
    bands: tuple[str, ...],
) -> None:
    """One more hidden cell next to a cell that could be worked out: in its row if it may, else in its
    column (a sibling, the parent or a child)."""
    i, c = pinned
    if i in may_hide:
        extra = _smallest_in_row(i, values, hidden, bands)
        if extra is not None:
            hidden.add(extra)
            return
    relatives = [
        k for fam in fams if i == fam.parent or i in fam.children for k in (fam.parent, *fam.children)
    ]
    relatives = [k for k in dict.fromkeys(relatives) if k != i and k in may_hide]
    extra = _smallest_shown(((k, c) for k in relatives), values, hidden)
    if extra is None:  # the relatives' cells are hidden already: more in their rows
        extra = next(
            (x for k in relatives if (x := _smallest_in_row(k, values, hidden, bands)) is not None), None
        )
    if extra is not None:
        hidden.add(extra)


def _smallest_in_row(
    i: int, values: dict[Cell, int], hidden: set[Cell], bands: tuple[str, ...]
) -> Cell | None:
    """The smallest band still shown in row `i`, or its total when no band is left."""
    extra = _smallest_shown(((i, b) for b in bands), values, hidden)
    if extra is None and (i, TOTAL) not in hidden and values[(i, TOTAL)] > 0:
        extra = (i, TOTAL)
    return extra


def derivable(
    rows: list[TableRow],
    values: dict[Cell, int],
    hidden: set[Cell],
    fams: list[Family],
    *,
    rows_in: set[int] | None = None,
) -> list[Cell]:
    """Hidden cells whose value follows from what is shown, found by propagating bounds through every
    relation (`rows_in`: only the relations among these rows). Sound, not complete: a cell it returns can
    certainly be worked out; the proof test checks the rest with an exact solver."""
    rows_in = set(range(len(rows))) if rows_in is None else rows_in
    lo: dict[Cell, int] = {}
    hi: dict[Cell, int] = {}
    for cell in hidden:
        if cell[0] in rows_in:
            lo[cell], hi[cell] = 1, UNBOUNDED

    def low(cell: Cell) -> int:
        return lo[cell] if cell in lo else values[cell]

    def high(cell: Cell) -> int:
        return hi[cell] if cell in hi else values[cell]

    def tighten(cell: Cell, new_lo: int, new_hi: int) -> bool:
        if cell not in lo:
            return False
        changed = False
        if new_lo > lo[cell]:
            lo[cell], changed = new_lo, True
        if new_hi < hi[cell]:
            hi[cell], changed = new_hi, True
        return changed

    bands = age_bands()
    for _round in range(100):
        changed = False
        for i in rows_in:
            cells = [(i, b) for b in bands]
            total = (i, TOTAL)
            changed |= tighten(total, sum(low(x) for x in cells), sum(high(x) for x in cells))
            for x in cells:
                rest_lo = sum(low(y) for y in cells if y != x)
                rest_hi = sum(high(y) for y in cells if y != x)
                changed |= tighten(x, low(total) - rest_hi, high(total) - rest_lo)
        for fam in fams:
            if fam.parent not in rows_in or not set(fam.children) <= rows_in:
                continue
            for c in columns():
                parent = (fam.parent, c)
                kids = [(k, c) for k in fam.children]
                changed |= tighten(parent, max(low(k) for k in kids), UNBOUNDED)
                for k in kids:
                    changed |= tighten(k, 0, high(parent))
                if fam.capped:
                    changed |= tighten(parent, 0, sum(high(k) for k in kids))
                    for k in kids:
                        rest_hi = sum(high(y) for y in kids if y != k)
                        changed |= tighten(k, low(parent) - rest_hi, UNBOUNDED)
        if not changed:
            break
    return sorted(cell for cell in lo if lo[cell] >= hi[cell])


def exactly_derivable(
    rows: list[TableRow],
    values: dict[Cell, int],
    hidden: set[Cell],
    fams: list[Family],
    *,
    rows_in: set[int] | None = None,
    unknown: frozenset[Cell] = frozenset(),
) -> list[Cell]:
    """Hidden cells whose value follows from what is shown, exactly: for each, an integer programme
    (scipy's HiGHS) looks for a table that agrees with everything shown and with every relation but has
    another value in that cell. A table found for one cell usually differs in others too, which are then
    settled without a programme of their own."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    rows_in = set(range(len(rows))) if rows_in is None else rows_in
    cells = sorted(cell for cell in hidden if cell[0] in rows_in)
    if not cells:
        return []
    var = {cell: n for n, cell in enumerate(cells)}
    truth = np.array([values[cell] for cell in cells], dtype=float)
    matrix: list[list[float]] = []
    lows: list[float] = []
    highs: list[float] = []

    def relation(terms: list[tuple[float, Cell]], low: float, high: float) -> None:
        coefficients = [0.0] * len(cells)
        constant = 0.0
        for sign, cell in terms:
            if cell in var:
                coefficients[var[cell]] += sign
            else:
                constant += sign * values[cell]
        if any(coefficients):
            matrix.append(coefficients)
            lows.append(low - constant)
            highs.append(high - constant)

    bands = age_bands()
    for i in rows_in:
        relation([(1.0, (i, b)) for b in bands] + [(-1.0, (i, TOTAL))], 0, 0)
    for fam in fams:
        if fam.parent not in rows_in or not set(fam.children) <= rows_in:
            continue
        for c in columns():
            for k in fam.children:
                relation([(1.0, (fam.parent, c)), (-1.0, (k, c))], 0, np.inf)
            if fam.capped:
                relation([(1.0, (k, c)) for k in fam.children] + [(-1.0, (fam.parent, c))], 0, np.inf)
    constraints = [LinearConstraint(np.array(matrix), lows, highs)] if matrix else []
    integrality = np.ones(len(cells), dtype=np.int64)
    unsettled = set(range(len(cells)))
    pinned: list[Cell] = []
    for n in [var[cell] for cell in cells if cell in unknown]:
        unsettled.discard(n)
        least, greatest = (
            milp(
                objective,
                constraints=constraints,
                integrality=integrality,
                bounds=Bounds(1, float(UNBOUNDED)),
            )
            for objective in (np.eye(len(cells))[n], -np.eye(len(cells))[n])
        )
        if least.success and greatest.success and round(least.x[n]) == round(greatest.x[n]):
            pinned.append(cells[n])
    # Two tables at the far ends (fewest and most children hidden) settle most cells at once.
    for sign in (1.0, -1.0):
        if not unsettled:
            break
        found = milp(
            np.full(len(cells), sign),
            constraints=constraints,
            integrality=integrality,
            bounds=Bounds(1, float(UNBOUNDED)),
        )
        if found.success:
            unsettled -= {m for m in unsettled if round(found.x[m]) != truth[m]}
    while unsettled:
        n = unsettled.pop()
        for low, high in ((1, truth[n] - 1), (truth[n] + 1, UNBOUNDED)):
            if low > high:
                continue
            lower = np.ones(len(cells))
            upper = np.full(len(cells), float(UNBOUNDED))
            lower[n], upper[n] = low, high
            found = milp(
                np.zeros(len(cells)),
                constraints=constraints,
                integrality=integrality,
                bounds=Bounds(lower, upper),
            )
            if found.success:
                unsettled -= {m for m in unsettled if round(found.x[m]) != truth[m]}
                break
        else:
            pinned.append(cells[n])
    return pinned
