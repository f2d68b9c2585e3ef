"""Reads of coding: the assignments of a project, a coder's own files and the page a coder codes a file
on. Each page's read is one audit event. A coder's page reads only that coder's own registration."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from sirkel.accounts.models import User
from sirkel.cases.access import granted_cases_q
from sirkel.cases.models import Case
from sirkel.research.analysis import project_form
from sirkel.research.coding_services import own_registration, starting_prefill
from sirkel.research.forms import Form
from sirkel.research.models import Assignment, Project, Registration
from sirkel.research.prefill import Prefill
from sirkel.research.selectors import record_project_view

MAX_LISTED_CASES = 500  # the assigning form lists at most this many unassigned case files

NOT_STARTED = "not_started"
DRAFT = "draft"
FINISHED = "finished"


def status_of(registration_submitted: bool | None) -> str:
    """not_started (no registration), draft, finished."""
    if registration_submitted is None:
        return NOT_STARTED
    return FINISHED if registration_submitted else DRAFT


def unassigned_cases(*, user: User, project: Project) -> QuerySet[Case]:
    """The Sirkel case files an active grant of the project covers that are not assigned in it yet."""
    assigned = Assignment.objects.filter(project=project, linked_case=OuterRef("pk"))
    return (
        Case.objects.filter(granted_cases_q(user=user, project_id=project.pk))
        .exclude(Exists(assigned))
        .select_related("service")
        .only("id", "number", "service_id", "service__name")
        .order_by("service__name", "number")
    )


def project_coders(*, project: Project) -> QuerySet[User]:
    """The project's researchers, who may code its files."""
    return User.objects.filter(research_projects__project=project).order_by("username")


@dataclass(frozen=True)
class CoderStatus:
    assignment: Assignment
    status: str


@dataclass(frozen=True)
class FileRow:
    case_ref: str
    service: str  # the linked case's service ("" for a file outside Sirkel)
    coders: list[CoderStatus]


def project_files(*, project: Project) -> list[FileRow]:
    """Every file assigned in the project with its coders and whether each has finished (two queries)."""
    assignments = list(
        Assignment.objects.filter(project=project)
        .select_related("coder", "linked_case__service")
        .order_by("case_ref", "coder__username")
    )
    done = _statuses(project=project)
    rows: dict[str, FileRow] = {}
    for a in assignments:
        service = a.linked_case.service.name if a.linked_case else ""
        row = rows.setdefault(a.case_ref, FileRow(a.case_ref, service, []))
        row.coders.append(CoderStatus(a, status_of(done.get((a.case_ref, a.coder_id)))))
    return list(rows.values())


def _statuses(*, project: Project, coder: User | None = None) -> dict[tuple[str, int | None], bool]:
    """{(case_ref, coder user id): finished} of the coders' own registrations in the project."""
    registrations = Registration.objects.filter(project=project, is_consensus=False)
    if coder is not None:
        registrations = registrations.filter(coder_user=coder)
    return {
        (case_ref, user_id): submitted is not None
        for case_ref, user_id, submitted in registrations.values_list(
            "case_ref", "coder_user_id", "submitted_at"
        )
    }


def my_files(*, user: User, project: Project) -> list[CoderStatus]:
    """The coder's own assignments in the project with the status of their own registration of each."""
    assignments = list(
        Assignment.objects.filter(project=project, coder=user)
        .select_related("linked_case__service")
        .order_by("case_ref")
    )
    done = _statuses(project=project, coder=user)
    return [CoderStatus(a, status_of(done.get((a.case_ref, user.pk)))) for a in assignments]


@dataclass(frozen=True)
class CodingPage:
    assignment: Assignment
    project: Project
    form: Form
    registration: Registration | None  # the coder's own, if begun
    prefill: Prefill | None  # what a new registration starts from (a linked case with an active grant)


def coding_page(*, user: User, slug: str, assignment_id: int) -> CodingPage:
    """The file `assignment_id` of project `slug` for its own coder, or 404 for anyone else (the other
    coders of the same file too): the coder's own registration, or the prefill a new one starts from. One
    audit event, naming the assignment and whether a linked case was read for the prefill."""
    assignment = (
        Assignment.objects.select_related("project__form_version", "linked_case", "coder")
        .filter(pk=assignment_id, project__slug=slug, coder=user, project__researchers__user=user)
        .first()
    )
    if assignment is None:
        raise Http404
    project = assignment.project
    form = project_form(project)
    registration = own_registration(assignment=assignment)
    start = starting_prefill(assignment=assignment, form=form) if registration is None else None
    record_project_view(
        user=user,
        project=project,
        page="coding",
        assignment=assignment.pk,
        prefilled_from_case=assignment.linked_case_id if start is not None else None,
    )
    return CodingPage(assignment, project, form, registration, start)


def assignment_in_project(*, project: Project, assignment_id: int) -> Assignment:
    """An assignment of the project (for its researchers' assigning page), or 404."""
    found = (
        Assignment.objects.select_related("project", "coder")
        .filter(pk=assignment_id, project=project)
        .first()
    )
    if found is None:
        raise Http404
    return found
