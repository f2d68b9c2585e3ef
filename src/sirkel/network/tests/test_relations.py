"""Which typed relations the taxonomy knows, and where it places them."""

from __future__ import annotations

import pytest
from django.utils import translation

from sirkel.network.relations import match_relation, relation_suggestions


@pytest.mark.parametrize(
    ("typed", "label", "side", "sector"),
    [
        ("Mor", "Mor", "private", ""),
        ("  MORMOR ", "Mormor/morfar/farmor/farfar", "private", ""),
        ("farfar", "Mormor/morfar/farmor/farfar", "private", ""),
        ("Trener", "Trener/leder i fritidsaktivitet", "private", ""),
        ("BUP", "BUP (psykisk helsevern for barn og unge)", "public", "services"),
        (
            "psykisk helsevern for barn og unge",
            "BUP (psykisk helsevern for barn og unge)",
            "public",
            "services",
        ),
        ("Skole", "Skole", "public", "school"),
        ("kindergarten", "Barnehage", "public", "school"),  # the English label matches too
        ("Health nurse", "Helsesykepleier", "public", "services"),
    ],
)
def test_a_relation_matches_its_whole_label_or_a_part_in_either_language(
    typed: str, label: str, side: str, sector: str
) -> None:
    with translation.override("nb"):
        match = match_relation(typed)
    assert match is not None
    assert (match.label, match.side, match.sector) == (label, side, sector)


@pytest.mark.parametrize("typed", ["", "   ", "Trener, håndball", "Kontaktlærer", "Mo", "Nabo til mormor"])
def test_text_the_taxonomy_does_not_know_matches_nothing(typed: str) -> None:
    assert match_relation(typed) is None


def test_no_text_matches_two_entries() -> None:
    keys = [key for suggestion in relation_suggestions() for key in suggestion.keys]
    assert len(keys) == len(set(keys))
