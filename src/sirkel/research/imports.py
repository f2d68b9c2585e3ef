"""Reading registrations from a JSON file, checked whole against the form (`sirkel research import`).

The file is a JSON list; each registration is an object with

- `case`: the case file's reference (text, required), and `coder`: the coder's label (text, required;
  linked to a user of that name where there is one, and the answer to the form's coder question);
- the answers, keyed by question key (or all under `answers`); repeat blocks as lists of objects under
  the block's repeat key (`decisions`), per-measure blocks as objects keyed by the measure; choices by
  option key or by Bokmål label;
- optionally `linked_case: {"service": NAME, "number": N}` for a Sirkel case the project has a grant for,
  and `consensus: true` for a consensus registration.

`read_registrations` checks everything and returns every problem, each naming the registration (its
number in the file and its case) and the question, so that nothing is written unless all is right.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sirkel.research.forms import Form, normalise, validate

RESERVED = ("case", "coder", "linked_case", "consensus", "answers")
MAX_REGISTRATIONS = 100_000


@dataclass(frozen=True)
class LinkedCase:
    service: str
    number: int


@dataclass(frozen=True)
class ParsedRegistration:
    case_ref: str
    coder: str
    answers: dict[str, Any]
    linked_case: LinkedCase | None = None
    is_consensus: bool = False


@dataclass(frozen=True)
class ImportProblem:
    registration: int  # its number in the file, from 1 (0: the file as a whole)
    case_ref: str
    question: str
    message: str

    def __str__(self) -> str:
        where = f"registration {self.registration}" + (f" (case {self.case_ref})" if self.case_ref else "")
        if self.registration == 0:
            where = "the file"
        return f"{where}{', ' + self.question if self.question else ''}: {self.message}"


def read_registrations(text: str, form: Form) -> tuple[list[ParsedRegistration], list[ImportProblem]]:
    """The file's registrations and every problem found in it (the registrations are only to be used
    when there is none)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return [], [ImportProblem(0, "", "", f"not valid JSON ({exc.msg}, line {exc.lineno})")]
    if not isinstance(data, list):
        return [], [ImportProblem(0, "", "", "the file must hold a JSON list of registrations")]
    if len(data) > MAX_REGISTRATIONS:
        return [], [ImportProblem(0, "", "", f"at most {MAX_REGISTRATIONS} registrations in one file")]
    coder_questions = [q.key for _p, q in form.questions() if q.type == "coder" and _p[0].repeat is None]
    parsed: list[ParsedRegistration] = []
    numbers: list[int] = []  # each parsed registration's number in the file
    problems: list[ImportProblem] = []
    for n, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            problems.append(ImportProblem(n, "", "", "a registration must be an object"))
            continue
        case_ref = item.get("case")
        coder = item.get("coder")
        ref = case_ref if isinstance(case_ref, str) else ""
        if not isinstance(case_ref, str) or not case_ref.strip() or len(case_ref) > 100:
            problems.append(
                ImportProblem(n, "", "case", "the case file's reference is missing (text, 1–100)")
            )
        if not isinstance(coder, str) or not coder.strip() or len(coder) > 100:
            problems.append(ImportProblem(n, ref, "coder", "the coder is missing (text, 1–100)"))
        linked = _linked(item.get("linked_case"), n, ref, problems)
        consensus = item.get("consensus", False)
        if not isinstance(consensus, bool):
            problems.append(ImportProblem(n, ref, "consensus", "consensus is true or false"))
        if "answers" in item:
            answers = item["answers"]
            if not isinstance(answers, dict):
                problems.append(ImportProblem(n, ref, "answers", "the answers must be an object"))
                continue
            extra = set(item) - set(RESERVED)
            for key in sorted(extra):
                problems.append(
                    ImportProblem(n, ref, key, "answers go under `answers` or beside `case`, not both")
                )
        else:
            answers = {k: v for k, v in item.items() if k not in RESERVED}
        answers = normalise(form, answers)
        if isinstance(coder, str):
            for key in coder_questions:
                answers.setdefault(key, coder)
        for problem in validate(form, answers):
            problems.append(ImportProblem(n, ref, problem.path or problem.question, problem.message))
        if isinstance(case_ref, str) and isinstance(coder, str):
            numbers.append(n)
            parsed.append(
                ParsedRegistration(
                    case_ref=case_ref.strip(),
                    coder=coder.strip(),
                    answers=answers,
                    linked_case=linked,
                    is_consensus=consensus is True,
                )
            )
    seen: dict[tuple[str, str, bool], int] = {}
    for n, registration in zip(numbers, parsed, strict=True):
        key = (registration.case_ref, registration.coder, registration.is_consensus)
        if key in seen:
            problems.append(
                ImportProblem(
                    n,
                    registration.case_ref,
                    "coder",
                    f"the same coder registered this file already (registration {seen[key]})",
                )
            )
        seen.setdefault(key, n)
    return parsed, problems


def _linked(value: Any, n: int, ref: str, problems: list[ImportProblem]) -> LinkedCase | None:
    if value is None:
        return None
    if (
        not isinstance(value, dict)
        or not isinstance(value.get("service"), str)
        or isinstance(value.get("number"), bool)
        or not isinstance(value.get("number"), int)
        or set(value) != {"service", "number"}
    ):
        problems.append(ImportProblem(n, ref, "linked_case", 'linked_case is {"service": NAME, "number": N}'))
        return None
    return LinkedCase(service=value["service"], number=value["number"])
