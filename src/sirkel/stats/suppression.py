"""Small cells: primary and secondary suppression of an SSB table (in progress: primary only)."""

from __future__ import annotations

from sirkel.stats.ssb import TableRow


def suppress(rows: list[TableRow], below: int) -> list[TableRow]:
    """A copy of `rows` where no cell below `below` is shown (None), and no hidden cell can be worked out."""
    if below <= 0:
        return [TableRow(r.code, r.category, r.level, dict(r.cells)) for r in rows]
    return [
        TableRow(
            r.code,
            r.category,
            r.level,
            {c: (v if v is None or v == 0 or v >= below else None) for c, v in r.cells.items()},
        )
        for r in rows
    ]
