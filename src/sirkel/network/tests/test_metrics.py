"""Network metrics on hand-computed examples, the same from models and from snapshots, and their display."""

from __future__ import annotations

from typing import Any

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from sirkel.accounts.models import User
from sirkel.cases.models import Case
from sirkel.network import services
from sirkel.network.metrics import (
    SnapshotMember,
    classify_ties,
    compute_metrics,
    constraint,
    diversity,
    effective_size,
    flat_metrics,
    metrics_for_network,
    metrics_for_snapshot,
    neighbours,
    snapshot_turnover,
    turnover,
)
from sirkel.network.selectors import network_for_case
from sirkel.network.templatetags.network_metrics import decimal, percent, signed, signed_points


def member(
    id: int,
    *,
    name: str = "",
    side: str = "private",
    sector: str = "family",
    ring: int = 2,
    support: tuple[str, ...] = (),
    valence: str = "resource",
    direction: str = "gives",
) -> SnapshotMember:
    return SnapshotMember(
        id=id,
        name=name or f"Person {id}",
        side=side,
        sector=sector,
        ring=ring,
        support=support,
        valence=valence,
        direction=direction,
    )


# The 5-person network used below.
#   id  side     sector    ring  support                    valence   direction
#   1   private  family    1     emotional, practical       resource  both
#   2   private  family    1     emotional                  both      gives
#   3   private  friends   2     practical                  resource  gives
#   4   public   school    2     informational, emotional   resource  receives
#   5   public   services  3     (none)                     stress    gives
# Alter–alter ties: 1–2, 1–3, 2–3.
FIVE = [
    member(1, ring=1, support=("emotional", "practical"), direction="both"),
    member(2, ring=1, support=("emotional",), valence="both"),
    member(3, sector="friends", support=("practical",)),
    member(4, side="public", sector="school", support=("informational", "emotional"), direction="receives"),
    member(5, side="public", sector="services", ring=3, valence="stress"),
]
FIVE_TIES = [(1, 2), (1, 3), (2, 3)]


def test_empty_network_has_counts_of_zero_and_no_shares() -> None:
    m = compute_metrics([], [])
    assert m.size == 0
    assert m.by_sector == {"family": 0, "friends": 0, "school": 0, "services": 0}
    assert (m.private, m.public, m.inner_ring, m.isolated, m.tie_count) == (0, 0, 0, 0, 0)
    # Every share divides by n = 0 (or by 0 possible pairs): no value rather than a misleading 0 %.
    assert m.public_share is None
    assert m.mean_support_types is None
    assert m.stress_share is None
    assert m.reciprocal_share is None
    assert m.density is None
    # Nobody gives anything, so every support type is a gap.
    assert m.providers == {"emotional": 0, "practical": 0, "informational": 0, "appraisal": 0}
    assert m.gaps == ["emotional", "practical", "informational", "appraisal"]


def test_one_member_is_isolated_and_has_no_density() -> None:
    one = [member(7, side="public", sector="services", ring=1, support=("practical",), valence="stress")]
    m = compute_metrics(one, [(7, 7)])  # a self-tie is not a tie
    assert m.size == 1
    assert m.public == 1 and m.private == 0
    assert m.public_share == 1.0  # 1 / 1
    assert m.inner_ring == 1
    assert m.mean_support_types == 1.0  # 1 type / 1 person
    assert m.stress_share == 1.0  # 1 / 1
    assert m.reciprocal_share == 0.0  # 0 / 1
    assert m.density is None  # n(n-1)/2 = 0 possible pairs
    assert m.isolated == 1 and m.isolated_ids == [7]
    assert m.gaps == ["emotional", "informational", "appraisal"]


def test_five_person_network_with_three_ties() -> None:
    m = compute_metrics(FIVE, FIVE_TIES)
    assert m.size == 5
    assert m.by_sector == {"family": 2, "friends": 1, "school": 1, "services": 1}
    assert (m.private, m.public) == (3, 2)
    assert m.public_share == pytest.approx(0.4)  # 2 public / 5
    assert m.inner_ring == 2  # members 1 and 2
    # emotional: 1, 2, 4; practical: 1, 3; informational: 4; appraisal: nobody.
    assert m.providers == {"emotional": 3, "practical": 2, "informational": 1, "appraisal": 0}
    assert m.gaps == ["appraisal"]
    assert m.mean_support_types == pytest.approx(1.2)  # (2 + 1 + 1 + 2 + 0) / 5 = 6 / 5
    assert m.stress_share == pytest.approx(0.4)  # member 2 (both) and 5 (stress): 2 / 5
    assert m.reciprocal_share == pytest.approx(0.2)  # member 1 only: 1 / 5
    assert m.tie_count == 3
    assert m.density == pytest.approx(0.3)  # 3 ties / (5 * 4 / 2 = 10 pairs)
    assert m.isolated == 2 and m.isolated_ids == [4, 5]  # 4 and 5 are in no alter–alter tie


def test_duplicate_reversed_and_self_ties_count_once_or_not_at_all() -> None:
    three = FIVE[:3]
    # (1, 2), (2, 1) and (1, 2) again are one tie; (3, 3) is no tie.
    m = compute_metrics(three, [(1, 2), (2, 1), (1, 2), (3, 3)])
    assert m.tie_count == 1
    assert m.density == pytest.approx(1 / 3)  # 1 tie / (3 * 2 / 2 = 3 pairs)
    assert m.isolated_ids == [3]


def test_ties_to_unknown_ids_are_ignored() -> None:
    three = FIVE[:3]
    # Only (2, 3) joins two members; 99 and 100 are not in the network.
    m = compute_metrics(three, [(1, 99), (99, 100), (2, 3)])
    assert m.tie_count == 1
    assert m.density == pytest.approx(1 / 3)  # 1 / 3 pairs
    assert m.isolated_ids == [1]


def test_unknown_and_repeated_support_types_do_not_count() -> None:
    odd = [member(1, support=("emotional", "emotional", "coaching"))]
    m = compute_metrics(odd, [])
    assert m.providers["emotional"] == 1
    assert m.mean_support_types == 1.0  # only "emotional", once: 1 / 1
    assert "coaching" not in m.providers


def test_snapshot_data_gives_the_same_metrics_as_the_members() -> None:
    data: dict[str, Any] = {
        "members": [
            {
                "id": m.id,
                "name": m.name,
                "side": m.side,
                "sector": m.sector,
                "relation": "",
                "ring": m.ring,
                "support": list(m.support),
                "valence": m.valence,
                "direction": m.direction,
            }
            for m in FIVE
        ],
        "ties": [[a, b, ""] for a, b in FIVE_TIES] + [["garbage"]],
    }
    assert metrics_for_snapshot(data) == compute_metrics(FIVE, FIVE_TIES)


@pytest.mark.django_db
def test_metrics_for_network_and_for_its_snapshot_agree(caseworker: User, case: Case) -> None:
    made = {}
    for m in FIVE:
        made[m.id] = services.add_member(
            acting_user=caseworker,
            case=case,
            name=m.name,
            side=m.side,
            sector=m.sector,
            ring=m.ring,
            support=list(m.support),
            valence=m.valence,
            direction=m.direction,
        )
    for a, b in FIVE_TIES:
        services.add_tie(acting_user=caseworker, case=case, a=made[a], b=made[b])
    network = network_for_case(case=case)
    live = metrics_for_network(network.members, network.ties)
    snapshot = services.take_snapshot(acting_user=caseworker, case=case)
    from_snapshot = metrics_for_snapshot(snapshot.data)

    assert live == from_snapshot
    # And they are the hand-computed numbers (ids differ, so compare everything but isolated_ids).
    expected = compute_metrics(FIVE, FIVE_TIES)
    assert live.density == pytest.approx(expected.density)
    assert (live.size, live.providers, live.gaps, live.isolated) == (
        expected.size,
        expected.providers,
        expected.gaps,
        expected.isolated,
    )
    assert live.isolated_ids == sorted([made[4].pk, made[5].pk])


def test_filters_format_shares_decimals_and_missing_values() -> None:
    with translation.override("nb"):
        assert percent(0.4) == "40\N{NO-BREAK SPACE}%"
        assert percent(None) == "–"
        assert decimal(1.2) == "1,2"  # Bokmål decimal comma
        assert decimal(None) == "–"
        assert signed(2) == "+2"
        assert signed(-1) == "\N{MINUS SIGN}1"
        assert signed(0) == "0"
        assert signed(None) == "–"
    with translation.override("en"):
        assert decimal(1.2) == "1.2"
        assert signed_points(0.2) == "+20 percentage points"
        assert signed_points(None) == "–"


def test_metrics_partial_shows_figures_gaps_and_dashes() -> None:
    with translation.override("en"):
        html = render_to_string(
            "network/partials/metrics.html", {"metrics": compute_metrics(FIVE, FIVE_TIES)}
        )
        assert "Nobody gives appraisal/recognition support" in html
        assert "Nobody gives emotional support" not in html
        assert "<dl" in html and "<dt>People in the network</dt>" in html
        assert "30\N{NO-BREAK SPACE}%" in html  # density
        assert "public share 40\N{NO-BREAK SPACE}%" in html

        empty = render_to_string("network/partials/metrics.html", {"metrics": compute_metrics([], [])})
        assert "Nobody has been added to the network yet." in empty
        assert "Nobody gives" not in empty  # an empty network is not four gaps
        assert "<dd>–</dd>" in empty
    with translation.override("nb"):
        html = render_to_string(
            "network/partials/metrics.html", {"metrics": compute_metrics(FIVE, FIVE_TIES)}
        )
        assert "<dd>1,2</dd>" in html  # mean support types with a decimal comma


# --- conflict ties, broken contact and the ego-network measures ----------------------------------------

# Six people and ties of every kind.
#   id  side     sector    ring  support
#   1   private  family    1     emotional, practical
#   2   private  family    1     emotional
#   3   private  friends   2     practical
#   4   public   school    2     informational
#   5   public   services  3     informational, appraisal
#   6   private  friends   3     (none)
# Ties: 1–2 know each other, 1–3 close, 3–4 know each other   -> positive P = 3
#       2–3 conflict, 4–5 conflict                           -> conflict C = 2
#       5–6 broken contact                                   -> broken B = 1
SIX = [
    member(1, ring=1, support=("emotional", "practical")),
    member(2, ring=1, support=("emotional",)),
    member(3, sector="friends", support=("practical",)),
    member(4, side="public", sector="school", support=("informational",)),
    member(5, side="public", sector="services", ring=3, support=("informational", "appraisal")),
    member(6, sector="friends", ring=3),
]
SIX_TIES = [(1, 2, ""), (1, 3, "close"), (3, 4, ""), (2, 3, "conflict"), (4, 5, "conflict"), (5, 6, "broken")]


def test_ties_are_split_into_positive_conflict_and_broken_contact() -> None:
    tie_sets = classify_ties(range(1, 7), [*SIX_TIES, (6, 5, "broken"), (1, 99, ""), (2, 2, "")])
    assert tie_sets.positive == {(1, 2), (1, 3), (3, 4)}
    assert tie_sets.conflict == {(2, 3), (4, 5)}
    assert tie_sets.broken == {(5, 6)}  # (6, 5) again is the same pair
    # A pair listed twice counts once, with the kind listed last; an unknown kind is in none.
    again = classify_ties([1, 2, 3], [(1, 2, ""), (2, 1, "conflict"), (2, 3, "enemies")])
    assert (again.positive, again.conflict, again.broken) == (set(), {(1, 2)}, set())


def test_conflict_and_broken_contact_are_not_ties_in_density_isolates_or_components() -> None:
    m = compute_metrics(SIX, SIX_TIES)
    assert (m.tie_count, m.conflict_ties, m.broken_ties) == (3, 2, 1)
    # Counting every tie would give 6 / 15 = 40 % and nobody isolated; only P counts:
    assert m.density == pytest.approx(3 / 15)  # 3 positive ties / (6 * 5 / 2 = 15 pairs) = 0.2
    assert m.isolated == 2 and m.isolated_ids == [5, 6]  # 5 only in conflict/broken, 6 only broken
    # Components over P: {1, 2, 3, 4}, {5}, {6}.
    assert (m.components, m.largest_component) == (3, 4)
    assert m.mean_degree == pytest.approx(1.0)  # 2 * 3 / 6
    # Conflict share: C / (P + C) = 2 / 5; broken contact is no contact.
    assert m.conflict_share == pytest.approx(0.4)
    assert m.mean_ring == pytest.approx(2.0)  # (1 + 1 + 2 + 2 + 3 + 3) / 6 = 12 / 6


def test_burt_effective_size_and_constraint_by_hand() -> None:
    m = compute_metrics(SIX, SIX_TIES)
    # Effective size n − 2t/n = 6 − 2 * 3 / 6 = 5. Per member, redundancy = positive ties / n:
    # (2 + 1 + 2 + 1 + 0 + 0) / 6 = 1, so 6 − 1 = 5.
    assert m.effective_size == pytest.approx(5.0)
    # Constraint: p_child,j = 1/6; a member q's degree counts the child: 1: 3, 2: 2, 3: 3, 4: 2, 5: 1, 6: 1.
    #   j=1: 1/6 + (1/6)(1/2) [via 2] + (1/6)(1/3) [via 3] = 6/36 + 3/36 + 2/36 = 11/36
    #   j=2: 1/6 + (1/6)(1/3) [via 1] = 8/36;  j=3: 1/6 + (1/6)(1/3) [1] + (1/6)(1/2) [4] = 11/36
    #   j=4: 1/6 + (1/6)(1/3) [via 3] = 8/36;  j=5, j=6: 1/6 = 6/36 (conflict and broken do not count)
    # Σ squares = (121 + 64 + 121 + 64 + 36 + 36) / 1296 = 442 / 1296.
    assert m.constraint == pytest.approx(442 / 1296)


def test_burt_measures_on_the_textbook_cases() -> None:
    # A star: n members who do not know each other. Effective size n, constraint n · (1/n)² = 1/n.
    star = neighbours([1, 2, 3, 4], [])
    assert effective_size(4, 0) == 4
    assert constraint(star) == pytest.approx(1 / 4)
    # Two members who know each other (a triangle with the child): each p = 1/2 direct + 1/2 · 1/2
    # through the other: 2 · (3/4)² = 1.125; effective size 2 − 2 · 1 / 2 = 1.
    assert constraint(neighbours([1, 2], [(1, 2)])) == pytest.approx(1.125)
    assert effective_size(2, 1) == 1
    # One member: constraint (1)² = 1, effective size 1; nobody: no value.
    assert constraint(neighbours([1], [])) == 1
    assert effective_size(0, 0) is None and constraint({}) is None


def test_blau_and_iqv_over_side_sector_and_support() -> None:
    m = compute_metrics(SIX, SIX_TIES)
    # Side: 4 private, 2 public: 1 − (4/6)² − (2/6)² = 16/36; IQV × 2/1 = 32/36.
    assert m.side_blau == pytest.approx(16 / 36)
    assert m.side_iqv == pytest.approx(32 / 36)
    # Sector: 2, 2, 1, 1 of 6: 1 − (4 + 4 + 1 + 1)/36 = 26/36; IQV × 4/3 = 26/27.
    assert m.sector_blau == pytest.approx(26 / 36)
    assert m.sector_iqv == pytest.approx(26 / 27)
    # Support given: emotional 2, practical 2, informational 2, appraisal 1 (7 in all):
    # 1 − (4 + 4 + 4 + 1)/49 = 36/49; IQV × 4/3 = 48/49.
    assert m.support_blau == pytest.approx(36 / 49)
    assert m.support_iqv == pytest.approx(48 / 49)
    # Everyone in one category: 0; evenly over all: IQV 1; nothing to count: no value.
    assert diversity([3, 0]).blau == 0 and diversity([3, 0]).iqv == 0
    assert diversity([1, 1, 1, 1]).iqv == pytest.approx(1.0)
    assert diversity([0, 0]).blau is None and diversity([5]).iqv is None


def test_e_i_index_between_the_private_and_the_public_network() -> None:
    m = compute_metrics(SIX, SIX_TIES)
    # Over P: 1–2 and 1–3 are within the private network (I = 2), 3–4 crosses (E = 1); the conflict
    # 4–5 (both public) and the broken 5–6 (crossing) do not count. (1 − 2) / 3 = −1/3.
    assert (m.ei_external, m.ei_internal, m.ei_ties) == (1, 2, 3)
    assert m.ei_index == pytest.approx(-1 / 3)
    # Only crossing ties: +1; no positive ties: no value.
    assert compute_metrics(SIX, [(3, 4, "")]).ei_index == 1.0
    assert compute_metrics(SIX, [(4, 5, "conflict")]).ei_index is None


def test_conflict_share_is_missing_without_ties_in_contact() -> None:
    m = compute_metrics(SIX, [(5, 6, "broken")])
    assert m.conflict_share is None  # 0 / (0 + 0): broken contact alone is no contact
    assert m.isolated == 6 and m.components == 6 and m.largest_component == 1
    assert m.mean_degree == 0.0 and m.density == 0.0
    empty = compute_metrics([], [])
    assert (empty.components, empty.largest_component) == (0, 0)
    assert empty.mean_ring is None and empty.mean_degree is None and empty.side_iqv is None


def test_turnover_between_two_states() -> None:
    # Before 1, 2, 3, 4; after 3, 4, 5: 3 and 4 stayed, 5 joined, 1 and 2 left; Jaccard 2 / 5.
    t = turnover([1, 2, 3, 4], [3, 4, 5])
    assert (t.stayed, t.joined, t.left, t.total) == (2, 1, 2, 5)
    assert t.jaccard == pytest.approx(0.4)
    assert turnover([1, 2], [1, 2]).jaccard == 1.0
    assert turnover([1], [2]).jaccard == 0.0
    assert turnover([], []).jaccard is None
    before = {"members": [{"id": i, "side": "private", "sector": "family", "ring": 2} for i in (1, 2)]}
    after = {"members": [{"id": i, "side": "private", "sector": "family", "ring": 2} for i in (2, 3)]}
    assert snapshot_turnover(before, after) == turnover([1, 2], [2, 3])


def test_snapshot_ties_keep_their_kind() -> None:
    data: dict[str, Any] = {
        "members": [
            {"id": x.id, "side": x.side, "sector": x.sector, "ring": x.ring, "support": list(x.support)}
            for x in SIX
        ],
        "ties": [[a, b, kind] for a, b, kind in SIX_TIES],
    }
    assert metrics_for_snapshot(data) == compute_metrics(SIX, SIX_TIES)
    assert metrics_for_snapshot(data).density == pytest.approx(0.2)


def test_flat_metrics_name_every_figure_once_without_member_ids() -> None:
    flat = flat_metrics(compute_metrics(SIX, SIX_TIES))
    assert "isolated_ids" not in flat and "by_sector" not in flat
    assert flat["sector_friends"] == 2 and flat["providers_informational"] == 2
    assert flat["support_gaps"] == 0
    for name in ("components", "effective_size", "constraint", "sector_iqv", "ei_index", "conflict_share"):
        assert name in flat
    assert flat["density"] == pytest.approx(0.2)


@pytest.mark.django_db
def test_live_network_metrics_read_the_kind_of_each_tie(caseworker: User, case: Case) -> None:
    made = {
        x.id: services.add_member(
            acting_user=caseworker,
            case=case,
            name=x.name,
            side=x.side,
            sector=x.sector,
            ring=x.ring,
            support=list(x.support),
        )
        for x in SIX
    }
    for a, b, kind in SIX_TIES:
        services.add_tie(acting_user=caseworker, case=case, a=made[a], b=made[b], kind=kind)
    network = network_for_case(case=case)
    live = metrics_for_network(network.members, network.ties)
    assert (live.tie_count, live.conflict_ties, live.broken_ties) == (3, 2, 1)
    assert live.density == pytest.approx(0.2)
    assert live.isolated_ids == sorted([made[5].pk, made[6].pk])
    assert live.constraint == pytest.approx(442 / 1296)
    assert live == metrics_for_snapshot(services.take_snapshot(acting_user=caseworker, case=case).data)


def test_metrics_partial_names_the_ties_each_figure_counts() -> None:
    with translation.override("en"):
        html = render_to_string("network/partials/metrics.html", {"metrics": compute_metrics(SIX, SIX_TIES)})
    assert "3 ties between people who know each other or are close" in html
    assert "2 ties in conflict (40\N{NO-BREAK SPACE}% of the ties between people in contact)" in html
    assert "1 tie with broken contact" in html
    assert "not counting conflict or broken contact" in html
    assert "3 groups, the largest with 4 people" in html
    assert "1 of 3 ties cross between them" in html
    assert "<dd>20\N{NO-BREAK SPACE}%" in html  # density over positive ties only
    with translation.override("nb"):
        nb = render_to_string("network/partials/metrics.html", {"metrics": compute_metrics(SIX, SIX_TIES)})
    assert "<dd>2,0</dd>" in nb  # mean ring with a decimal comma
