"""The meeting itself: attendance, notes, the reflecting team and decisions, marking it held; the
confidentiality waiver; the leader's meeting guide; and the minutes for the people in the room.

The meeting leader runs the meeting even when they come from another service's pool: they open these pages
through the measure they lead and never see the rest of the case. Documents (waiver sheet, minutes) are in
Bokmål and never carry internal notes, contact details, birth dates or the case number.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sirkel.audit.models import AuditAction
from sirkel.cases.access import SeriesAccess
from sirkel.core.forms import add_service_errors
from sirkel.core.pdf import pdf_response
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.meetings import guide as meeting_guide
from sirkel.meetings import panels, selectors, selectors_meeting
from sirkel.meetings.forms_meeting import AttendanceForm, CloseMeetingForm, MeetingNotesForm, WaiverForm
from sirkel.meetings.kinds import kind_config
from sirkel.meetings.models import (
    Meeting,
    MeetingKind,
    MeetingStatus,
    Participant,
    ParticipantRole,
    Series,
    SeriesStatus,
)
from sirkel.meetings.services import meeting as services
from sirkel.meetings.views.common import READ_METHODS, open_meeting

# The order people are listed in on the page and in the documents: the family first, the helpers last.
ROLE_ORDER: dict[str, int] = {
    role.value: i
    for i, role in enumerate(
        [
            ParticipantRole.MOTHER,
            ParticipantRole.FATHER,
            ParticipantRole.CHILD,
            ParticipantRole.PRIVATE,
            ParticipantRole.SUPPORT,
            ParticipantRole.PUBLIC,
            ParticipantRole.STAFF,
            ParticipantRole.INTERPRETER,
        ]
    )
}


def _participants(meeting: Meeting) -> list[Participant]:
    rows = selectors_meeting.participants_of(meeting)
    return sorted(rows, key=lambda p: (ROLE_ORDER.get(p.role, 99), p.name.lower(), p.pk))


def _can_run(series: Series, access: SeriesAccess, meeting: Meeting) -> bool:
    return access.can_run_meetings and not series.is_stopped and meeting.status != MeetingStatus.CANCELLED


def _can_close(series: Series, access: SeriesAccess, meeting: Meeting) -> bool:
    return (
        _can_run(series, access, meeting)
        and meeting.status == MeetingStatus.PLANNED
        and series.status in (SeriesStatus.PREPARING, SeriesStatus.ACTIVE)
    )


def _url_or_none(name: str, *args: int) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _document_name(meeting: Meeting, what: str) -> str:
    # No names in file names: they end up in download folders and mail clients.
    return f"{what}-{meeting.series_id}-{meeting.sequence}"


def _base_context(series: Series, access: SeriesAccess, meeting: Meeting) -> dict[str, Any]:
    return {
        "series": series,
        "case": series.case,
        "access": access,
        "meeting": meeting,
        "config": kind_config(series.kind),
        "can_run": _can_run(series, access, meeting),
    }


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


# --- The meeting page -----------------------------------------------------------------------------------


def _default_held_on(meeting: Meeting) -> date:
    return min(services.meeting_day(meeting), timezone.localdate())


def _meeting_page(
    request: AuthenticatedHttpRequest,
    series: Series,
    access: SeriesAccess,
    meeting: Meeting,
    *,
    notes_form: MeetingNotesForm | None = None,
    close_form: CloseMeetingForm | None = None,
    saved_version: Meeting | None = None,
    status: int = 200,
) -> HttpResponse:
    participants = _participants(meeting)
    context = _base_context(series, access, meeting)
    can_run = context["can_run"]
    if can_run and notes_form is None:
        notes_form = MeetingNotesForm(
            initial={
                "version": meeting.version,
                "notes": meeting.notes,
                "reflecting_team_notes": meeting.reflecting_team_notes,
                "decisions": meeting.decisions,
                "internal_notes": meeting.internal_notes,
            }
        )
    can_close = _can_close(series, access, meeting)
    if can_close and close_form is None:
        close_form = CloseMeetingForm(initial={"held_on": _default_held_on(meeting)})
    context.update(panels.meeting_context(meeting=meeting))  # the agreed actions, from `actions`
    context.update(
        {
            "participants": participants,
            "attendance_form": AttendanceForm(participants=participants) if can_run else None,
            "not_released": {
                p.pk for p in participants if services.not_released(p, leader_id=series.leader_id)
            },
            "on_waiver": [p for p in participants if services.on_waiver(p, leader_id=series.leader_id)],
            "notes_form": notes_form if can_run else None,
            "close_form": close_form if can_close else None,
            "can_close": can_close,
            "saved_version": saved_version,
            "plan_url": _url_or_none("actions:plan", series.case_id, series.measure_id),
            "review_url": _url_or_none("actions:review", series.case_id, series.measure_id, meeting.pk)
            if meeting.kind == MeetingKind.FOLLOW_UP
            else None,
            "snapshots_url": _url_or_none("network:snapshots", series.case_id) if access.sees_case else None,
            "error_form": next((f for f in (notes_form, close_form) if f is not None and f.errors), None),
        }
    )
    context["form"] = context["error_form"]  # base.html marks the title of a page with errors
    return _no_store(render(request, "meetings/meeting.html", context, status=status))


@login_required
def meeting(
    request: AuthenticatedHttpRequest, case_id: int, measure_id: int, meeting_id: int
) -> HttpResponse:
    """The meeting page. POST saves the notes (with a version check, so no one overwrites a colleague)."""
    require = "view" if request.method in READ_METHODS else "run"
    series, access, meeting = open_meeting(request, case_id, measure_id, meeting_id, require)
    if request.method in READ_METHODS:
        return _meeting_page(request, series, access, meeting)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    form = MeetingNotesForm(request.POST)
    if not _can_run(series, access, meeting):
        form.is_valid()
        form.add_error(None, _refusal(series, meeting))
        return _meeting_page(request, series, access, meeting, notes_form=form, status=400)
    if not form.is_valid():
        return _meeting_page(request, series, access, meeting, notes_form=form, status=400)
    data = form.cleaned_data
    try:
        services.save_meeting_notes(
            acting_user=request.user,
            meeting=meeting,
            version=data["version"],
            notes=data["notes"],
            reflecting_team_notes=data["reflecting_team_notes"],
            decisions=data["decisions"],
            internal_notes=data["internal_notes"],
        )
    except services.ConflictError:
        saved = selectors.get_meeting(series=series, meeting_id=meeting.pk)
        saved.series = series
        kept = request.POST.copy()
        kept["version"] = str(saved.version)
        form = MeetingNotesForm(kept)
        form.is_valid()
        form.add_error(
            None,
            _(
                "Someone else saved the notes while you were writing. Your text is kept in the form. "
                "Compare it with the saved version shown below, then save again to keep yours."
            ),
        )
        return _meeting_page(request, series, access, saved, notes_form=form, saved_version=saved, status=409)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _meeting_page(request, series, access, meeting, notes_form=form, status=400)
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(request, _("The notes were saved."))
    return redirect(
        reverse("meetings:meeting", args=[series.case_id, series.measure_id, meeting.pk]) + "#notes"
    )


def _refusal(series: Series, meeting: Meeting) -> str:
    """Why nothing can be recorded for this meeting now, in plain words."""
    if series.is_stopped:
        return _("Consent has been withdrawn: this measure is stopped and cannot be changed.")
    if meeting.status == MeetingStatus.CANCELLED:
        return _("This meeting was cancelled: nothing can be recorded for it.")
    return _("This meeting can no longer be changed.")


@login_required
def attendance(
    request: AuthenticatedHttpRequest, case_id: int, measure_id: int, meeting_id: int
) -> HttpResponse:
    """Record everyone's attendance with one form. With htmx, only the attendance part is re-rendered."""
    require = "view" if request.method in READ_METHODS else "run"
    series, access, meeting = open_meeting(request, case_id, measure_id, meeting_id, require)
    back = reverse("meetings:meeting", args=[series.case_id, series.measure_id, meeting.pk]) + "#attendance"
    if request.method in READ_METHODS:
        return redirect(back)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    participants = _participants(meeting)
    form = AttendanceForm(request.POST, participants=participants)
    error = ""
    saved = False
    if not _can_run(series, access, meeting):
        error = _refusal(series, meeting)
    elif not form.is_valid():
        error = _("Choose present, present digitally or absent.")
    else:
        try:
            services.record_attendance(
                acting_user=request.user, meeting=meeting, attendance=form.attendance()
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            saved = True
    if request.headers.get("HX-Request"):
        participants = _participants(meeting) if saved else participants
        context = _base_context(series, access, meeting)
        context.update(
            {
                "participants": participants,
                "attendance_form": AttendanceForm(participants=participants) if saved else form,
                "not_released": {
                    p.pk for p in participants if services.not_released(p, leader_id=series.leader_id)
                },
                "attendance_error": error,
                "attendance_saved": saved,
            }
        )
        # Always 200: htmx swaps only successful responses, and the part carries its own error message.
        return _no_store(render(request, "meetings/partials/attendance.html", context))
    if saved:
        messages.success(request, _("Attendance was saved."))
    else:
        messages.error(request, error)
    return redirect(back)


@login_required
def close_meeting(
    request: AuthenticatedHttpRequest, case_id: int, measure_id: int, meeting_id: int
) -> HttpResponse:
    """Mark the meeting as held: saves a snapshot of the network map and starts the measure's active phase."""
    require = "view" if request.method in READ_METHODS else "run"
    series, access, meeting = open_meeting(request, case_id, measure_id, meeting_id, require)
    if request.method in READ_METHODS:
        return redirect(
            reverse("meetings:meeting", args=[series.case_id, series.measure_id, meeting.pk]) + "#close"
        )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = CloseMeetingForm(request.POST)
    if not _can_close(series, access, meeting):
        form.is_valid()
        form.add_error(None, _close_refusal(series, meeting))
        return _meeting_page(request, series, access, meeting, close_form=form, status=400)
    if form.is_valid():
        try:
            services.close_meeting(
                acting_user=request.user, meeting=meeting, held_on=form.cleaned_data["held_on"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(
                request,
                _("The meeting is marked as held. A snapshot of the network map at this meeting was saved."),
            )
            return redirect(
                "meetings:meeting",
                case_id=series.case_id,
                measure_id=series.measure_id,
                meeting_id=meeting.pk,
            )
    return _meeting_page(request, series, access, meeting, close_form=form, status=400)


def _close_refusal(series: Series, meeting: Meeting) -> str:
    if series.is_stopped or meeting.status == MeetingStatus.CANCELLED:
        return _refusal(series, meeting)
    if meeting.status == MeetingStatus.HELD:
        return _("This meeting is already marked as held.")
    return _("This measure is not running: its meetings cannot be marked as held.")


# --- The confidentiality waiver -------------------------------------------------------------------------


def _waiver_context(series: Series, meeting: Meeting) -> dict[str, Any]:
    participants = _participants(meeting)
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
    context = _base_context(series, access, meeting)
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
            form.add_error(None, _refusal(series, meeting))
        elif form.is_valid():
            data = form.cleaned_data
            try:
                services.record_waiver(
                    acting_user=request.user,
                    meeting=meeting,
                    released=data["released"],
                    signed_by=data["signed_by"],
                    signed_at=data["signed_at"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied as exc:
                raise Http404 from exc
            else:
                messages.success(request, _("The waiver was recorded."))
                return redirect(
                    "meetings:waiver",
                    case_id=series.case_id,
                    measure_id=series.measure_id,
                    meeting_id=meeting.pk,
                )
    context["form"] = form
    status = 400 if form is not None and form.errors else 200
    return _no_store(render(request, "meetings/waiver.html", context, status=status))


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
    return _no_store(render(request, "meetings/waiver_sheet.html", context))


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
        filename=_document_name(meeting, "taushetsfritak"),
        request=request,
    )


# --- The meeting guide ----------------------------------------------------------------------------------


@login_required
def guide(request: AuthenticatedHttpRequest, case_id: int, measure_id: int, meeting_id: int) -> HttpResponse:
    """The leader's guide through the meeting, for a tablet: one column, large, works offline once loaded."""
    series, access, meeting = open_meeting(request, case_id, measure_id, meeting_id, "view")
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(READ_METHODS)
    participants = _participants(meeting)
    steps = meeting_guide.guide_steps()
    following: list[meeting_guide.GuideStep | None] = [*steps[1:], None]
    context = _base_context(series, access, meeting)
    context.update(
        {
            "steps": list(zip(steps, following, strict=True)),
            "opening": meeting_guide.OPENING,
            "action_plan_step": meeting_guide.ACTION_PLAN,
            "questions": meeting_guide.circular_questions(child=series.case.child_given_name),
            "on_waiver": [p for p in participants if services.on_waiver(p, leader_id=series.leader_id)],
            "waiver_recorded": meeting.waiver_signed_at is not None,
            "youth_signs": services.youth_signs(meeting),
            "child_age": services.child_age_at_meeting(meeting),
        }
    )
    return _no_store(render(request, "meetings/guide.html", context))


# --- The minutes ----------------------------------------------------------------------------------------


def _minutes_context(series: Series, meeting: Meeting) -> dict[str, Any]:
    participants = [p for p in _participants(meeting) if p.invited]
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
        request, case_id, measure_id, meeting_id, "view", AuditAction.EXPORT
    )
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(READ_METHODS)
    context = _minutes_context(series, meeting)
    context["back_url"] = reverse("meetings:meeting", args=[series.case_id, series.measure_id, meeting.pk])
    return _no_store(render(request, "meetings/minutes.html", context))


@login_required
def minutes_pdf(
    request: AuthenticatedHttpRequest, case_id: int, measure_id: int, meeting_id: int
) -> HttpResponse:
    series, _access, meeting = open_meeting(
        request, case_id, measure_id, meeting_id, "view", AuditAction.EXPORT
    )
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(READ_METHODS)
    return pdf_response(
        "meetings/minutes.html",
        _minutes_context(series, meeting),
        filename=_document_name(meeting, "referat"),
        request=request,
    )


M = "saker/<int:case_id>/tiltak/<int:measure_id>/moter/<int:meeting_id>/"

urlpatterns = [
    path(M, meeting, name="meeting"),
    path(M + "oppmote/", attendance, name="attendance"),
    path(M + "avholdt/", close_meeting, name="close_meeting"),
    path(M + "fritak/", waiver, name="waiver"),
    path(M + "fritak/skjema/", waiver_sheet, name="waiver_sheet"),
    path(M + "fritak.pdf", waiver_pdf, name="waiver_pdf"),
    path(M + "guide/", guide, name="guide"),
    path(M + "referat/", minutes, name="minutes"),
    path(M + "referat.pdf", minutes_pdf, name="minutes_pdf"),
]
