"""What is overdue on a case, and the overviews of actions, follow-ups and overdue plan evaluations across a
user's cases."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from sirkel.accounts.models import Role, User
from sirkel.accounts.selectors import service_ids_with_role
from sirkel.actions.models import Action, ActionStatus
from sirkel.actions.selectors.due import (
    OPEN_MEASURE_STATUSES,
    action_rows,
    due_soon_q,
    overdue_q,
    today,
    with_flags,
)
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event
from sirkel.cases.access import visible_cases_q
from sirkel.cases.models import Case, CaseAssignment, MeasurePlan
from sirkel.cases.plans import overdue_plans_q
from sirkel.meetings.models import Meeting, MeetingStatus, Series

# Overview tables show at most this many rows each (the total is always shown).
OVERVIEW_LIMIT = 100


# --- The case page --------------------------------------------------------------------------------------


def overdue_for_case(*, case: Case, on: datetime.date | None = None) -> list[Action]:
    """Overdue actions on the case's measures, for the case page: one query."""
    on = on or today()
    return list(
        action_rows(
            Action.objects.filter(
                overdue_q(on=on), series__measure__case=case, series__status__in=OPEN_MEASURE_STATUSES
            )
        )
        .select_related("series__measure")
        .order_by("due_on", "id")
    )


# --- Overviews ------------------------------------------------------------------------------------------


def _visible_series_q(*, user: User, prefix: str = "") -> Q:
    visible_cases = Case.objects.filter(visible_cases_q(user=user)).values("pk")
    return Q(**{f"{prefix}measure__case__in": visible_cases}) | Q(**{f"{prefix}leader": user})


def overview_actions(*, user: User) -> QuerySet[Action]:
    """Open actions the user should keep an eye on: on measures they may see, and those they own.

    For a leader that is every measure in the services they lead. `can_open` says whether the user may
    open the plan (someone who only owns an action does not see the rest of the case).
    """
    return (
        Action.objects.filter(
            Q(status=ActionStatus.OPEN),
            Q(series__status__in=OPEN_MEASURE_STATUSES),
            _visible_series_q(user=user, prefix="series__") | Q(owner_user=user),
        )
        .annotate(
            can_open=ExpressionWrapper(
                _visible_series_q(user=user, prefix="series__"), output_field=BooleanField()
            )
        )
        .select_related(
            "owner_member",
            "owner_user",
            "meeting",
            "series",
            "series__measure__case",
            "series__measure__case__service",
            "series__caseworker",
        )
    )


def unscheduled_followups_q() -> Q:
    """Measures whose last meeting was held, with open actions and no later meeting planned."""
    return Q(status__in=OPEN_MEASURE_STATUSES, last_meeting_status=MeetingStatus.HELD, has_open_actions=True)


def with_followup_state(qs: QuerySet[Series]) -> QuerySet[Series]:
    last = (
        Meeting.objects.filter(series=OuterRef("pk"))
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("-sequence")
    )
    return qs.annotate(
        last_meeting_status=Subquery(last.values("status")[:1]),
        last_held_on=Subquery(last.values("held_on")[:1]),
        has_open_actions=Exists(Action.objects.filter(series=OuterRef("pk"), status=ActionStatus.OPEN)),
        open_action_count=Subquery(
            Action.objects.filter(series=OuterRef("pk"), status=ActionStatus.OPEN)
            .values("series")
            .annotate(n=Count("id"))
            .values("n")[:1]
        ),
    )


def unscheduled_followups(*, user: User | None = None) -> QuerySet[Series]:
    """Follow-ups not scheduled, among the measures the user may see (all measures when user is None)."""
    qs = Series.objects.all()
    if user is not None:
        qs = qs.filter(_visible_series_q(user=user))
    return (
        with_followup_state(qs)
        .filter(unscheduled_followups_q())
        .select_related("measure__case__service", "caseworker", "followup_owner", "followup_owner_member")
        .order_by(F("last_held_on").asc(nulls_last=True), "id")
    )


def overdue_plans(
    *, user: User | None = None, mine: bool = False, on: datetime.date
) -> QuerySet[MeasurePlan]:
    """Measure plans whose evaluation is overdue, of the cases the user may see (all when user is None);
    `mine` narrows to the cases the user is the caseworker of or assigned to. Oldest due first."""
    # A subquery: the test's join over the case's measures would list a plan once per running measure.
    qs = MeasurePlan.objects.filter(pk__in=MeasurePlan.objects.filter(overdue_plans_q(on=on)).values("pk"))
    if user is not None:
        cases = Case.objects.filter(visible_cases_q(user=user))
        if mine:
            assigned = CaseAssignment.objects.filter(case=OuterRef("pk"), user=user)
            cases = cases.filter(Q(caseworker=user) | Q(Exists(assigned)))
        qs = qs.filter(case__in=cases.values("pk"))
    return qs.select_related("case__service", "case__caseworker").order_by("next_evaluation_on", "id")


@dataclass
class Overview:
    overdue: list[Action]
    overdue_total: int
    due_soon: list[Action]
    due_soon_total: int
    unscheduled: list[Series]
    unscheduled_total: int
    is_leader: bool
    several_services: bool
    plans_overdue: list[MeasurePlan] = field(default_factory=list)
    plans_overdue_total: int = 0
    limit: int = OVERVIEW_LIMIT


def overview_for_user(*, user: User, mine: bool = False, on: datetime.date | None = None) -> Overview:
    """The caseworker's or leader's overview; `mine` narrows to what the user owns or answers for.

    A fixed number of queries whatever the number of actions (each list is capped at OVERVIEW_LIMIT).
    """
    on = on or today()
    actions = overview_actions(user=user)
    series_list = unscheduled_followups(user=user)
    if mine:
        actions = actions.filter(
            Q(owner_user=user)
            | Q(series__caseworker=user)
            | Q(series__followup_owner=user)
            | Q(series__leader=user)
        )
        series_list = series_list.filter(Q(caseworker=user) | Q(followup_owner=user) | Q(leader=user))
    flagged = with_flags(actions, on=on)
    overdue = flagged.filter(overdue_q(on=on)).order_by("due_on", "id")
    due_soon = flagged.filter(due_soon_q(on=on)).order_by("due_on", "id")
    counts = actions.aggregate(
        overdue=Count("id", filter=overdue_q(on=on)), due_soon=Count("id", filter=due_soon_q(on=on))
    )
    leader_services = service_ids_with_role(user=user, roles={Role.LEADER.value})
    plans = overdue_plans(user=user, mine=mine, on=on)
    found = Overview(
        overdue=list(overdue[:OVERVIEW_LIMIT]),
        overdue_total=counts["overdue"],
        due_soon=list(due_soon[:OVERVIEW_LIMIT]),
        due_soon_total=counts["due_soon"],
        unscheduled=list(series_list[:OVERVIEW_LIMIT]),
        unscheduled_total=series_list.count(),
        is_leader=bool(leader_services),
        several_services=len(service_ids_with_role(user=user)) > 1,
        plans_overdue=list(plans[:OVERVIEW_LIMIT]),
        plans_overdue_total=plans.count(),
    )
    with transaction.atomic():
        record_event(
            actor=user,
            service=None,
            action=AuditAction.LIST,
            object_type="action",
            detail={
                "actions": [a.pk for a in [*found.overdue, *found.due_soon]],
                "measures": [m.pk for m in found.unscheduled],
                "plans": [p.pk for p in found.plans_overdue],
            },
        )
    return found
