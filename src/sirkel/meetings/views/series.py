"""The series of a measure: starting it, its overview page, the leader, screening, consent, and the register
of trained meeting leaders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sirkel.accounts.models import Service
from sirkel.accounts.selectors import role_in_service, services_for_user
from sirkel.actions.selectors import progress
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event
from sirkel.cases.models import Case
from sirkel.cases.selectors import CaseAccess, get_case_for_user
from sirkel.core.forms import add_service_errors
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.meetings import selectors
from sirkel.meetings.forms_series import (
    ConsentForm,
    EndSeriesForm,
    LeaderForm,
    ScreeningForm,
    StartSeriesForm,
    TrainedLeaderForm,
    WithdrawForm,
)
from sirkel.meetings.kinds import kind_config
from sirkel.meetings.models import Screening, Series
from sirkel.meetings.services import consent as consent_services
from sirkel.meetings.services import leaders as leaders_services
from sirkel.meetings.services import screening as screening_services
from sirkel.meetings.services import series as series_services
from sirkel.meetings.views.common import READ_METHODS, open_series


def _open_case(
    request: AuthenticatedHttpRequest, case_id: int, *, edit: bool = False
) -> tuple[Case, CaseAccess]:
    with transaction.atomic():
        return get_case_for_user(user=request.user, case_id=case_id, require_edit=edit, part="measures")


def _screening(series: Series) -> Screening:
    try:
        return series.screening
    except Screening.DoesNotExist:
        # Measures made before screening rows existed: show an empty screening.
        return Screening(series=series)


# --- A case's measures and starting one ----------------------------------------------------------------


@login_required
def case_measures(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case, access = _open_case(request, case_id)  # who may not see it gets 404 whatever the method
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(READ_METHODS)
    series_list = list(selectors.series_for_case(case=case))
    return render(
        request,
        "meetings/case_measures.html",
        {"case": case, "access": access, "series_list": series_list},
    )


@login_required
def start(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case, _access = _open_case(request, case_id, edit=True)
    form = StartSeriesForm(
        request.POST if request.method == "POST" else None,
        case=case,
        initial={"caseworker": case.caseworker_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            series = series_services.start_series(
                acting_user=request.user,
                case=case,
                kind=form.cleaned_data["kind"],
                caseworker=form.cleaned_data["caseworker"],
                leader=form.cleaned_data["leader"],
                purpose=form.cleaned_data["purpose"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("The measure was started. Begin with the screening."))
            return redirect("meetings:screening", case_id=series.case_id, measure_id=series.measure_id)
    return render(request, "meetings/start.html", {"case": case, "form": form})


# --- The overview page ----------------------------------------------------------------------------------


@login_required
def detail(request: AuthenticatedHttpRequest, case_id: int, measure_id: int) -> HttpResponse:
    series, access = open_series(request, case_id, measure_id, "view")
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(READ_METHODS)
    screening = _screening(series)
    context: dict[str, Any] = {
        "series": series,
        "case": series.case,
        "access": access,
        "config": kind_config(series.kind),
        "screening": screening,
        "guidance": screening_services.screening_guidance(screening),
        "consent": consent_services.consent_status(series),
        "meetings": selectors.meetings_for_series(series=series),
        "plan_summary": progress.plan_summary(series=series),
        "participation": progress.participation_over_time(series=series),
        "leader_form": LeaderForm(series=series, initial={"leader": series.leader_id})
        if access.can_edit and series.is_open
        else None,
    }
    return render(request, "meetings/detail.html", context)


@login_required
def set_leader(request: AuthenticatedHttpRequest, case_id: int, measure_id: int) -> HttpResponse:
    series, _access = open_series(request, case_id, measure_id, "edit")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = LeaderForm(request.POST, series=series)
    if form.is_valid():
        try:
            leaders_services.set_leader(
                acting_user=request.user, series=series, leader=form.cleaned_data["leader"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("The meeting leader was saved."))
            return redirect("meetings:detail", case_id=series.case_id, measure_id=series.measure_id)
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("meetings:detail", case_id=series.case_id, measure_id=series.measure_id)


# --- Screening ------------------------------------------------------------------------------------------


@login_required
def screening(request: AuthenticatedHttpRequest, case_id: int, measure_id: int) -> HttpResponse:
    series, access = open_series(
        request, case_id, measure_id, "view" if request.method in READ_METHODS else "edit"
    )
    current = _screening(series)
    can_edit = access.can_edit and not series.is_stopped
    form = ScreeningForm(request.POST if request.method == "POST" else None, instance=current)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            screening_services.save_screening(
                acting_user=request.user,
                series=series,
                violence_unacknowledged=data["violence_unacknowledged"],
                severe_conflict=data["severe_conflict"],
                parent_cognitive_difficulties=data["parent_cognitive_difficulties"],
                minority_background=data["minority_background"],
                small_network=data["small_network"],
                other_concerns=data["other_concerns"],
                decision=data["decision"],
                reasoning=data["reasoning"],
                adaptations=data["adaptations"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("The screening was saved."))
            return redirect("meetings:detail", case_id=series.case_id, measure_id=series.measure_id)
    # Guidance follows what is ticked in the form, so a rejected form still shows the advice it triggers.
    shown = current
    if form.is_bound:
        shown = Screening(
            series=series,
            **{f: bool(form.data.get(f)) for f in screening_services.SCREENING_FLAGS},
        )
    return render(
        request,
        "meetings/screening.html",
        {
            "series": series,
            "case": series.case,
            "access": access,
            "screening": current,
            "guidance": screening_services.screening_guidance(shown),
            "form": form if can_edit or form.errors else None,
            "threshold": screening_services.SMALL_NETWORK_THRESHOLD,
        },
    )


# --- Consent --------------------------------------------------------------------------------------------


@login_required
def consent_add(request: AuthenticatedHttpRequest, case_id: int, measure_id: int) -> HttpResponse:
    series, _access = open_series(request, case_id, measure_id, "edit")
    status = consent_services.consent_status(series)
    form = ConsentForm(
        request.POST if request.method == "POST" else None,
        series=series,
        initial={"informed_by": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consent_services.add_consent(
                acting_user=request.user,
                series=series,
                party=data["party"],
                party_name=data["party_name"],
                informed_about=list(data["informed_about"]),
                information_note=data["information_note"],
                informed_on=data["informed_on"],
                informed_by=data["informed_by"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("The consent was recorded."))
            return redirect("meetings:detail", case_id=series.case_id, measure_id=series.measure_id)
    return render(
        request,
        "meetings/consent_form.html",
        {"series": series, "case": series.case, "form": form, "consent": status},
    )


@login_required
def consent_withdraw(
    request: AuthenticatedHttpRequest, case_id: int, measure_id: int, consent_id: int
) -> HttpResponse:
    series, _access = open_series(request, case_id, measure_id, "run")
    consent = selectors.get_consent(series=series, consent_id=consent_id)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            consent_services.withdraw_consent(
                acting_user=request.user, series=series, consent=consent, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.warning(request, _("Consent was withdrawn. The measure is stopped."))
            return redirect("meetings:detail", case_id=series.case_id, measure_id=series.measure_id)
    return render(
        request,
        "meetings/consent_withdraw.html",
        {"series": series, "case": series.case, "consent_item": consent, "form": form},
    )


@login_required
def end(request: AuthenticatedHttpRequest, case_id: int, measure_id: int) -> HttpResponse:
    """End a measure that has run its course, with the reason and what happens next."""
    series, _access = open_series(request, case_id, measure_id, "edit")
    form = EndSeriesForm(
        request.POST if request.method == "POST" else None, initial={"ended_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            series_services.end_series(
                acting_user=request.user,
                series=series,
                reason=form.cleaned_data["reason"],
                ended_on=form.cleaned_data["ended_on"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("The measure is ended."))
            return redirect("meetings:detail", case_id=series.case_id, measure_id=series.measure_id)
    return render(request, "meetings/end.html", {"series": series, "case": series.case, "form": form})


# --- The register of trained meeting leaders ------------------------------------------------------------


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
        try:
            leaders_services.save_trained_leader(
                acting_user=request.user,
                service=service,
                user=form.cleaned_data["user"],
                **_leader_fields(form),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("The register was updated."))
            return redirect(f"{request.path}?tjeneste={service.pk}")
    own = selectors.trained_leaders_of_service(service_id=service.pk)
    shared = selectors.shared_leaders_elsewhere(service_id=service.pk)
    with transaction.atomic():
        record_event(
            actor=request.user,
            service=service,
            action=AuditAction.LIST,
            object_type="trained_leader",
            detail={"leaders": [e.pk for e in own]},
        )
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
        try:
            leaders_services.save_trained_leader(
                acting_user=request.user, service=entry.service, user=entry.user, **_leader_fields(form)
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("The register was updated."))
            return redirect(f"{reverse('meetings:leaders')}?tjeneste={entry.service_id}")
    return render(
        request, "meetings/leader_edit.html", {"entry": entry, "form": form, "service": entry.service}
    )


urlpatterns = [
    path("saker/<int:case_id>/tiltak/", case_measures, name="case_measures"),
    path("saker/<int:case_id>/tiltak/nettverk/ny/", start, name="start"),
    path("moteledere/", leaders, name="leaders"),
    path("moteledere/<int:leader_id>/", leader_edit, name="leader_edit"),
    path("saker/<int:case_id>/tiltak/<int:measure_id>/", detail, name="detail"),
    path("saker/<int:case_id>/tiltak/<int:measure_id>/moteleder/", set_leader, name="set_leader"),
    path("saker/<int:case_id>/tiltak/<int:measure_id>/egnethet/", screening, name="screening"),
    path("saker/<int:case_id>/tiltak/<int:measure_id>/avslutt/", end, name="end"),
    path("saker/<int:case_id>/tiltak/<int:measure_id>/samtykke/ny/", consent_add, name="consent_add"),
    path(
        "saker/<int:case_id>/tiltak/<int:measure_id>/samtykke/<int:consent_id>/trekk/",
        consent_withdraw,
        name="consent_withdraw",
    ),
]
