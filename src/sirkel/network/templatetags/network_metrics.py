"""Template filters for showing network metrics: percentages, decimals and "–" for a missing value."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()

MISSING = "–"


@register.filter
def percent(value: float | None, decimals: int = 0) -> str:
    """A share (0..1) as a localised percentage ("40 %"), or "–" when there is no value."""
    if value is None:
        return MISSING
    return f"{number_format(round(value * 100, decimals), decimal_pos=decimals)}\N{NO-BREAK SPACE}%"


@register.filter
def decimal(value: float | None, decimals: int = 1) -> str:
    """A number with a fixed number of decimals in the active locale ("1,5"), or "–"."""
    if value is None:
        return MISSING
    return number_format(round(value, decimals), decimal_pos=decimals)


@register.filter
def signed(value: float | int | None, decimals: int = 0) -> str:
    """A difference with its sign ("+2", "−1", "0"), or "–"."""
    if value is None:
        return MISSING
    text = number_format(round(abs(value), decimals), decimal_pos=decimals)
    if round(value, decimals) > 0:
        return f"+{text}"
    if round(value, decimals) < 0:
        return f"\N{MINUS SIGN}{text}"
    return text


@register.filter
def signed_points(value: float | None, decimals: int = 0) -> str:
    """A difference between two shares in percentage points ("+20 percentage points"), or "–"."""
    if value is None:
        return MISSING
    return _("%(value)s percentage points") % {"value": signed(value * 100, decimals)}
