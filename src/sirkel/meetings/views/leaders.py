"""The register of trained meeting leaders: the list and editing one entry."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from sirkel.accounts.models import Service
from sirkel.accounts.selectors import role_in_service, services_for_user
from sirkel.core.forms import service_errors
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.meetings import selectors
from sirkel.meetings.forms_series import TrainedLeaderForm
from sirkel.meetings.services import leaders as leaders_services


def _register_service(request: AuthenticatedHttpRequest) -> Service:
    """The service whose register is shown: the one asked for, else the user's first."""
    services_ = services_for_user(user=request.user)
    if not services_:
        raise Http404
    wanted = request.GET.get("tjeneste") or request.POST.get("tjeneste")
    if wanted:
        chosen = [s for s in services_ if str(s.pk) == wanted]
        if not chosen:
            raise Http404
        return chosen[0]
    return services_[0]


def _may_keep_register(request: AuthenticatedHttpRequest, service: Service) -> bool:
    return role_in_service(user=request.user, service_id=service.pk) in leaders_services.REGISTER_KEEPERS


def _leader_fields(form: TrainedLeaderForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "trained_on": data["trained_on"],
        "training": data["training"],
        "shared": data["shared"],
        "active": data["active"],
        "note": data["note"],
    }


@login_required
def leaders(request: AuthenticatedHttpRequest) -> HttpResponse:
    service = _register_service(request)
    can_keep = _may_keep_register(request, service)
    if request.method == "POST" and not can_keep:
        raise Http404
    form = (
        TrainedLeaderForm(
            request.POST if request.method == "POST" else None, service=service, initial={"active": True}
        )
        if can_keep
        else None
    )
    if form is not None and request.method == "POST" and form.is_valid():
        with service_errors(form) as outcome:
            leaders_services.save_trained_leader(
                acting_user=request.user,
                service=service,
                user=form.cleaned_data["user"],
                **_leader_fields(form),
            )
        if outcome.ok:
            messages.success(request, _("The register was updated."))
            return redirect(f"{request.path}?tjeneste={service.pk}")
    own, shared = selectors.leader_register(user=request.user, service_id=service.pk)  # audited there
    return render(
        request,
        "meetings/leaders.html",
        {
            "service": service,
            "services": services_for_user(user=request.user),
            "own": own,
            "shared": shared,
            "form": form,
            "can_keep": can_keep,
        },
    )


@login_required
def leader_edit(request: AuthenticatedHttpRequest, leader_id: int) -> HttpResponse:
    entry = selectors.get_trained_leader(leader_id=leader_id)
    if (
        entry is None
        or role_in_service(user=request.user, service_id=entry.service_id)
        not in leaders_services.REGISTER_KEEPERS
    ):
        raise Http404
    form = TrainedLeaderForm(
        request.POST if request.method == "POST" else None,
        service=entry.service,
        fixed_user=entry.user,
        initial={
            "user": entry.user_id,
            "trained_on": entry.trained_on,
            "training": entry.training,
            "shared": entry.shared,
            "active": entry.active,
            "note": entry.note,
        },
    )
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as outcome:
            leaders_services.save_trained_leader(
                acting_user=request.user, service=entry.service, user=entry.user, **_leader_fields(form)
            )
        if outcome.ok:
            messages.success(request, _("The register was updated."))
            return redirect(f"{reverse('meetings:leaders')}?tjeneste={entry.service_id}")
    return render(
        request, "meetings/leader_edit.html", {"entry": entry, "form": form, "service": entry.service}
    )


urlpatterns = [
    path("moteledere/", leaders, name="leaders"),
    path("moteledere/<id:leader_id>/", leader_edit, name="leader_edit"),
]
