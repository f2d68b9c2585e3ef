"""Perspective maps: a child's or a parent's own map of the network, drawn in the simple view, and the
comparison of several perspectives of the same network, person by person, with the differences named.

A map is drawn by a `Drawer`: a signed-in staff user (the caseworker with a tablet beside the child), or
a participant link with the purpose "map" (then the link's principal asks the access policy, and the
writes are audited with no actor and `{"via": "link"}`). Every write is audited in its own transaction.

People are linked person by person: an entry placed from the register list carries its member; an entry
written by hand is linked to the register member whose full name or first name it matches (one match
only, case-insensitive); the others stay the drawer's own names and are matched across maps by name.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sirkel.accounts.models import User
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event
from sirkel.cases.access import Do, case_access, may
from sirkel.cases.models import Case
from sirkel.evaluation.links import principal_of
from sirkel.evaluation.models import LinkPurpose, ParticipantLink
from sirkel.network.models import (
    RINGS,
    NetworkMember,
    Perspective,
    PerspectiveEntry,
    PerspectiveMap,
    SupportType,
)

MAX_ENTRIES = 40
MAX_NAME = 100
MAX_MAPS_COMPARED = 4

Drawer = User | ParticipantLink


@dataclass(frozen=True)
class Help:
    """A support type in the child's words, with its picture (a symbol in the static icon file)."""

    key: str
    words: Promise
    icon: str


# The taxonomy's support types (network.yaml), said so a child of seven understands them.
HELP = (
    Help(SupportType.EMOTIONAL, gettext_lazy("Comforts me"), "heart"),
    Help(SupportType.PRACTICAL, gettext_lazy("Helps me with things"), "hand"),
    Help(SupportType.INFORMATIONAL, gettext_lazy("Tells me things I wonder about"), "bubble"),
    Help(SupportType.APPRAISAL, gettext_lazy("Says I am good at things"), "star"),
)
HELP_KEYS = tuple(h.key for h in HELP)

RING_WORDS = {
    1: gettext_lazy("Close to me"),
    2: gettext_lazy("A bit further away"),
    3: gettext_lazy("Far away"),
}


# --- Who draws, and may they ------------------------------------------------------------------------------


def _check(drawer: Drawer, perspective_map: PerspectiveMap) -> None:
    if isinstance(drawer, ParticipantLink):
        allowed = drawer.purpose == LinkPurpose.MAP and may(
            user=principal_of(drawer), action=Do.EDIT, obj=perspective_map
        )
    else:
        allowed = case_access(user=drawer, case=perspective_map.case).can_edit
    if not allowed:
        raise PermissionDenied


def _audit(*, drawer: Drawer, perspective_map: PerspectiveMap, action: str, **detail: Any) -> None:
    if isinstance(drawer, ParticipantLink):
        actor = None
        detail = {"via": "link", "link": drawer.pk, **detail}
    else:
        actor = drawer
    record_event(
        actor=actor,
        service=perspective_map.case.service_id,
        action=action,
        object_type="perspective_map",
        object_id=perspective_map.pk,
        detail={"case": perspective_map.case_id, "perspective": perspective_map.perspective, **detail},
    )


# --- Starting a map ---------------------------------------------------------------------------------------


@transaction.atomic
def start_map(*, acting_user: User, case: Case, perspective: str, drawn_by_name: str) -> PerspectiveMap:
    """A new, empty map drawn beside the caseworker (signed in): whose perspective, and who draws it."""
    if not case_access(user=acting_user, case=case).can_edit:
        raise PermissionDenied
    if perspective not in Perspective.values or not perspective:
        raise ValidationError({"perspective": _("Choose whose map it is.")})
    name = drawn_by_name.strip()[:200]
    if not name:
        raise ValidationError({"drawn_by_name": _("Write who draws the map.")})
    perspective_map = PerspectiveMap.objects.create(
        case=case,
        perspective=perspective,
        drawn_by_name=name,
        drawn_by_user=acting_user,
        drawn_at=timezone.now(),
    )
    _audit(drawer=acting_user, perspective_map=perspective_map, action=AuditAction.CREATE)
    return perspective_map


@transaction.atomic
def map_from_register(*, acting_user: User, case: Case) -> PerspectiveMap:
    """The caseworker's perspective as the register has it now: each member, their ring and support."""
    perspective_map = start_map(
        acting_user=acting_user,
        case=case,
        perspective=Perspective.CASEWORKER,
        drawn_by_name=acting_user.display_name(),
    )
    members = NetworkMember.objects.filter(case=case).order_by("ring", "name", "id")[:MAX_ENTRIES]
    PerspectiveEntry.objects.bulk_create(
        PerspectiveEntry(
            map=perspective_map,
            member=m,
            name=m.name[:MAX_NAME],
            ring=m.ring if m.ring in RINGS else 2,
            support=sorted(s for s in m.support if s in HELP_KEYS),
            position=i,
        )
        for i, m in enumerate(members)
    )
    return perspective_map


@transaction.atomic
def map_for_link(*, link: ParticipantLink) -> PerspectiveMap:
    """The map drawn through this link: made on first opening, the link's participant as its drawer."""
    if link.purpose != LinkPurpose.MAP:
        raise PermissionDenied
    existing = PerspectiveMap.objects.select_related("case").filter(link=link).first()
    if existing is not None:
        _check(link, existing)
        return existing
    case = link.series.case
    if link.member is not None:
        drawer = link.member.name.split()[0] if link.member.name.strip() else ""
    else:
        drawer = case.child_given_name.split()[0] if case.child_given_name.strip() else ""
    perspective_map = PerspectiveMap.objects.create(
        case=case,
        perspective=link.map_perspective or Perspective.CHILD,
        drawn_by_name=drawer or "—",
        link=link,
        drawn_at=timezone.now(),
    )
    _check(link, perspective_map)
    _audit(drawer=link, perspective_map=perspective_map, action=AuditAction.CREATE)
    return perspective_map


# --- Drawing ----------------------------------------------------------------------------------------------


def match_member(*, case_id: int, name: str) -> NetworkMember | None:
    """The register member a hand-written name is: the one whose full name, or first name, it is."""
    wanted = name.strip().casefold()
    if not wanted:
        return None
    candidates = list(NetworkMember.objects.filter(case_id=case_id).only("id", "name", "case_id"))
    full = [m for m in candidates if m.name.strip().casefold() == wanted]
    if len(full) == 1:
        return full[0]
    first = [m for m in candidates if m.name.split() and m.name.split()[0].casefold() == wanted]
    return first[0] if len(first) == 1 and not full else None


def _locked(perspective_map: PerspectiveMap) -> PerspectiveMap:
    return PerspectiveMap.objects.select_for_update().select_related("case").get(pk=perspective_map.pk)


def _touch(perspective_map: PerspectiveMap) -> None:
    perspective_map.drawn_at = timezone.now()
    perspective_map.save(update_fields=["drawn_at"])


@transaction.atomic
def add_entry(
    *,
    drawer: Drawer,
    perspective_map: PerspectiveMap,
    name: str = "",
    ring: int = 2,
    member_id: int | None = None,
) -> PerspectiveEntry:
    """Place a person: a name written by the drawer, or (for staff) a member chosen from the register."""
    perspective_map = _locked(perspective_map)
    _check(drawer, perspective_map)
    if ring not in RINGS:
        raise ValidationError({"ring": _("Choose how close the person is.")})
    member = None
    if member_id is not None:
        if isinstance(drawer, ParticipantLink):
            raise PermissionDenied  # a link is offered no register list
        member = NetworkMember.objects.filter(case_id=perspective_map.case_id, pk=member_id).first()
        if member is None:
            raise ValidationError({"member": _("Choose a person in the case's network.")})
        name = name.strip() or member.name
    name = " ".join(name.split())[:MAX_NAME]
    if not name:
        raise ValidationError({"name": _("Write the person's name.")})
    entries = PerspectiveEntry.objects.filter(map=perspective_map)
    if entries.count() >= MAX_ENTRIES:
        raise ValidationError({"name": _("The map is full.")})
    if member is None:
        member = match_member(case_id=perspective_map.case_id, name=name)
    position = (entries.aggregate(top=Max("position"))["top"] or 0) + 1
    entry = PerspectiveEntry.objects.create(
        map=perspective_map, member=member, name=name, ring=ring, position=position
    )
    _touch(perspective_map)
    _audit(drawer=drawer, perspective_map=perspective_map, action=AuditAction.UPDATE, added=entry.pk)
    return entry


def _entry(perspective_map: PerspectiveMap, entry_id: int) -> PerspectiveEntry:
    entry = PerspectiveEntry.objects.filter(map=perspective_map, pk=entry_id).first()
    if entry is None:
        raise Http404
    return entry


@transaction.atomic
def change_entry(
    *,
    drawer: Drawer,
    perspective_map: PerspectiveMap,
    entry_id: int,
    op: str,
    value: str = "",
) -> PerspectiveEntry | None:
    """One change to a placed person: `closer`, `further`, `ring` (value 1–3), `help` (value a support
    type: on or off), `hide` (on or off), `remove`. None after a removal."""
    perspective_map = _locked(perspective_map)
    _check(drawer, perspective_map)
    entry = _entry(perspective_map, entry_id)
    if op == "remove":
        entry.delete()
        _touch(perspective_map)
        _audit(drawer=drawer, perspective_map=perspective_map, action=AuditAction.UPDATE, removed=entry_id)
        return None
    if op == "closer":
        entry.ring = max(RINGS[0], entry.ring - 1)
    elif op == "further":
        entry.ring = min(RINGS[-1], entry.ring + 1)
    elif op == "ring":
        if value not in {str(r) for r in RINGS}:
            raise ValidationError({"ring": _("Choose how close the person is.")})
        entry.ring = int(value)
    elif op == "help":
        if value not in HELP_KEYS:
            raise ValidationError({"help": _("Choose what the person helps with.")})
        support = set(entry.support)
        support ^= {value}
        entry.support = sorted(support)
    elif op == "hide":
        entry.hidden = not entry.hidden
    else:
        raise ValidationError(_("Unknown change."))
    entry.save(update_fields=["ring", "support", "hidden"])
    _touch(perspective_map)
    _audit(
        drawer=drawer, perspective_map=perspective_map, action=AuditAction.UPDATE, entry=entry.pk, change=op
    )
    return entry


# --- Reading ----------------------------------------------------------------------------------------------


def maps_for_case(*, case: Case) -> QuerySet[PerspectiveMap]:
    """The case's perspective maps, newest first, with their people (for a page that opened the case)."""
    return PerspectiveMap.objects.filter(case=case).prefetch_related(
        Prefetch("entries", queryset=PerspectiveEntry.objects.order_by("position", "id"))
    )


def get_map(*, case: Case, map_id: int) -> PerspectiveMap:
    perspective_map = maps_for_case(case=case).filter(pk=map_id).first()
    if perspective_map is None:
        raise Http404
    perspective_map.case = case
    return perspective_map


def entries_of(perspective_map: PerspectiveMap) -> list[PerspectiveEntry]:
    return list(PerspectiveEntry.objects.filter(map=perspective_map).order_by("position", "id"))


# --- Layout of the simple map -----------------------------------------------------------------------------

SIZE = 400
CENTRE = SIZE / 2
RING_RADII = {1: 70.0, 2: 130.0, 3: 190.0}  # the outer edge of each ring


@dataclass(frozen=True)
class Placed:
    entry: PerspectiveEntry
    x: float
    y: float
    initial: str


def place(entries: Sequence[PerspectiveEntry]) -> list[Placed]:
    """Where each person stands on the simple map: evenly round their ring, halfway across it."""
    placed: list[Placed] = []
    for ring in RINGS:
        in_ring = [e for e in entries if e.ring == ring]
        inner = RING_RADII.get(ring - 1, 34.0)  # ring 1 keeps clear of "me" in the middle
        radius = (inner + RING_RADII[ring]) / 2
        for i, entry in enumerate(in_ring):
            angle = -math.pi / 2 + (2 * math.pi * i / len(in_ring)) + (ring - 1) * 0.4
            placed.append(
                Placed(
                    entry=entry,
                    x=round(CENTRE + radius * math.cos(angle), 1),
                    y=round(CENTRE + radius * math.sin(angle), 1),
                    initial=(entry.name.strip()[:1] or "?").upper(),
                )
            )
    return placed


# --- Perspectives side by side ----------------------------------------------------------------------------


def perspective_label(perspective: str, *, child_name: str) -> str:
    """How a perspective is named in a sentence: the child by first name, the others by their role."""
    if perspective == Perspective.CHILD and child_name:
        return child_name
    return {
        Perspective.CHILD: _("the child"),
        Perspective.MOTHER: _("the mother"),
        Perspective.FATHER: _("the father"),
        Perspective.CASEWORKER: _("the caseworker"),
    }.get(Perspective(perspective) if perspective in Perspective.values else Perspective.NONE, perspective)


@dataclass(frozen=True)
class Side:
    """One map in a comparison: its label and its people (key → entry)."""

    label: str
    entries: dict[str, PerspectiveEntry]
    map: PerspectiveMap | None = None
    hidden_left_out: int = 0


@dataclass
class Row:
    key: str
    name: str
    cells: list[PerspectiveEntry | None] = field(default_factory=list)


@dataclass(frozen=True)
class Comparison:
    sides: list[Side]
    rows: list[Row]
    differences: list[str]


def person_key(entry: PerspectiveEntry) -> str:
    """How the same person is recognised on two maps: by register member, else by name."""
    if entry.member_id is not None:
        return f"member:{entry.member_id}"
    return "name:" + " ".join(entry.name.split()).casefold()


def side_of(perspective_map: PerspectiveMap, *, label: str, show_hidden: bool) -> Side:
    entries: dict[str, PerspectiveEntry] = {}
    left_out = 0
    for entry in perspective_map.entries.all():
        if entry.hidden and not show_hidden:
            left_out += 1
            continue
        entries.setdefault(person_key(entry), entry)
    return Side(label=label, entries=entries, map=perspective_map, hidden_left_out=left_out)


def _and(labels: Sequence[str]) -> str:
    if len(labels) == 1:
        return labels[0]
    return _("%(first)s and %(last)s") % {"first": ", ".join(labels[:-1]), "last": labels[-1]}


def help_words(keys: Iterable[str], *, empty: str | None = None) -> str:
    """What a person helps with, in the child's words, in the taxonomy's order."""
    wanted = set(keys)
    words = [str(h.words).lower() for h in HELP if h.key in wanted]
    if words:
        return ", ".join(words)
    return _("nothing marked") if empty is None else empty


def compare_sides(sides: Sequence[Side], *, names: dict[str, str] | None = None) -> Comparison:
    """The people of the maps, row by row (the register's name where a person is linked to it), and the
    differences in sentences: who only some name, who stands in different rings, who helps differently."""
    names = names or {}
    order: list[str] = []
    for side in sides:
        for key in side.entries:
            if key not in order:
                order.append(key)
    rows: list[Row] = []
    differences: list[str] = []
    for key in order:
        cells = [side.entries.get(key) for side in sides]
        first = next(c for c in cells if c is not None)
        name = names.get(key) or first.name
        rows.append(Row(key=key, name=name, cells=cells))
        present = [(side.label, c) for side, c in zip(sides, cells, strict=True) if c is not None]
        if len(present) < len(sides):
            differences.append(
                _("Only %(who)s names %(person)s.") % {"who": _and([p[0] for p in present]), "person": name}
                if len(present) == 1
                else _("Only %(who)s name %(person)s.")
                % {"who": _and([p[0] for p in present]), "person": name}
            )
        if len({c.ring for _label, c in present}) > 1:
            differences.append(
                _("%(person)s: %(rings)s.")
                % {
                    "person": name,
                    "rings": ", ".join(
                        _("ring %(ring)s for %(who)s") % {"ring": c.ring, "who": label}
                        for label, c in present
                    ),
                }
            )
        if len(present) > 1 and len({tuple(sorted(c.support)) for _label, c in present}) > 1:
            differences.append(
                _("%(person)s helps with: %(helps)s.")
                % {
                    "person": name,
                    "helps": "; ".join(
                        _("%(what)s for %(who)s") % {"what": help_words(c.support), "who": label}
                        for label, c in present
                    ),
                }
            )
    rows.sort(key=lambda r: (min(c.ring for c in r.cells if c is not None), r.name.casefold()))
    return Comparison(sides=list(sides), rows=rows, differences=differences)


def record_comparison(
    *, acting_user: User, case: Case, maps: Sequence[PerspectiveMap], show_hidden: bool
) -> None:
    """Record that `acting_user` read these maps of `case` side by side (and whether the people marked
    hidden were shown): a read of the case's perspective maps, audited once where the comparison is made."""
    with transaction.atomic():
        record_event(
            actor=acting_user,
            service=case.service_id,
            action=AuditAction.VIEW,
            object_type="perspective_map",
            object_id=",".join(str(m.pk) for m in maps),
            detail={"case": case.pk, "compared": [m.pk for m in maps], "show_hidden": show_hidden},
        )
