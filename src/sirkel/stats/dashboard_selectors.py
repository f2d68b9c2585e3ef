"""The service dashboard's reads: who sees which cases' figures, the rows behind them, and the audit.

Scope. A leader of service S sees S's dashboard: the figures are computed over exactly the cases of S the
access policy lets them see (`visible_cases_q(user=…)` ∩ S), which for a leader is every case of S: the
whole service. A caseworker or consultant of S sees a dashboard of their own cases only (those they are
the responsible caseworker of or assigned to, ∩ what the policy lets them see; a case read by breaking
the glass or as an independent reviewer is not counted): its title says "your cases", and it is never
the whole service. Anyone else, and anyone asking for a service they have none of these roles in, gets
404. A drill-down lists items of the same cases, so it never lists a case the user may not see.

Every page view is one audit event: `dashboard` (the figures, which name no one) or `dashboard_list`
(a drill-down, with the figure and the ids of the cases it lists), with the service's id.

Queries: the rows are read in a fixed number of queries (one per kind of row), whatever the number of
cases, measures or meetings; the drill-down adds one for the items it lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sirkel.accounts.models import Role, Service, User
from sirkel.accounts.selectors import role_in_service, services_for_user
from sirkel.actions.models import Action, ActionReview
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event
from sirkel.cases.access import visible_cases_q
from sirkel.cases.models import Case, CaseAssignment
from sirkel.evaluation.models import Evaluation, Judgement, Perspective
from sirkel.meetings.models import Attendance, Consent, Meeting, Participant, Series
from sirkel.network.models import NetworkSnapshot
from sirkel.stats import dashboard

# The roles that have a dashboard: a leader's of the service, a caseworker's or consultant's of their own.
DASHBOARD_ROLES = {Role.LEADER.value, Role.CASEWORKER.value, Role.CONSULTANT.value}


def dashboard_services(*, user: User) -> list[Service]:
    """The services `user` has a dashboard in, by name."""
    return services_for_user(user=user, roles=DASHBOARD_ROLES)


@dataclass(frozen=True)
class Scope:
    service: Service
    whole_service: bool  # the user leads the service: every case of it
    cases: QuerySet[Case]
    services: Sequence[Service]  # the services one may choose between


def scope_for(*, user: User, service_id: int | None) -> Scope:
    """The cases whose figures `user` sees in `service_id` (when None: the first service they lead, else
    the first they have a dashboard in); 404 where they have none."""
    services = dashboard_services(user=user)
    service: Service | None
    if service_id is None:
        led = [s for s in services if role_in_service(user=user, service_id=s.pk) == Role.LEADER.value]
        service = next(iter(led or services), None)
    else:
        service = next((s for s in services if s.pk == service_id), None)
    if service is None:
        raise Http404
    leads = role_in_service(user=user, service_id=service.pk) == Role.LEADER.value
    cases = Case.objects.filter(visible_cases_q(user=user), service=service)
    if not leads:
        assigned = CaseAssignment.objects.filter(case=OuterRef("pk"), user=user)
        cases = cases.filter(Q(caseworker=user) | Q(Exists(assigned)))
    return Scope(service=service, whole_service=leads, cases=cases, services=services)


def _day(held_on: date | None, starts_at: Any) -> date | None:
    if held_on is not None:
        return held_on
    return timezone.localdate(starts_at) if starts_at is not None else None


def load_rows(*, cases: QuerySet[Case]) -> dashboard.Rows:
    """Every row the figures need, of `cases`: seven queries, whatever their number."""
    ids = cases.values("pk")
    series = [
        dashboard.SeriesRow(
            id=pk,
            measure_id=measure_id,
            case_id=case_id,
            kind=kind,
            status=status,
            lives_with=lives_with,
            case_needs_interpreter=interpreter or cultural,
        )
        for pk, measure_id, case_id, kind, status, lives_with, interpreter, cultural in Series.objects.filter(
            measure__case__in=ids
        ).values_list(
            "pk",
            "measure_id",
            "measure__case_id",
            "measure__kind",
            "status",
            "measure__case__lives_with",
            "measure__case__interpreter_needed",
            "measure__case__cultural_interpreter_needed",
        )
    ]
    meetings = [
        dashboard.MeetingRow(
            id=pk,
            series_id=series_id,
            sequence=sequence,
            status=status,
            day=_day(held_on, starts_at),
            child_participation=participation,
            interpreter_needed=needed,
            interpreter_booked=booked,
            waiver_signed=waiver is not None,
            reflecting_team=reflecting,
        )
        for (
            pk,
            series_id,
            sequence,
            status,
            held_on,
            starts_at,
            participation,
            needed,
            booked,
            waiver,
            reflecting,
        ) in (
            Meeting.objects.filter(series__measure__case__in=ids)
            .annotate(
                has_reflecting=ExpressionWrapper(~Q(reflecting_team_notes=""), output_field=BooleanField())
            )
            .values_list(
                "pk",
                "series_id",
                "sequence",
                "status",
                "held_on",
                "starts_at",
                "child_participation",
                "interpreter_needed",
                "interpreter_booked",
                "waiver_signed_at",
                "has_reflecting",
            )
        )
    ]
    present = {Attendance.IN_PERSON.value, Attendance.DIGITAL.value}
    participants = [
        dashboard.ParticipantRow(
            meeting_id=meeting_id,
            role=role,
            is_public=is_public,
            invited=invited,
            present=attendance in present,
        )
        for meeting_id, role, is_public, invited, attendance in Participant.objects.filter(
            meeting__series__measure__case__in=ids
        ).values_list("meeting_id", "role", "is_public", "invited", "attendance")
    ]
    consents = [
        dashboard.ConsentRow(
            series_id=series_id,
            given=given,
            given_as=given_as,
            withdrawn=withdrawn_at is not None,
            informed=bool(informed_about) or bool(note.strip()),
        )
        for series_id, given, given_as, withdrawn_at, informed_about, note in Consent.objects.filter(
            series__measure__case__in=ids
        ).values_list("series_id", "given", "given_as", "withdrawn_at", "informed_about", "information_note")
    ]
    child = Judgement.objects.filter(evaluation=OuterRef("pk"), perspective=Perspective.CHILD)
    evaluations = [
        dashboard.EvaluationRow(
            id=pk, measure_id=measure_id, case_id=case_id, status=status, due_on=due_on, child_heard=heard
        )
        for pk, measure_id, case_id, status, due_on, heard in Evaluation.objects.filter(measure__case__in=ids)
        .annotate(heard=Exists(child))
        .values_list("pk", "measure_id", "measure__case_id", "status", "due_on", "heard")
    ]
    reviewed = ActionReview.objects.filter(action=OuterRef("pk"))
    actions = [
        dashboard.ActionRow(
            id=pk,
            series_id=series_id,
            status=status,
            due_on=due_on,
            owned=member is not None or user is not None,
            reviewed=was_reviewed,
        )
        for pk, series_id, status, due_on, member, user, was_reviewed in Action.objects.filter(
            series__measure__case__in=ids
        )
        .annotate(was_reviewed=Exists(reviewed))
        .values_list(
            "pk", "series_id", "status", "due_on", "owner_member_id", "owner_user_id", "was_reviewed"
        )
    ]
    snapshots = [
        dashboard.SnapshotRow(case_id=case_id, taken_on=timezone.localdate(taken_at))
        for case_id, taken_at in NetworkSnapshot.objects.filter(case__in=ids).values_list(
            "case_id", "taken_at"
        )
    ]
    return dashboard.Rows(
        series=series,
        meetings=meetings,
        participants=participants,
        consents=consents,
        evaluations=evaluations,
        actions=actions,
        snapshots=snapshots,
    )


# --- The pages ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardPage:
    scope: Scope
    today: date
    figures: dashboard.Dashboard


def dashboard_for(*, user: User, service_id: int | None) -> DashboardPage:
    """The dashboard of the cases `user` sees in the service (see the module); 404 where they have none.
    Recorded as one read of aggregated data."""
    scope = scope_for(user=user, service_id=service_id)
    today = timezone.localdate()
    figures = dashboard.compute(load_rows(cases=scope.cases), today=today)
    with transaction.atomic():
        record_event(
            actor=user,
            service=scope.service.pk,
            action=AuditAction.VIEW,
            object_type="dashboard",
            object_id=scope.service.pk,
            detail={"scope": "service" if scope.whole_service else "own"},
        )
    return DashboardPage(scope=scope, today=today, figures=figures)


@dataclass(frozen=True)
class DrilldownPage:
    scope: Scope
    figure: str
    unit: str  # series, meeting, action or evaluation
    items: list[Any]  # of `unit`, with their case
    kind: str | None
    year: int | None
    month: int | None
    met: bool


def _items(unit: str, ids: Sequence[int], cases: QuerySet[Case]) -> list[Any]:
    """The listed objects, in one query, by case number; read again within the scope's cases."""
    if unit == "series":
        return list(
            Series.objects.filter(pk__in=ids, measure__case__in=cases)
            .select_related("measure__case")
            .order_by("measure__case__number", "pk")
        )
    if unit == "meeting":
        return list(
            Meeting.objects.filter(pk__in=ids, series__measure__case__in=cases)
            .select_related("series__measure__case")
            .order_by("-held_on", "pk")
        )
    if unit == "action":
        return list(
            Action.objects.filter(pk__in=ids, series__measure__case__in=cases)
            .select_related("series__measure__case", "owner_member", "owner_user")
            .order_by("due_on", "pk")
        )
    return list(
        Evaluation.objects.filter(pk__in=ids, measure__case__in=cases)
        .select_related("measure__case")
        .order_by("due_on", "pk")
    )


def drilldown_for(
    *,
    user: User,
    service_id: int | None,
    figure: str,
    kind: str | None = None,
    year: int | None = None,
    month: int | None = None,
    met: bool = False,
) -> DrilldownPage:
    """The list behind one figure of the dashboard (`dashboard.SLUGS`), of the same cases; 404 for an
    unknown figure or a service without a dashboard. Recorded with the ids of the cases it lists."""
    if figure not in dashboard.SLUGS:
        raise Http404
    scope = scope_for(user=user, service_id=service_id)
    rows = load_rows(cases=scope.cases)
    if figure != "meetings-held" or year is None or month is None:
        year = month = None
    kind = kind if figure == "active-measures" else None
    met = met and figure in dashboard.MARKERS
    unit, ids = dashboard.drilldown_ids(
        rows, today=timezone.localdate(), figure=figure, kind=kind, year=year, month=month, met=met
    )
    items = _items(unit, ids, scope.cases)
    params: dict[str, Any] = {"figure": figure}
    if kind:
        params["kind"] = kind
    if year is not None:
        params.update(year=year, month=month)
    if met:
        params["met"] = True
    with transaction.atomic():
        record_event(
            actor=user,
            service=scope.service.pk,
            action=AuditAction.VIEW,
            object_type="dashboard_list",
            object_id=scope.service.pk,
            detail={
                **params,
                "scope": "service" if scope.whole_service else "own",
                "cases": dashboard.case_ids(rows, unit=unit, ids=ids),
            },
        )
    return DrilldownPage(
        scope=scope, figure=figure, unit=unit, items=items, kind=kind, year=year, month=month, met=met
    )
