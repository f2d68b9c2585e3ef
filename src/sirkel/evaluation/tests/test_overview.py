"""The effect overview's numbers from hand-made rows: shares, the child's faces, agreement, T-score bands,
and small cells suppressed (with the secondary suppression a row's total would otherwise undo)."""

from __future__ import annotations

from sirkel.evaluation.overview import (
    DECLINED,
    JudgementRow,
    agreement_rows,
    child_effect,
    compute,
    effect_rows,
    suppress_row,
    t_score_distribution,
)

KINDS = ["network_meeting", "support_contact"]


def _rows(kind: str, perspective: str, effects: list[str], *, start: int = 1) -> list[JudgementRow]:
    return [JudgementRow(start + i, kind, perspective, e) for i, e in enumerate(effects)]


def test_counts_below_three_are_suppressed_and_one_alone_takes_the_next_smallest_with_it() -> None:
    assert suppress_row([5, 4, 3]) == [5, 4, 3]
    # 2 alone would be total − 5 − 4: the 4 goes too.
    assert suppress_row([5, 4, 2]) == [5, None, None]
    # Two small cells hide each other already.
    assert suppress_row([9, 1, 2]) == [9, None, None]
    # Without a total shown, no secondary suppression is needed.
    assert suppress_row([5, 4, 2], total_shown=False) == [5, 4, None]
    # A zero is a small cell too: "nobody said no" reveals as much as "one said no".
    assert suppress_row([6, 3, 0]) == [6, None, None]
    # Hidden cells that add up to less than 3 would be known (here: both 0), so the last goes too.
    assert suppress_row([3, 0, 0]) == [None, None, None]
    assert suppress_row([5, 1, 0]) == [None, None, None]


def test_shares_leave_out_not_assessed_and_are_hidden_where_a_count_is() -> None:
    rows = _rows(
        "network_meeting", "service", ["yes"] * 6 + ["partly"] * 3 + ["no"] * 3 + ["not_assessed"] * 4
    )
    (row,) = effect_rows(rows, kinds=KINDS)
    assert row.judged == 12
    assert row.counts == {"yes": 6, "partly": 3, "no": 3}
    assert row.shares == {"yes": 50.0, "partly": 25.0, "no": 25.0}
    assert row.not_assessed == 4
    assert row.declined is None  # only the child declines

    small = _rows("network_meeting", "service", ["yes"] * 6 + ["partly"] * 3 + ["no"] * 2)
    (row,) = effect_rows(small, kinds=KINDS)
    assert row.judged == 11
    assert row.counts == {"yes": 6, "partly": None, "no": None}
    assert row.shares == {"yes": 54.5, "partly": None, "no": None}
    assert row.suppressed


def test_a_row_with_fewer_than_three_judgements_shows_nothing() -> None:
    (row,) = effect_rows(_rows("support_contact", "reviewer", ["yes", "no"]), kinds=KINDS)
    assert row.judged is None
    assert set(row.counts.values()) == {None}
    assert set(row.shares.values()) == {None}


def test_the_childs_faces_map_four_and_five_to_yes_three_to_partly_one_and_two_to_no() -> None:
    assert [child_effect(scale=s, declined=False) for s in (1, 2, 3, 4, 5)] == [
        "no",
        "no",
        "partly",
        "yes",
        "yes",
    ]
    assert child_effect(scale=None, declined=True) == DECLINED
    assert child_effect(scale=None, declined=False) == "not_assessed"
    rows = [
        JudgementRow(i, "network_meeting", "child", "", child_scale=s)
        for i, s in enumerate([5, 4, 4, 3, 3, 3, 1, 2, 2])
    ]
    rows += [JudgementRow(100 + i, "network_meeting", "child", "", declined=True) for i in range(3)]
    (row,) = effect_rows(rows, kinds=KINDS)
    assert row.counts == {"yes": 3, "partly": 3, "no": 3}
    assert row.judged == 9  # the three who did not want to answer are apart
    assert row.declined == 3


def test_rows_follow_the_taxonomys_kinds_and_the_perspectives_order() -> None:
    rows = _rows("support_contact", "parent", ["yes"] * 3) + _rows("network_meeting", "reviewer", ["no"] * 3)
    rows += _rows("network_meeting", "service", ["no"] * 3)
    assert [(r.kind, r.perspective) for r in effect_rows(rows, kinds=KINDS)] == [
        ("network_meeting", "service"),
        ("network_meeting", "reviewer"),
        ("support_contact", "parent"),
    ]


def test_agreement_pairs_perspectives_at_the_same_evaluation_and_each_parent_on_their_own() -> None:
    rows = []
    # Five evaluations: the service and the reviewer agree at 1–4 and not at 5.
    for evaluation, (service, reviewer) in enumerate(
        [("yes", "yes"), ("no", "no"), ("partly", "partly"), ("yes", "yes"), ("yes", "no")], start=1
    ):
        rows += [
            JudgementRow(evaluation, "network_meeting", "service", service),
            JudgementRow(evaluation, "network_meeting", "reviewer", reviewer),
        ]
    # At evaluation 1 two parents: one agrees with the service, one not; the child's face 5 is yes.
    rows += [
        JudgementRow(1, "network_meeting", "parent", "yes"),
        JudgementRow(1, "network_meeting", "parent", "no"),
        JudgementRow(1, "network_meeting", "child", "", child_scale=5),
        JudgementRow(2, "network_meeting", "child", "", declined=True),  # not a pair
    ]
    by_pair = {(a.first, a.second): a for a in agreement_rows(rows)}
    service_reviewer = by_pair[("service", "reviewer")]
    assert service_reviewer.pairs == 5
    # 4 agree, 1 does not: the 1 is suppressed, and with it the 4 (5 − 4 would give it away).
    assert (service_reviewer.agree, service_reviewer.disagree, service_reviewer.share) == (None, None, None)
    assert by_pair[("service", "parent")].pairs is None  # two pairs
    assert by_pair[("service", "child")].pairs is None
    assert len(by_pair) == 6


def test_agreement_shows_its_share_when_every_cell_is_large_enough() -> None:
    rows = []
    for evaluation, (service, parent) in enumerate([("yes", "yes")] * 4 + [("no", "yes")] * 3, start=1):
        rows += [
            JudgementRow(evaluation, "pmto", "service", service),
            JudgementRow(evaluation, "pmto", "parent", parent),
        ]
    row = next(a for a in agreement_rows(rows) if (a.first, a.second) == ("service", "parent"))
    assert (row.pairs, row.agree, row.disagree, row.share) == (7, 4, 3, 57.1)


def test_t_scores_fall_in_four_bands_with_their_median() -> None:
    # 49.9 would be 40–49 and 50.0 is 50–59: a band's upper edge is exclusive (tested in band_of).
    t = t_score_distribution([35.0, 38.2, 39.9, 40.0, 45.0, 48.0, 50.0, 55.0, 59.9, 60.0, 61.3, 72.0])
    assert t.bands == {"lt40": 3, "40-49": 3, "50-59": 3, "ge60": 3}
    assert t.total == 12
    assert t.median == 49.0  # (48 + 50) / 2


def test_a_small_t_score_band_is_suppressed_with_the_next_smallest_and_few_scores_show_no_median() -> None:
    t = t_score_distribution([35.0, 45.0, 46.0, 47.0, 50.0, 51.0, 52.0, 53.0, 60.0, 61.0, 62.0])
    assert t.bands == {"lt40": None, "40-49": None, "50-59": 4, "ge60": 3}
    few = t_score_distribution([55.0, 65.0])
    assert (few.total, few.median) == (None, None)
    assert set(few.bands.values()) == {None}


def test_compute_puts_the_three_together() -> None:
    overview = compute(_rows("pmto", "service", ["yes"] * 3), [35.0, 45.0, 55.0, 65.0] * 3, kinds=KINDS)
    assert [r.kind for r in overview.effects] == ["pmto"]  # a kind outside the list is kept, after it
    assert (overview.t_scores.bands["40-49"], overview.t_scores.bands["50-59"]) == (3, 3)
    assert len(overview.agreement) == 6


def test_a_bands_upper_edge_is_exclusive() -> None:
    from sirkel.evaluation.overview import band_of

    assert [band_of(s) for s in (39.9, 40.0, 49.9, 50.0, 59.9, 60.0)] == [
        "lt40",
        "40-49",
        "40-49",
        "50-59",
        "50-59",
        "ge60",
    ]
