"""The two numbers an evaluation computes: the Kiresuk–Sherman T-score of goal attainment, and the
Jacobson–Truax reliable change index of a repeated rating. Pure functions, no database."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

GAS_RHO = 0.3  # the customary inter-goal correlation of Kiresuk and Sherman
RELIABLE_CHANGE = 1.96  # |RC| above this is a change not likely to be measurement error (p < .05)


def t_score(levels: Sequence[int], weights: Sequence[float], *, rho: float = GAS_RHO) -> float:
    """T = 50 + 10·Σwx / √((1−ρ)Σw² + ρ(Σw)²), rounded to one decimal.

    Levels are −2…+2, weights positive; one goal at level x gives 50 + 10x."""
    if not levels or len(levels) != len(weights):
        raise ValueError("t_score needs one weight per level, and at least one goal")
    if any(x not in (-2, -1, 0, 1, 2) for x in levels):
        raise ValueError("a goal attainment level is -2, -1, 0, 1 or 2")
    if any(w <= 0 for w in weights):
        raise ValueError("a goal's weight is positive")
    weighted = sum(w * x for w, x in zip(weights, levels, strict=True))
    spread = math.sqrt((1 - rho) * sum(w * w for w in weights) + rho * sum(weights) ** 2)
    return round(50 + 10 * weighted / spread, 1)


@dataclass(frozen=True)
class Change:
    rc: float
    reliable: bool
    direction: int  # +1 better, −1 worse, 0 no reliable change


def reliable_change(first: float, second: float, *, sd: float, reliability: float) -> Change:
    """RC = (x₂ − x₁) / S_diff, S_diff = √(2·SE²), SE = s₁·√(1 − r). Higher scores are better."""
    if sd <= 0 or not 0 <= reliability < 1:
        raise ValueError("the instrument needs a positive standard deviation and a reliability in [0, 1)")
    se = sd * math.sqrt(1 - reliability)
    rc = (second - first) / math.sqrt(2 * se * se)
    reliable = abs(rc) > RELIABLE_CHANGE
    return Change(round(rc, 2), reliable, (1 if rc > 0 else -1) if reliable else 0)
