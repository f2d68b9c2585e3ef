"""Comparing two states of a network (snapshots or the live network): pure functions over snapshot data.

Both sides have the shape of NetworkSnapshot.data ({"members": [...], "ties": [[a, b, kind], ...]}); the
live network gets the same shape from services.snapshot_data(). Members are matched by their id, so
someone removed and registered again shows as one who left and one who was added.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sirkel.network.metrics import (
    SECTORS,
    SUPPORT_TYPES,
    NetworkMetrics,
    SnapshotMember,
    Turnover,
    choice_label,
    metrics_for_snapshot,
    snapshot_members,
    turnover,
)
from sirkel.network.models import Sector, Side, SupportType

MetricKind = Literal["count", "share", "decimal"]


@dataclass(frozen=True)
class RingChange:
    """A member present on both sides whose ring changed (1 is closest to the child)."""

    member: SnapshotMember
    before: int
    after: int

    @property
    def closer(self) -> bool:
        return self.after < self.before


@dataclass(frozen=True)
class PlaceChange:
    """A member present on both sides who changed side (private/public) and/or sector."""

    member: SnapshotMember
    side_before: str
    side_after: str
    sector_before: str
    sector_after: str

    @property
    def side_changed(self) -> bool:
        return self.side_before != self.side_after

    @property
    def sector_changed(self) -> bool:
        return self.sector_before != self.sector_after

    @property
    def side_before_label(self) -> str | Promise:
        return choice_label(Side, self.side_before)

    @property
    def side_after_label(self) -> str | Promise:
        return choice_label(Side, self.side_after)

    @property
    def sector_before_label(self) -> str | Promise:
        return choice_label(Sector, self.sector_before)

    @property
    def sector_after_label(self) -> str | Promise:
        return choice_label(Sector, self.sector_after)


@dataclass(frozen=True)
class SupportChange:
    """Who gives one support type on each side: counts, and the names of those who started or stopped."""

    support_type: str
    before: int
    after: int
    gained: list[SnapshotMember]  # give it after, did not before (including people added)
    lost: list[SnapshotMember]  # gave it before, do not after (including people who left)

    @property
    def label(self) -> str | Promise:
        return choice_label(SupportType, self.support_type)

    @property
    def difference(self) -> int:
        return self.after - self.before

    @property
    def changed(self) -> bool:
        return bool(self.gained or self.lost)


@dataclass(frozen=True)
class MetricRow:
    """One metric on both sides. difference = after - before, None when either side has no value."""

    key: str
    label: str | Promise
    kind: MetricKind
    before: float | None
    after: float | None

    @property
    def difference(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True)
class Comparison:
    added: list[SnapshotMember]
    removed: list[SnapshotMember]
    closer: list[RingChange]
    further: list[RingChange]
    moved: list[PlaceChange]
    support: list[SupportChange]
    metrics_before: NetworkMetrics
    metrics_after: NetworkMetrics
    metric_rows: list[MetricRow]
    turnover: Turnover

    @property
    def has_member_changes(self) -> bool:
        return bool(self.added or self.removed or self.closer or self.further or self.moved)


def _by_name(members: list[SnapshotMember]) -> list[SnapshotMember]:
    return sorted(members, key=lambda m: (m.name.casefold(), m.id))


def _changes_by_name(changes: list[RingChange]) -> list[RingChange]:
    return sorted(changes, key=lambda c: (c.member.name.casefold(), c.member.id))


def metric_rows(before: NetworkMetrics, after: NetworkMetrics) -> list[MetricRow]:
    """The metrics side by side, in the order the key figures are shown."""

    def row(key: str, label: str | Promise, kind: MetricKind, b: float | None, a: float | None) -> MetricRow:
        return MetricRow(key=key, label=label, kind=kind, before=b, after=a)

    rows = [row("size", _("People in the network"), "count", before.size, after.size)]
    rows += [
        row(f"sector:{s}", Sector(s).label, "count", before.by_sector.get(s, 0), after.by_sector.get(s, 0))
        for s in SECTORS
    ]
    rows += [
        row("private", Side.PRIVATE.label, "count", before.private, after.private),
        row("public", Side.PUBLIC.label, "count", before.public, after.public),
        row("public_share", _("Public share"), "share", before.public_share, after.public_share),
        row(
            "inner_ring",
            _("Closest to the child (inner ring)"),
            "count",
            before.inner_ring,
            after.inner_ring,
        ),
    ]
    rows += [
        row(
            f"providers:{t}",
            choice_label(SupportType, t),
            "count",
            before.providers.get(t, 0),
            after.providers.get(t, 0),
        )
        for t in SUPPORT_TYPES
    ]
    rows += [
        row(
            "mean_support_types",
            _("Kinds of support per person, on average"),
            "decimal",
            before.mean_support_types,
            after.mean_support_types,
        ),
        row(
            "stress_share",
            _("Share of the child's relations that are a stress"),
            "share",
            before.stress_share,
            after.stress_share,
        ),
        row(
            "reciprocal_share",
            _("Share of the child's relations where help goes both ways"),
            "share",
            before.reciprocal_share,
            after.reciprocal_share,
        ),
        row(
            "mean_ring",
            _("Average ring (1 is closest to the child)"),
            "decimal",
            before.mean_ring,
            after.mean_ring,
        ),
        row(
            "tie_count",
            _("Ties between the people who know each other or are close"),
            "count",
            before.tie_count,
            after.tie_count,
        ),
        row(
            "conflict_ties",
            _("Ties in conflict between the people"),
            "count",
            before.conflict_ties,
            after.conflict_ties,
        ),
        row(
            "broken_ties",
            _("Broken contact between the people"),
            "count",
            before.broken_ties,
            after.broken_ties,
        ),
        row(
            "conflict_share",
            _("Share of the ties between people in contact that are in conflict"),
            "share",
            before.conflict_share,
            after.conflict_share,
        ),
        row(
            "density",
            _("How well the people know each other (density, not counting conflict or broken contact)"),
            "share",
            before.density,
            after.density,
        ),
        row(
            "isolated",
            _("People who know nobody else in the network (not counting conflict or broken contact)"),
            "count",
            before.isolated,
            after.isolated,
        ),
        row(
            "components",
            _("Separate groups among the people (components; conflict and broken contact do not link)"),
            "count",
            before.components,
            after.components,
        ),
        row(
            "largest_component",
            _("People in the largest group"),
            "count",
            before.largest_component,
            after.largest_component,
        ),
        row(
            "mean_degree",
            _("How many of the others each person knows or is close to, on average (mean degree)"),
            "decimal",
            before.mean_degree,
            after.mean_degree,
        ),
        row(
            "effective_size",
            _("Contacts who do not overlap with each other (effective size, Burt)"),
            "decimal",
            before.effective_size,
            after.effective_size,
        ),
        row(
            "constraint",
            _("How much the child's contacts hang together in one closed group (constraint, Burt)"),
            "decimal",
            before.constraint,
            after.constraint,
        ),
        row(
            "sector_iqv",
            _("How evenly the people spread over the sectors (IQV)"),
            "share",
            before.sector_iqv,
            after.sector_iqv,
        ),
        row(
            "side_iqv",
            _("How evenly the people spread over private and public network (IQV)"),
            "share",
            before.side_iqv,
            after.side_iqv,
        ),
        row(
            "support_iqv",
            _("How evenly the support spreads over the kinds of support (IQV)"),
            "share",
            before.support_iqv,
            after.support_iqv,
        ),
        row(
            "ei_external",
            _("Ties between the private and the public network (know each other or close)"),
            "count",
            before.ei_external,
            after.ei_external,
        ),
        row(
            "ei_index",
            _("Ties across rather than within private and public network (E-I index, −1 to +1)"),
            "decimal",
            before.ei_index,
            after.ei_index,
        ),
    ]
    return rows


def compare(before: Mapping[str, Any], after: Mapping[str, Any]) -> Comparison:
    """What changed from `before` to `after`, both in the shape of NetworkSnapshot.data."""
    old = {m.id: m for m in snapshot_members(before)}
    new = {m.id: m for m in snapshot_members(after)}
    kept = [i for i in new if i in old]

    ring_changes = [RingChange(new[i], old[i].ring, new[i].ring) for i in kept if old[i].ring != new[i].ring]
    moved = [
        PlaceChange(new[i], old[i].side, new[i].side, old[i].sector, new[i].sector)
        for i in kept
        if old[i].side != new[i].side or old[i].sector != new[i].sector
    ]

    support: list[SupportChange] = []
    for t in SUPPORT_TYPES:
        gave = {i for i, m in old.items() if t in m.support}
        gives = {i for i, m in new.items() if t in m.support}
        support.append(
            SupportChange(
                support_type=t,
                before=len(gave),
                after=len(gives),
                gained=_by_name([new[i] for i in gives - gave]),
                lost=_by_name([old[i] for i in gave - gives]),
            )
        )

    metrics_before = metrics_for_snapshot(before)
    metrics_after = metrics_for_snapshot(after)
    return Comparison(
        added=_by_name([m for i, m in new.items() if i not in old]),
        removed=_by_name([m for i, m in old.items() if i not in new]),
        closer=_changes_by_name([c for c in ring_changes if c.closer]),
        further=_changes_by_name([c for c in ring_changes if not c.closer]),
        moved=sorted(moved, key=lambda c: (c.member.name.casefold(), c.member.id)),
        support=support,
        metrics_before=metrics_before,
        metrics_after=metrics_after,
        metric_rows=metric_rows(metrics_before, metrics_after),
        turnover=turnover(old, new),
    )
