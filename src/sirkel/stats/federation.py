"""Federated national figures: a service's suppressed SSB table as a file, and the merge of such files.

No person-level data leaves a service: the file holds the table as it may be shown (cells under the
threshold already `:`), the year, the service's name and the threshold. A region or a directorate merges
the files of several services into one table (`merge`):

- rows are matched by level and code; a row a service does not have counts 0 there (no child in it);
- a merged cell is the sum of the services' cells (a child is one case in one service), and is
  suppressed when any service's part of it was (its value is then unknown: at least the parts shown);
- suppression is applied again to the merged table (`suppression.suppress`, the unknown cells hidden
  from the start), so that no small sum and no hidden cell can be worked out from the merged figures.

Where no part is suppressed, the merged cell equals the table of the services counted together.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from sirkel.stats import ssb
from sirkel.stats.suppression import Cell, suppress

FORMAT = "sirkel-ssb-figures"
VERSION = 1


class FederationError(ValueError):
    """A file that cannot be merged: its message says which and why, in plain words."""


def export_document(table: ssb.SsbTable, *, service: str) -> dict[str, Any]:
    """The file a service sends: its suppressed table for one year."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "service": service,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        **table.as_json(),
    }


def read_document(text: str, *, name: str) -> dict[str, Any]:
    """A file's figures, checked: the format, the year, the age bands and every row's cells."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FederationError(f"{name}: not a JSON file ({exc.msg}, line {exc.lineno}).") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise FederationError(f"{name}: not a file of Sirkel's figures (format {FORMAT!r} expected).")
    if document.get("version") != VERSION:
        raise FederationError(f"{name}: version {document.get('version')!r} of the file cannot be read.")
    if not isinstance(document.get("year"), int):
        raise FederationError(f"{name}: the year is missing.")
    if document.get("age_bands") != list(ssb.age_bands()):
        raise FederationError(f"{name}: other age bands than {', '.join(ssb.age_bands())}.")
    rows = document.get("rows")
    if not isinstance(rows, list):
        raise FederationError(f"{name}: the rows are missing.")
    levels = {ssb.LEVEL_ALL, ssb.LEVEL_GROUP, ssb.LEVEL_MEASURE, ssb.LEVEL_EXTENDED}
    for n, row in enumerate(rows, start=1):
        children = row.get("children") if isinstance(row, dict) else None
        if (
            not isinstance(children, dict)
            or row.get("level") not in levels
            or not isinstance(row.get("code"), str)
            or set(children) != set(ssb.columns())
            or not all(v == ssb.SUPPRESSED or (isinstance(v, int) and v >= 0) for v in children.values())
        ):
            raise FederationError(f"{name}: row {n} is not a row of the table.")
    return document


def merge(documents: Sequence[dict[str, Any]], *, suppress_below: int = ssb.MIN_CELL) -> ssb.SsbTable:
    """One table of several services' files for the same year, suppressed again."""
    if not documents:
        raise FederationError("No files to merge.")
    years = {d["year"] for d in documents}
    if len(years) > 1:
        raise FederationError(
            f"The files are of different years: {', '.join(str(y) for y in sorted(years))}."
        )
    services = [str(d.get("service", "")) for d in documents]
    if len(set(services)) < len(services):
        raise FederationError("A service's file is given twice: each service counts once.")
    extended = all(d.get("extended") for d in documents)
    keys: dict[tuple[str, str], str] = {}
    for document in documents:
        for row in document["rows"]:
            if row["level"] != ssb.LEVEL_EXTENDED or extended:
                keys.setdefault((row["level"], row["code"]), row["category"])
    ordered = _ssb_order(list(keys))
    merged: list[ssb.TableRow] = []
    unknown: set[Cell] = set()
    for i, (level, code) in enumerate(ordered):
        cells: dict[str, int | None] = {}
        for column in ssb.columns():
            total = 0
            for document in documents:
                part = next(
                    (
                        r["children"][column]
                        for r in document["rows"]
                        if (r["level"], r["code"]) == (level, code)
                    ),
                    0,
                )
                if part == ssb.SUPPRESSED:
                    unknown.add((i, column))
                    total += 1  # a hidden part is at least 1
                else:
                    total += int(part)
            cells[column] = total
        merged.append(ssb.TableRow(code=code, category=keys[(level, code)], level=level, cells=cells))
    return ssb.SsbTable(
        year=years.pop(),
        rows=suppress(merged, suppress_below, unknown=frozenset(unknown)),
        suppress_below=suppress_below,
        extended=extended,
        services=services,
    )


def _ssb_order(keys: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """`all`, each group followed by its codes, then the extended categories in the taxonomy's order."""
    groups = sorted((c for level, c in keys if level == ssb.LEVEL_GROUP), key=ssb.code_sort_key)
    ordered = [k for k in keys if k[0] == ssb.LEVEL_ALL]
    for group in groups:
        ordered.append((ssb.LEVEL_GROUP, group))
        codes = [c for level, c in keys if level == ssb.LEVEL_MEASURE and ssb.group_of(c) == group]
        ordered.extend((ssb.LEVEL_MEASURE, c) for c in sorted(codes, key=ssb.code_sort_key))
    orphans = [c for level, c in keys if level == ssb.LEVEL_MEASURE and ssb.group_of(c) not in groups]
    ordered.extend((ssb.LEVEL_MEASURE, c) for c in sorted(orphans, key=ssb.code_sort_key))
    order = {k: n for n, k in enumerate(ssb.extended_kinds())}
    extended = sorted((c for level, c in keys if level == ssb.LEVEL_EXTENDED), key=lambda c: order.get(c, 99))
    ordered.extend((ssb.LEVEL_EXTENDED, c) for c in extended)
    return ordered
