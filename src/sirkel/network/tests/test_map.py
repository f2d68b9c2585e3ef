"""The network map: every member gets its own place inside its sector and ring, and a meaningful name."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from itertools import combinations

import pytest
from django.urls import reverse
from django.utils import translation

from sirkel.accounts.models import User
from sirkel.cases.models import Case
from sirkel.network import layout, services
from sirkel.network.layout import NODE_R, Placement, accessible_name, build_map, place_members, sector_angles
from sirkel.network.models import NetworkMember, Sector, Side, SupportType
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
        acting_user=caseworker, case=case, name="Kari", ring=1, support=["emotional", "appraisal"]
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
        assert 'class="tie tie--conflict"' in svg
        assert 'role="group"' in html.split('<svg class="netmap"')[1].split(">")[0]
