"""Case list, case page, create, edit, break-glass and the leader's access overview."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from sirkel.accounts.models import Role
from sirkel.accounts.selectors import role_in_service, service_ids_with_role, services_for_user
from sirkel.accounts.tokens import token_names
from sirkel.audit.selectors import case_access_log
from sirkel.cases import composition, selectors
from sirkel.cases.access import CREATING_ROLES, WORKING_ROLES
from sirkel.cases.forms import BreakGlassForm, CaseFilterForm, CaseForm, ServiceChoiceForm
from sirkel.cases.history import case_history, plan_summary
from sirkel.cases.imports import may_import_somewhere
from sirkel.cases.models import Case, MeasureStatus, Phase
from sirkel.cases.services import break_glass, create_case, update_case
from sirkel.core.forms import service_errors
from sirkel.core.htmx import is_htmx
from sirkel.core.submissions import once_per_submission
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.core.urls import IdUrl

PAGE_SIZE = 25


@login_required
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = selectors.case_list_page(
        user=request.user,
        page_number=request.GET.get("side"),
        page_size=PAGE_SIZE,
        query=filters.get("q", ""),
        phase=filters.get("phase", ""),
        mine=bool(filters.get("mine")),
        target_group=filters.get("target", ""),
    )
    can_create = bool(service_ids_with_role(user=request.user, roles=CREATING_ROLES))
    can_break_glass = bool(service_ids_with_role(user=request.user, roles=WORKING_ROLES))
    # An empty list says why: the search hid the cases, or there are none to see at all. Only an empty
    # filtered list costs the one extra query that tells the two apart.
    if page.paginator.count:
        has_any_case = True
    elif any(filters.values()):
        has_any_case = selectors.list_cases(user=request.user).exists()
    else:
        has_any_case = False
    params = request.GET.copy()
    params.pop("side", None)
    context = {
        "form": form,
        "page": page,
        "can_create": can_create,
        "can_break_glass": can_break_glass,
        "can_import": may_import_somewhere(user=request.user),
        "has_any_case": has_any_case,
        "role_sees_cases": bool(
            service_ids_with_role(user=request.user, roles=WORKING_ROLES | {Role.LEADER.value})
        ),
        "querystring": params.urlencode(),
        # For the rows' fragment: the links made once, the phases' labels and today looked up once.
        "case_url": IdUrl("cases:detail"),
        "phase_labels": dict(Phase.choices),
        "today": timezone.localdate(),
    }
    template = "cases/partials/case_table.html" if is_htmx(request) else "cases/case_list.html"
    return render(request, template, context)


@login_required
def case_detail(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    with transaction.atomic():
        case, access = selectors.get_case_for_user(
            user=request.user,
            case_id=case_id,
            flags=("has_measures", "has_decisions", "has_handovers", "plan_version", "plan_next"),
        )
    # Measures: one query, and none for the many cases that have none.
    measures = selectors.measures_for_case(case=case) if case.has_measures else []  # type: ignore[attr-defined]
    # The processes (network measures, actions, …) add their panels; the case app imports none of them.
    panels, processes = composition.compose(user=request.user, case=case, access=access, measures=measures)
    rows = [(m, processes.get(m.pk)) for m in measures]
    plan = plan_summary(case)
    today = timezone.localdate()
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "access": access,
            "assigned": selectors.assigned_users(case=case),
            "measure_rows": [r for r in rows if r[0].status != MeasureStatus.ENDED],
            "ended_rows": [r for r in rows if r[0].status == MeasureStatus.ENDED],
            "top_panels": [p for p in panels if p.place == "top"],
            "measure_panels": [p for p in panels if p.place == "measures"],
            "plan": plan,
            "evaluation_overdue": bool(
                plan
                and plan["next_evaluation_on"]
                and plan["next_evaluation_on"] < today
                and case.phase != Phase.CLOSED
                and any(m.status != MeasureStatus.ENDED for m in measures)
            ),
            "history": case_history(
                case=case,
                measures=measures,
                has_decisions=case.has_decisions,  # type: ignore[attr-defined]
                has_plan=plan is not None,
                has_handovers=case.has_handovers,  # type: ignore[attr-defined]
                can_edit=access.can_edit,
            ),
        },
    )


@login_required
@once_per_submission
def case_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    services = services_for_user(user=request.user, roles=CREATING_ROLES)
    if not services:
        raise Http404
    service_form = ServiceChoiceForm(request.POST or request.GET or None, services=services)
    service = services[0]
    if len(services) > 1:
        if not service_form.is_valid():
            return render(request, "cases/choose_service.html", {"form": service_form})
        service = service_form.cleaned_data["service"]
    is_leader = role_in_service(user=request.user, service_id=service.pk) == Role.LEADER
    form = CaseForm(
        request.POST if request.method == "POST" else None,
        service=service,
        can_choose_caseworker=is_leader,
        initial={"caseworker": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as outcome:
            case = create_case(
                acting_user=request.user,
                service=service,
                caseworker=form.cleaned_data["caseworker"],
                assigned=list(form.cleaned_data["assigned"]),
                **form.case_fields(),
            )
        if outcome.ok:
            messages.success(request, _("The case was created."))
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/case_form.html", {"form": form, "service": service, "case": None})


@login_required
def case_edit(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    with transaction.atomic():
        case, access = selectors.get_case_for_user(user=request.user, case_id=case_id, require_edit=True)
    can_choose = access.is_leader or case.caseworker_id == request.user.pk
    initial = {"assigned": selectors.assigned_users(case=case), "version": case.version}
    form = CaseForm(
        request.POST if request.method == "POST" else None,
        instance=case,
        service=case.service,
        can_choose_caseworker=can_choose,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        with service_errors(
            form,
            conflict_message=_(
                "Someone else saved this case while you were editing it. Your changes are still in the "
                "form: open the case in a new tab to see theirs, then save again."
            ),
            current_version=lambda: Case.objects.values_list("version", flat=True).get(pk=case.pk),
        ) as outcome:
            update_case(
                acting_user=request.user,
                case=case,
                expected_version=form.cleaned_data.get("version") or case.version,
                # None keeps the stored caseworker: whoever may not choose one never changes it.
                caseworker=None if form.fields["caseworker"].disabled else form.cleaned_data["caseworker"],
                assigned=list(form.cleaned_data["assigned"]),
                **form.case_fields(),
            )
        if outcome.ok:
            messages.success(request, _("The changes were saved."))
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/case_form.html", {"form": form, "service": case.service, "case": case})


@login_required
def case_access_history(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """Who has opened the case: for the service's leaders."""
    with transaction.atomic():
        case, access = selectors.get_case_for_user(user=request.user, case_id=case_id)
    if not access.is_leader:
        raise Http404
    events = Paginator(case_access_log(case_id=case.pk), 50).get_page(request.GET.get("side"))
    # Events that came through the REST API name the token (the person is the token's user).
    ids = {e.detail["token"] for e in events.object_list if isinstance(e.detail.get("token"), int)}
    names = token_names(ids=ids)
    for event in events.object_list:
        event.token_name = names.get(event.detail.get("token"), "")
    return render(request, "cases/case_access_log.html", {"case": case, "page": events})


@login_required
def break_glass_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    services = services_for_user(user=request.user, roles=WORKING_ROLES)
    if not services:
        raise Http404
    form = BreakGlassForm(request.POST or None, services=services)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as outcome:
            case = break_glass(
                acting_user=request.user,
                service=form.cleaned_data["service"],
                number=form.cleaned_data["number"],
                reason=form.cleaned_data["reason"],
            )
        if outcome.ok:
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/break_glass.html", {"form": form})


@login_required
def break_glass_overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The leader's list of break-glass openings in their services."""
    if not service_ids_with_role(user=request.user, roles={Role.LEADER.value}):
        raise Http404
    page = selectors.break_glass_page(user=request.user, page_number=request.GET.get("side"))
    return render(request, "cases/break_glass_overview.html", {"page": page})
