"""Registration forms as data: the shapes every part of research works with.

A form is written as YAML (XLSForm-like; see `data/forms/study-2023.yaml`, the study's own form) and read
into these frozen dataclasses. Answers of one registration are plain JSON:

- a question outside any repeat block: `answers[question.key]`;
- a block repeated up to `max_repeats` times (`repeat: decisions`): a list of objects under the block's
  repeat key, `answers["decisions"] = [{...}, {...}]`, each object holding that block's questions;
- a block repeated once for each option ticked in a multiple-choice question of the enclosing block
  (`repeat_over: measures`): an object under the block's key, keyed by the ticked option's key,
  `decision["per_measure"] = {"network_meeting": {...}}`;
- values: text → str, integer → int, year → int, month → "YYYY-MM", single → an option key (str),
  multiple → a list of option keys, coder → str (the coder's label). A blank answer is absent or None.

Parsing (`load_form`), the shipped form (`study_form`) and checking answers (`validate`) are below.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

QUESTION_TYPES = ("text", "integer", "year", "month", "single", "multiple", "coder")


@dataclass(frozen=True)
class Option:
    key: str
    nb: str  # the Bokmål label (what tables and exports show)
    en: str


@dataclass(frozen=True)
class Question:
    key: str  # unique within the whole form
    type: str  # one of QUESTION_TYPES
    nb: str
    en: str = ""
    options: tuple[Option, ...] = ()  # single and multiple
    relevant: str | None = None  # an expression: asked only when true
    required: bool = False
    constraint: str | None = None  # an expression on `.` (the answer) that must hold
    note: str = ""

    def option(self, key: str) -> Option | None:
        return next((o for o in self.options if o.key == key), None)


@dataclass(frozen=True)
class Block:
    key: str
    nb: str
    en: str = ""
    repeat: str | None = None  # repeated up to max_repeats times, as a list under this key in the answers
    max_repeats: int | None = None
    repeat_over: str | None = None  # once per option ticked in this multiple-choice question's answer
    items: tuple[Question | Block, ...] = ()

    def questions(self) -> Iterator[tuple[tuple[Block, ...], Question]]:
        """Every question under this block, with the blocks on the way (this one first)."""
        for item in self.items:
            if isinstance(item, Question):
                yield (self,), item
            else:
                for path, question in item.questions():
                    yield (self, *path), question


@dataclass(frozen=True)
class Form:
    key: str  # e.g. "study-2023"
    version: int
    nb: str
    en: str = ""
    sections: tuple[Block, ...] = ()
    source: str = field(default="", compare=False)  # the YAML text it was read from

    def questions(self) -> Iterator[tuple[tuple[Block, ...], Question]]:
        for section in self.sections:
            yield from section.questions()

    def question(self, key: str) -> Question:
        for _path, question in self.questions():
            if question.key == key:
                return question
        raise KeyError(key)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a registration's answers, in plain words."""

    path: str  # where: "decisions[2].per_measure.network_meeting.evaluated"
    question: str  # the question's key ("" for the registration as a whole)
    message: str
