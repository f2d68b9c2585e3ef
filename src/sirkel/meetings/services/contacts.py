"""NTT's contacts between steering group meetings: the environmental therapists' work with the family,
recorded against the measure's goals in the case's measure plan, and followed up by the next meeting.

Writes are keyword-only, atomic, checked and audited in the same transaction; only kinds whose
`KindConfig.therapist_contacts` says so have contacts. The readings group the contacts by goal, for the
contacts page, the series page and the steering group meeting's "since the last meeting". A contact's
internal notes are for the service: no document or letter reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sirkel.accounts.models import User
from sirkel.audit.models import AuditAction
from sirkel.cases.access import SeriesAccess, series_access
from sirkel.cases.models import Goal
from sirkel.meetings.kinds import kind_config
from sirkel.meetings.models import Meeting, MeetingStatus, Series, SeriesStatus, TherapistContact
from sirkel.meetings.services import guards

MAX_MINUTES = 24 * 60

# ---------------------------------------------------------------------------------------------------------
# Readings


def has_contacts(series: Series) -> bool:
    return kind_config(series.kind).therapist_contacts


def contact_goals(*, series: Series) -> list[Goal]:
    """The goals a contact can be recorded against: the measure's goals in the plan that are not retired,
    each followed by its sub-goals, in the plan's order. One query."""
    rows = list(Goal.objects.filter(measure_id=series.measure_id, retired_at__isnull=True))
    tops = [g for g in rows if g.parent_id is None]
    subs: dict[int, list[Goal]] = {}
    for g in rows:
        if g.parent_id is not None:
            subs.setdefault(g.parent_id, []).append(g)
    ordered: list[Goal] = []
    for top in tops:
        ordered.append(top)
        ordered.extend(subs.get(top.pk, []))
    return ordered


@dataclass
class GoalContacts:
    """The contacts recorded against one goal (`goal` None: recorded without one, or its goal is gone)."""

    goal: Goal | None
    contacts: list[TherapistContact] = field(default_factory=list)
    retired: bool = False  # the goal was retired from the plan since

    @property
    def count(self) -> int:
        return len(self.contacts)

    @property
    def last_on(self) -> date | None:
        return max((c.on for c in self.contacts), default=None)

    @property
    def minutes(self) -> int:
        return sum(c.minutes or 0 for c in self.contacts)


def _group(series: Series, contacts: list[TherapistContact], *, every_goal: bool) -> list[GoalContacts]:
    """Contacts per goal, in the plan's order: every active goal when `every_goal` (the overview), else
    only the goals with contacts; then retired goals with contacts, then contacts without a goal."""
    groups = {g.pk: GoalContacts(goal=g) for g in contact_goals(series=series)}
    loose = GoalContacts(goal=None)
    retired: dict[int, GoalContacts] = {}
    for c in contacts:
        if c.goal_id is None:
            loose.contacts.append(c)
        elif c.goal_id in groups:
            groups[c.goal_id].contacts.append(c)
        else:
            retired.setdefault(c.goal_id, GoalContacts(goal=c.goal, retired=True)).contacts.append(c)
    found = [g for g in groups.values() if every_goal or g.contacts]
    found.extend(retired.values())
    if loose.contacts:
        found.append(loose)
    return found


def _contacts(series: Series) -> list[TherapistContact]:
    rows = list(
        TherapistContact.objects.filter(series=series).select_related("by", "goal").order_by("-on", "-id")
    )
    for c in rows:
        c.series = series
    return rows


def contacts_by_goal(*, series: Series) -> list[GoalContacts]:
    """Every active goal of the measure with its contacts, newest first (the contacts page, the series
    page's count and last date per goal)."""
    return _group(series, _contacts(series), every_goal=True)


def _day(meeting: Meeting) -> date | None:
    if meeting.held_on is not None:
        return meeting.held_on
    if meeting.starts_at is not None:
        return timezone.localdate(meeting.starts_at)
    return None


def previous_held(*, series: Series, meeting: Meeting | None = None) -> Meeting | None:
    """The last held meeting of the series, before `meeting` when given."""
    held = Meeting.objects.filter(series=series, status=MeetingStatus.HELD, held_on__isnull=False)
    if meeting is not None:
        held = held.filter(sequence__lt=meeting.sequence)
    return held.order_by("-held_on", "-sequence").first()


@dataclass(frozen=True)
class SinceLastMeeting:
    previous: Meeting | None  # the held meeting they follow; None: the series' first meeting
    groups: list[GoalContacts]

    @property
    def count(self) -> int:
        return sum(g.count for g in self.groups)


def contacts_since_last_meeting(*, series: Series, meeting: Meeting | None = None) -> SinceLastMeeting:
    """The contacts after the last held meeting, per goal: what the steering group follows up.

    For `meeting` (its page): those after the held meeting before it, up to its own day once it is held.
    A contact on the day of a meeting counts for that meeting, not for the next."""
    previous = previous_held(series=series, meeting=meeting)
    contacts = _contacts(series)
    if previous is not None and previous.held_on is not None:
        contacts = [c for c in contacts if c.on > previous.held_on]
    if meeting is not None and meeting.status == MeetingStatus.HELD and (until := _day(meeting)):
        contacts = [c for c in contacts if c.on <= until]
    return SinceLastMeeting(previous=previous, groups=_group(series, contacts, every_goal=False))


def may_delete_with(*, access: SeriesAccess, contact: TherapistContact, user: User) -> bool:
    """Who wrote a contact may remove it, and so may whoever may change the case (`access`: the user's
    access to the contact's series)."""
    return access.can_edit or (access.can_run_meetings and contact.by_id == user.pk)


# ---------------------------------------------------------------------------------------------------------
# Checks


def _ensure_can_record(*, series: Series) -> None:
    if not has_contacts(series):
        raise ValidationError(_("Contacts between meetings are not recorded for this measure."))
    guards.ensure_running(series=series)
    if series.status in (SeriesStatus.SCREENING, SeriesStatus.NOT_STARTED):
        raise ValidationError(_("Finish the screening first: record the decision to go ahead."))


def _check_goal(*, series: Series, goal: Goal | None) -> Goal:
    if goal is None:
        raise ValidationError({"goal": _("Choose the goal the contact was about.")})
    current = Goal.objects.filter(pk=goal.pk, measure_id=series.measure_id, retired_at__isnull=True).first()
    if current is None:
        raise ValidationError({"goal": _("Choose one of this measure's goals in the measure plan.")})
    return current


# ---------------------------------------------------------------------------------------------------------
# Writes


@transaction.atomic
def record_contact(
    *,
    acting_user: User,
    series: Series,
    goal: Goal | None,
    on: date,
    with_whom: str,
    minutes: int | None,
    note: str,
    internal_notes: str = "",
) -> TherapistContact:
    """Record a contact between meetings, by `acting_user`: the environmental therapist who leads the
    measure, the caseworker, or staff who may change the case. The goal must be one of the measure's goals
    in the plan, not retired; the day not in the future."""
    guards.require(user=acting_user, series=series, what="run")
    series = Series.objects.select_for_update(of=("self",)).select_related("measure__case").get(pk=series.pk)
    _ensure_can_record(series=series)
    goal = _check_goal(series=series, goal=goal)
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    if minutes is not None and not 0 < minutes <= MAX_MINUTES:
        raise ValidationError({"minutes": _("Write how many minutes the contact lasted.")})
    contact = TherapistContact(
        series=series,
        goal=goal,
        on=on,
        by=acting_user,
        with_whom=with_whom.strip(),
        minutes=minutes,
        note=note.strip(),
        internal_notes=internal_notes.strip(),
    )
    contact.full_clean()
    contact.save()
    guards.audit(
        user=acting_user,
        series=series,
        action=AuditAction.CREATE,
        object_type="therapist_contact",
        object_id=contact.pk,
        goal=goal.pk,
        on=on.isoformat(),
    )
    return contact


@transaction.atomic
def delete_contact(*, acting_user: User, contact: TherapistContact) -> None:
    """Remove a contact recorded by mistake: its author, or whoever may change the case."""
    series = (
        Series.objects.select_for_update(of=("self",))
        .select_related("measure__case")
        .get(pk=contact.series_id)
    )
    contact.series = series
    if not may_delete_with(
        access=series_access(user=acting_user, series=series), contact=contact, user=acting_user
    ):
        raise PermissionDenied
    guards.ensure_running(series=series)
    pk = contact.pk
    goal_id, on = contact.goal_id, contact.on
    contact.delete()
    guards.audit(
        user=acting_user,
        series=series,
        action=AuditAction.DELETE,
        object_type="therapist_contact",
        object_id=pk,
        goal=goal_id,
        on=on.isoformat(),
    )
