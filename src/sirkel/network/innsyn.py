"""The network register's part of a copy for a party's right of access (see `cases.innsyn`).

Every person in the register with their place in it; another person's phone, e-mail and address are
flagged (the recipient's own are not), and the register's notes are the service's internal notes. The
ties between people, and the dates of the saved mappings (their copies hold no more than the register).
The perspective maps (the child's or a parent's own map): whose, who drew it and when, and its people; a
person the drawer did not want shown to others is flagged, unless the copy is for the drawer.
"""

from __future__ import annotations

import re

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sirkel.cases.innsyn import INTERNAL, Contributor, Entry, Item, Recipient, Section, contact_items, day
from sirkel.cases.innsyn import flagged as flag
from sirkel.cases.models import Case, RecipientRole
from sirkel.network.models import (
    NetworkMember,
    NetworkSnapshot,
    NetworkTie,
    Perspective,
    PerspectiveEntry,
    PerspectiveMap,
)
from sirkel.network.perspectives import help_words

# A person the drawer of a perspective map did not want shown to others.
NOT_FOR_OTHERS = gettext_lazy("The one who drew the map did not want it shown to others")

# A member is a parent when their relation begins with one of these words ("Far (bor i Bergen)").
PARENT_WORDS = frozenset({"mor", "far", "mamma", "pappa", "mother", "father", "mum", "dad"})


def is_parent(relation: str) -> bool:
    words = re.findall(r"\w+", relation.lower())
    return bool(words) and words[0] in PARENT_WORDS


def parents(case: Case) -> list[tuple[int, str, str]]:
    """The members whose relation names them the child's mother or father."""
    members = NetworkMember.objects.filter(case=case).only("pk", "name", "relation").order_by("pk")
    return [(m.pk, m.name, m.relation) for m in members if is_parent(m.relation)]


def _member_entry(m: NetworkMember, recipient: Recipient) -> Entry:
    items = [
        Item(_("Relation or role"), m.relation),
        Item(_("Side"), str(m.get_side_display())),
        Item(_("Sector"), str(m.get_sector_display())),
        Item(_("Closeness"), str(m.ring)),
        *contact_items(
            m, recipient=recipient, own=recipient.is_member(m.pk), fields=("phone", "email", "address")
        ),
        flag(_("Note"), m.note, reason=INTERNAL, key=f"network.networkmember:{m.pk}:note"),
    ]
    return Entry(m.name, [i for i in items if i.value])


def sections(case: Case, recipient: Recipient) -> list[Section]:
    members = list(NetworkMember.objects.filter(case=case))
    ties = NetworkTie.objects.filter(case=case).select_related("a", "b").order_by("pk")
    snapshots = NetworkSnapshot.objects.filter(case=case).only("taken_at", "label").order_by("taken_at")
    entries = [_member_entry(m, recipient) for m in members]
    tie_items = [Item(f"{t.a.name} – {t.b.name}", str(t.get_kind_display()) or "–") for t in ties]
    if tie_items:
        entries.append(Entry(_("Ties between people"), tie_items))
    saved = [Item(day(s.taken_at.date()), s.label or _("Mapping")) for s in snapshots]
    if saved:
        entries.append(Entry(_("Saved mappings"), saved))
    entries.extend(_perspective_entries(case, recipient))
    return [Section("network", _("The network"), entries)]


def _own_map(perspective_map: PerspectiveMap, recipient: Recipient) -> bool:
    if perspective_map.perspective == Perspective.CHILD:
        return recipient.role == RecipientRole.YOUTH
    link = perspective_map.link
    return link is not None and recipient.is_member(link.member_id)


def _perspective_entries(case: Case, recipient: Recipient) -> list[Entry]:
    """Each perspective map: whose, who drew it and when, and its people; a person the drawer did not
    want shown to others is flagged (unless the copy is for the drawer)."""
    maps = (
        PerspectiveMap.objects.filter(case=case)
        .select_related("link")
        .prefetch_related(Prefetch("entries", queryset=PerspectiveEntry.objects.order_by("position", "id")))
        .order_by("drawn_at", "id")
    )
    out: list[Entry] = []
    for m in maps:
        own = _own_map(m, recipient)
        heading = _("%(whose)s map, drawn by %(name)s on %(day)s") % {
            "whose": m.get_perspective_display(),
            "name": m.drawn_by_name,
            "day": day(m.drawn_at.date()),
        }
        items = []
        for e in m.entries.all():
            value = _("ring %(ring)s; %(helps)s") % {"ring": e.ring, "helps": help_words(e.support)}
            if e.hidden and not own:
                items.append(
                    flag(e.name, value, reason=NOT_FOR_OTHERS, key=f"network.perspectiveentry:{e.pk}:all")
                )
            else:
                items.append(Item(e.name, value))
        out.append(Entry(heading, items))
    return out


contributor = Contributor(
    name="network",
    order=10,
    covers=(
        "network.networkmember",
        "network.networktie",
        "network.networksnapshot",
        "network.perspectivemap",
        "network.perspectiveentry",
    ),
    sections=sections,
    parents=parents,
)
