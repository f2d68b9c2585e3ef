"""Reading a page's choices from the query string."""

from __future__ import annotations

MAX_ID = 2_147_483_647  # the largest primary key a URL may name


def bounded_int(value: str | None, *, low: int, high: int) -> int | None:
    """A whole number from the query string within [low, high]; anything else (missing, not digits, too
    long, out of range) is None, so the page falls back to its default."""
    if value is None or not value.isdecimal() or len(value) > 10:
        return None
    number = int(value)
    return number if low <= number <= high else None
