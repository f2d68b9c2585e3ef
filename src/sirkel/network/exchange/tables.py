"""A case's network as Network Canvas's three tables (ego, people, ties), every cell a string."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from django.utils import timezone

from sirkel.cases.models import Case
from sirkel.network.exchange.schema import (
    METRIC_PREFIX,
    PROTOCOL_NAME,
    SUPPORT_PREFIX,
    Tables,
    ego_uuid,
    member_uuid,
    session_uuid,
    tie_uuid,
)
from sirkel.network.metrics import flat_metrics, metrics_for_network, snapshot_members, turnover
from sirkel.network.models import NetworkMember, NetworkSnapshot, NetworkTie, SupportType


def _timestamp(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _number(value: float | None) -> str:
    """A metric as a cell: "" for no value, an int as is, a fraction to 6 decimals with a point."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return f"{round(value, 6):g}"


def metric_cells(
    *, members: Sequence[NetworkMember], ties: Sequence[NetworkTie], since: NetworkSnapshot | None
) -> dict[str, str]:
    """The ego network's metrics as ego cells, and the turnover since the snapshot `since` (if any)."""
    cells = {
        f"{METRIC_PREFIX}{name}": _number(value)
        for name, value in flat_metrics(metrics_for_network(members, ties)).items()
    }
    change = (
        turnover((m.id for m in snapshot_members(since.data)), (m.pk for m in members)) if since else None
    )
    cells["turnover_since"] = _timestamp(since.taken_at) if since else ""
    cells[f"{METRIC_PREFIX}turnover_stayed"] = _number(change.stayed) if change else ""
    cells[f"{METRIC_PREFIX}turnover_joined"] = _number(change.joined) if change else ""
    cells[f"{METRIC_PREFIX}turnover_left"] = _number(change.left) if change else ""
    cells[f"{METRIC_PREFIX}turnover_jaccard"] = _number(change.jaccard) if change else ""
    return cells


def network_tables(
    *,
    case: Case,
    members: Sequence[NetworkMember],
    ties: Sequence[NetworkTie],
    exported_at: datetime,
    since: NetworkSnapshot | None = None,
) -> Tables:
    """The three tables for a case's network. People are numbered by id, so numbers stay put.

    The ego row carries the network's metrics, and the turnover since `since` (the latest snapshot).
    """
    members = sorted(members, key=lambda m: m.pk)
    node_ids = {m.pk: str(number) for number, m in enumerate(members, start=1)}
    # Members and ties are read by two queries; a tie added in between could name someone not read.
    ties = sorted(
        (t for t in ties if t.a_id in node_ids and t.b_id in node_ids), key=lambda t: (t.a_id, t.b_id)
    )
    ego_id = ego_uuid(case)
    changes = [m.updated_at for m in members] + [t.created_at for t in ties]
    ego = {
        "networkCanvasEgoUUID": ego_id,
        "networkCanvasCaseID": case.reference,
        "networkCanvasSessionID": session_uuid(case),
        "networkCanvasProtocolName": PROTOCOL_NAME,
        "sessionStart": _timestamp(min((m.created_at for m in members), default=None)),
        "sessionFinish": _timestamp(max(changes, default=None)),
        "sessionExported": _timestamp(exported_at),
        "sex": case.sex,
        "age": str(case.age_on(timezone.localtime(exported_at).date())),
        "birthplace": case.birthplace,
        "lives_with": case.lives_with,
        "children_in_household": str(case.children_in_household),
        "phase": case.phase,
        **metric_cells(members=members, ties=ties, since=since),
    }
    people = []
    for m in members:
        row = {
            "nodeID": node_ids[m.pk],
            "networkCanvasEgoUUID": ego_id,
            "networkCanvasUUID": member_uuid(m.pk),
            "name": m.name,
            "side": m.side,
            "sector": m.sector,
            "relation": m.relation,
            "ring": str(m.ring),
        }
        row.update({f"{SUPPORT_PREFIX}{s.value}": _bool(s.value in m.support) for s in SupportType})
        row.update(
            {
                "valence": m.valence,
                "direction": m.direction,
                "contact_frequency": m.contact_frequency,
                "lives_abroad": _bool(m.lives_abroad),
                "language": m.language,
                "interpreter_needed": _bool(m.interpreter_needed),
                "note": m.note,
            }
        )
        people.append(row)
    tie_rows = [
        {
            "edgeID": str(number),
            "networkCanvasEgoUUID": ego_id,
            "networkCanvasUUID": tie_uuid(t.pk),
            "networkCanvasSourceUUID": member_uuid(t.a_id),
            "networkCanvasTargetUUID": member_uuid(t.b_id),
            "from": node_ids[t.a_id],
            "to": node_ids[t.b_id],
            "kind": t.kind,
        }
        for number, t in enumerate(ties, start=1)
    ]
    return Tables(ego=ego, people=people, ties=tie_rows)
