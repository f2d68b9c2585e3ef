"""Tie lines on the map: straight, or bent around the child's circle where a straight line would cross it.

A tie between two people drawn straight through the middle of the map passes under the child's circle and
reads as a tie to the child. Such a tie is drawn instead as a quadratic curve that bends away from the
centre: its apex lies on the side of the centre the straight line passes (for two people exactly
opposite each other, a fixed side), as close to the centre as keeps the whole curve at least
`TIE_CLEARANCE` from it. `network.js` draws the same curve while a person is dragged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

TIE_SAMPLES = 48  # points on a curve where its distance to the centre is checked
APEX_STEP = 6.0  # how far the apex moves out per try


@dataclass(frozen=True)
class TiePath:
    d: str  # the SVG path
    control: tuple[float, float] | None  # the curve's control point; None for a straight line


def _segment_distance(ax: float, ay: float, bx: float, by: float) -> tuple[float, float, float]:
    """Distance from the origin to the segment A–B, and the closest point on it."""
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length2))
    fx, fy = ax + t * dx, ay + t * dy
    return math.hypot(fx, fy), fx, fy


def curve_distance(
    ax: float, ay: float, px: float, py: float, bx: float, by: float, samples: int = TIE_SAMPLES
) -> float:
    """The least distance from the origin to the quadratic curve A–(P)–B, at `samples` + 1 points."""
    least = math.inf
    for i in range(samples + 1):
        t = i / samples
        u = 1 - t
        x = u * u * ax + 2 * u * t * px + t * t * bx
        y = u * u * ay + 2 * u * t * py + t * t * by
        least = min(least, math.hypot(x, y))
    return least


def tie_path(x1: float, y1: float, x2: float, y2: float, *, centre: float, clearance: float) -> TiePath:
    """The path of a tie between (x1, y1) and (x2, y2) that keeps `clearance` from (centre, centre)."""
    ax, ay, bx, by = x1 - centre, y1 - centre, x2 - centre, y2 - centre
    distance, fx, fy = _segment_distance(ax, ay, bx, by)
    if distance >= clearance:
        return TiePath(f"M{x1:.1f},{y1:.1f} L{x2:.1f},{y2:.1f}", None)
    if distance > 1e-6:
        nx, ny = fx / distance, fy / distance
    else:
        # Straight through the centre: bend to the left of the way from the first person to the second.
        length = math.hypot(bx - ax, by - ay) or 1.0
        nx, ny = (by - ay) / length, -(bx - ax) / length
    mx, my = (ax + bx) / 2, (ay + by) / 2
    apex = clearance + APEX_STEP
    while True:
        # The curve passes through the apex halfway: its control point is twice as far out, from the middle.
        px, py = 2 * apex * nx - mx, 2 * apex * ny - my
        if curve_distance(ax, ay, px, py, bx, by) >= clearance or apex > 20 * clearance:
            break
        apex += APEX_STEP
    cx, cy = px + centre, py + centre
    return TiePath(f"M{x1:.1f},{y1:.1f} Q{cx:.1f},{cy:.1f} {x2:.1f},{y2:.1f}", (cx, cy))
