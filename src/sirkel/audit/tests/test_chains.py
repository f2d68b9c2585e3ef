"""A chain per service: independent numbering, verified and exported alone, and written in parallel; the
migration that re-chains an existing single chain; and the cost of an event."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from sirkel.accounts.models import Service, User
from sirkel.audit.keys import keyring
from sirkel.audit.models import GLOBAL_CHAIN, AuditChainHead, AuditEvent, AuditKeyPeriod
from sirkel.audit.services import record_event
from sirkel.audit.tests.helpers import raw
from sirkel.audit.verification import verify_chain

rechain_migration = __import__("sirkel.audit.migrations.0003_rechain", fromlist=["rechain"])


def interleave(actor: User, services: list[Service | None], rounds: int) -> list[AuditEvent]:
    return [
        record_event(actor=actor, service=service, action="view", object_type="case", object_id=i)
        for i in range(rounds)
        for service in services
    ]


@pytest.mark.django_db
def test_each_service_numbers_its_own_chain_and_events_without_one_go_to_the_global_chain(
    caseworker: User, service: Service, other_service: Service
) -> None:
    events = interleave(caseworker, [service, other_service, None], 3)
    for chain in (service.pk, other_service.pk, GLOBAL_CHAIN):
        mine = [e for e in events if e.chain == chain]
        assert [e.seq for e in mine] == [1, 2, 3]
        assert [e.prev_hash for e in mine[1:]] == [e.hash for e in mine[:-1]]
        assert verify_chain(chain=chain).ok and verify_chain(chain=chain).checked == 3
    heads = {head.id: head.last_seq for head in AuditChainHead.objects.all()}
    assert heads == {service.pk: 3, other_service.pk: 3, GLOBAL_CHAIN: 3}
    assert verify_chain().checked == 9 and verify_chain().chains == 3


@pytest.mark.django_db
def test_a_deletion_in_one_chain_does_not_break_another(
    caseworker: User, service: Service, other_service: Service, capsys: pytest.CaptureFixture[str]
) -> None:
    interleave(caseworker, [service, other_service], 4)
    raw("DELETE FROM audit_auditevent WHERE chain = %s AND seq = 2", [service.pk])
    assert verify_chain(chain=other_service.pk).ok
    result = verify_chain()
    assert [(p.chain, p.seq) for p in result.problems] == [(service.pk, 3)]
    call_command("audit", "verify", "--service", other_service.name)
    assert f"Audit chain service {other_service.pk} intact: 4 events" in capsys.readouterr().out
    with pytest.raises(CommandError, match=rf"chain service {service.pk}, event #3"):
        call_command("audit", "verify", "--service", str(service.pk))
    with pytest.raises(CommandError, match="No service is named"):
        call_command("audit", "verify", "--service", "Ukjent")


@pytest.mark.django_db
def test_every_broken_chain_is_named(caseworker: User, service: Service, other_service: Service) -> None:
    interleave(caseworker, [service, other_service], 3)
    raw("UPDATE audit_auditevent SET reason = %s WHERE seq = 2", ["x"])
    with pytest.raises(CommandError) as raised:
        call_command("audit", "verify")
    assert f"chain service {service.pk}, event #2" in str(raised.value)
    assert f"chain service {other_service.pk}, event #2" in str(raised.value)


@pytest.mark.django_db
def test_a_services_trail_is_exported_alone_and_verifies_alone(
    caseworker: User,
    service: Service,
    other_service: Service,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    interleave(caseworker, [service, other_service], 3)
    trail = tmp_path / "trail.jsonl"
    call_command("audit", "export", "--service", service.name, "--output", str(trail))
    rows = [json.loads(line) for line in trail.read_text().splitlines()]
    assert [(r["chain"], r["seq"]) for r in rows] == [(service.pk, 1), (service.pk, 2), (service.pk, 3)]
    assert trail.stat().st_mode & 0o077 == 0
    exported = AuditEvent.objects.get(object_type="audit_trail")
    assert (exported.action, exported.chain, exported.detail) == ("export", service.pk, {"events": 3})

    call_command("audit", "verify", "--file", str(trail))
    assert "3 events verified in 1 chain(s)" in capsys.readouterr().out
    rows[1]["object_id"] = "999"
    trail.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with pytest.raises(CommandError, match=rf"chain service {service.pk}, event #2: content was altered"):
        call_command("audit", "verify", "--file", str(trail))
    trail.write_text("not json\n")
    with pytest.raises(CommandError, match="not an export file"):
        call_command("audit", "verify", "--file", str(trail))


@pytest.mark.django_db
def test_export_needs_a_service(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(CommandError, match="--service"):
        call_command("audit", "export")


@pytest.mark.django_db
def test_an_event_costs_three_statements_once_its_chain_has_begun(
    caseworker: User, service: Service, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """Lock the chain's head, insert, update the head: what the single global chain cost."""
    record_event(actor=caseworker, service=service, action="view", object_type="case", object_id=1)
    with django_assert_num_queries(3):
        record_event(actor=caseworker, service=service, action="view", object_type="case", object_id=2)


# --- The migration from the single chain --------------------------------------------------------------


class _Editor:
    connection = connection


def legacy_chain(actor: User, services: list[Service | None]) -> None:
    """Rows as the single-chain release wrote them: one sequence, plain SHA-256 hashes, one head row."""
    raw("DELETE FROM audit_auditchainhead", [])
    prev_hash = "0" * 64
    for seq, service in enumerate(services, start=1):
        event = AuditEvent(
            seq=seq,
            created_at=timezone.now(),
            actor_id=actor.pk,
            actor_username=actor.username,
            service_id=service.pk if service else None,
            action="view",
            object_type="case",
            object_id=str(seq),
            detail={"n": seq},
            prev_hash=prev_hash,
        )
        event.hash = rechain_migration.legacy_hash(event)
        raw(
            "INSERT INTO audit_auditevent (chain, seq, created_at, actor_id, actor_username, service_id,"
            " action, object_type, object_id, reason, detail, key_id, prev_hash, hash)"
            " VALUES (0, %s, %s, %s, %s, %s, 'view', 'case', %s, '', %s, '', %s, %s)",
            [
                event.seq,
                connection.ops.adapt_datetimefield_value(event.created_at),
                event.actor_id,
                event.actor_username,
                event.service_id,
                event.object_id,
                json.dumps(event.detail),
                event.prev_hash,
                event.hash,
            ],
        )
        prev_hash = event.hash
    raw(
        "INSERT INTO audit_auditchainhead (id, last_seq, last_hash, key_id) VALUES (1, %s, %s, '')",
        [seq, prev_hash],
    )


@pytest.mark.django_db
def test_the_migration_rechains_a_verified_single_chain_per_service(
    caseworker: User, service: Service, other_service: Service
) -> None:
    legacy_chain(caseworker, [service, None, other_service, service, None, service])
    rechain_migration.rechain(apps, _Editor())
    chains = {
        chain: list(AuditEvent.objects.filter(chain=chain).order_by("id").values_list("seq", "object_id"))
        for chain in (service.pk, other_service.pk, GLOBAL_CHAIN)
    }
    assert chains == {
        service.pk: [(1, "1"), (2, "4"), (3, "6")],
        other_service.pk: [(1, "3")],
        GLOBAL_CHAIN: [(1, "2"), (2, "5")],
    }
    result = verify_chain()
    assert result.ok, result.problems
    assert result.checked == 6 and result.chains == 3
    assert list(AuditKeyPeriod.objects.values_list("key_id", flat=True)) == [keyring().current.key_id]


@pytest.mark.django_db
def test_the_migration_refuses_to_rechain_a_chain_that_does_not_verify(
    caseworker: User, service: Service
) -> None:
    legacy_chain(caseworker, [service, service, None])
    raw("UPDATE audit_auditevent SET object_id = '999' WHERE seq = 2", [])
    before = list(AuditEvent.objects.order_by("id").values_list("chain", "seq", "hash"))
    with pytest.raises(RuntimeError, match=r"event #2 was altered.*not re-chained"):
        rechain_migration.rechain(apps, _Editor())
    assert list(AuditEvent.objects.order_by("id").values_list("chain", "seq", "hash")) == before


@pytest.mark.django_db(transaction=True)
def test_services_write_their_chains_in_parallel(
    caseworker: User, service: Service, other_service: Service
) -> None:
    """Writers in parallel threads (own connections and transactions), two to each of two services' chains
    and two to the global chain: no chain forks, and every chain verifies."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections, transaction

    if connection.vendor == "sqlite":
        pytest.skip("SQLite's shared in-memory test database locks whole tables; this runs on PostgreSQL")
    targets: list[Service | None] = [service, service, other_service, other_service, None, None]

    def write(worker: int) -> None:
        try:
            for i in range(8):
                with transaction.atomic():
                    record_event(
                        actor=caseworker,
                        service=targets[worker],
                        action="view",
                        object_type="case",
                        object_id=worker * 100 + i,
                    )
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(targets)) as pool:
        list(pool.map(write, range(len(targets))))
    result = verify_chain()
    assert result.ok, result.problems
    assert result.checked == 48 and result.chains == 3
    for chain in (service.pk, other_service.pk, GLOBAL_CHAIN):
        assert sorted(AuditEvent.objects.filter(chain=chain).values_list("seq", flat=True)) == list(
            range(1, 17)
        )
