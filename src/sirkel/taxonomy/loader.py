"""Load the versioned vocabularies shipped in `taxonomy/data/` (copied from the study's taxonomy)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml
from django.core.exceptions import ImproperlyConfigured


class TaxonomyError(ImproperlyConfigured):
    """A vocabulary file Sirkel cannot use: missing, not a mapping, or without a valid `version`."""


def parse(text: str, *, name: str) -> dict[str, Any]:
    """Parse and check the text of one vocabulary file. `name` is only used in the error messages.

    Every file carries a top-level `version:`, a whole number of at least 1 (see `data/README.md`):
    data coded against a vocabulary can then say which version of it was used.
    """
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise TaxonomyError(f"taxonomy file {name}.yaml is not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise TaxonomyError(f"taxonomy file {name}.yaml must be a mapping at the top level")
    if "version" not in data:
        raise TaxonomyError(
            f"taxonomy file {name}.yaml has no top-level 'version:'; add one (e.g. 'version: 1'), "
            "see taxonomy/data/README.md"
        )
    found = data["version"]
    # bool is an int in Python: `version: yes` must not pass as version 1.
    if isinstance(found, bool) or not isinstance(found, int) or found < 1:
        raise TaxonomyError(
            f"taxonomy file {name}.yaml has version {found!r}; the version is a whole number of at least 1"
        )
    return data


@cache
def load(name: str) -> dict[str, Any]:
    """Parse one vocabulary file, e.g. `load("network")`. Cached for the life of the process."""
    path = resources.files("sirkel.taxonomy").joinpath("data", f"{name}.yaml")
    if not path.is_file():
        raise TaxonomyError(f"there is no taxonomy file {name}.yaml in sirkel/taxonomy/data")
    return parse(path.read_text(encoding="utf-8"), name=name)


def version(name: str) -> int:
    """The version of one vocabulary file, e.g. `version("network")`."""
    found: int = load(name)["version"]
    return found


def names() -> list[str]:
    """The names of every vocabulary file shipped with Sirkel, sorted (`network`, `measures`, …)."""
    folder = resources.files("sirkel.taxonomy").joinpath("data")
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


def reference_tables() -> dict[str, Any]:
    return load("reference-tables")


def measures() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = load("measures")["measures"]
    return items
