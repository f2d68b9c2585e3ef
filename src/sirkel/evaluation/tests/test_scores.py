"""The T-score and the reliable change index against values computed by hand."""

from __future__ import annotations

import math

import pytest

from sirkel.evaluation.scores import reliable_change, t_score


def test_t_score_of_the_issue_example() -> None:
    # Σwx = −6+0−1+8+0+6 = 7; Σw² = 91, (Σw)² = 441; √(0.7·91 + 0.3·441) = √195.4 = 13.978…
    assert t_score([-2, 0, -1, 2, 0, 1], [3, 5, 1, 4, 2, 6]) == 55.0


@pytest.mark.parametrize("level", [-2, -1, 0, 1, 2])
def test_one_goal_gives_fifty_plus_ten_times_its_level(level: int) -> None:
    assert t_score([level], [7]) == 50 + 10 * level


def test_two_equal_goals_at_expected_plus_one() -> None:
    # Σwx = 2; √(0.7·2 + 0.3·4) = √2.6
    assert t_score([1, 1], [1, 1]) == round(50 + 20 / math.sqrt(2.6), 1)


@pytest.mark.parametrize(("levels", "weights"), [([], []), ([3], [1]), ([1], [0]), ([1, 2], [1])])
def test_t_score_refuses_what_is_not_a_scaling(levels: list[int], weights: list[int]) -> None:
    with pytest.raises(ValueError):
        t_score(levels, weights)


def test_reliable_change_by_hand() -> None:
    # SE = 2·√(1−0.84) = 0.8; S_diff = √(2·0.64) = 1.1314; RC = 3 / 1.1314 = 2.65
    change = reliable_change(4, 7, sd=2, reliability=0.84)
    assert change.rc == 2.65
    assert change.reliable and change.direction == 1


def test_small_change_is_not_reliable() -> None:
    change = reliable_change(5, 4, sd=2, reliability=0.84)
    assert change.rc == -0.88
    assert not change.reliable and change.direction == 0


def test_reliable_worsening() -> None:
    assert reliable_change(8, 5, sd=2, reliability=0.84).direction == -1
