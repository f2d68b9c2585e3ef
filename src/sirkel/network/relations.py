"""The taxonomy's relations and public services: suggestions for the relation field, and what text matches.

A relation typed in the register matches an entry when it is, ignoring case and extra spaces, the entry's
whole label or one of its parts, in Bokmål or English: "Mormor" and "farfar" match
"Mormor/morfar/farmor/farfar", "BUP" matches "BUP (psykisk helsevern for barn og unge)". A match tells the
side, and for public services the sector; a private relation tells the sector only if the taxonomy gives
one (`sector:` on the entry).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language

from sirkel.network.models import Sector, Side
from sirkel.taxonomy.loader import load

LANGUAGES = ("nb", "en")


@dataclass(frozen=True)
class RelationSuggestion:
    label: str  # in the active language
    side: str
    sector: str  # "" = the taxonomy does not say: leave the sector as it is
    keys: tuple[str, ...]  # the texts that match it, normalised by `relation_key`


def relation_key(text: str) -> str:
    """A relation as it is compared: one space between words, case folded."""
    return " ".join(text.split()).casefold()


def _keys(item: dict[str, Any]) -> tuple[str, ...]:
    keys: list[str] = []
    for lang in LANGUAGES:
        label = str(item.get(lang) or "")
        outside = re.sub(r"\([^)]*\)", " ", label)
        inside = re.findall(r"\(([^)]*)\)", label)
        for text in (label, outside, *inside, *outside.split("/")):
            key = relation_key(text).rstrip("-").strip()
            if len(key) >= 2 and key not in keys:
                keys.append(key)
    return tuple(keys)


def _language() -> str:
    return "en" if (get_language() or "nb").startswith("en") else "nb"


def relation_suggestions() -> list[RelationSuggestion]:
    """Relations and public services from the taxonomy, labelled in the active language, with the side and
    sector each suggests: the side by the list it is in, the sector as the taxonomy gives it (network.yaml;
    a public service without one suggests the public services sector)."""
    data = load("network")
    lang = _language()
    public = [
        RelationSuggestion(
            label=str(item[lang]),
            side=Side.PUBLIC,
            sector=str(item.get("sector") or Sector.SERVICES),
            keys=_keys(item),
        )
        for item in data["public_services"]
    ]
    private = [
        RelationSuggestion(
            label=str(item[lang]), side=Side.PRIVATE, sector=str(item.get("sector") or ""), keys=_keys(item)
        )
        for item in data["private_relations"]
    ]
    return private + public


def match_relation(text: str) -> RelationSuggestion | None:
    """The taxonomy entry a typed relation matches, or None (also for an empty relation)."""
    key = relation_key(text)
    if not key:
        return None
    return next((s for s in relation_suggestions() if key in s.keys), None)
