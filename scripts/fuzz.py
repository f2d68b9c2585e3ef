"""Fuzz the REST API against its own OpenAPI document (`make fuzz`).

A throwaway SQLite database in a temporary folder is migrated and loaded with the demo data; a read-write
token for `saksbehandler` is made with `sirkel api token`; `sirkel runserver` serves it on a free loopback
port. Schemathesis then takes every operation the schema lists (whatever endpoints exist by then) through
its examples, coverage, fuzzing and stateful phases with valid and invalid data, and checks that no answer
is a server error and that every status, content type, header and body is one the schema documents.

Environment:
  FUZZ_SECONDS   time for the whole run, setup included (default 150); schemathesis gets what the setup
                 leaves, less a margin, and is stopped if it overruns by a minute
  FUZZ_SEED      the seed for data generation (default 2026): the same seed draws the same cases in the
                 same order
  FUZZ_EXAMPLES  schemathesis' --max-examples, cases per operation in a round (default 100); under the time
                 budget fuzzing and stateful testing draw rounds until it is spent

Exits non-zero if schemathesis finds a failure (its report says which, with a curl line to reproduce it)
or if the server cannot be set up. The server is stopped and the folder removed however the run ends.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
]
MARGIN = 5  # seconds kept back from schemathesis' budget for stopping the server


class Failed(Exception):
    pass


class Stopped(Exception):
    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.code = 128 + signum


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise Failed(f"{name} must be a whole number, not {value!r}") from exc


def server_env(var_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    # A developer's own database or settings must not leak in: the run is always on the throwaway file.
    for name in ("DATABASE_URL", "SIRKEL_ALLOWED_HOSTS", "SIRKEL_REQUIRE_2FA", "SIRKEL_SSL_REDIRECT"):
        env.pop(name, None)
    env.update(
        {
            "SIRKEL_ENV": "demo",
            "SIRKEL_DEBUG": "0",  # errors answer as in production: a 500 is a problem, not a debug page
            "SIRKEL_VAR_DIR": str(var_dir),
            # The per-token limit (600/min) would turn most of the run into 429s, which test only the limit.
            "SIRKEL_API_RATE": "1000000/min",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


def run(cmd: list[str], env: dict[str, str], what: str) -> str:
    # Every command here is one of this virtualenv's own programs with arguments built in this file.
    done = subprocess.run(  # noqa: S603
        cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise Failed(f"{what} failed (exit {done.returncode})")
    return done.stdout


def get(url: str, token: str = "") -> int:
    request = urllib.request.Request(url)  # noqa: S310 - always http://127.0.0.1
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            status: int = response.status
            return status
    except urllib.error.HTTPError as exc:
        return exc.code


def wait_for(server: subprocess.Popen[bytes], base: str, token: str, deadline: float) -> None:
    while True:
        if server.poll() is not None:
            raise Failed(f"the server exited (code {server.returncode}) before it answered")
        try:
            if get(f"{base}/healthz") == 200:
                break
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise Failed("the server did not answer /healthz in time")
        time.sleep(0.25)
    # Another program could have taken the port between our choosing it and the server binding it: the
    # token must work, and our server must still be running.
    if get(f"{base}/api/v1/cases/", token) != 200 or server.poll() is not None:
        raise Failed("the server on the port is not the one started here, or the token does not work")


def stop(server: subprocess.Popen[bytes] | None) -> None:
    if server is None or server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def server_errors(log: Path) -> str:
    """The tracebacks the server logged, for a failure's report (the log holds no personal data)."""
    text = log.read_text(errors="replace") if log.exists() else ""
    lines = [line for line in text.splitlines() if not line.startswith("[")]  # drop the access log
    starts = [i for i, line in enumerate(lines) if " ERROR " in line or line.startswith("Traceback")]
    return "\n".join(lines[starts[0] :][-200:]) if starts else ""


def fuzz(work: Path, budget: int, seed: int, examples: int, started: float) -> int:
    env = server_env(work)
    sirkel = str(BIN / "sirkel")
    print(f"fuzz: setting up a demo database in {work}", flush=True)
    run([sirkel, "demo", "--no-serve"], env, "loading the demo data")
    out = run(
        [sirkel, "api", "token", "--user", "saksbehandler", "--name", "fuzz", "--days", "1"],
        env,
        "creating the token",
    )
    token = out.strip().splitlines()[-1]

    port = free_port()
    base = f"http://{HOST}:{port}"
    log = work / "server.log"
    server: subprocess.Popen[bytes] | None = None
    try:
        with log.open("wb") as sink:
            server = subprocess.Popen(  # noqa: S603
                [sirkel, "runserver", "--noreload", f"{HOST}:{port}"],
                env=env,
                cwd=work,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, stopped as a whole
            )
        wait_for(server, base, token, time.monotonic() + 60)
        left = int(budget - (time.monotonic() - started)) - MARGIN
        if left < 10:
            raise Failed(f"FUZZ_SECONDS={budget} leaves {left} s for fuzzing after the setup: give it more")
        print(f"fuzz: server at {base}; schemathesis for {left} s, seed {seed}", flush=True)
        cmd = [
            str(BIN / "schemathesis"),
            "run",
            f"{base}/api/schema/?format=json",
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            ",".join(CHECKS),
            "--mode",
            "all",
            "--max-time",
            str(left),
            "--max-examples",
            str(examples),
            "--seed",
            str(seed),
            "--continue-on-failure",
            "--generation-database",
            "none",  # no examples carried over from earlier runs: the seed alone decides
        ]
        try:
            code = subprocess.run(cmd, cwd=work, env=env, timeout=left + 60, check=False).returncode  # noqa: S603
        except subprocess.TimeoutExpired as exc:
            raise Failed("schemathesis overran its time budget by a minute and was stopped") from exc
        if code != 0:
            errors = server_errors(log)
            if errors.strip():
                print("\nfuzz: the server's log (errors and tracebacks):\n" + errors, flush=True)
            print(f"\nfuzz: FAILED (schemathesis exit {code}); reproduce with FUZZ_SEED={seed}", flush=True)
        return code
    finally:
        stop(server)


def on_signal(signum: int, frame: FrameType | None) -> None:
    raise Stopped(signum)  # unwinds through the finally blocks that stop the server


def main() -> int:
    started = time.monotonic()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    work = Path(tempfile.mkdtemp(prefix="sirkel-fuzz-"))
    try:
        code = fuzz(
            work,
            budget=env_int("FUZZ_SECONDS", 150),
            seed=env_int("FUZZ_SEED", 2026),
            examples=env_int("FUZZ_EXAMPLES", 100),
            started=started,
        )
    except Failed as exc:
        print(f"fuzz: {exc}", file=sys.stderr, flush=True)
        code = 2
    except (Stopped, KeyboardInterrupt) as exc:
        print(f"fuzz: stopped ({exc or 'SIGINT'})", file=sys.stderr, flush=True)
        code = exc.code if isinstance(exc, Stopped) else 130
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"fuzz: {'passed' if code == 0 else 'failed'} in {time.monotonic() - started:.0f} s", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
