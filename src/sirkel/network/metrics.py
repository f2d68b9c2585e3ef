"""Network metrics, each defined once here, for the live network and for snapshots alike.

Members are the child's (ego's) contacts. "Ties" in the metrics below are of two kinds:
- the child's tie to each member (its valence and direction live on the member), and
- ties between two members (alter–alter ties), which give density and isolation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sirkel.network.models import Direction, NetworkMember, NetworkTie, Sector, Side, SupportType, Valence


class MemberLike(Protocol):
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
    """A member as stored in a snapshot's JSON, with the attributes the metrics read."""

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
            support=tuple(data.get("support") or ()),
            valence=str(data.get("valence", Valence.RESOURCE)),
            direction=str(data.get("direction", Direction.GIVES)),
            relation=str(data.get("relation", "")),
        )


@dataclass(frozen=True)
class NetworkMetrics:
    size: int
    by_sector: dict[str, int]
    private: int
    public: int
    public_share: float | None  # public / size; None for an empty network
    inner_ring: int  # members in ring 1
    providers: dict[str, int]  # support type -> members giving it
    gaps: list[str]  # support types nobody gives
    mean_support_types: float | None  # mean number of support types per member
    stress_share: float | None  # share of the child's ties that are a stress (stress or both)
    reciprocal_share: float | None  # share of the child's ties where help goes both ways
    density: float | None  # alter–alter ties / possible pairs; None with fewer than two members
    isolated: int  # members with no tie to another member
    isolated_ids: list[int] = field(default_factory=list)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def compute_metrics(members: Sequence[MemberLike], ties: Iterable[tuple[int, int]]) -> NetworkMetrics:
    """Compute every metric from members and alter–alter ties given as (member id, member id) pairs."""
    n = len(members)
    ids = {m.id for m in members}
    pairs = {(min(a, b), max(a, b)) for a, b in ties if a != b and a in ids and b in ids}
    tied: set[int] = set()
    for a, b in pairs:
        tied.update((a, b))
    providers = {t.value: sum(1 for m in members if t.value in m.support) for t in SupportType}
    private = sum(1 for m in members if m.side == Side.PRIVATE)
    isolated_ids = sorted(m.id for m in members if m.id not in tied)
    return NetworkMetrics(
        size=n,
        by_sector={s.value: sum(1 for m in members if m.sector == s.value) for s in Sector},
        private=private,
        public=n - private,
        public_share=_share(n - private, n),
        inner_ring=sum(1 for m in members if m.ring == 1),
        providers=providers,
        gaps=[t for t, count in providers.items() if count == 0],
        mean_support_types=(sum(len(set(m.support)) for m in members) / n) if n else None,
        stress_share=_share(sum(1 for m in members if m.valence in (Valence.STRESS, Valence.BOTH)), n),
        reciprocal_share=_share(sum(1 for m in members if m.direction == Direction.BOTH), n),
        density=(len(pairs) / (n * (n - 1) / 2)) if n >= 2 else None,
        isolated=len(isolated_ids),
        isolated_ids=isolated_ids,
    )


def metrics_for_network(members: Sequence[NetworkMember], ties: Sequence[NetworkTie]) -> NetworkMetrics:
    return compute_metrics(members, [(t.a_id, t.b_id) for t in ties])


def snapshot_members(data: Mapping[str, Any]) -> list[SnapshotMember]:
    return [SnapshotMember.from_dict(m) for m in data.get("members", [])]


def metrics_for_snapshot(data: Mapping[str, Any]) -> NetworkMetrics:
    return compute_metrics(snapshot_members(data), [(int(t[0]), int(t[1])) for t in data.get("ties", [])])
