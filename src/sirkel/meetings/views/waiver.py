"""The confidentiality waiver: signing it on screen, the paper sheet and the PDF."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sirkel.audit.models import AuditAction
from sirkel.core.forms import service_errors
from sirkel.core.pdf import pdf_response
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.meetings import selectors_meeting
from sirkel.meetings.forms_meeting import WaiverForm
from sirkel.meetings.models import Meeting, Series
from sirkel.meetings.services import meeting as services
from sirkel.meetings.views.common import MEETING_PATH, READ_METHODS, open_meeting
from sirkel.meetings.views.meeting import (
    base_context,
    document_name,
    meeting_refusal,
    no_store,
    ordered_participants,
)


def _waiver_context(series: Series, meeting: Meeting) -> dict[str, Any]:
    participants = ordered_participants(meeting)
    consents = selectors_meeting.active_consents(series)
    return {
        "series": series,
        "meeting": meeting,
        "participants": participants,
        "listed": services.waiver_participants(participants, leader_id=series.leader_id),
        "signatories": services.waiver_signatories(meeting, consents=consents, participants=participants),
        "youth_signs": services.youth_signs(meeting),
        "meeting_day": services.meeting_day(meeting),
        "child_given_name": series.case.child_given_name,
        "service_name": series.case.service.name,
        "document_language": services.document_language(),
    }


def _signed_keys(meeting: Meeting, signatories: list[services.Signatory]) -> list[str]:
    """Which signatories the stored "signed by" names match, to prefill the form."""
    names = {n.strip() for n in meeting.waiver_signed_by.split(",") if n.strip()}
    return [s.key for s in signatories if (s.name or s.label) in names]


@login_required
def waiver(request: AuthenticatedHttpRequest, case_id: int, measure_id: int, meeting_id: int) -> HttpResponse:
    """Who the parents (and a youth from 15) released to speak freely in this meeting; record the sheet."""
    require = "view" if request.method in READ_METHODS else "run"
    series, access, meeting = open_meeting(request, case_id, measure_id, meeting_id, require)
    if request.method not in (*READ_METHODS, "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    context = base_context(series, access, meeting)
    context.update(_waiver_context(series, meeting))
    can_run = context["can_run"]
    form: WaiverForm | None = None
    if can_run or request.method == "POST":
        signed_at = meeting.waiver_signed_at or timezone.now()
        form = WaiverForm(
            request.POST if request.method == "POST" else None,
            participants=context["listed"],
            signatories=context["signatories"],
            initial={
                "released": [p.pk for p in context["listed"] if p.waiver_released],
                "signed_by": _signed_keys(meeting, context["signatories"]),
                "signed_at": timezone.localtime(signed_at).replace(second=0, microsecond=0),
            },
        )
    if request.method == "POST" and form is not None:
        if not can_run:
            form.is_valid()
            form.add_error(None, meeting_refusal(series, meeting))
        elif form.is_valid():
            data = form.cleaned_data
            with service_errors(form) as outcome:
                services.record_waiver(
                    acting_user=request.user,
                    meeting=meeting,
                    released=data["released"],
                    signed_by=data["signed_by"],
                    signed_at=data["signed_at"],
                )
            if outcome.ok:
                messages.success(request, _("The waiver was recorded."))
                return redirect(
                    "meetings:waiver",
                    case_id=series.case_id,
                    measure_id=series.measure_id,
                    meeting_id=meeting.pk,
                )
    context["form"] = form
    status = 400 if form is not None and form.errors else 200
    return no_store(render(request, "meetings/waiver.html", context, status=status))


@login_required
def waiver_sheet(
    request: AuthenticatedHttpRequest, case_id: int, measure_id: int, meeting_id: int
) -> HttpResponse:
    """The waiver as a printable page, for signing in the meeting."""
    series, _access, meeting = open_meeting(
        request, case_id, measure_id, meeting_id, "view", AuditAction.EXPORT
    )
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(READ_METHODS)
    context = _waiver_context(series, meeting)
    context["back_url"] = reverse("meetings:waiver", args=[series.case_id, series.measure_id, meeting.pk])
    return no_store(render(request, "meetings/waiver_sheet.html", context))


@login_required
def waiver_pdf(
    request: AuthenticatedHttpRequest, case_id: int, measure_id: int, meeting_id: int
) -> HttpResponse:
    series, _access, meeting = open_meeting(
        request, case_id, measure_id, meeting_id, "view", AuditAction.EXPORT
    )
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(READ_METHODS)
    return pdf_response(
        "meetings/waiver_sheet.html",
        _waiver_context(series, meeting),
        filename=document_name(meeting, "taushetsfritak"),
        request=request,
    )


urlpatterns = [
    path(MEETING_PATH + "fritak/", waiver, name="waiver"),
    path(MEETING_PATH + "fritak/skjema/", waiver_sheet, name="waiver_sheet"),
    path(MEETING_PATH + "fritak.pdf", waiver_pdf, name="waiver_pdf"),
]
