"""The network map: every member gets its own place inside its sector and ring, and a meaningful name."""

from __future__ import annotations

import math
import random
import re
from collections.abc import Sequence
from itertools import combinations

import pytest
from django.urls import reverse
from django.utils import translation

from sirkel.accounts.models import User
from sirkel.cases.models import Case
from sirkel.network import layout, services
from sirkel.network.layout import NODE_R, Placement, place_members, sector_angles
from sirkel.network.map import accessible_name, build_map
from sirkel.network.models import NetworkMember, NetworkTie, Sector, Side, SupportType
from sirkel.testing.fixtures import client_for

SECTORS = [s.value for s in Sector]


def members(
    specs: Sequence[tuple[str, int]], *, offsets: list[float | None] | None = None
) -> list[NetworkMember]:
    """Unsaved members with ids, as the layout sees them (it never touches the database)."""
    result = []
    for i, (sector, ring) in enumerate(specs):
        m = NetworkMember(
            id=i + 1,
            name=f"Person nummer {i + 1} med et langt navn",
            sector=sector,
            ring=ring,
            side=Side.PUBLIC if sector == Sector.SERVICES else Side.PRIVATE,
            support=[],
        )
        if offsets is not None:
            m.map_offset = offsets[i]
        result.append(m)
    return result


def angle_within(angle: float, sector: str) -> bool:
    start, end = sector_angles(sector)
    a = (angle - start) % (2 * math.pi)
    return 0 <= a <= end - start


def assert_good_layout(people: list[NetworkMember]) -> dict[int, Placement]:
    bands, placed = place_members(people)
    by_ring = {b.ring: b for b in bands}
    assert set(placed) == {m.pk for m in people}
    for m in people:
        p = placed[m.pk]
        band = by_ring[m.ring]
        radius = math.hypot(p.x - layout.CENTRE, p.y - layout.CENTRE)
        assert band.inner + NODE_R <= radius <= band.outer - NODE_R, (m.pk, m.ring, radius, band)
        angle = math.atan2(p.x - layout.CENTRE, -(p.y - layout.CENTRE))
        assert angle_within(angle, m.sector), (m.pk, m.sector, angle)
        # Clear of the sector's border lines (the shape must not cross into the next sector).
        start, end = sector_angles(m.sector)
        gap = min((angle - start) % (2 * math.pi), (end - angle) % (2 * math.pi)) * radius
        assert gap >= NODE_R, (m.pk, gap)
        assert 0 < p.x < layout.SIZE and 0 < p.y < layout.SIZE
    # Distinct places: no two members' shapes touch.
    for a, b in combinations(people, 2):
        pa, pb = placed[a.pk], placed[b.pk]
        assert math.hypot(pa.x - pb.x, pa.y - pb.y) >= 2 * NODE_R, (a.pk, b.pk)
    return placed


def test_sixty_members_spread_over_the_map_each_get_a_distinct_place_in_their_cell() -> None:
    rng = random.Random(7)
    specs = [(rng.choice(SECTORS), rng.choice([1, 2, 3])) for _ in range(60)]
    placed = assert_good_layout(members(specs))
    # With room to spare, most labels show at least eight characters.
    assert sum(1 for p in placed.values() if p.label_chars >= 8) >= 50


def test_sixty_members_in_one_crowded_cell_still_do_not_overlap() -> None:
    assert_good_layout(members([(Sector.FAMILY, 1)] * 60))


@pytest.mark.parametrize("ring", [1, 2, 3])
def test_a_big_family_in_each_ring_with_others_around(ring: int) -> None:
    specs = (
        [(Sector.FAMILY, ring)] * 30
        + [(s, r) for s in SECTORS for r in (1, 2, 3)] * 2
        + [(Sector.SCHOOL, 3)] * 6
    )
    assert len(specs) == 60
    assert_good_layout(members(specs))


def test_crowded_rings_get_more_room() -> None:
    bands, _placed = place_members(members([(Sector.FRIENDS, 3)] * 25 + [(Sector.FAMILY, 1)]))
    widths = {b.ring: b.width for b in bands}
    assert widths[3] > widths[1] and widths[3] > widths[2]
    assert bands[0].inner == layout.INNER_R and bands[-1].outer == pytest.approx(layout.OUTER_R)


def test_a_dragged_member_keeps_its_offset_and_order_in_the_sector() -> None:
    people = members([(Sector.SCHOOL, 2)] * 3, offsets=[0.9, 0.1, None])
    placed = assert_good_layout(people)
    start, _end = sector_angles(Sector.SCHOOL)
    angles = {m.pk: (placed[m.pk].angle - start) % (2 * math.pi) for m in people}
    assert angles[2] < angles[1]  # 0.1 before 0.9, clockwise
    assert angles[2] < math.pi / 4 < angles[1]


def test_a_single_member_sits_in_the_middle_of_its_cell() -> None:
    people = members([(Sector.FRIENDS, 2)])
    _bands, placed = place_members(people)
    start, end = sector_angles(Sector.FRIENDS)
    assert placed[1].angle == pytest.approx((start + end) / 2)


def test_long_names_are_cut_on_the_map_but_whole_in_the_accessible_name() -> None:
    people = members([(Sector.FAMILY, 1)] * 12)
    with translation.override("en"):
        drawn = build_map(people, [])
    for node in drawn.nodes:
        assert len(node.short_name) <= layout.LABEL_MAX_CHARS
        assert node.short_name.endswith("…")
        assert node.accessible_name.startswith(node.name)


def test_accessible_name_says_side_sector_ring_support_and_valence() -> None:
    granny = NetworkMember(
        id=1,
        name="Kari",
        relation="Mormor",
        side=Side.PRIVATE,
        sector=Sector.FAMILY,
        ring=1,
        support=[SupportType.EMOTIONAL, SupportType.PRACTICAL],
        valence="resource",
    )
    nurse = NetworkMember(
        id=2, name="Anne", side=Side.PUBLIC, sector=Sector.SERVICES, ring=3, support=[], valence="both"
    )
    with translation.override("en"):
        assert accessible_name(granny) == (
            "Kari (Mormor), private, family/relatives, ring 1, "
            "gives emotional and practical support, resource"
        )
        assert accessible_name(nurse) == (
            "Anne, public, public services, ring 3, no support recorded, both resource and stress"
        )
    with translation.override("nb"):
        name = accessible_name(granny)
        # Whatever the catalogue says, the parts come from the same translated labels.
        for part in (str(Sector.FAMILY.label).lower(), str(SupportType.EMOTIONAL.label).lower()):
            assert part in name


@pytest.mark.django_db
def test_the_map_draws_every_member_with_shape_name_and_keyboard_access(case: Case, caseworker: User) -> None:
    kari = services.add_member(
        acting_user=caseworker,
        case=case,
        name="Kari",
        relation="Mormor",
        ring=1,
        support=["emotional", "appraisal"],
    )
    nav = services.add_member(
        acting_user=caseworker,
        case=case,
        name="NAV-veileder",
        side="public",
        sector="services",
        valence="stress",
    )
    services.add_tie(acting_user=caseworker, case=case, a=kari, b=nav, kind="conflict")
    with translation.override("nb"):
        expected = {m.pk: accessible_name(m) for m in (kari, nav)}
        kinds = str(SupportType.EMOTIONAL.label)[0] + str(SupportType.APPRAISAL.label)[0]
    for route in ("network:page", "network:map"):
        html = client_for(caseworker).get(reverse(route, args=[case.pk])).content.decode()
        svg = html.split('<svg class="netmap"')[1].split("</svg>")[0]
        for pk, name in expected.items():
            node = svg.split(f'id="node-{pk}"')[1].split(">")[0]
            assert 'tabindex="0"' in node and 'role="button"' in node
            assert f'aria-label="{name}"' in node
            assert reverse("network:member_move", args=[case.pk, pk]) in node
        kari_node = svg.split(f'id="node-{kari.pk}"')[1].split("node-wrap")[0]
        nav_node = svg.split(f'id="node-{nav.pk}"')[1].split("node-wrap")[0]
        assert '<circle class="node__shape"' in kari_node and "<rect" not in kari_node
        assert '<rect class="node__shape"' in nav_node
        assert 'class="node__stress"' in nav_node and 'class="node__stress"' not in kari_node
        assert f">{kinds}</text>" in kari_node
        assert 'class="node__role"' in kari_node and ">Mormor</text>" in kari_node
        assert 'class="node__role"' not in nav_node  # no relation, no second line
        assert 'class="tie tie--conflict"' in svg
        assert 'role="group"' in html.split('<svg class="netmap"')[1].split(">")[0]


# --- relation under the name ------------------------------------------------------------------------

RELATIONS = ["Mormor", "Onkel", "Nabo", "Kontaktlærer", "Fotballtrener", "BUP", "Helsesykepleier", "PPT"]


def with_relations(people: list[NetworkMember], rng: random.Random) -> list[NetworkMember]:
    for m in people:
        m.name = (
            f"{rng.choice(['Kari', 'Ole', 'Aisha', 'Mohammed'])} {rng.choice(['Sand', 'Nilsen', 'Haugland'])}"
        )
        m.relation = rng.choice(RELATIONS)
    return people


Box = tuple[float, float, float, float]


def collisions(people: list[NetworkMember]) -> tuple[dict[int, Placement], set[tuple[int, int]]]:
    """Where everyone is, and each (label, other person) whose label touches the other's shape or label
    (0 for the child's circle)."""
    _bands, placed = place_members(people)
    labels: dict[int, Box] = {}
    shapes: dict[int, Box] = {}
    for m in people:
        p = placed[m.pk]
        label = layout._Label(p.label_chars, p.role_chars, p.label_dy)
        labels[m.pk] = layout._label_box(p, " ".join(m.name.split()), layout.short_role(m.relation), label)
        r = layout.HALO_R
        shapes[m.pk] = (p.x - r, p.y - r, p.x + r, p.y + r)
    touching = {
        (a.pk, b.pk)
        for a in people
        for b in people
        if a.pk != b.pk
        and (layout._overlaps(labels[a.pk], shapes[b.pk]) or layout._overlaps(labels[a.pk], labels[b.pk]))
    }
    c, r = layout.CENTRE, layout.CHILD_R
    touching |= {(m.pk, 0) for m in people if layout._overlaps(labels[m.pk], (c - r, c - r, c + r, c + r))}
    return placed, touching


def test_the_relation_or_role_is_shown_under_the_name() -> None:
    ole = NetworkMember(
        id=1,
        name="Ole Sand",
        relation="BUP (psykisk helsevern for barn og unge)",
        side=Side.PUBLIC,
        sector=Sector.SERVICES,
        ring=2,
        support=[],
    )
    mor = NetworkMember(id=2, name="Kari", relation="", sector=Sector.FAMILY, ring=1, support=[])
    drawn = {n.member_id: n for n in build_map([ole, mor], []).nodes}
    assert (drawn[1].short_name, drawn[1].short_role) == ("Ole Sand", "BUP")  # the short part of the name
    assert drawn[1].role_y == pytest.approx(drawn[1].label_y + layout.ROLE_LINE)
    assert drawn[1].title == "Ole Sand (BUP (psykisk helsevern for barn og unge))"  # the full text on hover
    assert drawn[2].short_role == "" and drawn[2].title == ""


def test_names_with_roles_in_a_sixty_person_map_stay_inside_their_own_space() -> None:
    rng = random.Random(3)
    people = with_relations(members([(rng.choice(SECTORS), rng.choice([1, 2, 3])) for _ in range(60)]), rng)
    placed, touching = collisions(people)
    # A label with a role touches no other person's shape or label.
    assert not {(a, b) for a, b in touching if placed[a].role_chars}
    # And the roles take no room a name needed: the same names alone collide just as often (a crowded
    # name that fits nowhere is cut to three letters and may touch a neighbour).
    for m in people:
        m.relation = ""
    assert touching == collisions(people)[1]
    # Most people show their role, and a role never takes the name below a readable length.
    assert sum(1 for p in placed.values() if p.role_chars) >= 40
    for m in people:
        p = placed[m.pk]
        if p.role_chars:
            assert p.label_chars >= min(layout.ROLE_KEEP_NAME, len(m.name))


def test_in_a_crowded_cell_the_role_gives_way_to_the_name() -> None:
    rng = random.Random(5)
    people = with_relations(members([(Sector.FAMILY, 1)] * 40), rng)
    _bands, placed = place_members(people)
    for m in people:
        p = placed[m.pk]
        assert p.role_chars == 0 or p.label_chars >= min(layout.ROLE_KEEP_NAME, len(m.name))


# --- ties never pass under the child ----------------------------------------------------------------


def path_points(d: str, steps: int = 2000) -> list[tuple[float, float]]:
    """Points along a tie's path: "M x,y L x,y" or "M x,y Q cx,cy x,y"."""
    numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", d)]
    if " L" in d:
        (ax, ay, bx, by), (px, py) = numbers, ((numbers[0] + numbers[2]) / 2, (numbers[1] + numbers[3]) / 2)
    else:
        ax, ay, px, py, bx, by = numbers
    points = []
    for i in range(steps + 1):
        t = i / steps
        u = 1 - t
        points.append((u * u * ax + 2 * u * t * px + t * t * bx, u * u * ay + 2 * u * t * py + t * t * by))
    return points


def closest_to_centre(d: str) -> float:
    return min(math.hypot(x - layout.CENTRE, y - layout.CENTRE) for x, y in path_points(d))


def tie_between(a: NetworkMember, b: NetworkMember, pk: int = 1) -> NetworkTie:
    low, high = sorted((a, b), key=lambda m: m.pk)
    return NetworkTie(id=pk, a_id=low.pk, b_id=high.pk, kind="")


def test_a_tie_between_two_people_on_opposite_sides_bends_around_the_child() -> None:
    # Family top left and school bottom right, both alone in ring 1: exactly opposite each other.
    mor, teacher = members([(Sector.FAMILY, 1), (Sector.SCHOOL, 1)])
    drawn = build_map([mor, teacher], [tie_between(mor, teacher)])
    a, b = drawn.nodes
    straight_gap = abs(
        (b.x - a.x) * (a.y - layout.CENTRE) - (a.x - layout.CENTRE) * (b.y - a.y)
    ) / math.hypot(b.x - a.x, b.y - a.y)
    assert straight_gap < 1  # the straight line would go right through the child
    (edge,) = drawn.edges
    assert " Q" in edge.path
    assert edge.path.startswith(f"M{edge.x1:.1f},{edge.y1:.1f}") and edge.path.endswith(
        f"{edge.x2:.1f},{edge.y2:.1f}"
    )
    assert closest_to_centre(edge.path) > layout.CHILD_R + 10
    assert closest_to_centre(edge.path) >= layout.TIE_CLEARANCE - 1


def test_a_tie_that_passes_clear_of_the_child_stays_straight() -> None:
    aunt, uncle = members([(Sector.FAMILY, 2), (Sector.FAMILY, 3)])
    (edge,) = build_map([aunt, uncle], [tie_between(aunt, uncle)]).edges
    assert edge.path == f"M{edge.x1:.1f},{edge.y1:.1f} L{edge.x2:.1f},{edge.y2:.1f}"


def test_no_tie_in_a_big_network_crosses_the_childs_circle() -> None:
    rng = random.Random(17)
    people = members([(rng.choice(SECTORS), rng.choice([1, 2, 3])) for _ in range(60)])
    pairs = {tuple(sorted(rng.sample(range(60), 2))) for _ in range(400)}
    ties = [tie_between(people[i], people[j], pk) for pk, (i, j) in enumerate(sorted(pairs), start=1)]
    edges = build_map(people, ties).edges
    assert len(edges) == len(ties)
    bent = [e for e in edges if " Q" in e.path]
    assert len(bent) >= 20  # many pairs sit across the centre from each other
    for edge in edges:
        assert closest_to_centre(edge.path) > layout.CHILD_R + 10, edge
        assert closest_to_centre(edge.path) >= layout.TIE_CLEARANCE - 1, edge
