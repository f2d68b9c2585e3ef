"""A fixed series of meetings (NTT's steering group, a responsibility group, an individual plan): how often
it meets, when the next meeting is due, and the day a new meeting is proposed for.

Which kinds meet at a fixed interval is `KindConfig.fixed_cadence`; the interval is
`Series.meeting_every_weeks`. The readings are pure functions over the series' meetings, already loaded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sirkel.accounts.models import User
from sirkel.audit.models import AuditAction
from sirkel.meetings.kinds import kind_config
from sirkel.meetings.models import Meeting, MeetingStatus, Series
from sirkel.meetings.services import guards

MAX_WEEKS = 52
DEFAULT_TIME = time(9, 0)  # a proposed meeting after one without a time of day


def has_cadence(series: Series) -> bool:
    return kind_config(series.kind).fixed_cadence


# ---------------------------------------------------------------------------------------------------------
# Readings


@dataclass(frozen=True)
class NextMeeting:
    every_weeks: int
    last_held: Meeting | None  # the meeting the next one is counted from
    due_on: date | None  # None until a meeting has been held
    planned: Meeting | None  # the next meeting, when it is planned already
    overdue: bool  # due, and none planned


def _last_held(meetings: Sequence[Meeting]) -> Meeting | None:
    held = [m for m in meetings if m.status == MeetingStatus.HELD and m.held_on is not None]
    return max(held, key=lambda m: (m.held_on, m.sequence), default=None)


def next_meeting(
    *, series: Series, meetings: Sequence[Meeting], today: date | None = None
) -> NextMeeting | None:
    """When the next meeting is due: the last held meeting's day and the interval. None when the kind has
    no fixed interval, none is set, or the measure is no longer running."""
    weeks = series.meeting_every_weeks
    if not has_cadence(series) or not weeks or not series.is_open:
        return None
    today = today or timezone.localdate()
    last = _last_held(meetings)
    after = last.sequence if last is not None else 0
    planned = next(
        (
            m
            for m in sorted(meetings, key=lambda m: m.sequence)
            if m.sequence > after and m.status == MeetingStatus.PLANNED
        ),
        None,
    )
    due_on = last.held_on + timedelta(weeks=weeks) if last is not None and last.held_on else None
    return NextMeeting(
        every_weeks=weeks,
        last_held=last,
        due_on=due_on,
        planned=planned,
        overdue=planned is None and due_on is not None and due_on < today,
    )


def _meeting_day(meeting: Meeting) -> date | None:
    if meeting.held_on is not None:
        return meeting.held_on
    if meeting.starts_at is not None:
        return timezone.localdate(meeting.starts_at)
    return None


def proposed_start(
    *, series: Series, meetings: Sequence[Meeting], now: datetime | None = None
) -> datetime | None:
    """The start a new meeting is proposed for: the last meeting's day (held, or planned) plus the
    interval, at the same time of day. None without an interval, or when that day has passed already."""
    weeks = series.meeting_every_weeks
    if not has_cadence(series) or not weeks:
        return None
    last = max(
        (m for m in meetings if m.status != MeetingStatus.CANCELLED and _meeting_day(m) is not None),
        key=lambda m: m.sequence,
        default=None,
    )
    if last is None:
        return None
    day = _meeting_day(last)
    assert day is not None  # noqa: S101 - filtered above
    at = timezone.localtime(last.starts_at).time() if last.starts_at is not None else DEFAULT_TIME
    proposed = timezone.make_aware(datetime.combine(day + timedelta(weeks=weeks), at))
    if proposed < (now or timezone.now()):
        return None
    return proposed


# ---------------------------------------------------------------------------------------------------------
# Writes


@transaction.atomic
def set_cadence(*, acting_user: User, series: Series, every_weeks: int | None) -> Series:
    """Set how many weeks pass between the meetings of a fixed series (None: no fixed interval)."""
    guards.require(user=acting_user, series=series)
    series = Series.objects.select_for_update(of=("self",)).select_related("measure__case").get(pk=series.pk)
    if not has_cadence(series):
        raise ValidationError(_("This measure does not meet at a fixed interval."))
    guards.ensure_running(series=series)
    if every_weeks is not None and not 1 <= every_weeks <= MAX_WEEKS:
        raise ValidationError(
            {"meeting_every_weeks": _("Write a number of weeks from 1 to %(max)s.") % {"max": MAX_WEEKS}}
        )
    previous = series.meeting_every_weeks
    series.meeting_every_weeks = every_weeks
    series.version += 1
    series.save(update_fields=["meeting_every_weeks", "version", "updated_at"])
    guards.audit(
        user=acting_user,
        series=series,
        action=AuditAction.UPDATE,
        object_type="series",
        object_id=series.pk,
        field="meeting_every_weeks",
        previous=previous,
        every_weeks=every_weeks,
    )
    return series
