"""Snapshots of the network over time: the list (and taking one by hand), one snapshot, comparing two."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sirkel.cases.access import CaseAccess
from sirkel.cases.models import Case
from sirkel.cases.selectors import get_case_for_user
from sirkel.core.converters import parse_id
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.network import audience, selectors, services
from sirkel.network.audience import Audience, Treatment
from sirkel.network.change import build_change_map, snapshot_map
from sirkel.network.compare import compare
from sirkel.network.metrics import choice_label, metrics_for_snapshot, snapshot_members
from sirkel.network.models import NetworkSnapshot, Perspective, TieKind

CURRENT = "current"
READ_METHODS = ("GET", "HEAD")


class SnapshotForm(forms.Form):
    label = forms.CharField(
        label=gettext_lazy("Label"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("For example “Before the first network meeting”."),
    )
    perspective = forms.ChoiceField(
        label=gettext_lazy("Whose view of the network"),
        choices=Perspective.choices,
        required=False,
    )


class CompareForm(forms.Form):
    a = forms.ChoiceField(label=gettext_lazy("Compare"))
    b = forms.ChoiceField(label=gettext_lazy("with"))

    def __init__(self, *args: Any, snapshots: list[NetworkSnapshot], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(s.pk), snapshot_title(s)) for s in snapshots]
        choices.append((CURRENT, _("The network now")))
        for name in ("a", "b"):
            field = self.fields[name]
            if isinstance(field, forms.ChoiceField):
                field.choices = choices


class AudienceForm(forms.Form):
    audience = forms.ChoiceField(
        label=gettext_lazy("Who is the map for?"),
        choices=Audience.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose who the map is for.")},
    )
    how = forms.ChoiceField(
        label=gettext_lazy("People who are not to be shown to the family or the network"),
        choices=Treatment.choices,
        widget=forms.RadioSelect,
        required=False,
        initial=Treatment.LEAVE_OUT,
    )

    def chosen(self) -> tuple[str, str] | None:
        """(audience, treatment) when the form was sent and is valid, else None."""
        if not self.is_bound or not self.is_valid():
            return None
        return self.cleaned_data["audience"], self.cleaned_data["how"] or Treatment.LEAVE_OUT


def audience_form(request: AuthenticatedHttpRequest) -> AudienceForm:
    """The audience chooser, bound when the request says who the map is for."""
    if "audience" in request.GET:
        return AudienceForm(request.GET)
    return AudienceForm(initial={"how": Treatment.LEAVE_OUT})


@dataclass(frozen=True)
class State:
    """One side of a comparison: a snapshot, or the live network (snapshot None)."""

    ref: str
    title: str
    data: dict[str, Any]
    snapshot: NetworkSnapshot | None = None


def snapshot_title(snapshot: NetworkSnapshot) -> str:
    """How a snapshot is named in lists and choices: its date and time, then its label if it has one."""
    when = date_format(timezone.localtime(snapshot.taken_at), "SHORT_DATETIME_FORMAT")
    return f"{when} – {snapshot.label}" if snapshot.label else when


def _open_case(
    request: AuthenticatedHttpRequest, case_id: int, *, require_edit: bool = False
) -> tuple[Case, CaseAccess]:
    """The case, read through the scoped selector (404 and audited) in its own transaction."""
    with transaction.atomic():
        return get_case_for_user(
            user=request.user, case_id=case_id, require_edit=require_edit, part="network"
        )


def _live_side(case: Case) -> State:
    network = selectors.network_for_case(case=case)
    data = services.snapshot_data(members=network.members, ties=network.ties)
    return State(ref=CURRENT, title=_("The network now"), data=data)


def _resolve(case: Case, ref: str, live: dict[str, State]) -> State:
    """A side to compare: "current", or the id of one of this case's snapshots (else 404)."""
    if ref == CURRENT:
        if CURRENT not in live:
            live[CURRENT] = _live_side(case)
        return live[CURRENT]
    snapshot_id = parse_id(ref)
    if snapshot_id is None:
        raise Http404
    snapshot = selectors.get_snapshot(case=case, snapshot_id=snapshot_id)
    return State(ref=ref, title=snapshot_title(snapshot), data=snapshot.data, snapshot=snapshot)


@login_required
def snapshot_list(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """GET: the case's snapshots. POST: take a snapshot by hand (needs edit rights, else 404)."""
    if request.method == "POST":
        form = SnapshotForm(request.POST)
        with transaction.atomic():
            case, access = get_case_for_user(
                user=request.user, case_id=case_id, require_edit=True, part="network"
            )
            if form.is_valid():
                try:
                    services.take_snapshot(
                        acting_user=request.user,
                        case=case,
                        label=form.cleaned_data["label"].strip(),
                        perspective=form.cleaned_data["perspective"],
                    )
                except PermissionDenied as exc:
                    raise Http404 from exc
                messages.success(request, _("The network was saved as it is now."))
                return redirect("network:snapshots", case_id=case.pk)
    elif request.method in READ_METHODS:
        case, access = _open_case(request, case_id)
        form = SnapshotForm()
    else:
        _open_case(request, case_id)
        return HttpResponseNotAllowed(["GET", "POST"])

    snapshots = list(selectors.snapshots_for_case(case=case))
    rows = [
        {
            "snapshot": s,
            "title": snapshot_title(s),
            "size": len(s.data.get("members") or []),
            "perspective": choice_label(Perspective, s.perspective) if s.perspective else "",
        }
        for s in snapshots
    ]
    compare_form = CompareForm(
        initial={"a": str(snapshots[0].pk) if snapshots else CURRENT, "b": CURRENT}, snapshots=snapshots
    )
    return render(
        request,
        "network/snapshot_list.html",
        {"case": case, "access": access, "form": form, "rows": rows, "compare_form": compare_form},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@login_required
def snapshot_detail(request: AuthenticatedHttpRequest, case_id: int, snapshot_id: int) -> HttpResponse:
    """One snapshot: who was in the network then, the ties between them, and its metrics."""
    case, access = _open_case(request, case_id)
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(["GET"])
    snapshot = selectors.get_snapshot(case=case, snapshot_id=snapshot_id)
    members = sorted(
        snapshot_members(snapshot.data), key=lambda m: (m.ring, m.sector, m.name.casefold(), m.id)
    )
    names = {m.id: m.name for m in members}
    ties: list[tuple[str, str, str | Promise]] = []
    for tie in snapshot.data.get("ties") or []:
        if (
            isinstance(tie, list)
            and len(tie) >= 2
            and tie[0] in names
            and tie[1] in names
            and tie[0] != tie[1]
        ):
            kind = str(tie[2]) if len(tie) > 2 else ""
            ties.append((names[tie[0]], names[tie[1]], choice_label(TieKind, kind)))
    return render(
        request,
        "network/snapshot_detail.html",
        {
            "case": case,
            "access": access,
            "snapshot": snapshot,
            "title": snapshot_title(snapshot),
            "perspective": choice_label(Perspective, snapshot.perspective) if snapshot.perspective else "",
            "members": members,
            "ties": ties,
            "metrics": metrics_for_snapshot(snapshot.data),
            "map": snapshot_map(snapshot.data),
            "readonly": {"can_edit": False},
        },
    )


@login_required
def compare_view(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """Compare two states (?a=<id>&b=<id>, either may be "current"); without them, latest vs now."""
    case, access = _open_case(request, case_id)
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(["GET"])
    snapshots = list(selectors.snapshots_for_case(case=case).defer("data"))
    a_ref = request.GET.get("a", "").strip()
    b_ref = request.GET.get("b", "").strip()
    if not a_ref and not b_ref and snapshots:
        a_ref, b_ref = str(snapshots[0].pk), CURRENT
    form = CompareForm({"a": a_ref, "b": b_ref} if a_ref or b_ref else None, snapshots=snapshots)
    if not a_ref or not b_ref:
        if a_ref or b_ref:
            form.is_valid()  # show "this field is required" on the missing one
        return render(
            request,
            "network/compare.html",
            {"case": case, "access": access, "form": form, "has_snapshots": bool(snapshots)},
        )
    live: dict[str, State] = {}
    before = _resolve(case, a_ref, live)
    after = _resolve(case, b_ref, live)
    chooser = audience_form(request)
    choice = chooser.chosen()
    omission = None
    before_data, after_data = before.data, after.data
    if choice is not None:
        who, how = choice
        reasons = audience.reasons_by_member(
            [before.data, after.data],
            selectors.flagged_members(case=case),
            selectors.wished_hidden(case=case),
        )
        before_data, _omitted = audience.for_audience(
            before.data, reasons=reasons, audience=who, treatment=how
        )
        after_data, omission = audience.for_audience(after.data, reasons=reasons, audience=who, treatment=how)
        # Counted once per person, whichever side they are on.
        by_reason = dict(omission.by_reason)
        after_ids = {m["id"] for m in after.data.get("members") or [] if isinstance(m, dict)}
        for m in before.data.get("members") or []:
            if isinstance(m, dict) and m.get("id") not in after_ids and int(m["id"]) in reasons:
                first = next(r for r in audience.REASONS if r in reasons[int(m["id"])])
                by_reason[first] = by_reason.get(first, 0) + 1
        omission = audience.Omission(who, how, by_reason)
        audience.record_print(
            acting_user=request.user,
            case=case,
            omission=omission,
            what="change_map",
            snapshot_ids=[s.snapshot.pk for s in (before, after) if s.snapshot is not None],
        )
    return render(
        request,
        "network/compare.html",
        {
            "case": case,
            "access": access,
            "form": form,
            "has_snapshots": bool(snapshots),
            "before": before,
            "after": after,
            "comparison": compare(before_data, after_data),
            "change": build_change_map(before_data, after_data),
            "audience_form": chooser,
            "omission": omission,
        },
    )


urlpatterns = [
    path("historikk/", snapshot_list, name="snapshots"),
    path("historikk/<id:snapshot_id>/", snapshot_detail, name="snapshot_detail"),
    path("historikk/sammenlign/", compare_view, name="compare"),
]
