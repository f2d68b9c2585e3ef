"""Network metrics, each defined once here, for the live network and for snapshots alike.

Members are the child's (ego's) contacts, the alters. "Ties" in the metrics below are of two kinds:
- the child's tie to each member (its valence and direction live on the member), and
- ties between two members (alter–alter ties), each of one kind (TieKind).

Alter–alter ties are split by kind, and each figure says which it uses:
- positive ties: "know each other" (kind "") and "close". Every structural measure (density,
  isolated, components, degree, effective size, constraint, E-I index) uses these only: people in
  conflict, or whose contact is broken, do not hold the network together.
- conflict ties ("conflict"): people in contact but in conflict. Counted, and their share of the ties in
  contact is the conflict share.
- broken contact ("broken"): people who no longer have contact. Counted only; they are no tie in any
  measure.
A tie of an unknown kind counts in none of them.

Shares are fractions in 0..1 (the templates show them as percentages) and are None when their
denominator is zero, so an empty network reads "–" rather than a misleading 0 %.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, Protocol

from django.db.models import TextChoices
from django.utils.functional import Promise

from sirkel.network.models import (
    Direction,
    NetworkMember,
    NetworkTie,
    Sector,
    Side,
    SupportType,
    TieKind,
    Valence,
)
from sirkel.taxonomy.choices import TaxonomyChoices

SUPPORT_TYPES: tuple[str, ...] = tuple(t.value for t in SupportType)
SECTORS: tuple[str, ...] = tuple(s.value for s in Sector)
SIDES: tuple[str, ...] = tuple(s.value for s in Side)
STRESS_VALENCES = frozenset({Valence.STRESS.value, Valence.BOTH.value})
POSITIVE_KINDS = frozenset({TieKind.NONE.value, TieKind.CLOSE.value})
CONFLICT_KIND = TieKind.CONFLICT.value
BROKEN_KIND = TieKind.BROKEN.value

# An alter–alter tie as (member id, member id) or (member id, member id, kind); without a kind it is
# "know each other".
TieInput = tuple[int, int] | tuple[int, int, str]
Pair = tuple[int, int]


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
    mean_ring: float | None
    providers: dict[str, int]
    gaps: list[str]
    mean_support_types: float | None
    stress_share: float | None
    reciprocal_share: float | None
    tie_count: int
    conflict_ties: int
    broken_ties: int
    conflict_share: float | None
    density: float | None
    isolated: int
    isolated_ids: list[int]
    components: int
    largest_component: int
    mean_degree: float | None
    effective_size: float | None
    constraint: float | None
    side_blau: float | None
    side_iqv: float | None
    sector_blau: float | None
    sector_iqv: float | None
    support_blau: float | None
    support_iqv: float | None
    ei_external: int
    ei_internal: int
    ei_index: float | None

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

    @property
    def ei_ties(self) -> int:
        """The positive ties the E-I index counts (within a side and across)."""
        return self.ei_external + self.ei_internal


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when whole is zero."""
    return part / whole if whole else None


@dataclass(frozen=True)
class TieSets:
    """The distinct alter–alter ties of a network by kind, as ordered (low, high) pairs."""

    positive: set[Pair]
    conflict: set[Pair]
    broken: set[Pair]


def classify_ties(member_ids: Iterable[int], ties: Iterable[TieInput]) -> TieSets:
    """The alter–alter ties split into positive, conflict and broken contact (see the module docstring).

    Self-ties and ties to ids that are not members are ignored; a pair listed more than once (in either
    order) is one tie, of the kind listed last.
    """
    ids = set(member_ids)
    kinds: dict[Pair, str] = {}
    for tie in ties:
        a, b = tie[0], tie[1]
        if a != b and a in ids and b in ids:
            kinds[(min(a, b), max(a, b))] = tie[2] if len(tie) > 2 else TieKind.NONE.value
    return TieSets(
        positive={p for p, k in kinds.items() if k in POSITIVE_KINDS},
        conflict={p for p, k in kinds.items() if k == CONFLICT_KIND},
        broken={p for p, k in kinds.items() if k == BROKEN_KIND},
    )


def alter_pairs(member_ids: Iterable[int], ties: Iterable[TieInput]) -> set[Pair]:
    """The distinct positive alter–alter ties as ordered (low, high) pairs (see classify_ties)."""
    return classify_ties(member_ids, ties).positive


def neighbours(member_ids: Iterable[int], pairs: Iterable[Pair]) -> dict[int, set[int]]:
    """Each member's neighbours over the given alter–alter ties (every member present, maybe with none)."""
    adjacent: dict[int, set[int]] = {i: set() for i in member_ids}
    for a, b in pairs:
        adjacent[a].add(b)
        adjacent[b].add(a)
    return adjacent


def component_sizes(adjacent: Mapping[int, set[int]]) -> list[int]:
    """Sizes of the connected components, largest first; a member without ties is a component of one.

    The child is left out: with the child every ego network is one component, so the components are
    those of the members among themselves.
    """
    seen: set[int] = set()
    sizes: list[int] = []
    for start in adjacent:
        if start in seen:
            continue
        seen.add(start)
        stack, size = [start], 0
        while stack:
            node = stack.pop()
            size += 1
            for other in adjacent[node] - seen:
                seen.add(other)
                stack.append(other)
        sizes.append(size)
    return sorted(sizes, reverse=True)


def effective_size(n: int, ties: int) -> float | None:
    """Burt's effective size of the child's network: n − 2t/n, None when n = 0.

    Burt's Σ_j (1 − Σ_q p_iq·m_jq) over the child's n members, unweighted: the child's tie to each
    member counts equally (p_iq = 1/n) and m_jq = 1 when j and q have a positive tie. A member's
    redundancy is the share of the others they are tied to; t is the number of positive alter–alter
    ties. n with no ties among them; 1 when everybody is tied to everybody.
    """
    return n - 2 * ties / n if n else None


def constraint(adjacent: Mapping[int, set[int]]) -> float | None:
    """Burt's constraint on the child, Σ_j (p_ij + Σ_{q≠i,j} p_iq·p_qj)², None without members.

    Computed on the ego network: the child i tied to every member, plus the positive alter–alter ties.
    Unweighted, so p_xy = 1/degree(x) when x and y are tied (0 otherwise), where a member's degree counts
    their tie to the child: p_ij = 1/n, p_qj = 1/(1 + the member q's positive ties). Low when the members
    do not know each other (the child's contacts are non-redundant), up to 1 for a single member or for
    two members who know each other ((1/2 + 1/4)² · 2 = 1.125 — constraint can exceed 1).
    """
    n = len(adjacent)
    if not n:
        return None
    total = 0.0
    for j in adjacent:
        indirect = sum((1 / n) * (1 / (1 + len(adjacent[q]))) for q in adjacent[j])
        total += (1 / n + indirect) ** 2
    return total


@dataclass(frozen=True)
class Diversity:
    """Blau's index 1 − Σ p_k² over k categories, and the IQV (Blau · k/(k−1), 0..1)."""

    blau: float | None
    iqv: float | None


def diversity(counts: Sequence[int]) -> Diversity:
    """Blau and IQV of counts in k = len(counts) categories; None when the counts add up to zero.

    Blau is the chance that two people (or two pieces of support) drawn at random fall in different
    categories; the IQV scales it so that an even spread over all k categories is 1.
    """
    total = sum(counts)
    k = len(counts)
    if not total:
        return Diversity(None, None)
    blau = 1 - sum((c / total) ** 2 for c in counts)
    return Diversity(blau, blau * k / (k - 1) if k > 1 else None)


def compute_metrics(members: Sequence[MemberLike], ties: Iterable[TieInput]) -> NetworkMetrics:
    """Compute every metric from members and alter–alter ties, (a, b) or (a, b, kind).

    With n = number of members, P = the positive alter–alter ties, C = the conflict ties and B = the
    broken contacts (classify_ties):

    - size: n. by_sector: members per sector. private / public: members on each side;
      public_share = public / n.
    - inner_ring: members in ring 1 (closest to the child); mean_ring: Σ ring / n (1 is closest).
    - providers: for each support type, the members who give it; gaps: the support types with none.
    - mean_support_types: (sum over members of the number of distinct known support types they give) / n.
    - stress_share: members whose tie to the child is a stress (valence "stress" or "both") / n.
    - reciprocal_share: members whose help goes both ways (direction "both") / n.
    - tie_count: |P|; conflict_ties: |C|; broken_ties: |B|.
    - conflict_share: |C| / (|P| + |C|), the share of the ties between people in contact that are in
      conflict (broken contact is no contact, so not counted); None without such ties.
    - density: |P| / (n(n-1)/2), the share of possible pairs of members who have a positive tie;
      None when n < 2.
    - isolated: members in no positive alter–alter tie (their only positive tie is to the child; a
      member whose only tie is a conflict or broken contact is isolated).
    - components / largest_component: connected components of the members over P (the child left out),
      and the size of the largest (component_sizes).
    - mean_degree: 2|P| / n, how many other members each knows on average.
    - effective_size and constraint: Burt's, on the child's tie to every member plus P, unweighted
      (effective_size(), constraint()).
    - side_* / sector_* / support_*: Blau and IQV (diversity()) over the members' side (k = 2), the
      members' sector (k = 4), and the support given (each member–support type pair once, k = 4).
    - ei_index: Krackhardt's E-I index (E − I) / (E + I) over P, with E the positive ties between a
      private and a public member and I those within one side; −1 when the private and public
      network are not linked at all, +1 when every tie crosses; None without positive ties.

    Shares are None when their denominator is 0.
    """
    n = len(members)
    ids = [m.id for m in members]
    tie_sets = classify_ties(ids, ties)
    pairs = tie_sets.positive
    adjacent = neighbours(ids, pairs)
    sizes = component_sizes(adjacent)
    supports = [set(m.support) & set(SUPPORT_TYPES) for m in members]
    providers = {t: sum(1 for s in supports if t in s) for t in SUPPORT_TYPES}
    private = sum(1 for m in members if m.side == Side.PRIVATE.value)
    public = sum(1 for m in members if m.side == Side.PUBLIC.value)
    by_sector = {s: sum(1 for m in members if m.sector == s) for s in SECTORS}
    isolated_ids = sorted(i for i, others in adjacent.items() if not others)
    side_of = {m.id: m.side for m in members}
    external = sum(1 for a, b in pairs if side_of[a] != side_of[b])
    internal = len(pairs) - external
    sides = diversity([sum(1 for m in members if m.side == s) for s in SIDES])
    sectors = diversity([by_sector[s] for s in SECTORS])
    support = diversity([providers[t] for t in SUPPORT_TYPES])
    in_contact = len(pairs) + len(tie_sets.conflict)
    return NetworkMetrics(
        size=n,
        by_sector=by_sector,
        private=private,
        public=public,
        public_share=share(public, n),
        inner_ring=sum(1 for m in members if m.ring == 1),
        mean_ring=(sum(m.ring for m in members) / n) if n else None,
        providers=providers,
        gaps=[t for t in SUPPORT_TYPES if providers[t] == 0],
        mean_support_types=(sum(len(s) for s in supports) / n) if n else None,
        stress_share=share(sum(1 for m in members if m.valence in STRESS_VALENCES), n),
        reciprocal_share=share(sum(1 for m in members if m.direction == Direction.BOTH.value), n),
        tie_count=len(pairs),
        conflict_ties=len(tie_sets.conflict),
        broken_ties=len(tie_sets.broken),
        conflict_share=share(len(tie_sets.conflict), in_contact),
        density=(len(pairs) / (n * (n - 1) / 2)) if n >= 2 else None,
        isolated=len(isolated_ids),
        isolated_ids=isolated_ids,
        components=len(sizes),
        largest_component=sizes[0] if sizes else 0,
        mean_degree=(2 * len(pairs) / n) if n else None,
        effective_size=effective_size(n, len(pairs)),
        constraint=constraint(adjacent),
        side_blau=sides.blau,
        side_iqv=sides.iqv,
        sector_blau=sectors.blau,
        sector_iqv=sectors.iqv,
        support_blau=support.blau,
        support_iqv=support.iqv,
        ei_external=external,
        ei_internal=internal,
        ei_index=share(external - internal, len(pairs)),
    )


def flat_metrics(metrics: NetworkMetrics) -> dict[str, int | float | None]:
    """Every metric as one named number, in a fixed order, for exports (no member ids).

    by_sector and providers become sector_<sector> and providers_<support type>; gaps becomes
    support_gaps (how many support types nobody gives).
    """
    values: dict[str, int | float | None] = {}
    for f in fields(metrics):
        value = getattr(metrics, f.name)
        if f.name == "by_sector":
            values.update({f"sector_{s}": value.get(s, 0) for s in SECTORS})
        elif f.name == "providers":
            values.update({f"providers_{t}": value.get(t, 0) for t in SUPPORT_TYPES})
        elif f.name == "gaps":
            values["support_gaps"] = len(value)
        elif f.name != "isolated_ids":
            values[f.name] = value
    return values


def metrics_for_network(members: Sequence[NetworkMember], ties: Iterable[NetworkTie]) -> NetworkMetrics:
    """Metrics of the live network (members and ties as loaded by selectors.network_for_case)."""
    return compute_metrics(members, [(t.a_id, t.b_id, t.kind) for t in ties])


def snapshot_members(data: Mapping[str, Any]) -> list[SnapshotMember]:
    """The members of snapshot data ({"members": [...], "ties": [[a, b, kind], ...]})."""
    return [SnapshotMember.from_dict(m) for m in data.get("members") or []]


def snapshot_ties(data: Mapping[str, Any]) -> list[tuple[int, int, str]]:
    """The (a, b, kind) ties of snapshot data (kind "" when missing); malformed entries are skipped."""
    result: list[tuple[int, int, str]] = []
    for tie in data.get("ties") or []:
        if isinstance(tie, list | tuple) and len(tie) >= 2:
            kind = tie[2] if len(tie) > 2 and isinstance(tie[2], str) else TieKind.NONE.value
            result.append((int(tie[0]), int(tie[1]), kind))
    return result


def metrics_for_snapshot(data: Mapping[str, Any]) -> NetworkMetrics:
    """Metrics of a snapshot's data, computed exactly as for the live network."""
    return compute_metrics(snapshot_members(data), snapshot_ties(data))


@dataclass(frozen=True)
class Turnover:
    """Who is the same between two states of the network, matched by member id.

    jaccard = stayed / (stayed + joined + left), the share of everyone in either state who is in both:
    1 when the same people, 0 when nobody stayed; None when both are empty.
    """

    stayed: int
    joined: int
    left: int

    @property
    def total(self) -> int:
        """Everyone in either state."""
        return self.stayed + self.joined + self.left

    @property
    def jaccard(self) -> float | None:
        return share(self.stayed, self.total)


def turnover(before: Iterable[int], after: Iterable[int]) -> Turnover:
    """Turnover between the member ids of two states."""
    old, new = set(before), set(after)
    return Turnover(stayed=len(old & new), joined=len(new - old), left=len(old - new))


def snapshot_turnover(before: Mapping[str, Any], after: Mapping[str, Any]) -> Turnover:
    """Turnover between two snapshots' data (or the live network's, from services.snapshot_data())."""
    return turnover((m.id for m in snapshot_members(before)), (m.id for m in snapshot_members(after)))
