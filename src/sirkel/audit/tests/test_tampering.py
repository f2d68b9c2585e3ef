"""The issue's "done when": a row altered directly in the database, with every later hash recomputed by
someone without the key, fails `sirkel audit verify`; an anchor written before a deletion exposes it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sirkel.accounts.models import Service, User
from sirkel.audit.models import AuditEvent
from sirkel.audit.services import record_event
from sirkel.audit.tests.helpers import alter_and_rechain, delete_last, plain_sha256, raw, wrong_key_hmac
from sirkel.audit.verification import verify_chain


def write_events(actor: User, service: Service | None, count: int) -> list[AuditEvent]:
    return [
        record_event(actor=actor, service=service, action="view", object_type="case", object_id=i)
        for i in range(1, count + 1)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("sign", [plain_sha256, wrong_key_hmac()], ids=["plain sha-256", "wrong key"])
def test_an_altered_row_with_every_later_hash_recomputed_without_the_key_fails_verify(
    caseworker: User, service: Service, sign: object
) -> None:
    write_events(caseworker, service, 6)
    alter_and_rechain(chain=service.pk, seq=3, object_id="999", sign=sign)  # type: ignore[arg-type]

    result = verify_chain()
    assert not result.ok
    assert (result.chain, result.first_bad_seq) == (service.pk, 3)
    assert "altered" in result.problem
    with pytest.raises(CommandError, match=rf"chain service {service.pk}, event #3: content was altered"):
        call_command("audit", "verify")


@pytest.mark.django_db
def test_the_key_id_cannot_be_swapped_for_an_unknown_one(caseworker: User, service: Service) -> None:
    write_events(caseworker, service, 3)
    raw(
        "UPDATE audit_auditevent SET key_id = %s WHERE chain = %s AND seq = 2",
        ["feedfacefeedface", service.pk],
    )
    result = verify_chain()
    assert (result.chain, result.first_bad_seq) == (service.pk, 2)
    assert "feedfacefeedface" in result.problem and "not configured" in result.problem


@pytest.mark.django_db
def test_an_event_moved_to_another_chain_fails(
    caseworker: User, service: Service, other_service: Service
) -> None:
    write_events(caseworker, service, 2)
    write_events(caseworker, other_service, 2)
    raw(
        "UPDATE audit_auditevent SET chain = %s WHERE chain = %s AND seq = 2",
        [other_service.pk + 1000, service.pk],
    )
    result = verify_chain()
    assert not result.ok
    assert {p.chain for p in result.problems} == {service.pk, other_service.pk + 1000}


@pytest.mark.django_db
def test_deleting_the_last_events_and_rewinding_the_head_verifies_alone_but_not_against_an_anchor(
    caseworker: User, service: Service, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_events(caseworker, service, 5)
    anchor = tmp_path / "anchor.jsonl"
    call_command("audit", "anchor", "--output", str(anchor))
    call_command("audit", "verify", "--anchor", str(anchor))
    assert "every anchored event is present" in capsys.readouterr().out

    delete_last(chain=service.pk, count=2)

    call_command("audit", "verify")  # a shortened chain is still a valid chain: the anchor is what tells
    with pytest.raises(
        CommandError, match=rf"chain service {service.pk}, event #5: anchored on .* deleted since"
    ):
        call_command("audit", "verify", "--anchor", str(anchor))


@pytest.mark.django_db
def test_an_anchor_reports_chains_grown_or_begun_since(
    caseworker: User,
    service: Service,
    other_service: Service,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_events(caseworker, service, 2)
    anchor = tmp_path / "anchor.jsonl"
    call_command("audit", "anchor", "--output", str(anchor))
    write_events(caseworker, service, 1)
    write_events(caseworker, other_service, 1)
    call_command("audit", "verify", "--anchor", str(anchor))
    out = capsys.readouterr().out
    assert f"chain service {service.pk} has grown from #2 to #3" in out
    assert f"chain service {other_service.pk} (#1) began after the anchor" in out


@pytest.mark.django_db
def test_every_anchor_of_an_appended_log_is_checked(
    caseworker: User, service: Service, tmp_path: Path
) -> None:
    anchor = tmp_path / "anchor.jsonl"
    write_events(caseworker, service, 2)
    call_command("audit", "anchor", "--output", str(anchor))
    write_events(caseworker, service, 2)
    call_command("audit", "anchor", "--output", str(anchor))
    assert len(anchor.read_text().splitlines()) == 2
    assert anchor.stat().st_mode & 0o077 == 0  # readable by its owner only

    delete_last(chain=service.pk, count=1)
    with pytest.raises(CommandError, match=r"event #4"):
        call_command("audit", "verify", "--anchor", str(anchor))


@pytest.mark.django_db
def test_an_altered_anchor_is_refused(caseworker: User, service: Service, tmp_path: Path) -> None:
    write_events(caseworker, service, 3)
    anchor = tmp_path / "anchor.jsonl"
    call_command("audit", "anchor", "--output", str(anchor))
    delete_last(chain=service.pk, count=1)
    forged = json.loads(anchor.read_text())
    forged["chains"] = [{**entry, "seq": 2} for entry in forged["chains"]]  # "it always ended at #2"
    anchor.write_text(json.dumps(forged) + "\n")
    with pytest.raises(CommandError, match="anchor line 1 was altered"):
        call_command("audit", "verify", "--anchor", str(anchor))


@pytest.mark.django_db
def test_anchor_writes_one_signed_line_of_every_chains_head_to_stdout(
    caseworker: User, service: Service, capsys: pytest.CaptureFixture[str]
) -> None:
    events = write_events(caseworker, service, 2) + write_events(caseworker, None, 1)
    call_command("audit", "anchor")
    (line,) = capsys.readouterr().out.splitlines()
    anchor = json.loads(line)
    assert anchor["format"] == "sirkel-audit-anchor/1" and anchor["created_at"] and len(anchor["mac"]) == 64
    assert anchor["chains"] == [
        {"chain": 0, "seq": 1, "hash": events[2].hash},
        {"chain": service.pk, "seq": 2, "hash": events[1].hash},
    ]
