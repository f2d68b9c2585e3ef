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
from sirkel.cases.access import Part, SeriesAccess
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.meetings import invitations, selectors
from sirkel.meetings.kinds import kind_config
from sirkel.meetings.models import (
    Meeting,
    MeetingStatus,
    Participant,
    Series,
    SeriesStatus,
)

READ_METHODS = ("GET", "HEAD")

MEASURE_PATH = "saker/<id:case_id>/tiltak/<id:measure_id>/"
"""Where a measure's pages live; the series, screening and consent modules route under it."""

MEETING_PATH = MEASURE_PATH + "moter/<id:meeting_id>/"
"""Where a meeting's pages live; the meeting page, waiver and documents modules route under it."""


def open_series(
    request: AuthenticatedHttpRequest,
    case_id: int,
    measure_id: int,
    require: str,
    action: str | None = None,
    *,
    part: str = Part.MEASURE,
) -> tuple[Series, SeriesAccess]:
    """`part`: what the page shows of the measure; a narrow account (an outside coordinator) gets 404 on
    anything but the conference and its meetings."""
    if action is None:
        action = AuditAction.VIEW if request.method in READ_METHODS else AuditAction.UPDATE
    with transaction.atomic():
        return selectors.get_series_for_user(
            user=request.user,
            case_id=case_id,
            measure_id=measure_id,
            require=require,
            audit_action=action,
            part=part,
        )


def open_meeting(
    request: AuthenticatedHttpRequest,
    case_id: int,
    measure_id: int,
    meeting_id: int,
    require: str,
    action: str | None = None,
    *,
    part: str = Part.MEASURE,
) -> tuple[Series, SeriesAccess, Meeting]:
    series, access = open_series(request, case_id, measure_id, require, action, part=part)
    meeting = selectors.get_meeting(series=series, meeting_id=meeting_id)
    meeting.series = series  # already loaded with its case: saves a query on every page
    return series, access, meeting


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


def can_prepare(series: Series, access: SeriesAccess, meeting: Meeting) -> bool:
    return access.can_edit and series.is_open and meeting.status == MeetingStatus.PLANNED


def network_url(series: Series, access: SeriesAccess) -> str | None:
    """The case's network register page, for those who may open the case and change it."""
    if not (access.sees_case and access.can_edit):
        return None
    try:
        return reverse("network:page", args=[series.case_id])
    except NoReverseMatch:
        return None


def meeting_context(series: Series, access: SeriesAccess, meeting: Meeting) -> dict[str, Any]:
    return {
        "series": series,
        "case": series.case,
        "access": access,
        "meeting": meeting,
        "config": kind_config(series.kind),
        "can_prepare": can_prepare(series, access, meeting),
        "ends_at": invitations.ends_at(meeting),
    }


def back_to_prepare(meeting: Meeting, anchor: str = "") -> HttpResponse:
    url = reverse("meetings:prepare", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def back_to_participants(meeting: Meeting) -> HttpResponse:
    return redirect(
        "meetings:participants",
        case_id=meeting.series.case_id,
        measure_id=meeting.series.measure_id,
        meeting_id=meeting.pk,
    )


def cannot_plan_reason(series: Series) -> str:
    if series.is_stopped:
        return _("Consent has been withdrawn: this measure is stopped and cannot be changed.")
    if series.status == SeriesStatus.SCREENING:
        return _("Finish the screening first: record the decision to go ahead.")
    if series.status == SeriesStatus.NOT_STARTED:
        return _("The screening concluded that this measure should not go ahead now.")
    if not series.is_open:
        return _("This measure has ended and cannot be changed.")
    config = kind_config(series.kind)
    if config.needs_leader and series.leader_id is None:
        return _("Choose the %(leader)s before the meeting is planned.") % {
            "leader": str(config.leader_label).lower()
        }
    return ""
