"""The resource person's page: who, the role, the hours, what they do with whom, and what happens to the
relationship with the child when the paid measure ends."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from sirkel.core.forms import service_errors
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.meetings.forms_mentor import EngagementForm
from sirkel.meetings.kinds import Flow, kind_config
from sirkel.meetings.models import Engagement, HoursPer
from sirkel.meetings.services import engagement as engagement_services
from sirkel.meetings.views.common import MEASURE_PATH, READ_METHODS, network_url, open_series
from sirkel.network.models import NetworkMember


@login_required
def engagement(request: AuthenticatedHttpRequest, case_id: int, measure_id: int) -> HttpResponse:
    series, access = open_series(
        request, case_id, measure_id, "view" if request.method in READ_METHODS else "edit"
    )
    config = kind_config(series.kind)
    if config.flow != Flow.ENGAGEMENT:
        raise Http404
    current = engagement_services.engagement_of(series)
    can_edit = access.can_edit and series.is_open
    initial: dict[str, Any] = {"version": current.version if current else 0, "member": series.person_id}
    if current is not None:
        initial.update(
            role=current.role,
            hours=current.hours,
            hours_per=current.hours_per,
            activities=current.activities,
            after_end=current.after_end,
        )
    else:
        initial["hours_per"] = HoursPer.WEEK
    members = list(NetworkMember.objects.filter(case_id=series.case_id).order_by("name", "id"))
    form = EngagementForm(
        request.POST if request.method == "POST" else None, members=members, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        version = data.get("version")
        with service_errors(
            form,
            current_version=lambda: (
                Engagement.objects.filter(series=series).values_list("version", flat=True).first() or 0
            ),
        ) as outcome:
            engagement_services.save_engagement(
                acting_user=request.user,
                series=series,
                member=data["member"],
                new_name=data["new_name"],
                new_relation=data["new_relation"],
                role=data["role"],
                hours=data["hours"],
                hours_per=data["hours_per"],
                activities=data["activities"],
                after_end=data["after_end"],
                expected_version=version,
            )
        if outcome.ok:
            messages.success(request, _("The resource person's engagement was saved."))
            return redirect("meetings:detail", case_id=series.case_id, measure_id=series.measure_id)
    return render(
        request,
        "meetings/engagement.html",
        {
            "series": series,
            "case": series.case,
            "access": access,
            "config": config,
            "engagement": current,
            "form": form if can_edit else None,
            "network_url": network_url(series, access),
        },
    )


urlpatterns = [
    path(MEASURE_PATH + "ressursperson/", engagement, name="engagement"),
]
