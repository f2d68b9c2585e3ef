"""Load the versioned vocabularies shipped in `taxonomy/data/` (copied from the study's taxonomy)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def load(name: str) -> dict[str, Any]:
    """Parse one vocabulary file, e.g. `load("network")`. Cached for the life of the process."""
    text = resources.files("sirkel.taxonomy").joinpath("data", f"{name}.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def reference_tables() -> dict[str, Any]:
    return load("reference-tables")


def measures() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = load("measures")["measures"]
    return items
