"""The change between two dates drawn on the map, and what a print for an audience leaves out: pure
functions over snapshot data."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from sirkel.network.audience import Audience, Omission, Treatment, for_audience, reasons_by_member
from sirkel.network.change import build_change_map, support_deltas, tie_changes
from sirkel.network.models import NetworkMember


def person(pk: int, name: str, *, ring: int = 2, sector: str = "family", support: list[str] | None = None,
           **extra: Any) -> dict[str, Any]:  # fmt: skip
    return {
        "id": pk,
        "name": name,
        "side": "public" if sector == "services" else "private",
        "sector": sector,
        "relation": "",
        "ring": ring,
        "support": support or [],
        "valence": "resource",
        "direction": "gives",
        "contact_frequency": "",
        "lives_abroad": False,
        **extra,
    }


BEFORE = {
    "members": [
        person(1, "Mormor", ring=2, support=["emotional"]),
        person(2, "Onkel", ring=1),
        person(3, "Nabo Per", ring=3, sector="friends", support=["practical"]),
        person(4, "Lærer", ring=2, sector="school"),
    ],
    "ties": [[1, 2, ""], [1, 3, "close"], [2, 4, ""], [3, 4, ""]],
}
AFTER = {
    "members": [
        person(1, "Mormor", ring=1, support=["emotional", "practical"]),  # closer, gained practical
        person(2, "Onkel", ring=3),  # further
        person(4, "Lærer", ring=2, sector="school"),
        person(5, "Trener", ring=2, sector="friends"),  # joined; Nabo Per left
    ],
    "ties": [[1, 2, "conflict"], [2, 4, "broken"], [4, 5, ""]],
}


def test_ties_that_appeared_ended_or_turned_into_conflict() -> None:
    by_pair = {(t.a, t.b): t.status for t in tie_changes(BEFORE, AFTER)}
    assert by_pair == {
        (1, 2): "conflict",
        (1, 3): "ended",  # Nabo Per left
        (2, 4): "ended",  # contact broken
        (3, 4): "ended",
        (4, 5): "appeared",
    }


def test_a_tie_whose_kind_changed_otherwise_is_changed_and_the_same_is_same() -> None:
    before = {"members": BEFORE["members"], "ties": [[1, 2, ""], [2, 4, "close"]]}
    after = {"members": BEFORE["members"], "ties": [[1, 2, "close"], [2, 4, "close"]]}
    assert [t.status for t in tie_changes(before, after)] == ["changed", "same"]


def test_support_gained_and_lost_per_member() -> None:
    before = {"members": [person(1, "Mormor", support=["emotional", "appraisal"])], "ties": []}
    after = {"members": [person(1, "Mormor", support=["emotional", "practical"])], "ties": []}
    [delta] = support_deltas(before, after)
    assert (delta.member.name, delta.gained, delta.lost) == ("Mormor", ["practical"], ["appraisal"])
    with translation.override("en"):
        assert delta.gained_labels == ["practical"]


def test_change_map_marks_joined_and_left_and_draws_arrows_for_who_moved_ring() -> None:
    change = build_change_map(BEFORE, AFTER)
    status = {n.member_id: n.status for n in change.nodes}
    assert status == {1: "stayed", 2: "stayed", 4: "stayed", 5: "joined", 3: "left"}
    arrows = {a.member_id: a.direction for a in change.arrows}
    assert arrows == {1: "closer", 2: "further"}
    # The ghost of who left is where they were on the earlier map; arrows start there too.
    old = build_change_map(BEFORE, BEFORE)
    old_at = {n.member_id: (n.x, n.y) for n in old.nodes}
    ghost = next(n for n in change.nodes if n.member_id == 3)
    assert (ghost.x, ghost.y) == old_at[3]
    mormor = next(a for a in change.arrows if a.member_id == 1)
    assert (mormor.x1, mormor.y1) == old_at[1]
    now = next(n for n in change.nodes if n.member_id == 1)
    assert (mormor.x2, mormor.y2) == (now.x, now.y)
    assert now.gained == "P" and now.lost == ""
    assert [(a, b) for a, b, _was, _now in change.conflict] == [("Mormor", "Onkel")]
    assert [(a, b) for a, b, _was, _now in change.appeared] == [("Lærer", "Trener")]
    assert {(a, b) for a, b, _was, _now in change.ended} == {
        ("Nabo Per", "Lærer"),
        ("Mormor", "Nabo Per"),
        ("Onkel", "Lærer"),
    }
    # Every tie of either side is drawn, the ended ones too (to the ghost where someone left).
    assert {(e.a, e.b): e.status for e in change.edges}[(1, 3)] == "ended"


def test_nothing_changed_draws_no_arrows_and_nobody_joined_or_left() -> None:
    change = build_change_map(BEFORE, BEFORE)
    assert not change.arrows
    assert {n.status for n in change.nodes} == {"stayed"}
    assert {e.status for e in change.edges} == {"same"}


def test_for_the_family_hidden_people_and_their_ties_are_left_out() -> None:
    data = {
        "members": [person(1, "Mormor", print_privacy=["hidden"]), person(2, "Onkel"), person(3, "Per")],
        "ties": [[1, 2, ""], [2, 3, ""]],
    }
    reasons = reasons_by_member([data])
    shown, omission = for_audience(
        data, reasons=reasons, audience=Audience.FAMILY, treatment=Treatment.LEAVE_OUT
    )
    assert [m["name"] for m in shown["members"]] == ["Onkel", "Per"]
    assert shown["ties"] == [[2, 3, ""]]
    assert omission.count == 1 and omission.by_reason == {"hidden": 1}
    with translation.override("en"):
        assert (
            omission.note == "1 person is left out of this map, because they are not to be shown to others."
        )
        # The print names no reason: that is for the caseworker's screen.
        assert "hidden" not in omission.note
        assert omission.reasons_text == "the child or a parent asked that they be hidden (1)"


def test_for_the_service_itself_nobody_is_left_out() -> None:
    data = {"members": [person(1, "Mormor", print_privacy=["hidden"])], "ties": []}
    shown, omission = for_audience(
        data, reasons=reasons_by_member([data]), audience=Audience.INTERNAL, treatment=Treatment.LEAVE_OUT
    )
    assert [m["name"] for m in shown["members"]] == ["Mormor"]
    assert omission.count == 0 and omission.note == ""


def test_anonymised_people_keep_their_place_but_not_their_name_relation_support_or_ties() -> None:
    data = {
        "members": [person(1, "Far", ring=3, support=["practical"], relation="Far"), person(2, "Mor")],
        "ties": [[1, 2, "conflict"]],
    }
    live = [NetworkMember(pk=1, name="Far", no_contact=True), NetworkMember(pk=2, name="Mor")]
    reasons = reasons_by_member([data], live)
    with translation.override("en"):
        shown, omission = for_audience(
            data, reasons=reasons, audience=Audience.NETWORK, treatment=Treatment.ANONYMISE
        )
        assert omission.note.startswith("1 person is shown as “A person”")
    far = shown["members"][0]
    assert (far["name"], far["relation"], far["support"], far["ring"]) == ("A person", "", [], 3)
    assert shown["ties"] == []
    assert omission.by_reason == {"no_contact": 1}


def test_a_person_with_several_reasons_counts_once() -> None:
    data = {"members": [person(1, "X", print_privacy=["protected_address", "hidden"])], "ties": []}
    _shown, omission = for_audience(
        data, reasons=reasons_by_member([data]), audience=Audience.FAMILY, treatment=Treatment.LEAVE_OUT
    )
    assert omission == Omission("family", "leave_out", {"hidden": 1})


def test_snapshot_keeps_who_must_not_be_shown_only_where_it_applies() -> None:
    hidden = NetworkMember(pk=1, name="Mormor", protected_address=True)
    plain = NetworkMember(pk=2, name="Onkel")
    assert hidden.as_snapshot()["print_privacy"] == ["protected_address"]
    assert "print_privacy" not in plain.as_snapshot()
