"""`sirkel serve`: the workers and threads chosen for the machine and the database, the access log's fields,
and the real server started in a subprocess on a migrated SQLite file."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

import sirkel
from sirkel.core import serving


@pytest.mark.parametrize(
    ("vendor", "cores", "memory", "expected"),
    [
        ("sqlite", 1, None, (2, 1)),
        ("sqlite", 2, None, (3, 1)),
        ("sqlite", 16, None, (4, 1)),  # one writer: more processes only queue on the lock
        ("postgresql", 1, None, (3, 2)),
        ("postgresql", 4, None, (9, 2)),
        ("postgresql", 16, 64 * 1024, (33, 2)),  # 350 MiB a worker; 33 fit in 32 GiB
        ("postgresql", 16, 4096, (5, 2)),  # 2 GiB for the web: 5 workers of 350 MiB
        ("postgresql", 4, 512, (1, 2)),  # always at least one
        ("sqlite", 2, 1024, (2, 1)),  # 250 MiB a worker, 512 MiB for the web
        ("postgresql", 0, None, (3, 2)),  # a system that says 0 cores counts as one
    ],
)
def test_workers_and_threads_follow_the_database_cores_and_memory(
    vendor: str, cores: int, memory: int | None, expected: tuple[int, int]
) -> None:
    chosen = serving.choose_workers(vendor=vendor, cores=cores, memory_mib=memory)
    assert (chosen.workers, chosen.threads) == expected
    assert (vendor in chosen.reason) or ("SQLite" in chosen.reason)


def test_the_reason_says_when_memory_cut_the_workers() -> None:
    small = serving.choose_workers(vendor="postgresql", cores=16, memory_mib=4096)
    assert "cut to 5 by memory" in small.reason
    assert "cut" not in serving.choose_workers(vendor="postgresql", cores=2, memory_mib=64 * 1024).reason


def test_the_peak_memory_of_a_worker_counts_an_argon2_check_per_thread() -> None:
    # Django's Argon2 parameters: 102,400 KiB a check, which is what ARGON2_MIB stands for.
    from django.contrib.auth.hashers import Argon2PasswordHasher

    assert Argon2PasswordHasher.memory_cost == serving.ARGON2_MIB * 1024
    per_worker = serving.BASELINE_MIB + 2 * serving.ARGON2_MIB
    chosen = serving.choose_workers(vendor="postgresql", cores=8, memory_mib=per_worker * 6)
    assert chosen.workers == 3  # half the memory holds three workers at their peak


def test_link_tokens_are_left_out_of_logged_paths() -> None:
    assert serving.loggable_path("/lenke/s3cr3t-token/") == "/lenke/…/"
    assert serving.loggable_path("/lenke/s3cr3t-token/svar/") == "/lenke/…/svar/"
    assert serving.loggable_path("/saker/12/") == "/saker/12/"


def test_the_options_log_to_stdout_without_the_query_and_renew_workers() -> None:
    options = serving.gunicorn_options(bind="127.0.0.1:1", workers=2, threads=3)
    assert (options["workers"], options["threads"], options["worker_class"]) == (2, 3, "gthread")
    assert options["accesslog"] == "-" and options["preload_app"] is True
    assert "%(q)s" not in options["access_log_format"] and "%(r)s" not in options["access_log_format"]
    assert options["max_requests"] > 0 and options["max_requests_jitter"] > 0
    assert serving.gunicorn_options(bind="x:1", workers=1, threads=1)["worker_class"] == "sync"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        response = opener.open(url, timeout=5)  # noqa: S310 - a local test server
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Location", "")
    return response.status, response.headers.get("Location", "")


def test_sirkel_serve_answers_and_logs_no_query_string(tmp_path: Path) -> None:
    src = str(Path(sirkel.__file__).parent.parent)
    env = {
        **os.environ,
        "PYTHONPATH": src,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "SIRKEL_ENV": "development",
        "DJANGO_SETTINGS_MODULE": "sirkel.settings",
    }
    env.pop("SIRKEL_WORKERS", None)
    command = [sys.executable, "-m", "sirkel.cli"]
    subprocess.run([*command, "migrate", "-v", "0"], env=env, check=True, timeout=300)  # noqa: S603
    port = _free_port()
    log = (tmp_path / "out.log").open("w")
    err = (tmp_path / "err.log").open("w")
    server = subprocess.Popen(  # noqa: S603
        [*command, "serve", "--bind", f"127.0.0.1:{port}", "--threads", "1"],
        env={**env, "SIRKEL_WORKERS": "1"},
        stdout=log,
        stderr=err,
        start_new_session=True,
    )
    try:
        for _ in range(300):
            try:
                status, _location = _get(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "err.log").read_text()
                time.sleep(0.2)
        else:
            pytest.fail("the server did not answer")
        assert status == 200
        status, location = _get(f"http://127.0.0.1:{port}/saker/?q=Hansen")
        assert status == 302 and location.startswith("/konto/logg-inn/")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        log.close()
        err.close()
    access = (tmp_path / "out.log").read_text()
    assert '"GET /saker/" 302' in access
    assert "Hansen" not in access and "?" not in access
    errors = (tmp_path / "err.log").read_text()
    assert "1 workers × 1 threads (given)" in errors
    assert "Hansen" not in errors


def test_production_without_allowed_hosts_is_refused(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.PRODUCTION, settings.ALLOWED_HOSTS = True, []
    started: list[dict[str, Any]] = []
    monkeypatch.setattr(serving, "run", started.append)
    with pytest.raises(CommandError, match="SIRKEL_ALLOWED_HOSTS"):
        call_command("serve", skip_checks=True)
    assert started == []


def test_the_options_and_the_environment_override_the_choice(
    settings: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    started: list[dict[str, Any]] = []
    monkeypatch.setattr(serving, "run", started.append)
    monkeypatch.setenv("SIRKEL_WORKERS", "7")
    monkeypatch.setenv("SIRKEL_BIND", "0.0.0.0:9000")
    call_command("serve", threads="3", skip_checks=True)
    assert (started[0]["workers"], started[0]["threads"], started[0]["bind"]) == (7, 3, ["0.0.0.0:9000"])
    assert "0.0.0.0:9000, 7 workers × 3 threads (given)" in capsys.readouterr().err
    with pytest.raises(CommandError, match="--workers"):
        call_command("serve", workers="none", skip_checks=True)
