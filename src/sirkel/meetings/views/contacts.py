"""NTT's contacts between meetings (the list per goal, adding and removing one), how often a fixed series
meets, and what these add to the series page and the meeting page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _

from sirkel.cases.access import SeriesAccess
from sirkel.core.forms import service_errors
from sirkel.core.submissions import once_per_submission
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.meetings.forms_contacts import CadenceForm, ContactForm
from sirkel.meetings.kinds import kind_config
from sirkel.meetings.models import Meeting, Series, SeriesStatus, TherapistContact
from sirkel.meetings.services import cadence, contacts
from sirkel.meetings.views.common import MEASURE_PATH, READ_METHODS, open_series

# --- What the series page and the meeting page show -----------------------------------------------------


def _can_record(series: Series, access: SeriesAccess) -> bool:
    return (
        access.can_run_meetings
        and series.is_open
        and series.status not in (SeriesStatus.SCREENING, SeriesStatus.NOT_STARTED)
    )


def _plan_url(series: Series, access: SeriesAccess) -> str | None:
    if not access.sees_case:
        return None
    try:
        return reverse("cases:plan", args=[series.case_id])
    except NoReverseMatch:
        return None


def series_page_context(series: Series, access: SeriesAccess, meetings: list[Meeting]) -> dict[str, Any]:
    """The series page's parts for a fixed series (when the next meeting is due, and how often it meets),
    the plan's goals, and NTT's contacts per goal: each for the kinds whose `KindConfig` says so."""
    config = kind_config(series.kind)
    context: dict[str, Any] = {}
    if config.fixed_cadence:
        context["next_meeting"] = cadence.next_meeting(series=series, meetings=meetings)
        if access.can_edit and series.is_open:
            context["cadence_form"] = CadenceForm(initial={"meeting_every_weeks": series.meeting_every_weeks})
    if config.shows_plan_goals or config.therapist_contacts:
        context["plan_url"] = _plan_url(series, access)
    if config.shows_plan_goals:
        context["plan_goals"] = contacts.contact_goals(series=series)
    if config.therapist_contacts:
        context["contact_summary"] = contacts.contacts_by_goal(series=series)
    return context


def meeting_page_context(series: Series, access: SeriesAccess, meeting: Meeting) -> dict[str, Any]:
    """The steering group meeting's "since the last meeting": the contacts it follows up, per goal."""
    if not kind_config(series.kind).therapist_contacts or access.narrow:
        return {}
    return {"since_last": contacts.contacts_since_last_meeting(series=series, meeting=meeting)}


# --- The contacts page ----------------------------------------------------------------------------------


def _open(
    request: AuthenticatedHttpRequest, case_id: int, measure_id: int, require: str
) -> tuple[Series, SeriesAccess]:
    series, access = open_series(request, case_id, measure_id, require)
    if not contacts.has_contacts(series):
        raise Http404
    return series, access


def _page(
    request: AuthenticatedHttpRequest,
    series: Series,
    access: SeriesAccess,
    *,
    form: ContactForm | None = None,
    status: int = 200,
) -> HttpResponse:
    goals = contacts.contact_goals(series=series)
    can_record = _can_record(series, access)
    if can_record and form is None:
        form = ContactForm(goals=goals)
    groups = contacts.contacts_by_goal(series=series)
    deletable = {
        c.pk
        for g in groups
        for c in g.contacts
        if series.is_open and contacts.may_delete_with(access=access, contact=c, user=request.user)
    }
    return render(
        request,
        "meetings/contacts.html",
        {
            "series": series,
            "case": series.case,
            "access": access,
            "config": kind_config(series.kind),
            "groups": groups,
            "goals": goals,
            "form": form if can_record else None,
            "deletable": deletable,
            "plan_url": _plan_url(series, access),
            "since_last": contacts.contacts_since_last_meeting(series=series),
        },
        status=status,
    )


@login_required
def contact_list(request: AuthenticatedHttpRequest, case_id: int, measure_id: int) -> HttpResponse:
    series, access = _open(request, case_id, measure_id, "view")
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(READ_METHODS)
    return _page(request, series, access)


@login_required
@once_per_submission
def contact_add(request: AuthenticatedHttpRequest, case_id: int, measure_id: int) -> HttpResponse:
    """Record a contact (a plain form POST: the page is drawn again with the errors, or redirects)."""
    series, access = _open(request, case_id, measure_id, "run")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ContactForm(request.POST, goals=contacts.contact_goals(series=series))
    if not _can_record(series, access):
        form.is_valid()
        form.add_error(None, _("Contacts cannot be recorded for this measure now."))
        return _page(request, series, access, form=form, status=400)
    if form.is_valid():
        data = form.cleaned_data
        with service_errors(form) as outcome:
            contacts.record_contact(
                acting_user=request.user,
                series=series,
                goal=data["goal"],
                on=data["on"],
                with_whom=data["with_whom"],
                minutes=data["minutes"],
                note=data["note"],
                internal_notes=data["internal_notes"],
            )
        if outcome.ok:
            messages.success(request, _("The contact was saved."))
            return redirect("meetings:contacts", case_id=series.case_id, measure_id=series.measure_id)
    return _page(request, series, access, form=form, status=400)


@login_required
def contact_delete(
    request: AuthenticatedHttpRequest, case_id: int, measure_id: int, contact_id: int
) -> HttpResponse:
    series, access = _open(request, case_id, measure_id, "run")
    contact = TherapistContact.objects.filter(series=series, pk=contact_id).first()
    if contact is None:
        raise Http404
    contact.series = series
    if not contacts.may_delete_with(access=access, contact=contact, user=request.user):
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ContactForm(goals=[])
    with service_errors(form) as outcome:
        contacts.delete_contact(acting_user=request.user, contact=contact)
    if outcome.ok:
        messages.success(request, _("The contact was removed."))
    else:
        messages.error(request, " ".join(str(e) for e in form.non_field_errors()))
    return redirect("meetings:contacts", case_id=series.case_id, measure_id=series.measure_id)


# --- How often a fixed series meets ---------------------------------------------------------------------


@login_required
def set_cadence(request: AuthenticatedHttpRequest, case_id: int, measure_id: int) -> HttpResponse:
    series, _access = open_series(request, case_id, measure_id, "edit")
    if not cadence.has_cadence(series):
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = CadenceForm(request.POST)
    back = reverse("meetings:detail", args=[series.case_id, series.measure_id]) + "#cadence-heading"
    if form.is_valid():
        with service_errors(form) as outcome:
            cadence.set_cadence(
                acting_user=request.user, series=series, every_weeks=form.cleaned_data["meeting_every_weeks"]
            )
        if outcome.ok:
            messages.success(request, _("How often the series meets was saved."))
            return redirect(back)
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(back)


urlpatterns = [
    path(MEASURE_PATH + "kontakter/", contact_list, name="contacts"),
    path(MEASURE_PATH + "kontakter/ny/", contact_add, name="contact_add"),
    path(MEASURE_PATH + "kontakter/<id:contact_id>/slett/", contact_delete, name="contact_delete"),
    path(MEASURE_PATH + "motefrekvens/", set_cadence, name="set_cadence"),
]
