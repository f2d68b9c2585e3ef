"""The network map as the template draws it: nodes, ties, sectors and rings, with an accessible name for
each person, built from the placements `layout.py` computes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from sirkel.network.layout import (
    CENTRE,
    CHILD_R,
    OUTER_R,
    ROLE_LINE,
    SECTOR_ORDER,
    SIZE,
    TIE_CLEARANCE,
    place_members,
    polar,
    sector_angles,
    short_role,
    truncate,
)
from sirkel.network.models import (
    NetworkMember,
    NetworkTie,
    Sector,
    Side,
    SupportType,
    TieKind,
    Valence,
)
from sirkel.network.routing import tie_path


@dataclass(frozen=True)
class MapNode:
    member_id: int
    x: float
    y: float
    ring: int
    sector: str
    is_public: bool
    valence: str
    short_name: str
    name: str
    badges: str
    accessible_name: str
    label_y: float
    short_role: str = ""  # the relation or role under the name ("" when there is none, or no room)
    role_y: float = 0.0
    title: str = ""  # name and relation in full, when the map shows less of them


@dataclass(frozen=True)
class MapEdge:
    tie_id: int
    a: int
    b: int
    x1: float
    y1: float
    x2: float
    y2: float
    kind: str
    kind_label: str
    path: str  # straight, or bent around the child's circle


@dataclass(frozen=True)
class MapSector:
    key: str
    label: str
    path: str  # the quadrant's background, from the child's circle to the outer edge
    label_x: float
    label_y: float
    anchor: str
    count: int


@dataclass(frozen=True)
class MapRing:
    ring: int
    inner: float
    outer: float
    label_y: float


@dataclass(frozen=True)
class NetworkMap:
    size: float
    centre: float
    child_r: float
    outer_r: float
    tie_clearance: float
    rings: list[MapRing]
    sectors: list[MapSector]
    nodes: list[MapNode]
    edges: list[MapEdge]
    dividers: list[tuple[float, float, float, float]]  # the lines between the sectors
    support_badges: list[tuple[str, str]]  # (letter, label) for the legend


def tie_kind_labels() -> dict[str, str]:
    """The kinds of tie, labelled in the active language."""
    return {kind.value: str(kind.label) for kind in TieKind}


def support_letter(support: str) -> str:
    """The badge letter of a support type: the first letter of its label (E, P, I, A in both languages)."""
    return str(SupportType(support).label)[:1].upper()


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {_('and')} {items[-1]}"


@dataclass(frozen=True)
class _Words:
    """The words of the accessible names, looked up once for a whole map in the active language."""

    private: str
    public: str
    sectors: dict[str, str]
    supports: dict[str, str]
    valences: dict[str, str]


def _words() -> _Words:
    return _Words(
        private=pgettext("map", "private"),
        public=pgettext("map", "public"),
        sectors={str(key): str(label).lower() for key, label in Sector.choices},
        supports={str(key): str(label).lower() for key, label in SupportType.choices},
        valences={
            Valence.RESOURCE: pgettext("map", "resource"),
            Valence.STRESS: pgettext("map", "stress"),
            Valence.BOTH: pgettext("map", "both resource and stress"),
        },
    )


def accessible_name(member: NetworkMember, words: _Words | None = None) -> str:
    """E.g. "Mormor Kari, privat, familie/slekt, ring 1, gir emosjonell og praktisk støtte, ressurs"."""
    words = words or _words()
    side = words.private if member.side == Side.PRIVATE else words.public
    sector = words.sectors.get(member.sector) or str(member.sector)
    kinds = [words.supports[s] for s in member.support if s in words.supports]
    if kinds:
        support = _("gives %(kinds)s support") % {"kinds": _join(kinds)}
    else:
        support = _("no support recorded")
    valence = words.valences.get(member.valence, "")
    name = member.name if not member.relation else f"{member.name} ({member.relation})"
    ring = _("ring %(ring)s") % {"ring": member.ring}
    return ", ".join([name, side, sector, ring, support, valence])


def _sector_path(sector: str) -> str:
    start, end = sector_angles(sector)
    x0, y0 = polar(CHILD_R, start)
    x1, y1 = polar(OUTER_R, start)
    x2, y2 = polar(OUTER_R, end)
    x3, y3 = polar(CHILD_R, end)
    return (
        f"M{x0:.1f},{y0:.1f} L{x1:.1f},{y1:.1f} A{OUTER_R:.0f},{OUTER_R:.0f} 0 0 1 {x2:.1f},{y2:.1f} "
        f"L{x3:.1f},{y3:.1f} A{CHILD_R:.0f},{CHILD_R:.0f} 0 0 0 {x0:.1f},{y0:.1f} Z"
    )


_CORNERS: dict[str, tuple[float, float, str]] = {
    Sector.FAMILY: (12.0, 32.0, "start"),
    Sector.FRIENDS: (SIZE - 12, 32.0, "end"),
    Sector.SCHOOL: (SIZE - 12, SIZE - 14, "end"),
    Sector.SERVICES: (12.0, SIZE - 14, "start"),
}


def build_map(members: Sequence[NetworkMember], ties: Sequence[NetworkTie]) -> NetworkMap:
    """Everything the map template draws, in the active language."""
    bands, placed = place_members(members)
    words = _words()
    nodes = []
    for m in members:
        p = placed[m.pk]
        name = truncate(m.name, p.label_chars)
        role = truncate(short_role(m.relation), p.role_chars) if p.role_chars else ""
        cut = name != m.name or (bool(m.relation) and role != " ".join(m.relation.split()))
        nodes.append(
            MapNode(
                member_id=m.pk,
                x=round(p.x, 1),
                y=round(p.y, 1),
                ring=m.ring,
                sector=m.sector,
                is_public=m.side == Side.PUBLIC,
                valence=m.valence,
                short_name=name,
                name=m.name,
                badges="".join(support_letter(s) for s in m.support if s in SupportType.values),
                accessible_name=accessible_name(m, words),
                label_y=round(p.label_dy, 1),
                short_role=role,
                role_y=round(p.label_dy + ROLE_LINE, 1),
                title=(f"{m.name} ({m.relation})" if m.relation else m.name) if cut else "",
            )
        )
    tie_labels = tie_kind_labels()
    edges = []
    for t in ties:
        if t.a_id not in placed or t.b_id not in placed:
            continue
        x1, y1 = round(placed[t.a_id].x, 1), round(placed[t.a_id].y, 1)
        x2, y2 = round(placed[t.b_id].x, 1), round(placed[t.b_id].y, 1)
        edges.append(
            MapEdge(
                tie_id=t.pk,
                a=t.a_id,
                b=t.b_id,
                x1=x1,
                y1=y1,
                x2=x2,
                y2=y2,
                kind=t.kind,
                kind_label=str(tie_labels.get(t.kind, "")),
                path=tie_path(x1, y1, x2, y2, centre=CENTRE, clearance=TIE_CLEARANCE).d,
            )
        )
    sectors = [
        MapSector(
            key=s,
            label=str(Sector(s).label),
            path=_sector_path(s),
            label_x=_CORNERS[s][0],
            label_y=_CORNERS[s][1],
            anchor=_CORNERS[s][2],
            count=sum(1 for m in members if m.sector == s),
        )
        for s in SECTOR_ORDER
    ]
    dividers = []
    for s in SECTOR_ORDER:
        start, _end = sector_angles(s)
        x1, y1 = polar(CHILD_R, start)
        x2, y2 = polar(OUTER_R, start)
        dividers.append((round(x1, 1), round(y1, 1), round(x2, 1), round(y2, 1)))
    rings = [
        MapRing(b.ring, round(b.inner, 1), round(b.outer, 1), round(CENTRE - b.outer + 16, 1)) for b in bands
    ]
    return NetworkMap(
        size=SIZE,
        centre=CENTRE,
        child_r=CHILD_R,
        outer_r=OUTER_R,
        tie_clearance=TIE_CLEARANCE,
        rings=rings,
        sectors=sectors,
        nodes=nodes,
        edges=edges,
        dividers=dividers,
        support_badges=[(support_letter(s.value), str(s.label)) for s in SupportType],
    )
