"""A family group conference's own work: the coordinator's assignment and the planning, attendance in the
conference's three parts, and the family's plan with the service's decision on it.

Who does what: the service (edit access: the caseworker, the service's leader) writes the request for a
coordinator, the situation and the questions, and decides on the family's plan; the coordinator (the
series' leader, run access, often a narrow account) records the planning, attendance per part and the
plan as the family wrote it. Private family time is the private network alone: the database refuses
anyone else as present in it (`participant_family_time_private_only`), and so does `record_parts`, in
words. An approved plan's items become actions (`actions.services.add_action`), followed up like any
other. Every write is keyword-only, atomic, checked and audited in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sirkel.accounts.models import User
from sirkel.audit.models import AuditAction
from sirkel.core.versioning import update_versioned
from sirkel.meetings import panels
from sirkel.meetings.models import (
    PRIVATE_FAMILY_TIME_ROLES,
    Attendance,
    Conference,
    FamilyPlan,
    FamilyPlanItem,
    Meeting,
    MeetingStatus,
    Participant,
    ParticipantRole,
    PlanDecision,
    Series,
)
from sirkel.meetings.services import guards
from sirkel.meetings.services.owners import check_owner
from sirkel.network.models import NetworkMember

# The national handbook: a coordinator is assigned within 15 working days of the request, or one working
# day when it is acute; the planning takes 4–8 weeks and typically 25–35 of the coordinator's hours.
ASSIGN_WITHIN_WORKING_DAYS = 15
ASSIGN_WITHIN_WORKING_DAYS_ACUTE = 1
PLANNING_WEEKS = (4, 8)
TYPICAL_HOURS = (Decimal(25), Decimal(35))

CONFERENCE_FIELDS_SERVICE = (
    "coordinator_requested_on",
    "acute",
    "coordinator_assigned_on",
    "situation",
    "questions",
    "questions_agreed_on",
)
CONFERENCE_FIELDS_PLANNING = ("planning_started_on", "coordinator_hours")


# ---------------------------------------------------------------------------------------------------------
# Readings: working days, the coordinator's deadline, the planning


def easter_sunday(year: int) -> date:
    """Western (Gregorian) Easter Sunday: the anonymous Gregorian algorithm (Meeus/Jones/Butcher). Written
    here rather than depending on a library for twelve lines of arithmetic."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * ell) // 433
    month = (h + ell - 7 * m + 90) // 25
    day = (h + ell - 7 * m + 33 * month + 19) % 32
    return date(year, month, day)


@cache
def norwegian_public_holidays(year: int) -> frozenset[date]:
    """Norway's public holidays (helligdager, and 1 and 17 May) in `year`: the fixed days and those that
    follow Easter."""
    sunday = easter_sunday(year)
    return frozenset(
        {
            date(year, 1, 1),
            sunday - timedelta(days=3),  # Maundy Thursday
            sunday - timedelta(days=2),  # Good Friday
            sunday,
            sunday + timedelta(days=1),  # Easter Monday
            date(year, 5, 1),
            date(year, 5, 17),
            sunday + timedelta(days=39),  # Ascension Day
            sunday + timedelta(days=49),  # Whit Sunday
            sunday + timedelta(days=50),  # Whit Monday
            date(year, 12, 25),
            date(year, 12, 26),
        }
    )


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in norwegian_public_holidays(day.year)


def working_days_after(start: date, days: int) -> date:
    """The `days`-th working day after `start` (Monday to Friday, not a Norwegian public holiday)."""
    day = start
    left = days
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def coordinator_due_on(conference: Conference) -> date | None:
    """When the coordinator should be assigned by: 15 working days after the request, 1 when acute."""
    if conference.coordinator_requested_on is None:
        return None
    days = ASSIGN_WITHIN_WORKING_DAYS_ACUTE if conference.acute else ASSIGN_WITHIN_WORKING_DAYS
    return working_days_after(conference.coordinator_requested_on, days)


@dataclass(frozen=True)
class Assignment:
    """Where the coordinator's assignment stands: `state` is one of not_requested, on_time, late, due
    (not assigned yet, still within the deadline) and overdue (not assigned, past it)."""

    state: str
    due_on: date | None

    @property
    def is_late(self) -> bool:
        return self.state in ("late", "overdue")


def assignment(conference: Conference, *, today: date | None = None) -> Assignment:
    due = coordinator_due_on(conference)
    if due is None:
        return Assignment("not_requested", None)
    if conference.coordinator_assigned_on is not None:
        return Assignment("on_time" if conference.coordinator_assigned_on <= due else "late", due)
    return Assignment("due" if (today or timezone.localdate()) <= due else "overdue", due)


def planning_weeks(conference: Conference, *, conference_day: date | None) -> int | None:
    """Whole weeks from the start of the planning to the conference (None until both are known)."""
    if conference.planning_started_on is None or conference_day is None:
        return None
    return (conference_day - conference.planning_started_on).days // 7


def planning_outside_usual(weeks: int | None) -> bool:
    return weeks is not None and not (PLANNING_WEEKS[0] <= weeks <= PLANNING_WEEKS[1])


def hours_outside_usual(hours: Decimal | None) -> bool:
    return hours is not None and not (TYPICAL_HOURS[0] <= hours <= TYPICAL_HOURS[1])


def may_be_in_family_time(participant: Participant) -> bool:
    """Private family time is the private network alone: the family, its private network and the child's
    support person (someone the child chose from it); nobody public and no staff account."""
    return (
        participant.role in PRIVATE_FAMILY_TIME_ROLES
        and not participant.is_public
        and participant.user_id is None
    )


def current_plan(plans: list[FamilyPlan]) -> FamilyPlan | None:
    """The latest version of the family's plan (the list in number order), if any."""
    return plans[-1] if plans else None


def may_write_new_plan(plans: list[FamilyPlan]) -> bool:
    """A first plan, or a changed one after the service refused the last."""
    latest = current_plan(plans)
    return latest is None or latest.decision == PlanDecision.REFUSED


# ---------------------------------------------------------------------------------------------------------
# The conference's record


def _conference_for_update(series: Series) -> Conference:
    conference, _created = Conference.objects.select_for_update().get_or_create(series=series)
    return conference


@transaction.atomic
def save_request(
    *,
    acting_user: User,
    series: Series,
    version: int,
    coordinator_requested_on: date | None,
    acute: bool,
    coordinator_assigned_on: date | None,
    situation: str,
    questions: str,
    questions_agreed_on: date | None,
) -> Conference:
    """The service's part: asking for a coordinator, the situation in short and the questions for the
    conference (agreed with the family on `questions_agreed_on`)."""
    guards.require(user=acting_user, series=series, what="edit")
    guards.ensure_running(series=series)
    if (
        coordinator_requested_on is not None
        and coordinator_assigned_on is not None
        and coordinator_assigned_on < coordinator_requested_on
    ):
        raise ValidationError(
            {"coordinator_assigned_on": _("The coordinator cannot be assigned before being requested.")}
        )
    if questions_agreed_on is not None and not questions.strip():
        raise ValidationError(
            {"questions": _("Write the questions that were agreed with the family, one per line.")}
        )
    conference = _conference_for_update(series)
    conference.coordinator_requested_on = coordinator_requested_on
    conference.acute = acute
    conference.coordinator_assigned_on = coordinator_assigned_on
    conference.situation = situation.strip()
    conference.questions = "\n".join(q.strip() for q in questions.splitlines() if q.strip())
    conference.questions_agreed_on = questions_agreed_on
    update_versioned(conference, expected_version=version, fields=CONFERENCE_FIELDS_SERVICE)
    guards.audit(
        user=acting_user,
        series=series,
        action=AuditAction.UPDATE,
        object_type="conference",
        object_id=conference.pk,
        part="request",
    )
    return conference


@transaction.atomic
def save_planning(
    *,
    acting_user: User,
    series: Series,
    version: int,
    planning_started_on: date | None,
    coordinator_hours: Decimal | None,
) -> Conference:
    """The coordinator's part: when the planning started and the hours it took."""
    guards.require(user=acting_user, series=series, what="run")
    guards.ensure_running(series=series)
    if coordinator_hours is not None and coordinator_hours < 0:
        raise ValidationError({"coordinator_hours": _("The hours cannot be negative.")})
    conference = _conference_for_update(series)
    conference.planning_started_on = planning_started_on
    conference.coordinator_hours = coordinator_hours
    update_versioned(conference, expected_version=version, fields=CONFERENCE_FIELDS_PLANNING)
    guards.audit(
        user=acting_user,
        series=series,
        action=AuditAction.UPDATE,
        object_type="conference",
        object_id=conference.pk,
        part="planning",
    )
    return conference


# ---------------------------------------------------------------------------------------------------------
# The conference meeting: attendance per part


def _check_meeting_open(meeting: Meeting) -> None:
    guards.ensure_open(series=meeting.series)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("This meeting was cancelled: nothing can be recorded for it."))


@dataclass(frozen=True)
class Parts:
    information: bool
    family_time: bool
    joint: bool

    @property
    def any(self) -> bool:
        return self.information or self.family_time or self.joint


@transaction.atomic
def record_parts(*, acting_user: User, meeting: Meeting, parts: Mapping[int, Parts]) -> None:
    """Who was present in each of the three parts, by participant id. Refused, for everyone, when anyone
    from a service, a public participant or a staff account is recorded in private family time."""
    series = meeting.series
    guards.require(user=acting_user, series=series, what="run")
    _check_meeting_open(meeting)
    rows = {p.pk: p for p in Participant.objects.select_for_update().filter(meeting=meeting)}
    unknown = set(parts) - set(rows)
    if unknown:
        raise ValidationError(_("Someone in the form is not invited to this meeting."))
    refused = [
        rows[pk].name for pk, p in parts.items() if p.family_time and not may_be_in_family_time(rows[pk])
    ]
    if refused:
        raise ValidationError(
            _(
                "Private family time is for the family and its private network alone. Nobody from a "
                "service can be recorded as present in it: %(names)s."
            )
            % {"names": ", ".join(sorted(refused))}
        )
    for pk, p in parts.items():
        row = rows[pk]
        row.part_information, row.part_family_time, row.part_joint = p.information, p.family_time, p.joint
        if p.any:
            row.attendance = row.attendance if row.attended else Attendance.IN_PERSON
        else:
            row.attendance = Attendance.ABSENT
    Participant.objects.bulk_update(
        [rows[pk] for pk in parts], ["part_information", "part_family_time", "part_joint", "attendance"]
    )
    guards.audit(
        user=acting_user,
        series=series,
        action=AuditAction.UPDATE,
        object_type="meeting",
        object_id=meeting.pk,
        what="attendance_per_part",
        participants=len(parts),
    )


# ---------------------------------------------------------------------------------------------------------
# The family's plan


def plans_of(meeting: Meeting) -> list[FamilyPlan]:
    """The meeting's versions of the family's plan with their items and their owners: three queries."""
    plans = list(
        FamilyPlan.objects.filter(meeting=meeting)
        .select_related("written_by", "decided_by")
        .prefetch_related("items__owner_member", "items__owner_user", "items__action")
        .order_by("number")
    )
    for plan in plans:
        plan.meeting = meeting
    return plans


def _lock_plan(plan: FamilyPlan) -> FamilyPlan:
    locked = FamilyPlan.objects.select_for_update().get(pk=plan.pk)
    locked.meeting = plan.meeting
    return locked


def _ensure_undecided(plan: FamilyPlan) -> None:
    if plan.decision:
        raise ValidationError(
            _("The service has decided on this version of the plan: it is kept as it was decided.")
        )


@transaction.atomic
def write_family_plan(*, acting_user: User, meeting: Meeting, text: str) -> FamilyPlan:
    """The plan as the family wrote it in private family time: the first, or a changed one after the
    service refused the last (a new version; the refused one stays readable)."""
    series = meeting.series
    guards.require(user=acting_user, series=series, what="run")
    _check_meeting_open(meeting)
    if not text.strip():
        raise ValidationError({"text": _("Write the family's plan as the family wrote it.")})
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()  # one new version at a time
    latest = FamilyPlan.objects.filter(meeting=meeting).order_by("-number").first()
    if latest is not None and latest.decision != PlanDecision.REFUSED:
        raise ValidationError(
            _("The family writes a new version of the plan only when the service did not approve the last.")
            if latest.decision
            else _("The family's plan is waiting for the service's decision: add its items there.")
        )
    number = (FamilyPlan.objects.filter(meeting=meeting).aggregate(n=Max("number"))["n"] or 0) + 1
    plan = FamilyPlan.objects.create(
        meeting=meeting, number=number, text=text.strip(), written_by=acting_user
    )
    guards.audit(
        user=acting_user,
        series=series,
        action=AuditAction.CREATE,
        object_type="family_plan",
        object_id=plan.pk,
        meeting=meeting.pk,
        number=number,
    )
    return plan


@transaction.atomic
def add_plan_item(
    *,
    acting_user: User,
    plan: FamilyPlan,
    what: str,
    due_on: date | None,
    owner_member: NetworkMember | None = None,
    owner_user: User | None = None,
) -> FamilyPlanItem:
    """One item of the family's plan: what, who and by when, as the family agreed."""
    series = plan.meeting.series
    guards.require(user=acting_user, series=series, what="run")
    _check_meeting_open(plan.meeting)
    plan = _lock_plan(plan)
    _ensure_undecided(plan)
    if not what.strip():
        raise ValidationError({"what": _("Say what is to be done.")})
    check_owner(series=series, owner_member=owner_member, owner_user=owner_user)
    if due_on is None:
        raise ValidationError({"due_on": _("Say by when it is to be done.")})
    position = (plan.items.aggregate(n=Max("position"))["n"] or 0) + 1
    item = FamilyPlanItem.objects.create(
        plan=plan,
        position=position,
        what=what.strip(),
        owner_member=owner_member,
        owner_user=owner_user,
        due_on=due_on,
    )
    guards.audit(
        user=acting_user,
        series=series,
        action=AuditAction.CREATE,
        object_type="family_plan_item",
        object_id=item.pk,
        plan=plan.pk,
    )
    return item


@transaction.atomic
def remove_plan_item(*, acting_user: User, item: FamilyPlanItem) -> None:
    plan = item.plan
    series = plan.meeting.series
    guards.require(user=acting_user, series=series, what="run")
    _check_meeting_open(plan.meeting)
    _ensure_undecided(_lock_plan(plan))
    item_id = item.pk
    item.delete()
    guards.audit(
        user=acting_user,
        series=series,
        action=AuditAction.DELETE,
        object_type="family_plan_item",
        object_id=item_id,
        plan=plan.pk,
    )


@transaction.atomic
def decide_plan(*, acting_user: User, plan: FamilyPlan, decision: str, reason: str = "") -> FamilyPlan:
    """The service's decision on the family's plan: approved as a rule, provided the child's safety is
    ensured. Approved with changes or not approved needs a written reason, which the family is shown.
    Approved (also with changes), each item becomes an action with its owner and due date."""
    meeting = plan.meeting
    series = meeting.series
    guards.require(user=acting_user, series=series, what="edit")
    _check_meeting_open(meeting)
    plan = _lock_plan(plan)
    _ensure_undecided(plan)
    if decision not in PlanDecision.values:
        raise ValidationError({"decision": _("Choose the service's decision.")})
    reason = reason.strip()
    if decision != PlanDecision.APPROVED and not reason:
        raise ValidationError(
            {
                "reason": _(
                    "Write why the plan, or part of it, is not approved as the family wrote it. The family "
                    "is shown the reason."
                )
            }
        )
    items = list(plan.items.select_related("owner_member", "owner_user").order_by("position", "id"))
    if decision != PlanDecision.REFUSED:
        if not items:
            raise ValidationError(
                _("Add the plan's items first (what, who and by when): they become the actions followed up.")
            )
        # Through `panels`: actions builds on the meetings app, not the other way round.
        add_action = panels.add_action

        for item in items:
            assert item.due_on is not None  # noqa: S101 (add_plan_item requires it)
            action = add_action(
                acting_user=acting_user,
                series=series,
                what=item.what,
                due_on=item.due_on,
                meeting=meeting,
                owner_member=item.owner_member,
                owner_user=item.owner_user,
            )
            item.action = action
            item.save(update_fields=["action"])
    plan.decision = decision
    plan.reason = reason
    plan.decided_by = acting_user
    plan.decided_at = timezone.now()
    plan.save(update_fields=["decision", "reason", "decided_by", "decided_at"])
    guards.audit(
        user=acting_user,
        series=series,
        action=AuditAction.UPDATE,
        object_type="family_plan",
        object_id=plan.pk,
        decision=decision,
        actions=[i.action_id for i in items if i.action_id],
    )
    return plan


def family_time_roles() -> list[str]:
    """The roles that may be present in private family time, as their labels (for the page's hint)."""
    return [str(ParticipantRole(r).label) for r in PRIVATE_FAMILY_TIME_ROLES]
