"""88 synthetic case-file registrations whose frequency tables are the study's published ones.

The study reviewed 88 case files; `taxonomy/data/reference-tables.yaml` holds its published figures
(birthplace, who the child lives with, years in contact, and the reasons in three groups). These
registrations, made up (no real file behind any of them), give exactly those figures on the study's
form (`study-2023`), so Sirkel's tables can be checked against the study, and a demo research project
has something to show. The same seed gives the same file.
"""

from __future__ import annotations

import random
from typing import Any

from sirkel.research.forms import Form, study_form
from sirkel.taxonomy.loader import load

GROUPS = ("reasons_child", "reasons_parents_care", "reasons_surroundings")
NONE_LABEL = "Ingen"


def published() -> dict[str, Any]:
    figures: dict[str, Any] = load("reference-tables")["case_files"]
    return figures


def study_registrations(*, seed: int = 2023, coder: str = "forsker-1") -> list[dict[str, Any]]:
    """The 88 registrations, as `sirkel research import` reads them: `case`, `coder` and the answers."""
    form = study_form()
    figures = published()
    total = int(figures["total"])
    rng = random.Random(seed)  # noqa: S311 - synthetic data
    answers: list[dict[str, Any]] = [{} for _ in range(total)]
    for key in ("birthplace", "lives_with", "years_in_contact"):
        values = [option for option, n in figures[key].items() for _ in range(int(n))]
        if len(values) != total:
            raise ValueError(f"the published {key} adds up to {len(values)}, not {total}")
        rng.shuffle(values)
        for a, value in zip(answers, values, strict=True):
            a[key] = str(value)
    decisions: list[dict[str, Any]] = [{} for _ in range(total)]
    for group in GROUPS:
        keys = _keys_by_label(form, group)
        ticked: list[list[str]] = [[] for _ in range(total)]
        for label, n in figures[group].items():
            if label == NONE_LABEL:
                continue
            for case in rng.sample(range(total), int(n)):
                ticked[case].append(keys[label])
        without = [case for case in range(total) if not ticked[case]]
        for case in rng.sample(without, int(figures[group].get(NONE_LABEL, 0))):
            ticked[case].append(keys[NONE_LABEL])
        for decision, options in zip(decisions, ticked, strict=True):
            if options:
                decision[group] = options
    for a, decision in zip(answers, decisions, strict=True):
        if decision:
            a["decisions"] = [decision]
    return [{"case": f"STUDIE-{n + 1:03d}", "coder": coder, **a} for n, a in enumerate(answers)]


def _keys_by_label(form: Form, question: str) -> dict[str, str]:
    return {o.nb: o.key for o in form.question(question).options}
