"""Geometry of the network map, computed on the server: where each person goes in their sector and ring.

The map is a square SVG (`SIZE` user units) with the child in the centre, four sectors as quadrants
(family top left, then clockwise friends, school, public services) and three rings. Each ring's width
follows how many people it holds, so a crowded ring gets more room. Within a sector–ring cell people sit
on one or more arcs ("rows"); the slots of the rows interleave, so neighbours alternate between rows and
their labels get more room. A member's `map_offset` (0..1 across the sector, set by dragging) is kept as
far as the minimum spacing allows. Labels are cut to the room they have; the full name stays in the
accessible name. Under the name, in smaller type, the relation or role where there is room for it. Ties
are drawn by `routing.tie_path`: straight, or bent around the child's circle. What the template draws is
built from these placements in `map.py`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from sirkel.network.models import (
    RINGS,
    NetworkMember,
    Sector,
)

SIZE = 1000.0
CENTRE = SIZE / 2
CHILD_R = 50.0  # the child's circle
INNER_R = 64.0  # where ring 1 starts
OUTER_R = 455.0  # where ring 3 ends
NODE_R = 16.0  # a member's circle radius (squares have the same half-width)
ROW_H = 54.0  # radial room a row of members needs: node, label below it and a gap
ROW_TIGHT = 2 * NODE_R + 6  # rows this close when a cell is crowded: labels may touch, nodes do not
EMPTY_RING = 40.0  # the least width of a ring nobody is in
TIE_CLEARANCE = INNER_R  # ties keep out of the room between the child and ring 1 (see routing.py)
EDGE_PAD = 26.0  # distance (px) between a member and the sector's border lines
DESIRED_SPACING = 92.0  # room along the arc that fits a node and a 12-character label
MIN_SPACING = 2 * NODE_R + 3  # closer than this and two members would touch
CHAR_W = 7.8  # average width of a label character at the label font size
LABEL_MAX_CHARS = 16
LABEL_MIN_CHARS = 3
HALO_R = NODE_R + 7  # a node with its stress ring: what a label must keep clear of
LABEL_H = 15.0  # a label's height above its baseline (plus the descenders below)
LABEL_BELOW = HALO_R + 14
LABEL_ABOVE = -HALO_R - 5
# The relation or role, in a smaller type on a second line under the name (sizes as in network.css).
ROLE_CHAR_W = 6.6
ROLE_LINE = 14.0  # from the name's baseline to the role's
ROLE_MIN_CHARS = 3  # fewer would say nothing: then the role is left out (it is in the accessible name)
ROLE_KEEP_NAME = 8  # the role may cost the name characters, but not below this many

# Clockwise from the top-left quadrant: Left/Right arrow keys step through this order.
SECTOR_ORDER: tuple[str, ...] = (Sector.FAMILY, Sector.FRIENDS, Sector.SCHOOL, Sector.SERVICES)


def sector_angles(sector: str) -> tuple[float, float]:
    """Start and end angle of a sector, in radians clockwise from 12 o'clock."""
    i = SECTOR_ORDER.index(sector)
    start = (i - 1) * math.pi / 2
    return start, start + math.pi / 2


def polar(radius: float, angle: float) -> tuple[float, float]:
    """A point at `radius` from the centre, `angle` radians clockwise from 12 o'clock."""
    return CENTRE + radius * math.sin(angle), CENTRE - radius * math.cos(angle)


@dataclass(frozen=True)
class Band:
    ring: int
    inner: float
    outer: float

    @property
    def width(self) -> float:
        return self.outer - self.inner


@dataclass(frozen=True)
class Placement:
    member_id: int
    x: float
    y: float
    radius: float
    angle: float
    label_chars: int  # how many characters of the name fit beside the node
    label_dy: float = LABEL_BELOW  # where the name's baseline is, relative to the node's centre
    role_chars: int = 0  # how many characters of the relation fit on the line under the name; 0: none


def _usable_arc(radius: float) -> float:
    return max(radius * math.pi / 2 - 2 * EDGE_PAD, MIN_SPACING)


def _rows_needed(count: int, radius: float) -> int:
    if count == 0:
        return 0
    return max(1, math.ceil(count * DESIRED_SPACING / _usable_arc(radius)))


def ring_bands(counts: dict[tuple[str, int], int]) -> list[Band]:
    """Split the room between the child and the edge into three rings, wider where more people sit."""
    available = OUTER_R - INNER_R
    occupied = [any(counts.get((s, ring), 0) for s in SECTOR_ORDER) for ring in RINGS]
    widths = [available / len(RINGS)] * len(RINGS)
    for _pass in range(3):
        inner = INNER_R
        demand = []
        for k, ring in enumerate(RINGS):
            mid = inner + widths[k] / 2
            rows = max(_rows_needed(counts.get((s, ring), 0), mid) for s in SECTOR_ORDER)
            demand.append(max(1, rows))
            inner += widths[k]
        needed = [d * ROW_H for d in demand]
        total = sum(needed)
        if total <= available:
            # Room to spare: share it out evenly so the rings stay close to equal.
            spare = (available - total) / len(RINGS)
            widths = [n + spare for n in needed]
        else:
            # Not enough room: every ring keeps one row (less if empty), the rest goes where the crowd is.
            floors = [ROW_H if occupied[k] else EMPTY_RING for k in range(len(RINGS))]
            extra = [d - 1 for d in demand]
            spare = available - sum(floors)
            widths = [f + spare * e / sum(extra) for f, e in zip(floors, extra, strict=True)]
    bands = []
    inner = INNER_R
    for ring, width in zip(RINGS, widths, strict=True):
        bands.append(Band(ring=ring, inner=inner, outer=inner + width))
        inner += width
    return bands


def _relax(desired: list[float], gap: float) -> list[float]:
    """Positions in [0, 1] as close to `desired` (sorted) as a minimum gap between neighbours allows."""
    xs = list(desired)
    for i in range(len(xs)):
        xs[i] = max(xs[i], 0.0 if i == 0 else xs[i - 1] + gap)
    for i in reversed(range(len(xs))):
        xs[i] = min(xs[i], 1.0 if i == len(xs) - 1 else xs[i + 1] - gap)
    return [min(1.0, max(0.0, x)) for x in xs]


def _row_counts(total: int, usable: list[float]) -> list[int]:
    """Share `total` people between rows in proportion to their arc length (largest remainder)."""
    whole = sum(usable)
    exact = [total * u / whole for u in usable]
    counts = [math.floor(e) for e in exact]
    order = sorted(range(len(usable)), key=lambda j: (counts[j] - exact[j], -usable[j]))
    for j in order[: total - sum(counts)]:
        counts[j] += 1
    return counts


def _place_cell(members: list[_Laid], sector: str, band: Band) -> list[Placement]:
    n = len(members)

    def capacity(rows: int, spacing: float) -> float:
        step = band.width / rows
        return sum(_usable_arc(band.inner + (j + 0.5) * step) / spacing for j in range(rows))

    # The fewest rows that give every label room; failing that, the fewest where nodes do not touch.
    roomy = max(1, math.floor(band.width / ROW_H))
    tight = max(roomy, math.floor(band.width / ROW_TIGHT))
    rows = next((r for r in range(1, roomy + 1) if capacity(r, DESIRED_SPACING) >= n), 0)
    if not rows:
        rows = next((r for r in range(roomy, tight + 1) if capacity(r, MIN_SPACING + 2) >= n), tight)
    step = band.width / rows
    radii = [band.inner + (j + 0.5) * step for j in range(rows)]
    usable = [_usable_arc(r) for r in radii]
    counts = _row_counts(n, usable)
    # Slots of all rows, in angular order: rows interleave, so neighbours alternate between rows.
    slots = sorted(((i + 0.5) / counts[j], j) for j in range(rows) for i in range(counts[j]) if counts[j])
    # Unplaced members keep their alphabetical order; dragged ones their offset.
    ranked = sorted(members, key=lambda m: (m.name.casefold(), m.pk))
    desired = {
        m.pk: (m.map_offset if m.map_offset is not None else (i + 0.5) / n) for i, m in enumerate(ranked)
    }
    ordered = sorted(members, key=lambda m: (desired[m.pk], m.name.casefold(), m.pk))
    by_row: list[list[tuple[float, _Laid]]] = [[] for _ in range(rows)]
    for (slot, j), member in zip(slots, ordered, strict=True):
        wish = member.map_offset if member.map_offset is not None else slot
        by_row[j].append((wish, member))
    start, end = sector_angles(sector)
    placements = []
    for j, row in enumerate(by_row):
        if not row:
            continue
        radius = radii[j]
        pad = EDGE_PAD / radius
        lo, hi = start + pad, end - pad
        arc = (hi - lo) * radius
        m = len(row)
        gap = 0.0 if m == 1 else min(MIN_SPACING / arc, 1.0 / (m - 1))
        row.sort(key=lambda item: item[0])
        positions = _relax([wish for wish, _m in row], gap)
        for i, ((_wish, member), pos) in enumerate(zip(row, positions, strict=True)):
            neighbours = [abs(pos - positions[k]) * arc for k in (i - 1, i + 1) if 0 <= k < m]
            room = min([*neighbours, DESIRED_SPACING * 2])
            chars = max(LABEL_MIN_CHARS, min(LABEL_MAX_CHARS, int((room - 6) / CHAR_W)))
            angle = lo + pos * (hi - lo)
            x, y = polar(radius, angle)
            placements.append(Placement(member.pk, x, y, radius, angle, chars))
    return placements


Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class _Label:
    name_chars: int
    role_chars: int
    dy: float  # the name's baseline


def _label_box(p: Placement, name: str, role: str, label: _Label) -> Box:
    """The room a label takes: the name, and under it the role if it has one."""
    width = max(min(len(name), label.name_chars) * CHAR_W, min(len(role), label.role_chars) * ROLE_CHAR_W)
    half = width / 2 + 2
    bottom = label.dy + (ROLE_LINE if label.role_chars else 0)
    return (p.x - half, p.y + label.dy - LABEL_H + 3, p.x + half, p.y + bottom + 4)


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _free(box: Box, taken: list[Box], nodes: list[Box]) -> bool:
    return not any(_overlaps(box, other) for other in taken) and not any(_overlaps(box, n) for n in nodes)


def _fit_labels(placed: list[Placement], names: dict[int, str], roles: dict[int, str]) -> list[Placement]:
    """Put each label below or above its node, as long as the room allows, clear of every node and of
    the labels already placed and of the child's circle (the map's border is no limit: labels may reach
    into the margin).

    Names first, for everyone; then a second line with the relation or role wherever it fits without
    cutting the name short or touching anything: a role never takes room a name needs."""
    nodes = [(p.x - HALO_R, p.y - HALO_R, p.x + HALO_R, p.y + HALO_R) for p in placed]
    nodes.append((CENTRE - CHILD_R, CENTRE - CHILD_R, CENTRE + CHILD_R, CENTRE + CHILD_R))  # the child
    taken: dict[int, Box] = {}
    labels: dict[int, _Label] = {}
    # Crowded places first, so the most constrained labels choose before the others.
    order = sorted(placed, key=lambda p: (p.label_chars, p.member_id))
    for p in order:
        name = names[p.member_id]
        wanted = max(LABEL_MIN_CHARS, min(LABEL_MAX_CHARS, len(name), p.label_chars + 4))
        best = _Label(LABEL_MIN_CHARS, 0, LABEL_BELOW)
        for dy in (LABEL_BELOW, LABEL_ABOVE):
            for chars in range(wanted, best.name_chars, -1):
                if _free(_label_box(p, name, "", _Label(chars, 0, dy)), list(taken.values()), nodes):
                    best = _Label(chars, 0, dy)
                    break
        labels[p.member_id] = best
        taken[p.member_id] = _label_box(p, name, "", best)
    for p in order:
        name, role = names[p.member_id], roles.get(p.member_id, "")
        if not role:
            continue
        others = [box for member_id, box in taken.items() if member_id != p.member_id]
        with_role = _with_role(p, name, role, labels[p.member_id], others, nodes)
        if with_role is not None:
            labels[p.member_id] = with_role
            taken[p.member_id] = _label_box(p, name, role, with_role)
    return [
        Placement(p.member_id, p.x, p.y, p.radius, p.angle, lab.name_chars, lab.dy, lab.role_chars)
        for p in placed
        for lab in [labels[p.member_id]]
    ]


def _with_role(
    p: Placement, name: str, role: str, alone: _Label, taken: list[Box], nodes: list[Box]
) -> _Label | None:
    """The widest two-line label that fits and shows enough of both, or None. `alone` is the name's own
    label: the role may cost it a few characters, but never below `ROLE_KEEP_NAME`."""
    # The width is counted in name characters; the role, in smaller type, gets as many as fit in it.
    role_wanted = math.ceil(len(role) * ROLE_CHAR_W / CHAR_W)
    most = max(alone.name_chars, min(LABEL_MAX_CHARS, role_wanted, p.label_chars + 4))
    enough = min(ROLE_KEEP_NAME, len(name))
    if alone.name_chars < enough:
        return None
    for width in range(most, LABEL_MIN_CHARS - 1, -1):
        name_chars = min(width, alone.name_chars)
        role_chars = min(len(role), int(width * CHAR_W / ROLE_CHAR_W))
        if name_chars < enough or role_chars < min(ROLE_MIN_CHARS, len(role)):
            return None
        # Below the node the role goes under the name; above it, the name moves up to make room.
        for dy in (LABEL_BELOW, LABEL_ABOVE - ROLE_LINE):
            label = _Label(max(name_chars, LABEL_MIN_CHARS), role_chars, dy)
            if _free(_label_box(p, name, role, label), taken, nodes):
                return label
    return None


class _Laid(NamedTuple):
    """What the layout reads of a member, and nothing else: the key of its cache."""

    pk: int
    sector: str
    ring: int
    name: str
    relation: str
    map_offset: float | None


def place_members(members: Sequence[NetworkMember]) -> tuple[list[Band], dict[int, Placement]]:
    """The ring bands and every member's position.

    The layout is a pure function of the members' ids, sectors, rings, names, relations and chosen
    offsets, and fitting sixty labels takes a third of the network page's time, so the result for a
    given network is kept (bounded, per process) until any of those changes: a key of exactly those
    fields can never give a stale map."""
    key = tuple(_Laid(m.pk, m.sector, m.ring, m.name, m.relation, m.map_offset) for m in members)
    bands, placed = _place_cached(key)
    return list(bands), dict(placed)


@lru_cache(maxsize=256)
def _place_cached(members: tuple[_Laid, ...]) -> tuple[tuple[Band, ...], dict[int, Placement]]:
    bands, placed = _place(members)
    return tuple(bands), placed


def _place(members: Sequence[_Laid]) -> tuple[list[Band], dict[int, Placement]]:
    cells: dict[tuple[str, int], list[_Laid]] = {}
    for m in members:
        cells.setdefault((m.sector, m.ring), []).append(m)
    bands = ring_bands({key: len(v) for key, v in cells.items()})
    by_ring = {b.ring: b for b in bands}
    placements: list[Placement] = []
    for (sector, ring), cell in cells.items():
        placements.extend(_place_cell(cell, sector, by_ring[ring]))
    names = {m.pk: " ".join(m.name.split()) for m in members}
    roles = {m.pk: short_role(m.relation) for m in members if short_role(m.relation)}
    return bands, {p.member_id: p for p in _fit_labels(placements, names, roles)}


def truncate(name: str, chars: int) -> str:
    name = " ".join(name.split())
    return name if len(name) <= chars else name[: max(1, chars - 1)].rstrip() + "…"


def short_role(relation: str) -> str:
    """The relation as the map shows it: of "BUP (psykisk helsevern for barn og unge)" the shorter part,
    "BUP"; anything else as it is, on one line."""
    relation = " ".join(relation.split())
    match = re.fullmatch(r"(.+?)\s*\((.+)\)", relation)
    if match:
        return min(match.groups(), key=len).strip()
    return relation
