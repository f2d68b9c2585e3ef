"""Tampering with the audit tables behind the application's back, as someone with database access would."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from typing import Any

from django.db import connection

from sirkel.audit.models import AuditEvent
from sirkel.audit.services import _canonical


def raw(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def plain_sha256(message: bytes) -> str:
    return hashlib.sha256(message).hexdigest()


def wrong_key_hmac() -> Callable[[bytes], str]:
    key = secrets.token_bytes(32)
    return lambda message: hmac.new(key, message, hashlib.sha256).hexdigest()


def alter_and_rechain(*, chain: int, seq: int, object_id: str, sign: Callable[[bytes], str]) -> None:
    """Change one event's content and recompute its hash and every later hash of the chain (and the head),
    as an attacker would who knows the algorithm but not the key."""
    events = list(AuditEvent.objects.filter(chain=chain, seq__gte=seq).order_by("seq"))
    prev_hash = AuditEvent.objects.get(chain=chain, seq=seq - 1).hash if seq > 1 else "0" * 64
    for event in events:
        if event.seq == seq:
            event.object_id = object_id
        event.prev_hash = prev_hash
        event.hash = sign(_canonical(event))
        raw(
            "UPDATE audit_auditevent SET object_id = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [event.object_id, event.prev_hash, event.hash, event.pk],
        )
        prev_hash = event.hash
    raw("UPDATE audit_auditchainhead SET last_hash = %s WHERE id = %s", [prev_hash, chain])


def delete_last(*, chain: int, count: int) -> None:
    """Remove the chain's last events and rewind its head to the event before them: a prefix of a valid
    chain, which verifies on its own."""
    last = AuditEvent.objects.filter(chain=chain).order_by("-seq").values_list("seq", flat=True).first() or 0
    raw("DELETE FROM audit_auditevent WHERE chain = %s AND seq > %s", [chain, last - count])
    kept = AuditEvent.objects.get(chain=chain, seq=last - count)
    raw(
        "UPDATE audit_auditchainhead SET last_seq = %s, last_hash = %s WHERE id = %s",
        [kept.seq, kept.hash, chain],
    )
