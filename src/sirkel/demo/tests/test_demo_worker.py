"""`sirkel demo`'s task worker: the production command, in a session of its own, stopped with the server."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from sirkel.demo.management.commands import demo


def test_the_worker_is_the_production_command_without_reloading() -> None:
    command = demo.worker_command()
    assert command[:3] == [sys.executable, "-m", "sirkel.cli"]
    assert command[3] == "db_worker" and "--no-reload" in command


def test_the_worker_runs_apart_from_the_terminal_and_stops_with_the_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A stand-in that waits like the worker does: the start and stop are what is tested here.
    monkeypatch.setattr(demo, "worker_command", lambda: [sys.executable, "-c", "import time; time.sleep(60)"])
    worker = demo.start_worker()
    try:
        assert worker.poll() is None
        assert os.getsid(worker.pid) == worker.pid != os.getsid(0)  # Ctrl+C in the terminal does not reach it
    finally:
        demo.stop_worker(worker)
    assert worker.returncode is not None and worker.returncode != 0  # ended by the server's SIGTERM
    demo.stop_worker(worker)  # stopping a stopped worker does nothing


def test_a_worker_that_will_not_stop_is_killed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "WORKER_STOP_SECONDS", 0.2)
    stubborn = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print(flush=True); "
    stubborn += "time.sleep(60)"
    worker = subprocess.Popen([sys.executable, "-c", stubborn], stdout=subprocess.PIPE)  # noqa: S603
    assert worker.stdout is not None and worker.stdout.readline()  # its handler is in place
    demo.stop_worker(worker)
    assert worker.returncode == -9
