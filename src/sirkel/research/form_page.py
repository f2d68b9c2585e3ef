"""A registration form as a web page: the fields to render from the form engine, and the answers read
back from what the browser posts.

Every input is named by its answer's path in `validate`'s notation (`sex`, `decisions[2].measures`,
`decisions[2].per_measure.pmto.evaluated`), so a problem is shown beside the input it is about. A
repeated block (`repeat:`) is shown as many times as it has answers, and once more empty, up to its
maximum; its count travels in a hidden input (`decisions.count`). A per-option block (`repeat_over:`) is
shown once for each option ticked in the saved or posted answers, so no script is needed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sirkel.research.coding_services import is_relevant
from sirkel.research.forms import Block, Form, Option, Problem, Question

MAX_SHOWN_REPEATS = 20  # a repeat block without a maximum is shown at most this many times


def english() -> bool:
    return (get_language() or "nb").startswith("en")


def label(nb: str, en: str) -> str:
    """The label in the page's language: English when the page is and the form has one, else Bokmål."""
    return en if english() and en else nb


def html_id(path: str) -> str:
    """The id of a question's input (`q-decisions-2-measures`)."""
    return "q-" + re.sub(r"[^A-Za-z0-9_-]+", "-", path).strip("-")


def _block_id(path: str) -> str:
    return "b" + html_id(path)[1:]


# Messages of `forms.validate` as the coder reads them, in the page's language.
_MESSAGES = {
    "This question must be answered.": lambda: _("This question must be answered."),
    "The answer must be text.": lambda: _("The answer must be text."),
    "The answer must be a whole number.": lambda: _("The answer must be a whole number."),
    "The answer must be a year between 1900 and 2100.": lambda: _(
        "The answer must be a year between 1900 and 2100."
    ),
    "The answer must be a month as YYYY-MM.": lambda: _(
        "The answer must be a month as YYYY-MM, e.g. 2024-03."
    ),
    "The answer must be a list of options.": lambda: _("Tick the options that apply."),
    "An option is ticked twice.": lambda: _("An option is ticked twice."),
}


def message(problem: Problem) -> str:
    translated = _MESSAGES.get(problem.message)
    if translated is not None:
        return translated()
    if problem.message.startswith("The answer does not meet"):
        return _("The answer is not allowed here.")
    if problem.message.startswith("At most") and "characters" in problem.message:
        return _("The answer is too long.")
    return problem.message


@dataclass
class Choice:
    key: str
    label: str
    id: str
    checked: bool


@dataclass
class Field:
    question: Question
    path: str
    id: str
    label: str
    kind: str  # textarea, number, month, radio, checkbox, text
    value: str = ""
    choices: list[Choice] = field(default_factory=list)
    prefilled: bool = False
    problems: list[str] = field(default_factory=list)
    relevant: bool = True
    min: int | None = None
    max: int | None = None
    note: str = ""

    @property
    def is_field(self) -> bool:
        return True

    @property
    def answered(self) -> bool:
        return any(c.checked for c in self.choices)

    @property
    def describedby(self) -> str:
        ids = []
        if self.prefilled:
            ids.append(f"{self.id}-prefill")
        if not self.relevant:
            ids.append(f"{self.id}-na")
        if self.kind == "month":
            ids.append(f"{self.id}-hint")
        if self.problems:
            ids.append(f"{self.id}-error")
        return " ".join(ids)


@dataclass
class Group:
    block: Block
    id: str
    legend: str
    children: list[Field | Group] = field(default_factory=list)
    section: bool = False  # a top-level section (a heading) rather than a fieldset
    count_name: str = ""  # a repeated block's hidden count input
    count: int = 0
    can_add: bool = False  # the "add one" button (after the last of a repeated block)
    add_label: str = ""

    @property
    def is_field(self) -> bool:
        return False


@dataclass
class PageForm:
    groups: list[Group]
    problems: list[tuple[str, str, str]]  # (input id, label, message) for the error summary


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def _shown_value(value: Any) -> str:
    return "" if _blank(value) else str(value)


def _option_choices(question: Question, options: tuple[Option, ...], value: Any, base: str) -> list[Choice]:
    ticked = set(value) if isinstance(value, list) else {value}
    return [
        Choice(o.key, label(o.nb, o.en), f"{base}-{n}", o.key in ticked)
        for n, o in enumerate(options, start=1)
    ]


def build(
    form: Form,
    answers: dict[str, Any],
    *,
    prefilled: set[str],
    problems: list[Problem],
    coder_name: str,
    shown: dict[str, int] | None = None,
) -> PageForm:
    """The page's fields for `answers`: `prefilled` the paths marked as from Sirkel, `problems` shown
    beside their inputs, `shown` how many times a repeated block is shown (its key, e.g. `decisions`)."""
    shown = shown or {}
    by_path: dict[str, list[str]] = {}
    for problem in problems:
        by_path.setdefault(problem.path, []).append(message(problem))
    summary: list[tuple[str, str, str]] = []
    placed: set[str] = set()
    questions = {q.key: q for _p, q in form.questions()}

    def question_field(q: Question, level: dict[str, Any], scopes: list[dict[str, Any]], path: str) -> Field:
        where = f"{path}{q.key}"
        value = level.get(q.key)
        fid = html_id(where)
        f = Field(
            question=q,
            path=where,
            id=fid,
            label=label(q.nb, q.en),
            kind="text",
            prefilled=where in prefilled,
            problems=by_path.get(where, []),
            relevant=is_relevant(q, scopes),
        )
        if q.type == "text":
            f.kind, f.value = "textarea", _shown_value(value)
        elif q.type == "integer":
            f.kind, f.value, f.min = "number", _shown_value(value), 0
        elif q.type == "year":
            f.kind, f.value, f.min, f.max = "number", _shown_value(value), 1900, 2100
        elif q.type == "month":
            f.kind, f.value = "month", _shown_value(value)
        elif q.type == "single":
            f.kind, f.choices = "radio", _option_choices(q, q.options, value, fid)
        elif q.type == "multiple":
            f.kind, f.choices = "checkbox", _option_choices(q, q.options, value, fid)
        else:  # coder: the coder's own name unless answered
            f.kind, f.value = "text", _shown_value(value) or coder_name
        for text in f.problems:
            first = f.choices[0].id if f.choices else fid
            summary.append((first, f.label, text))
        placed.add(where)
        return f

    def items(
        block: Block, level: dict[str, Any], scopes: list[dict[str, Any]], path: str
    ) -> list[Field | Group]:
        out: list[Field | Group] = []
        for item in block.items:
            if isinstance(item, Question):
                out.append(question_field(item, level, scopes, path))
            else:
                out.extend(nested(item, level, scopes, path, section=False))
        return out

    def nested(
        block: Block, level: dict[str, Any], scopes: list[dict[str, Any]], path: str, *, section: bool
    ) -> list[Group]:
        title = label(block.nb, block.en)
        if block.repeat:
            saved = level.get(block.repeat)
            instances = [i if isinstance(i, dict) else {} for i in (saved if isinstance(saved, list) else [])]
            limit = block.max_repeats or MAX_SHOWN_REPEATS
            count = shown.get(f"{path}{block.repeat}", len(instances) + 1)
            count = max(1, min(limit, max(count, len(instances))))
            groups = []
            for n in range(1, count + 1):
                instance = instances[n - 1] if n <= len(instances) else {}
                here = f"{path}{block.repeat}[{n}]"
                group = Group(block, _block_id(here), f"{title} {n}")  # a numbered fieldset
                group.children = items(block, instance, [instance, *scopes], f"{here}.")
                groups.append(group)
            last = groups[-1]
            last.count_name = f"{path}{block.repeat}.count"
            last.count = count
            last.can_add = count < limit
            short = title.split(" (", 1)[0]  # the title without its instructions to the coder
            last.add_label = _("Add one more: %(block)s") % {"block": short}
            return groups
        if block.repeat_over:
            ticked = level.get(block.repeat_over)
            saved_per = level.get(block.key)
            per: dict[str, Any] = saved_per if isinstance(saved_per, dict) else {}
            chooser = questions.get(block.repeat_over)
            groups = []
            for option in ticked if isinstance(ticked, list) else []:
                found = per.get(option)
                one: dict[str, Any] = found if isinstance(found, dict) else {}
                o = chooser.option(option) if chooser else None
                here = f"{path}{block.key}.{option}"
                name = label(o.nb, o.en) if o else option
                group = Group(block, _block_id(here), f"{title}: {name}")
                group.children = items(block, one, [one, *scopes], f"{here}.")
                groups.append(group)
            return groups
        group = Group(block, _block_id(f"{path}{block.key}"), title, section=section)
        group.children = items(block, level, scopes, path)
        return [group]

    groups: list[Group] = []
    for section in form.sections:
        groups.extend(nested(section, answers, [answers], "", section=True))
    for problem in problems:
        if problem.path not in placed:
            summary.append(("", "", message(problem)))
    return PageForm(groups, summary)


def _read(question: Question, data: QueryDict, name: str) -> Any:
    if question.type == "multiple":
        return [v for v in data.getlist(name) if v]
    raw = data.get(name, "")
    text = raw.strip() if isinstance(raw, str) else ""
    if text == "":
        return None
    if question.type in ("integer", "year"):
        try:
            return int(text)
        except ValueError:
            return text  # kept as typed; the check says it is no whole number
    return text


def read_answers(form: Form, data: QueryDict) -> tuple[dict[str, Any], dict[str, int]]:
    """The answers posted, with blank answers and empty repeats left out; and how many times each
    repeated block was shown (by its path, `decisions`)."""
    shown: dict[str, int] = {}

    def items(block: Block, level: dict[str, Any], prefix: str) -> None:
        for item in block.items:
            if isinstance(item, Question):
                value = _read(item, data, f"{prefix}{item.key}")
                if not _blank(value):
                    level[item.key] = value
            else:
                nested(item, level, prefix)

    def nested(block: Block, level: dict[str, Any], prefix: str) -> None:
        if block.repeat:
            limit = block.max_repeats or MAX_SHOWN_REPEATS
            try:
                count = int(data.get(f"{prefix}{block.repeat}.count", "0"))
            except ValueError:
                count = 0
            count = max(0, min(limit, count))
            shown[f"{prefix}{block.repeat}"] = count
            found = []
            for n in range(1, count + 1):
                instance: dict[str, Any] = {}
                items(block, instance, f"{prefix}{block.repeat}[{n}].")
                if instance:
                    found.append(instance)
            if found:
                level[block.repeat] = found
        elif block.repeat_over:
            ticked = level.get(block.repeat_over)
            per: dict[str, Any] = {}
            for option in ticked if isinstance(ticked, list) else []:
                instance = {}
                items(block, instance, f"{prefix}{block.key}.{option}.")
                if instance:
                    per[option] = instance
            if per:
                level[block.key] = per
        else:
            items(block, level, prefix)

    answers: dict[str, Any] = {}
    for section in form.sections:
        nested(section, answers, "")
    return answers, shown
