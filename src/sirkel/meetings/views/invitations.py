"""Invitations to a meeting: the letters (printable page and PDF), the calendar file, and sending them
by e-mail."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sirkel.audit.models import AuditAction
from sirkel.core.converters import parse_id
from sirkel.core.forms import service_messages
from sirkel.core.pdf import pdf_response
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.meetings import invitations
from sirkel.meetings.models import (
    Meeting,
    Participant,
    ParticipantRole,
)
from sirkel.meetings.services import checklist
from sirkel.meetings.services import invitations as invitations_services
from sirkel.meetings.views.common import (
    READ_METHODS,
    back_to_prepare,
    can_prepare,
    cannot_plan_reason,
    get_participant,
    meeting_context,
    open_meeting,
    participants_of,
)


def _invitees(participants: list[Participant]) -> list[Participant]:
    """Who gets a letter: everyone invited except the service's own staff."""
    return [p for p in participants if p.invited and p.role != ParticipantRole.STAFF]


def _document_name(meeting: Meeting, what: str) -> str:
    # No names in file names: they end up in download folders and mail clients.
    return f"{what}-{meeting.series_id}-{meeting.sequence}"


@login_required
def invitation_pdf(
    request: AuthenticatedHttpRequest, case_id: int, measure_id: int, meeting_id: int, participant_id: int
) -> HttpResponse:
    _series, _access, meeting = open_meeting(
        request, case_id, measure_id, meeting_id, "view", AuditAction.EXPORT
    )
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(READ_METHODS)
    participant = get_participant(meeting, participant_id)
    return pdf_response(
        "meetings/invitation_letter.html",
        invitations.letter_context(meeting=meeting, participants=[participant]),
        filename=_document_name(meeting, f"invitasjon-{participant.pk}"),
        request=request,
    )


@login_required
def invitations_pdf(
    request: AuthenticatedHttpRequest, case_id: int, measure_id: int, meeting_id: int
) -> HttpResponse:
    _series, _access, meeting = open_meeting(
        request, case_id, measure_id, meeting_id, "view", AuditAction.EXPORT
    )
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(READ_METHODS)
    return pdf_response(
        "meetings/invitation_letter.html",
        invitations.letter_context(meeting=meeting, participants=_invitees(participants_of(meeting))),
        filename=_document_name(meeting, "invitasjoner"),
        request=request,
    )


@login_required
def invitations_print(
    request: AuthenticatedHttpRequest, case_id: int, measure_id: int, meeting_id: int
) -> HttpResponse:
    """The letters as a printable page: all of them, or one (?deltaker=<id>)."""
    _series, _access, meeting = open_meeting(
        request, case_id, measure_id, meeting_id, "view", AuditAction.EXPORT
    )
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(READ_METHODS)
    one = request.GET.get("deltaker", "")
    if one:
        pk = parse_id(one)
        if pk is None:
            raise Http404
        chosen = [get_participant(meeting, pk)]
    else:
        chosen = _invitees(participants_of(meeting))
    response = render(
        request,
        "meetings/invitation_letter.html",
        invitations.letter_context(meeting=meeting, participants=chosen),
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def ics(request: AuthenticatedHttpRequest, case_id: int, measure_id: int, meeting_id: int) -> HttpResponse:
    _series, _access, meeting = open_meeting(
        request, case_id, measure_id, meeting_id, "view", AuditAction.EXPORT
    )
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(READ_METHODS)
    if meeting.starts_at is None:
        messages.error(request, _("Set the date and time first: the calendar file needs them."))
        return back_to_prepare(meeting, "section-time")
    response = HttpResponse(invitations.meeting_ics(meeting), content_type=invitations.ICS_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{invitations.ICS_FILENAME}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def send_invitations(
    request: AuthenticatedHttpRequest, case_id: int, measure_id: int, meeting_id: int
) -> HttpResponse:
    """GET: who will get an e-mail and whose letter must be printed. POST: send."""
    require = "view" if request.method in READ_METHODS else "edit"
    series, access, meeting = open_meeting(request, case_id, measure_id, meeting_id, require)
    participants = participants_of(meeting)
    result: invitations_services.SendResult | None = None
    error = ""
    if request.method == "POST":
        if not can_prepare(series, access, meeting):
            error = cannot_plan_reason(series) or _("This meeting can no longer be changed.")
        else:
            try:
                result = invitations_services.send_invitations(
                    acting_user=request.user,
                    meeting=meeting,
                    participants=participants,
                    only_unsent=request.POST.get("only_unsent") == "1",
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
            except PermissionDenied as exc:
                raise Http404 from exc
            else:
                participants = participants_of(meeting)
    by_email = [p for p in participants if invitations_services.may_email(p)]
    on_paper = [
        (p, invitations_services.no_email_reason(p))
        for p in _invitees(participants)
        if not invitations_services.may_email(p)
    ]
    context = meeting_context(series, access, meeting)
    context.update(
        {
            "by_email": by_email,
            "on_paper": on_paper,
            "result": result,
            "error": error,
            "time_missing": checklist.time_place_missing(meeting),
            "unsent": [p for p in by_email if p.invitation_sent_at is None],
        }
    )
    return render(request, "meetings/send_invitations.html", context, status=400 if error else 200)


@login_required
def mark_sent(
    request: AuthenticatedHttpRequest, case_id: int, measure_id: int, meeting_id: int
) -> HttpResponse:
    """Record that printed letters were sent or handed over (checked people on the send page)."""
    series, access, meeting = open_meeting(request, case_id, measure_id, meeting_id, "edit")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    ids = {pk for v in request.POST.getlist("participant") if (pk := parse_id(v)) is not None}
    chosen = [p for p in participants_of(meeting) if p.pk in ids]
    if not chosen:
        messages.error(request, _("Tick whose letters were sent."))
    else:
        with service_messages(request) as outcome:
            invitations_services.mark_invitations_sent(
                acting_user=request.user, meeting=meeting, participants=chosen
            )
        if outcome.ok:
            messages.success(request, _("Recorded as sent: %(count)s.") % {"count": len(chosen)})
    return redirect(
        "meetings:send_invitations",
        case_id=series.case_id,
        measure_id=series.measure_id,
        meeting_id=meeting.pk,
    )
