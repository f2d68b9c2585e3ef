"""How a measure progressed: the plan's summary over its meetings and how participation changed."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from sirkel.actions.models import Action
from sirkel.actions.selectors.due import overdue_q, today
from sirkel.meetings.models import Attendance, Meeting, MeetingStatus, Participant, ParticipantRole, Series

# Who counts as present at a meeting.
PRESENT = (Attendance.IN_PERSON, Attendance.DIGITAL)
# Participants on neither side of the private/public balance.
NEUTRAL_ROLES = (ParticipantRole.INTERPRETER,)
# Participants who are part of the public network even without the flag (the service itself).
PUBLIC_ROLES = (ParticipantRole.STAFF,)


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
    meetings = list(
        Meeting.objects.filter(pk__in=[k for k in by_meeting if k is not None]).order_by("sequence")
    )
    for meeting in meetings:
        meeting.series = series  # its name (`Meeting.label`) comes from the series' kind
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
    for meeting in meetings:
        meeting.series = series  # its name (`Meeting.label`) comes from the series' kind
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
