"""Preparing a meeting: planning it, the preparation checklist and sections, participants and balance, and
invitees' answers. The routes of the invitation views (views/invitations.py) are listed here too."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from sirkel.cases.access import SeriesAccess
from sirkel.core.forms import service_errors, service_messages
from sirkel.core.submissions import once_per_submission
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.meetings import selectors
from sirkel.meetings.forms_preparation import (
    SECTION_FORMS,
    ChooseParticipantsForm,
    NewMeetingForm,
    NewPersonForm,
    ResponseForm,
    participant_form,
    section_form,
    staff_candidates,
)
from sirkel.meetings.kinds import kind_config
from sirkel.meetings.models import (
    Meeting,
    MeetingStatus,
    Participant,
    ParticipantRole,
    Series,
)
from sirkel.meetings.services import balance, cadence, checklist, invitations, preparation
from sirkel.meetings.services import participants as participants_services
from sirkel.meetings.views import invitations as invitation_views
from sirkel.meetings.views.common import (
    READ_METHODS,
    back_to_participants,
    back_to_prepare,
    can_prepare,
    cannot_plan_reason,
    get_participant,
    meeting_context,
    network_url,
    open_meeting,
    open_series,
    participants_of,
)
from sirkel.network.models import NetworkMember

# --- A new meeting --------------------------------------------------------------------------------------


@login_required
@once_per_submission
def meeting_new(request: AuthenticatedHttpRequest, case_id: int, measure_id: int) -> HttpResponse:
    series, access = open_series(request, case_id, measure_id, "edit")
    meetings = selectors.meetings_for_series(series=series)
    follow_up = bool(meetings)
    form = NewMeetingForm(
        request.POST if request.method == "POST" else None,
        follow_up=follow_up,
        proposed=cadence.proposed_start(series=series, meetings=meetings),  # a fixed series' next
    )
    blocked = cannot_plan_reason(series)
    if request.method == "POST" and not blocked and form.is_valid():
        data = form.cleaned_data
        with service_errors(form) as outcome:
            meeting = preparation.create_meeting(
                acting_user=request.user,
                series=series,
                starts_at=data["starts_at"],
                place=data["place"],
                mode=data["mode"],
                video_link=data["video_link"],
                purpose=data["purpose"],
                copy_participants=bool(data.get("copy_participants")),
            )
        if outcome.ok:
            messages.success(request, _("The meeting was planned. Work through the checklist to prepare it."))
            return back_to_prepare(meeting)
    return render(
        request,
        "meetings/meeting_new.html",
        {
            "series": series,
            "case": series.case,
            "access": access,
            "form": form,
            "follow_up": follow_up,
            "next_sequence": len(meetings) + 1,
            "blocked": blocked,
            "config": kind_config(series.kind),
        },
    )


# --- The preparation page -------------------------------------------------------------------------------


@login_required
def prepare(
    request: AuthenticatedHttpRequest, case_id: int, measure_id: int, meeting_id: int
) -> HttpResponse:
    require = "view" if request.method in READ_METHODS else "edit"
    series, access, meeting = open_meeting(request, case_id, measure_id, meeting_id, require)
    editable = can_prepare(series, access, meeting)
    bound: forms.BaseForm | None = None
    if request.method == "POST":
        section = request.POST.get("section", "")
        # Only the sections the kind prepares (kinds.py `preparation`); time and place always.
        if section not in SECTION_FORMS or (
            section != "time" and section not in kind_config(series.kind).preparation
        ):
            raise Http404
        bound = section_form(section, meeting, request.POST)
        if not editable:
            bound.add_error(None, cannot_plan_reason(series) or _("This meeting can no longer be changed."))
        elif bound.is_valid():
            values = {k: v for k, v in bound.cleaned_data.items() if k != "version"}
            with service_errors(
                bound,
                conflict_message=_(
                    "Someone else saved changes to this meeting while you were working. "
                    "Your text is kept here. Check the page in a new tab, "
                    "then save again to keep your version."
                ),
                current_version=lambda: Meeting.objects.values_list("version", flat=True).get(pk=meeting.pk),
            ) as outcome:
                preparation.save_preparation_section(
                    acting_user=request.user,
                    meeting=meeting,
                    section=section,
                    values=values,
                    version=bound.cleaned_data["version"],
                )
            if outcome.conflict:
                meeting.refresh_from_db()
                meeting.series = series
            if outcome.ok:
                messages.success(request, _("Saved."))
                return back_to_prepare(meeting, f"section-{section}")
    participants = participants_of(meeting)
    sections = []
    for key in SECTION_FORMS:
        if bound is not None and bound.prefix == key:
            form = bound
        elif editable:
            form = section_form(key, meeting)
        else:
            form = None
        sections.append({"key": key, "form": form})
    context = meeting_context(series, access, meeting)
    context.update(
        {
            "sections": {s["key"]: s["form"] for s in sections},
            "error_form": bound if bound is not None and bound.errors else None,
            "checklist": checklist.preparation_checklist(meeting, participants=participants),
            "meeting_label": meeting.label,
            "balance": balance.balance(participants, leader_id=series.leader_id),
            "participants": participants,
            "time_missing": checklist.time_place_missing(meeting),
        }
    )
    return render(request, "meetings/prepare.html", context, status=400 if context["error_form"] else 200)


# --- Participants ---------------------------------------------------------------------------------------


def _participants_page(
    request: AuthenticatedHttpRequest,
    series: Series,
    access: SeriesAccess,
    meeting: Meeting,
    *,
    choose_form: ChooseParticipantsForm | None = None,
    new_form: NewPersonForm | None = None,
    status: int = 200,
) -> HttpResponse:
    participants = participants_of(meeting)
    editable = can_prepare(series, access, meeting)
    rows = [
        {
            "participant": p,
            "form": participant_form(p) if editable else None,
            "may_email": invitations.may_email(p),
            "no_email_reason": invitations.no_email_reason(p),
        }
        for p in participants
    ]
    if editable and choose_form is None:
        choose_form = _choose_form(series, meeting, None)
    if editable and new_form is None:
        new_form = NewPersonForm(prefix="new")
    context = meeting_context(series, access, meeting)
    context.update(
        {
            "rows": rows,
            "participants": participants,
            "balance": balance.balance(participants, leader_id=series.leader_id),
            "choose_form": choose_form if editable else None,
            "new_form": new_form if editable else None,
            "network_url": network_url(series, access),
            "can_answer": access.can_run_meetings
            and series.is_open
            and meeting.status == MeetingStatus.PLANNED,
        }
    )
    return render(request, "meetings/participants.html", context, status=status)


def _choose_form(series: Series, meeting: Meeting, data: Any) -> ChooseParticipantsForm:
    invited = Participant.objects.filter(meeting=meeting)
    members = (
        NetworkMember.objects.filter(case_id=series.case_id)
        .exclude(pk__in=invited.exclude(member=None).values("member_id"))
        .order_by("side", "ring", "name", "id")
    )
    users = staff_candidates(series).exclude(pk__in=invited.exclude(user=None).values("user_id"))
    return ChooseParticipantsForm(data, members=members, users=users, prefix="choose")


@login_required
@once_per_submission
def participants(
    request: AuthenticatedHttpRequest, case_id: int, measure_id: int, meeting_id: int
) -> HttpResponse:
    require = "view" if request.method in READ_METHODS else "edit"
    series, access, meeting = open_meeting(request, case_id, measure_id, meeting_id, require)
    if request.method != "POST":
        return _participants_page(request, series, access, meeting)
    form = _choose_form(series, meeting, request.POST)
    if not can_prepare(series, access, meeting):
        form.add_error(None, cannot_plan_reason(series) or _("This meeting can no longer be changed."))
    elif form.is_valid():
        with service_errors(form) as outcome:
            created = participants_services.add_participants(
                acting_user=request.user,
                meeting=meeting,
                members=list(form.cleaned_data["members"]),
                users=list(form.cleaned_data["users"]),
            )
        if outcome.ok:
            messages.success(request, _("Invited: %(count)s.") % {"count": len(created)})
            return back_to_participants(meeting)
    return _participants_page(request, series, access, meeting, choose_form=form, status=400)


@login_required
@once_per_submission
def participant_new(
    request: AuthenticatedHttpRequest, case_id: int, measure_id: int, meeting_id: int
) -> HttpResponse:
    series, access, meeting = open_meeting(request, case_id, measure_id, meeting_id, "edit")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = NewPersonForm(request.POST, prefix="new")
    if not (access.sees_case and can_prepare(series, access, meeting)):
        form.add_error(None, cannot_plan_reason(series) or _("This meeting can no longer be changed."))
    elif form.is_valid():
        data = form.cleaned_data
        with service_errors(form) as outcome:
            participants_services.add_member_and_invite(
                acting_user=request.user,
                meeting=meeting,
                role=data["role"],
                close_to_problem=data["close_to_problem"],
                name=data["name"],
                side=data["side"],
                relation=data["relation"],
                email=data["email"],
                phone=data["phone"],
                may_contact=data["may_contact"],
                contact_consent_by=data["contact_consent_by"],
            )
        if outcome.ok:
            if data["role"] == ParticipantRole.CHILD:  # the child is invited, not added to their own map
                messages.success(request, _("%(name)s was invited.") % {"name": series.case.child_name})
            else:
                messages.success(
                    request,
                    _("%(name)s was added to the network register and invited.") % {"name": data["name"]},
                )
            return back_to_participants(meeting)
    return _participants_page(request, series, access, meeting, new_form=form, status=400)


@login_required
def participant_edit(
    request: AuthenticatedHttpRequest, case_id: int, measure_id: int, meeting_id: int, participant_id: int
) -> HttpResponse:
    series, access, meeting = open_meeting(request, case_id, measure_id, meeting_id, "edit")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    participant = get_participant(meeting, participant_id)
    form = participant_form(participant, request.POST)
    if form.is_valid():
        with service_messages(request) as outcome:
            participants_services.update_participant(
                acting_user=request.user,
                participant=participant,
                role=form.cleaned_data["role"],
                close_to_problem=form.cleaned_data["close_to_problem"],
            )
        if outcome.ok:
            messages.success(request, _("Saved: %(name)s.") % {"name": participant.name})
    else:
        messages.error(request, _("Choose a role."))
    return back_to_participants(meeting)


@login_required
def participant_remove(
    request: AuthenticatedHttpRequest, case_id: int, measure_id: int, meeting_id: int, participant_id: int
) -> HttpResponse:
    series, access, meeting = open_meeting(request, case_id, measure_id, meeting_id, "edit")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    participant = get_participant(meeting, participant_id)
    with service_messages(request) as outcome:
        participants_services.remove_participant(acting_user=request.user, participant=participant)
    if outcome.ok:
        messages.success(request, _("%(name)s is no longer invited.") % {"name": participant.name})
    return back_to_participants(meeting)


@login_required
def response(
    request: AuthenticatedHttpRequest, case_id: int, measure_id: int, meeting_id: int, participant_id: int
) -> HttpResponse:
    require = "view" if request.method in READ_METHODS else "run"
    series, access, meeting = open_meeting(request, case_id, measure_id, meeting_id, require)
    participant = get_participant(meeting, participant_id)
    can_answer = access.can_run_meetings and series.is_open and meeting.status == MeetingStatus.PLANNED
    form = ResponseForm(
        request.POST if request.method == "POST" else None,
        initial={"response": participant.response, "response_note": participant.response_note},
    )
    if request.method == "POST":
        if not can_answer:
            form.add_error(None, cannot_plan_reason(series) or _("This meeting can no longer be changed."))
        elif form.is_valid():
            with service_errors(form) as outcome:
                invitations.set_response(
                    acting_user=request.user,
                    participant=participant,
                    response=form.cleaned_data["response"],
                    note=form.cleaned_data["response_note"],
                )
            if outcome.ok:
                messages.success(
                    request, _("The answer from %(name)s was saved.") % {"name": participant.name}
                )
                return back_to_participants(meeting)
    context = meeting_context(series, access, meeting)
    context.update({"participant": participant, "form": form if can_answer else None})
    return render(request, "meetings/response.html", context, status=400 if form.errors else 200)


M = "saker/<id:case_id>/tiltak/<id:measure_id>/moter/<id:meeting_id>/"

urlpatterns = [
    path("saker/<id:case_id>/tiltak/<id:measure_id>/moter/ny/", meeting_new, name="meeting_new"),
    path(M + "forberedelse/", prepare, name="prepare"),
    path(M + "deltakere/", participants, name="participants"),
    path(M + "deltakere/ny/", participant_new, name="participant_new"),
    path(M + "deltakere/<id:participant_id>/", participant_edit, name="participant_edit"),
    path(M + "deltakere/<id:participant_id>/fjern/", participant_remove, name="participant_remove"),
    path(M + "svar/<id:participant_id>/", response, name="response"),
    path(M + "invitasjon/<id:participant_id>.pdf", invitation_views.invitation_pdf, name="invitation_pdf"),
    path(M + "invitasjoner.pdf", invitation_views.invitations_pdf, name="invitations_pdf"),
    path(M + "invitasjoner/", invitation_views.invitations_print, name="invitations_print"),
    path(M + "mote.ics", invitation_views.ics, name="ics"),
    path(M + "send/", invitation_views.send_invitations, name="send_invitations"),
    path(M + "send/papir/", invitation_views.mark_sent, name="mark_sent"),
]
