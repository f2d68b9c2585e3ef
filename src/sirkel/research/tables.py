"""Frequency tables like the study's: for one question, how many case files give each answer.

Pure functions over plain registrations; the caller reads them through the access policy.

- **Each case file counts once**: its consensus registration, or its only registration. A file coded by
  several coders with no consensus yet is left out (and counted in `Table.left_out`), so a table never
  counts one file twice or picks one coder's reading over another's.
- A question outside repeat blocks counts the option the registration gives. A question inside a repeat
  block (each decision, each measure of a decision) counts a case once for every option it gives in any
  repeat: a case that ticks "Barnets atferd" at two decisions counts once for it.
- `percent` is of the case files counted (`Table.cases`): for a multiple-choice question the percents
  add up to more than 100.
- Files that give no answer are the row `""` ("Ikke besvart") when there are any.

Small cells: a count from 1 to `below − 1` is hidden (`None`), and its percent with it. For a single-choice
question outside repeats the counts add up to the number of cases, so, as in the SSB table, a hidden
count must have company: at least two hidden counts holding `below` or more together and more than one
each (else the smallest count shown is hidden too, and the number of cases when nothing is left). Where
answers are not exclusive (multiple choice, repeats) no count is the sum of others, and hiding the small
ones is enough.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sirkel.research.forms import Form, Question, answers_to

BLANK = ""
BLANK_LABEL = "Ikke besvart"
MIN_CELL = 3


@dataclass(frozen=True)
class CaseRegistration:
    """One registration, as the tables need it."""

    case_ref: str
    answers: dict[str, Any]
    is_consensus: bool = False
    coder: str = ""


@dataclass(frozen=True)
class Row:
    option: str  # the option's key; "" for no answer
    label: str  # its Bokmål label
    count: int | None  # None where suppressed
    percent: float | None


@dataclass(frozen=True)
class Table:
    question: str
    label: str
    cases: int | None  # the case files counted (None where it had to be hidden)
    rows: list[Row]
    left_out: int  # files with several registrations and no consensus
    suppress_below: int

    def csv_records(self) -> Iterator[tuple[str, str, str, str]]:
        """`option,label,count,percent` records; `:` where suppressed, the percent with one decimal."""
        for row in self.rows:
            count = ":" if row.count is None else str(row.count)
            percent = ":" if row.percent is None else f"{row.percent:.1f}"
            yield row.option, row.label, count, percent


def counted(registrations: Iterable[CaseRegistration]) -> tuple[list[CaseRegistration], int]:
    """The one registration each case file counts with, and how many files were left out."""
    by_case: dict[str, list[CaseRegistration]] = {}
    for registration in registrations:
        by_case.setdefault(registration.case_ref, []).append(registration)
    chosen = []
    left_out = 0
    for regs in by_case.values():
        consensus = [r for r in regs if r.is_consensus]
        if consensus:
            chosen.append(consensus[-1])
        elif len(regs) == 1:
            chosen.append(regs[0])
        else:
            left_out += 1
    return chosen, left_out


def in_repeat(form: Form, question: Question) -> bool:
    path = next(p for p, q in form.questions() if q is question)
    return any(b.repeat or b.repeat_over for b in path)


def frequencies(
    form: Form,
    question_key: str,
    registrations: Iterable[CaseRegistration],
    *,
    suppress_below: int = MIN_CELL,
) -> Table:
    """The frequency table of one single- or multiple-choice question (KeyError for an unknown key,
    ValueError for a question without options)."""
    question = form.question(question_key)
    if question.type not in ("single", "multiple"):
        raise ValueError(f"{question_key!r} is a {question.type} question: only choices have frequencies.")
    chosen, left_out = counted(registrations)
    counts = dict.fromkeys((o.key for o in question.options), 0)
    blank = 0
    for registration in chosen:
        given: set[str] = set()
        for _place, value in answers_to(form, question, registration.answers):
            given.update(value if isinstance(value, list) else [value])
        given &= set(counts)
        if not given:
            blank += 1
        for key in given:
            counts[key] += 1
    cases = len(chosen)
    cells = [(o.key, o.nb, counts[o.key]) for o in question.options]
    if blank:
        cells.append((BLANK, BLANK_LABEL, blank))
    exclusive = question.type == "single" and not in_repeat(form, question)
    hidden, cases_hidden = _suppress([c for _k, _l, c in cells], cases, suppress_below, exclusive=exclusive)
    rows = [
        Row(
            option=key,
            label=label,
            count=None if i in hidden else count,
            percent=None if i in hidden or not cases else round(100 * count / cases, 1),
        )
        for i, (key, label, count) in enumerate(cells)
    ]
    return Table(
        question=question.key,
        label=question.nb,
        cases=None if cases_hidden else cases,
        rows=rows,
        left_out=left_out,
        suppress_below=suppress_below,
    )


def _suppress(counts: list[int], total: int, below: int, *, exclusive: bool) -> tuple[set[int], bool]:
    """The indexes of the hidden counts, and whether the total must be hidden too."""
    if below <= 1:
        return set(), False
    hidden = {i for i, c in enumerate(counts) if 0 < c < below}
    total_hidden = 0 < total < below
    if not exclusive or not hidden or total_hidden:
        return hidden, total_hidden
    while True:
        hidden_sum = sum(counts[i] for i in hidden)
        if len(hidden) >= 2 and hidden_sum >= below and hidden_sum > len(hidden):
            return hidden, False
        shown = [i for i, c in enumerate(counts) if i not in hidden and c > 0]
        if not shown:
            return hidden, True  # nothing left to hide beside them: the total goes
        hidden.add(min(shown, key=lambda i: (counts[i], i)))
