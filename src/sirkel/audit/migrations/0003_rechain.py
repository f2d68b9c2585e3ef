"""Re-chain the existing events: each into its service's chain (the global chain without a service),
numbered and linked anew and signed with the current audit key.

The old single chain is verified first, with its plain SHA-256 hashes; if it does not verify the migration
stops and changes nothing, so that an altered trail is never re-signed as intact. Investigate (`sirkel audit
verify` on the previous release names the event) before migrating. Going back is not possible.
"""

import hashlib
import json
from datetime import UTC

from django.db import migrations
from django.utils import timezone

GENESIS_HASH = "0" * 64


def legacy_hash(event):
    """The hash of the single-chain release (0001), frozen here."""
    payload = {
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
        "prev_hash": event.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return hashlib.sha256(canonical).hexdigest()


def verify_legacy_chain(events, head):
    expected_seq, expected_prev = 1, GENESIS_HASH
    for event in events.iterator(chunk_size=2000):
        if event.seq != expected_seq:
            return f"expected event #{expected_seq}, found #{event.seq}"
        if event.prev_hash != expected_prev or legacy_hash(event) != event.hash:
            return f"event #{event.seq} was altered or does not follow the previous event"
        expected_prev = event.hash
        expected_seq += 1
    last_seq = head.last_seq if head else 0
    last_hash = head.last_hash if head else GENESIS_HASH
    if (expected_seq - 1, expected_prev) != (last_seq, last_hash):
        return f"the chain ends at #{expected_seq - 1} but should end at #{last_seq}"
    return ""


def rechain(apps, schema_editor):
    # The current code's hash and key: the re-chained events must verify with it.
    from sirkel.audit.keys import keyring
    from sirkel.audit.services import _canonical

    db = schema_editor.connection.alias
    event_model = apps.get_model("audit", "AuditEvent")
    head_model = apps.get_model("audit", "AuditChainHead")
    period_model = apps.get_model("audit", "AuditKeyPeriod")
    # The base manager: a plain one, also when the current models are passed (the app's refuses updates).
    events = event_model._base_manager.using(db).order_by("id")
    problem = verify_legacy_chain(events, head_model.objects.using(db).filter(id=1).first())
    if problem:
        raise RuntimeError(
            f"The audit chain does not verify ({problem}); it is not re-chained and no event was changed."
        )
    key = keyring().current
    heads = {}
    batch = []
    for event in events.iterator(chunk_size=2000):
        chain = event.service_id or 0
        seq, prev_hash = heads.get(chain, (0, GENESIS_HASH))
        event.chain, event.seq, event.prev_hash, event.key_id = chain, seq + 1, prev_hash, key.key_id
        event.hash = key.mac(_canonical(event))
        heads[chain] = (event.seq, event.hash)
        batch.append(event)
        if len(batch) >= 1000:
            event_model._base_manager.using(db).bulk_update(
                batch, ["chain", "seq", "prev_hash", "key_id", "hash"]
            )
            batch = []
    if batch:
        event_model._base_manager.using(db).bulk_update(
            batch, ["chain", "seq", "prev_hash", "key_id", "hash"]
        )
    head_model.objects.using(db).all().delete()
    head_model.objects.using(db).bulk_create(
        head_model(id=chain, last_seq=seq, last_hash=last_hash, key_id=key.key_id)
        for chain, (seq, last_hash) in heads.items()
    )
    if heads:
        period_model.objects.using(db).create(key_id=key.key_id, started_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_chains_and_keys")]

    operations = [migrations.RunPython(rechain, elidable=False)]
