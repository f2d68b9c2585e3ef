"""De-identified research exports: registrations as CSV, SPSS .sav and Stata .dta, with a codebook.

Pure: no models, no database. A caller (the command or the background job) turns a project's
registrations into `ExportRegistration`s and calls `export`; everything it writes goes under one
directory, and every file there is part of the export.

What is written (``<ext>`` is each of the formats asked for):

- ``registrations.<ext>``: one row per registration — ``registration`` (1..N, the link to the other
  tables), ``pseudonym``, ``coder``, ``consensus`` (0/1), ``municipality_size``, then every question
  outside a repeat block in form order; a multiple-choice question as one 0/1 column per option,
  ``question__option`` (all blank when the question was left blank);
- one linked table per repeat block: ``decisions.<ext>`` (``registration``, ``pseudonym``,
  ``decision`` 1..5, the block's questions) and ``per_measure.<ext>`` (the same, then ``measures``:
  the measure the row is about, then its questions);
- ``codebook.csv`` and ``codebook.json``: every column of every table with its question, type,
  Bokmål label and choices (code, key, label);
- ``residual-risk.txt``: how many values of each kind were replaced (counts only) and what remains
  for a person to review (capitalised words not in the word list, long digit runs), each with its
  table, row and column.

Coding: in CSV a single-choice answer is its option key (readable, stable across option reorders)
and ``municipality_size`` its band label; in .sav/.dta both are integers 1..n in the form's option
order with value labels (the Bokmål labels), the codebook gives both. Multiple-choice columns are
0/1 everywhere, labelled "Nei"/"Ja" in .sav/.dta. Blanks are empty in CSV and system-missing in
.sav/.dta.

De-identification:

- case references become keyed pseudonyms, ``P-`` + the first 64 bits of HMAC-SHA256(key, case
  reference) written as 16 consonants (one for each 4 bits, ``bcdfghjklmnpqrst``; no digits, because
  hex digits can make an 8-digit run the guard could not tell from a phone number): the same for one
  key, unlinkable without it; a case's own reference written in its free text becomes
  ``[saksnummer]``;
- coder labels are kept: the coders are the researchers themselves, and agreement needs them;
- dates: ``month`` answers are already months; full dates in free text (``12.03.2024``,
  ``2024-03-12``, ``12/3/2024``, ``12. mars 2024``) are cut to their month before scrubbing;
- the municipality number is never written; the population the service serves (the registration's
  own, else the form's ``service_population`` answer) becomes a size band (`BANDS`), and the exact
  population is not written either (it would name the municipality);
- integer and year answers stay as they are;
- every ``text`` answer is scrubbed with `scrub.Scrubber` built from the people known for the case.

The guard: after writing, every file under the directory is read back (a .csv through the csv
module, a .sav/.dta through pyreadstat with its names and labels, each as its values; the codebook's
JSON and the report as text) and checked with `scrub.contains_replaced` against every value any
registration's scrubbing replaced and every case reference; each distinct value of a table is checked
once (a text is in its table's .csv, .sav and .dta alike); on a hit the whole directory's export is
deleted and `ExportLeakError` names the file (never the value).
"""

from __future__ import annotations

import array
import csv
import hashlib
import hmac
import itertools
import json
import os
import re
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeGuard

from sirkel.research import scrub
from sirkel.research.forms import Block, Form, Question
from sirkel.research.scrub import Person, Replacement

ExportFormat = Literal["csv", "sav", "dta"]
FORMATS: tuple[ExportFormat, ...] = ("csv", "sav", "dta")
Progress = Callable[[int, int], None]

# The form's questions that name the municipality: never written as answered, see `BANDS`.
MUNICIPALITY_QUESTION = "municipality_number"
POPULATION_QUESTION = "service_population"

# Size bands for the population a service serves: (upper bound, exclusive; label). Five bands as in
# Statistics Norway's municipality size groups, coarse enough that a band names many municipalities.
BANDS: tuple[tuple[int | None, str], ...] = (
    (5_000, "<5 000"),
    (20_000, "5 000–19 999"),
    (50_000, "20 000–49 999"),
    (100_000, "50 000–99 999"),
    (None, "≥100 000"),
)
CASE_REF_PLACEHOLDER = "[saksnummer]"
PSEUDONYM_PREFIX = "P-"
PSEUDONYM_LENGTH = 16
_PSEUDONYM_ALPHABET = "bcdfghjklmnpqrst"  # 16 consonants: 4 bits each, no digits, no words
CODEBOOK_FILES = ("codebook.csv", "codebook.json")
REPORT_FILE = "residual-risk.txt"

# Stata: names up to 32 characters, labels up to 80; SPSS: names up to 64 bytes, variable labels up
# to 256 and value labels up to 120 bytes. pyreadstat names a Stata value-label set after its variable
# plus a counter, and that name has the same 32-character limit: 28 leaves room for the counter.
_STATA_NAME_MAX = 28
_STATA_LABEL_MAX = 80
_SPSS_LABEL_BYTES = 255
_SPSS_VALUE_LABEL_BYTES = 120
_YES_NO = {0: "Nei", 1: "Ja"}
# Columns whose values are small codes (0/1, a band's 1..5): kept as one byte each (an export's
# multiple-choice columns are most of its cells), a blank as BLANK.
SMALL_TYPES = frozenset({"multiple", "flag", "band"})
BLANK = -1


@dataclass(frozen=True)
class ExportRegistration:
    """One registration as the export needs it; `people` are those Sirkel knows for the linked case."""

    case_ref: str
    coder: str
    answers: Mapping[str, Any]
    is_consensus: bool = False
    people: Sequence[Person] = ()
    municipality_number: str | None = None
    service_population: int | None = None


@dataclass(frozen=True)
class ExportResult:
    files: tuple[Path, ...]
    rows: Mapping[str, int]  # table → rows
    replaced: Mapping[str, int]  # replacement kind → count
    risks: int


class ExportLeakError(Exception):
    """A written file held a replaced value or a case reference; the export was deleted."""

    def __init__(self, filename: str) -> None:
        super().__init__(f"The export was deleted: {filename} held a value that scrubbing had replaced.")
        self.filename = filename


def pseudonym(key: bytes, case_ref: str) -> str:
    """The keyed pseudonym of a case reference: stable for one key, unlinkable without it."""
    digest = hmac.new(key, case_ref.encode("utf-8"), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + "".join(_PSEUDONYM_ALPHABET[int(c, 16)] for c in digest[:PSEUDONYM_LENGTH])


def size_band(population: int | None) -> int | None:
    """The 1-based index into `BANDS` of a population, None when unknown."""
    if population is None or population <= 0:
        return None
    for index, (upper, _label) in enumerate(BANDS, start=1):
        if upper is None or population < upper:
            return index
    return None  # pragma: no cover - the last band has no upper bound


# --- dates to month -----------------------------------------------------------------------------

_MONTHS_NB = "januar februar mars april mai juni juli august september oktober november desember".split()
_DATE_DMY = re.compile(r"(?<![\d.])(?P<d>[0-3]?\d)[./](?P<m>[01]?\d)[./](?P<y>(?:19|20)\d\d)(?![\d])")
_DATE_ISO = re.compile(r"(?<![\d-])(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?![\d])")
_DATE_WORDS = re.compile(
    rf"(?<![\w.])[0-3]?\d\.?\s+(?P<month>(?i:{'|'.join(_MONTHS_NB)}))(?=\s+(?:19|20)\d\d\b)"
)


_HINT_ISO = re.compile(r"\d-[01]\d-")
_HINT_DMY = re.compile(r"[./](?:19|20)\d\d")
_HINT_WORDS = re.compile(r"\s(?:19|20)\d\d")
_ANY_DIGIT = re.compile(r"\d")
_MONTH_TEXT = re.compile(r"(?:19|20)\d\d-[01]\d")


def _month_of(match: re.Match[str]) -> str:
    month = int(match.group("m"))
    if not 1 <= month <= 12 or not 1 <= int(match.group("d")) <= 31:
        return match.group(0)
    return f"{match.group('y')}-{month:02d}"


def dates_to_month(text: str) -> str:
    """Full dates in free text cut to their month ("12.03.2024" → "2024-03", "12. mars 2024" →
    "mars 2024"); a date without a year is left alone (it cannot be told from a time or a score)."""
    if _ANY_DIGIT.search(text) is None:
        return text
    # Each pattern only where a cheap test finds what every one of its matches contains.
    if _HINT_ISO.search(text):
        text = _DATE_ISO.sub(_month_of, text)
    if _HINT_DMY.search(text):
        text = _DATE_DMY.sub(_month_of, text)
    if _HINT_WORDS.search(text):
        text = _DATE_WORDS.sub(lambda m: m.group("month"), text)
    return text


# --- the plan: which tables and columns a form gives ------------------------------------------


@dataclass
class Column:
    table: str
    name: str
    question: str  # the question's key ("" for the export's own columns)
    type: str  # codebook type: id, pseudonym, coder, flag, band, index, text, integer, year, month,
    # single, multiple (one 0/1 column per option), option (the option a repeat_over row is about)
    label: str
    choices: tuple[tuple[int, str, str], ...] = ()  # (code, key, Bokmål label)
    stata_name: str = ""
    # A list, or for a 0/1 or band column (`SMALL_TYPES`) a compact array of bytes, blank `BLANK`;
    # a single-choice column holds its options' codes (an array of shorts, blank `BLANK`)
    values: Any = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.type in SMALL_TYPES:
            self.values = array.array("b")
        elif self.type == "single" and len(self.choices) < 2**15:
            self.values = array.array("h")  # the option's code (1..n), blank `BLANK`

    @property
    def numeric(self) -> bool:
        return self.type in ("id", "flag", "band", "index", "integer", "year", "single", "multiple", "option")

    @property
    def codes(self) -> dict[str, int]:
        return {key: code for code, key, _label in self.choices}


@dataclass
class _Table:
    name: str
    block: Block | None  # None for the registrations table
    over: Question | None = None  # the multiple-choice question a repeat_over block is answered for
    columns: list[Column] = field(default_factory=list)
    # (question, its columns) in form order; a multiple question has one column per option
    fields: list[tuple[Question, list[Column]]] = field(default_factory=list)
    children: list[_Table] = field(default_factory=list)
    rows: int = 0
    frame: Any = None  # the pandas frame `_write_stat` writes .sav and .dta from, while it writes
    fillers: list[tuple[str, int, Column, Any]] | None = None  # see `_fillers`

    def add(self, column: Column) -> Column:
        self.columns.append(column)
        return column


_NAME_SAFE = re.compile(r"[^A-Za-z0-9_]")


def _safe_name(name: str) -> str:
    safe = _NAME_SAFE.sub("_", name)
    return safe if safe[:1].isalpha() else f"v_{safe}"


def _choices(question: Question) -> tuple[tuple[int, str, str], ...]:
    return tuple((code, o.key, o.nb) for code, o in enumerate(question.options, start=1))


def _plan(form: Form) -> list[_Table]:
    root = _Table("registrations", None)
    tables = [root]
    questions = {q.key: q for _path, q in form.questions()}

    def index_columns(table: _Table, ancestors: Sequence[_Table]) -> None:
        table.add(Column(table.name, "registration", "", "id", "Registrering (lenke til registrations)"))
        table.add(Column(table.name, "pseudonym", "", "pseudonym", "Pseudonym for saken"))
        for level in [*ancestors[1:], table]:
            block = level.block
            if block is None:  # the registrations table has no index of its own
                continue
            if level.over is not None:
                table.add(
                    Column(
                        table.name,
                        _safe_name(level.over.key),
                        level.over.key,
                        "option",
                        level.over.nb,
                        _choices(level.over),
                    )
                )
            else:
                table.add(Column(table.name, _safe_name(block.key), "", "index", f"{block.nb} nr."))

    def walk(block: Block, table: _Table, ancestors: list[_Table]) -> None:
        for item in block.items:
            if isinstance(item, Block):
                if item.repeat or item.repeat_over:
                    over = questions.get(item.repeat_over) if item.repeat_over else None
                    child = _Table(item.repeat or item.key, item, over=over)
                    index_columns(child, [*ancestors, table])
                    table.children.append(child)
                    tables.append(child)
                    walk(item, child, [*ancestors, table])
                else:
                    walk(item, table, ancestors)
                continue
            q = item
            if q.key in (MUNICIPALITY_QUESTION, POPULATION_QUESTION):
                continue  # written as `municipality_size` only
            if q.type == "coder" and table is root:
                continue  # the `coder` column: the registration's own coder
            if q.type == "multiple":
                cols = [
                    table.add(
                        Column(
                            table.name,
                            _safe_name(f"{q.key}__{o.key}"),
                            q.key,
                            "multiple",
                            f"{q.nb}: {o.nb}",
                            ((0, "0", _YES_NO[0]), (1, "1", _YES_NO[1])),
                        )
                    )
                    for o in q.options
                ]
            else:
                choices = _choices(q) if q.type == "single" else ()
                cols = [table.add(Column(table.name, _safe_name(q.key), q.key, q.type, q.nb, choices))]
            table.fields.append((q, cols))

    root.add(Column(root.name, "registration", "", "id", "Registrering"))
    root.add(Column(root.name, "pseudonym", "", "pseudonym", "Pseudonym for saken"))
    root.add(Column(root.name, "coder", "", "coder", "Koder"))
    root.add(
        Column(root.name, "consensus", "", "flag", "Konsensusregistrering", ((0, "0", "Nei"), (1, "1", "Ja")))
    )
    root.add(
        Column(
            root.name,
            "municipality_size",
            POPULATION_QUESTION,
            "band",
            "Befolkningsgrunnlag til tjenesten (størrelsesgruppe)",
            tuple((code, label, label) for code, (_upper, label) in enumerate(BANDS, start=1)),
        )
    )
    for section in form.sections:
        if section.repeat or section.repeat_over:
            wrapper = Block(key="", nb="", items=(section,))
            walk(wrapper, root, [])
        else:
            walk(section, root, [])
    for table in tables:
        _unique_names(table.columns)
    return tables


def _unique_names(columns: list[Column]) -> None:
    seen: set[str] = set()
    for column in columns:
        name, n = column.name, 1
        while name.casefold() in seen:
            n += 1
            name = f"{column.name}_{n}"
        column.name = name
        seen.add(name.casefold())
    seen = set()
    for column in columns:
        base = column.name[:_STATA_NAME_MAX]
        name, n = base, 1
        while name.casefold() in seen:
            n += 1
            suffix = f"_{n}"
            name = base[: _STATA_NAME_MAX - len(suffix)] + suffix
        column.stata_name = name
        seen.add(name.casefold())


# --- filling the columns ------------------------------------------------------------------------


_SCRUBBERS_KEPT = 64
# From this many registrations on, the free text is scrubbed in a pool of processes; below it (tests,
# a small project) in this process, which is simpler and starts faster.
POOL_FROM = 5_000
POOL_WORKERS = 2
_BATCH = 1_000  # registrations per task given to a worker

# A worker's state: the word list, and the last few scrubbers (a case coded by several coders has
# the same people each time).
_worker_dictionary: Collection[str] | None = None
_worker_scrubbers: dict[tuple[Person, ...], scrub.Scrubber] = {}

# One registration's free text to scrub: its people, its case reference's words, its texts.
_Group = tuple[tuple[Person, ...], tuple[str, ...], list[str]]
# A scrubbed text: the text, what was replaced as (kind, original), the residual risks (kind, text,
# context). Plain tuples, not `Replacement`s: they cross from the workers by pickle and go into a
# set, both far cheaper for a tuple of strings than for a dataclass.
_Done = tuple[str, tuple[tuple[str, str], ...], list[tuple[str, str, str]]]


def _init_worker(dictionary: Collection[str] | None) -> None:
    """Set (or with None, clear) the scrubbing state of this process."""
    global _worker_dictionary  # noqa: PLW0603 - a worker process's own state
    _worker_dictionary = dictionary
    _worker_scrubbers.clear()


def _scrubber_for(people: tuple[Person, ...], dictionary: Collection[str]) -> scrub.Scrubber:
    scrubber = _worker_scrubbers.get(people)
    if scrubber is None:
        if len(_worker_scrubbers) >= _SCRUBBERS_KEPT:
            _worker_scrubbers.pop(next(iter(_worker_scrubbers)))
        scrubber = _worker_scrubbers[people] = scrub.Scrubber(people, dictionary=dictionary)
    return scrubber


def _scrub_groups(groups: Sequence[_Group]) -> list[list[_Done]]:
    """Scrub each registration's texts (in a worker, or in this process); results in the same order."""
    dictionary = scrub.load_dictionary() if _worker_dictionary is None else _worker_dictionary
    out: list[list[_Done]] = []
    for people, ref_words, texts in groups:
        scrubber = _scrubber_for(people, dictionary)
        ref: re.Pattern[str] | None = None  # compiled only for a text that holds the reference's first word
        done: list[_Done] = []
        for text in texts:
            if ref_words and ref_words[0].casefold() in text.casefold():
                if ref is None:
                    words = r"\s+".join(map(re.escape, ref_words))
                    ref = re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE)
                text = ref.sub(CASE_REF_PLACEHOLDER, text)
            scrubbed = scrubber.scrub(dates_to_month(text))
            risks: list[tuple[str, str, str]] = [
                (risk.kind, risk.text, risk.context)
                for risk in scrub.residual_risks(scrubbed.text, dictionary=dictionary)
                # a month, as `dates_to_month` writes it, is no risk
                if not (risk.kind == "digit_run" and _MONTH_TEXT.fullmatch(risk.text))
            ]
            done.append((scrubbed.text, tuple([(r.kind, r.original) for r in scrubbed.replaced]), risks))
        out.append(done)
    return out


class _Texts:
    """Collects the free text of every registration while the tables are filled and scrubs it, in
    a pool of processes for a big export (`pool`), keeping what the guard and report need.

    With the pool, each `_BATCH` registrations' texts go to a worker as soon as they are collected,
    so the workers scrub while this process fills the rest of the tables; at most `2 * POOL_WORKERS`
    batches are out at a time (their results are put in place before more go out). Without it,
    `finish` scrubs everything here. A text's column value is a blank until its scrubbed text is
    put in its place; the results are taken in the registrations' order, so the export is the same
    either way. `close` shuts the pool down (the export calls it once the texts are in place, or on
    an error)."""

    def __init__(
        self,
        dictionary: Collection[str],
        *,
        pool: bool = False,
        total: int = 0,
        progress: Progress | None = None,
    ) -> None:
        self.dictionary = dictionary
        self.replaced: set[tuple[str, str]] = set()  # (kind, original), see `_Done`
        self.counts: dict[str, int] = {}
        self.risk_lines: list[str] = []
        self._groups: list[_Group] = []  # collected and not yet given out
        self._last_people: tuple[Person, ...] | None = None
        # Where each text goes, per registration not yet put in place: the column's values and the
        # index there, and the table, row and column for the report (kept apart: a joined string
        # per text costs memory).
        self._places: deque[list[tuple[list[Any], int, str, int, str]]] = deque()
        self._done = 0  # registrations whose texts are in place
        self._total = total
        self._progress = progress
        self._step = max(1, total // 100)
        self._pending: deque[Any] = deque()
        self._executor: Any = None
        if pool:
            from concurrent.futures import ProcessPoolExecutor

            self._executor = ProcessPoolExecutor(
                max_workers=POOL_WORKERS, initializer=_init_worker, initargs=(dictionary,)
            )

    def start(self, registration: ExportRegistration) -> None:
        if self._executor is not None and len(self._groups) >= _BATCH:
            self._give_out()
        people = tuple(registration.people)
        if self._last_people is not None and self._last_people == people:
            people = self._last_people  # a case coded twice: one tuple
        self._last_people = people
        self._groups.append((people, tuple(registration.case_ref.split()), []))
        self._places.append([])

    def clean(self, text: str, values: list[Any], table: str, row: int, column: str) -> None:
        """Append `text` to `values`, to be scrubbed and put in its place."""
        if not self._groups:
            raise RuntimeError("_Texts.start() comes first")
        if not text:
            values.append(text)
            return
        self._groups[-1][2].append(text)
        self._places[-1].append((values, len(values), table, row, column))
        values.append(None)

    def _give_out(self) -> None:
        """The collected registrations' texts to the pool, a batch at a time."""
        while self._groups:
            batch, self._groups = self._groups[:_BATCH], self._groups[_BATCH:]
            while len(self._pending) >= 2 * POOL_WORKERS:
                self._put(self._pending.popleft().result())
            self._pending.append(self._executor.submit(_scrub_groups, batch))

    def _put(self, batch: list[list[_Done]]) -> None:
        """A batch's scrubbed texts into their places, in the registrations' order."""
        for done in batch:
            for (values, index, table, row, column), (text, replaced, risks) in zip(
                self._places.popleft(), done, strict=True
            ):
                values[index] = text
                for r in replaced:
                    self.counts[r[0]] = self.counts.get(r[0], 0) + 1
                    self.replaced.add(r)
                self.risk_lines += [f"{table}\t{row}\t{column}\t{k}\t{t}\t{c}" for k, t, c in risks]
            self._done += 1
            if self._progress is not None and self._done % self._step == 0 and self._done < self._total:
                self._progress(self._done, self._total)

    def finish(self) -> None:
        """Scrub whatever is left and put every text in its place."""
        if self._executor is not None:
            self._give_out()
            while self._pending:
                self._put(self._pending.popleft().result())
        else:
            _init_worker(self.dictionary)
            groups, self._groups = self._groups, []
            for i in range(0, len(groups), _BATCH):
                self._put(_scrub_groups(groups[i : i + _BATCH]))

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
            self._executor = None
        else:
            _init_worker(None)


def _month(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return value[:7] if re.fullmatch(r"\d{4}-\d{2}(?:-\d{2})?", value) else None


# How `_fill_fields` fills a question's columns (`_fillers`).
_FILL_MULTIPLE, _FILL_TEXT, _FILL_NUMBER, _FILL_MONTH, _FILL_SINGLE, _FILL_SINGLE_LIST, _FILL_OTHER = range(7)


def _fillers(table: _Table) -> list[tuple[str, int, Column, Any]]:
    """Each question of `table` as (key, how, its column, what that needs), worked out once."""
    if table.fillers is None:
        table.fillers = []
        for question, cols in table.fields:
            col = cols[0]
            if question.type == "multiple":
                table.fillers.append(
                    (
                        question.key,
                        _FILL_MULTIPLE,
                        col,
                        list(zip(cols, [o.key for o in question.options], strict=True)),
                    )
                )
            elif question.type == "text":
                table.fillers.append((question.key, _FILL_TEXT, col, None))
            elif question.type in ("integer", "year"):
                table.fillers.append((question.key, _FILL_NUMBER, col, None))
            elif question.type == "month":
                table.fillers.append((question.key, _FILL_MONTH, col, None))
            elif question.type == "single":
                how = _FILL_SINGLE if isinstance(col.values, array.array) else _FILL_SINGLE_LIST
                table.fillers.append((question.key, how, col, col.codes))
            else:  # coder: the researcher's own label
                table.fillers.append((question.key, _FILL_OTHER, col, None))
    return table.fillers


def _fill_fields(table: _Table, obj: Mapping[str, Any], texts: _Texts, row: int, pseudo: str) -> None:
    get = obj.get
    for key, how, col, extra in _fillers(table):
        value = get(key)
        if how == _FILL_MULTIPLE:
            if isinstance(value, list):
                ticked = set(value)
                for option_col, option in extra:
                    option_col.values.append(option in ticked)
            else:
                for option_col, _option in extra:
                    option_col.values.append(BLANK)
            continue
        values = col.values
        if value is None or value == "":
            values.append(BLANK if how == _FILL_SINGLE else None)
        elif how == _FILL_TEXT:
            texts.clean(str(value), values, table.name, row, col.name)
        elif how == _FILL_NUMBER:
            values.append(value if isinstance(value, int) and not isinstance(value, bool) else None)
        elif how == _FILL_MONTH:
            values.append(_month(value))
        elif how == _FILL_SINGLE:
            values.append(extra.get(str(value), BLANK))  # an unknown option is a blank
        elif how == _FILL_SINGLE_LIST:
            values.append(str(value) if str(value) in extra else None)
        else:
            values.append(str(value))


def _is_mapping(value: Any) -> TypeGuard[Mapping[str, Any]]:
    # A dict (nearly always) without the slower abstract-class check.
    return type(value) is dict or isinstance(value, Mapping)


def _fill_children(
    table: _Table,
    obj: Mapping[str, Any],
    texts: _Texts,
    registration: int,
    pseudo: str,
    indexes: tuple[Any, ...],
) -> None:
    for child in table.children:
        block = child.block
        if block is None:
            continue
        items: Iterable[tuple[Any, Any]]
        if child.over is not None:
            mapping = obj.get(block.key)
            if not _is_mapping(mapping):
                continue
            order = [o.key for o in child.over.options]
            items = [(key, mapping[key]) for key in order if _is_mapping(mapping.get(key))]
        else:
            listed = obj.get(block.repeat or block.key)
            if not isinstance(listed, list):
                continue
            items = [(i, item) for i, item in enumerate(listed, start=1) if _is_mapping(item)]
        for index, item in items:
            child.rows += 1
            values = (registration, pseudo, *indexes, index)
            for col, value in zip(child.columns, values, strict=False):
                col.values.append(value)
            _fill_fields(child, item, texts, child.rows, pseudo)
            _fill_children(child, item, texts, registration, pseudo, (*indexes, index))


# --- writing ------------------------------------------------------------------------------------


_CSV_ROWS = 5_000  # rows converted for the csv module at a time


def _csv_column(column: Column, start: int, stop: int) -> list[Any]:
    """Rows `start`..`stop` of a column as the CSV writes them: a blank empty, a band its label."""
    values = column.values[start:stop]
    if column.type == "band":
        return ["" if v == BLANK else BANDS[v - 1][1] for v in values]
    if column.type in SMALL_TYPES:
        return ["" if v == BLANK else v for v in values]
    if isinstance(values, array.array):  # a single-choice column's codes: the option keys
        keys = {code: key for code, key, _label in column.choices}
        return ["" if v == BLANK else keys[v] for v in values]
    return ["" if v is None else v for v in values]


def _write_csv(table: _Table, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([c.name for c in table.columns])
        for start in range(0, table.rows, _CSV_ROWS):  # a block at a time: never a second copy of all
            stop = start + _CSV_ROWS
            writer.writerows(zip(*(_csv_column(c, start, stop) for c in table.columns), strict=True))


def _truncate_bytes(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", errors="ignore")


def _dataframe(table: _Table) -> Any:
    """The table as a frame for pyreadstat, named as in SPSS (`_write_stat` renames for Stata): a
    numeric column as a float array (None becomes NaN, system-missing), a text column as strings."""
    import numpy as np
    import pandas as pd

    data: dict[str, Any] = {}
    for c in table.columns:
        if isinstance(c.values, array.array) and c.type == "single":
            codes16 = np.asarray(c.values, dtype=np.int16)
            data[c.name] = np.where(codes16 == BLANK, np.nan, codes16.astype(float))
        elif c.type == "single" or c.type == "option":
            codes = c.codes
            data[c.name] = np.array([None if v is None else codes[v] for v in c.values], dtype=float)
        elif c.type in SMALL_TYPES:
            small = np.asarray(c.values, dtype=np.int8)
            data[c.name] = np.where(small == BLANK, np.nan, small.astype(float))
        elif c.numeric:
            data[c.name] = np.array(c.values, dtype=float)
        else:
            data[c.name] = pd.Series(["" if v is None else v for v in c.values], dtype=object)
    return pd.DataFrame(data, copy=False)


def _labels(table: _Table, *, stata: bool) -> tuple[dict[str, str | None], dict[str, dict[float, str]]]:
    column_labels: dict[str, str | None] = {}
    value_labels: dict[str, dict[float, str]] = {}
    for c in table.columns:
        name = c.stata_name if stata else c.name
        label = c.label[:_STATA_LABEL_MAX] if stata else _truncate_bytes(c.label, _SPSS_LABEL_BYTES)
        column_labels[name] = label
        if c.choices:
            value_labels[name] = {
                float(code): (text if stata else _truncate_bytes(text, _SPSS_VALUE_LABEL_BYTES))
                for code, _key, text in c.choices
            }
    return column_labels, value_labels


def _write_stat(table: _Table, path: Path, fmt: ExportFormat) -> None:
    """Write `table` as .sav or .dta; the frame is built on the first call and kept on the table for
    the other format (`_write_table` lets it go)."""
    import pyreadstat

    if table.frame is None:
        table.frame = _dataframe(table)
    df = table.frame
    stata = fmt == "dta"
    if stata:
        df.columns = [c.stata_name for c in table.columns]
    else:
        df.columns = [c.name for c in table.columns]
    column_labels, value_labels = _labels(table, stata=stata)
    if stata:
        pyreadstat.write_dta(df, path, column_labels=column_labels, variable_value_labels=value_labels)
    else:
        pyreadstat.write_sav(df, path, column_labels=column_labels, variable_value_labels=value_labels)


def _write_table(table: _Table, out_dir: Path, formats: Collection[ExportFormat]) -> list[Path]:
    """Write one table in each format asked for, then let its rows go (the guard reads the files)."""
    files: list[Path] = []
    if "csv" in formats:
        files.append(out_dir / f"{table.name}.csv")
        _write_csv(table, files[-1])
    for fmt in FORMATS:
        if fmt != "csv" and fmt in formats:
            files.append(out_dir / f"{table.name}.{fmt}")
            _write_stat(table, files[-1], fmt)  # one frame for both .sav and .dta
    table.frame = None
    for column in table.columns:
        column.values = []
    return files


def _codebook_rows(tables: Sequence[_Table]) -> list[dict[str, Any]]:
    return [
        {
            "table": t.name,
            "name": c.name,
            "stata_name": c.stata_name,
            "question": c.question,
            "type": c.type,
            "label": c.label,
            "choices": [{"code": code, "key": key, "label": label} for code, key, label in c.choices],
        }
        for t in tables
        for c in t.columns
    ]


def _write_codebook(tables: Sequence[_Table], out_dir: Path) -> list[Path]:
    rows = _codebook_rows(tables)
    csv_path = out_dir / CODEBOOK_FILES[0]
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["table", "name", "stata_name", "question", "type", "label", "choices"])
        for r in rows:
            choices = "; ".join(f"{c['code']}={c['key']}={c['label']}" for c in r["choices"])
            writer.writerow(
                [r["table"], r["name"], r["stata_name"], r["question"], r["type"], r["label"], choices]
            )
    json_path = out_dir / CODEBOOK_FILES[1]
    notes = {
        "single": "CSV: the option key; .sav/.dta: the code (1..n) with value labels",
        "multiple": "a 0/1 column for each option: 1 ticked, 0 not, blank when the question was left blank",
        "band": "CSV: the band label; .sav/.dta: the code with value labels",
        "pseudonym": "P- and the first 64 bits of HMAC-SHA256(project key, case reference) as 16 letters",
        "coder": "the coder's own label, kept: the coders are the researchers",
        "text": "scrubbed free text: names by role, numbers, phones, e-mail, addresses, postcodes replaced",
        "month": "YYYY-MM",
    }
    json_path.write_text(
        json.dumps({"columns": rows, "notes": notes}, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return [csv_path, json_path]


def _write_report(texts: _Texts, out_dir: Path) -> Path:
    path = out_dir / REPORT_FILE
    with path.open("w", encoding="utf-8") as fh:
        fh.write(
            "# Residual-risk report: what scrubbing replaced (counts only) and what a person should review\n"
        )
        for kind in sorted(texts.counts):
            fh.write(f"replaced\t{kind}\t{texts.counts[kind]}\n")
        fh.write("# table\trow\tcolumn\tkind\ttext\tcontext\n")
        for line in texts.risk_lines:
            fh.write(line + "\n")
    return path


# --- the guard ----------------------------------------------------------------------------------

_TOKEN = re.compile(r"\w+")
_NOT_DIGIT = re.compile(r"\D")
_SEPARATOR_BETWEEN_DIGITS = re.compile(r"(?<=\d)[ \u00a0\u202f.+-](?=\d)")
_NUMBER_RUN = re.compile(r"(?<!\d)\d{8,12}(?!\d)")
_CHUNK = 1 << 20
_OVERLAP = 2000


class _Guard:
    """`scrub.contains_replaced` over big files: a token and digit index picks the few replaced
    values that could be in a chunk (it never misses one), contains_replaced decides.

    A name, e-mail or address can only be in a text that has every one of its words (`\\w+` runs,
    lowercased) as a word, so a value is a candidate only when all its words are in the window
    looked at: a postcode's "0123" alone (a row number too) does not make "0123 Oslo" one."""

    def __init__(self, replaced: Iterable[Replacement]) -> None:
        self.by_token: dict[str, list[tuple[Replacement, tuple[str, ...]]]] = {}
        self.by_digits: dict[str, list[Replacement]] = {}
        for r in replaced:
            tokens = _TOKEN.findall(r.original)
            if tokens:
                self.by_token.setdefault(tokens[0].lower(), []).append(
                    (r, tuple(t.lower() for t in tokens[1:]))
                )
            if r.kind in ("national_id", "number11", "phone"):
                digits = _NOT_DIGIT.sub("", r.original)
                cores = (
                    [digits[-8:], "47" + digits[-8:], "0047" + digits[-8:]] if r.kind == "phone" else [digits]
                )
                for core in cores:
                    self.by_digits.setdefault(core, []).append(r)

    def leaks(self, text: str) -> bool:
        for start, end in _chunks(text):
            # The window reaches over the line breaks either side: a name may be split by one.
            window = text[max(0, start - _OVERLAP) : end + _OVERLAP]
            words = set(_TOKEN.findall(window.lower()))
            candidates: dict[Replacement, None] = {}
            for token in words:
                for r, rest in self.by_token.get(token, ()):
                    if all(word in words for word in rest):
                        candidates[r] = None
            for run in set(_NUMBER_RUN.findall(_SEPARATOR_BETWEEN_DIGITS.sub("", window))):
                for r in self.by_digits.get(run, ()):
                    candidates[r] = None
            if candidates and scrub.contains_replaced(window, candidates):
                return True
        return False


def _chunks(text: str) -> Iterator[tuple[int, int]]:
    """About `_CHUNK` characters at a time, cut only at line breaks: no word and no run of digits
    (their separators are spaces, dots and hyphens) crosses one, so none is cut in two."""
    start = 0
    while start < len(text):
        end = text.find("\n", start + _CHUNK)
        end = len(text) if end == -1 else end + 1
        yield start, end
        start = end


# Between two values read back: no name, number or address the guard looks for reaches over it
# (`\x00` is neither a word character, a space nor a digit separator), and `_chunks` may cut there.
_VALUE_SEPARATOR = "\x00\n"
_ROWS_READ = 20_000  # rows of a .csv, .sav or .dta read back at a time


def _read_back(path: Path, seen: set[str]) -> Iterator[str]:
    """A written file as text, piece by piece (so a big export is never held whole twice).

    A .csv, .sav or .dta is read back as its values (the .csv through the csv module, the others
    through pyreadstat with their names and labels), some thousand rows at a time, and each piece
    holds the distinct values of those rows that are not in `seen`, the values the guard has
    already found clean in this table's files (a text is written to the .csv, the .sav and the
    .dta alike): every value the file holds is checked, each once. The values are kept apart by
    `_VALUE_SEPARATOR`, so no value is taken for part of its neighbour. Any other file is read as
    text in blocks of lines, each beginning with the end of the one before, so nothing that a line
    break splits is missed between two pieces."""
    if path.suffix in (".csv", ".sav", ".dta"):
        for values in _values(path):
            new = values - seen
            if new:
                seen |= new
                yield _VALUE_SEPARATOR.join(sorted(new)) + _VALUE_SEPARATOR
        return
    tail = ""
    with path.open(encoding="utf-8", newline="") as fh:
        while lines := fh.readlines(_CHUNK):
            piece = "".join(lines)
            yield tail + piece
            tail = piece[-_OVERLAP:]


def _values(path: Path) -> Iterator[set[str]]:
    """The distinct values of a written table file as text, a block of rows at a time."""
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as fh:
            rows: set[str] = set()
            for number, row in enumerate(csv.reader(fh), start=1):
                rows.update(row)
                if number % _ROWS_READ == 0:
                    yield rows
                    rows = set()
            yield rows
        return
    import pyreadstat

    reader = pyreadstat.read_sav if path.suffix == ".sav" else pyreadstat.read_dta
    offset = 0
    while True:
        df, meta = reader(str(path), row_offset=offset, row_limit=_ROWS_READ)
        if offset == 0:
            yield {
                json.dumps(
                    [meta.column_names, meta.column_labels, meta.file_label, meta.variable_value_labels],
                    ensure_ascii=False,
                    default=str,
                )
            }
        values: set[str] = set()
        for name in df.columns:
            values.update(_column_strings(df[name]))
        yield values
        offset += len(df)
        if len(df) < _ROWS_READ or (meta.number_rows is not None and offset >= meta.number_rows):
            return


def _column_strings(column: Any) -> list[str]:
    """A read-back column's distinct values as text: a numeric column of whole numbers as integers and
    blanks (as the CSV writes them: "12", not "12.0" or "nan", so that the digits of a number are
    read as one run), anything else as Python writes each value."""
    import numpy as np
    import pandas as pd

    values = pd.unique(column.to_numpy())
    if values.dtype.kind == "f":
        missing = np.isnan(values)
        present = values[~missing]
        if np.isfinite(present).all() and (present % 1 == 0).all() and (np.abs(present) < 2**62).all():
            text = present.astype(np.int64).astype(str).tolist()
            return [*text, ""] if missing.any() else text
    return [str(v) for v in values.tolist()]


def _case_ref_checks(registrations: Sequence[ExportRegistration]) -> Iterator[Replacement]:
    # A reference of only a few digits cannot be told from a count or a year in the files; the
    # files never write references (only pseudonyms), and free text has its own replaced.
    for r in registrations:
        ref = r.case_ref.strip()
        if ref and not (ref.isdigit() and len(ref) < 5):
            yield Replacement("name", ref)


def _guard(files: Sequence[Path], guard: _Guard, out_dir: Path) -> None:
    seen: set[str] = set()  # values found clean in the current table's files
    table = ""
    for path in files:
        if path.stem != table:
            seen, table = set(), path.stem
        if any(guard.leaks(piece) for piece in _read_back(path, seen)):
            for written in files:
                written.unlink(missing_ok=True)
            raise ExportLeakError(str(path.relative_to(out_dir)))


# --- the export ---------------------------------------------------------------------------------


def _fill(root: _Table, registrations: Sequence[ExportRegistration], texts: _Texts, key: bytes) -> None:
    """Every registration into the tables, its free text to `texts`."""
    pseudonyms: dict[str, str] = {}
    for number, registration in enumerate(registrations, start=1):
        ref = registration.case_ref
        pseudo = pseudonyms.get(ref)
        if pseudo is None:
            pseudo = pseudonyms[ref] = pseudonym(key, ref)
        texts.start(registration)
        answers = registration.answers
        population = registration.service_population
        if population is None:
            answered = answers.get(POPULATION_QUESTION)
            population = answered if isinstance(answered, int) and not isinstance(answered, bool) else None
        root.rows += 1
        band = size_band(population)
        for col, value in zip(
            root.columns,
            (
                number,
                pseudo,
                registration.coder,
                int(registration.is_consensus),
                BLANK if band is None else band,
            ),
            strict=False,
        ):
            col.values.append(value)
        _fill_fields(root, answers, texts, number, pseudo)
        _fill_children(root, answers, texts, number, pseudo, ())


def export(
    *,
    form: Form,
    registrations: Sequence[ExportRegistration],
    key: bytes,
    out_dir: Path,
    formats: Collection[ExportFormat] = FORMATS,
    progress: Progress | None = None,
    dictionary: Collection[str] | None = None,
) -> ExportResult:
    """Write the de-identified export of `registrations` under `out_dir` (see the module docstring)."""
    unknown = set(formats) - set(FORMATS)
    if unknown or not formats:
        raise ValueError(f"Unknown export formats: {sorted(unknown)}")
    if not key:
        raise ValueError("An export needs the project's pseudonymisation key.")
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = _plan(form)
    root = tables[0]
    total = len(registrations)
    texts = _Texts(
        scrub.load_dictionary() if dictionary is None else dictionary,
        pool=total >= POOL_FROM and (os.cpu_count() or 1) > 1,
        total=total,
        progress=progress,
    )
    try:
        _fill(root, registrations, texts, key)
        texts.finish()
    finally:
        texts.close()

    files: list[Path] = []
    for table in tables:
        files += _write_table(table, out_dir, formats)
    files += _write_codebook(tables, out_dir)
    files.append(_write_report(texts, out_dir))

    guard = _Guard([*itertools.starmap(Replacement, texts.replaced), *_case_ref_checks(registrations)])
    texts.replaced = set()  # the guard has them now
    _guard(files, guard, out_dir)
    if progress is not None:
        progress(total, total)
    return ExportResult(
        files=tuple(files),
        rows={t.name: t.rows for t in tables},
        replaced=dict(sorted(texts.counts.items())),
        risks=len(texts.risk_lines),
    )
