"""Ids from URLs, query strings and forms: only what the database can hold, and only ASCII digits."""

from __future__ import annotations

import pytest

from sirkel.core.converters import IdConverter, parse_id


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("7", 7),
        ("000012", 12),
        ("9" * 18, int("9" * 18)),
        ("9" * 19, None),
        ("6¹", None),
        ("٣", None),
        ("", None),
        ("-1", None),
        ("1.0", None),
    ],
)
def test_parse_id_takes_only_ascii_digits_that_fit_the_database(raw: str, expected: int | None) -> None:
    assert parse_id(raw) == expected


def test_the_url_converter_accepts_at_most_eighteen_digits() -> None:
    import re

    pattern = re.compile(rf"^{IdConverter.regex}$")
    assert pattern.match("9" * 18) and not pattern.match("9" * 19) and not pattern.match("")
    assert IdConverter().to_python("0042") == 42
