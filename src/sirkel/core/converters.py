"""Path converters for Sirkel's URLs."""

from __future__ import annotations


class IdConverter:
    """A database id in a URL: 1 to 18 digits, so it always fits the 64-bit integer columns. Django's
    `int` takes any number of digits, and an id too large for the database driver raised OverflowError
    (a 500) instead of answering 404."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int | str) -> str:
        return str(value)


def parse_id(value: str) -> int | None:
    """An object id from a query string or a form: the same 1 to 18 ASCII digits as in a URL, else None.
    (`str.isdigit()` also accepts "6¹" and "٣", which `int()` refuses or reads as another number.)"""
    if value.isascii() and value.isdecimal() and len(value) <= 18:
        return int(value)
    return None
