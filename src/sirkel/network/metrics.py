"""Network metrics, each defined once here, for the live network and for snapshots alike.

Members are the child's (ego's) contacts. "Ties" in the metrics below are of two kinds:
- the child's tie to each member (its valence and direction live on the member), and
- ties between two members (alter–alter ties), which give density and isolation.

Shares are fractions in 0..1 (the templates show them as percentages) and are None when their
denominator is zero, so an empty network reads "–" rather than a misleading 0 %.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db.models import TextChoices
from django.utils.functional import Promise

from sirkel.network.models import Direction, NetworkMember, NetworkTie, Sector, Side, SupportType, Valence
from sirkel.taxonomy.choices import TaxonomyChoices

SUPPORT_TYPES: tuple[str, ...] = tuple(t.value for t in SupportType)
SECTORS: tuple[str, ...] = tuple(s.value for s in Sector)
STRESS_VALENCES = frozenset({Valence.STRESS.value, Valence.BOTH.value})


def choice_label(choices: type[TextChoices] | type[TaxonomyChoices], value: str) -> str | Promise:
    """The display label of a choice value, or the value itself if it is not (or no longer) a choice."""
    try:
        label: str | Promise = choices(value).label
    except ValueError:
        return value
    return label


class MemberLike(Protocol):
    """What the metrics read from a member: a NetworkMember or a SnapshotMember."""

    @property
    def id(self) -> int: ...
    @property
    def side(self) -> str: ...
    @property
    def sector(self) -> str: ...
    @property
    def ring(self) -> int: ...
    @property
    def support(self) -> Sequence[str]: ...
    @property
    def valence(self) -> str: ...
    @property
    def direction(self) -> str: ...


@dataclass(frozen=True)
class SnapshotMember:
    """A member as stored in a snapshot's JSON (NetworkMember.as_snapshot()), with what metrics read."""

    id: int
    name: str
    side: str
    sector: str
    ring: int
    support: tuple[str, ...]
    valence: str
    direction: str
    relation: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SnapshotMember:
        return cls(
            id=int(data["id"]),
            name=str(data.get("name", "")),
            side=str(data["side"]),
            sector=str(data["sector"]),
            ring=int(data["ring"]),
            support=tuple(str(s) for s in data.get("support") or ()),
            valence=str(data.get("valence") or Valence.RESOURCE.value),
            direction=str(data.get("direction") or Direction.GIVES.value),
            relation=str(data.get("relation", "")),
        )

    @classmethod
    def from_member(cls, member: NetworkMember) -> SnapshotMember:
        """The same shape from a live member, through the same JSON a snapshot stores."""
        return cls.from_dict(member.as_snapshot())

    @property
    def side_label(self) -> str | Promise:
        return choice_label(Side, self.side)

    @property
    def sector_label(self) -> str | Promise:
        return choice_label(Sector, self.sector)

    @property
    def valence_label(self) -> str | Promise:
        return choice_label(Valence, self.valence)

    @property
    def direction_label(self) -> str | Promise:
        return choice_label(Direction, self.direction)

    @property
    def support_labels(self) -> list[str | Promise]:
        return [choice_label(SupportType, s) for s in self.support]


@dataclass(frozen=True)
class NetworkMetrics:
    """Every network metric; see compute_metrics() for the definitions."""

    size: int
    by_sector: dict[str, int]
    private: int
    public: int
    public_share: float | None
    inner_ring: int
    providers: dict[str, int]
    gaps: list[str]
    mean_support_types: float | None
    stress_share: float | None
    reciprocal_share: float | None
    density: float | None
    isolated: int
    isolated_ids: list[int] = field(default_factory=list)
    tie_count: int = 0

    @property
    def sector_rows(self) -> list[tuple[str | Promise, int]]:
        """(sector label, members) in the sectors' fixed order, for templates."""
        return [(Sector(s).label, self.by_sector.get(s, 0)) for s in SECTORS]

    @property
    def provider_rows(self) -> list[tuple[str | Promise, int]]:
        """(support type label, members giving it) in the support types' fixed order, for templates."""
        return [(SupportType(t).label, self.providers.get(t, 0)) for t in SUPPORT_TYPES]

    @property
    def gap_labels(self) -> list[str | Promise]:
        """Labels of the support types nobody gives."""
        return [SupportType(t).label for t in self.gaps]


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when whole is zero."""
    return part / whole if whole else None


def alter_pairs(member_ids: Iterable[int], ties: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
    """The distinct alter–alter ties as ordered (low, high) pairs.

    Self-ties, repeated ties (in either order) and ties to ids that are not members are ignored.
    """
    ids = set(member_ids)
    return {(min(a, b), max(a, b)) for a, b in ties if a != b and a in ids and b in ids}


def compute_metrics(members: Sequence[MemberLike], ties: Iterable[tuple[int, int]]) -> NetworkMetrics:
    """Compute every metric from members and alter–alter ties given as (member id, member id) pairs.

    With n = number of members and T = the distinct alter–alter ties (see alter_pairs):

    - size: n. by_sector: members per sector. private / public: members on each side;
      public_share = public / n.
    - inner_ring: members in ring 1 (closest to the child).
    - providers: for each support type, the members who give it; gaps: the support types with none.
    - mean_support_types: (sum over members of the number of distinct known support types they give) / n.
    - stress_share: members whose tie to the child is a stress (valence "stress" or "both") / n.
    - reciprocal_share: members whose help goes both ways (direction "both") / n.
    - density: |T| / (n(n-1)/2), the share of possible pairs of members who are tied; None when n < 2.
    - isolated: members with no alter–alter tie (their only tie in the network is to the child).

    Shares are None when n is 0.
    """
    n = len(members)
    pairs = alter_pairs((m.id for m in members), ties)
    tied = {i for pair in pairs for i in pair}
    supports = [set(m.support) & set(SUPPORT_TYPES) for m in members]
    providers = {t: sum(1 for s in supports if t in s) for t in SUPPORT_TYPES}
    private = sum(1 for m in members if m.side == Side.PRIVATE.value)
    public = sum(1 for m in members if m.side == Side.PUBLIC.value)
    isolated_ids = sorted(m.id for m in members if m.id not in tied)
    return NetworkMetrics(
        size=n,
        by_sector={s: sum(1 for m in members if m.sector == s) for s in SECTORS},
        private=private,
        public=public,
        public_share=share(public, n),
        inner_ring=sum(1 for m in members if m.ring == 1),
        providers=providers,
        gaps=[t for t in SUPPORT_TYPES if providers[t] == 0],
        mean_support_types=(sum(len(s) for s in supports) / n) if n else None,
        stress_share=share(sum(1 for m in members if m.valence in STRESS_VALENCES), n),
        reciprocal_share=share(sum(1 for m in members if m.direction == Direction.BOTH.value), n),
        density=(len(pairs) / (n * (n - 1) / 2)) if n >= 2 else None,
        isolated=len(isolated_ids),
        isolated_ids=isolated_ids,
        tie_count=len(pairs),
    )


def metrics_for_network(members: Sequence[NetworkMember], ties: Iterable[NetworkTie]) -> NetworkMetrics:
    """Metrics of the live network (members and ties as loaded by selectors.network_for_case)."""
    return compute_metrics(members, [(t.a_id, t.b_id) for t in ties])


def snapshot_members(data: Mapping[str, Any]) -> list[SnapshotMember]:
    """The members of snapshot data ({"members": [...], "ties": [[a, b, kind], ...]})."""
    return [SnapshotMember.from_dict(m) for m in data.get("members") or []]


def snapshot_ties(data: Mapping[str, Any]) -> list[tuple[int, int]]:
    """The (a, b) member-id pairs of snapshot data; malformed entries are skipped."""
    pairs: list[tuple[int, int]] = []
    for tie in data.get("ties") or []:
        if isinstance(tie, list | tuple) and len(tie) >= 2:
            pairs.append((int(tie[0]), int(tie[1])))
    return pairs


def metrics_for_snapshot(data: Mapping[str, Any]) -> NetworkMetrics:
    """Metrics of a snapshot's data, computed exactly as for the live network."""
    return compute_metrics(snapshot_members(data), snapshot_ties(data))
