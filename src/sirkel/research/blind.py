"""Blind coding: which registrations the project's analyses may read, so that no coder sees another's
answers to a file before its coding is complete.

- A file is **finished** when every coder assigned to it (`Assignment`) has a registration of it marked
  finished (`submitted_at`), and every coder's (non-consensus) registration of it is finished. A file
  with no assignments (imported) is finished when all its registrations are.
- Agreement, the disagreements and the reconciliation to a consensus read only the finished files, and of
  them only the finished registrations (`blind_registrations`).
- The tables read every finished registration (`table_registrations`): each file counts with its
  consensus registration or its only finished one (`tables.counted`); a draft never counts.

The page and the command both read through these functions, so they give the same numbers.
"""

from __future__ import annotations

from django.db.models import QuerySet

from sirkel.research.models import Assignment, Project, Registration
from sirkel.research.tables import CaseRegistration

_FIELDS = ("case_ref", "answers", "is_consensus", "coder")


def finished_case_refs(project: Project) -> set[str]:
    """The files of `project` whose coding is complete (see the module docstring). Two queries."""
    assigned: dict[str, set[int]] = {}
    for case_ref, coder_id in Assignment.objects.filter(project=project).values_list("case_ref", "coder_id"):
        assigned.setdefault(case_ref, set()).add(coder_id)
    finished_by: dict[str, set[int]] = {}
    unfinished: set[str] = set()
    seen: set[str] = set()
    rows = Registration.objects.filter(project=project).values_list(
        "case_ref", "coder_user_id", "is_consensus", "submitted_at"
    )
    for case_ref, coder_id, is_consensus, submitted_at in rows:
        seen.add(case_ref)
        if submitted_at is None:
            if not is_consensus:
                unfinished.add(case_ref)
        elif coder_id is not None and not is_consensus:
            finished_by.setdefault(case_ref, set()).add(coder_id)
    return {
        case_ref
        for case_ref in seen
        if case_ref not in unfinished and assigned.get(case_ref, set()) <= finished_by.get(case_ref, set())
    }


def finished_registrations(project: Project) -> QuerySet[Registration]:
    """The registrations of `project` marked finished (a consensus one included), in the order made."""
    return Registration.objects.filter(project=project, submitted_at__isnull=False).order_by("id")


def _plain(registrations: QuerySet[Registration]) -> list[CaseRegistration]:
    return [
        CaseRegistration(case_ref=r.case_ref, answers=r.answers, is_consensus=r.is_consensus, coder=r.coder)
        for r in registrations.only(*_FIELDS)
    ]


def blind_registrations(project: Project) -> list[CaseRegistration]:
    """The finished registrations of the finished files: what agreement and the disagreements read."""
    finished = finished_case_refs(project)
    return [r for r in _plain(finished_registrations(project)) if r.case_ref in finished]


def table_registrations(project: Project) -> list[CaseRegistration]:
    """Every finished registration: what the tables count (each file once, by `tables.counted`)."""
    return _plain(finished_registrations(project))
