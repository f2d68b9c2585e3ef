"""Reviewing actions at a follow-up meeting: what is still to review, and the follow-up meetings."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from sirkel.actions.models import Action, ActionReview, ActionStatus
from sirkel.actions.selectors.due import action_rows, today, with_flags
from sirkel.meetings.models import Meeting, MeetingKind, MeetingStatus, Series


def actions_to_review_q(*, meeting: Meeting) -> Q:
    """Open actions agreed before this meeting (or outside any meeting)."""
    return Q(series_id=meeting.series_id, status=ActionStatus.OPEN) & (
        Q(meeting__isnull=True) | Q(meeting__sequence__lt=meeting.sequence)
    )


def unreviewed_actions(*, meeting: Meeting) -> QuerySet[Action]:
    """Open actions from earlier meetings that this follow-up meeting has not reviewed yet."""
    reviewed = ActionReview.objects.filter(action=OuterRef("pk"), meeting=meeting)
    return (
        action_rows(Action.objects.filter(actions_to_review_q(meeting=meeting)))
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
        action_rows(Action.objects.filter(Q(pk__in=list(reviews)) | actions_to_review_q(meeting=meeting))),
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
    for meeting in meetings:
        meeting.series = series  # its name (`Meeting.label`) comes from the series' kind
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


def reviews_of(*, action: Action) -> QuerySet[ActionReview]:
    """How an action was reviewed, meeting by meeting, oldest first. The caller opened its series."""
    return ActionReview.objects.filter(action=action).select_related("meeting").order_by("reviewed_at", "id")
