"""The action plan of a measure, adding and editing actions, the review at follow-up meetings, and the
overview of overdue and due-soon actions and follow-ups not scheduled."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sirkel.accounts.models import Role
from sirkel.accounts.selectors import roles_by_service
from sirkel.actions import services
from sirkel.actions.forms import ActionForm, FollowupOwnerForm, ReviewForm, owner_value
from sirkel.actions.models import Action
from sirkel.actions.selectors import due, overviews, progress
from sirkel.actions.selectors import plan as plan_selectors
from sirkel.actions.selectors import review as review_selectors
from sirkel.cases.access import SeriesAccess
from sirkel.core.forms import add_service_errors, service_errors
from sirkel.core.submissions import once_per_submission
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.meetings.kinds import kind_config
from sirkel.meetings.models import MeetingKind, MeetingStatus, Series
from sirkel.meetings.selectors import get_meeting, get_series_for_user


def _network_url(series: Series, access: SeriesAccess) -> str | None:
    """Where to add people to the network register; only for those who may open the case."""
    if not access.sees_case:
        return None
    try:
        return reverse("network:page", args=[series.case_id]) + "#member-add"
    except NoReverseMatch:
        return None


def _series_url(series: Series) -> str | None:
    try:
        return reverse("meetings:detail", args=[series.case_id, series.measure_id])
    except NoReverseMatch:
        return None


def _base_context(series: Series, access: SeriesAccess) -> dict[str, Any]:
    return {
        "series": series,
        "access": access,
        "can_write": access.can_run_meetings and not series.is_stopped,
        "series_url": _series_url(series),
        "network_url": _network_url(series, access),
    }


@login_required
def plan(request: AuthenticatedHttpRequest, case_id: int, measure_id: int) -> HttpResponse:
    with transaction.atomic():
        series, access = get_series_for_user(user=request.user, case_id=case_id, measure_id=measure_id)
    context = _base_context(series, access)
    form = None
    if context["can_write"]:
        form = FollowupOwnerForm(
            request.POST if request.method == "POST" else None,
            owners=plan_selectors.owner_choices(series=series, user=request.user),
            initial={
                "owner": owner_value(
                    member_id=series.followup_owner_member_id, user_id=series.followup_owner_id
                )
            },
        )
    if request.method == "POST":
        if form is None:
            if access.can_run_meetings:  # a stopped measure: refuse with the reason, not a 404
                messages.error(request, _("This measure is stopped and cannot be changed."))
                return redirect("actions:plan", case_id=series.case_id, measure_id=series.measure_id)
            raise Http404
        if form.is_valid():
            with service_errors(form) as outcome:
                services.set_followup_owner(
                    acting_user=request.user,
                    series=series,
                    owner_user=form.owner_user,
                    owner_member=form.owner_member,
                )
            if outcome.ok:
                messages.success(request, _("Saved who is accountable for follow-up."))
                return redirect("actions:plan", case_id=series.case_id, measure_id=series.measure_id)
    context.update(
        form=form,
        actions=plan_selectors.actions_for_series(series=series),
        plan_summary=progress.plan_summary(series=series),
        participation=progress.participation_over_time(series=series),
        followup_meetings=review_selectors.followup_meetings(series=series),
        followup_owner=(
            series.followup_owner.display_name() if series.followup_owner else series.followup_owner_member
        ),
        due_soon_days=due.DUE_SOON_DAYS,
    )
    return render(request, "actions/plan.html", context)


def _action_form_page(
    request: AuthenticatedHttpRequest, case_id: int, measure_id: int, action_id: int | None
) -> HttpResponse:
    with transaction.atomic():
        series, access = get_series_for_user(
            user=request.user, case_id=case_id, measure_id=measure_id, require="run"
        )
    action: Action | None = None
    if action_id is not None:
        action = (
            Action.objects.filter(series=series, pk=action_id)
            .select_related("owner_member", "owner_user", "meeting")
            .first()
        )
        if action is None:
            raise Http404
    if series.is_stopped:
        messages.error(request, _("This measure is stopped and cannot be changed."))
        return redirect("actions:plan", case_id=series.case_id, measure_id=series.measure_id)
    meetings = plan_selectors.meetings_for_plan(series=series)
    if action is not None and action.meeting is not None and action.meeting not in meetings:
        meetings = sorted([*meetings, action.meeting], key=lambda m: m.sequence)
    initial: dict[str, Any] = {}
    if action is not None:
        initial = {
            "what": action.what,
            "owner": owner_value(member_id=action.owner_member_id, user_id=action.owner_user_id),
            "due_on": action.due_on,
            "support_type": action.support_type,
            "meeting": action.meeting_id,
            "status": action.status,
            "version": action.version,
        }
    else:
        wanted = request.GET.get("mote", "")
        chosen = next((m for m in meetings if str(m.pk) == wanted), None)
        if chosen is None and meetings:
            held = [m for m in meetings if m.status == MeetingStatus.HELD]
            chosen = (held or meetings)[-1]
        if chosen is not None:
            initial["meeting"] = chosen.pk
    form = ActionForm(
        request.POST if request.method == "POST" else None,
        owners=plan_selectors.owner_choices(series=series, user=request.user),
        meetings=meetings,
        editing=action is not None,
        initial=initial,
        outside_meetings=not kind_config(series.kind).has_meetings,
    )
    if request.method == "POST" and form.is_valid():
        with service_errors(
            form,
            conflict_message=_(
                "Someone else saved this action while you were editing it. Your changes are still in "
                "the form; open the plan in a new tab to see theirs, then save again."
            ),
            current_version=lambda: Action.objects.values_list("version", flat=True).get(pk=action_id or 0),
        ) as outcome:
            if action is None:
                services.add_action(acting_user=request.user, series=series, **form.action_fields())
            else:
                services.update_action(
                    acting_user=request.user,
                    action=action,
                    expected_version=form.cleaned_data.get("version") or action.version,
                    **form.action_fields(),
                )
        if outcome.ok:
            messages.success(
                request, _("The action was added.") if action is None else _("The action was saved.")
            )
            if action is None and "another" in request.POST:
                url = reverse("actions:action_new", args=[series.case_id, series.measure_id])
                agreed_at = form.cleaned_data.get("meeting")  # none for a kind without meetings
                return redirect(f"{url}?mote={agreed_at.pk}" if agreed_at else url)
            return redirect("actions:plan", case_id=series.case_id, measure_id=series.measure_id)
    # A follow-up meeting reviews earlier actions before new ones are added: say so before the form.
    pending_review = None
    if action is None:
        selected = form.data.get("meeting") if form.is_bound else initial.get("meeting")
        meeting = next((m for m in meetings if str(m.pk) == str(selected)), None)
        if meeting is not None and meeting.kind == MeetingKind.FOLLOW_UP:
            left = review_selectors.unreviewed_actions(meeting=meeting).count()
            if left:
                pending_review = {"meeting": meeting, "count": left}
    context = _base_context(series, access)
    context.update(
        form=form,
        action=action,
        meetings=meetings,
        pending_review=pending_review,
        outside_meetings="meeting" not in form.fields,
    )
    return render(request, "actions/action_form.html", context)


@login_required
@once_per_submission
def action_new(request: AuthenticatedHttpRequest, case_id: int, measure_id: int) -> HttpResponse:
    return _action_form_page(request, case_id, measure_id, None)


@login_required
def action_edit(
    request: AuthenticatedHttpRequest, case_id: int, measure_id: int, action_id: int
) -> HttpResponse:
    return _action_form_page(request, case_id, measure_id, action_id)


@login_required
def review(request: AuthenticatedHttpRequest, case_id: int, measure_id: int, meeting_id: int) -> HttpResponse:
    """A follow-up meeting goes through every open action from earlier meetings."""
    with transaction.atomic():
        series, access = get_series_for_user(
            user=request.user, case_id=case_id, measure_id=measure_id, require="run"
        )
    meeting = get_meeting(series=series, meeting_id=meeting_id)
    if meeting.kind != MeetingKind.FOLLOW_UP or meeting.status == MeetingStatus.CANCELLED:
        raise Http404
    if request.method == "POST" and series.is_stopped:
        messages.error(request, _("This measure is stopped and cannot be changed."))
        return redirect("actions:plan", case_id=series.case_id, measure_id=series.measure_id)
    items = review_selectors.review_items(meeting=meeting)
    data = request.POST if request.method == "POST" else None
    rows: list[dict[str, Any]] = []
    for item in items:
        form = None
        if item.review is None:
            form = ReviewForm(data, prefix=f"a{item.action.pk}")
        rows.append({"action": item.action, "review": item.review, "form": form})
    forms_ = [r["form"] for r in rows if r["form"] is not None]
    if request.method == "POST":
        if all(f.is_valid() for f in forms_):
            filled = [(r["action"], r["form"]) for r in rows if r["form"] is not None and r["form"].is_filled]
            if not filled:
                messages.warning(request, _("Nothing was reviewed: choose how each action went."))
            else:
                try:
                    with transaction.atomic():
                        for action, form in filled:
                            try:
                                services.review_action(
                                    acting_user=request.user,
                                    action=action,
                                    meeting=meeting,
                                    outcome=form.cleaned_data["outcome"],
                                    note=form.cleaned_data["note"],
                                    keep_open=form.cleaned_data["keep_open"],
                                    new_due_on=form.cleaned_data["new_due_on"],
                                )
                            except ValidationError as exc:
                                add_service_errors(form, exc)
                                raise
                except ValidationError:
                    pass
                except PermissionDenied as exc:
                    raise Http404 from exc
                else:
                    left = review_selectors.unreviewed_actions(meeting=meeting).count()
                    messages.success(
                        request,
                        ngettext("%(count)s action reviewed.", "%(count)s actions reviewed.", len(filled))
                        % {"count": len(filled)}
                        if left
                        else _("Every open action has been reviewed. New actions can now be added."),
                    )
                    return redirect(
                        "actions:review",
                        case_id=series.case_id,
                        measure_id=series.measure_id,
                        meeting_id=meeting.pk,
                    )
    context = _base_context(series, access)
    context.update(
        meeting=meeting,
        rows=rows,
        has_errors=any(f.errors for f in forms_),
        unreviewed=sum(1 for r in rows if r["review"] is None),
    )
    return render(request, "actions/review.html", context)


# Who has an overview (researchers work with de-identified data only).
OVERVIEW_ROLES = {Role.CASEWORKER.value, Role.CONSULTANT.value, Role.LEADER.value, Role.ADMINISTRATOR.value}


class OverviewFilter(forms.Form):
    mine = forms.BooleanField(label=_("Only what I answer for"), required=False)


@login_required
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Overdue and due-soon actions and follow-ups not scheduled, on measures the user may see."""
    if not set(roles_by_service(user=request.user).values()) & OVERVIEW_ROLES:
        raise Http404
    form = OverviewFilter(request.GET or None)
    mine = bool(form.is_valid() and form.cleaned_data["mine"])
    data = overviews.overview_for_user(user=request.user, mine=mine)  # audited there
    return render(
        request,
        "actions/overview.html",
        {"form": form, "overview": data, "mine": mine, "due_soon_days": due.DUE_SOON_DAYS},
    )


urlpatterns = [
    path("saker/<id:case_id>/tiltak/<id:measure_id>/handlinger/", plan, name="plan"),
    path("saker/<id:case_id>/tiltak/<id:measure_id>/handlinger/ny/", action_new, name="action_new"),
    path(
        "saker/<id:case_id>/tiltak/<id:measure_id>/handlinger/<id:action_id>/endre/",
        action_edit,
        name="action_edit",
    ),
    path(
        "saker/<id:case_id>/tiltak/<id:measure_id>/moter/<id:meeting_id>/gjennomgang/",
        review,
        name="review",
    ),
    path("oppfolging/", overview, name="overview"),
]
