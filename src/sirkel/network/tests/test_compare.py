"""Comparing two states of a network: pure functions over snapshot data, and the live network as one side."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from sirkel.accounts.models import User
from sirkel.cases.models import Case
from sirkel.network import services
from sirkel.network.compare import Comparison, compare
from sirkel.testing.fixtures import client_for


def m(id: int, name: str, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": id,
        "name": name,
        "side": "private",
        "sector": "family",
        "relation": "",
        "ring": 2,
        "support": [],
        "valence": "resource",
        "direction": "gives",
    }
    return {**base, **fields}


# Before: four people, one tie (Mormor–Far).
BEFORE: dict[str, Any] = {
    "members": [
        m(1, "Mormor", ring=2, support=["emotional"]),
        m(2, "Far", ring=1, support=["emotional", "practical"]),
        m(3, "Nabo", sector="friends", support=["practical"]),
        m(4, "Lærer", side="public", sector="school", ring=3, support=["informational"]),
        m(6, "Kontaktperson", sector="friends", ring=2),
    ],
    "ties": [[1, 2, "close"]],
}
# After: Mormor moved closer and gives practical help too; Far moved away and stopped; Nabo left;
# Lærer's sector changed; Kontaktperson changed side and sector; Trener joined with appraisal.
AFTER: dict[str, Any] = {
    "members": [
        m(1, "Mormor", ring=1, support=["emotional", "practical"]),
        m(2, "Far", ring=3, support=["emotional"], valence="stress"),
        m(4, "Lærer", side="public", sector="services", ring=3, support=["informational"]),
        m(5, "Trener", sector="school", ring=2, support=["appraisal"], direction="both"),
        m(6, "Kontaktperson", side="public", sector="services", ring=2),
    ],
    "ties": [[1, 2, "close"], [1, 5, ""], [4, 6, ""]],
}


def _names(members: list[Any]) -> list[str]:
    return [x.name for x in members]


def test_who_joined_and_who_left() -> None:
    c = compare(BEFORE, AFTER)
    assert _names(c.added) == ["Trener"]
    assert _names(c.removed) == ["Nabo"]


def test_who_moved_closer_or_further_away() -> None:
    c = compare(BEFORE, AFTER)
    assert [(x.member.name, x.before, x.after) for x in c.closer] == [("Mormor", 2, 1)]
    assert [(x.member.name, x.before, x.after) for x in c.further] == [("Far", 1, 3)]


def test_who_changed_side_or_sector() -> None:
    c = compare(BEFORE, AFTER)
    moved = {x.member.name: x for x in c.moved}
    assert sorted(moved) == ["Kontaktperson", "Lærer"]
    assert moved["Lærer"].sector_changed and not moved["Lærer"].side_changed
    assert (moved["Lærer"].sector_before, moved["Lærer"].sector_after) == ("school", "services")
    assert moved["Kontaktperson"].side_changed and moved["Kontaktperson"].sector_changed
    assert (moved["Kontaktperson"].side_before, moved["Kontaktperson"].side_after) == ("private", "public")


def test_support_types_gained_and_lost_providers() -> None:
    support = {s.support_type: s for s in compare(BEFORE, AFTER).support}
    # emotional: Mormor, Far before and after -> 2 -> 2, nobody started or stopped.
    assert (support["emotional"].before, support["emotional"].after, support["emotional"].changed) == (
        2,
        2,
        False,
    )
    # practical: Far, Nabo before; Mormor after -> 2 -> 1.
    practical = support["practical"]
    assert (practical.before, practical.after, practical.difference) == (2, 1, -1)
    assert _names(practical.gained) == ["Mormor"]
    assert _names(practical.lost) == ["Far", "Nabo"]  # Nabo left, Far stopped; sorted by name
    # appraisal: nobody -> Trener.
    assert (support["appraisal"].before, support["appraisal"].after) == (0, 1)
    assert _names(support["appraisal"].gained) == ["Trener"]
    assert support["informational"].changed is False


def test_metrics_side_by_side_with_differences() -> None:
    rows = {r.key: r for r in compare(BEFORE, AFTER).metric_rows}
    assert (rows["size"].before, rows["size"].after, rows["size"].difference) == (5, 5, 0)
    assert (rows["inner_ring"].before, rows["inner_ring"].after) == (1, 1)  # Far out, Mormor in
    # Ties 1 -> 3; density 1/10 -> 3/10 (5 people: 5 * 4 / 2 = 10 pairs).
    assert (rows["tie_count"].before, rows["tie_count"].after) == (1, 3)
    assert rows["density"].before == pytest.approx(0.1)
    assert rows["density"].after == pytest.approx(0.3)
    assert rows["density"].difference == pytest.approx(0.2)
    # Public: Lærer before (1/5); Lærer and Kontaktperson after (2/5).
    assert rows["public_share"].difference == pytest.approx(0.2)
    # Stress: nobody before, Far after: 0/5 -> 1/5.
    assert rows["stress_share"].before == 0.0
    assert rows["stress_share"].after == pytest.approx(0.2)
    # Isolated: Nabo, Lærer, Kontaktperson before (3); nobody after (1–2, 1–5, 4–6 cover all five).
    assert (rows["isolated"].before, rows["isolated"].after) == (3, 0)
    assert rows["providers:practical"].difference == -1


def test_turnover_counts_who_is_the_same_on_both_sides() -> None:
    # Before 1, 2, 3, 4, 6; after 1, 2, 4, 5, 6: four stayed, Trener (5) joined, Nabo (3) left.
    t = compare(BEFORE, AFTER).turnover
    assert (t.stayed, t.joined, t.left) == (4, 1, 1)
    assert t.jaccard == pytest.approx(4 / 6)


def test_conflict_and_broken_ties_are_compared_apart_from_positive_ties() -> None:
    # After, Mormor–Far turns into a conflict and Lærer–Kontaktperson's contact is broken.
    later = {**AFTER, "ties": [[1, 2, "conflict"], [1, 5, ""], [4, 6, "broken"]]}
    rows = {r.key: r for r in compare(AFTER, later).metric_rows}
    assert (rows["tie_count"].before, rows["tie_count"].after) == (3, 1)
    assert (rows["conflict_ties"].before, rows["conflict_ties"].after) == (0, 1)
    assert (rows["broken_ties"].before, rows["broken_ties"].after) == (0, 1)
    # Conflict share 0 / 3 -> 1 / (1 + 1); density 3/10 -> 1/10; isolated 0 -> 3 (Far, Lærer, Kontaktperson).
    assert rows["conflict_share"].before == 0.0 and rows["conflict_share"].after == pytest.approx(0.5)
    assert rows["density"].after == pytest.approx(0.1)
    assert (rows["isolated"].before, rows["isolated"].after) == (0, 3)
    # Components over positive ties: {1, 2, 5}, {4, 6} -> {1, 5}, {2}, {4}, {6}.
    assert (rows["components"].before, rows["components"].after) == (2, 4)
    assert (rows["largest_component"].before, rows["largest_component"].after) == (3, 2)
    # E-I: before 1–2 and 1–5 lie within the private network and 4–6 within the public: −1.
    assert rows["ei_index"].before == pytest.approx(-1.0)
    assert rows["ei_index"].after == pytest.approx(-1.0)  # 1–5 only, both private


def test_difference_is_missing_when_a_side_has_no_value() -> None:
    rows = {r.key: r for r in compare({"members": [], "ties": []}, AFTER).metric_rows}
    assert rows["density"].before is None
    assert rows["density"].difference is None
    assert rows["size"].difference == 5


def test_a_network_compared_with_itself_has_no_changes() -> None:
    c = compare(AFTER, AFTER)
    assert not c.has_member_changes
    assert not any(s.changed for s in c.support)
    assert all(r.difference in (0, None) for r in c.metric_rows)


@pytest.mark.django_db
def test_compare_page_compares_a_snapshot_with_the_live_network(caseworker: User, case: Case) -> None:
    mormor = services.add_member(
        acting_user=caseworker, case=case, name="Mormor", ring=2, support=["emotional"]
    )
    nabo = services.add_member(acting_user=caseworker, case=case, name="Nabo", sector="friends")
    snapshot = services.take_snapshot(acting_user=caseworker, case=case, label="Før")
    services.move_member(acting_user=caseworker, member=mormor, ring=1, sector="family")
    services.remove_member(acting_user=caseworker, member=nabo)
    services.add_member(
        acting_user=caseworker, case=case, name="Trener", sector="school", support=["appraisal"]
    )

    response = client_for(caseworker).get(
        reverse("network:compare", args=[case.pk]), {"a": str(snapshot.pk), "b": "current"}
    )

    assert response.status_code == 200
    c: Comparison = response.context["comparison"]
    assert _names(c.added) == ["Trener"]
    assert _names(c.removed) == ["Nabo"]
    assert [(x.member.name, x.before, x.after) for x in c.closer] == [("Mormor", 2, 1)]
    assert "Trener" in response.content.decode()
    # Turnover: Mormor stayed, Trener joined, Nabo left: 1 of 3 the same.
    assert (c.turnover.stayed, c.turnover.joined, c.turnover.left) == (1, 1, 1)
    assert 'class="turnover"' in response.content.decode()
    assert "(33\N{NO-BREAK SPACE}%)" in response.content.decode()


@pytest.mark.django_db
def test_compare_page_without_choices_compares_the_latest_snapshot_with_now(
    caseworker: User, case: Case
) -> None:
    services.take_snapshot(acting_user=caseworker, case=case, label="Første")
    latest = services.take_snapshot(acting_user=caseworker, case=case, label="Andre")
    services.add_member(acting_user=caseworker, case=case, name="Ny")

    response = client_for(caseworker).get(reverse("network:compare", args=[case.pk]))

    assert response.status_code == 200
    assert response.context["before"].snapshot == latest
    assert response.context["after"].snapshot is None
    assert _names(response.context["comparison"].added) == ["Ny"]
