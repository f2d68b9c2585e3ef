"""Perspective maps: the list (and starting one beside the caseworker), the simple drawing view (for the
caseworker's tablet, and for a participant link), and several perspectives side by side.

The drawing view shows nothing but the map being drawn: the names placed on it, their rings and what they
help with. Through a link it is reached by the participant page (`draw_for_link`), which uses no session;
on the staff side it is a page of its own under the case's network, signed in, that also offers the
register's names to place (a link is offered none).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sirkel.cases.models import Case
from sirkel.cases.selectors import get_case_for_user
from sirkel.core.converters import parse_id
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.network import perspectives
from sirkel.network.models import NetworkMember, Perspective, PerspectiveMap
from sirkel.network.perspective_pages import apply_change, draw_context

READ_METHODS = ("GET", "HEAD")


class StartForm(forms.Form):
    perspective = forms.ChoiceField(
        label=gettext_lazy("Whose map"),
        choices=[c for c in Perspective.choices if c[0]],
        error_messages={"required": gettext_lazy("Choose whose map it is.")},
    )
    drawn_by_name = forms.CharField(
        label=gettext_lazy("Who draws it (first name)"),
        max_length=200,
        error_messages={"required": gettext_lazy("Write who draws the map.")},
    )


def _open_case(request: AuthenticatedHttpRequest, case_id: int, *, require_edit: bool = False) -> Case:
    with transaction.atomic():
        case, _access = get_case_for_user(
            user=request.user, case_id=case_id, require_edit=require_edit, part="network"
        )
    return case


def _child_name(case: Case) -> str:
    return case.child_given_name.split()[0] if case.child_given_name.strip() else ""


def _title(perspective_map: PerspectiveMap, case: Case) -> str:
    label = perspectives.perspective_label(perspective_map.perspective, child_name=_child_name(case))
    return _("Map: %(whose)s (drawn by %(name)s)") % {
        "whose": label[:1].upper() + label[1:],
        "name": perspective_map.drawn_by_name,
    }


# --- Staff pages -----------------------------------------------------------------------------------------


@login_required
def perspective_list(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """GET: the case's perspective maps, to draw on or compare. POST: start a map beside the caseworker,
    or the caseworker's own from the register (edit rights, else 404)."""
    if request.method not in (*READ_METHODS, "POST"):
        _open_case(request, case_id)
        return HttpResponseNotAllowed(["GET", "POST"])
    form = StartForm(
        request.POST if request.method == "POST" and "from_register" not in request.POST else None
    )
    if request.method == "POST":
        case = _open_case(request, case_id, require_edit=True)
        try:
            if "from_register" in request.POST:
                perspectives.map_from_register(acting_user=request.user, case=case)
                messages.success(request, _("The caseworker's map was made from the register."))
                return redirect("network:perspectives", case_id=case.pk)
            if form.is_valid():
                made = perspectives.start_map(
                    acting_user=request.user,
                    case=case,
                    perspective=form.cleaned_data["perspective"],
                    drawn_by_name=form.cleaned_data["drawn_by_name"],
                )
                return redirect("network:perspective_draw", case_id=case.pk, map_id=made.pk)
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            form.add_error(None, exc)
    else:
        case = _open_case(request, case_id)
    maps = list(perspectives.maps_for_case(case=case))
    # The drawers' wishes not to be shown to others, to carry by hand to the register's "leave out of
    # prints" (the child's wish does not change the register by itself: the caseworker decides).
    hidden = [(m, e) for m in maps for e in m.entries.all() if e.hidden]
    in_prints = dict(
        NetworkMember.objects.filter(
            case=case, pk__in={e.member_id for _m, e in hidden if e.member_id}
        ).values_list("pk", "hide_in_prints")
    )
    wishes = [
        {
            "who": _title(m, case),
            "name": e.name,
            "member_id": e.member_id if e.member_id in in_prints else None,
            "hidden_in_prints": in_prints.get(e.member_id or 0, False),
        }
        for m, e in hidden
    ]
    rows = [
        {"map": m, "title": _title(m, case), "size": len(m.entries.all()), "via_link": m.link_id is not None}
        for m in maps
    ]
    return render(
        request,
        "network/perspective/list.html",
        {"case": case, "rows": rows, "form": form, "wishes": wishes},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@login_required
def perspective_draw(request: AuthenticatedHttpRequest, case_id: int, map_id: int) -> HttpResponse:
    """The simple drawing view on the caseworker's tablet (signed in, edit rights): the map, and the
    register's names to place."""
    if request.method not in (*READ_METHODS, "POST"):
        _open_case(request, case_id)
        return HttpResponseNotAllowed(["GET", "POST"])
    case = _open_case(request, case_id, require_edit=True)
    perspective_map = perspectives.get_map(case=case, map_id=map_id)
    error = ""
    if request.method == "POST":
        try:
            anchor = apply_change(request, request.user, perspective_map)
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            return HttpResponseRedirect(
                reverse("network:perspective_draw", args=[case.pk, perspective_map.pk]) + "#" + anchor
            )
    register = list(
        NetworkMember.objects.filter(case=case).only("id", "name", "case_id").order_by("name", "id")
    )
    context = draw_context(perspective_map, register=register)
    context.update(
        {
            "case": case,
            "error": error,
            "switch": [],
            "form_action": reverse("network:perspective_draw", args=[case.pk, perspective_map.pk]),
            "title": _title(perspective_map, case),
            "back": reverse("network:perspectives", args=[case.pk]),
        }
    )
    return render(request, "network/perspective/draw_staff.html", context, status=400 if error else 200)


@login_required
def perspective_compare(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """2–4 perspective maps side by side (?kart=<id>, repeated), linked person by person, with the
    differences named. What a drawer did not want shown to others is left out unless ?skjulte=1."""
    case = _open_case(request, case_id)
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(["GET"])
    ids: list[int] = []
    for raw in request.GET.getlist("kart"):
        parsed = parse_id(raw)
        if parsed is None:
            raise Http404
        if parsed not in ids:
            ids.append(parsed)
    show_hidden = request.GET.get("skjulte") == "1"
    maps = list(perspectives.maps_for_case(case=case).filter(pk__in=ids)) if ids else []
    if len(maps) != len(ids):
        raise Http404
    maps.sort(key=lambda m: ids.index(m.pk))
    error = ""
    comparison = None
    if not 2 <= len(maps) <= perspectives.MAX_MAPS_COMPARED:
        error = _("Choose from 2 to 4 maps to see side by side.") if ids else ""
    else:
        child = _child_name(case)
        labels = [perspectives.perspective_label(m.perspective, child_name=child) for m in maps]
        # Two maps of the same perspective are told apart by when they were drawn.
        sides = [
            perspectives.side_of(
                m,
                label=label if labels.count(label) == 1 else f"{label} ({m.drawn_at:%d.%m.%Y})",
                show_hidden=show_hidden,
            )
            for m, label in zip(maps, labels, strict=True)
        ]
        member_ids = {e.member_id for m in maps for e in m.entries.all() if e.member_id is not None}
        names = {
            f"member:{pk}": name
            for pk, name in NetworkMember.objects.filter(case=case, pk__in=member_ids).values_list(
                "pk", "name"
            )
        }
        comparison = perspectives.compare_sides(sides, names=names)
        perspectives.record_comparison(
            acting_user=request.user, case=case, maps=maps, show_hidden=show_hidden
        )
    columns = [
        {"side": side, "placed": perspectives.place(list(side.entries.values())), "map_id": f"pmap-{i}"}
        for i, side in enumerate(comparison.sides if comparison else [], start=1)
    ]
    table = [
        {
            "name": row.name,
            "cells": [
                {"ring": c.ring, "helps": perspectives.help_words(c.support, empty=""), "hidden": c.hidden}
                if c is not None
                else None
                for c in row.cells
            ],
        }
        for row in (comparison.rows if comparison else [])
    ]
    hidden_query = urlencode([("kart", str(m.pk)) for m in maps] + [("skjulte", "1")], doseq=True)
    return render(
        request,
        "network/perspective/compare.html",
        {
            "case": case,
            "comparison": comparison,
            "columns": columns,
            "table": table,
            "error": error,
            "show_hidden": show_hidden,
            "hidden_left_out": sum(s.hidden_left_out for s in comparison.sides) if comparison else 0,
            "show_hidden_href": "?" + hidden_query,
        },
        status=400 if error else 200,
    )


urlpatterns = [
    path("perspektiver/", perspective_list, name="perspectives"),
    path("perspektiver/<id:map_id>/tegn/", perspective_draw, name="perspective_draw"),
    path("perspektiver/sammenlign/", perspective_compare, name="perspective_compare"),
]
