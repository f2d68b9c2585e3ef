"""The natural mentor's pages: one page per phase (the first with the youth's nominations and the
answers), and a printable summary of the phases for the family."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from sirkel.audit.models import AuditAction
from sirkel.cases.access import SeriesAccess
from sirkel.core.forms import service_errors
from sirkel.core.submissions import once_per_submission
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.meetings.forms_mentor import AnswerForm, NominationForm, PhaseForm
from sirkel.meetings.kinds import Flow, kind_config
from sirkel.meetings.models import MentorAnswer, MentorNomination, MentorPhase, Series
from sirkel.meetings.services import mentor as mentor_services
from sirkel.meetings.services.meeting import document_language
from sirkel.meetings.views.common import MEASURE_PATH, READ_METHODS, network_url, open_series
from sirkel.meetings.views.meeting import no_store


def _open(
    request: AuthenticatedHttpRequest, case_id: int, measure_id: int, action: str | None = None
) -> tuple[Series, SeriesAccess]:
    """The measure, if it is a natural mentor the user may see (and, to write, change); else 404."""
    series, access = open_series(
        request, case_id, measure_id, "view" if request.method in READ_METHODS else "edit", action
    )
    if kind_config(series.kind).flow != Flow.PHASES:
        raise Http404
    return series, access


def _phase_url(series: Series, number: int) -> str:
    return reverse("meetings:mentor_phase", args=[series.case_id, series.measure_id, number])


def _context(series: Series, access: SeriesAccess, number: int) -> dict[str, Any]:
    phases = mentor_services.phases_of(series)
    context: dict[str, Any] = {
        "series": series,
        "case": series.case,
        "access": access,
        "config": kind_config(series.kind),
        "number": number,
        "text": mentor_services.PHASES[number],
        "steps": mentor_services.phase_steps(series, phases),
        "phase": phases.get(number),
        "previous_done": number == 1
        or (number - 1 in phases and phases[number - 1].completed_at is not None),
        "can_edit": access.can_edit and series.is_open,
    }
    if number == 1:
        nominations = mentor_services.nominations_of(series)
        context["nominations"] = nominations
        context["can_nominate"] = context["can_edit"] and not any(
            n.answer in (MentorAnswer.PENDING, MentorAnswer.ASKED, MentorAnswer.YES) for n in nominations
        )
    if number == 3:
        # The shared plan's items are the measure's actions (the `actions` app), each with who carries it.
        context["plan_actions"] = list(
            series.actions.select_related("owner_member", "owner_user").order_by("due_on", "id")
        )
    return context


@login_required
def mentor_phase(
    request: AuthenticatedHttpRequest, case_id: int, measure_id: int, number: int
) -> HttpResponse:
    """One phase: its date, who took part, the notes; saved, or saved and completed (in order)."""
    series, access = _open(request, case_id, measure_id)
    if number not in mentor_services.PHASE_NUMBERS:
        raise Http404
    context = _context(series, access, number)
    phase: MentorPhase | None = context["phase"]
    initial: dict[str, Any] = {"version": phase.version if phase else 0}
    if phase is not None:
        initial.update(
            held_on=phase.held_on,
            taking_part=phase.taking_part,
            notes=phase.notes,
            internal_notes=phase.internal_notes,
            followup_needed=phase.followup_needed,
        )
    form = PhaseForm(request.POST if request.method == "POST" else None, number=number, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        complete = "complete" in request.POST
        version = data.get("version")
        with service_errors(
            form,
            current_version=lambda: (
                MentorPhase.objects.filter(series=series, number=number)
                .values_list("version", flat=True)
                .first()
                or 0
            ),
        ) as outcome:
            saved = mentor_services.save_phase(
                acting_user=request.user,
                series=series,
                number=number,
                held_on=data["held_on"],
                taking_part=data["taking_part"],
                notes=data["notes"],
                internal_notes=data["internal_notes"],
                followup_needed=data.get("followup_needed") or "",
                complete=complete,
                expected_version=version if version is not None else None,
            )
        if outcome.ok:
            if complete and saved.completed_at is not None:
                messages.success(request, _("Phase %(number)s is completed.") % {"number": number})
                if number < 4:
                    return redirect(_phase_url(series, number + 1))
                return redirect("meetings:detail", case_id=series.case_id, measure_id=series.measure_id)
            messages.success(request, _("The phase was saved."))
            return redirect(_phase_url(series, number))
    context["form"] = form if context["can_edit"] else None
    return render(request, "meetings/mentor_phase.html", context)


@login_required
@once_per_submission
def mentor_nominate(request: AuthenticatedHttpRequest, case_id: int, measure_id: int) -> HttpResponse:
    """The youth nominates a trusted adult: from the register's private side, or someone added to it."""
    series, access = _open(request, case_id, measure_id)
    if not (access.can_edit and series.is_open):
        raise Http404
    nominated = {n.member_id for n in mentor_services.nominations_of(series)}
    members = [m for m in mentor_services.private_members(series) if m.pk not in nominated]
    form = NominationForm(request.POST if request.method == "POST" else None, members=members)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors(form) as outcome:
            nomination = mentor_services.nominate(
                acting_user=request.user,
                series=series,
                nominated_on=data["nominated_on"],
                member=data["member"],
                new_name=data["new_name"],
                new_relation=data["new_relation"],
                why=data["why"],
            )
        if outcome.ok:
            messages.success(
                request,
                _("%(name)s is nominated. Record when they were asked and what they answered.")
                % {"name": nomination.member.name},
            )
            return redirect(
                "meetings:mentor_answer",
                case_id=series.case_id,
                measure_id=series.measure_id,
                nomination_id=nomination.pk,
            )
    return render(
        request,
        "meetings/mentor_nominate.html",
        {
            "series": series,
            "case": series.case,
            "form": form,
            "network_url": network_url(series, access),
            "steps": mentor_services.phase_steps(series),
        },
    )


@login_required
def mentor_answer(
    request: AuthenticatedHttpRequest, case_id: int, measure_id: int, nomination_id: int
) -> HttpResponse:
    """When the nominated adult was asked, and what they answered."""
    series, access = _open(request, case_id, measure_id)
    if not (access.can_edit and series.is_open):
        raise Http404
    nomination = (
        MentorNomination.objects.filter(series=series, pk=nomination_id).select_related("member").first()
    )
    if nomination is None:
        raise Http404
    nomination.series = series
    initial = {
        "asked_on": nomination.asked_on,
        "answer": nomination.answer,
        "answer_note": nomination.answer_note,
    }
    form = AnswerForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors(form) as outcome:
            mentor_services.record_answer(
                acting_user=request.user,
                nomination=nomination,
                asked_on=data["asked_on"],
                answer=data["answer"],
                answer_note=data["answer_note"],
            )
        if outcome.ok:
            if data["answer"] == MentorAnswer.YES:
                messages.success(
                    request,
                    _("%(name)s said yes and is the mentor. Complete the first phase when you are ready.")
                    % {"name": nomination.member.name},
                )
            elif data["answer"] == MentorAnswer.NO:
                messages.info(
                    request,
                    _("%(name)s said no. The youth can nominate someone else.")
                    % {"name": nomination.member.name},
                )
            else:
                messages.success(request, _("The answer was saved."))
            return redirect(_phase_url(series, 1))
    return render(
        request,
        "meetings/mentor_answer.html",
        {"series": series, "case": series.case, "nomination": nomination, "form": form},
    )


@login_required
def mentor_summary(request: AuthenticatedHttpRequest, case_id: int, measure_id: int) -> HttpResponse:
    """The phases for the family, printable: dates, who took part, the notes; never the internal notes."""
    series, _access = _open(request, case_id, measure_id, AuditAction.EXPORT)
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(READ_METHODS)
    mentor = series.person
    context = {
        "series": series,
        "mentor": mentor,
        "steps": mentor_services.phase_steps(series),
        "child_given_name": series.case.child_given_name,
        "service_name": series.case.service.name,
        "document_language": document_language(),
        "back_url": reverse("meetings:detail", args=[series.case_id, series.measure_id]),
    }
    return no_store(render(request, "meetings/mentor_summary.html", context))


urlpatterns = [
    path(MEASURE_PATH + "fase/<int:number>/", mentor_phase, name="mentor_phase"),
    path(MEASURE_PATH + "fase/1/forslag/ny/", mentor_nominate, name="mentor_nominate"),
    path(MEASURE_PATH + "fase/1/forslag/<id:nomination_id>/svar/", mentor_answer, name="mentor_answer"),
    path(MEASURE_PATH + "faser/utskrift/", mentor_summary, name="mentor_summary"),
]
