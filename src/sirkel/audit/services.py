"""Writing and verifying the audit chain."""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone

from sirkel.audit.models import AuditChainHead, AuditEvent

if TYPE_CHECKING:
    from sirkel.accounts.models import Service, User

GENESIS_HASH = "0" * 64


def _canonical(
    *,
    seq: int,
    created_at: datetime,
    actor_id: int | None,
    actor_username: str,
    service_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    reason: str,
    detail: dict[str, Any],
    prev_hash: str,
) -> bytes:
    payload = {
        "seq": seq,
        "created_at": created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor_id,
        "actor_username": actor_username,
        "service": service_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "reason": reason,
        "detail": detail,
        "prev_hash": prev_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(
        _canonical(
            seq=event.seq,
            created_at=event.created_at,
            actor_id=event.actor_id,
            actor_username=event.actor_username,
            service_id=event.service_id,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            reason=event.reason,
            detail=event.detail,
            prev_hash=event.prev_hash,
        )
    ).hexdigest()


_HEAD_TABLE = AuditChainHead._meta.db_table
_EVENT_TABLE = AuditEvent._meta.db_table
_SELECT_HEAD = f"SELECT last_seq, last_hash FROM {_HEAD_TABLE} WHERE id = 1"  # noqa: S608 - constant names
_INSERT_EVENT = (
    f"INSERT INTO {_EVENT_TABLE} (seq, created_at, actor_id, actor_username, service_id, action,"  # noqa: S608
    " object_type, object_id, reason, detail, prev_hash, hash)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)
_UPDATE_HEAD = f"UPDATE {_HEAD_TABLE} SET last_seq = %s, last_hash = %s WHERE id = 1"  # noqa: S608


# The channel a request came through, when it is not the pages: the REST API sets it for the request, so
# every event the request records says it came through the API, with which token.
_channel: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "audit_channel", default=None
)


@contextlib.contextmanager
def channel_scope() -> Iterator[None]:
    """A scope for `set_channel`: whatever it sets inside the block ends with the block. The API wraps
    each request in one (threads of a WSGI server reuse their context from request to request)."""
    reset = _channel.set(None)
    try:
        yield
    finally:
        _channel.reset(reset)


def set_channel(**detail: Any) -> None:
    """Mark the rest of the enclosing `channel_scope`'s events with `detail` (e.g. `via="api", token=12`).
    DRF authenticates inside the view, so the API learns the token only after its scope has begun."""
    _channel.set(detail)


def record_event(
    *,
    actor: User | None,
    service: Service | int | None,
    action: str,
    object_type: str,
    object_id: str | int = "",
    reason: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction.

    Call it from the service function that reads or writes the case data, so the event commits or
    rolls back together with the change.
    """
    service_id = service if isinstance(service, int) or service is None else service.pk
    via = _channel.get()
    if via:
        detail = {**(detail or {}), **via}
    signed_in = actor is not None and actor.is_authenticated
    # Joins the caller's transaction without a savepoint: the event and the change commit together.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        # Every audited request passes through here, so the three statements are written as plain SQL:
        # the ORM's query compiler cost more than the statements themselves (see bench/README.md).
        # Locking the head row orders concurrent writers (SQLite serialises writers anyway).
        select_head = _SELECT_HEAD + (" FOR UPDATE" if connection.features.has_select_for_update else "")
        cursor.execute(select_head)
        row = cursor.fetchone()
        if row is None:
            AuditChainHead.objects.get_or_create(id=1)
            cursor.execute(select_head)
            row = cursor.fetchone()
        last_seq, last_hash = row
        event = AuditEvent(
            seq=last_seq + 1,
            created_at=timezone.now(),
            actor=actor if signed_in else None,
            actor_username=actor.get_username() if signed_in and actor is not None else "",
            service_id=service_id,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            reason=reason,
            detail=detail or {},
            prev_hash=last_hash,
        )
        event.hash = compute_hash(event)
        ops = connection.ops
        params = [
            event.seq,
            ops.adapt_datetimefield_value(event.created_at),
            event.actor_id,
            event.actor_username,
            event.service_id,
            event.action,
            event.object_type,
            event.object_id,
            event.reason,
            ops.adapt_json_value(event.detail, None),
            event.prev_hash,
            event.hash,
        ]
        if connection.features.can_return_columns_from_insert:
            cursor.execute(_INSERT_EVENT + " RETURNING id", params)
            event.pk = cursor.fetchone()[0]
        else:
            cursor.execute(_INSERT_EVENT, params)
            event.pk = ops.last_insert_id(cursor, AuditEvent._meta.db_table, "id")
        event._state.adding = False
        event._state.db = connection.alias
        cursor.execute(_UPDATE_HEAD, [event.seq, event.hash])
    return event


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str = ""


def verify_chain(*, batch_size: int = 2000) -> VerifyResult:
    """Walk the chain in order and report the first event that does not fit."""
    expected_seq = 1
    expected_prev = GENESIS_HASH
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            return VerifyResult(
                False, checked, event.seq, f"expected event #{expected_seq}, found #{event.seq}"
            )
        if event.prev_hash != expected_prev:
            return VerifyResult(False, checked, event.seq, "does not follow the previous event")
        if compute_hash(event) != event.hash:
            return VerifyResult(False, checked, event.seq, "content was altered")
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(id=1).first()
    last_seq = head.last_seq if head else 0
    last_hash = head.last_hash if head else GENESIS_HASH
    if last_seq != checked or last_hash != expected_prev:
        return VerifyResult(
            False, checked, checked + 1, f"the chain ends at #{checked} but should end at #{last_seq}"
        )
    return VerifyResult(True, checked)
