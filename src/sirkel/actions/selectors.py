"""Reads of action actions: the plan itself, what is overdue or due soon, follow-up reviews and the series'
progress. The one definition of "overdue" and "due soon" lives here; every page and `sirkel remind` uses it.

Callers pass a measure or a user they already checked (`get_measure_for_user`, `get_case_for_user`);
the overview selectors scope themselves to what the user may see.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

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
from django.utils import timezone
from django.utils.translation import gettext as _

from sirkel.accounts.models import Role, User
from sirkel.accounts.selectors import CASE_ROLES, service_ids_with_role, staff_of_service
from sirkel.actions.models import Action, ActionReview, ActionStatus
from sirkel.cases.access import visible_cases_q
from sirkel.cases.models import Case
from sirkel.meetings.models import (
    Attendance,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Participant,
    ParticipantRole,
    Series,
    SeriesStatus,
)
from sirkel.network.models import NetworkMember, Side, SupportType

# An open action whose due date is at most this many days ahead is "due soon".
DUE_SOON_DAYS = 7
# Overview tables show at most this many rows each (the total is always shown).
OVERVIEW_LIMIT = 100
# Measures still running: their plans are followed up and reminded about.
OPEN_MEASURE_STATUSES = (SeriesStatus.SCREENING, SeriesStatus.PREPARING, SeriesStatus.ACTIVE)
# Who counts as present at a meeting.
PRESENT = (Attendance.IN_PERSON, Attendance.DIGITAL)
# Participants on neither side of the private/public balance.
NEUTRAL_ROLES = (ParticipantRole.INTERPRETER,)
# Participants who are part of the public network even without the flag (the service itself).
PUBLIC_ROLES = (ParticipantRole.STAFF,)


def today() -> datetime.date:
    return timezone.localdate()


# --- The one definition of overdue and due soon -------------------------------------------------------


def overdue_q(*, on: datetime.date, prefix: str = "") -> Q:
    """An action is overdue when it is still open and its due date has passed."""
    return Q(**{f"{prefix}status": ActionStatus.OPEN, f"{prefix}due_on__lt": on})


def due_soon_q(*, on: datetime.date, prefix: str = "", days: int = DUE_SOON_DAYS) -> Q:
    """Still open and due today or within `days` days."""
    return Q(
        **{
            f"{prefix}status": ActionStatus.OPEN,
            f"{prefix}due_on__gte": on,
            f"{prefix}due_on__lte": on + datetime.timedelta(days=days),
        }
    )


def with_flags(qs: QuerySet[Action], *, on: datetime.date) -> QuerySet[Action]:
    """Annotate `is_overdue` and `is_due_soon` from the definitions above."""
    return qs.annotate(
        is_overdue=ExpressionWrapper(overdue_q(on=on), output_field=BooleanField()),
        is_due_soon=ExpressionWrapper(due_soon_q(on=on), output_field=BooleanField()),
    )


def _action_rows(qs: QuerySet[Action]) -> QuerySet[Action]:
    return qs.select_related("owner_member", "owner_user", "meeting")


# --- One measure's plan --------------------------------------------------------------------------------


def actions_for_series(*, series: Series, on: datetime.date | None = None) -> list[Action]:
    """The measure's actions with owner, meeting, flags and their latest review: two queries."""
    on = on or today()
    actions = list(
        with_flags(_action_rows(Action.objects.filter(series=series)), on=on).order_by("due_on", "id")
    )
    latest: dict[int, ActionReview] = {}
    for review in (
        ActionReview.objects.filter(action__series=series)
        .select_related("meeting")
        .order_by("reviewed_at", "id")
    ):
        latest[review.action_id] = review
    for action in actions:
        action.latest_review = latest.get(action.pk)  # type: ignore[attr-defined]
        action.support_label = support_label(action.support_type)  # type: ignore[attr-defined]
    return actions


def support_label(value: str) -> str:
    return str(SupportType(value).label) if value in SupportType.values else ""


def meetings_for_plan(*, series: Series) -> list[Meeting]:
    """The meetings an action can be agreed at: held ones and the planned (current) ones."""
    return list(
        Meeting.objects.filter(
            series=series, status__in=(MeetingStatus.HELD, MeetingStatus.PLANNED)
        ).order_by("sequence")
    )


def meeting_date(meeting: Meeting) -> datetime.date | None:
    if meeting.held_on:
        return meeting.held_on
    if meeting.starts_at:
        return timezone.localdate(meeting.starts_at)
    return None


@dataclass(frozen=True)
class OwnerChoices:
    private: list[NetworkMember]
    public: list[NetworkMember]
    staff: list[User]


def owner_choices(*, series: Series) -> OwnerChoices:
    """Who can carry an action: the case's network register (private and public) and the service's staff."""
    members = list(NetworkMember.objects.filter(case_id=series.case_id).order_by("side", "name", "id"))
    staff = staff_of_service(service_id=series.case.service_id, roles=CASE_ROLES)
    leader = series.leader if series.leader_id is not None else None
    if leader is not None and all(u.pk != leader.pk for u in staff):
        staff.append(leader)  # a leader from another service's pool
    return OwnerChoices(
        private=[m for m in members if m.side == Side.PRIVATE],
        public=[m for m in members if m.side == Side.PUBLIC],
        staff=staff,
    )


def actions_to_review_q(*, meeting: Meeting) -> Q:
    """Open actions agreed before this meeting (or outside any meeting)."""
    return Q(series_id=meeting.series_id, status=ActionStatus.OPEN) & (
        Q(meeting__isnull=True) | Q(meeting__sequence__lt=meeting.sequence)
    )


def unreviewed_actions(*, meeting: Meeting) -> QuerySet[Action]:
    """Open actions from earlier meetings that this follow-up meeting has not reviewed yet."""
    reviewed = ActionReview.objects.filter(action=OuterRef("pk"), meeting=meeting)
    return (
        _action_rows(Action.objects.filter(actions_to_review_q(meeting=meeting)))
        .exclude(Exists(reviewed))
        .order_by("due_on", "id")
    )


@dataclass
class ReviewItem:
    action: Action
    review: ActionReview | None


def review_items(*, meeting: Meeting, on: datetime.date | None = None) -> list[ReviewItem]:
    """What a follow-up meeting reviews: earlier open actions, and those it already reviewed here."""
    on = on or today()
    reviews = {
        r.action_id: r for r in ActionReview.objects.filter(meeting=meeting).select_related("reviewed_by")
    }
    qs = with_flags(
        _action_rows(Action.objects.filter(Q(pk__in=list(reviews)) | actions_to_review_q(meeting=meeting))),
        on=on,
    ).order_by("due_on", "id")
    return [ReviewItem(action=a, review=reviews.get(a.pk)) for a in qs]


def followup_meetings(*, series: Series) -> list[Meeting]:
    """Follow-up meetings that can review the plan (not cancelled), with how many are left to review."""
    meetings = list(
        Meeting.objects.filter(series=series, kind=MeetingKind.FOLLOW_UP)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("sequence")
    )
    if not meetings:
        return meetings
    open_actions = list(
        Action.objects.filter(series=series, status=ActionStatus.OPEN).values_list("pk", "meeting__sequence")
    )
    reviewed = set(ActionReview.objects.filter(meeting__in=meetings).values_list("meeting_id", "action_id"))
    for meeting in meetings:
        meeting.unreviewed_count = sum(  # type: ignore[attr-defined]
            1
            for pk, seq in open_actions
            if (seq is None or seq < meeting.sequence) and (meeting.pk, pk) not in reviewed
        )
    return meetings


# --- How the plan progressed -----------------------------------------------------------------------------


@dataclass
class StatusCounts:
    open: int = 0
    done: int = 0
    partly: int = 0
    not_done: int = 0
    dropped: int = 0
    overdue: int = 0

    @property
    def total(self) -> int:
        return self.open + self.done + self.partly + self.not_done + self.dropped

    @property
    def done_share(self) -> int | None:
        """Per cent done of the actions that were not dropped, or None when there is nothing to count."""
        counted = self.total - self.dropped
        return round(100 * self.done / counted) if counted else None

    def add(self, status: str, n: int) -> None:
        setattr(self, status, getattr(self, status) + n)


@dataclass
class MeetingProgress:
    meeting: Meeting | None  # None: actions added outside a meeting
    counts: StatusCounts


@dataclass
class PlanSummary:
    totals: StatusCounts
    per_meeting: list[MeetingProgress]
    has_followup_owner: bool


def plan_summary(*, series: Series, on: datetime.date | None = None) -> PlanSummary:
    """Counts per status, overdue count and done share, overall and per meeting: two queries."""
    on = on or today()
    rows = (
        Action.objects.filter(series=series)
        .values("meeting_id", "status")
        .annotate(n=Count("id"), overdue=Count("id", filter=overdue_q(on=on)))
        .order_by()
    )
    totals = StatusCounts()
    by_meeting: dict[int | None, StatusCounts] = {}
    for row in rows:
        counts = by_meeting.setdefault(row["meeting_id"], StatusCounts())
        for target in (totals, counts):
            target.add(row["status"], row["n"])
            target.overdue += row["overdue"]
    meetings = Meeting.objects.filter(pk__in=[k for k in by_meeting if k is not None]).order_by("sequence")
    per_meeting = [MeetingProgress(meeting=m, counts=by_meeting[m.pk]) for m in meetings]
    if None in by_meeting:
        per_meeting.append(MeetingProgress(meeting=None, counts=by_meeting[None]))
    return PlanSummary(
        totals=totals,
        per_meeting=per_meeting,
        has_followup_owner=bool(series.followup_owner_id or series.followup_owner_member_id),
    )


# --- How participation changed -----------------------------------------------------------------------


@dataclass
class MeetingParticipation:
    meeting: Meeting
    invited: int
    attended: int
    private_present: int
    public_present: int


@dataclass
class Participation:
    rows: list[MeetingParticipation] = field(default_factory=list)
    note: str = ""  # plain-language note, e.g. when private participants thin out

    @property
    def thinning(self) -> bool:
        return bool(self.note)


def _public_q() -> Q:
    return Q(is_public=True) | Q(role__in=PUBLIC_ROLES)


def participation_over_time(*, series: Series) -> Participation:
    """Per held meeting: invited, present, private and public present. Two queries, any series length."""
    meetings = list(Meeting.objects.filter(series=series, status=MeetingStatus.HELD).order_by("sequence"))
    present = Q(attendance__in=PRESENT)
    counts = {
        row["meeting_id"]: row
        for row in Participant.objects.filter(meeting__in=meetings)
        .values("meeting_id")
        .annotate(
            n_invited=Count("id", filter=Q(invited=True)),
            n_attended=Count("id", filter=present),
            n_private_present=Count("id", filter=present & ~_public_q() & ~Q(role__in=NEUTRAL_ROLES)),
            n_public_present=Count("id", filter=present & _public_q() & ~Q(role__in=NEUTRAL_ROLES)),
        )
        .order_by()
    }
    empty = {"n_invited": 0, "n_attended": 0, "n_private_present": 0, "n_public_present": 0}
    rows = [
        MeetingParticipation(
            meeting=m,
            invited=counts.get(m.pk, empty)["n_invited"],
            attended=counts.get(m.pk, empty)["n_attended"],
            private_present=counts.get(m.pk, empty)["n_private_present"],
            public_present=counts.get(m.pk, empty)["n_public_present"],
        )
        for m in meetings
    ]
    note = ""
    if len(rows) >= 2:
        first, last = rows[0].private_present, rows[-1].private_present
        if last < first:
            note = _(
                "Fewer people from the family's own network came to the latest meeting (%(last)s) than to "
                "the first (%(first)s). This often happens over a series. Talk with the family about whom "
                "they miss, and whether to invite them again."
            ) % {"last": last, "first": first}
    return Participation(rows=rows, note=note)


# --- The case page --------------------------------------------------------------------------------------


def overdue_for_case(*, case: Case, on: datetime.date | None = None) -> list[Action]:
    """Overdue actions on the case's measures, for the case page: one query."""
    on = on or today()
    return list(
        _action_rows(
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
    return Overview(
        overdue=list(overdue[:OVERVIEW_LIMIT]),
        overdue_total=counts["overdue"],
        due_soon=list(due_soon[:OVERVIEW_LIMIT]),
        due_soon_total=counts["due_soon"],
        unscheduled=list(series_list[:OVERVIEW_LIMIT]),
        unscheduled_total=series_list.count(),
        is_leader=bool(leader_services),
        several_services=len(service_ids_with_role(user=user)) > 1,
    )
