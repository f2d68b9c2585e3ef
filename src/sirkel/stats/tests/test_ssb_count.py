"""How the SSB table counts children (sirkel.stats.ssb.count and count_children), without a database."""

from __future__ import annotations

from sirkel.stats import ssb
from sirkel.stats.ssb import PeriodRow

YEAR = 2020


def period(child: int, born: int, code: str, kind: str = "other") -> PeriodRow:
    return PeriodRow(child=child, birth_year=born, code=code, kind=kind)


def cells(rows: list[ssb.TableRow]) -> dict[tuple[str, str], int]:
    """(row code, column) → children, the non-zero cells only."""
    return {(r.code, c): v for r in rows for c, v in r.cells.items() if v}


def test_a_child_with_6_1_and_6_2_is_one_child_in_group_6_and_in_all() -> None:
    rows, outside = ssb.count(
        [period(1, 2010, "6.1", "family_group_conference"), period(1, 2010, "6.2", "network_meeting")],
        year=YEAR,
    )
    assert cells(rows) == {
        ("all", "6-12"): 1,
        ("all", "total"): 1,
        ("6", "6-12"): 1,
        ("6", "total"): 1,
        ("6.1", "6-12"): 1,
        ("6.1", "total"): 1,
        ("6.2", "6-12"): 1,
        ("6.2", "total"): 1,
    }
    assert [r.code for r in rows] == ["all", "6", "6.1", "6.2"]
    assert outside == 0


def test_two_periods_of_one_code_are_one_child() -> None:
    rows, _ = ssb.count([period(1, 2015, "3.9"), period(1, 2015, "3.9"), period(2, 2015, "3.9")], year=YEAR)
    assert cells(rows)[("3.9", "total")] == 2
    assert cells(rows)[("3.9", "3-5")] == 2
    assert cells(rows)[("3", "total")] == 2
    assert cells(rows)[("all", "total")] == 2


def test_the_age_is_the_age_on_31_december_so_the_birth_year_decides_the_band() -> None:
    # Born in 2017 (even on 31 December): 3 on 31 December 2020. Born in 2018: 2.
    rows, _ = ssb.count([period(1, 2017, "4.1"), period(2, 2018, "4.1"), period(3, 2008, "4.1")], year=YEAR)
    row = next(r for r in rows if r.code == "4.1")
    assert row.cells == {
        "0-2": 1,
        "3-5": 1,
        "6-12": 1,
        "13-17": 0,
        "18-22": 0,
        "23-24": 0,
        "total": 3,
    }


def test_children_outside_0_to_24_are_counted_apart_once_each() -> None:
    rows, outside = ssb.count(
        [period(1, 1995, "4.4"), period(1, 1995, "4.6"), period(2, 1996, "4.4"), period(3, 2021, "4.4")],
        year=YEAR,
    )
    # 1995: 25 on 31 December 2020 (outside), 1996: 24 (inside), 2021: not born yet (outside).
    assert outside == 2
    assert cells(rows)[("all", "total")] == 1
    assert cells(rows)[("all", "23-24")] == 1


def test_a_kind_without_ssb_code_is_in_no_ssb_row_but_in_its_extended_row() -> None:
    rows, _ = ssb.count([period(1, 2012, "", "start_meeting")], year=YEAR, extended=True)
    assert cells(rows) == {("start_meeting", "6-12"): 1, ("start_meeting", "total"): 1}
    assert [r.code for r in rows][0] == "all"
    assert {r.code for r in rows if r.level == ssb.LEVEL_EXTENDED} == set(ssb.extended_kinds())
    plain, _ = ssb.count([period(1, 2012, "", "start_meeting")], year=YEAR)
    assert cells(plain) == {}
    assert [r.code for r in plain] == ["all"]


def test_a_resource_person_is_in_6_99_and_in_its_extended_row() -> None:
    rows, _ = ssb.count(
        [period(1, 2005, "6.99", "resource_person"), period(2, 2005, "6.99", "ntt")], year=YEAR, extended=True
    )
    assert cells(rows)[("6.99", "total")] == 2
    assert cells(rows)[("resource_person", "total")] == 1
    assert ("ntt", "total") not in cells(rows)


def test_grouped_children_count_as_many_as_they_are() -> None:
    groups = [
        ssb.Children(2010, frozenset({"6.1", "6.2"}), frozenset({"family_group_conference"}), 4),
        ssb.Children(2010, frozenset({"6.2"}), frozenset({"network_meeting"}), 3),
        ssb.Children(2002, frozenset({"6.2", "3.9"}), frozenset(), 2),
        ssb.Children(1990, frozenset({"6.2"}), frozenset(), 5),
    ]
    rows, outside = ssb.count_children(groups, year=YEAR)
    got = cells(rows)
    assert got[("6.2", "6-12")] == 7
    assert got[("6.2", "18-22")] == 2
    assert got[("6.2", "total")] == 9
    assert got[("6", "total")] == 9
    assert got[("6.1", "total")] == 4
    assert got[("3", "total")] == 2
    assert got[("all", "total")] == 9
    assert outside == 5


def test_count_and_count_children_agree() -> None:
    periods = [
        period(1, 2010, "6.1", "family_group_conference"),
        period(1, 2010, "6.2", "network_meeting"),
        period(2, 2010, "6.2", "network_meeting"),
        period(2, 2010, "6.2", "network_meeting"),
        period(3, 2019, "", "start_meeting"),
        period(4, 1980, "4.4", "financial_support"),
        period(5, 2003, "3.7", "cos_p_group"),
    ]
    assert ssb.count(periods, year=YEAR, extended=True) == ssb.count_children(
        ssb.children_of(periods), year=YEAR, extended=True
    )
