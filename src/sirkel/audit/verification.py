"""Verifying the audit chains: in the database, in an exported file, and against an anchor written earlier."""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from sirkel.audit.keys import keyring
from sirkel.audit.models import GLOBAL_CHAIN, AuditChainHead, AuditEvent
from sirkel.audit.services import GENESIS_HASH, compute_hash

ANCHOR_FORMAT = "sirkel-audit-anchor/1"


def chain_name(chain: int) -> str:
    """How a chain is named in messages: by its service's id, or as the global chain."""
    return "global" if chain == GLOBAL_CHAIN else f"service {chain}"


@dataclass(frozen=True)
class ChainProblem:
    """What is wrong, where: the chain (None for the anchor file itself) and the event, when known."""

    chain: int | None
    seq: int | None
    problem: str

    def __str__(self) -> str:
        if self.chain is None:
            return self.problem
        where = f"chain {chain_name(self.chain)}" + (f", event #{self.seq}" if self.seq is not None else "")
        return f"{where}: {self.problem}"


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of a verification: events checked, chains seen, and every chain's first problem."""

    checked: int
    chains: int
    problems: tuple[ChainProblem, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad_seq(self) -> int | None:
        return self.problems[0].seq if self.problems else None

    @property
    def problem(self) -> str:
        return self.problems[0].problem if self.problems else ""

    @property
    def chain(self) -> int | None:
        return self.problems[0].chain if self.problems else None


def _walk(events: Iterable[AuditEvent], heads: dict[int, tuple[int, str]] | None) -> VerifyResult:
    """Check events given chain by chain, each chain in insertion order. With `heads` (chain → last seq and
    hash), each chain must also end where its head says, and a head without events must be empty."""
    keys = keyring().by_id
    problems: list[ChainProblem] = []
    checked = 0
    chains: set[int] = set()
    state: dict[int, tuple[int, str]] = {}  # chain → (last seq, last hash) so far
    broken: set[int] = set()
    for event in events:
        chains.add(event.chain)
        if event.chain in broken:
            continue
        last_seq, last_hash = state.get(event.chain, (0, GENESIS_HASH))

        def fail(problem: str, event: AuditEvent = event) -> None:
            problems.append(ChainProblem(event.chain, event.seq, problem))
            broken.add(event.chain)

        if event.seq != last_seq + 1:
            fail(f"expected event #{last_seq + 1}, found #{event.seq}")
        elif event.prev_hash != last_hash:
            fail("does not follow the previous event")
        elif event.key_id not in keys:
            fail(
                f"signed with audit key {event.key_id or '(none)'}, which is not configured: add it to "
                "SIRKEL_AUDIT_OLD_KEYS or SIRKEL_AUDIT_KEY_FILE"
            )
        elif not hmac.compare_digest(compute_hash(event), event.hash):
            fail("content was altered (its HMAC does not match)")
        else:
            state[event.chain] = (event.seq, event.hash)
            checked += 1
    if heads is not None:
        for chain, (head_seq, head_hash) in heads.items():
            chains.add(chain)
            if chain in broken:
                continue
            last_seq, last_hash = state.get(chain, (0, GENESIS_HASH))
            if (last_seq, last_hash) != (head_seq, head_hash):
                problems.append(
                    ChainProblem(
                        chain, last_seq + 1, f"the chain ends at #{last_seq} but should end at #{head_seq}"
                    )
                )
        for chain in sorted(chains - set(heads) - broken):
            problems.append(ChainProblem(chain, None, "the chain has no head row"))
    problems.sort(key=lambda p: -1 if p.chain is None else p.chain)
    return VerifyResult(checked=checked, chains=len(chains), problems=tuple(problems))


def verify_chain(*, chain: int | None = None, batch_size: int = 2000) -> VerifyResult:
    """Walk every chain (or one) in insertion order and report each chain's first event that does not fit."""
    events = AuditEvent.objects.order_by("chain", "id")
    head_rows = AuditChainHead.objects.all()
    if chain is not None:
        events = events.filter(chain=chain)
        head_rows = head_rows.filter(id=chain)
    heads = {head.id: (head.last_seq, head.last_hash) for head in head_rows}
    return _walk(events.iterator(chunk_size=batch_size), heads)


# --- One service's trail, exported and verified alone ---------------------------------------------------

EXPORT_FIELDS = (
    "chain",
    "seq",
    "created_at",
    "actor_id",
    "actor_username",
    "service_id",
    "action",
    "object_type",
    "object_id",
    "reason",
    "detail",
    "key_id",
    "prev_hash",
    "hash",
)


def export_lines(*, chain: int, batch_size: int = 2000) -> Iterator[str]:
    """One chain's events as JSON lines, with their hashes, so that the file can be verified alone."""
    for event in AuditEvent.objects.filter(chain=chain).order_by("id").iterator(chunk_size=batch_size):
        row: dict[str, Any] = {name: getattr(event, name) for name in EXPORT_FIELDS}
        row["created_at"] = event.created_at.isoformat(timespec="microseconds")
        yield json.dumps(row, sort_keys=True, ensure_ascii=False)


def _events_from_lines(lines: Iterable[str]) -> Iterator[AuditEvent]:
    for line in lines:
        if not line.strip():
            continue
        row = json.loads(line)
        row["created_at"] = datetime.fromisoformat(row["created_at"])
        yield AuditEvent(**{name: row[name] for name in EXPORT_FIELDS})


def verify_export(*, lines: Iterable[str]) -> VerifyResult:
    """Verify an exported trail (from its first event on; the file's end is taken as the chain's end)."""
    try:
        return _walk(_events_from_lines(lines), heads=None)
    except (KeyError, TypeError, ValueError) as error:
        return VerifyResult(0, 0, (ChainProblem(None, None, f"not an export file ({error})"),))


# --- Anchors: the chains' heads, written outside the database -------------------------------------------


def _anchor_body(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def make_anchor() -> dict[str, Any]:
    """Every chain's head with a timestamp, signed with the current key; to be kept outside the database."""
    key = keyring().current
    body: dict[str, Any] = {
        "format": ANCHOR_FORMAT,
        "created_at": timezone.now().isoformat(timespec="seconds"),
        "key_id": key.key_id,
        "chains": [
            {"chain": chain, "seq": seq, "hash": last_hash}
            for chain, seq, last_hash in AuditChainHead.objects.order_by("id").values_list(
                "id", "last_seq", "last_hash"
            )
        ],
    }
    return {**body, "mac": key.mac(_anchor_body(body))}


def check_anchors(*, lines: Iterable[str]) -> VerifyResult:
    """Check the database against anchors (one JSON document a line, e.g. an appended off-site log): every
    chain an anchor names must still hold the anchored event with the anchored hash, so that events
    deleted after the anchor, also the last ones with the head row rewritten, are found. Chains that have
    grown since, or begun, are reported as notes."""
    keys = keyring().by_id
    problems: list[ChainProblem] = []
    anchored: dict[int, int] = {}
    count = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        count += 1
        try:
            anchor = json.loads(line)
            body = {name: anchor[name] for name in ("format", "created_at", "key_id", "chains")}
            entries = [(int(e["chain"]), int(e["seq"]), str(e["hash"])) for e in body["chains"]]
        except (KeyError, TypeError, ValueError):
            problems.append(ChainProblem(None, None, f"anchor line {number} is not an anchor"))
            continue
        key = keys.get(body["key_id"])
        if key is None:
            problems.append(
                ChainProblem(
                    None,
                    None,
                    f"anchor line {number} is signed with audit key {body['key_id']}, not configured",
                )
            )
            continue
        if not hmac.compare_digest(key.mac(_anchor_body(body)), str(anchor.get("mac", ""))):
            problems.append(ChainProblem(None, None, f"anchor line {number} was altered"))
            continue
        wanted = [(chain, seq, h) for chain, seq, h in entries if seq > 0]
        if wanted:
            condition = Q()
            for chain, seq, _hash in wanted:
                condition |= Q(chain=chain, seq=seq)
            found = {
                (chain, seq): h
                for chain, seq, h in AuditEvent.objects.filter(condition).values_list("chain", "seq", "hash")
            }
            for chain, seq, anchored_hash in wanted:
                stored = found.get((chain, seq))
                if stored is None:
                    problems.append(
                        ChainProblem(
                            chain, seq, f"anchored on {body['created_at']} but missing: deleted since"
                        )
                    )
                elif stored != anchored_hash:
                    problems.append(
                        ChainProblem(
                            chain, seq, f"differs from the anchor of {body['created_at']}: rewritten since"
                        )
                    )
        for chain, seq, _hash in entries:
            anchored[chain] = max(anchored.get(chain, 0), seq)
    notes = [
        f"chain {chain_name(chain)} has grown from #{anchored[chain]} to #{seq} since the anchor"
        if chain in anchored
        else f"chain {chain_name(chain)} (#{seq}) began after the anchor"
        for chain, seq in AuditChainHead.objects.order_by("id").values_list("id", "last_seq")
        if seq > anchored.get(chain, 0)
    ]
    if count == 0:
        problems.append(ChainProblem(None, None, "the anchor file holds no anchor"))
    return VerifyResult(checked=count, chains=len(anchored), problems=tuple(problems), notes=tuple(notes))
