"""A project's analyses as the pages and `sirkel research` both give them: the frequency tables, the
coders' agreement, the disagreements and the reconciliation of one file to a consensus.

Reads only, with no access decision and no audit event: the caller (a selector, the command) decides who
may and records the read. Every one reads the registrations through `blind` (the blind-coding rule), and
the CSV the page offers is written by the same function as the command's.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sirkel.research import agreement
from sirkel.research.blind import blind_registrations, finished_case_refs, table_registrations
from sirkel.research.coding import COMPARED_TYPES, project_agreement, project_disagreements
from sirkel.research.forms import Form, Question, answers_to
from sirkel.research.models import Project, Registration
from sirkel.research.tables import MIN_CELL, Table, frequencies

TABLE_HEADER = ("option", "label", "count", "percent")
AGREEMENT_HEADER = ("question", "coders", "units", "statistic", "value")
CHOICE_TYPES = ("single", "multiple")
MAX_DISAGREEMENTS = 500  # the disagreement page lists at most this many
CONSENSUS_CODER = "konsensus"  # the coder label of a consensus registration
NO_ANSWER = "none"  # the choice "no answer" at a place the coders answered differently
RECONCILED_TYPES = ("text", "integer", "year", "month", "single", "multiple")  # not "coder": each their own


def project_form(project: Project) -> Form:
    """The project's registration form (its `form_version`)."""
    return project.form_version.form()


def csv_text(header: Sequence[str], records: Iterable[Sequence[object]]) -> str:
    """CSV as the command writes it: the header, then the records, lines ending in "\\n"."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(records)
    return buffer.getvalue()


# --- Tables ----------------------------------------------------------------------------------------------


def choice_questions(form: Form) -> list[Question]:
    """The single- and multiple-choice questions, the ones with a frequency table, in the form's order."""
    return [q for _path, q in form.questions() if q.type in CHOICE_TYPES]


def project_table(project: Project, form: Form, *, question: str, suppress_below: int = MIN_CELL) -> Table:
    """The frequency table of one question over the project's finished registrations (KeyError for an
    unknown question, ValueError for one without options)."""
    return frequencies(form, question, table_registrations(project), suppress_below=suppress_below)


# --- Agreement -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgreementRow:
    question: Question
    statistic: agreement.Statistic

    @property
    def value(self) -> str:
        """The value as the CSV gives it: four decimals, empty where undefined."""
        return "" if self.statistic.value is None else f"{self.statistic.value:.4f}"

    def csv_record(self) -> tuple[str, int, int, str, str]:
        s = self.statistic
        return (self.question.key, s.coders, s.units, s.statistic, self.value)


def project_agreement_rows(
    project: Project, form: Form, *, question: str | None = None
) -> list[AgreementRow]:
    """Agreement per compared question (or the one named; KeyError if unknown) over the finished files."""
    return [
        AgreementRow(form.question(key), s)
        for key, s in project_agreement(form, blind_registrations(project), question=question)
    ]


# --- Disagreements ---------------------------------------------------------------------------------------


def answer_label(question: Question, value: Any) -> str:
    """An answer as a reader sees it: options by their Bokmål labels, "" for a blank."""
    if value is None:
        return ""
    if question.type in CHOICE_TYPES:
        keys = sorted(value, key=_option_order(question)) if isinstance(value, (list, frozenset)) else [value]
        return ", ".join(_option_label(question, k) for k in keys)
    return str(value)


def _option_label(question: Question, key: str) -> str:
    option = question.option(key)
    return option.nb if option else key


def _option_order(question: Question) -> Any:
    order = {o.key: n for n, o in enumerate(question.options)}
    return lambda key: (order.get(key, len(order)), key)


@dataclass(frozen=True)
class DisagreementRow:
    case_ref: str
    place: str  # "" outside repeats, else e.g. "decisions[2]"
    question: Question
    answers: list[tuple[str, str]]  # (coder, the answer's label; "" for a blank)


@dataclass(frozen=True)
class Disagreements:
    rows: list[DisagreementRow]  # at most MAX_DISAGREEMENTS
    more: bool  # there were more


def project_disagreement_rows(
    project: Project, form: Form, *, question: str | None = None, limit: int = MAX_DISAGREEMENTS
) -> Disagreements:
    """The places of the finished files where the coders answered one question differently (every
    compared question, or the one named: KeyError if unknown), by file."""
    regs = blind_registrations(project)
    questions = [form.question(question)] if question else [q for _p, q in form.questions()]
    rows: list[DisagreementRow] = []
    for q in questions:
        if q.type not in COMPARED_TYPES:
            continue
        for d in project_disagreements(form, regs, question=q.key):
            case_ref, place = d.unit
            answers = [(coder, answer_label(q, value)) for coder, value in sorted(d.values.items())]
            rows.append(DisagreementRow(case_ref, place, q, answers))
    order = {q.key: n for n, q in enumerate(questions)}
    rows.sort(key=lambda r: (r.case_ref, r.place, order[r.question.key]))
    return Disagreements(rows=rows[:limit], more=len(rows) > limit)


# --- Reconciliation --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """One distinct answer given at a place, and who gave it."""

    value: Any  # as stored (a multiple choice as the list of keys in the options' order)
    label: str
    coders: tuple[str, ...]


@dataclass(frozen=True)
class Place:
    """One question at one place of the file, as the coders answered it."""

    question: Question
    place: str  # the repeat place, "" outside repeats
    choices: tuple[Choice, ...]  # the distinct answers given (one when they agree)
    blank: tuple[str, ...]  # the coders who gave no answer here

    @property
    def agreed(self) -> bool:
        return len(self.choices) == 1 and not self.blank

    @property
    def path(self) -> str:
        return f"{self.place}.{self.question.key}" if self.place else self.question.key


@dataclass(frozen=True)
class Reconciliation:
    case_ref: str
    registrations: list[Registration]  # the coders' finished registrations, by coder
    consensus: Registration | None  # the file's consensus registration, if there is one
    places: list[Place]  # every place any coder answered, agreed and differing, in the form's order

    @property
    def coders(self) -> list[str]:
        return [r.coder for r in self.registrations]

    @property
    def differing(self) -> list[Place]:
        return [p for p in self.places if not p.agreed]

    @property
    def agreed(self) -> list[Place]:
        return [p for p in self.places if p.agreed]


def reconciliation(project: Project, form: Form, *, case_ref: str) -> Reconciliation | None:
    """The coders' answers to one finished file with two or more coders' finished registrations, place by
    place; None for any other file (not finished, one coder, unknown)."""
    if case_ref not in finished_case_refs(project):
        return None
    regs = list(
        Registration.objects.filter(project=project, case_ref=case_ref, submitted_at__isnull=False).order_by(
            "coder", "id"
        )
    )
    coders = [r for r in regs if not r.is_consensus]
    if len(coders) < 2:
        return None
    consensus = next((r for r in regs if r.is_consensus), None)
    return Reconciliation(case_ref, coders, consensus, compare(form, coders))


def _place_order(place: str) -> tuple[Any, ...]:
    """ "decisions[2]" before "decisions[10]"; the file's own questions ("") first."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", place))


def compare(form: Form, registrations: Sequence[Registration]) -> list[Place]:
    """Every place any of `registrations` answers (coder questions left out), with the distinct answers,
    by place and then in the form's order."""
    places: list[tuple[tuple[Any, ...], int, Place]] = []
    for n, (_path, question) in enumerate(form.questions()):
        if question.type not in RECONCILED_TYPES:
            continue
        by_place: dict[str, dict[str, Any]] = {}
        for r in registrations:
            for place, value in answers_to(form, question, r.answers):
                by_place.setdefault(place, {})[r.coder] = value
        for place, given in by_place.items():
            distinct: dict[Any, tuple[Any, list[str]]] = {}
            for coder, value in given.items():
                same = frozenset(value) if isinstance(value, list) else value
                if isinstance(value, list):
                    value = sorted(value, key=_option_order(question))
                distinct.setdefault(same, (value, []))[1].append(coder)
            choices = tuple(
                Choice(value, answer_label(question, value), tuple(names))
                for value, names in distinct.values()
            )
            blank = tuple(r.coder for r in registrations if r.coder not in given)
            places.append((_place_order(place), n, Place(question, place, choices, blank)))
    places.sort(key=lambda item: item[:2])
    return [p for _o, _n, p in places]


def consensus_choices(form: Form, found: Reconciliation) -> dict[str, str]:
    """The choices the file's consensus registration made, as the page's radio values (a place's path →
    the index of the answer chosen, or "none"); {} when there is no consensus yet. An answer the consensus
    gives that no coder gave is not preselected."""
    if found.consensus is None:
        return {}
    chosen: dict[str, str] = {}
    for place in found.differing:
        given = dict(answers_to(form, place.question, found.consensus.answers)).get(place.place)
        if given is None:
            chosen[place.path] = NO_ANSWER
            continue
        same = frozenset(given) if isinstance(given, list) else given
        for n, choice in enumerate(place.choices):
            if (frozenset(choice.value) if isinstance(choice.value, list) else choice.value) == same:
                chosen[place.path] = str(n)
    return chosen
