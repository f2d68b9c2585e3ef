"""The actions' part of the series page, the meeting page and the minutes, registered with
`meetings.panels` in `apps.py` (so `meetings` never imports `actions`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from sirkel.actions.models import Action, ActionStatus
from sirkel.actions.selectors.progress import participation_over_time, plan_summary
from sirkel.meetings.models import Meeting, Series
from sirkel.network.models import SupportType


@dataclass
class MeetingActions:
    agreed_here: list[Action] = field(default_factory=list)
    still_open: list[Action] = field(default_factory=list)  # agreed earlier and still open

    @property
    def all(self) -> list[Action]:
        return self.agreed_here + self.still_open


def _owner(action: Action) -> str:
    return action.owner_display


def _support(action: Action) -> Any:
    """The support type's label, lazily: a document translates it into its own language."""
    return SupportType(action.support_type).label if action.support_type in SupportType.values else ""


def actions_for_minutes(meeting: Meeting) -> MeetingActions:
    """The actions agreed at this meeting, and the still-open ones agreed earlier (or outside a meeting):
    one query. Each carries `owner_name` and `support_label` for the minutes."""
    earlier = Q(status=ActionStatus.OPEN) & (
        Q(meeting__isnull=True) | Q(meeting__sequence__lt=meeting.sequence)
    )
    rows = (
        Action.objects.filter(Q(meeting=meeting) | earlier, series_id=meeting.series_id)
        .select_related("owner_member", "owner_user", "meeting")
        .order_by("due_on", "id")
    )
    found = MeetingActions()
    for action in rows:
        action.owner_name = _owner(action)  # type: ignore[attr-defined]
        action.support_label = _support(action)  # type: ignore[attr-defined]
        (found.agreed_here if action.meeting_id == meeting.pk else found.still_open).append(action)
    return found


def series_panel(*, series: Series) -> dict[str, Any]:
    return {
        "plan_summary": plan_summary(series=series),
        "participation": participation_over_time(series=series),
    }


def meeting_panel(*, meeting: Meeting) -> dict[str, Any]:
    return {"actions": actions_for_minutes(meeting)}
