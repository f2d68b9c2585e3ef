"""A family group conference's pages: the conference (coordinator, situation and questions, planning, the
invitation list) and, per conference meeting, attendance in the three parts and the family's plan with the
service's decision.

These pages are what an outside coordinator (a narrow account) sees of the measure: they open it as
`Part.CONFERENCE` / `Part.MEETING`, and show nothing of the case file.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sirkel.accounts.models import User
from sirkel.cases.access import Part, SeriesAccess
from sirkel.core.forms import service_errors
from sirkel.core.submissions import once_per_submission
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.meetings import selectors
from sirkel.meetings.forms_conference import (
    ConferencePlanningForm,
    ConferenceRequestForm,
    FamilyPlanForm,
    PartsForm,
    PlanDecisionForm,
    PlanItemForm,
)
from sirkel.meetings.kinds import kind_config
from sirkel.meetings.models import (
    Conference,
    FamilyPlan,
    FamilyPlanItem,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Participant,
    Series,
)
from sirkel.meetings.services import conference as services
from sirkel.meetings.services import consent as consent_services
from sirkel.meetings.services.meeting import meeting_day
from sirkel.meetings.views.common import MEASURE_PATH, MEETING_PATH, READ_METHODS, open_meeting, open_series
from sirkel.meetings.views.meeting import ROLE_ORDER, no_store, ordered_participants
from sirkel.network.models import NetworkMember

CONFERENCE_MEETING_PATH = MEETING_PATH + "familierad/"
PLAN_PATH = CONFERENCE_MEETING_PATH + "plan/<id:plan_id>/"


def conference_of(series: Series) -> Conference:
    """The conference's record; not saved until someone writes to it."""
    found = Conference.objects.filter(series=series).first()
    return found if found is not None else Conference(series=series)


def _require_conference(series: Series) -> None:
    if not kind_config(series.kind).conference_parts:
        raise Http404


def _the_conference(meetings: list[Meeting]) -> Meeting | None:
    """The first conference (not a follow-up, not cancelled), whose date the planning counts towards."""
    return next(
        (m for m in meetings if m.kind == MeetingKind.FIRST and m.status != MeetingStatus.CANCELLED), None
    )


# --- The conference page --------------------------------------------------------------------------------


def _conference_page(
    request: AuthenticatedHttpRequest,
    series: Series,
    access: SeriesAccess,
    *,
    request_form: ConferenceRequestForm | None = None,
    planning_form: ConferencePlanningForm | None = None,
    status: int = 200,
) -> HttpResponse:
    conference = conference_of(series)
    meetings = selectors.meetings_for_series(series=series)
    first = _the_conference(meetings)
    conference_day = meeting_day(first) if first is not None and (first.starts_at or first.held_on) else None
    weeks = services.planning_weeks(conference, conference_day=conference_day)
    can_write = series.is_open and not series.is_stopped
    if access.can_edit and can_write and request_form is None:
        request_form = ConferenceRequestForm(
            initial={
                "version": conference.version,
                **{name: getattr(conference, name) for name in services.CONFERENCE_FIELDS_SERVICE},
            }
        )
    if access.can_run_meetings and can_write and planning_form is None:
        planning_form = ConferencePlanningForm(
            initial={
                "version": conference.version,
                **{name: getattr(conference, name) for name in services.CONFERENCE_FIELDS_PLANNING},
            }
        )
    participants = list(
        Participant.objects.filter(meeting__series=series, invited=True).order_by("meeting__sequence", "id")
    )
    by_meeting = {
        meeting_id: sorted(rows, key=lambda p: (ROLE_ORDER.get(p.role, 99), p.name.lower(), p.pk))
        for meeting_id, rows in groupby(participants, key=lambda p: p.meeting_id)
    }
    plans = list(
        FamilyPlan.objects.filter(meeting__series=series)
        .exclude(decision="")
        .select_related("meeting")
        .order_by("meeting__sequence", "number")
    )
    context: dict[str, Any] = {
        "series": series,
        "case": series.case,
        "access": access,
        "config": kind_config(series.kind),
        "conference": conference,
        "assignment": services.assignment(conference),
        "working_days": services.ASSIGN_WITHIN_WORKING_DAYS_ACUTE
        if conference.acute
        else services.ASSIGN_WITHIN_WORKING_DAYS,
        "meetings": [(m, by_meeting.get(m.pk, [])) for m in meetings],
        "first": first,
        "weeks": weeks,
        "planning_outside": services.planning_outside_usual(weeks),
        "hours_outside": services.hours_outside_usual(conference.coordinator_hours),
        "decided_plans": plans,
        "request_form": request_form if access.can_edit and can_write else None,
        "planning_form": planning_form if access.can_run_meetings and can_write else None,
        # The consents are the case file's: the service sees where they stand, a narrow account does not.
        "consent": None if access.narrow else consent_services.consent_status(series),
        "form": next((f for f in (request_form, planning_form) if f is not None and f.errors), None),
    }
    return no_store(render(request, "meetings/conference.html", context, status=status))


@login_required
def conference(request: AuthenticatedHttpRequest, case_id: int, measure_id: int) -> HttpResponse:
    """The conference page. POST `section=request` (the service) or `section=planning` (the coordinator)."""
    series, access = open_series(request, case_id, measure_id, "view", part=Part.CONFERENCE)
    _require_conference(series)
    if request.method in READ_METHODS:
        return _conference_page(request, series, access)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    back = reverse("meetings:conference", args=[series.case_id, series.measure_id])
    if request.POST.get("section") == "planning":
        if not access.can_run_meetings:
            raise Http404
        planning_form = ConferencePlanningForm(request.POST)
        if planning_form.is_valid():
            with service_errors(planning_form, current_version=lambda: conference_of(series).version) as out:
                services.save_planning(
                    acting_user=request.user,
                    series=series,
                    version=planning_form.cleaned_data["version"],
                    planning_started_on=planning_form.cleaned_data["planning_started_on"],
                    coordinator_hours=planning_form.cleaned_data["coordinator_hours"],
                )
            if out.ok:
                messages.success(request, _("The planning was saved."))
                return redirect(back + "#planning")
        return _conference_page(request, series, access, planning_form=planning_form, status=400)
    if not access.can_edit:
        raise Http404
    request_form = ConferenceRequestForm(request.POST)
    if request_form.is_valid():
        data = request_form.cleaned_data
        with service_errors(request_form, current_version=lambda: conference_of(series).version) as out:
            services.save_request(
                acting_user=request.user,
                series=series,
                version=data["version"],
                **{name: data[name] for name in services.CONFERENCE_FIELDS_SERVICE},
            )
        if out.ok:
            messages.success(request, _("The conference was saved."))
            return redirect(back + "#request")
    return _conference_page(request, series, access, request_form=request_form, status=400)


# --- A conference meeting: attendance per part and the family's plan ----------------------------------


def _owners(
    series: Series, access: SeriesAccess, participants: list[Participant]
) -> tuple[list[NetworkMember], list[User]]:
    """Who can carry out an item: the people from the network invited to the conference (and, for the
    service, anyone in the child's network register), and the staff: the caseworker, the coordinator and
    staff invited."""
    member_ids = {p.member_id for p in participants if p.member_id}
    members = NetworkMember.objects.filter(case_id=series.case_id)
    if not access.sees_case:
        members = members.filter(pk__in=member_ids)
    user_ids = {series.caseworker_id, series.leader_id, *(p.user_id for p in participants if p.user_id)}
    users = User.objects.filter(pk__in=[u for u in user_ids if u], is_active=True)
    return list(members.order_by("name", "id")), list(users.order_by("first_name", "last_name", "username"))


def _meeting_page(
    request: AuthenticatedHttpRequest,
    series: Series,
    access: SeriesAccess,
    meeting: Meeting,
    *,
    parts_form: PartsForm | None = None,
    plan_form: FamilyPlanForm | None = None,
    item_form: PlanItemForm | None = None,
    decision_form: PlanDecisionForm | None = None,
    parts_error: str = "",
    status: int = 200,
) -> HttpResponse:
    participants = ordered_participants(meeting)
    plans = services.plans_of(meeting)
    latest = services.current_plan(plans)
    can_run = access.can_run_meetings and not series.is_stopped and meeting.status != MeetingStatus.CANCELLED
    can_decide = access.can_edit and can_run
    undecided = latest if latest is not None and not latest.decision else None
    members, users = _owners(series, access, participants)
    if can_run and parts_form is None:
        parts_form = PartsForm(participants=participants)
    if can_run and plan_form is None and services.may_write_new_plan(plans):
        plan_form = FamilyPlanForm()
    if can_run and undecided is not None and item_form is None:
        item_form = PlanItemForm(members=members, users=users)
    if can_decide and undecided is not None and decision_form is None:
        decision_form = PlanDecisionForm()
    context: dict[str, Any] = {
        "series": series,
        "case": series.case,
        "access": access,
        "config": kind_config(series.kind),
        "meeting": meeting,
        "participants": participants,
        "may_be_in_family_time": {p.pk for p in participants if services.may_be_in_family_time(p)},
        "family_time_roles": services.family_time_roles(),
        "plans": plans,
        "latest": latest,
        "undecided": undecided,
        "can_run": can_run,
        "can_decide": can_decide,
        "parts_form": parts_form if can_run else None,
        "parts_error": parts_error,
        "plan_form": plan_form if can_run and services.may_write_new_plan(plans) else None,
        "item_form": item_form if can_run and undecided is not None else None,
        "decision_form": decision_form if can_decide and undecided is not None else None,
        "plan_url": None
        if access.narrow
        else reverse("actions:plan", args=[series.case_id, series.measure_id]),
        "today": timezone.localdate(),
    }
    context["form"] = next(
        (f for f in (plan_form, item_form, decision_form) if f is not None and f.errors), None
    )
    return no_store(render(request, "meetings/conference_meeting.html", context, status=status))


def _open(
    request: AuthenticatedHttpRequest, case_id: int, measure_id: int, meeting_id: int
) -> tuple[Series, SeriesAccess, Meeting]:
    series, access, meeting = open_meeting(
        request, case_id, measure_id, meeting_id, "view", part=Part.MEETING
    )
    _require_conference(series)
    return series, access, meeting


def _back(meeting: Meeting, anchor: str) -> HttpResponse:
    series = meeting.series
    url = reverse("meetings:conference_meeting", args=[series.case_id, series.measure_id, meeting.pk])
    return redirect(f"{url}#{anchor}")


def _plan_of(meeting: Meeting, plan_id: int) -> FamilyPlan:
    plan = FamilyPlan.objects.filter(meeting=meeting, pk=plan_id).first()
    if plan is None:
        raise Http404
    plan.meeting = meeting
    return plan


@login_required
def conference_meeting(
    request: AuthenticatedHttpRequest, case_id: int, measure_id: int, meeting_id: int
) -> HttpResponse:
    series, access, meeting = _open(request, case_id, measure_id, meeting_id)
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(READ_METHODS)
    return _meeting_page(request, series, access, meeting)


@login_required
def conference_parts(
    request: AuthenticatedHttpRequest, case_id: int, measure_id: int, meeting_id: int
) -> HttpResponse:
    """Attendance in the three parts, for everyone at once (the coordinator or the service)."""
    series, access, meeting = _open(request, case_id, measure_id, meeting_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not access.can_run_meetings:
        raise Http404
    participants = ordered_participants(meeting)
    form = PartsForm(request.POST, participants=participants)
    form.is_valid()  # checkboxes: always valid
    with service_errors(form) as outcome:
        services.record_parts(acting_user=request.user, meeting=meeting, parts=form.parts())
    if outcome.ok:
        messages.success(request, _("Attendance per part was saved."))
        return _back(meeting, "parts")
    error = " ".join(str(e) for e in form.non_field_errors())
    return _meeting_page(request, series, access, meeting, parts_form=form, parts_error=error, status=400)


@login_required
@once_per_submission
def family_plan_new(
    request: AuthenticatedHttpRequest, case_id: int, measure_id: int, meeting_id: int
) -> HttpResponse:
    """The family's plan as they wrote it: the first, or a changed one after a refusal."""
    series, access, meeting = _open(request, case_id, measure_id, meeting_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not access.can_run_meetings:
        raise Http404
    form = FamilyPlanForm(request.POST)
    if form.is_valid():
        with service_errors(form) as outcome:
            services.write_family_plan(
                acting_user=request.user, meeting=meeting, text=form.cleaned_data["text"]
            )
        if outcome.ok:
            messages.success(request, _("The family's plan was saved. Add its items: what, who and by when."))
            return _back(meeting, "items")
    return _meeting_page(request, series, access, meeting, plan_form=form, status=400)


@login_required
@once_per_submission
def family_plan_item_add(
    request: AuthenticatedHttpRequest, case_id: int, measure_id: int, meeting_id: int, plan_id: int
) -> HttpResponse:
    series, access, meeting = _open(request, case_id, measure_id, meeting_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not access.can_run_meetings:
        raise Http404
    plan = _plan_of(meeting, plan_id)
    members, users = _owners(series, access, ordered_participants(meeting))
    form = PlanItemForm(request.POST, members=members, users=users)
    if form.is_valid():
        with service_errors(form) as outcome:
            services.add_plan_item(
                acting_user=request.user,
                plan=plan,
                what=form.cleaned_data["what"],
                due_on=form.cleaned_data["due_on"],
                owner_member=form.owner_member(),
                owner_user=form.owner_user(),
            )
        if outcome.ok:
            messages.success(request, _("The item was added to the family's plan."))
            return _back(meeting, "items")
    return _meeting_page(request, series, access, meeting, item_form=form, status=400)


@login_required
def family_plan_item_remove(
    request: AuthenticatedHttpRequest,
    case_id: int,
    measure_id: int,
    meeting_id: int,
    plan_id: int,
    item_id: int,
) -> HttpResponse:
    series, access, meeting = _open(request, case_id, measure_id, meeting_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not access.can_run_meetings:
        raise Http404
    plan = _plan_of(meeting, plan_id)
    item = FamilyPlanItem.objects.filter(plan=plan, pk=item_id).first()
    if item is None:
        raise Http404
    item.plan = plan
    form = FamilyPlanForm()  # carries the service's refusal, if any
    with service_errors(form) as outcome:
        services.remove_plan_item(acting_user=request.user, item=item)
    if outcome.ok:
        messages.success(request, _("The item was removed."))
    else:
        messages.error(request, " ".join(str(e) for e in form.non_field_errors()))
    return _back(meeting, "items")


@login_required
def family_plan_decide(
    request: AuthenticatedHttpRequest, case_id: int, measure_id: int, meeting_id: int, plan_id: int
) -> HttpResponse:
    """The service's decision on the family's plan (never the coordinator's)."""
    series, access, meeting = _open(request, case_id, measure_id, meeting_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not access.can_edit:
        raise Http404
    plan = _plan_of(meeting, plan_id)
    form = PlanDecisionForm(request.POST)
    if form.is_valid():
        with service_errors(form) as outcome:
            services.decide_plan(
                acting_user=request.user,
                plan=plan,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        if outcome.ok:
            messages.success(request, _("The service's decision on the family's plan was saved."))
            return _back(meeting, "plan")
    return _meeting_page(request, series, access, meeting, decision_form=form, status=400)


def conference_minutes_context(series: Series, meeting: Meeting) -> dict[str, Any]:
    """What a conference's minutes add: the family's plans as written, with the service's decisions."""
    if not kind_config(series.kind).conference_parts:
        return {}
    return {"family_plans": services.plans_of(meeting)}


urlpatterns = [
    path(MEASURE_PATH + "familierad/", conference, name="conference"),
    path(CONFERENCE_MEETING_PATH, conference_meeting, name="conference_meeting"),
    path(CONFERENCE_MEETING_PATH + "deler/", conference_parts, name="conference_parts"),
    path(CONFERENCE_MEETING_PATH + "plan/", family_plan_new, name="family_plan_new"),
    path(PLAN_PATH + "punkt/", family_plan_item_add, name="family_plan_item_add"),
    path(PLAN_PATH + "punkt/<id:item_id>/fjern/", family_plan_item_remove, name="family_plan_item_remove"),
    path(PLAN_PATH + "vedtak/", family_plan_decide, name="family_plan_decide"),
]
