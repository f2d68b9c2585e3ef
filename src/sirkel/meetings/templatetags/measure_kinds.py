"""Template filters for the kinds of network measure: `{% with config=series.kind|kind_config %}`, so a
partial that lists measures of several kinds speaks of each one's own roles and meetings (kinds.py)."""

from __future__ import annotations

from django import template

from sirkel.meetings.kinds import KindConfig
from sirkel.meetings.kinds import in_sentence as _in_sentence
from sirkel.meetings.kinds import kind_config as _kind_config
from sirkel.meetings.models import Meeting

register = template.Library()


@register.filter
def kind_config(kind: str) -> KindConfig:
    return _kind_config(kind)


@register.filter
def in_sentence(label: object) -> str:
    """A label as it reads inside a sentence ("Coordinator" → "coordinator", "NTT" stays)."""
    return _in_sentence(label)


@register.filter
def meeting_name(meeting: Meeting, config: KindConfig) -> str:
    """`Meeting.label` for a page that has the kind's config at hand (no need to load the meeting's series):
    `{{ meeting|meeting_name:config }}`."""
    return config.meeting_name(meeting.kind)
