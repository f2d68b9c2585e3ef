"""Sending invitations and recording the answers they bring back."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sirkel.accounts.models import User
from sirkel.audit.models import AuditAction
from sirkel.meetings.models import Meeting, Participant, Response
from sirkel.meetings.services import guards
from sirkel.meetings.services.checklist import time_place_missing
from sirkel.meetings.services.preparation import ensure_planned, lock_meeting

logger = logging.getLogger(__name__)


@transaction.atomic
def set_response(
    *, acting_user: User, participant: Participant, response: str, note: str = ""
) -> Participant:
    """Record an invitee's answer (coming, not coming, not sure). The meeting leader may record it too:
    invitees often call the leader to ask what to expect."""
    meeting = participant.meeting
    guards.require(user=acting_user, series=meeting.series, what="run")
    ensure_planned(meeting=meeting)
    if response not in Response.values:
        raise ValidationError({"response": _("Choose an answer.")})
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    previous = participant.response
    participant.response = response
    participant.response_note = note.strip()
    participant.full_clean()
    participant.save(update_fields=["response", "response_note"])
    guards.audit(
        user=acting_user,
        series=meeting.series,
        action=AuditAction.UPDATE,
        object_type="participant",
        object_id=participant.pk,
        meeting=meeting.pk,
        response=response,
        previous=previous,
    )
    return participant


def may_email(participant: Participant) -> bool:
    """E-mail only to an address we have and, for the family's network, with their agreement to be contacted.
    Staff may always be e-mailed; anyone else outside the register is not (no recorded agreement)."""
    if not participant.invited or not participant.email:
        return False
    if participant.user_id is not None:
        return True
    return participant.member is not None and participant.member.may_contact


def no_email_reason(participant: Participant) -> str:
    if not participant.email:
        return _("No e-mail address")
    if participant.user_id is None and (participant.member is None or not participant.member.may_contact):
        return _("Not agreed to be contacted")
    return ""


@transaction.atomic
def mark_invitations_sent(
    *, acting_user: User, meeting: Meeting, participants: Sequence[Participant], how: str = "letter"
) -> int:
    """Record that these participants were sent (or handed) their invitation."""
    guards.require(user=acting_user, series=meeting.series)
    meeting = lock_meeting(meeting=meeting, version=None)
    ensure_planned(meeting=meeting)
    ids = [p.pk for p in participants if p.meeting_id == meeting.pk]
    count = Participant.objects.filter(meeting=meeting, pk__in=ids).update(invitation_sent_at=timezone.now())
    guards.audit(
        user=acting_user,
        series=meeting.series,
        action=AuditAction.UPDATE,
        object_type="invitation",
        object_id=meeting.pk,
        participants=ids,
        how=how,
    )
    return count


@dataclass(frozen=True)
class SendResult:
    sent: list[Participant]
    not_sent: list[tuple[Participant, str]]  # with the reason, for the caseworker to print their letters


def send_invitations(
    *,
    acting_user: User,
    meeting: Meeting,
    participants: Sequence[Participant],
    only_unsent: bool = False,
) -> SendResult:
    """E-mail the invitation with the calendar file to everyone who may be e-mailed; list the rest.

    Each e-mail is sent first and recorded afterwards, so a failure midway records only what went out.
    """
    # Imported here: the documents module imports this one for its readings.
    from sirkel.meetings import invitations

    guards.require(user=acting_user, series=meeting.series)
    ensure_planned(meeting=meeting)
    missing = time_place_missing(meeting)
    if missing:
        raise ValidationError(
            _("The invitation cannot be sent yet: %(what)s.") % {"what": "; ".join(missing)}
        )
    sent: list[Participant] = []
    not_sent: list[tuple[Participant, str]] = []
    for p in participants:
        if not p.invited:
            continue
        if only_unsent and p.invitation_sent_at is not None:
            continue
        if not may_email(p):
            if p.user_id is None:
                not_sent.append((p, no_email_reason(p)))
            continue
        message = invitations.invitation_email(meeting=meeting, participant=p)
        try:
            message.send()
        except (smtplib.SMTPException, OSError):
            logger.exception("invitation e-mail failed for participant %s", p.pk)
            not_sent.append((p, _("Sending failed")))
            continue
        sent.append(p)
    if sent:
        mark_invitations_sent(acting_user=acting_user, meeting=meeting, participants=sent, how="email")
    return SendResult(sent=sent, not_sent=not_sent)
