"""What differs between the network measures, in one table, so the machinery is shared, not copied."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sirkel.meetings.models import MeasureKind
from sirkel.taxonomy.loader import measures


@dataclass(frozen=True)
class KindConfig:
    kind: str
    leader_label: Promise  # what the person leading it is called
    needs_leader: bool  # a leader who is not the caseworker
    default_minutes: int  # default meeting length
    ssb_code: str  # Statistics Norway measure code ("" where none exists)
    investigation_only: bool = False  # e.g. start meetings, held during the investigation


def _ssb(kind: str) -> str:
    for item in measures():
        if item["key"] == kind:
            return str(item.get("code", ""))
    return ""


KINDS: dict[str, KindConfig] = {
    MeasureKind.NETWORK_MEETING: KindConfig(
        MeasureKind.NETWORK_MEETING, _("Meeting leader"), True, 180, _ssb("network_meeting")
    ),
    MeasureKind.START_MEETING: KindConfig(
        MeasureKind.START_MEETING,
        _("Meeting leader"),
        True,
        180,
        _ssb("start_meeting"),
        investigation_only=True,
    ),
    MeasureKind.FAMILY_GROUP_CONFERENCE: KindConfig(
        MeasureKind.FAMILY_GROUP_CONFERENCE, _("Coordinator"), True, 240, _ssb("family_group_conference")
    ),
    MeasureKind.NATURAL_MENTOR: KindConfig(
        MeasureKind.NATURAL_MENTOR, _("Contact person"), False, 90, _ssb("natural_mentor")
    ),
    MeasureKind.NTT: KindConfig(MeasureKind.NTT, _("Environmental therapist"), False, 120, _ssb("ntt")),
    MeasureKind.RESOURCE_PERSON: KindConfig(
        MeasureKind.RESOURCE_PERSON, _("Contact person"), False, 90, _ssb("resource_person")
    ),
}


def kind_config(kind: str) -> KindConfig:
    return KINDS[kind]
