"""What other apps add to the pages of a series and a meeting, without `meetings` importing them.

The agreed actions point at meetings (`actions` imports `meetings`); for the series page, the meeting
page and the minutes, `actions` registers context providers here in its `AppConfig.ready()`, so the two
apps never import each other in a circle.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sirkel.meetings.models import Meeting, Series

SeriesProvider = Callable[..., dict[str, Any]]  # (series=) -> context
MeetingProvider = Callable[..., dict[str, Any]]  # (meeting=) -> context

_series: dict[str, SeriesProvider] = {}
_meeting: dict[str, MeetingProvider] = {}


def register(
    name: str, *, series: SeriesProvider | None = None, meeting: MeetingProvider | None = None
) -> None:
    if series is not None:
        _series[name] = series
    if meeting is not None:
        _meeting[name] = meeting


def series_context(*, series: Series) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for provider in _series.values():
        context.update(provider(series=series))
    return context


def meeting_context(*, meeting: Meeting) -> dict[str, Any]:
    """Context for the meeting page and its minutes (e.g. `actions`: agreed here and still open)."""
    context: dict[str, Any] = {}
    for provider in _meeting.values():
        context.update(provider(meeting=meeting))
    return context


# How an approved family plan's items become actions: `actions` registers its `add_action` here, so a
# conference's services can create actions without `meetings` importing `actions`.
_action_adder: list[Callable[..., Any]] = []


def register_action_adder(adder: Callable[..., Any]) -> None:
    _action_adder[:] = [adder]


def add_action(**kwargs: Any) -> Any:
    if not _action_adder:
        raise RuntimeError("The actions app is not installed: no action can be added.")
    return _action_adder[0](**kwargs)
