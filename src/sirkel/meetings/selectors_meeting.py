"""Reads for running a meeting and for its documents: participants, the actions the minutes list, the next
meeting and the consents that name who signs the waiver.

Callers pass a meeting whose series they already opened with `get_series_for_user`. Each function is a
fixed number of queries, however many participants or actions there are.
"""

from __future__ import annotations

from sirkel.meetings.models import Consent, Meeting, MeetingStatus, Participant, Series


def participants_of(meeting: Meeting) -> list[Participant]:
    """The meeting's participants in a stable order: one query."""
    rows = list(Participant.objects.filter(meeting=meeting).order_by("role", "name", "id"))
    for p in rows:
        p.meeting = meeting
    return rows


def active_consents(series: Series) -> list[Consent]:
    return [c for c in Consent.objects.filter(series=series).order_by("created_at", "id") if c.is_active]


def next_meeting(meeting: Meeting) -> Meeting | None:
    """The next planned meeting of the series, if one is planned."""
    return (
        Meeting.objects.filter(
            series_id=meeting.series_id, sequence__gt=meeting.sequence, status=MeetingStatus.PLANNED
        )
        .order_by("sequence")
        .first()
    )
