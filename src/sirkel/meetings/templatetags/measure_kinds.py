"""Template filters for the kinds of network measure: `{% with config=series.kind|kind_config %}`, so a
partial that lists measures of several kinds speaks of each one's own roles and meetings (kinds.py)."""

from __future__ import annotations

from django import template

from sirkel.meetings.kinds import KindConfig
from sirkel.meetings.kinds import in_sentence as _in_sentence
from sirkel.meetings.kinds import kind_config as _kind_config
from sirkel.meetings.models import Meeting, MeetingKind

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
    """What a meeting is called by its measure's kind ("Family group conference", "Follow-up conference"),
    not the model's "Network meeting": `{{ meeting|meeting_name:config }}`."""
    return str(config.follow_up_label if meeting.kind == MeetingKind.FOLLOW_UP else config.meeting_label)
