"""Change between two states of the network, drawn on the map: the later map, with who joined (marked),
who left (a ghost at their old place), who moved (an arrow from the old place to the new), and the ties
that appeared, ended or turned into conflict.

Positions come from `map.build_map` over each side (snapshot data made into unsaved members and ties), so
the change map is laid out as the ordinary map is. The facts are the same as `compare.compare`'s, plus
the ties; the template lists them beside the map for screen readers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from sirkel.network.map import NetworkMap, build_map, support_letter
from sirkel.network.metrics import CONFLICT_KIND, SnapshotMember, snapshot_members, snapshot_ties
from sirkel.network.models import NetworkMember, NetworkTie, Side, SupportType, TieKind
from sirkel.network.routing import tie_path

NodeStatus = Literal["joined", "stayed", "left"]
TieStatus = Literal["appeared", "ended", "conflict", "changed", "same"]
BROKEN_KIND = TieKind.BROKEN.value


@dataclass(frozen=True)
class TieChange:
    """A tie between two members on either side. `before`/`after` is its kind, None where it is absent."""

    a: int
    b: int
    before: str | None
    after: str | None

    @property
    def status(self) -> TieStatus:
        if self.before is None or (self.before != BROKEN_KIND and self.after == BROKEN_KIND):
            return "appeared" if self.before is None else "ended"
        if self.after is None:
            return "ended"
        if self.after == CONFLICT_KIND and self.before != CONFLICT_KIND:
            return "conflict"
        return "same" if self.before == self.after else "changed"


def tie_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[TieChange]:
    """Every tie on either side, with its kind before and after (a tie turned "broken" has ended)."""
    old = {(min(a, b), max(a, b)): kind for a, b, kind in snapshot_ties(before)}
    new = {(min(a, b), max(a, b)): kind for a, b, kind in snapshot_ties(after)}
    return [TieChange(a, b, old.get((a, b)), new.get((a, b))) for a, b in sorted(old.keys() | new.keys())]


@dataclass(frozen=True)
class SupportDelta:
    member: SnapshotMember
    gained: list[str]  # support types
    lost: list[str]

    @property
    def gained_labels(self) -> list[str]:
        return [str(SupportType(s).label).lower() for s in self.gained if s in SupportType.values]

    @property
    def lost_labels(self) -> list[str]:
        return [str(SupportType(s).label).lower() for s in self.lost if s in SupportType.values]


def support_deltas(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[SupportDelta]:
    """For each member on both sides whose support changed: the kinds they started and stopped giving."""
    old = {m.id: m for m in snapshot_members(before)}
    deltas = []
    for m in snapshot_members(after):
        if m.id not in old:
            continue
        gained = [s for s in m.support if s not in old[m.id].support]
        lost = [s for s in old[m.id].support if s not in m.support]
        if gained or lost:
            deltas.append(SupportDelta(m, gained, lost))
    return sorted(deltas, key=lambda d: (d.member.name.casefold(), d.member.id))


@dataclass(frozen=True)
class ChangeNode:
    member_id: int
    x: float
    y: float
    status: NodeStatus
    is_public: bool
    valence: str
    short_name: str
    badges: str
    label_y: float
    support_y: float = 0.0  # the line with support gained and lost, beyond the name
    gained: str = ""  # badge letters of support gained ("" when none)
    lost: str = ""


@dataclass(frozen=True)
class ChangeArrow:
    member_id: int
    x1: float
    y1: float
    x2: float
    y2: float
    direction: Literal["closer", "further", "moved"]


@dataclass(frozen=True)
class ChangeEdge:
    a: int
    b: int
    status: TieStatus
    kind: str
    path: str


@dataclass(frozen=True)
class ChangeMap:
    base: NetworkMap  # the later map: its grid, rings and sectors
    nodes: list[ChangeNode]  # the later side's people, then the ghosts of those who left
    arrows: list[ChangeArrow]
    edges: list[ChangeEdge]
    ties: list[TieChange]
    support: list[SupportDelta]
    names: dict[int, str]

    def tie_names(self, status: TieStatus) -> list[tuple[str, str, str | None, str | None]]:
        """(name, name, kind before, kind after) of the ties with this status, by name."""
        names = self.names
        rows = [(names[t.a], names[t.b], t.before, t.after) for t in self.ties if t.status == status]
        return sorted(rows, key=lambda r: (r[0].casefold(), r[1].casefold()))

    @property
    def appeared(self) -> list[tuple[str, str, str | None, str | None]]:
        return self.tie_names("appeared")

    @property
    def ended(self) -> list[tuple[str, str, str | None, str | None]]:
        return self.tie_names("ended")

    @property
    def conflict(self) -> list[tuple[str, str, str | None, str | None]]:
        return self.tie_names("conflict")


def _as_members(members: list[SnapshotMember]) -> list[NetworkMember]:
    return [
        NetworkMember(
            pk=m.id,
            name=m.name,
            side=m.side,
            sector=m.sector,
            relation=m.relation,
            ring=m.ring,
            support=list(m.support),
            valence=m.valence,
            direction=m.direction,
        )
        for m in members
    ]


def _as_ties(data: Mapping[str, Any]) -> list[NetworkTie]:
    return [
        NetworkTie(pk=i, a_id=min(a, b), b_id=max(a, b), kind=kind)
        for i, (a, b, kind) in enumerate(snapshot_ties(data), start=1)
    ]


def _letters(kinds: list[str]) -> str:
    return "".join(support_letter(s) for s in kinds if s in SupportType.values)


def build_change_map(before: Mapping[str, Any], after: Mapping[str, Any]) -> ChangeMap:
    """The later map with the change from `before` drawn on it (both in the shape of snapshot data)."""
    old_members = {m.id: m for m in snapshot_members(before)}
    new_members = {m.id: m for m in snapshot_members(after)}
    old_map = build_map(_as_members(list(old_members.values())), _as_ties(before))
    new_map = build_map(_as_members(list(new_members.values())), _as_ties(after))
    old_at = {n.member_id: n for n in old_map.nodes}
    new_at = {n.member_id: n for n in new_map.nodes}
    deltas = {d.member.id: d for d in support_deltas(before, after)}

    nodes: list[ChangeNode] = []
    arrows: list[ChangeArrow] = []
    for n in new_map.nodes:
        delta = deltas.get(n.member_id)
        nodes.append(
            ChangeNode(
                member_id=n.member_id,
                x=n.x,
                y=n.y,
                status="stayed" if n.member_id in old_members else "joined",
                is_public=n.is_public,
                valence=n.valence,
                short_name=n.short_name,
                badges=n.badges,
                label_y=n.label_y,
                support_y=round(n.label_y + 14 if n.label_y > 0 else n.label_y - 16, 1),
                gained=_letters(delta.gained) if delta else "",
                lost=_letters(delta.lost) if delta else "",
            )
        )
        was = old_members.get(n.member_id)
        now = new_members[n.member_id]
        if was is not None and (was.ring != now.ring or was.sector != now.sector):
            o = old_at[n.member_id]
            direction: Literal["closer", "further", "moved"] = (
                "closer" if now.ring < was.ring else "further" if now.ring > was.ring else "moved"
            )
            arrows.append(ChangeArrow(n.member_id, o.x, o.y, n.x, n.y, direction))
    for o in old_map.nodes:
        if o.member_id not in new_members:
            nodes.append(
                ChangeNode(
                    member_id=o.member_id,
                    x=o.x,
                    y=o.y,
                    status="left",
                    is_public=old_members[o.member_id].side == Side.PUBLIC,
                    valence=o.valence,
                    short_name=o.short_name,
                    badges=o.badges,
                    label_y=o.label_y,
                )
            )

    # Where each end of a tie is drawn: at the later place, or, for someone who left, at the old one.
    at = {**{k: (v.x, v.y) for k, v in old_at.items()}, **{k: (v.x, v.y) for k, v in new_at.items()}}
    changes = tie_changes(before, after)
    edges = []
    for t in changes:
        if t.a not in at or t.b not in at:
            continue
        (x1, y1), (x2, y2) = at[t.a], at[t.b]
        kind = t.after if t.after is not None else (t.before or "")
        edges.append(
            ChangeEdge(
                a=t.a,
                b=t.b,
                status=t.status,
                kind=kind,
                path=tie_path(x1, y1, x2, y2, centre=new_map.centre, clearance=new_map.tie_clearance).d,
            )
        )
    names = {**{i: m.name for i, m in old_members.items()}, **{i: m.name for i, m in new_members.items()}}
    return ChangeMap(
        base=new_map,
        nodes=nodes,
        arrows=arrows,
        edges=edges,
        ties=[t for t in changes if t.a in names and t.b in names],
        support=list(deltas.values()),
        names=names,
    )


def snapshot_map(data: Mapping[str, Any]) -> NetworkMap:
    """The map of one snapshot (or of the live network in snapshot shape), laid out as the live map is."""
    return build_map(_as_members(snapshot_members(data)), _as_ties(data))
