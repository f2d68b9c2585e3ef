"""Shared by the meetings views: opening a measure or meeting through the scoped, audited selector, and
the context the meeting pages share."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from sirkel.audit.models import AuditAction
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.meetings import invitations, selectors
from sirkel.meetings.kinds import kind_config
from sirkel.meetings.models import (
    Measure,
    MeasureStatus,
    Meeting,
    MeetingStatus,
    Participant,
)
from sirkel.meetings.selectors import MeasureAccess

READ_METHODS = ("GET", "HEAD")


def open_measure(
    request: AuthenticatedHttpRequest, measure_id: int, require: str, action: str | None = None
) -> tuple[Measure, MeasureAccess]:
    if action is None:
        action = AuditAction.VIEW if request.method in READ_METHODS else AuditAction.UPDATE
    with transaction.atomic():
        return selectors.get_measure_for_user(
            user=request.user, measure_id=measure_id, require=require, audit_action=action
        )


def open_meeting(
    request: AuthenticatedHttpRequest,
    measure_id: int,
    meeting_id: int,
    require: str,
    action: str | None = None,
) -> tuple[Measure, MeasureAccess, Meeting]:
    measure, access = open_measure(request, measure_id, require, action)
    meeting = selectors.get_meeting(measure=measure, meeting_id=meeting_id)
    meeting.measure = measure  # already loaded with its case: saves a query on every page
    return measure, access, meeting


def participants_of(meeting: Meeting) -> list[Participant]:
    """The meeting's participants with their register entries: one query, however many."""
    rows = list(
        Participant.objects.filter(meeting=meeting).select_related("member").order_by("role", "name", "id")
    )
    for p in rows:
        p.meeting = meeting
    return rows


def get_participant(meeting: Meeting, participant_id: int) -> Participant:
    participant = (
        Participant.objects.filter(meeting=meeting, pk=participant_id).select_related("member").first()
    )
    if participant is None:
        raise Http404
    participant.meeting = meeting
    return participant


def can_prepare(measure: Measure, access: MeasureAccess, meeting: Meeting) -> bool:
    return access.can_edit and measure.is_open and meeting.status == MeetingStatus.PLANNED


def network_url(measure: Measure, access: MeasureAccess) -> str | None:
    """The case's network register page, for those who may open the case and change it."""
    if not (access.sees_case and access.can_edit):
        return None
    try:
        return reverse("network:page", args=[measure.case_id])
    except NoReverseMatch:
        return None


def meeting_context(measure: Measure, access: MeasureAccess, meeting: Meeting) -> dict[str, Any]:
    return {
        "measure": measure,
        "case": measure.case,
        "access": access,
        "meeting": meeting,
        "config": kind_config(measure.kind),
        "can_prepare": can_prepare(measure, access, meeting),
        "ends_at": invitations.ends_at(meeting),
    }


def back_to_prepare(meeting: Meeting, anchor: str = "") -> HttpResponse:
    url = reverse("meetings:prepare", args=[meeting.measure_id, meeting.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def back_to_participants(meeting: Meeting) -> HttpResponse:
    return redirect("meetings:participants", measure_id=meeting.measure_id, meeting_id=meeting.pk)


def cannot_plan_reason(measure: Measure) -> str:
    if measure.is_stopped:
        return _("Consent has been withdrawn: this measure is stopped and cannot be changed.")
    if measure.status == MeasureStatus.SCREENING:
        return _("Finish the screening first: record the decision to go ahead.")
    if measure.status == MeasureStatus.NOT_STARTED:
        return _("The screening concluded that this measure should not go ahead now.")
    if not measure.is_open:
        return _("This measure has ended and cannot be changed.")
    config = kind_config(measure.kind)
    if config.needs_leader and measure.leader_id is None:
        return _("Choose the %(leader)s before the meeting is planned.") % {
            "leader": str(config.leader_label).lower()
        }
    return ""
