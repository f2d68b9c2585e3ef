"""The guide for the person who leads a meeting, for a tablet: one per kind's `guide` (kinds.py, guide.py),
one column, large, works offline once loaded. A kind without a guide has no guide page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import path

from sirkel.cases.access import Part
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.meetings import guide as meeting_guide
from sirkel.meetings.kinds import Guide, kind_config
from sirkel.meetings.models import Conference
from sirkel.meetings.services import meeting as services
from sirkel.meetings.views.common import MEETING_PATH, READ_METHODS, open_meeting
from sirkel.meetings.views.meeting import base_context, no_store, ordered_participants


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


@login_required
def guide(request: AuthenticatedHttpRequest, case_id: int, measure_id: int, meeting_id: int) -> HttpResponse:
    series, access, meeting = open_meeting(
        request, case_id, measure_id, meeting_id, "view", part=Part.MEETING
    )
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(READ_METHODS)
    config = kind_config(series.kind)
    if not meeting_guide.has_guide(config.guide):
        raise Http404
    participants = ordered_participants(meeting)
    steps = meeting_guide.guide_steps(config.guide)
    following: list[meeting_guide.GuideStep | None] = [*steps[1:], None]
    shown = {s for step in steps for s in step.shows}
    conference_questions: list[str] = []
    if meeting_guide.QUESTIONS in shown:  # the questions agreed with the family (services/conference.py)
        conference = Conference.objects.filter(series=series).only("series_id", "questions").first()
        conference_questions = conference.question_list if conference is not None else []
    context = base_context(series, access, meeting)
    context.update(
        {
            "steps": list(zip(steps, following, strict=True)),
            "meeting_label": meeting.label,
            # Circular questions belong to the network meeting's method (the spiral).
            "questions": meeting_guide.circular_questions(child=series.case.child_given_name)
            if config.guide == Guide.SPIRAL
            else [],
            "conference_questions": conference_questions,
            "goals": _lines(series.purpose) if meeting_guide.GOALS in shown else [],
            "on_waiver": [p for p in participants if services.on_waiver(p, leader_id=series.leader_id)],
            "waiver_recorded": meeting.waiver_signed_at is not None,
            "youth_signs": services.youth_signs(meeting),
            "child_age": services.child_age_at_meeting(meeting),
        }
    )
    return no_store(render(request, "meetings/guide.html", context))


urlpatterns = [
    path(MEETING_PATH + "guide/", guide, name="guide"),
]
