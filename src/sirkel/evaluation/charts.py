"""The T-score over time as the geometry of a small server-rendered SVG line chart (the page draws it,
with a table beside it that is the accessible version). Pure: evaluations in, coordinates out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sirkel.evaluation.models import Evaluation

WIDTH = 560
HEIGHT = 240
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 16, 36
Y_MIN, Y_MAX = 20.0, 80.0
Y_TICKS = (20, 35, 50, 65, 80)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    t_score: float
    day: date  # held on, or due on while not held
    evaluation_id: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right: int  # x of the plot's right edge
    top: int
    bottom: int  # y of the plot's bottom edge
    points: list[Point]
    path: str  # the line through the points ("" for fewer than two)
    expected_y: float  # the line at T = 50: the goals reached as expected
    ticks: list[tuple[int, float]]  # (T, y)


def y_of(t: float) -> float:
    """The y of a T-score on the plot, clamped to 20–80."""
    t = min(max(t, Y_MIN), Y_MAX)
    plot = HEIGHT - TOP - BOTTOM
    return round(TOP + (Y_MAX - t) / (Y_MAX - Y_MIN) * plot, 1)


def t_score_chart(evaluations: Sequence[Evaluation]) -> Chart:
    """The chart of the evaluations' T-scores, oldest first; evenly spaced along x."""
    scored = [e for e in evaluations if e.t_score is not None]
    plot_w = WIDTH - LEFT - RIGHT
    points = []
    for n, e in enumerate(scored):
        x = LEFT + (plot_w / 2 if len(scored) == 1 else plot_w * n / (len(scored) - 1))
        day = e.held_on or e.due_on
        points.append(Point(round(x, 1), y_of(float(e.t_score or 0)), float(e.t_score or 0), day, e.pk))
    path = (
        " ".join(f"{'M' if i == 0 else 'L'}{p.x},{p.y}" for i, p in enumerate(points))
        if len(points) > 1
        else ""
    )
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=WIDTH - RIGHT,
        top=TOP,
        bottom=HEIGHT - BOTTOM,
        points=points,
        path=path,
        expected_y=y_of(50),
        ticks=[(t, y_of(t)) for t in Y_TICKS],
    )
