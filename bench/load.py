"""The load test of `make bench`: simulated caseworkers against `sirkel serve` on loopback.

1. A child process (bench/load_setup.py) builds var/bench/load/load.sqlite3: migrations, the synthetic
   generator with 100,000 cases, and one signed-in caseworker per simulated user.
2. `sirkel serve` (gunicorn, workers and threads as it chooses them for this machine and SQLite) serves
   that database on a free port of 127.0.0.1, with the bench's production-like settings (no debug,
   persistent connections; the second factor off, as everywhere in the bench).
3. locust (headless, bench/locustfile.py) starts the users at 50 a second, resets its statistics once all
   are running, and runs for `duration` seconds; each user makes about one request a second.
4. The server is stopped; the figures come from locust's CSV summary ("Aggregated" row).

Bounded in time: the server is killed if it does not stop, and locust has a hard run time.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOAD_VAR = ROOT / "var" / "bench" / "load"
DB_PATH = LOAD_VAR / "load.sqlite3"


@dataclass(frozen=True)
class LoadResult:
    users: int
    cases: int
    workers: str
    requests: int
    failures: int
    p50_ms: float
    p95_ms: float
    rps: float
    setup_s: float
    per_name: dict[str, tuple[int, float]]  # name -> (requests, p95 ms)


def _environment() -> dict[str, str]:
    from bench.run import bench_settings

    env = {**os.environ, **bench_settings(db_path=DB_PATH, var_dir=LOAD_VAR), "SIRKEL_LOG_LEVEL": "ERROR"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_up(url: str, *, timeout: float, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"sirkel serve stopped at start (exit {server.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback
                return
        except urllib.error.HTTPError:
            return  # it answers
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise SystemExit(f"sirkel serve did not answer within {timeout:.0f} s")


def bench_load(*, users: int, cases: int, seed: int, duration: float) -> LoadResult:
    LOAD_VAR.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{DB_PATH}{suffix}").unlink(missing_ok=True)
    env = _environment()
    identities = LOAD_VAR / "users.json"
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 - our own module
        [sys.executable, "-m", "bench.load_setup", str(users), str(cases), str(seed), str(identities)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    setup_s = time.perf_counter() - started
    data = json.loads(identities.read_text(encoding="utf-8"))

    port = _free_port()
    server_log = (LOAD_VAR / "server.log").open("wb")
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "sirkel.cli", "serve", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=server_log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/", timeout=60, server=server)
        prefix = LOAD_VAR / "locust"
        locust_log = (LOAD_VAR / "locust.log").open("wb")
        spawn_rate = 50
        run_time = int(duration + users / spawn_rate + 2)
        subprocess.run(  # noqa: S603
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(users),
                "--spawn-rate",
                str(spawn_rate),
                "--run-time",
                f"{run_time}s",
                "--reset-stats",
                "--stop-timeout",
                "5",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env={**env, "SIRKEL_LOAD_USERS": str(identities)},
            check=False,  # locust exits 1 when any request failed; the figures say how many
            timeout=run_time + 120,
            stdout=locust_log,
            stderr=subprocess.STDOUT,
        )
        locust_log.close()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server_log.close()
    workers = _workers_line(LOAD_VAR / "server.log")
    return _read_stats(prefix, users=users, cases=data["cases"], workers=workers, setup_s=setup_s)


def _workers_line(log: Path) -> str:
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if "worker" in line.lower() and "thread" in line.lower():
            return line.strip()
    return ""


def _read_stats(prefix: Path, *, users: int, cases: int, workers: str, setup_s: float) -> LoadResult:
    with open(f"{prefix}_stats.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    per_name = {
        row["Name"]: (int(row["Request Count"]), float(row["95%"]))
        for row in rows
        if row["Name"] != "Aggregated"
    }
    total = next(row for row in rows if row["Name"] == "Aggregated")
    return LoadResult(
        users=users,
        cases=cases,
        workers=workers,
        requests=int(total["Request Count"]),
        failures=int(total["Failure Count"]),
        p50_ms=float(total["50%"]),
        p95_ms=float(total["95%"]),
        rps=float(total["Requests/s"]),
        setup_s=setup_s,
        per_name=per_name,
    )
