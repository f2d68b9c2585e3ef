"""Agreement between the coders of a project, question by question, from their registrations.

A *unit* is one place in a case file that two or more coders answered independently (consensus
registrations are not coders' own readings and are left out): for a question outside repeats the file
itself; inside a repeat, the file and the repeat (`decisions[2]`, `decisions[2].per_measure.pmto`), so
coders who registered the same decision are compared with each other. A multiple-choice answer is
compared as the set of options ticked. Free-text and coder questions have no agreement.

The statistics are `agreement.agreement` (percent agreement, Cohen's kappa for two coders, Fleiss' kappa
and Krippendorff's alpha for more).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sirkel.research import agreement
from sirkel.research.forms import Form, Question, answers_to
from sirkel.research.tables import CaseRegistration

COMPARED_TYPES = ("single", "multiple", "integer", "year", "month")


def codings(
    form: Form, question: Question, registrations: Iterable[CaseRegistration]
) -> dict[tuple[str, str], dict[str, Any]]:
    """{(case, place): {coder: answer}} over the coders' own registrations (not consensus ones)."""
    units: dict[tuple[str, str], dict[str, Any]] = {}
    for registration in registrations:
        if registration.is_consensus:
            continue
        for place, value in answers_to(form, question, registration.answers):
            answer = frozenset(value) if isinstance(value, list) else value  # a choice: the set ticked
            units.setdefault((registration.case_ref, place), {})[registration.coder] = answer
    return units


def project_agreement(
    form: Form, registrations: Iterable[CaseRegistration], *, question: str | None = None
) -> list[tuple[str, agreement.Statistic]]:
    """(question key, statistic) for every question compared (or the one named; KeyError if unknown)."""
    regs = list(registrations)
    questions = [form.question(question)] if question else [q for _p, q in form.questions()]
    out: list[tuple[str, agreement.Statistic]] = []
    for q in questions:
        if q.type not in COMPARED_TYPES:
            continue
        out.extend((q.key, s) for s in agreement.agreement(codings(form, q, regs)))
    return out


def project_disagreements(
    form: Form, registrations: Iterable[CaseRegistration], *, question: str
) -> list[agreement.Disagreement[tuple[str, str], str, Any]]:
    """The places where the coders of one question answered differently, with each coder's answer."""
    return agreement.disagreements(codings(form, form.question(question), list(registrations)))
