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

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml

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


# --- Expressions ------------------------------------------------------------------------------------------
#
# `relevant` and `constraint` are written as in XLSForm, in a small language read here (never eval):
#   lives_with == 'other'          ${lives_with} = 'other'       (both spellings)
#   selected(target_groups, 'fathers')   interpreter_used != 'no' and . >= 1900   not (a or b)
# Comparisons: == = != < <= > >=; a multiple-choice answer `==` an option means it is ticked. `.` is the
# answer itself (for constraints). A blank answer equals '' and no number; numbers compare as numbers.


class FormError(ValueError):
    """A form definition that cannot be used: the message says where and why."""


_TOKEN = re.compile(
    r"\s*(?:(?P<num>-?\d+(?:\.\d+)?)|'(?P<str>[^']*)'|\"(?P<dstr>[^\"]*)\"|\$\{(?P<ref>[A-Za-z_]\w*)\}"
    r"|(?P<op>==|!=|<=|>=|=|<|>|\(|\)|,)|(?P<dot>\.)|(?P<name>[A-Za-z_]\w*))"
)
_COMPARISONS = ("==", "=", "!=", "<", "<=", ">", ">=")

Node = tuple[Any, ...]


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise FormError(f"cannot read the expression {text!r} at {text[pos : pos + 10]!r}")
        kind = match.lastgroup or ""
        value = match.group(kind)
        if kind == "dstr":
            kind = "str"
        if kind == "ref":
            kind = "name"
        out.append((kind, value))
        pos = match.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (value is not None and token[1] != value):
            raise FormError(f"the expression {self.text!r} is incomplete or has {value!r} missing")
        self.i += 1
        return token

    def parse(self) -> Node:
        node = self.or_()
        if self.peek() is not None:
            raise FormError(f"the expression {self.text!r} has something left over: {self.peek()!r}")
        return node

    def or_(self) -> Node:
        node = self.and_()
        while self.peek() == ("name", "or"):
            self.take()
            node = ("or", node, self.and_())
        return node

    def and_(self) -> Node:
        node = self.not_()
        while self.peek() == ("name", "and"):
            self.take()
            node = ("and", node, self.not_())
        return node

    def not_(self) -> Node:
        if self.peek() == ("name", "not"):
            self.take()
            return ("not", self.not_())
        return self.comparison()

    def comparison(self) -> Node:
        left = self.operand()
        token = self.peek()
        if token and token[0] == "op" and token[1] in _COMPARISONS:
            self.take()
            return ("cmp", "==" if token[1] == "=" else token[1], left, self.operand())
        return ("truthy", left)

    def operand(self) -> Node:
        kind, value = self.take()
        if kind == "num":
            return ("lit", float(value) if "." in value else int(value))
        if kind == "str":
            return ("lit", value)
        if kind == "dot":
            return ("self",)
        if kind == "op" and value == "(":
            node = self.or_()
            self.take(")")
            return node
        if kind == "name" and value == "selected":
            self.take("(")
            name = self.take()
            if name[0] != "name":
                raise FormError(f"selected() names a question first, in {self.text!r}")
            self.take(",")
            option = self.operand()
            self.take(")")
            return ("selected", name[1], option)
        if kind == "name" and value not in ("and", "or", "not"):
            return ("ref", value)
        raise FormError(f"unexpected {value!r} in the expression {self.text!r}")


@cache
def compile_expression(text: str) -> Node:
    """The expression read into a small tree; FormError when it cannot be read."""
    return _Parser(text).parse()


def references(node: Node) -> set[str]:
    """The question keys an expression reads."""
    if node[0] == "ref":
        return {node[1]}
    if node[0] == "selected":
        return {node[1]} | references(node[2])
    return set().union(*(references(n) for n in node[1:] if isinstance(n, tuple)))


def evaluate(node: Node, lookup: Callable[[str], Any], this: Any = None) -> Any:
    """The expression's value, reading answers through `lookup(key)` and `.` as `this`."""
    tag = node[0]
    if tag == "lit":
        return node[1]
    if tag == "self":
        return this
    if tag == "ref":
        return lookup(node[1])
    if tag == "or":
        return bool(evaluate(node[1], lookup, this)) or bool(evaluate(node[2], lookup, this))
    if tag == "and":
        return bool(evaluate(node[1], lookup, this)) and bool(evaluate(node[2], lookup, this))
    if tag == "not":
        return not evaluate(node[1], lookup, this)
    if tag == "truthy":
        value = evaluate(node[1], lookup, this)
        return value not in (None, "", [], False, 0)
    if tag == "selected":
        value = lookup(node[1])
        option = evaluate(node[2], lookup, this)
        return isinstance(value, list) and str(option) in value
    if tag == "cmp":
        return _compare(node[1], evaluate(node[2], lookup, this), evaluate(node[3], lookup, this))
    raise FormError(f"unknown expression node {tag!r}")


def _compare(op: str, left: Any, right: Any) -> bool:
    if isinstance(left, list) and op in ("==", "!="):  # a multiple choice: is the option ticked?
        ticked = str(right) in left
        return ticked if op == "==" else not ticked
    if isinstance(right, list) and op in ("==", "!="):
        ticked = str(left) in right
        return ticked if op == "==" else not ticked
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (left, right))
    if op in ("==", "!="):
        same = (
            left == right
            if numbers
            else ("" if left is None else str(left)) == ("" if right is None else str(right))
        )
        return same if op == "==" else not same
    if not numbers:
        return False  # a blank or a text is not less or more than anything
    return bool({"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[op])


# --- Reading a form ----------------------------------------------------------------------------------------


def _labels(spec: Any, *, where: str) -> tuple[str, str]:
    if isinstance(spec, dict):
        nb, en = spec.get("nb"), spec.get("en", "")
        if isinstance(nb, str) and nb:
            return nb, str(en or "")
    raise FormError(f"{where}: a Bokmål label (`nb`) is missing")


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return slug or "option"


def _options_from(reference: str, *, where: str) -> tuple[Option, ...]:
    """Options from a taxonomy file: `reasons.yaml#child` is the list under `child` in reasons.yaml."""
    from sirkel.taxonomy.loader import TaxonomyError, load

    name, _, part = reference.partition("#")
    try:
        items = load(name.removesuffix(".yaml")).get(part)
    except TaxonomyError as exc:
        raise FormError(f"{where}: {exc}") from exc
    if not isinstance(items, list):
        raise FormError(f"{where}: there is no list {part!r} in {name}")
    options = []
    for item in items:
        nb, en = _labels(item, where=f"{where} ({reference})")
        options.append(Option(key=str(item.get("key") or _slug(en or nb)), nb=nb, en=en))
    return tuple(options)


def _question(spec: dict[str, Any], *, labels: dict[str, Any], where: str) -> Question:
    key = spec.get("key")
    if not isinstance(key, str) or not re.fullmatch(r"[A-Za-z_]\w*", key):
        raise FormError(f"{where}: every question needs a `key` (letters, digits and _)")
    where = f"{where} question {key!r}"
    kind = spec.get("type")
    if kind not in QUESTION_TYPES:
        raise FormError(f"{where}: type {kind!r} is not one of {', '.join(QUESTION_TYPES)}")
    nb, en = _labels(spec, where=where)
    options: tuple[Option, ...] = ()
    if kind in ("single", "multiple"):
        if "options_from" in spec:
            options = _options_from(str(spec["options_from"]), where=where)
        else:
            listed = spec.get("options")
            if not isinstance(listed, list) or not listed:
                raise FormError(f"{where}: a choice question needs `options` or `options_from`")
            built = []
            for item in listed:
                if isinstance(item, dict):
                    o_nb, o_en = _labels(item, where=f"{where} option {item.get('key')!r}")
                    built.append(Option(key=str(item["key"]), nb=o_nb, en=o_en))
                else:
                    label = labels.get(str(item))
                    if label is None:
                        raise FormError(f"{where}: option {item!r} has no label in `option_labels`")
                    o_nb, o_en = _labels(label, where=f"option_labels {item!r}")
                    built.append(Option(key=str(item), nb=o_nb, en=o_en))
            options = tuple(built)
        if len({o.key for o in options}) < len(options):
            raise FormError(f"{where}: an option key is given twice")
    for field_name in ("relevant", "constraint"):
        if spec.get(field_name) is not None:
            compile_expression(str(spec[field_name]))
    required = spec.get("required", False)
    if not isinstance(required, bool):
        raise FormError(f"{where}: `required` is true or false")
    return Question(
        key=key,
        type=kind,
        nb=nb,
        en=en,
        options=options,
        relevant=None if spec.get("relevant") is None else str(spec["relevant"]),
        required=required,
        constraint=None if spec.get("constraint") is None else str(spec["constraint"]),
        note=str(spec.get("note", "")),
    )


def _block(spec: dict[str, Any], *, labels: dict[str, Any], where: str, choices: set[str]) -> Block:
    key = spec.get("key")
    if not isinstance(key, str) or not key:
        raise FormError(f"{where}: every block needs a `key`")
    where = f"{where} block {key!r}"
    title = spec.get("title", spec)
    nb, en = _labels(title, where=where)
    items_spec = spec.get("questions")
    if not isinstance(items_spec, list) or not items_spec:
        raise FormError(f"{where}: a block needs `questions`")
    here: set[str] = {
        str(i["key"])
        for i in items_spec
        if isinstance(i, dict) and i.get("type") == "multiple" and "key" in i
    }
    items: list[Question | Block] = []
    for item in items_spec:
        if not isinstance(item, dict):
            raise FormError(f"{where}: each item is a mapping")
        if "questions" in item:
            items.append(_block(item, labels=labels, where=where, choices=choices | here))
        else:
            items.append(_question(item, labels=labels, where=where))
    repeat = spec.get("repeat")
    repeat_over = None
    if repeat is not None and str(repeat) in choices | here and "max_repeats" not in spec:
        repeat_over, repeat = str(repeat), None  # once per option ticked in that question
    max_repeats = spec.get("max_repeats")
    if max_repeats is not None and (not isinstance(max_repeats, int) or max_repeats < 1):
        raise FormError(f"{where}: `max_repeats` is a whole number of at least 1")
    return Block(
        key=key,
        nb=nb,
        en=en,
        repeat=None if repeat is None else str(repeat),
        max_repeats=max_repeats,
        repeat_over=repeat_over,
        items=tuple(items),
    )


def load_form(text: str, *, key: str | None = None, version: int | None = None) -> Form:
    """A form from its YAML text, checked whole: FormError names the first thing wrong. `key` and
    `version` default to the file's own."""
    try:
        spec = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise FormError(f"the form is not valid YAML: {exc}") from exc
    if not isinstance(spec, dict):
        raise FormError("a form is a mapping at the top level")
    key = key or spec.get("key")
    version = version if version is not None else spec.get("version")
    if not isinstance(key, str) or not key:
        raise FormError("the form needs a `key`")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise FormError("the form needs a `version`, a whole number of at least 1")
    nb, en = _labels(spec.get("title"), where="the form's title")
    labels = spec.get("option_labels") or {}
    if not isinstance(labels, dict):
        raise FormError("`option_labels` is a mapping of option key to labels")
    sections_spec = spec.get("sections")
    if not isinstance(sections_spec, list) or not sections_spec:
        raise FormError("the form needs `sections`")
    sections = tuple(
        _block(s, labels={str(k): v for k, v in labels.items()}, where="sections", choices=set())
        for s in sections_spec
    )
    form = Form(key=key, version=version, nb=nb, en=en, sections=sections, source=text)
    _check_keys(form)
    return form


def _check_keys(form: Form) -> None:
    """Question keys are unique, repeat keys do not clash with them, and expressions name questions."""
    seen: set[str] = set()
    for _path, question in form.questions():
        if question.key in seen:
            raise FormError(f"question key {question.key!r} is used twice")
        seen.add(question.key)
    blocks = [b for _p, b in _blocks(form)]
    for block in blocks:
        if block.repeat and block.repeat in seen:
            raise FormError(f"block {block.key!r} repeats under {block.repeat!r}, which is also a question")
        if block.repeat_over and block.key in seen:
            raise FormError(f"block {block.key!r} has the key of a question")
    for _path, question in form.questions():
        for text in (question.relevant, question.constraint):
            if text:
                unknown = references(compile_expression(text)) - seen
                if unknown:
                    raise FormError(
                        f"question {question.key!r} refers to unknown {', '.join(sorted(unknown))}"
                    )


def _blocks(form: Form) -> Iterator[tuple[tuple[Block, ...], Block]]:
    def walk(block: Block, path: tuple[Block, ...]) -> Iterator[tuple[tuple[Block, ...], Block]]:
        yield path, block
        for item in block.items:
            if isinstance(item, Block):
                yield from walk(item, (*path, block))

    for section in form.sections:
        yield from walk(section, ())


@lru_cache(maxsize=64)
def read_version(definition: str, key: str, version: int) -> Form:
    """The form of a stored version, read once per process: a version's text never changes, and every
    research page and export reads its project's form (a frozen `Form`, safe to share)."""
    return load_form(definition, key=key, version=version)


STUDY_FORM = "study-2023"


@cache
def study_form() -> Form:
    """The study's own registration form, as Sirkel ships it (`data/forms/study-2023.yaml`)."""
    path = resources.files("sirkel.research").joinpath("data", "forms", f"{STUDY_FORM}.yaml")
    return load_form(path.read_text(encoding="utf-8"))


# --- Reading answers ---------------------------------------------------------------------------------------


def answers_to(form: Form, question: Question, answers: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(place, answer) for every place one registration answers `question`, through its repeat blocks
    (`""` outside repeats, `decisions[2]`, `decisions[2].per_measure.pmto`); blanks left out."""
    path = next(p for p, q in form.questions() if q is question)
    levels: list[tuple[str, dict[str, Any]]] = [("", answers)]
    for block in path:
        inner: list[tuple[str, dict[str, Any]]] = []
        for place, level in levels:
            if block.repeat:
                items = level.get(block.repeat)
                for n, item in enumerate(items if isinstance(items, list) else [], start=1):
                    if isinstance(item, dict):
                        inner.append((f"{place}{block.repeat}[{n}].", item))
            elif block.repeat_over:
                items = level.get(block.key)
                for option, item in items.items() if isinstance(items, dict) else []:
                    if isinstance(item, dict):
                        inner.append((f"{place}{block.key}.{option}.", item))
            else:
                inner.append((place, level))
        levels = inner
    for place, level in levels:
        value = level.get(question.key)
        if value not in (None, "", []):
            yield place.rstrip("."), value


def set_answer(form: Form, question: Question, answers: dict[str, Any], place: str, value: Any) -> None:
    """Put `value` as the answer to `question` at `place` of `answers` (in place): the inverse of
    `answers_to`, so that afterwards it yields (place, value) there. The repeat blocks on the way are made
    when missing (a list is padded with empty objects up to the place's number); `None` removes the
    answer and makes nothing. ValueError for a place the question does not have."""
    path = next(p for p, q in form.questions() if q is question)
    level = answers
    rest = place
    for block in path:
        if block.repeat:
            match = re.match(rf"{re.escape(block.repeat)}\[([1-9][0-9]*)\](?:\.|$)", rest)
            if match is None:
                raise ValueError(f"{place!r} is not a place of {question.key!r}")
            rest = rest[match.end() :]
            n = int(match.group(1))
            items = level.get(block.repeat)
            if not isinstance(items, list) or len(items) < n:
                if value is None:
                    return
                items = items if isinstance(items, list) else []
                items.extend({} for _ in range(n - len(items)))
                level[block.repeat] = items
            if not isinstance(items[n - 1], dict):
                raise ValueError(f"{place!r}: {block.repeat}[{n}] is not an object")
            level = items[n - 1]
        elif block.repeat_over:
            head, _dot, option = rest.partition(".")
            option, _dot, rest = option.partition(".")
            if head != block.key or not option:
                raise ValueError(f"{place!r} is not a place of {question.key!r}")
            items = level.get(block.key)
            if not isinstance(items, dict) or not isinstance(items.get(option), dict):
                if value is None:
                    return
                items = items if isinstance(items, dict) else {}
                items.setdefault(option, {})
                level[block.key] = items
            if not isinstance(items[option], dict):
                raise ValueError(f"{place!r}: {block.key}.{option} is not an object")
            level = items[option]
    if rest:
        raise ValueError(f"{place!r} is not a place of {question.key!r}")
    if value is None:
        level.pop(question.key, None)
    else:
        level[question.key] = value


# --- Checking answers ---------------------------------------------------------------------------------------

MAX_TEXT = 20_000
_MONTH = re.compile(r"(19|20|21)\d{2}-(0[1-9]|1[0-2])")


def validate(form: Form, answers: Any) -> list[Problem]:
    """Everything wrong with one registration's answers: unknown keys, values of the wrong type or not
    among the options, answers to questions not asked (their `relevant` is false), required ones missing,
    constraints not met, too many repeats, per-option blocks for options not ticked."""
    problems: list[Problem] = []
    if not isinstance(answers, dict):
        return [Problem("", "", "The answers must be an object of question keys and answers.")]
    scopes: list[dict[str, Any]] = [answers]
    top_keys: set[str] = set()
    for section in form.sections:
        if section.repeat:
            top_keys.add(section.repeat)
            _repeat(form, section, answers, scopes, "", problems)
        else:
            top_keys |= _level_keys(section)
            _items(form, section, answers, scopes, "", problems)
    for key in answers:
        if key not in top_keys:
            problems.append(Problem(key, key, f"There is no question {key!r} in the form."))
    return problems


def _level_keys(block: Block) -> set[str]:
    """The answer keys at the level of `block` (its questions, and its nested blocks' keys)."""
    keys: set[str] = set()
    for item in block.items:
        if isinstance(item, Question):
            keys.add(item.key)
        elif item.repeat:
            keys.add(item.repeat)
        elif item.repeat_over:
            keys.add(item.key)
        else:
            keys |= _level_keys(item)
    return keys


def _repeat(
    form: Form,
    block: Block,
    level: dict[str, Any],
    scopes: list[dict[str, Any]],
    path: str,
    problems: list[Problem],
) -> None:
    if block.repeat is None:
        return
    where = f"{path}{block.repeat}"
    value = level.get(block.repeat)
    if value is None:
        return
    if not isinstance(value, list):
        problems.append(Problem(where, "", f"{block.repeat!r} must be a list of objects."))
        return
    if block.max_repeats is not None and len(value) > block.max_repeats:
        problems.append(
            Problem(where, "", f"At most {block.max_repeats} in {block.repeat!r}, not {len(value)}.")
        )
    for n, instance in enumerate(value, start=1):
        _instance(form, block, instance, scopes, f"{where}[{n}]", problems)


def _instance(
    form: Form, block: Block, instance: Any, scopes: list[dict[str, Any]], here: str, problems: list[Problem]
) -> None:
    """One answer object of a repeated block: its questions, and no key the block does not have."""
    if not isinstance(instance, dict):
        problems.append(Problem(here, "", "Each repeat is an object of question keys and answers."))
        return
    _items(form, block, instance, [instance, *scopes], f"{here}.", problems)
    keys = _level_keys(block)
    for key in instance:
        if key not in keys:
            problems.append(Problem(f"{here}.{key}", key, f"There is no question {key!r} in this block."))


def _items(
    form: Form,
    block: Block,
    level: dict[str, Any],
    scopes: list[dict[str, Any]],
    path: str,
    problems: list[Problem],
) -> None:
    for item in block.items:
        if isinstance(item, Question):
            _question_answer(item, level, scopes, path, problems)
        elif item.repeat:
            _repeat(form, item, level, scopes, path, problems)
        elif item.repeat_over:
            _per_option(form, item, level, scopes, path, problems)
        else:
            _items(form, item, level, scopes, path, problems)


def _per_option(
    form: Form,
    block: Block,
    level: dict[str, Any],
    scopes: list[dict[str, Any]],
    path: str,
    problems: list[Problem],
) -> None:
    if block.repeat_over is None:
        return
    where = f"{path}{block.key}"
    value = level.get(block.key)
    if value is None:
        return
    if not isinstance(value, dict):
        problems.append(Problem(where, "", f"{block.key!r} must be an object keyed by the options ticked."))
        return
    ticked = level.get(block.repeat_over)
    ticked_keys = set(ticked) if isinstance(ticked, list) else set()
    for option, instance in value.items():
        here = f"{where}.{option}"
        if option not in ticked_keys:
            problems.append(
                Problem(here, block.repeat_over, f"{option!r} is not ticked in {block.repeat_over!r}.")
            )
            continue
        _instance(form, block, instance, scopes, here, problems)


def _lookup(scopes: list[dict[str, Any]]) -> Callable[[str], Any]:
    def lookup(key: str) -> Any:
        for scope in scopes:  # the innermost answer of that name first
            if key in scope:
                return scope[key]
        return None

    return lookup


def _question_answer(
    question: Question,
    level: dict[str, Any],
    scopes: list[dict[str, Any]],
    path: str,
    problems: list[Problem],
) -> None:
    where = f"{path}{question.key}"
    value = level.get(question.key)
    blank = value is None or value == "" or value == []
    relevant = question.relevant is None or bool(
        evaluate(compile_expression(question.relevant), _lookup(scopes))
    )
    if not relevant:
        if not blank:
            problems.append(
                Problem(where, question.key, f"Not asked here (only when {question.relevant}), but answered.")
            )
        return
    if blank:
        if question.required:
            problems.append(Problem(where, question.key, "This question must be answered."))
        return
    message = _type_problem(question, value)
    if message:
        problems.append(Problem(where, question.key, message))
        return
    if question.constraint and not evaluate(compile_expression(question.constraint), _lookup(scopes), value):
        problems.append(Problem(where, question.key, f"The answer does not meet {question.constraint}."))


def _type_problem(question: Question, value: Any) -> str:
    kind = question.type
    if kind in ("text", "coder"):
        if not isinstance(value, str):
            return "The answer must be text."
        return f"At most {MAX_TEXT} characters." if len(value) > MAX_TEXT else ""
    if kind in ("integer", "year"):
        if isinstance(value, bool) or not isinstance(value, int):
            return "The answer must be a whole number."
        if kind == "year" and not 1900 <= value <= 2100:
            return "The answer must be a year between 1900 and 2100."
        return ""
    if kind == "month":
        if not isinstance(value, str) or not _MONTH.fullmatch(value):
            return "The answer must be a month as YYYY-MM."
        return ""
    keys = [o.key for o in question.options]
    if kind == "single":
        if not isinstance(value, str) or value not in keys:
            return f"{value!r} is not one of the options ({', '.join(keys)})."
        return ""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return "The answer must be a list of options."
    unknown = [v for v in value if v not in keys]
    if unknown:
        return f"{', '.join(map(repr, unknown))} is not among the options."
    if len(set(value)) < len(value):
        return "An option is ticked twice."
    return ""


def normalise(form: Form, answers: dict[str, Any]) -> dict[str, Any]:
    """The answers with choices given by their Bokmål label turned into option keys (a file written by
    hand may use either); everything else as it was. `validate` afterwards says what is still wrong."""
    questions = {q.key: q for _p, q in form.questions()}
    blocks = {b.repeat or b.key: b for _p, b in _blocks(form) if b.repeat or b.repeat_over}

    def one(question: Question, value: Any) -> Any:
        by_label = {o.nb.casefold(): o.key for o in question.options}
        if (
            question.type == "single"
            and isinstance(value, str)
            and value not in {o.key for o in question.options}
        ):
            return by_label.get(value.strip().casefold(), value)
        if question.type == "multiple" and isinstance(value, list):
            keys = {o.key for o in question.options}
            return [
                by_label.get(v.strip().casefold(), v) if isinstance(v, str) and v not in keys else v
                for v in value
            ]
        return value

    def level(data: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in data.items():
            if key in questions:
                out[key] = one(questions[key], value)
            elif key in blocks and isinstance(value, list):
                out[key] = [level(v) if isinstance(v, dict) else v for v in value]
            elif key in blocks and isinstance(value, dict):
                out[key] = {k: level(v) if isinstance(v, dict) else v for k, v in value.items()}
            else:
                out[key] = value
        return out

    return level(answers)
