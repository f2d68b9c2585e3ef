"""Production settings pass Django's deployment checklist and refuse to start without a secret key or an
audit key."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def sirkel_command(*args: str) -> list[str]:
    script = Path(sys.executable).with_name("sirkel")
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-m", "sirkel.cli", *args]


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """The test process's environment without any Sirkel, database or test-only Django settings (the
    browser tests allow async-unsafe ORM calls in their worker), plus production ones."""
    test_only = {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SIRKEL_") and key not in test_only
    }
    env.update(
        SIRKEL_ENV="production",
        SIRKEL_SECRET_KEY=secrets.token_urlsafe(64),
        SIRKEL_AUDIT_KEY=secrets.token_hex(32),
        SIRKEL_ALLOWED_HOSTS="sirkel.example.no",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/sirkel",
        SIRKEL_VAR_DIR=str(tmp_path),
    )
    env.update(overrides)
    return env


def run(command: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed command, no shell
        command, env=env, cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def test_production_settings_pass_the_deploy_check(tmp_path: Path) -> None:
    result = run(
        sirkel_command("check", "--deploy", "--fail-level", "WARNING"), production_env(tmp_path), tmp_path
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "no issues" in output
    assert "WARNING" not in output and "?:" not in output


def test_deploy_check_catches_a_weak_setting(tmp_path: Path) -> None:
    """Guards the test above: the same run reports a problem when a production setting is weakened."""
    env = production_env(tmp_path, SIRKEL_HSTS_SECONDS="0")
    result = run(sirkel_command("check", "--deploy", "--fail-level", "WARNING"), env, tmp_path)
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


def test_no_django_security_check_is_silenced() -> None:
    assert not [check for check in settings.SILENCED_SYSTEM_CHECKS if check.startswith("security.")]


def test_production_without_secret_key_refuses_to_start(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    del env["SIRKEL_SECRET_KEY"]

    result = run(sirkel_command("check"), env, tmp_path)

    assert result.returncode != 0
    assert "SIRKEL_SECRET_KEY must be set in production" in result.stderr


def test_production_with_a_short_secret_key_refuses_to_start(tmp_path: Path) -> None:
    result = run(sirkel_command("check"), production_env(tmp_path, SIRKEL_SECRET_KEY="short-key"), tmp_path)

    assert result.returncode != 0
    assert "SIRKEL_SECRET_KEY must be at least 50 random characters" in result.stderr


def test_production_without_an_audit_key_refuses_to_start(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    del env["SIRKEL_AUDIT_KEY"]

    result = run(sirkel_command("check"), env, tmp_path)

    assert result.returncode != 0
    assert "SIRKEL_AUDIT_KEY or SIRKEL_AUDIT_KEY_FILE must be set in production" in result.stderr


def test_production_starts_with_the_audit_key_in_a_file(tmp_path: Path) -> None:
    key_file = tmp_path / "audit.key"
    key_file.write_text(secrets.token_hex(32) + "\n", encoding="utf-8")
    env = production_env(tmp_path, SIRKEL_AUDIT_KEY_FILE=str(key_file))
    del env["SIRKEL_AUDIT_KEY"]

    result = run(sirkel_command("check"), env, tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_a_short_audit_key(tmp_path: Path) -> None:
    result = run(sirkel_command("check"), production_env(tmp_path, SIRKEL_AUDIT_KEY="abcd" * 8), tmp_path)

    assert result.returncode != 0
    assert "SIRKEL_AUDIT_KEY must be at least 32 random bytes" in result.stderr
