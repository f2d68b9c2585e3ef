"""The scrubber's token pass for names replaces exactly what its regular expression does.

`Scrubber.token_names` (a dictionary of name forms, looked up word by word) is what the export runs;
`Scrubber.regex_names` (one pattern of all forms) is the rule it must keep. Both run here on every
text of the scrubbing tests and on tricky extra cases, for several sets of people.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from sirkel.research import scrub
from sirkel.research.scrub import Person, Replacement, Scrubber
from sirkel.research.tests.test_scrub import FAMILY


def _corpus() -> list[str]:
    """Every string literal in test_scrub.py: its texts, notes and expected outputs."""
    tree = ast.parse(Path(__file__).with_name("test_scrub.py").read_text(encoding="utf-8"))
    texts = {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) > 2
    }
    return sorted(texts)


EXTRA = [
    "Kari",
    "Kari.",
    "kari",
    "KARI NORDMANN",
    "(Kari) og «Ola»: Kari, Ola; Kari!",
    "Kari-Ola og Ola-Kari, Kari- og -Kari",
    "[Kari] og Kari] og [Kari og Kari[",
    "Karianne og Karis og Karis' og Kari's og Kari’s og Kari' og Kari’",
    "Kari'sen og Karisen og Karis- og Kari's]",
    "Kari'] og Kari'- og Kari'_ og Kari's- og Karis] og Kari’] og Kari’s-x og Kari'",
    "Kari Nordmannsen og Kari Nordmanns og Kari  Nordmann og Kari\n Nordmann og Kari\tNordmann",
    "Kari\u00a0Nordmann og Kari Nordmann-Hansen",
    "Hans' sak og Hans sin sak og hans sak og HANS",
    "Liv og liv og LIV og Livs og livs og Liv's",
    "Dag og dag, Strand og strand, Berg og berg",
    "Rosa kom i rosa bluse. ROSA. Rosas hus.",
    "Mona, Monas, Mona's, Mona s og Mona’s.",
    "Ida sa til Ida at Idas bok lå hos Ida Moe og Ida Lie.",
    "Anne-Lise og Anne og Lise og Anne Lise og Anne-Lise-Marie",
    "Per Olav Hansens og Per Hansens og Olav Hansen",
    "Per_Olav og Per2 og 2Per og Per's2",
    "Åsmund og åsmund og ÅSMUND og Ødegård og ødegårds",
    "Karı og KARI og Kari",  # a dotless ı: the regular expression takes it, so the pass hands over
    "Mormor Kari ringte: «Kari her.»",
    "",
    " ",
]

PEOPLE_SETS = {
    "family": FAMILY,
    "shared first names": [
        Person("Ida Moe", "lærer"),
        Person("Ida Lie", "lærer"),
        Person("Kari Hansen", "mormor"),
        Person("Kari Berg", "barnet"),
        Person("Rosa Berg", "mor"),
        Person("Mona Li", "tante"),
    ],
    "with an unusual name": [
        Person("Aylın Yılmaz", "mor"),  # a letter the token pass leaves to the regular expression
        Person("Kari Nordmann", "mormor"),
    ],
    "starting with a sign": [Person("'Tom Hansen", "far"), Person("Kari Nordmann", "mormor")],
    "nobody": [],
}


@pytest.mark.parametrize("people", list(PEOPLE_SETS), ids=list(PEOPLE_SETS))
def test_the_token_pass_replaces_exactly_what_the_pattern_does(people: str) -> None:
    scrubber = Scrubber(PEOPLE_SETS[people])
    checked = 0
    for text in [*_corpus(), *EXTRA]:
        if scrub._CASE_SPECIAL.search(text):
            continue  # `scrub` hands such a text to the pattern; see the test below
        by_tokens: list[Replacement] = []
        by_pattern: list[Replacement] = []
        if scrubber.uses_tokens:
            assert scrubber.token_names(text, by_tokens) == scrubber.regex_names(text, by_pattern), text
            assert by_tokens == by_pattern, text
        checked += 1
    assert checked > 100


def test_the_sets_of_people_the_token_pass_takes() -> None:
    assert Scrubber(PEOPLE_SETS["family"]).uses_tokens
    assert Scrubber(PEOPLE_SETS["shared first names"]).uses_tokens
    assert not Scrubber(PEOPLE_SETS["with an unusual name"]).uses_tokens
    assert not Scrubber(PEOPLE_SETS["starting with a sign"]).uses_tokens


@pytest.mark.parametrize("people", list(PEOPLE_SETS), ids=list(PEOPLE_SETS))
def test_scrub_gives_the_patterns_result_for_every_text(people: str) -> None:
    scrubber = Scrubber(PEOPLE_SETS[people])
    for text in [*_corpus(), *EXTRA]:
        assert scrubber.scrub(text) == _scrub_by_pattern(scrubber, text), text


def _scrub_by_pattern(scrubber: Scrubber, text: str) -> scrub.Scrubbed:
    """`scrub` with the pattern's name pass (all the other passes as they are)."""
    real = scrubber._replace_names
    try:
        scrubber._replace_names = scrubber.regex_names  # type: ignore[method-assign]
        return scrubber.scrub(text)
    finally:
        scrubber._replace_names = real  # type: ignore[method-assign]


def test_current_behaviour_on_shared_first_names_and_words() -> None:
    scrubber = Scrubber(PEOPLE_SETS["shared first names"])
    assert scrubber.scrub("Kari og Karis bok.").text == "[navn] og [navn]s bok."  # roles differ
    assert scrubber.scrub("Ida og Idas bok.").text == "[lærer] og [lærer]s bok."  # roles agree
    # "Rosa" is not in the word list, so it is a name in any case; "Berg" is a word: capital only.
    assert scrubber.scrub("Rosa i rosa bluse.").text == "[mor] i [mor] bluse."
    assert scrubber.scrub("Berg og berg.").text == "[navn] og berg."
    assert scrubber.scrub("Mona, Monas, Mona's, Mona s.").text == "[tante], [tante]s, [tante]s, [tante] s."


def test_a_text_with_a_special_letter_goes_through_the_pattern() -> None:
    scrubber = Scrubber(FAMILY)
    done = scrubber.scrub("KARİ og Karı og Kari")
    assert done.text == scrubber.regex_names("KARİ og Karı og Kari", [])
    assert done.text.count("[mormor]") == 3


def test_the_special_letters_are_those_of_the_standard_library() -> None:
    """`_CASE_SPECIAL` lists the letters whose case-insensitive match is not their lowercase; checked
    against the table Python's own `re` uses, where this Python has it."""
    from re import _casefix  # type: ignore[attr-defined]

    extra = set(_casefix._EXTRA_CASES)
    expected = {
        chr(i) for i in range(0x80, 0x10000) if len(chr(i).lower()) != 1 or ord(chr(i).lower()) in extra
    }
    found = {chr(i) for i in range(0x80, 0x10000) if scrub._CASE_SPECIAL.fullmatch(chr(i))}
    assert found == expected
