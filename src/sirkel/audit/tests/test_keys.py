"""The audit key: a development key with a warning when none is set, keys from the environment or a file,
and rotation: each key's period recorded, old events verified with the old key, and a missing key named."""

from __future__ import annotations

import base64
import logging
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError

from sirkel.accounts.models import Service, User
from sirkel.audit.keys import DEVELOPMENT_KEY, decode_key, key_id, keyring
from sirkel.audit.models import AuditEvent, AuditKeyPeriod
from sirkel.audit.services import record_event
from sirkel.audit.verification import verify_chain

KEY_1 = secrets.token_hex(32)
KEY_2 = base64.b64encode(secrets.token_bytes(32)).decode()


@pytest.fixture(autouse=True)
def fresh_keyring() -> Iterator[None]:
    keyring.cache_clear()
    yield
    keyring.cache_clear()


def view(actor: User, service: Service, count: int = 2) -> list[AuditEvent]:
    return [
        record_event(actor=actor, service=service, action="view", object_type="case", object_id=i)
        for i in range(count)
    ]


def test_without_a_key_the_development_key_is_used_with_one_warning(
    settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.SIRKEL_AUDIT_KEY, settings.SIRKEL_AUDIT_KEY_FILE, settings.SIRKEL_AUDIT_OLD_KEYS = "", "", []
    keyring.cache_clear()
    with caplog.at_level(logging.WARNING, logger="sirkel.audit.keys"):
        assert keyring().current.key_id == key_id(DEVELOPMENT_KEY)
        assert keyring().development
        keyring()
    (warning,) = [r for r in caplog.records if r.name == "sirkel.audit.keys"]
    assert warning.levelno == logging.WARNING
    assert "development key" in warning.getMessage()


def test_a_key_from_the_environment_in_hex_or_base64(settings: Any) -> None:
    settings.SIRKEL_AUDIT_KEY = KEY_1
    assert keyring().current.secret == bytes.fromhex(KEY_1) and not keyring().development
    settings.SIRKEL_AUDIT_KEY = KEY_2
    assert keyring().current.secret == base64.b64decode(KEY_2)


@pytest.mark.parametrize("text", ["", "too-short", "ab" * 31, "not base64 at all !!!" * 3])
def test_a_key_that_is_too_short_or_unreadable_is_refused(text: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="at least 32 random bytes"):
        decode_key(text, source="SIRKEL_AUDIT_KEY")


def test_the_key_file_holds_the_current_key_first_and_old_ones_after(settings: Any, tmp_path: Path) -> None:
    key_file = tmp_path / "audit.keys"
    key_file.write_text(f"# current first\n{KEY_2}\n\n{KEY_1}\n", encoding="utf-8")
    settings.SIRKEL_AUDIT_KEY, settings.SIRKEL_AUDIT_KEY_FILE = "", str(key_file)
    ring = keyring()
    assert ring.current.secret == base64.b64decode(KEY_2)
    assert set(ring.by_id) == {key_id(base64.b64decode(KEY_2)), key_id(bytes.fromhex(KEY_1))}


def test_an_unreadable_key_file_is_refused(settings: Any, tmp_path: Path) -> None:
    settings.SIRKEL_AUDIT_KEY_FILE = str(tmp_path / "missing")
    with pytest.raises(ImproperlyConfigured, match="SIRKEL_AUDIT_KEY_FILE cannot be read"):
        keyring()


def test_the_key_id_is_a_fingerprint_not_the_key() -> None:
    secret = bytes.fromhex(KEY_1)
    assert len(key_id(secret)) == 16 and key_id(secret) not in KEY_1
    assert key_id(secret) != key_id(base64.b64decode(KEY_2))


def test_the_system_check_reports_an_unreadable_key(settings: Any) -> None:
    from sirkel.audit.apps import check_audit_keys

    settings.SIRKEL_AUDIT_KEY = "short"
    (error,) = check_audit_keys()
    assert error.id == "audit.E001" and "SIRKEL_AUDIT_KEY" in error.msg


@pytest.mark.django_db
def test_rotation_records_each_keys_period_and_verifies_old_events_with_the_old_key(
    settings: Any, caseworker: User, service: Service, capsys: pytest.CaptureFixture[str]
) -> None:
    id_1, id_2 = key_id(bytes.fromhex(KEY_1)), key_id(base64.b64decode(KEY_2))
    settings.SIRKEL_AUDIT_KEY = KEY_1
    first = view(caseworker, service) + [
        record_event(actor=None, service=None, action="list", object_type="x")
    ]
    (period_1,) = AuditKeyPeriod.objects.all()
    assert (period_1.key_id, period_1.started_at, period_1.ended_at) == (id_1, first[0].created_at, None)

    settings.SIRKEL_AUDIT_KEY, settings.SIRKEL_AUDIT_OLD_KEYS = KEY_2, [KEY_1]
    second = view(caseworker, service)
    record_event(actor=None, service=None, action="list", object_type="x")
    assert {e.key_id for e in first} == {id_1} and {e.key_id for e in second} == {id_2}
    period_1, period_2 = AuditKeyPeriod.objects.all()
    assert period_1.ended_at == period_2.started_at == second[0].created_at and period_2.ended_at is None
    assert verify_chain().ok
    call_command("audit", "verify")
    assert "6 events verified in 2 chain(s)" in capsys.readouterr().out

    settings.SIRKEL_AUDIT_OLD_KEYS = []
    result = verify_chain()
    assert not result.ok and result.first_bad_seq == 1
    assert f"audit key {id_1}, which is not configured" in result.problem
    with pytest.raises(CommandError, match=id_1):
        call_command("audit", "verify")


@pytest.mark.django_db
def test_events_signed_with_the_development_key_do_not_verify_under_a_real_key(
    settings: Any, caseworker: User, service: Service
) -> None:
    settings.SIRKEL_AUDIT_KEY = ""
    view(caseworker, service)
    settings.SIRKEL_AUDIT_KEY = KEY_1
    assert not verify_chain().ok
