"""One measure's action plan: its actions, the meetings they belong to and who may own them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sirkel.accounts.models import User
from sirkel.accounts.selectors import CASE_ROLES, staff_of_service
from sirkel.actions.models import Action, ActionReview
from sirkel.actions.selectors.due import action_rows, today, with_flags
from sirkel.cases.access import members_for_leader, series_access
from sirkel.meetings.models import Meeting, MeetingStatus, Series
from sirkel.network.models import NetworkMember, Side, SupportType


def actions_for_series(*, series: Series, on: datetime.date | None = None) -> list[Action]:
    """The measure's actions with owner, meeting, flags and their latest review: two queries."""
    on = on or today()
    actions = list(
        with_flags(action_rows(Action.objects.filter(series=series)), on=on).order_by("due_on", "id")
    )
    _with_latest_review(actions, reviews=ActionReview.objects.filter(action__series=series))
    return actions


def get_action(*, series: Series, action_id: int, on: datetime.date | None = None) -> Action:
    """One of the measure's actions as the plan lists it (owner, meeting, flags, latest review), or 404:
    two queries. The caller opened the series with `get_series_for_user`."""
    on = on or today()
    action = with_flags(action_rows(Action.objects.filter(series=series, pk=action_id)), on=on).first()
    if action is None:
        raise Http404
    action.series = series  # already loaded with its case
    _with_latest_review([action], reviews=ActionReview.objects.filter(action=action))
    return action


def _with_latest_review(actions: list[Action], *, reviews: QuerySet[ActionReview]) -> None:
    latest: dict[int, ActionReview] = {}
    for review in reviews.select_related("meeting__series__measure").order_by("reviewed_at", "id"):
        latest[review.action_id] = review
    for action in actions:
        action.latest_review = latest.get(action.pk)  # type: ignore[attr-defined]
        action.support_label = support_label(action.support_type)  # type: ignore[attr-defined]


def support_label(value: str) -> str:
    return str(SupportType(value).label) if value in SupportType.values else ""


def meetings_for_plan(*, series: Series) -> list[Meeting]:
    """The meetings an action can be agreed at: held ones and the planned (current) ones."""
    meetings = list(
        Meeting.objects.filter(
            series=series, status__in=(MeetingStatus.HELD, MeetingStatus.PLANNED)
        ).order_by("sequence")
    )
    for meeting in meetings:
        meeting.series = series  # its name (`Meeting.label`) comes from the series' kind
    return meetings


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


def owner_choices(*, series: Series, user: User) -> OwnerChoices:
    """Who can carry an action: the case's network register (private and public) and the service's staff.

    A meeting leader who may not open the case (from another service's pool) is offered only the people
    invited to the meetings they lead, and those who already carry one of this measure's actions: never
    the rest of the family's network register.
    """
    if series_access(user=user, series=series).sees_case:
        visible = NetworkMember.objects.filter(case_id=series.case_id)
    else:
        invited = members_for_leader(user=user, case_id=series.case_id, series=series).values("pk")
        carrying = Action.objects.filter(series=series, owner_member__isnull=False).values("owner_member_id")
        visible = NetworkMember.objects.filter(case_id=series.case_id).filter(
            Q(pk__in=invited) | Q(pk__in=carrying)
        )
    members = list(visible.order_by("side", "name", "id"))
    staff = staff_of_service(service_id=series.case.service_id, roles=CASE_ROLES)
    leader = series.leader if series.leader_id is not None else None
    if leader is not None and all(u.pk != leader.pk for u in staff):
        staff.append(leader)  # a leader from another service's pool
    return OwnerChoices(
        private=[m for m in members if m.side == Side.PRIVATE],
        public=[m for m in members if m.side == Side.PUBLIC],
        staff=staff,
    )
