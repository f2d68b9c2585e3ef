"""A registration of a Sirkel case prefilled from the practice data, each prefilled answer marked.

What Sirkel knows fills the form's questions of the same meaning (only those the form has, and only
with options it offers): the child's sex, birth year, who the child lives with, children in the
household, birthplace, years in contact with the service (from the first contact), the target groups
(minority background, parents' cognitive difficulties), an interpreter used (when a meeting of the case
had one booked; a blank otherwise, since nothing recorded is not proof of none), and each decision (up
to the form's number of repeats, oldest first): its month, reasons by group, the measures it started,
and per measure the service's judgement of the desired effect at its latest closed evaluation.

The coder sees which answers are prefilled (`Prefill.paths`, in `validate`'s notation) and may change
any of them. The caller has checked that the coder may read the case, and records the read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sirkel.cases.models import Case, DecidedMeasure, DecisionChange, DecisionReason
from sirkel.evaluation.models import EvaluationStatus, Judgement, Perspective
from sirkel.meetings.models import Meeting
from sirkel.research.forms import Block, Form, Question

REASON_QUESTIONS = {
    "child": "reasons_child",
    "parents_care": "reasons_parents_care",
    "surroundings": "reasons_surroundings",
}


@dataclass(frozen=True)
class Prefill:
    answers: dict[str, Any]
    paths: list[str]  # the answers that came from Sirkel


def years_band(first_contact: date, today: date) -> str:
    """Years in contact with the service as the study's bands: 0–2, 3–5, 5–10, over 10."""
    years = (today - first_contact).days / 365.25
    if years < 3:
        return "0-2"
    if years < 5:
        return "3-5"
    if years < 10:
        return "5-10"
    return "10+"


def prefill(case: Case, *, form: Form, today: date) -> Prefill:
    questions = {q.key: q for _p, q in form.questions()}
    answers: dict[str, Any] = {}
    paths: list[str] = []

    def put(level: dict[str, Any], key: str, value: Any, path: str) -> None:
        question = questions.get(key)
        if question is None or value in (None, "", []) or not _fits(question, value):
            return
        level[key] = value
        paths.append(f"{path}{key}")

    put(answers, "sex", case.sex, "")
    put(answers, "birth_year", case.birth_date.year, "")
    put(answers, "lives_with", case.lives_with, "")
    if case.lives_with == "other":
        put(answers, "lives_with_other", case.lives_with_other, "")
    put(answers, "children_in_household", case.children_in_household, "")
    put(answers, "birthplace", case.birthplace, "")
    put(answers, "years_in_contact", years_band(case.first_contact_date, today), "")
    groups = [
        k
        for k, flag in (
            ("minority_background", case.minority_background),
            ("parent_cognitive_difficulties", case.parent_cognitive_difficulties),
        )
        if flag
    ]
    put(answers, "target_groups", groups, "")
    if Meeting.objects.filter(series__measure__case=case, interpreter_booked=True).exists():
        put(answers, "interpreter_used", "yes", "")
    block = _decision_block(form)
    if block is not None and block.repeat:
        decisions = _decisions(case, form=form, block=block, put=put)
        if decisions:
            answers[block.repeat] = decisions
    return Prefill(answers=answers, paths=paths)


def _fits(question: Question, value: Any) -> bool:
    keys = {o.key for o in question.options}
    if question.type == "single":
        return value in keys
    if question.type == "multiple":
        return isinstance(value, list) and all(v in keys for v in value)
    return True


def _decision_block(form: Form) -> Block | None:
    """The repeated block that holds `decision_month` (the study's decision block)."""
    for path, question in form.questions():
        if question.key == "decision_month":
            return next((b for b in reversed(path) if b.repeat), None)
    return None


def _decisions(case: Case, *, form: Form, block: Block, put: Any) -> list[dict[str, Any]]:
    decisions = list(case.decisions.order_by("decided_on", "id")[: block.max_repeats or 5])
    reasons: dict[int, dict[str, list[str]]] = {}
    for r in DecisionReason.objects.filter(decision__in=decisions).order_by("id"):
        reasons.setdefault(r.decision_id, {}).setdefault(r.group, []).append(r.key)
    started: dict[int, list[tuple[int, str]]] = {}
    for item in DecidedMeasure.objects.filter(
        decision__in=decisions, change=DecisionChange.START
    ).select_related("measure"):
        started.setdefault(item.decision_id, []).append((item.measure_id, item.measure.kind))
    effects: dict[int, str] = {}
    for j in (
        Judgement.objects.filter(
            perspective=Perspective.SERVICE,
            evaluation__measure__case=case,
            evaluation__status=EvaluationStatus.CLOSED,
        )
        .exclude(effect="")
        .order_by("evaluation__held_on", "evaluation_id")
        .values("evaluation__measure_id", "effect")
    ):
        effects[j["evaluation__measure_id"]] = j["effect"]  # the latest closed evaluation wins
    per_measure = next((i for i in block.items if isinstance(i, Block) and i.repeat_over), None)
    out = []
    for n, decision in enumerate(decisions, start=1):
        level: dict[str, Any] = {}
        path = f"{block.repeat}[{n}]."
        put(level, "decision_month", decision.decided_on.strftime("%Y-%m"), path)
        for group, keys in reasons.get(decision.pk, {}).items():
            if group in REASON_QUESTIONS:
                put(level, REASON_QUESTIONS[group], list(dict.fromkeys(keys)), path)
        kinds = started.get(decision.pk, [])
        put(level, "measures", list(dict.fromkeys(kind for _m, kind in kinds)), path)
        if per_measure is not None and "measures" in level:
            per: dict[str, Any] = {}
            for measure_id, kind in kinds:
                if measure_id in effects and kind in level["measures"]:
                    inner: dict[str, Any] = {}
                    put(
                        inner,
                        "service_desired_effect",
                        effects[measure_id],
                        f"{path}{per_measure.key}.{kind}.",
                    )
                    if inner:
                        per[kind] = inner
            if per:
                level[per_measure.key] = per
        out.append(level)
    return out
