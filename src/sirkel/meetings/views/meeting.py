"""The meeting page: attendance, closing the meeting, and the helpers the meeting's other pages share."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sirkel.cases.access import Part, SeriesAccess
from sirkel.core.forms import add_service_errors, service_errors
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.core.versioning import ConflictError
from sirkel.meetings import panels, selectors, selectors_meeting
from sirkel.meetings.forms_meeting import AttendanceForm, CloseMeetingForm, MeetingNotesForm
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
from sirkel.meetings.views import contacts as contact_views
from sirkel.meetings.views.common import MEETING_PATH, READ_METHODS, open_meeting

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


def ordered_participants(meeting: Meeting) -> list[Participant]:
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


def document_name(meeting: Meeting, what: str) -> str:
    # No names in file names: they end up in download folders and mail clients.
    return f"{what}-{meeting.series_id}-{meeting.sequence}"


def base_context(series: Series, access: SeriesAccess, meeting: Meeting) -> dict[str, Any]:
    return {
        "series": series,
        "case": series.case,
        "access": access,
        "meeting": meeting,
        "config": kind_config(series.kind),
        "can_run": _can_run(series, access, meeting),
    }


def no_store(response: HttpResponse) -> HttpResponse:
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
    participants = ordered_participants(meeting)
    context = base_context(series, access, meeting)
    # A narrow account (an outside coordinator) neither writes the service's notes nor sees the internal ones.
    can_run = context["can_run"] and not access.narrow
    if can_run and notes_form is None:
        notes_form = MeetingNotesForm(
            reflecting_team=context["config"].reflecting_team,
            initial={
                "version": meeting.version,
                "reflecting_team_notes": meeting.reflecting_team_notes,
                "decisions": meeting.decisions,
                "internal_notes": meeting.internal_notes,
            },
        )
    can_close = _can_close(series, access, meeting)
    if can_close and close_form is None:
        close_form = CloseMeetingForm(initial={"held_on": _default_held_on(meeting)})
    context.update(panels.meeting_context(meeting=meeting))  # the agreed actions, from `actions`
    context.update(contact_views.meeting_page_context(series, access, meeting))  # NTT: since the last
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
            "plan_url": None
            if access.narrow
            else _url_or_none("actions:plan", series.case_id, series.measure_id),
            "review_url": _url_or_none("actions:review", series.case_id, series.measure_id, meeting.pk)
            if meeting.kind == MeetingKind.FOLLOW_UP and not access.narrow
            else None,
            "snapshots_url": _url_or_none("network:snapshots", series.case_id) if access.sees_case else None,
            "error_form": next((f for f in (notes_form, close_form) if f is not None and f.errors), None),
        }
    )
    context["form"] = context["error_form"]  # base.html marks the title of a page with errors
    return no_store(render(request, "meetings/meeting.html", context, status=status))


@login_required
def meeting(
    request: AuthenticatedHttpRequest, case_id: int, measure_id: int, meeting_id: int
) -> HttpResponse:
    """The meeting page. POST saves the notes (with a version check, so no one overwrites a colleague)."""
    require, part = ("view", Part.MEETING) if request.method in READ_METHODS else ("run", Part.MEASURE)
    series, access, meeting = open_meeting(request, case_id, measure_id, meeting_id, require, part=part)
    if request.method in READ_METHODS:
        return _meeting_page(request, series, access, meeting)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    reflecting_team = kind_config(series.kind).reflecting_team
    form = MeetingNotesForm(request.POST, reflecting_team=reflecting_team)
    if not _can_run(series, access, meeting):
        form.is_valid()
        form.add_error(None, meeting_refusal(series, meeting))
        return _meeting_page(request, series, access, meeting, notes_form=form, status=400)
    if not form.is_valid():
        return _meeting_page(request, series, access, meeting, notes_form=form, status=400)
    data = form.cleaned_data
    try:
        services.save_meeting_notes(
            acting_user=request.user,
            meeting=meeting,
            version=data["version"],
            reflecting_team_notes=data.get("reflecting_team_notes", meeting.reflecting_team_notes),
            decisions=data["decisions"],
            internal_notes=data["internal_notes"],
        )
    except ConflictError:
        saved = selectors.get_meeting(series=series, meeting_id=meeting.pk)
        saved.series = series
        kept = request.POST.copy()
        kept["version"] = str(saved.version)
        form = MeetingNotesForm(kept, reflecting_team=reflecting_team)
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


def meeting_refusal(series: Series, meeting: Meeting) -> str:
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
    series, access, meeting = open_meeting(
        request, case_id, measure_id, meeting_id, require, part=Part.MEETING
    )
    back = reverse("meetings:meeting", args=[series.case_id, series.measure_id, meeting.pk]) + "#attendance"
    if request.method in READ_METHODS:
        return redirect(back)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    participants = ordered_participants(meeting)
    form = AttendanceForm(request.POST, participants=participants)
    error = ""
    saved = False
    if not _can_run(series, access, meeting):
        error = meeting_refusal(series, meeting)
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
        participants = ordered_participants(meeting) if saved else participants
        context = base_context(series, access, meeting)
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
        return no_store(render(request, "meetings/partials/attendance.html", context))
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
    series, access, meeting = open_meeting(
        request, case_id, measure_id, meeting_id, require, part=Part.MEETING
    )
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
        with service_errors(form) as outcome:
            services.close_meeting(
                acting_user=request.user, meeting=meeting, held_on=form.cleaned_data["held_on"]
            )
        if outcome.ok:
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
        return meeting_refusal(series, meeting)
    if meeting.status == MeetingStatus.HELD:
        return _("This meeting is already marked as held.")
    return _("This measure is not running: its meetings cannot be marked as held.")


urlpatterns = [
    path(MEETING_PATH, meeting, name="meeting"),
    path(MEETING_PATH + "oppmote/", attendance, name="attendance"),
    path(MEETING_PATH + "avholdt/", close_meeting, name="close_meeting"),
]
