"""The meeting's documents: the minutes, on screen and as PDF (the leader's guide is views/guide.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import path, reverse

from sirkel.audit.models import AuditAction
from sirkel.cases.access import Part
from sirkel.core.pdf import pdf_response
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.meetings import panels, selectors_meeting
from sirkel.meetings.kinds import kind_config
from sirkel.meetings.models import Meeting, Series
from sirkel.meetings.services import meeting as services
from sirkel.meetings.views.common import MEETING_PATH, READ_METHODS, open_meeting
from sirkel.meetings.views.conference import conference_minutes_context
from sirkel.meetings.views.meeting import document_name, no_store, ordered_participants

# --- The minutes ----------------------------------------------------------------------------------------


def _minutes_context(series: Series, meeting: Meeting) -> dict[str, Any]:
    participants = [p for p in ordered_participants(meeting) if p.invited]
    return {
        **panels.meeting_context(meeting=meeting),  # the agreed actions, from `actions`
        "series": series,
        "meeting": meeting,
        "participants": participants,
        "present_count": sum(1 for p in participants if p.attended),
        "next_meeting": selectors_meeting.next_meeting(meeting),
        "purpose": (meeting.purpose or series.purpose).strip(),
        "leader": series.leader,
        "child_given_name": series.case.child_given_name,
        "service_name": series.case.service.name,
        "document_language": services.document_language(),
        "config": kind_config(series.kind),
        **conference_minutes_context(series, meeting),  # the family's plan and the decision on it
        "ends_at": meeting.starts_at + timedelta(minutes=meeting.duration_minutes)
        if meeting.starts_at
        else None,
    }


@login_required
def minutes(
    request: AuthenticatedHttpRequest, case_id: int, measure_id: int, meeting_id: int
) -> HttpResponse:
    """The minutes as a printable page, in plain Bokmål, for the people in the room."""
    series, _access, meeting = open_meeting(
        request, case_id, measure_id, meeting_id, "view", AuditAction.EXPORT, part=Part.MEETING
    )
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(READ_METHODS)
    context = _minutes_context(series, meeting)
    context["back_url"] = reverse("meetings:meeting", args=[series.case_id, series.measure_id, meeting.pk])
    return no_store(render(request, "meetings/minutes.html", context))


@login_required
def minutes_pdf(
    request: AuthenticatedHttpRequest, case_id: int, measure_id: int, meeting_id: int
) -> HttpResponse:
    series, _access, meeting = open_meeting(
        request, case_id, measure_id, meeting_id, "view", AuditAction.EXPORT, part=Part.MEETING
    )
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(READ_METHODS)
    return pdf_response(
        "meetings/minutes.html",
        _minutes_context(series, meeting),
        filename=document_name(meeting, "referat"),
        request=request,
    )


urlpatterns = [
    path(MEETING_PATH + "referat/", minutes, name="minutes"),
    path(MEETING_PATH + "referat.pdf", minutes_pdf, name="minutes_pdf"),
]
