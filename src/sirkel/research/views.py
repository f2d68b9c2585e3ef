"""/forskning/: the leaders' research grants on their services, and a researcher's own projects."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sirkel.accounts.models import Role
from sirkel.accounts.selectors import service_ids_with_role
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.research import selectors, services
from sirkel.research.grant_forms import ALL, GrantForm, RevokeForm


@login_required
@require_http_methods(["GET", "POST"])
def grants(request: AuthenticatedHttpRequest) -> HttpResponse:
    data = selectors.grants_for_leader(user=request.user)  # 404 for anyone who leads no service
    form = GrantForm(
        request.POST if request.method == "POST" else None, services=data.services, projects=data.projects
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                grant = services.grant_access(
                    acting_user=request.user,
                    data=services.GrantInput(
                        project_slug=form.project_slug,
                        project_name=d["new_name"],
                        service=d["service"],
                        valid_until=d["valid_until"],
                        reason=d["reason"],
                        legal_basis=d["legal_basis"],
                        dpia_ref=d["dpia_ref"],
                        all_cases=d["scope"] == ALL,
                        case_numbers=d["case_numbers"] if d["scope"] != ALL else (),
                        researchers=tuple(d["researchers"]),
                    ),
                )
            except ValidationError as e:
                form.add_error(None, e)
            else:
                messages.success(
                    request, _("Access granted to the project %(project)s.") % {"project": grant.project.slug}
                )
                return redirect("research:grants")
        status = 400
    context = {"data": data, "form": form, "revoke_form": RevokeForm()}
    return render(request, "research/grants.html", context, status=status)


@login_required
@require_POST
def revoke(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not service_ids_with_role(user=request.user, roles={Role.LEADER.value}):
        raise Http404  # only a service's leaders revoke, and only their own service's grants
    form = RevokeForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Say which grant, and why it is revoked."), status=400)
    grant = selectors.grant_for_leader(user=request.user, grant_id=form.cleaned_data["grant"])
    try:
        services.revoke_grant(acting_user=request.user, grant=grant, reason=form.cleaned_data["reason"])
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("The grant to %(project)s is revoked.") % {"project": grant.project.slug})
    return redirect("research:grants")


@login_required
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    overview = selectors.researcher_overview(user=request.user)  # 404 for anyone not a researcher
    return render(request, "research/mine.html", {"overview": overview})


@login_required
def project(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """A project's front page for its researchers: its form, its grants and the way to its work."""
    project = selectors.project_for_researcher(user=request.user, slug=slug, page="project")
    context = {
        "project": project,
        "grants": project.grants.active().select_related("service").order_by("service__name"),
        "registrations": project.registrations.count(),
    }
    return render(request, "research/project.html", context)
