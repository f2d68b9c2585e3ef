"""Model and form choices built from the taxonomy files, so a vocabulary is written down once (in YAML).

Labels come from the file's `nb` and `en` texts and follow the active language lazily, like
`gettext_lazy`: a choice list built at import time still shows Bokmål or English per request.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise, lazy
from django.utils.translation import get_language

from sirkel.taxonomy.loader import load


def _label(item: dict[str, Any]) -> str:
    language = (get_language() or "nb").lower()
    text = item.get("en") if language.startswith("en") else item.get("nb")
    return str(text or item.get("nb") or item["key"])


_lazy_label = lazy(_label, str)


def label(item: dict[str, Any]) -> Promise:
    """The item's label in the active language, resolved when it is shown."""
    result: Promise = _lazy_label(item)
    return result


def items(vocabulary: str, key: str) -> list[dict[str, Any]]:
    """The entries of one list in one taxonomy file, e.g. `items("network", "sectors")`."""
    entries: list[dict[str, Any]] = load(vocabulary)[key]
    return entries


def keys(vocabulary: str, key: str) -> list[str]:
    return [str(item["key"]) for item in items(vocabulary, key)]


def choices(vocabulary: str, key: str) -> list[tuple[str, Promise]]:
    """`(key, lazy label)` pairs for a model field or form, in the file's order."""
    return [(str(item["key"]), label(item)) for item in items(vocabulary, key)]
