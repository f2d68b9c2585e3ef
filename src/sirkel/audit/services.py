"""Writing the audit chains: one per service and a global one, each event an HMAC over its predecessor."""

from __future__ import annotations

import contextlib
import contextvars
import json
from collections.abc import Iterator
from datetime import UTC
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone

from sirkel.audit.keys import AuditKey, keyring
from sirkel.audit.models import GLOBAL_CHAIN, AuditChainHead, AuditEvent, AuditKeyPeriod

if TYPE_CHECKING:
    from sirkel.accounts.models import Service, User

GENESIS_HASH = "0" * 64


def chain_of(service_id: int | None) -> int:
    """The chain an event of this service belongs to: the service's id, or the global chain."""
    return service_id if service_id is not None else GLOBAL_CHAIN


def _canonical(event: AuditEvent) -> bytes:
    payload = {
        "chain": event.chain,
        "seq": event.seq,
        "created_at": event.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "actor_username": event.actor_username,
        "service": event.service_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "reason": event.reason,
        "detail": event.detail,
        "key_id": event.key_id,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute_hash(event: AuditEvent, *, key: AuditKey | None = None) -> str:
    """The event's HMAC-SHA256 under `key` (by default the key its `key_id` names; KeyError if unknown)."""
    if key is None:
        key = keyring().by_id[event.key_id]
    return key.mac(_canonical(event))


_HEAD_TABLE = AuditChainHead._meta.db_table
_EVENT_TABLE = AuditEvent._meta.db_table
_PERIOD_TABLE = AuditKeyPeriod._meta.db_table
# Constant table names only below: no value is ever formatted into the SQL.
_SELECT_HEAD = f"SELECT last_seq, last_hash, key_id FROM {_HEAD_TABLE} WHERE id = %s"  # noqa: S608
_CREATE_HEAD = (
    f"INSERT INTO {_HEAD_TABLE} (id, last_seq, last_hash, key_id) VALUES (%s, 0, %s, '')"  # noqa: S608
    " ON CONFLICT (id) DO NOTHING"
)
_INSERT_EVENT = (
    f"INSERT INTO {_EVENT_TABLE} (chain, seq, created_at, actor_id, actor_username, service_id,"  # noqa: S608
    " action, object_type, object_id, reason, detail, key_id, prev_hash, hash)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)
_UPDATE_HEAD = f"UPDATE {_HEAD_TABLE} SET last_seq = %s, last_hash = %s, key_id = %s WHERE id = %s"  # noqa: S608
_START_PERIOD = (
    f"INSERT INTO {_PERIOD_TABLE} (key_id, started_at, ended_at) VALUES (%s, %s, NULL)"  # noqa: S608
    " ON CONFLICT (key_id) DO NOTHING"
)
_END_PERIODS = f"UPDATE {_PERIOD_TABLE} SET ended_at = %s WHERE ended_at IS NULL AND key_id <> %s"  # noqa: S608


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
    """Append one event to its service's chain (the global one without a service), inside the caller's
    transaction.

    Call it from the service function that reads or writes the case data, so the event commits or
    rolls back together with the change.
    """
    service_id = service if isinstance(service, int) or service is None else service.pk
    via = _channel.get()
    if via:
        detail = {**(detail or {}), **via}
    signed_in = actor is not None and actor.is_authenticated
    chain = chain_of(service_id)
    key = keyring().current
    # Joins the caller's transaction without a savepoint: the event and the change commit together.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        # Every audited request passes through here, so the statements are written as plain SQL: the
        # ORM's query compiler cost more than the statements themselves (see bench/README.md). Locking
        # the chain's head row orders concurrent writers of this chain only (SQLite serialises writers
        # anyway); other services' chains are written in parallel.
        select_head = _SELECT_HEAD + (" FOR UPDATE" if connection.features.has_select_for_update else "")
        cursor.execute(select_head, [chain])
        row = cursor.fetchone()
        if row is None:  # the chain's first event; a concurrent first writer may create it too
            cursor.execute(_CREATE_HEAD, [chain, GENESIS_HASH])
            cursor.execute(select_head, [chain])
            row = cursor.fetchone()
        last_seq, last_hash, head_key_id = row
        event = AuditEvent(
            chain=chain,
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
            key_id=key.key_id,
            prev_hash=last_hash,
        )
        ops = connection.ops
        if head_key_id != key.key_id:
            # The chain's first event under this key: the first in any chain begins the key's period
            # and ends the previous key's, in the same transaction as the event.
            created_at = ops.adapt_datetimefield_value(event.created_at)
            cursor.execute(_START_PERIOD, [key.key_id, created_at])
            if cursor.rowcount == 1:
                cursor.execute(_END_PERIODS, [created_at, key.key_id])
        event.hash = compute_hash(event, key=key)
        params = [
            event.chain,
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
            event.key_id,
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
        cursor.execute(_UPDATE_HEAD, [event.seq, event.hash, key.key_id, chain])
    return event
