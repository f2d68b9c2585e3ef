"""Builders for the tests of running a meeting, the waiver, the guide and the minutes: a planned meeting in
the near future with the family, the private and the public network invited, and actions on the plan."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from pypdf import PdfReader

from sirkel.accounts.models import User
from sirkel.actions.models import Action, ActionStatus
from sirkel.meetings.models import Meeting, Participant, Series
from sirkel.meetings.services import participants
from sirkel.meetings.tests.preparation_support import member, plan
from sirkel.network.models import NetworkMember, Side

OSLO = ZoneInfo("Europe/Oslo")
PHONE = "+47 912 34 567"
INTERNAL = "Intern vurdering: mor virket sliten, vurder undersøkelse av boforhold."


def soon() -> datetime:
    """Ten in the morning, two days from now: close enough that the child has today's age."""
    day = timezone.localdate() + timedelta(days=2)
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=OSLO)


def plan_soon(series: Series, *, days: int = 0) -> Meeting:
    return plan(series, starts_at=soon() + timedelta(days=days))


def day_has_come(meeting: Meeting) -> Meeting:
    """Move the planned start to this morning, as if the day of the meeting has come (a meeting cannot be
    marked as held before its planned day)."""
    today = timezone.localdate()
    starts_at = datetime(today.year, today.month, today.day, 0, 5, tzinfo=OSLO)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=starts_at)
    meeting.starts_at = starts_at
    return meeting


def invite(
    meeting: Meeting,
    name: str,
    *,
    side: str = Side.PRIVATE,
    relation: str = "",
    role: str = "",
    **fields: str,
) -> Participant:
    person = member(meeting.series.case, name, side=side, relation=relation, **fields)
    return participants.add_participant(
        acting_user=meeting.series.caseworker, meeting=meeting, member=person, role=role
    )


def invite_family(meeting: Meeting) -> dict[str, Participant]:
    """Mother, father, an aunt (private), a teacher and a nurse (public): the phone numbers are kept in the
    register and must never reach a document."""
    return {
        "mother": invite(meeting, "Mona Mor", relation="Mor", phone=PHONE, email="mona@example.no"),
        "father": invite(meeting, "Frank Far", relation="Far"),
        "aunt": invite(meeting, "Tove Tante", relation="Tante", phone="+47 400 00 001"),
        "teacher": invite(meeting, "Lars Lærer", side=Side.PUBLIC, relation="Kontaktlærer"),
        "nurse": invite(meeting, "Helga Helsesykepleier", side=Side.PUBLIC, relation="Helsesykepleier"),
    }


def invite_many(meeting: Meeting, count: int, *, prefix: str = "Person") -> list[Participant]:
    case = meeting.series.case
    members = [
        NetworkMember.objects.create(
            case=case,
            name=f"{prefix} {i}",
            side=Side.PUBLIC if i % 3 == 0 else Side.PRIVATE,
            relation="Nabo" if i % 3 else "Lærer",
        )
        for i in range(count)
    ]
    return participants.add_participants(
        acting_user=meeting.series.caseworker, meeting=meeting, members=members
    )


def add_action(
    meeting: Meeting,
    what: str,
    *,
    owner: Participant | None = None,
    owner_user: User | None = None,
    due_on: date | None = None,
    status: str = ActionStatus.OPEN,
    support_type: str = "practical",
) -> Action:
    """A small factory: the plan's own rules are tested with the actions, not here."""
    return Action.objects.create(
        series=meeting.series,
        meeting=meeting,
        what=what,
        owner_member=owner.member if owner is not None else None,
        owner_user=owner_user if owner is None else None,
        due_on=due_on or timezone.localdate() + timedelta(days=14),
        support_type=support_type,
        status=status,
    )


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def child_born(years: int, *, on: date) -> date:
    """A birth date making the child exactly `years` old on `on` (their birthday)."""
    return date(on.year - years, on.month, on.day if (on.month, on.day) != (2, 29) else 28)
