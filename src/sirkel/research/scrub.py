"""Scrubbing free text for de-identified research exports, and the residual-risk report beside it.

Pure: no models, no database. The export builds a `Scrubber` from the people Sirkel knows for the
linked case (child, parents, network members, staff) and runs every free-text field through it.

What is replaced, in this order (each pass sees the output of the one before, so a value is
replaced once, by the most specific rule):

1. e-mail addresses → ``[e-post]`` (first, because they often contain names and digits);
2. runs of digits → ``[fødselsnummer]`` (11 digits valid as a national ID or D-number by
   ``stdnum.no.fodselsnummer``, also ``DDMMYY NNNNN``), ``[nummer]`` (any other 11 digits, also a
   bank account ``1234.56.78901``) or ``[telefon]`` (8 digits grouped any way by single spaces or
   hyphens, with or without ``+47``/``0047``);
3. street addresses → ``[adresse]``: a capitalised street name with a street-type ending
   (``Storgata``, ``Kongens gate``, ``Øvre Slottsgate``, ``Bygdøy allé``) and a house number
   (``12B``), with an optional ``, 0123 Oslo``; a name *without* a street-type ending counts only
   when the postcode and place follow (``Grønland 12, 0188 Oslo``), because "Kari 12" or "Uke 12"
   is not an address;
4. names of the people given → ``[rolle]`` (see `Scrubber`);
5. a postcode with a place (``0123 Oslo``) → ``[postnummer]``.

Digit runs are found whole (digits joined by single spaces or hyphens) and then classified, so
parts of longer numbers are never taken for a phone number, and dates (``12.03.2024``), times
(``kl. 14.30``), years and amounts of fewer digits (``12 500 kr``) are left alone. Deliberate
exceptions, each a trade-off documented in the tests:

- an 8-digit run grouped as thousands next to a currency (``kr 12 500 000``, ``12 500 000 kr``)
  is an amount, not a phone number;
- two years joined (``2019-2020``, ``2019 2020``) are a period, not a phone number — the residual
  report still lists the run for a person to look at;
- a 4-digit number followed by a capitalised word is taken for a postcode even when it is a year
  (``i 2023 Oslo kommune``): losing a year is cheaper than leaking a postcode.

Nothing here logs or raises with a value in it: callers write files from `Scrubbed.text` and the
report from `residual_risks` / `report_lines`, which never contain a replaced value.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import Literal, NamedTuple

from stdnum.no import fodselsnummer

ReplacementKind = Literal["name", "national_id", "number11", "phone", "email", "address", "postcode"]
RiskKind = Literal["capitalised_word", "digit_run"]

PLACEHOLDERS: dict[ReplacementKind, str] = {
    "national_id": "[fødselsnummer]",
    "number11": "[nummer]",
    "phone": "[telefon]",
    "email": "[e-post]",
    "address": "[adresse]",
    "postcode": "[postnummer]",
}
# A name that two people with different roles share (a first name, or the family name the child
# shares with a parent) cannot say whose it is.
NEUTRAL_NAME = "[navn]"


@dataclass(frozen=True)
class Person:
    """A person Sirkel knows for the case: the full name as stored, the role label in Bokmål."""

    name: str
    role: str


@dataclass(frozen=True, slots=True)  # an export keeps every distinct one: no __dict__ each
class Replacement:
    kind: ReplacementKind
    original: str


@dataclass(frozen=True)
class Scrubbed:
    text: str
    replaced: list[Replacement] = field(default_factory=list)


@dataclass(frozen=True)
class Risk:
    """Something left in scrubbed text for a person to review; `context` is cut from that text."""

    kind: RiskKind
    text: str
    start: int
    context: str


# --- patterns -----------------------------------------------------------------------------------

_UPPER = "A-ZÆØÅÄÖÜÉÈ"
_CAP_WORD = rf"[{_UPPER}][\w'’]*(?:-[{_UPPER}]?[\w'’]+)*"

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

# A bank account number is 11 digits too; its dots would otherwise split it into short runs.
_ACCOUNT = re.compile(r"(?<![\d.])\d{4}\.\d{2}\.\d{5}(?![\d]|\.\d)")

# A whole run of digit groups joined by one space (also a no-break space, as pasted from a word
# processor) or hyphen, with an optional country prefix.
_DIGIT_RUN = re.compile(
    r"(?<![\d+])(?P<prefix>(?:\+|00)47[ \u00a0-]?)?(?P<body>\d+(?:[ \u00a0\u202f-]\d+)*)(?!\d)"
)
_THOUSANDS = re.compile(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+")
_SEPARATOR_BETWEEN_DIGITS = re.compile(r"(?<=\d)[ \u00a0\u202f.+-](?=\d)")
_CURRENCY_AFTER = re.compile(r"\s*(?:kr\b|kroner\b|NOK\b|,-)", re.IGNORECASE)
_CURRENCY_BEFORE = re.compile(r"(?:\bkr\.?|\bNOK)\s*$", re.IGNORECASE)
_YEAR = re.compile(r"(?:19|20)\d\d")
_DIGITS = re.compile(r"\d+")

# Street-type endings, written on to the name ("Storgata", "Solbakken") or as a word of their own
# ("Kongens gate", "Bygdøy allé"). "alle" (for allé) only as its own word, and no "lia": written on,
# they would make "Kalle 5 år" and "Emilia 5 år" addresses.
_STREET_ENDINGS = (
    "gate gata gaten gt veien vegen vei veg vn stien sti plass plassen allé alléen torg torget"
    " brygge bryggen kaia terrasse ringen svingen bakken tunet grenda"
).split()
_ENDING = "(?:" + "|".join(sorted(_STREET_ENDINGS, key=len, reverse=True)) + ")"
_ENDING_WORD = "(?:" + "|".join(sorted([*_STREET_ENDINGS, "alle"], key=len, reverse=True)) + ")"
_HOUSE_NUMBER = r"\d{1,4}(?:[A-Za-z]|\s[A-Z])?(?:-\d{1,4}[A-Za-z]?)?(?!\w)"
_POSTCODE_PLACE = rf"\d{{4}}\s+{_CAP_WORD}"
# Up to two capitalised words before the street's own word ("Karl Johans gate", "Øvre Slottsgate");
# "Kongens" is the street word itself when the ending is a separate word.
_LEAD = rf"(?:{_CAP_WORD}\s+){{0,2}}"
_STREET_WITH_ENDING = rf"{_LEAD}(?:[{_UPPER}][\w]+{_ENDING}|{_CAP_WORD}\s+{_ENDING_WORD})\.?"
_ADDRESS = re.compile(
    rf"(?<![\w\[-])(?:{_STREET_WITH_ENDING}\s+{_HOUSE_NUMBER}(?:,?\s+{_POSTCODE_PLACE})?"
    rf"|{_LEAD}{_CAP_WORD}\s+{_HOUSE_NUMBER},?\s+{_POSTCODE_PLACE})(?![\w-])",
)
_POSTCODE = re.compile(rf"(?<![\w+.,-])(?<!\d )\d{{4}}\s+{_CAP_WORD}(?![\w-])")

# What every match of a pattern contains, found far faster than the pattern itself: a digit run that
# `_scrub_digit_run` can change is at least 8 characters of digits and separators, starting with a
# digit; an address has a house number after a space, behind a word or an abbreviation's full stop;
# a postcode is 4 digits and a space.
_ANY_DIGIT = re.compile(r"\d")
_HINT_DIGIT_RUN = re.compile(r"\d[\d \u00a0\u202f-]{7}")
_HINT_ADDRESS = re.compile(r"[\w.'’]\s+\d")
_HINT_POSTCODE = re.compile(r"\d{4}\s")
# An address has a street-type ending (written on or as a word of its own; each ending contains one
# of these cores) or, without one, a postcode and a capitalised place: tested as substrings first.
_ENDING_CORES = tuple(
    sorted(
        e
        for e in {*_STREET_ENDINGS, "alle"}
        if not any(o != e and o in e for o in {*_STREET_ENDINGS, "alle"})
    )
)
_HINT_POSTCODE_PLACE = re.compile(rf"\d{{4}}\s+[{_UPPER}]")
_HINT_FIVE_DIGITS = re.compile(r"\d[\d \u00a0\u202f-]{4}")  # a risky digit run has 5 digits

_POSSESSIVE = r"(?P<poss>['’]s|s|['’](?=\W|$))?"

# Residual risks: a capitalised word (not inside a placeholder) and whether it starts a sentence.
_WORD = re.compile(rf"(?<![\w\[-]){_CAP_WORD}")
# Names that are ordinary words as well; the word list leaves them out (so a capitalised one stays on
# the review list), but as a person's name they are matched only with their capital letter.
_NAME_WORDS = frozenset(
    (
        "ask berg bjørn dag dal eik hans haug lie lind liv mai moen"
        " ørn per rose rune siv sol stein storm strand tone ulv vik vår"
    ).split()
)

# A full stop after these does not end a sentence ("bl.a. Hansen" keeps Hansen on the review list).
_ABBREVIATIONS = frozenset(
    "bl.a ca dvs el evt ev f.eks fr hr iht jf jfr kl mht mm mv nr o.l osv pga pkt st tlf vs ift ang".split()
)


# --- the word list ------------------------------------------------------------------------------


@cache
def load_dictionary() -> frozenset[str]:
    """The shipped Bokmål word list (data/ordliste_nb.txt), lowercased; see data/README.md."""
    text = resources.files("sirkel.research").joinpath("data/ordliste_nb.txt").read_text("utf-8")
    return frozenset(
        line.strip().casefold() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def in_dictionary(word: str, dictionary: Collection[str]) -> bool:
    """Whether a word, or each part of a hyphenated word, is in the word list exactly (lowercased).

    No stemming on purpose: "Hansen" is not "hans" + "en", and a review list that misses a family
    name is worse than one that asks about "Barnevernet"."""
    low = word.casefold().rstrip("'’")
    return low in dictionary or all(part in dictionary for part in low.split("-") if part)


# --- digit runs ---------------------------------------------------------------------------------


_WEIGHTS1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_WEIGHTS2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def is_national_id(digits: str) -> bool:
    """`stdnum.no.fodselsnummer.is_valid`, its checks made directly for 11 ASCII digits (stdnum
    first cleans a number character by character, which costs more than the checks; ASCII digits
    have nothing to clean); anything else goes to stdnum itself. The tests compare the two."""
    if len(digits) != 11 or not (digits.isascii() and digits.isdigit()):
        return fodselsnummer.is_valid(digits)
    d = [ord(c) - 48 for c in digits]
    if (11 - sum(w * n for w, n in zip(_WEIGHTS1, d[:9], strict=True))) % 11 != d[9]:
        return False  # a check digit of "10" never equals one digit, as in stdnum
    if (11 - sum(w * n for w, n in zip(_WEIGHTS2, d[:10], strict=True))) % 11 != d[10]:
        return False
    day, month, year, individual = d[0] * 10 + d[1], d[2] * 10 + d[3], d[4] * 10 + d[5], int(digits[6:9])
    if day >= 80:  # an FH number
        return False
    if day > 40:  # a D-number
        day -= 40
    if month > 40:  # an H-number
        month -= 40
    if individual < 500:
        year += 1900
    elif individual < 750 and year >= 54:
        year += 1800
    elif year < 40:
        year += 2000
    elif individual >= 900 and year >= 40:
        year += 1900
    else:
        return False
    try:
        return datetime.date(year, month, day) <= datetime.date.today()  # noqa: DTZ011 - as stdnum
    except ValueError:
        return False


def _classify_digits(digits: str) -> ReplacementKind | None:
    if len(digits) == 11:
        return "national_id" if is_national_id(digits) else "number11"
    if len(digits) == 8:
        return "phone"
    return None


def _is_exempt_eight(groups: Sequence[str], text: str, start: int, end: int) -> bool:
    joined = text[start:end]
    if _THOUSANDS.fullmatch(joined) and (
        _CURRENCY_AFTER.match(text, end) or _CURRENCY_BEFORE.search(text, 0, start)
    ):
        return True
    return len(groups) == 2 and all(len(g) == 4 and _YEAR.fullmatch(g) for g in groups)


def _scrub_digit_run(match: re.Match[str], replaced: list[Replacement]) -> str:
    body = match.group("body")
    if len(body) < 8:  # not even a phone number, with or without separators
        return match.group(0)
    text = match.string
    prefix = match.group("prefix") or ""
    offset = match.start("body")
    groups = [g.span() for g in _DIGITS.finditer(body)]
    lead, pieces, cursor, i = prefix, [], 0, 0
    while i < len(groups):
        found: tuple[int, ReplacementKind] | None = None
        # The leftmost start, then the longest sub-run from there that is an ID or a phone number.
        for j in range(len(groups), i, -1):
            parts = [body[a:b] for a, b in groups[i:j]]
            kind = _classify_digits("".join(parts))
            if kind == "phone" and _is_exempt_eight(
                parts, text, offset + groups[i][0], offset + groups[j - 1][1]
            ):
                kind = None
            if kind is not None:
                found = (j, kind)
                break
        if found is None:
            i += 1
            continue
        j, kind = found
        a, b = groups[i][0], groups[j - 1][1]
        original = body[a:b]
        if i == 0 and lead and kind == "phone":
            original, lead = lead + original, ""
        replaced.append(Replacement(kind, original))
        pieces += [body[cursor:a], PLACEHOLDERS[kind]]
        cursor, i = b, j
    if not pieces:
        return match.group(0)
    return lead + "".join(pieces) + body[cursor:]


# --- names --------------------------------------------------------------------------------------


def _name_forms(name: str) -> list[str]:
    """Full name, all given names, each given name alone (people with two often go by either),
    first given name + family name, family name alone; whitespace normalised, hyphens kept."""
    return list(_forms_of(name))


@lru_cache(maxsize=8192)
def _forms_of(name: str) -> tuple[str, ...]:
    tokens = name.split()
    if not tokens:
        return ()
    forms = [" ".join(tokens)]
    if len(tokens) > 1:
        given, family = tokens[:-1], tokens[-1]
        forms += [" ".join(given), *given, f"{given[0]} {family}", family]
    return tuple(dict.fromkeys(forms))


# Characters that Python's case-insensitive matching treats as equal to another although their
# lowercase forms differ ("ı" and "i", "ſ" and "s", Greek and old Cyrillic letter variants; the
# table in the standard library's `re._casefix`), and "İ", whose lowercase is two characters. The
# token pass below compares lowercased text, which is the regular expression's rule for every other
# character; a name or a text with one of these goes through the regular expression instead.
_CASE_SPECIAL = re.compile(
    "[\u00b5\u0130\u0131\u017f\u0345\u0390\u0392\u0395\u0398\u0399\u039a\u039c\u03a0\u03a1"
    "\u03a3\u03a6\u03b0\u03b2\u03b5\u03b8\u03b9\u03ba\u03bc\u03c0\u03c1\u03c2\u03c3\u03c6"
    "\u03d0\u03d1\u03d5\u03d6\u03f0\u03f1\u03f4\u03f5\u0412\u0414\u041e\u0421\u0422\u042a"
    "\u0432\u0434\u043e\u0441\u0442\u044a\u0462\u0463\u1c80-\u1c88\u1e60\u1e61\u1e9b\u1fbe"
    "\u1fd3\u1fe3\ua64a\ua64b\ufb05\ufb06]"
)
_WORD_RUN = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")
_WORD_CHAR = re.compile(r"\w")
_FIRST_RUN = re.compile(r"^\w+")


class _Form(NamedTuple):
    """One name form as the name pass matches it: its words, and whether only its capitalised
    spelling counts (an ordinary word as well); `placeholder` is what replaces it."""

    tokens: tuple[str, ...]
    folded: tuple[str, ...]
    capital_only: str | None  # the exact spelling to match, for a name that is an ordinary word
    placeholder: str


# A form's shape for the token pass (its first word lowercased, its words, their lowercase, the
# capitalised spelling or None), by form and whether only its capital counts; None for a form the
# token pass cannot take. The same first and family names recur over the cases of an export.
_SHAPES_KEPT = 50_000
_shapes: dict[tuple[str, bool], tuple[str, tuple[str, ...], tuple[str, ...], str | None] | None] = {}


def _shape(form: str, capital: bool) -> tuple[str, tuple[str, ...], tuple[str, ...], str | None] | None:
    found = _shapes.get((form, capital), False)
    if found is not False:
        return found  # type: ignore[return-value]
    first = _FIRST_RUN.match(form)
    shape = None
    if not (first is None or _CASE_SPECIAL.search(form) or (capital and len(form[0].upper()) != 1)):
        tokens = tuple(form.split())
        shape = (
            first.group(0).lower(),
            tokens,
            tuple(t.lower() for t in tokens),
            form[0].upper() + form[1:] if capital else None,
        )
    if len(_shapes) >= _SHAPES_KEPT:
        _shapes.clear()
    _shapes[(form, capital)] = shape
    return shape


class Scrubber:
    """Replaces what identifies people in free text, for one set of people.

    Names: every form of each person's name (`_name_forms`) in possessive forms too ("Karis",
    "Kari's", "Kari Nordmanns", "Hans'"), on word boundaries, longest first, hyphenated names kept
    whole ("Anne-Lise" is not "Anne"). The possessive "s" stays after the placeholder
    ("[mormor]s hus"), so sentences still read.

    Case: a form that is an ordinary word as well (a single name in `_NAME_WORDS` or the word
    list: "Liv", "Dag", "Berg", "Strand") is replaced only where written with its capital letter —
    "Liv" but not "liv" (life). Everything else is matched regardless of case. So a sentence-initial
    common noun that happens to be a person's name ("Strand ved hytta …") is replaced too:
    over-scrubbing is cheaper than a leak. Role words used as nouns ("Mor sa …") are not names and
    are left alone.

    Shared forms: when people with different roles share a form (two Karis, or the family name of
    the child and a parent) that form becomes "[navn]"; when their roles agree it keeps the role.

    How: the rule is one regular expression of all forms (`_name_pattern`), but compiling it costs
    about a millisecond per set of people, and an export has one set per case. So the names are
    found by a token pass instead: the text's words (one generic compiled pattern) are looked up
    in a dictionary of the forms' first words (lowercased, also without a possessive "s"), and only
    there are the forms tried, in the pattern's order, with the pattern's boundaries. It replaces
    exactly what the pattern would (the tests compare the two); the pattern itself is compiled only
    for a name or text the token pass cannot take exactly (a form not starting with a letter or
    digit, or a character of `_CASE_SPECIAL`).
    """

    def __init__(self, people: Sequence[Person], *, dictionary: Collection[str] | None = None) -> None:
        self._dictionary = load_dictionary() if dictionary is None else dictionary
        roles: dict[str, set[str]] = {}
        literal: dict[str, str] = {}
        for person in people:
            role = person.role.strip()
            for form in _forms_of(person.name):
                key = form.casefold()
                roles.setdefault(key, set()).add(role)
                literal.setdefault(key, form)
        self._roles = {
            key: (f"[{next(iter(r))}]" if len(r) == 1 else NEUTRAL_NAME) for key, r in roles.items()
        }
        self._literal = literal
        self._names: re.Pattern[str] | None = None
        self._compiled = False
        # The forms by the lowercased first word run, each list in the pattern's order.
        self._by_first: dict[str, list[_Form]] | None = {}
        for key in sorted(literal, key=lambda k: (-len(k), k)):
            form = literal[key]
            shape = _shape(form, " " not in form and self._is_word(key, form))
            if shape is None:
                self._by_first = None  # the pattern decides for this set of people
                break
            first, tokens, folded, capital_only = shape
            self._by_first.setdefault(first, []).append(_Form(tokens, folded, capital_only, self._roles[key]))

        self._first_words = tuple(self._by_first or ())

    @property
    def uses_tokens(self) -> bool:
        """Whether the token pass takes this set of people (else the pattern does, for every text)."""
        return self._by_first is not None

    def _is_word(self, key: str, form: str) -> bool:
        if key in _NAME_WORDS:
            return True
        known = _known_words(self._dictionary)
        found = known.get(form)
        if found is None:
            found = in_dictionary(form, self._dictionary)
            if len(known) < _KNOWN_WORDS_KEPT:
                known[form] = found
        return found

    def _name_pattern(self) -> re.Pattern[str] | None:
        """The name rule as one regular expression (compiled on first use)."""
        if not self._compiled:
            self._compiled = True
            alternatives = []
            for key in sorted(self._literal, key=lambda k: (-len(k), k)):
                form = self._literal[key]
                escaped = r"\s+".join(re.escape(t) for t in form.split())
                if " " not in form and self._is_word(key, form):
                    alternatives.append(form[0].upper() + escaped[1:])
                else:
                    alternatives.append(f"(?i:{escaped})")
            if alternatives:
                self._names = re.compile(
                    rf"(?<![\w\[-])(?P<name>{'|'.join(alternatives)}){_POSSESSIVE}(?![\w\]-])",
                )
        return self._names

    def scrub(self, text: str) -> Scrubbed:
        replaced: list[Replacement] = []

        def sub(pattern: re.Pattern[str], kind: ReplacementKind, value: str) -> str:
            def repl(m: re.Match[str]) -> str:
                replaced.append(Replacement(kind, m.group(0)))
                return PLACEHOLDERS[kind]

            return pattern.sub(repl, value)

        out = sub(_EMAIL, "email", text) if "@" in text else text
        # Every pass but the names needs a digit; most notes have few. Each pass below runs only
        # where a cheap test finds what every one of its matches must contain (`_HINT_*`).
        has_digits = _ANY_DIGIT.search(out) is not None
        if has_digits:
            if "." in out:
                out = sub(_ACCOUNT, "number11", out)
            if _HINT_DIGIT_RUN.search(out):
                out = _DIGIT_RUN.sub(lambda m: _scrub_digit_run(m, replaced), out)
            if _HINT_ADDRESS.search(out) and (
                any(core in out for core in _ENDING_CORES) or _HINT_POSTCODE_PLACE.search(out)
            ):
                out = sub(_ADDRESS, "address", out)
        if self._literal:
            out = self._replace_names(out, replaced)
        if has_digits and _HINT_POSTCODE.search(out):
            out = sub(_POSTCODE, "postcode", out)
        return Scrubbed(text=out, replaced=replaced)

    def _replace_names(self, text: str, replaced: list[Replacement]) -> str:
        by_first = self._by_first
        if by_first is None or _CASE_SPECIAL.search(text):
            return self.regex_names(text, replaced)
        return self.token_names(text, replaced)

    def regex_names(self, text: str, replaced: list[Replacement]) -> str:
        """The name pass by the regular expression (the rule; see the class docstring)."""
        pattern = self._name_pattern()
        if pattern is None:
            return text

        def repl(m: re.Match[str]) -> str:
            name = m.group("name")
            role = self._roles.get(" ".join(name.split()).casefold()) or self._role_of(name)
            replaced.append(Replacement("name", m.group(0)))
            return role + ("s" if m.group("poss") else "")

        return pattern.sub(repl, text)

    def _role_of(self, name: str) -> str:
        # A name the pattern matched whose casefolded form is no key ("KARİ" for "Kari": "İ" is "i"
        # to the pattern, "i̇" to casefold): the first form, in the pattern's order, that matches it.
        for key in sorted(self._literal, key=lambda k: (-len(k), k)):
            if re.fullmatch(r"\s+".join(map(re.escape, key.split())), name, re.IGNORECASE):
                return self._roles[key]
        return NEUTRAL_NAME  # pragma: no cover - the pattern matched one of the forms

    def token_names(self, text: str, replaced: list[Replacement]) -> str:
        """The name pass by tokens: the same replacements as `regex_names` (see the class docstring);
        for a set of people or a text it cannot take exactly, `scrub` uses `regex_names`."""
        by_first = self._by_first
        if not by_first:
            return text
        pieces: list[str] = []
        cursor = 0
        for start in self._candidates(text):
            if start < cursor or (start and text[start - 1] in "[-"):
                continue
            run = _WORD_RUN.match(text, start)
            if run is None:  # pragma: no cover - a candidate starts a word
                continue
            word = run.group(0).lower()
            forms = by_first.get(word)
            if word.endswith("s") and (shorter := by_first.get(word[:-1])) is not None:
                # Both lists: keep the pattern's order (longest form first, then alphabetical).
                forms = shorter if forms is None else _in_pattern_order(forms, shorter)
            if forms is None:
                continue
            for form in forms:
                found = _match_form(text, start, form)
                if found is not None:
                    end, possessive = found
                    replaced.append(Replacement("name", text[start:end]))
                    pieces += [text[cursor:start], form.placeholder + ("s" if possessive else "")]
                    cursor = end
                    break
        if not pieces:
            return text
        pieces.append(text[cursor:])
        return "".join(pieces)

    def _candidates(self, text: str) -> list[int]:
        """Where the words start that the token pass must look at, in order: every word whose
        lowercase is a form's first word, or that with an "s" after it. Found by searching the
        lowercased text once for each first word (in C, not a word at a time in Python): a word's
        lowercase is that stretch of the lowercased text, because every character but "İ" (which
        `_CASE_SPECIAL` hands to the pattern) lowercases to one character; where a text has one
        anyway, every word is a candidate."""
        low = text.lower()
        if len(low) != len(text):
            return [run.start() for run in _WORD_RUN.finditer(text)]
        found: set[int] = set()
        for key in self._first_words:
            i = low.find(key)
            while i != -1:
                if not (i and _WORD_CHAR.match(text, i - 1)):
                    found.add(i)
                i = low.find(key, i + 1)
        return sorted(found)


def _in_pattern_order(a: list[_Form], b: list[_Form]) -> list[_Form]:
    def order(form: _Form) -> tuple[int, str]:
        key = " ".join(form.tokens).casefold()
        return (-len(key), key)

    return sorted([*a, *b], key=order)


def _match_form(text: str, start: int, form: _Form) -> tuple[int, bool] | None:
    """Where `form` matched at `start` ends, possessive included, and whether it had one; None when
    it does not match there. The pattern's rule: the words (any whitespace between them), then a
    possessive (``'s``, ``s``, or ``'`` before a non-word), then neither a word character, ``]``
    nor ``-``; the first possessive choice that is followed by such a boundary wins."""
    i = start
    if form.capital_only is not None:
        if not text.startswith(form.capital_only, i):
            return None
        i += len(form.capital_only)
    else:
        for n, (token, folded) in enumerate(zip(form.tokens, form.folded, strict=True)):
            if n:
                spaces = _SPACES.match(text, i)
                if spaces is None:
                    return None
                i = spaces.end()
            if text[i : i + len(token)].lower() != folded:
                return None
            i += len(token)
    size = len(text)
    if i == size:
        return i, False
    after = text[i]
    # The possessive choices in the pattern's order: "'s", "s", "'" before a non-word, none.
    if after == "'" or after == "’":
        if i + 1 < size and text[i + 1] == "s" and _ends_word(text, i + 2, size):
            return i + 2, True
        if _ends_word(text, i + 1, size):  # "'" before a non-word, which is a boundary too
            return i + 1, True
    elif after == "s" and _ends_word(text, i + 1, size):
        return i + 1, True
    return (i, False) if _ends_word(text, i, size) else None


def _ends_word(text: str, end: int, size: int) -> bool:
    """The name pattern's right boundary: neither a word character, ``]`` nor ``-`` at `end`."""
    return end == size or not (_WORD_CHAR.match(text, end) or text[end] in "]-")


# --- residual risks -----------------------------------------------------------------------------


def _context(text: str, start: int, end: int, width: int = 30) -> str:
    return " ".join(text[max(0, start - width) : min(len(text), end + width)].split())


def _starts_sentence(text: str, start: int) -> bool:
    """At the text's start, after . ! ? (not after an abbreviation), a line break or a list bullet.

    Not after a colon: "Til stede: Hansen" keeps Hansen on the review list."""
    i = start
    while i > 0 and text[i - 1] in ' \t"«(“':
        i -= 1
    if i == 0 or text[i - 1] in "\n!?":
        return True
    if text[i - 1] == ".":
        before = re.search(r"[\w.]*$", text[max(0, i - 12) : i - 1])
        return before is None or before.group(0).casefold() not in _ABBREVIATIONS
    if text[i - 1] in "-*•":
        j = i - 1
        while j > 0 and text[j - 1] in " \t":
            j -= 1
        return j == 0 or text[j - 1] == "\n"
    return False


_KNOWN_WORDS_KEPT = 200_000
_known: dict[int, tuple[frozenset[str], dict[str, bool]]] = {}


def _known_words(dictionary: Collection[str]) -> dict[str, bool]:
    """`in_dictionary`'s answers so far for this word list (kept for a frozenset only: it cannot
    change), by word; a fresh dict for any other collection."""
    if not isinstance(dictionary, frozenset):
        return {}
    entry = _known.get(id(dictionary))
    if entry is None or entry[0] is not dictionary:
        if len(_known) >= 4:
            _known.clear()
        entry = _known[id(dictionary)] = (dictionary, {})
    return entry[1]


def residual_risks(text: str, *, dictionary: Collection[str]) -> list[Risk]:
    """What scrubbing may have missed: capitalised words not at a sentence start that are not in the
    word list, and digit runs of five digits or more. Run it on scrubbed text."""
    risks: list[Risk] = []
    known = _known_words(dictionary)
    for m in _WORD.finditer(text):
        word = m.group(0).rstrip("'’")
        found = known.get(word)
        if found is None:
            found = in_dictionary(word, dictionary)
            if len(known) < _KNOWN_WORDS_KEPT:
                known[word] = found
        if found or _starts_sentence(text, m.start()):
            continue
        risks.append(Risk("capitalised_word", word, m.start(), _context(text, m.start(), m.end())))
    for m in _DIGIT_RUN.finditer(text) if _HINT_FIVE_DIGITS.search(text) else ():
        run = m.group(0)
        if sum(c.isdigit() for c in run) >= 5:
            risks.append(Risk("digit_run", run, m.start(), _context(text, m.start(), m.end())))
    return sorted(risks, key=lambda r: r.start)


def report_lines(scrubbed: Iterable[Scrubbed], *, dictionary: Collection[str]) -> list[str]:
    """A plain-text residual-risk report for a set of scrubbed texts: counts of what was replaced, by
    kind (never the values), then each remaining risk with its context from the scrubbed text."""
    counts: dict[str, int] = {}
    lines: list[str] = []
    for number, item in enumerate(scrubbed, start=1):
        for r in item.replaced:  # counts only: a report is part of the export
            counts[r.kind] = counts.get(r.kind, 0) + 1
        for risk in residual_risks(item.text, dictionary=dictionary):
            lines.append(f"{number}\t{risk.kind}\t{risk.text}\t{risk.context}")
    head = [f"replaced\t{kind}\t{counts[kind]}" for kind in sorted(counts)]
    return head + lines


def _is_word_name(original: str) -> bool:
    """Whether a replaced name is an ordinary word too ("Liv", "Livs", "Hans'"), which `Scrubber`
    replaces only where written with its capital letter."""
    if " " in original.strip():
        return False
    dictionary = load_dictionary()
    base = re.sub(r"(?:['’]s|['’]|s)$", "", original)
    return any(w.casefold() in _NAME_WORDS or in_dictionary(w, dictionary) for w in {original, base} if w)


def contains_replaced(text: str, replaced: Iterable[Replacement]) -> bool:
    """Whether any replaced value appears in `text`: a name, e-mail or address as a whole word
    (case-insensitively, so "Karianne" is no leak of "Kari"), a number by its digits however
    grouped, a phone number by its eight digits with or without 47/0047 before them. A name that
    is an ordinary word as well counts only with its capital letter, as `Scrubber` replaces it
    ("liv" is no leak of the name "Liv"). The export checks every file it writes with this."""
    digits_only = _SEPARATOR_BETWEEN_DIGITS.sub("", text)
    for r in replaced:
        if r.kind in ("national_id", "number11", "phone"):
            digits = re.sub(r"\D", "", r.original)
            core = rf"(?:0047|47)?{digits[-8:]}" if r.kind == "phone" else digits
            if re.search(rf"(?<!\d){core}(?!\d)", digits_only):
                return True
        words = r"\s+".join(re.escape(w) for w in r.original.split())
        if words and r.kind == "name" and _is_word_name(r.original):
            first = r.original.strip()[0]
            words = f"{re.escape(first.upper())}(?i:{words[len(re.escape(first)) :]})"
            if re.search(rf"(?<!\w){words}(?!\w)", text):
                return True
        elif words and re.search(rf"(?<!\w){words}(?!\w)", text, re.IGNORECASE):
            return True
    return False
