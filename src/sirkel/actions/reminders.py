"""Reminders for `sirkel remind`: who gets which items today, and sending them once a day.

Owners of actions due soon or overdue get one e-mail each, listing their items; so do the caseworkers of
measures whose follow-up meeting is not scheduled, and the responsible caseworkers of cases whose measure
plan should have been evaluated by now. Network members are only e-mailed when the register
says they may be contacted. Messages carry the child's first name and the action, nothing more. Only
running measures are reminded about: a stopped measure (consent withdrawn) contacts nobody.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sirkel.actions.models import Action, ReminderLog
from sirkel.actions.selectors.due import OPEN_MEASURE_STATUSES, due_soon_q, overdue_q, today, with_flags
from sirkel.actions.selectors.overviews import overdue_plans, unscheduled_followups
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event
from sirkel.meetings.models import Series


@dataclass
class Item:
    key: str  # "action:<id>", "followup:<measure id>" or "plan:<plan id>", for the daily log
    child: str  # the child's first name only
    text: str
    due_on: datetime.date | None = None
    overdue: bool = False
    service: str = ""


@dataclass
class Recipient:
    key: str  # "user:<id>" or "member:<id>"
    name: str
    email: str
    staff: bool
    items: list[Item] = field(default_factory=list)


@dataclass
class Skipped:
    key: str
    name: str
    reason: str
    items: list[Item] = field(default_factory=list)


@dataclass
class Plan:
    """What a run would send today, after leaving out what was already sent today."""

    recipients: list[Recipient]
    skipped: list[Skipped]
    already_sent: int


@dataclass
class Result:
    plan: Plan
    sent: int = 0
    items_sent: int = 0
    failed: list[str] = field(default_factory=list)


def _due_actions(*, on: datetime.date) -> list[Action]:
    qs = Action.objects.filter(
        overdue_q(on=on) | due_soon_q(on=on), series__status__in=OPEN_MEASURE_STATUSES
    ).select_related("owner_member", "owner_user", "series__measure__case__service")
    return list(with_flags(qs, on=on).order_by("due_on", "id"))


def _followups() -> list[Series]:
    return list(unscheduled_followups())


def collect(*, on: datetime.date | None = None) -> Plan:
    """Who would be reminded of what today. Reads only."""
    on = on or today()
    recipients: dict[str, Recipient] = {}
    skipped: dict[str, Skipped] = {}

    def add(key: str, name: str, email: str, staff: bool, item: Item, reason: str = "") -> None:
        if reason:
            skipped.setdefault(key, Skipped(key=key, name=name, reason=reason)).items.append(item)
        else:
            recipients.setdefault(key, Recipient(key=key, name=name, email=email, staff=staff)).items.append(
                item
            )

    for action in _due_actions(on=on):
        case = action.series.case
        item = Item(
            key=f"action:{action.pk}",
            child=case.child_given_name,
            text=action.what,
            due_on=action.due_on,
            overdue=bool(action.is_overdue),  # type: ignore[attr-defined]
            service=case.service.name,
        )
        if action.owner_user is not None:
            user = action.owner_user
            reason = "" if user.is_active and user.email else _("no e-mail address")
            add(f"user:{user.pk}", user.display_name(), user.email, True, item, reason)
        elif action.owner_member is not None:
            member = action.owner_member
            if not member.may_contact:
                reason = _("has not agreed to be contacted")
            elif not member.email:
                reason = _("no e-mail address")
            else:
                reason = ""
            add(f"member:{member.pk}", member.name, member.email, False, item, reason)
        elif action.former_owner_name:
            # Nobody to send to: listed as skipped, so the caseworker sees the action needs a new owner.
            add(f"former:{action.pk}", action.owner_display, "", False, item, _("removed from the network"))

    for series in _followups():
        worker = series.caseworker
        item = Item(
            key=f"followup:{series.pk}",
            child=series.case.child_given_name,
            text=ngettext(
                "No follow-up meeting is planned, and %(count)s action is still open.",
                "No follow-up meeting is planned, and %(count)s actions are still open.",
                series.open_action_count or 0,  # type: ignore[attr-defined]
            )
            % {"count": series.open_action_count or 0},  # type: ignore[attr-defined]
            due_on=series.last_held_on,  # type: ignore[attr-defined]
            service=series.case.service.name,
        )
        reason = "" if worker.is_active and worker.email else _("no e-mail address")
        add(f"user:{worker.pk}", worker.display_name(), worker.email, True, item, reason)

    for plan in overdue_plans(on=on):
        case = plan.case
        worker = case.caseworker
        due_on = plan.next_evaluation_on
        item = Item(
            key=f"plan:{plan.pk}",
            child=case.child_given_name,
            text=_("The measure plan for %(child)s should have been evaluated on %(date)s.")
            % {
                "child": case.child_given_name,
                "date": formats.date_format(due_on, "SHORT_DATE_FORMAT") if due_on else "",
            },
            due_on=due_on,
            overdue=True,
            service=case.service.name,
        )
        reason = "" if worker.is_active and worker.email else _("no e-mail address")
        add(f"user:{worker.pk}", worker.display_name(), worker.email, True, item, reason)

    # Leave out what was already sent today, so a second run the same day sends nothing again.
    sent_today = set(ReminderLog.objects.filter(sent_on=on).values_list("recipient", "item"))
    already = 0
    for recipient in recipients.values():
        kept = [i for i in recipient.items if (recipient.key, i.key) not in sent_today]
        already += len(recipient.items) - len(kept)
        recipient.items = kept
    return Plan(
        recipients=[r for r in recipients.values() if r.items],
        skipped=list(skipped.values()),
        already_sent=already,
    )


def render_message(recipient: Recipient) -> tuple[str, str]:
    """Subject and plain-text body, in the service's language (Bokmål by default)."""
    with translation.override(settings.LANGUAGE_CODE):
        services = sorted({i.service for i in recipient.items if i.service})
        body = render_to_string(
            "actions/email/reminder.txt",
            {
                "recipient": recipient,
                "actions": [i for i in recipient.items if i.key.startswith("action:")],
                "followups": [i for i in recipient.items if i.key.startswith("followup:")],
                "plans": [i for i in recipient.items if i.key.startswith("plan:")],
                "service_names": ", ".join(services),
            },
        )
        subject = _("Reminder: actions to follow up") if recipient.staff else _("Reminder from the service")
    return str(subject), body


def send(*, on: datetime.date | None = None, dry_run: bool = False) -> Result:
    """Send today's reminders (or, with `dry_run`, only work out what would be sent). Audited once."""
    on = on or today()
    plan = collect(on=on)
    result = Result(plan=plan)
    if not dry_run:
        connection = get_connection()
        for recipient in plan.recipients:
            subject, body = render_message(recipient)
            message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])
            try:
                connection.send_messages([message])
            except OSError:
                # A mail server problem for one recipient: leave it unlogged so the next run retries.
                result.failed.append(recipient.key)
                continue
            with transaction.atomic():
                ReminderLog.objects.bulk_create(
                    [ReminderLog(sent_on=on, recipient=recipient.key, item=i.key) for i in recipient.items],
                    ignore_conflicts=True,
                )
            result.sent += 1
            result.items_sent += len(recipient.items)
    with transaction.atomic():
        record_event(
            actor=None,
            service=None,
            action=AuditAction.EXPORT,
            object_type="reminders",
            detail={
                "dry_run": dry_run,
                "on": on.isoformat(),
                "recipients": len(plan.recipients),
                "items": sum(len(r.items) for r in plan.recipients),
                "sent": result.sent,
                "items_sent": result.items_sent,
                "skipped": len(plan.skipped),
                "already_sent_today": plan.already_sent,
                "failed": len(result.failed),
            },
        )
    return result
