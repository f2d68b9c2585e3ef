"""Reads of the research app, each deciding access and recording the read with one audit event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from sirkel.accounts.models import Role, Service, User
from sirkel.accounts.selectors import roles_by_service, services_for_user
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event
from sirkel.cases.access import granted_cases_q
from sirkel.cases.models import Case
from sirkel.research import analysis
from sirkel.research.coding import COMPARED_TYPES
from sirkel.research.forms import Form, Question
from sirkel.research.models import ExportJob, ExportStatus, Grant, Project, ProjectResearcher
from sirkel.research.tables import Table

MAX_LISTED_CASES = 500  # the researcher's page lists at most this many granted case files


@dataclass(frozen=True)
class LeaderGrants:
    services: list[Service]
    grants: list[Grant]
    projects: list[Project]  # every project, for the form's choice of an existing one


def grants_for_leader(*, user: User) -> LeaderGrants:
    """The research grants on the services `user` leads (404 for anyone who leads none)."""
    services = services_for_user(user=user, roles={Role.LEADER.value})
    if not services:
        raise Http404
    grants = list(
        Grant.objects.filter(service__in=services)
        .select_related("project", "service", "granted_by", "revoked_by")
        .prefetch_related(
            Prefetch("cases", queryset=Case.objects.order_by("number").only("id", "number", "service_id")),
            Prefetch(
                "project__researchers",
                queryset=ProjectResearcher.objects.select_related("user").order_by("user__username"),
            ),
        )
        .order_by("-granted_at", "-id")
    )
    projects = list(Project.objects.order_by("slug"))
    record_event(
        actor=user,
        service=services[0].pk if len(services) == 1 else None,
        action=AuditAction.LIST,
        object_type="research_grant",
        detail={"services": [s.pk for s in services], "grants": len(grants)},
    )
    return LeaderGrants(services=services, grants=grants, projects=projects)


def grant_for_leader(*, user: User, grant_id: int) -> Grant:
    """A grant of a service `user` leads, or 404."""
    grant = Grant.objects.select_related("project").filter(pk=grant_id).first()
    if grant is None or roles_by_service(user=user).get(grant.service_id) != Role.LEADER.value:
        raise Http404
    return grant


@dataclass(frozen=True)
class ResearcherProject:
    project: Project
    grants: list[Grant]  # its active grants


@dataclass(frozen=True)
class ResearcherOverview:
    projects: list[ResearcherProject]
    cases: list[Case]  # the case files the user may read through a grant (at most MAX_LISTED_CASES)
    more: bool  # there are more than listed


def is_researcher(*, user: User) -> bool:
    return Role.RESEARCHER.value in roles_by_service(user=user).values()


def researcher_overview(*, user: User) -> ResearcherOverview:
    """A researcher's projects, their active grants and the case files those grants let them read.
    404 for a user who is neither a researcher in a service nor named on a project."""
    projects = list(
        Project.objects.filter(researchers__user=user)
        .prefetch_related(
            Prefetch(
                "grants",
                queryset=Grant.objects.active().select_related("service").order_by("service__name"),
                to_attr="active_grants",
            )
        )
        .order_by("slug")
    )
    if not projects and not is_researcher(user=user):
        raise Http404
    cases: QuerySet[Case] = Case.objects.none()
    if any(p.active_grants for p in projects):
        # The policy's own query of what the user's active grants cover.
        cases = Case.objects.filter(granted_cases_q(user=user)).select_related("service")
    listed = list(cases.order_by("service__name", "number")[: MAX_LISTED_CASES + 1])
    record_event(
        actor=user,
        service=None,
        action=AuditAction.LIST,
        object_type="research_project",
        detail={"projects": [p.pk for p in projects], "cases": len(listed[:MAX_LISTED_CASES])},
    )
    return ResearcherOverview(
        projects=[ResearcherProject(p, p.active_grants) for p in projects],
        cases=listed[:MAX_LISTED_CASES],
        more=len(listed) > MAX_LISTED_CASES,
    )


def researcher_project(*, user: User, slug: str) -> Project:
    """The project `slug` if `user` is one of its researchers, else 404; no audit event (for a write,
    whose service records one, and for the page selectors below, which record the read when done)."""
    project = Project.objects.filter(slug=slug, researchers__user=user).select_related("form_version").first()
    if project is None:
        raise Http404
    return project


def record_project_view(*, user: User, project: Project, page: str, **detail: Any) -> None:
    """The one audit event of opening the project page `page` (what it showed in `detail`: counts)."""
    record_event(
        actor=user,
        service=None,
        action=AuditAction.VIEW,
        object_type="research_project",
        object_id=project.pk,
        detail={"page": page, **detail},
    )


def project_for_researcher(*, user: User, slug: str, page: str) -> Project:
    """The project `slug` if `user` is one of its researchers, else 404; the opening of its page `page`
    (e.g. "coding", "tables") recorded with one audit event. Every project page starts here."""
    project = researcher_project(user=user, slug=slug)
    record_project_view(user=user, project=project, page=page)
    return project


# --- The analyses (research/analysis.py): tables, agreement, disagreements, reconciliation ----------------


@dataclass(frozen=True)
class TablesPage:
    project: Project
    questions: list[Question]  # the single- and multiple-choice questions
    question: Question | None  # the one chosen (None: none chosen, or unknown)
    unknown: str  # the key asked for when there is no such choice question, else ""
    table: Table | None


def tables_for_researcher(*, user: User, slug: str, question: str, suppress_below: int) -> TablesPage:
    """The frequency table of one choice question (the form's first when none is asked for) of a project
    of `user`'s, or 404; one audit event."""
    project = researcher_project(user=user, slug=slug)
    form = analysis.project_form(project)
    questions = analysis.choice_questions(form)
    wanted = question or (questions[0].key if questions else "")
    chosen = next((q for q in questions if q.key == wanted), None)
    table = None
    if chosen is not None:
        table = analysis.project_table(project, form, question=chosen.key, suppress_below=suppress_below)
    record_project_view(
        user=user,
        project=project,
        page="tables",
        question=chosen.key if chosen else "",
        suppress_below=suppress_below,
    )
    return TablesPage(project, questions, chosen, question if chosen is None else "", table)


def table_csv_for_researcher(*, user: User, slug: str, question: str, suppress_below: int) -> Table:
    """The table of the CSV download: 404 also for a question that has no table."""
    project = researcher_project(user=user, slug=slug)
    try:
        table = analysis.project_table(
            project, analysis.project_form(project), question=question, suppress_below=suppress_below
        )
    except (KeyError, ValueError):
        raise Http404 from None
    record_project_view(
        user=user, project=project, page="tables_csv", question=table.question, suppress_below=suppress_below
    )
    return table


@dataclass(frozen=True)
class AgreementPage:
    project: Project
    rows: list[analysis.AgreementRow]


def agreement_for_researcher(*, user: User, slug: str, page: str = "agreement") -> AgreementPage:
    """The coders' agreement on every compared question over the finished files, or 404; one event."""
    project = researcher_project(user=user, slug=slug)
    rows = analysis.project_agreement_rows(project, analysis.project_form(project))
    record_project_view(user=user, project=project, page=page, rows=len(rows))
    return AgreementPage(project, rows)


@dataclass(frozen=True)
class DisagreementsPage:
    project: Project
    questions: list[Question]  # the compared questions, for the filter
    question: Question | None  # the filter, if any
    disagreements: analysis.Disagreements


def disagreements_for_researcher(*, user: User, slug: str, question: str) -> DisagreementsPage:
    """Where the finished coders answered differently (one question's places, or every compared one's),
    or 404 (also for an unknown question); one audit event."""
    project = researcher_project(user=user, slug=slug)
    form = analysis.project_form(project)
    questions = [q for _p, q in form.questions() if q.type in COMPARED_TYPES]
    chosen = next((q for q in questions if q.key == question), None)
    if question and chosen is None:
        raise Http404
    found = analysis.project_disagreement_rows(project, form, question=question or None)
    record_project_view(
        user=user, project=project, page="disagreements", question=question, rows=len(found.rows)
    )
    return DisagreementsPage(project, questions, chosen, found)


@dataclass(frozen=True)
class ReconcilePage:
    project: Project
    form: Form
    reconciliation: analysis.Reconciliation


def reconciliation_for_researcher(
    *, user: User, slug: str, case_ref: str, audit: bool = True
) -> ReconcilePage:
    """One finished file's coders' answers, place by place, for reconciling to a consensus; 404 unless
    `user` is on the project and the file is finished with two or more coders. One audit event, unless
    `audit` is false (the POST, whose service records the write)."""
    project = researcher_project(user=user, slug=slug)
    form = analysis.project_form(project)
    found = analysis.reconciliation(project, form, case_ref=case_ref)
    if found is None:
        raise Http404
    if audit:
        record_project_view(
            user=user,
            project=project,
            page="reconcile",
            registrations=len(found.registrations),
            differing=len(found.differing),
        )
    return ReconcilePage(project, form, found)


MAX_LISTED_EXPORTS = 50  # the export page lists at most this many earlier exports


def export_jobs(*, project: Project) -> list[ExportJob]:
    """A project's latest exports, newest first, for its export page (opened and audited through
    `project_for_researcher`)."""
    return list(
        ExportJob.objects.filter(project=project)
        .select_related("requested_by")
        .order_by("-created_at", "-id")[:MAX_LISTED_EXPORTS]
    )


def export_job_for_researcher(*, user: User, slug: str, job_id: int) -> ExportJob:
    """An export job of the project `slug` for one of its researchers, else 404 (also for another
    project's job); the opening of its page recorded with one audit event."""
    job = _export_job(user=user, slug=slug, job_id=job_id)
    record_project_view(user=user, project=job.project, page="export_job", job=job.pk)
    return job


def export_download_for_researcher(*, user: User, slug: str, job_id: int) -> ExportJob:
    """A finished export job of the project `slug` for one of its researchers, its zip there, else 404;
    the download recorded as the copy out of Sirkel it is (one EXPORT event)."""
    job = _export_job(user=user, slug=slug, job_id=job_id)
    if job.status != ExportStatus.DONE or not job.path or not job.zip_path.is_file():
        raise Http404
    record_event(
        actor=user,
        service=None,
        action=AuditAction.EXPORT,
        object_type="research_export",
        object_id=job.project_id,
        detail={"via": "download", "job": job.pk, "formats": job.formats, "files": len(job.files)},
    )
    return job


def _export_job(*, user: User, slug: str, job_id: int) -> ExportJob:
    job = (
        ExportJob.objects.filter(pk=job_id, project__slug=slug, project__researchers__user=user)
        .select_related("project", "requested_by")
        .first()
    )
    if job is None:
        raise Http404
    return job
