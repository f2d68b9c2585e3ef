"""The loader: every vocabulary file is versioned, a file without a version is refused, and a change to a
file's data comes with a new version."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from sirkel.taxonomy import loader
from sirkel.taxonomy.loader import TaxonomyError, load, names, parse, version

# The version of each file and a fingerprint of its data (everything but `version`). When a test below
# fails because a file's data changed, raise the file's `version:` by one and write both here.
VERSIONS: dict[str, tuple[int, str]] = {
    "case": (1, "85816b1d976a6482"),
    "consent": (2, "fe8da557420677a0"),
    "measures": (2, "4106ea401f4df103"),
    "network": (2, "bf181d053027dc6e"),
    "reasons": (2, "8bcdcd965a59ba57"),
    "reference-tables": (1, "a57c4c8c904f06b3"),
    "registration-form": (1, "cabbebb6a66373b0"),
    "ssb-codes": (1, "67389b6d90ef30ef"),
}


def fingerprint(data: dict[str, Any]) -> str:
    content = {k: v for k, v in data.items() if k != "version"}
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def test_every_shipped_file_is_listed_here() -> None:
    assert names() == sorted(VERSIONS)


@pytest.mark.parametrize("name", sorted(VERSIONS))
def test_every_file_carries_a_whole_number_version(name: str) -> None:
    found = version(name)
    assert isinstance(found, int) and not isinstance(found, bool) and found >= 1
    assert load(name)["version"] == found


@pytest.mark.parametrize("name", sorted(VERSIONS))
def test_a_change_to_a_files_data_raises_its_version(name: str) -> None:
    expected_version, expected_fingerprint = VERSIONS[name]
    found, now = version(name), fingerprint(load(name))
    suggested = found if found != expected_version else expected_version + 1
    assert (found, now) == (expected_version, expected_fingerprint), (
        f"{name}.yaml is at version {found} with data fingerprint {now}; this test expects "
        f"({expected_version}, {expected_fingerprint!r}). After a change to the file's data, set "
        f'`version: {suggested}` in it and VERSIONS["{name}"] = ({suggested}, "{now}") here.'
    )


def test_a_file_without_a_version_is_refused_with_a_clear_error() -> None:
    with pytest.raises(TaxonomyError, match=r"sides\.yaml has no top-level 'version:'"):
        parse("sides:\n  - {key: private, nb: Privat, en: Private}\n", name="sides")


@pytest.mark.parametrize("text", ["version: 0\n", "version: '1'\n", "version: yes\n", "version: 1.5\n"])
def test_a_version_that_is_not_a_whole_number_of_at_least_one_is_refused(text: str) -> None:
    with pytest.raises(TaxonomyError, match="whole number of at least 1"):
        parse(text, name="sides")


@pytest.mark.parametrize("text", ["- a\n- b\n", "", "key: [unclosed\n"])
def test_a_file_that_is_not_a_mapping_is_refused(text: str) -> None:
    with pytest.raises(TaxonomyError, match=r"sides\.yaml"):
        parse(text, name="sides")


def test_the_version_is_read_from_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "load", lambda name: parse("version: 7\nsides: []\n", name=name))
    assert loader.version("sides") == 7


def test_a_missing_file_is_named_in_the_error() -> None:
    with pytest.raises(TaxonomyError, match=r"no taxonomy file nonexistent\.yaml"):
        load("nonexistent")
