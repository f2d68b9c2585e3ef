"""The simple drawing view of a perspective map, shared by the participant page of a map link
(`draw_for_link`, called by `evaluation.public_views`) and the caseworker's tablet page
(`network.views.perspectives`). Kept apart from the views' URL module, which the participant pages must
not import before the URL converters exist."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from sirkel.core.converters import parse_id
from sirkel.evaluation.models import ParticipantLink
from sirkel.network import perspectives
from sirkel.network.models import RINGS, NetworkMember, PerspectiveMap

# --- Drawing: shared by the staff page and the link ------------------------------------------------------


def apply_change(request: HttpRequest, drawer: perspectives.Drawer, perspective_map: PerspectiveMap) -> str:
    """Apply one POSTed change to the map; the anchor to return to. ValidationError for bad input."""
    do = request.POST.get("do", "")
    if do == "add":
        ring = parse_id(request.POST.get("ring", ""))
        member = parse_id(request.POST.get("member", ""))
        entry = perspectives.add_entry(
            drawer=drawer,
            perspective_map=perspective_map,
            name=request.POST.get("name", ""),
            ring=ring if ring is not None else 0,
            member_id=member,
        )
        return f"person-{entry.pk}"
    entry_id = parse_id(request.POST.get("entry", ""))
    if entry_id is None:
        raise ValidationError(_("Choose a person on the map."))
    op, _sep, value = do.partition(":")
    kept = perspectives.change_entry(
        drawer=drawer, perspective_map=perspective_map, entry_id=entry_id, op=op, value=value
    )
    return f"person-{kept.pk}" if kept is not None else "people"


def draw_context(
    perspective_map: PerspectiveMap, *, register: list[NetworkMember] | None = None
) -> dict[str, Any]:
    entries = perspectives.entries_of(perspective_map)
    placed = perspectives.place(entries)
    placed_members = {e.member_id for e in entries}
    by_ring = [
        {"ring": r, "words": perspectives.RING_WORDS[r], "names": [e.name for e in entries if e.ring == r]}
        for r in RINGS
    ]
    return {
        "map": perspective_map,
        "entries": [
            {
                "entry": e,
                "ring_words": perspectives.RING_WORDS[e.ring],
                "helps": [
                    {"key": h.key, "words": h.words, "icon": h.icon, "on": h.key in e.support}
                    for h in perspectives.HELP
                ],
            }
            for e in entries
        ],
        "placed": placed,
        "by_ring": by_ring,
        "rings": [{"ring": r, "words": perspectives.RING_WORDS[r]} for r in RINGS],
        "register": [m for m in register if m.pk not in placed_members] if register is not None else None,
    }


def draw_for_link(request: HttpRequest, link: ParticipantLink, context: dict[str, Any]) -> HttpResponse:
    """The participant page of a map link: the holder's own map and nothing else (called by
    `evaluation.public_views`, which has resolved the link and counted its use)."""
    perspective_map = perspectives.map_for_link(link=link)
    error = ""
    if request.method == "POST":
        try:
            anchor = apply_change(request, link, perspective_map)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            return HttpResponseRedirect(
                request.path + "?" + urlencode({"lang": context["language"], "saved": "1"}) + "#" + anchor
            )
    context.update(draw_context(perspective_map))
    context.update({"error": error, "form_action": context["form_action"]})
    return render(request, "network/perspective/draw_link.html", context, status=400 if error else 200)
