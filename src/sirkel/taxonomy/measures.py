"""The measure kinds of `measures.yaml`: keys, labels, SSB codes and which are network measures."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.utils.functional import Promise

from sirkel.taxonomy.choices import choices, items, label


def kinds() -> list[dict[str, Any]]:
    return items("measures", "measures")


@cache
def _by_key() -> dict[str, dict[str, Any]]:
    return {str(item["key"]): item for item in kinds()}


def kind_keys() -> list[str]:
    return list(_by_key())


def kind_choices() -> list[tuple[str, Promise]]:
    """Choices for a measure-kind field, in the taxonomy's order. A callable, so migrations do not copy the
    list and a new kind in the YAML needs no schema change beyond the check constraint."""
    return choices("measures", "measures")


def kind_label(key: str) -> Promise | str:
    item = _by_key().get(key)
    return label(item) if item else key


def ssb_code(key: str) -> str:
    """Statistics Norway's measure code ("" where SSB has none, e.g. start meetings)."""
    item = _by_key().get(key)
    return str(item.get("code", "")) if item else ""


def is_network(key: str) -> bool:
    item = _by_key().get(key)
    return bool(item and item.get("network"))


def is_imposable(key: str) -> bool:
    """Whether the county board may impose a measure of this kind (child welfare act § 3-4)."""
    item = _by_key().get(key)
    return bool(item and item.get("imposable"))


def imposable_keys() -> list[str]:
    return [k for k in kind_keys() if is_imposable(k)]


@cache
def ssb_categories() -> dict[str, str]:
    """Statistics Norway's measure codes (`ssb-codes.yaml`): code → its Norwegian name."""
    from sirkel.taxonomy.loader import load

    return {str(code): str(name) for code, name in load("ssb-codes")["measure_categories"].items()}


def kinds_with_code(code: str) -> list[str]:
    return [k for k, item in _by_key().items() if str(item.get("code", "")) == code]


GENERIC_KIND = "other"


def kind_for(value: str) -> tuple[str, str] | None:
    """A measure named by its taxonomy key or by an SSB code (`6.2`): `(kind, code)`, or None if neither.

    A code that exactly one kind carries gives that kind (and "" for the code, which the kind implies).
    A code that several kinds share (`6.99`, `3.7`), or that no kind carries (`4.3`), gives the generic
    kind with the code kept, so Statistics Norway's count stays exact."""
    value = value.strip()
    if value in _by_key():
        return value, ""
    if value not in ssb_categories():
        return None
    found = kinds_with_code(value)
    if len(found) == 1:
        return found[0], ""
    return GENERIC_KIND, value
