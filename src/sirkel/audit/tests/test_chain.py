"""The audit chain: append-only, and `sirkel audit verify` finds any altered, removed or reordered event."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from sirkel.accounts.models import Service, User
from sirkel.audit.models import AppendOnlyError, AuditChainHead, AuditEvent
from sirkel.audit.services import GENESIS_HASH, record_event
from sirkel.audit.verification import verify_chain


@pytest.fixture
def chain(caseworker: User, service: Service) -> list[AuditEvent]:
    return [
        record_event(actor=caseworker, service=service, action="view", object_type="case", object_id=i)
        for i in range(1, 6)
    ]


def raw(sql: str, params: list[Any]) -> None:
    """Tamper with the table behind the application's back, as an attacker with database access would."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_events_chain_each_to_the_previous(chain: list[AuditEvent]) -> None:
    assert chain[0].prev_hash == GENESIS_HASH and chain[0].seq == 1
    for before, after in zip(chain, chain[1:], strict=False):
        assert after.prev_hash == before.hash and after.seq == before.seq + 1
    assert verify_chain().ok and verify_chain().checked == 5


@pytest.mark.django_db
def test_events_cannot_be_changed_or_deleted_through_the_orm(chain: list[AuditEvent]) -> None:
    event = chain[1]
    event.reason = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


@pytest.mark.django_db
def test_verify_finds_an_altered_event(chain: list[AuditEvent]) -> None:
    raw("UPDATE audit_auditevent SET object_id = %s WHERE seq = %s", ["999", 3])
    result = verify_chain()
    assert not result.ok and result.first_bad_seq == 3 and "altered" in result.problem


@pytest.mark.django_db
def test_verify_finds_an_altered_actor(chain: list[AuditEvent], leader: User) -> None:
    raw("UPDATE audit_auditevent SET actor_id = %s WHERE seq = %s", [leader.pk, 2])
    result = verify_chain()
    assert not result.ok and result.first_bad_seq == 2


@pytest.mark.django_db
def test_verify_finds_a_deleted_event(chain: list[AuditEvent]) -> None:
    raw("DELETE FROM audit_auditevent WHERE seq = %s", [2])
    result = verify_chain()
    assert not result.ok and result.first_bad_seq == 3


@pytest.mark.django_db
def test_verify_finds_a_deleted_last_event(chain: list[AuditEvent]) -> None:
    raw("DELETE FROM audit_auditevent WHERE seq = %s", [5])
    result = verify_chain()
    assert not result.ok and result.first_bad_seq == 5


@pytest.mark.django_db
def test_verify_finds_reordered_events(chain: list[AuditEvent]) -> None:
    # Swap the positions of events 2 and 4 (their sequence numbers), keeping their own hashes.
    raw("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", [1000, 2])
    raw("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", [2, 4])
    raw("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", [4, 1000])
    result = verify_chain()
    assert not result.ok and result.first_bad_seq in (2, 4)


@pytest.mark.django_db
def test_verify_finds_an_event_inserted_out_of_order(chain: list[AuditEvent]) -> None:
    forged = chain[2]
    raw(
        "INSERT INTO audit_auditevent (chain, seq, created_at, actor_id, actor_username, service_id, action,"
        " object_type, object_id, reason, detail, key_id, prev_hash, hash)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [
            forged.chain,
            6,
            forged.created_at,
            forged.actor_id,
            forged.actor_username,
            forged.service_id,
            "view",
            "case",
            "77",
            "",
            "{}",
            forged.key_id,
            forged.prev_hash,
            forged.hash,
        ],
    )
    result = verify_chain()
    assert not result.ok and result.first_bad_seq == 6


@pytest.mark.django_db
def test_verify_command_exit_codes(chain: list[AuditEvent], capsys: pytest.CaptureFixture[str]) -> None:
    call_command("audit", "verify")
    assert "5 events verified" in capsys.readouterr().out
    raw("UPDATE audit_auditevent SET reason = %s WHERE seq = %s", ["innsett", 4])
    with pytest.raises(CommandError, match="#4"):
        call_command("audit", "verify")


@pytest.mark.django_db
def test_head_tracks_the_end_of_the_chain(chain: list[AuditEvent]) -> None:
    head = AuditChainHead.objects.get()
    assert head.last_seq == 5 and head.last_hash == chain[-1].hash


@pytest.mark.django_db
def test_empty_chain_verifies() -> None:
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain(caseworker: User, service: Service) -> None:
    """Writers in parallel threads (own connections and transactions) must not fork the chain."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection, connections, transaction

    if connection.vendor == "sqlite":
        pytest.skip("SQLite's shared in-memory test database locks whole tables; this runs on PostgreSQL")

    def write(worker: int) -> None:
        try:
            for i in range(8):
                with transaction.atomic():
                    record_event(
                        actor=caseworker,
                        service=service,
                        action="view",
                        object_type="case",
                        object_id=worker * 100 + i,
                    )
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(write, range(4)))
    result = verify_chain()
    assert result.ok, result
    assert result.checked == 32
    assert sorted(AuditEvent.objects.values_list("seq", flat=True)) == list(range(1, 33))
