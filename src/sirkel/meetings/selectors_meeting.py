"""Reads for running a meeting and for its documents: participants, the actions the minutes list, the next
meeting and the consents that name who signs the waiver.

Callers pass a meeting whose measure they already opened with `get_measure_for_user`. Each function is a
fixed number of queries, however many participants or actions there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from sirkel.actions.models import Action, ActionStatus
from sirkel.meetings.models import Consent, Meeting, MeetingStatus, Participant, Series


def participants_of(meeting: Meeting) -> list[Participant]:
    """The meeting's participants in a stable order: one query."""
    rows = list(Participant.objects.filter(meeting=meeting).order_by("role", "name", "id"))
    for p in rows:
        p.meeting = meeting
    return rows


def active_consents(series: Series) -> list[Consent]:
    return [c for c in Consent.objects.filter(series=series).order_by("created_at", "id") if c.is_active]


@dataclass
class MeetingActions:
    agreed_here: list[Action] = field(default_factory=list)
    still_open: list[Action] = field(default_factory=list)  # agreed earlier and still open

    @property
    def all(self) -> list[Action]:
        return self.agreed_here + self.still_open


def actions_for_minutes(meeting: Meeting) -> MeetingActions:
    """The actions agreed at this meeting, and the still-open ones agreed earlier (or outside a meeting):
    one query."""
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
        (found.agreed_here if action.meeting_id == meeting.pk else found.still_open).append(action)
    return found


def next_meeting(meeting: Meeting) -> Meeting | None:
    """The next planned meeting of the series, if one is planned."""
    return (
        Meeting.objects.filter(
            series_id=meeting.series_id, sequence__gt=meeting.sequence, status=MeetingStatus.PLANNED
        )
        .order_by("sequence")
        .first()
    )
