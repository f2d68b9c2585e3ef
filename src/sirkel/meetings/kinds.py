"""What differs between the network measures with a guided process, in one table, so the machinery is
shared, not copied. The kinds themselves (keys, labels, SSB codes) are the taxonomy's; this table adds only
how Sirkel runs each one."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sirkel.cases.models import MeasureKind
from sirkel.taxonomy import measures as measure_taxonomy


@dataclass(frozen=True)
class KindConfig:
    kind: str
    leader_label: Promise  # what the person leading it is called
    needs_leader: bool  # a leader who is not the caseworker
    default_minutes: int  # default meeting length
    investigation_only: bool = False  # e.g. start meetings, held during the investigation

    @property
    def ssb_code(self) -> str:
        """Statistics Norway's measure code, from the taxonomy ("" where none exists)."""
        return measure_taxonomy.ssb_code(self.kind)

    @property
    def label(self) -> Promise | str:
        return measure_taxonomy.kind_label(self.kind)


KINDS: dict[str, KindConfig] = {
    MeasureKind.NETWORK_MEETING: KindConfig(MeasureKind.NETWORK_MEETING, _("Meeting leader"), True, 180),
    MeasureKind.START_MEETING: KindConfig(
        MeasureKind.START_MEETING, _("Meeting leader"), True, 180, investigation_only=True
    ),
    MeasureKind.FAMILY_GROUP_CONFERENCE: KindConfig(
        MeasureKind.FAMILY_GROUP_CONFERENCE, _("Coordinator"), True, 240
    ),
    MeasureKind.NATURAL_MENTOR: KindConfig(MeasureKind.NATURAL_MENTOR, _("Contact person"), False, 90),
    MeasureKind.NTT: KindConfig(MeasureKind.NTT, _("Environmental therapist"), False, 120),
    MeasureKind.RESOURCE_PERSON: KindConfig(MeasureKind.RESOURCE_PERSON, _("Contact person"), False, 90),
}


def kind_config(kind: str) -> KindConfig:
    return KINDS[kind]


def has_process(kind: str) -> bool:
    """Whether measures of this kind run as a `Series` (screening, consent, meetings, actions)."""
    return kind in KINDS


def process_kind_choices() -> list[tuple[str, Promise | str]]:
    """The kinds a network measure can be started as, labelled from the taxonomy, in its order."""
    return [(key, label) for key, label in measure_taxonomy.kind_choices() if key in KINDS]
