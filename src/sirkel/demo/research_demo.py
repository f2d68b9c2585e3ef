"""The demo's research project: the study's 88 case files as the researchers registered them.

A project (`studie-2023`, on the study's form) with the demo researcher (`forsker`) on it holds the 88
synthetic registrations whose tables are the study's published ones (`study_registrations`), coded by
"forsker-1". A fifth of the files (18) were coded a second time, independently, by "forsker-2", who read a
few things differently; the team has met about 15 of them and recorded the consensus (the first reading,
on every point), so the agreement, the disagreements and the three files still to reconcile are there to
be seen. Paper files, as in the study: no grant and no Sirkel case behind any of them.

Everything goes through `research.services.import_registrations`, as an operator's import would, so the
audit chain records it; a project that exists already is left alone.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from sirkel.accounts.models import User
from sirkel.demo.study_registrations import study_registrations
from sirkel.research import services
from sirkel.research.forms import study_form
from sirkel.research.models import Project, ProjectResearcher

SLUG = "studie-2023"
NAME = "Nettverksmobilisering: gjennomgang av 88 barnevernsmapper (2023)"
DOUBLE_CODED = 18  # a fifth of the 88, coded twice
RECONCILED = 15  # of those, the files the team has agreed on
# Where the second coder read the file otherwise (file number, question): they gave the option after the
# first coder's in the question's list.
SECOND_READINGS: tuple[tuple[int, str], ...] = (
    (2, "years_in_contact"),
    (5, "lives_with"),
    (9, "birthplace"),
    (12, "years_in_contact"),
    (16, "lives_with"),
    (17, "years_in_contact"),
    (18, "birthplace"),
)


def _second_coder(first: list[dict[str, Any]]) -> list[dict[str, Any]]:
    form = study_form()
    second = []
    for n, registration in enumerate(first[:DOUBLE_CODED], start=1):
        again = copy.deepcopy(registration)
        again["coder"] = "forsker-2"
        for number, question in SECOND_READINGS:
            if number == n:
                keys = [o.key for o in form.question(question).options]
                given = again.get(question)
                again[question] = keys[(keys.index(given) + 1) % len(keys)] if given in keys else keys[0]
        second.append(again)
    return second


def _consensus(first: list[dict[str, Any]]) -> list[dict[str, Any]]:
    agreed = []
    for registration in first[:RECONCILED]:
        consensus = copy.deepcopy(registration)
        consensus["coder"] = "konsensus"
        consensus["consensus"] = True
        agreed.append(consensus)
    return agreed


def load_research(*, researcher: User) -> int:
    """Create the demo's research project; returns how many registrations it was given (0 if it exists)."""
    if Project.objects.filter(slug=SLUG).exists():
        return 0
    first = study_registrations()
    registrations = first + _second_coder(first) + _consensus(first)
    outcome = services.import_registrations(
        project_slug=SLUG, form_key=services.STUDY_FORM, text=json.dumps(registrations), via="demo"
    )
    if outcome.problems:  # the demo's own data: a problem is a bug here
        raise ValueError("; ".join(outcome.problems[:5]))
    project = outcome.project
    project.name = NAME
    project.double_coding_share = round(100 * DOUBLE_CODED / len(first))
    project.save(update_fields=["name", "double_coding_share"])
    ProjectResearcher.objects.get_or_create(project=project, user=researcher)
    return outcome.registrations
