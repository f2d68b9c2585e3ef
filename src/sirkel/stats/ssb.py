"""Statistics Norway's table of children with measures during a year, computed from plain rows.

No database and no request here: `selectors` fetches the rows and this module counts and suppresses them.
The rows are either one per measure period that touches the year (`PeriodRow`, `count`) or, as the
selector reads them, children already grouped in the database by birth year and the set of their
measures (`Children`, `count_children`); both give the same table.

How SSB counts (and so how this counts):

- a measure counts in year Y when its period touches Y: it started on or before 31 December of Y and ended
  on or after 1 January of Y, or is ongoing. Planned measures (not started) do not count;
- the child's age is the age on 31 December of Y, which is Y minus the year of birth (a child born on
  31 December is that age on that day); ages are banded 0–2, 3–5, 6–12, 13–17, 18–22, 23–24, as in
  `ssb-codes.yaml`. Children outside 0–24 that year are not in the table (`TableCounts.outside_ages`);
- each child once per cell: a child with two periods of 6.2 in the year is one child in 6.2; a child with
  6.1 and 6.2 is one child in each, and one in the group `6`; `all` is the children with any SSB measure;
- `total` is the sum over the age bands (each child is in exactly one band);
- with `extended`, rows for the study's extended categories (resource person, natural mentor, start
  meeting, network mapping done), keyed by their taxonomy key. They are not SSB measures: a start meeting
  is in no SSB row, and a resource person is also in 6.99, where SSB puts it.

Suppression (`suppress`) is in `suppression.py`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sirkel.taxonomy import measures as measure_taxonomy
from sirkel.taxonomy.loader import load

TOTAL = "total"
ALL = "all"
SUPPRESSED = ":"
MIN_CELL = 3  # the default: a count below this is shown as ":"
LEVEL_ALL = "all"
LEVEL_GROUP = "group"
LEVEL_MEASURE = "measure"
LEVEL_EXTENDED = "extended"
NETWORK_MAPPING = "network_mapping"  # also counted where the child's network was mapped (a snapshot)


@cache
def age_bands() -> tuple[str, ...]:
    """SSB's published age bands, exactly as `ssb-codes.yaml` writes them (`0-2`, …, `23-24`)."""
    return tuple(str(b) for b in load("ssb-codes")["age_bands"])


@cache
def _band_of_age() -> dict[int, str]:
    bands: dict[int, str] = {}
    for band in age_bands():
        low, high = (int(x) for x in band.split("-"))
        for age in range(low, high + 1):
            bands[age] = band
    return bands


def age_band(age: int) -> str | None:
    """The band of an age on 31 December, or None outside 0–24."""
    return _band_of_age().get(age)


def columns() -> tuple[str, ...]:
    """The table's columns: the age bands, then `total`."""
    return (*age_bands(), TOTAL)


@cache
def group_names() -> dict[str, str]:
    return {str(k): str(v) for k, v in load("ssb-codes")["measure_groups"].items()}


def extended_kinds() -> tuple[str, ...]:
    """The study's extended categories: the measure kinds `measures.yaml` marks `extended`."""
    return tuple(str(k["key"]) for k in measure_taxonomy.kinds() if k.get("extended"))


def group_of(code: str) -> str:
    """The group of an SSB code: its first digit(s) before the dot (`6.99` → `6`)."""
    return code.split(".", 1)[0]


def code_sort_key(code: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdecimal() else 0 for p in code.split("."))


def category(code: str, level: str) -> str:
    """The row's Bokmål name, as SSB publishes it (the extended ones from `measures.yaml`)."""
    if level == LEVEL_ALL:
        return "Alle tiltak"
    if level == LEVEL_GROUP:
        return group_names().get(code, code)
    if level == LEVEL_EXTENDED:
        item = next((k for k in measure_taxonomy.kinds() if k["key"] == code), None)
        return str(item["nb"]) if item else code
    return measure_taxonomy.ssb_categories().get(code, code)


@dataclass(frozen=True)
class PeriodRow:
    """One measure period that touches the year (or one network mapping in it), as the count needs it."""

    child: int  # the case: one child in one service
    birth_year: int
    code: str  # SSB's measure code; "" where the kind has none (a start meeting)
    kind: str  # the taxonomy key of the measure's kind


@dataclass
class TableRow:
    code: str  # "6.2", "6", "all", or an extended category's taxonomy key
    category: str
    level: str  # LEVEL_*
    cells: dict[str, int | None]  # every column; None where suppressed

    def shown(self, column: str) -> str:
        value = self.cells[column]
        return SUPPRESSED if value is None else str(value)


@dataclass
class SsbTable:
    year: int
    rows: list[TableRow]
    suppress_below: int
    extended: bool
    services: list[str] = field(default_factory=list)
    outside_ages: int = 0  # children with a measure that year but aged over 24 (or not yet born)

    def row(self, code: str) -> TableRow | None:
        return next((r for r in self.rows if r.code == code), None)

    def cell(self, code: str, column: str) -> int | None:
        row = self.row(code)
        if row is None:
            raise KeyError(code)
        return row.cells[column]

    def csv_records(self) -> Iterable[tuple[str, str, str, str]]:
        """`code,category,age_band,children` records, row by row, the bands then `total`."""
        for row in self.rows:
            for column in columns():
                yield row.code, row.category, column, row.shown(column)

    def as_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "services": self.services,
            "suppress_below": self.suppress_below,
            "extended": self.extended,
            "age_bands": list(age_bands()),
            "rows": [
                {
                    "code": r.code,
                    "category": r.category,
                    "level": r.level,
                    "children": {c: (SUPPRESSED if r.cells[c] is None else r.cells[c]) for c in columns()},
                }
                for r in self.rows
            ],
        }


@dataclass(frozen=True)
class Children:
    """Children alike for the table, and how many: born the same year, with the same SSB codes and the
    same measure kinds during the year. The count needs no more than this about a child, so the
    selector can group children in the database and hand over a few thousand of these instead of a row
    per measure period."""

    birth_year: int
    codes: frozenset[str]  # SSB codes of the child's periods that year ("" left out)
    kinds: frozenset[str]  # taxonomy keys of their kinds (and `network_mapping` where it was mapped)
    n: int


def children_of(periods: Iterable[PeriodRow]) -> list[Children]:
    """`periods` grouped by child (one `Children` each)."""
    born: dict[int, int] = {}
    codes: dict[int, set[str]] = defaultdict(set)
    kinds: dict[int, set[str]] = defaultdict(set)
    for p in periods:
        born[p.child] = p.birth_year
        if p.code:
            codes[p.child].add(p.code)
        kinds[p.child].add(p.kind)
    return [Children(b, frozenset(codes[c]), frozenset(kinds[c]), 1) for c, b in born.items()]


def count(periods: Iterable[PeriodRow], *, year: int, extended: bool = False) -> tuple[list[TableRow], int]:
    """The unsuppressed table for `year` from its measure periods (see `count_children`).

    `periods` must already be those touching the year (the selector filters them in the database)."""
    return count_children(children_of(periods), year=year, extended=extended)


def count_children(
    children: Iterable[Children], *, year: int, extended: bool = False
) -> tuple[list[TableRow], int]:
    """The unsuppressed table for `year`: its rows in SSB's order (all, then each group followed by its
    measure codes, then the extended categories), and how many children fell outside the ages 0–24.

    Each `Children` is that many distinct children (a child is in exactly one), so a cell is a sum."""
    extended_keys = frozenset(extended_kinds()) if extended else frozenset()
    band_of_age = _band_of_age()
    # First children alike for the table (same band, codes and extended kinds) are added up: far fewer
    # of these than of birth years, so each code set is spread over its rows once per band.
    alike: dict[tuple[str, frozenset[str], frozenset[str]], int] = defaultdict(int)
    outside = 0
    for c in children:
        band = band_of_age.get(year - c.birth_year)
        if band is None:
            outside += c.n
            continue
        alike[(band, c.codes, c.kinds & extended_keys if extended else extended_keys)] += c.n
    # (row code, level) → band → children
    cells: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(age_bands(), 0))
    for (band, codes, kinds), n in alike.items():
        if codes:
            cells[(ALL, LEVEL_ALL)][band] += n
            for code in codes:
                cells[(code, LEVEL_MEASURE)][band] += n
            for group in {group_of(code) for code in codes}:
                cells[(group, LEVEL_GROUP)][band] += n
        for kind in kinds:
            cells[(kind, LEVEL_EXTENDED)][band] += n
    rows = [_row(ALL, LEVEL_ALL, cells.get((ALL, LEVEL_ALL)))]
    groups = sorted({code for code, level in cells if level == LEVEL_GROUP}, key=code_sort_key)
    for group in groups:
        rows.append(_row(group, LEVEL_GROUP, cells[(group, LEVEL_GROUP)]))
        in_group = sorted(
            (c for c, level in cells if level == LEVEL_MEASURE and group_of(c) == group), key=code_sort_key
        )
        rows.extend(_row(c, LEVEL_MEASURE, cells[(c, LEVEL_MEASURE)]) for c in in_group)
    for key in extended_kinds() if extended else ():
        rows.append(_row(key, LEVEL_EXTENDED, cells.get((key, LEVEL_EXTENDED))))
    return rows, outside


def _row(code: str, level: str, bands: dict[str, int] | None) -> TableRow:
    cells: dict[str, int | None] = dict.fromkeys(age_bands(), 0)
    if bands:
        cells.update(bands)
    # Each child is in exactly one band, so the children in the row are the bands' sum.
    cells[TOTAL] = sum(bands.values()) if bands else 0
    return TableRow(code=code, category=category(code, level), level=level, cells=cells)


def table(
    periods: Iterable[PeriodRow],
    *,
    year: int,
    extended: bool = False,
    suppress_below: int = MIN_CELL,
    services: Sequence[str] = (),
) -> SsbTable:
    """Count and suppress: the table as it may be shown."""
    return table_of_children(
        children_of(periods), year=year, extended=extended, suppress_below=suppress_below, services=services
    )


def table_of_children(
    children: Iterable[Children],
    *,
    year: int,
    extended: bool = False,
    suppress_below: int = MIN_CELL,
    services: Sequence[str] = (),
) -> SsbTable:
    """Count and suppress: the table as it may be shown, from children grouped alike."""
    from sirkel.stats.suppression import suppress

    rows, outside = count_children(children, year=year, extended=extended)
    return SsbTable(
        year=year,
        rows=suppress(rows, suppress_below),
        suppress_below=suppress_below,
        extended=extended,
        services=list(services),
        outside_ages=outside,
    )
