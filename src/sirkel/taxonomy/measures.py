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
