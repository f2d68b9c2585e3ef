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
    compute_metrics,
    metrics_for_network,
    metrics_for_snapshot,
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
