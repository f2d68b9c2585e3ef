"""The network register and map: list, add, edit, move and delete members; add and remove ties.

Every route opens the case through the scoped case selector (404 for anyone without need to know);
every route but the page and the map needs edit rights (404 otherwise, also for GET). With htmx, a
successful change answers with out-of-band swaps of the map, the table and the ties (see
`partials/refresh.html`) and a message for the live region; without JavaScript, forms post and redirect.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from sirkel.cases.access import CaseAccess
from sirkel.cases.models import Case
from sirkel.cases.selectors import get_case_for_user
from sirkel.core.converters import parse_id
from sirkel.core.forms import service_errors
from sirkel.core.htmx import is_htmx
from sirkel.core.submissions import once_per_submission
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.core.urls import IdUrl
from sirkel.network import removal, selectors, services
from sirkel.network.forms import MemberForm, TieForm, member_choice_label
from sirkel.network.map import accessible_name, build_map, tie_kind_labels
from sirkel.network.metrics import metrics_for_network
from sirkel.network.models import (
    RINGS,
    ContactFrequency,
    Direction,
    NetworkMember,
    NetworkTie,
    Sector,
    Side,
    SupportType,
    Valence,
)
from sirkel.network.relations import relation_suggestions


@dataclass(frozen=True)
class MemberRow:
    member: NetworkMember
    support: list[str]
    name_for_buttons: str
    side: str
    sector: str
    edit_url: str
    delete_url: str
    valence: str
    direction: str
    contact_frequency: str


@dataclass(frozen=True)
class TieRow:
    tie: NetworkTie
    a: NetworkMember
    b: NetworkMember
    kind_label: str
    delete_url: str


def _open(request: AuthenticatedHttpRequest, case_id: int, *, edit: bool = False) -> tuple[Case, CaseAccess]:
    with transaction.atomic():
        return get_case_for_user(user=request.user, case_id=case_id, require_edit=edit, part="network")


def _context(
    case: Case,
    access: CaseAccess,
    *,
    network: selectors.Network | None = None,
    add_form: MemberForm | None = None,
    tie_form: TieForm | None = None,
    focus: str = "",
    status: str = "",
    **extra: Any,
) -> dict[str, Any]:
    """Everything the page and its partials draw, from two queries (members and ties)."""
    network = network or selectors.network_for_case(case=case)
    members = network.members
    by_id = {m.pk: m for m in members}
    support_labels = dict(SupportType.choices)
    tie_kinds = tie_kind_labels()
    side_labels: dict[str, str] = {Side.PRIVATE: _("Private"), Side.PUBLIC: _("Public")}
    sector_labels = dict(Sector.choices)
    valence_labels = dict(Valence.choices)
    direction_labels = dict(Direction.choices)
    frequency_labels = dict(ContactFrequency.choices)
    edit_url = IdUrl("network:member_edit", case.pk)
    delete_url = IdUrl("network:member_delete", case.pk)
    tie_delete_url = IdUrl("network:tie_delete", case.pk)
    rows = [
        MemberRow(
            member=m,
            support=[str(support_labels[s]) for s in m.support if s in support_labels],
            name_for_buttons=member_choice_label(m),
            side=side_labels.get(m.side, m.side),
            # A break opportunity after each slash: "School/kindergarten/work/leisure" is one long word.
            sector=str(sector_labels.get(m.sector, m.sector)).replace("/", "/\u200b"),
            edit_url=edit_url(m.pk),
            delete_url=delete_url(m.pk),
            # The choice labels looked up once per page (a model's get_…_display builds its dict anew).
            valence=str(valence_labels.get(m.valence, m.valence)),
            direction=str(direction_labels.get(m.direction, m.direction)),
            contact_frequency=str(frequency_labels.get(m.contact_frequency, m.contact_frequency)),
        )
        for m in members
    ]
    ties = [
        TieRow(
            tie=t,
            a=by_id[t.a_id],
            b=by_id[t.b_id],
            kind_label=str(tie_kinds.get(t.kind, "")),
            delete_url=tie_delete_url(t.pk),
        )
        for t in network.ties
        if t.a_id in by_id and t.b_id in by_id
    ]
    focus_kind, _sep, focus_id = focus.partition("-")
    context: dict[str, Any] = {
        "case": case,
        "focus_kind": focus_kind,
        "focus_member": parse_id(focus_id),
        "access": access,
        "rows": rows,
        "ties": ties,
        "map": build_map(members, network.ties),
        "move_url": IdUrl("network:member_move", case.pk),
        "metrics": metrics_for_network(members, network.ties),
        "focus": focus,
        "status": status,
        "relations": relation_suggestions(),
        **extra,
    }
    if access.can_edit:
        context["add_form"] = add_form = add_form or MemberForm(short=True, initial={"ring": 2})
        context["tie_form"] = tie_form = tie_form or TieForm(members=members)
        if focus == "add":
            add_form.fields["name"].widget.attrs["autofocus"] = True
        if focus == "tie":
            tie_form.fields["a"].widget.attrs["autofocus"] = True
    return context


def _refresh(
    request: AuthenticatedHttpRequest, case: Case, access: CaseAccess, *, status: str = "", **kwargs: Any
) -> HttpResponse:
    """The htmx answer to a change: out-of-band swaps only, so nothing else on the page is touched."""
    response = render(
        request, "network/partials/refresh.html", _context(case, access, status=status, **kwargs)
    )
    response["HX-Reswap"] = "none"
    return response


def _page_url(case: Case, anchor: str = "", query: str = "") -> str:
    url = reverse("network:page", args=[case.pk])
    return f"{url}{'?' + query if query else ''}{'#' + anchor if anchor else ''}"


@login_required
def network_page(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case, access = _open(request, case_id)
    if is_htmx(request):
        # A refresh (after a move on the map, or cancelling an edit): focus goes where the caller asks.
        return _refresh(
            request, case, access, focus=request.GET.get("focus", ""), refresh_table=True, refresh_ties=True
        )
    focus = "add" if request.GET.get("focus") == "add" else ""
    return render(request, "network/page.html", _context(case, access, focus=focus))


@login_required
def network_map(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """The map on its own: for a big screen, and for printing on one A4 landscape page."""
    case, access = _open(request, case_id)
    return render(request, "network/map.html", _context(case, access))


@login_required
@once_per_submission
def member_add(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case, access = _open(request, case_id, edit=True)
    if request.method != "POST":
        return redirect(_page_url(case, "member-add"))
    form = MemberForm(request.POST, short=True)
    if form.is_valid():
        with service_errors(form) as outcome:
            member = services.add_member(acting_user=request.user, case=case, **form.member_fields())
        if outcome.ok:
            status = _("%(name)s was added to the network.") % {"name": member.name}
            if is_htmx(request):
                return _refresh(
                    request,
                    case,
                    access,
                    status=status,
                    focus="add",
                    include_add_form=True,
                    refresh_table=True,
                    refresh_ties=True,
                )
            messages.success(request, status)
            return redirect(_page_url(case, "member-add", "focus=add"))
    if is_htmx(request):
        return render(
            request, "network/partials/add_form.html", {"add_form": form, "case": case, "focus": "errors"}
        )
    return render(request, "network/page.html", _context(case, access, add_form=form), status=200)


def _conflict_message() -> str:
    return _(
        "Someone else saved changes to this person while you were editing. Your changes are still in "
        "the form; what is saved now is shown below it. Save again to keep your version."
    )


@login_required
def member_edit(request: AuthenticatedHttpRequest, case_id: int, member_id: int) -> HttpResponse:
    case, access = _open(request, case_id, edit=True)
    member = selectors.get_member(case=case, member_id=member_id)
    member.case = case
    prefix = f"m{member.pk}"
    stored: NetworkMember | None = None
    if request.method == "POST":
        form = MemberForm(request.POST, instance=member, prefix=prefix)
        if form.is_valid():
            version = form.cleaned_data.get("version") or member.version
            with service_errors(
                form,
                conflict_message=_conflict_message(),
                current_version=lambda: selectors.get_member(case=case, member_id=member_id).version,
            ) as outcome:
                saved = services.update_member(
                    acting_user=request.user, member=member, expected_version=version, **form.member_fields()
                )
            if outcome.conflict:
                stored = selectors.get_member(case=case, member_id=member_id)
            if outcome.ok:
                status = _("The changes to %(name)s were saved.") % {"name": saved.name}
                if is_htmx(request):
                    return _refresh(
                        request,
                        case,
                        access,
                        status=status,
                        focus=f"edit-{saved.pk}",
                        refresh_row=saved.pk,
                        refresh_ties=True,
                    )
                messages.success(request, status)
                return redirect(_page_url(case, f"member-row-{saved.pk}"))
    else:
        form = MemberForm(instance=member, prefix=prefix, initial={"version": member.version})
        form.fields["name"].widget.attrs["autofocus"] = True
    context = {
        "case": case,
        "access": access,
        "member": member,
        "form": form,
        "stored": stored,
        "stored_support": [str(SupportType(s).label) for s in stored.support] if stored else [],
        "relations": relation_suggestions(),
    }
    if is_htmx(request):
        response = render(request, "network/partials/member_edit_row.html", context)
        response["HX-Retarget"] = f"#member-row-{member.pk}"
        response["HX-Reswap"] = "outerHTML"
        return response
    return render(request, "network/member_form.html", context)


@login_required
def member_delete(request: AuthenticatedHttpRequest, case_id: int, member_id: int) -> HttpResponse:
    case, access = _open(request, case_id, edit=True)
    member = selectors.get_member(case=case, member_id=member_id)
    member.case = case
    # What the person carries in other apps (e.g. actions in a plan): said on the page, released first.
    held = removal.holdings(
        user=request.user, member=member, data=request.POST if request.method == "POST" else None
    )
    if request.method == "POST" and all([h.form.is_valid() for h in held]):
        name = member.name
        try:
            removal.release_and_remove(
                acting_user=request.user,
                member=member,
                held=held,
                remove=lambda: services.remove_member(acting_user=request.user, member=member),
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            held[0].form.add_error(None, exc.messages)
            return _delete_page(request, case, member, held, status=400)
        status = _("%(name)s was removed from the network.") % {"name": name}
        if is_htmx(request):
            return _refresh(
                request, case, access, status=status, focus="register", refresh_table=True, refresh_ties=True
            )
        messages.success(request, status)
        return redirect(_page_url(case, "register"))
    return _delete_page(request, case, member, held, status=400 if request.method == "POST" else 200)


def _delete_page(
    request: AuthenticatedHttpRequest,
    case: Case,
    member: NetworkMember,
    held: list[removal.Holding],
    *,
    status: int,
) -> HttpResponse:
    context = {"case": case, "member": member, "name": member_choice_label(member), "held": held}
    if is_htmx(request):
        return render(request, "network/partials/member_delete_row.html", context, status=status)
    return render(request, "network/member_confirm_delete.html", context, status=status)


def _move_target(request: AuthenticatedHttpRequest) -> tuple[int, str, float | None]:
    try:
        ring = int(request.POST.get("ring", ""))
        offset_raw = request.POST.get("map_offset", "").strip()
        offset = float(offset_raw) if offset_raw else None
    except ValueError as exc:
        raise ValidationError(_("The new place on the map is not valid.")) from exc
    sector = request.POST.get("sector", "")
    if ring not in RINGS or sector not in Sector.values or (offset is not None and not 0 <= offset <= 1):
        raise ValidationError(_("The new place on the map is not valid."))
    return ring, sector, offset


@login_required
def member_move(request: AuthenticatedHttpRequest, case_id: int, member_id: int) -> HttpResponse:
    """Place a member in another ring or sector (dragged, or moved with the arrow keys on the map)."""
    case, access = _open(request, case_id, edit=True)
    member = selectors.get_member(case=case, member_id=member_id)
    member.case = case
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        ring, sector, offset = _move_target(request)
    except ValidationError as exc:
        return JsonResponse({"error": exc.messages[0]}, status=400)
    try:
        moved = services.move_member(
            acting_user=request.user, member=member, ring=ring, sector=sector, map_offset=offset
        )
    except PermissionDenied as exc:
        raise Http404 from exc
    status = _("%(name)s moved to ring %(ring)s, %(sector)s.") % {
        "name": moved.name,
        "ring": moved.ring,
        "sector": str(Sector(moved.sector).label).lower(),
    }
    if is_htmx(request):
        row = None if request.POST.get("view") == "map" else moved.pk
        return _refresh(request, case, access, status=status, focus=f"node-{moved.pk}", refresh_row=row)
    return JsonResponse(
        {
            "id": moved.pk,
            "ring": moved.ring,
            "sector": moved.sector,
            "map_offset": moved.map_offset,
            "version": moved.version,
            "label": accessible_name(moved),
            "message": status,
        }
    )


@login_required
@once_per_submission
def tie_add(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case, access = _open(request, case_id, edit=True)
    if request.method != "POST":
        return redirect(_page_url(case, "ties"))
    network = selectors.network_for_case(case=case)
    form = TieForm(request.POST, members=network.members)
    if form.is_valid():
        a, b = form.members_chosen()
        with service_errors(form) as outcome:
            services.add_tie(acting_user=request.user, case=case, a=a, b=b, kind=form.cleaned_data["kind"])
        if outcome.ok:
            status = _("Tie between %(a)s and %(b)s saved.") % {"a": a.name, "b": b.name}
            if is_htmx(request):
                return _refresh(request, case, access, status=status, focus="tie", refresh_ties=True)
            messages.success(request, status)
            return redirect(_page_url(case, "ties"))
    context = _context(case, access, network=network, tie_form=form, focus="tie-errors")
    if is_htmx(request):
        response = render(request, "network/partials/ties.html", context)
        response["HX-Retarget"] = "#network-ties"
        response["HX-Reswap"] = "outerHTML"
        return response
    return render(request, "network/page.html", context)


@login_required
def tie_delete(request: AuthenticatedHttpRequest, case_id: int, tie_id: int) -> HttpResponse:
    case, access = _open(request, case_id, edit=True)
    tie = selectors.get_tie(case=case, tie_id=tie_id)
    tie.case = case
    names = {"a": tie.a.name, "b": tie.b.name}
    if request.method == "POST":
        try:
            services.remove_tie(acting_user=request.user, tie=tie)
        except PermissionDenied as exc:
            raise Http404 from exc
        status = _("Tie between %(a)s and %(b)s removed.") % names
        if is_htmx(request):
            return _refresh(request, case, access, status=status, focus="ties", refresh_ties=True)
        messages.success(request, status)
        return redirect(_page_url(case, "ties"))
    return render(request, "network/tie_confirm_delete.html", {"case": case, "tie": tie, **names})


urlpatterns = [
    path("", network_page, name="page"),
    path("kart/", network_map, name="map"),
    path("personer/ny/", member_add, name="member_add"),
    path("personer/<id:member_id>/", member_edit, name="member_edit"),
    path("personer/<id:member_id>/slett/", member_delete, name="member_delete"),
    path("personer/<id:member_id>/flytt/", member_move, name="member_move"),
    path("band/ny/", tie_add, name="tie_add"),
    path("band/<id:tie_id>/slett/", tie_delete, name="tie_delete"),
]
