"""`sirkel demo`: migrate, load the demo data and serve Sirkel on 127.0.0.1, with a task worker beside the
server so that exports started from a page run with nothing else started.

The worker is `sirkel db_worker` in a subprocess, started before the server and terminated when the server
stops (Ctrl+C), rather than a thread in the server's process: it is the very command production runs
beside its web server (README), through its documented interface rather than the backend's internals; it
installs its own signal handlers, which Python allows only in a process's main thread; and an export's
heavy work (scrubbing, writing SPSS and Stata files) runs on its own interpreter instead of holding the
server's requests behind the GIL. SIGTERM lets it finish the task it is running before it stops.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from sirkel.demo.data import DEMO_PASSWORD, DEMO_USERS
from sirkel.demo.loader import load_demo

DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"
WORKER_STOP_SECONDS = 10  # how long the worker may take to finish its task when the demo stops


def worker_command() -> list[str]:
    """The task worker as the demo starts it: this interpreter's `sirkel db_worker`, without reloading."""
    return [sys.executable, "-m", "sirkel.cli", "db_worker", "--no-reload", "--interval", "1"]


def start_worker() -> subprocess.Popen[bytes]:
    """The task worker in a subprocess, with this process's settings (its output on the same terminal), in
    a session of its own: the terminal's Ctrl+C reaches the server alone, which then asks the worker to stop
    once (a second signal would make the worker abandon its task)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "sirkel.settings"),
    }
    return subprocess.Popen(worker_command(), env=env, start_new_session=True)  # noqa: S603 - our own command


def stop_worker(worker: subprocess.Popen[bytes]) -> None:
    """Ask the worker to stop (it finishes its task first); kill it if it has not within the limit, or when
    Ctrl+C is pressed again while it finishes."""
    if worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=WORKER_STOP_SECONDS)
    except (subprocess.TimeoutExpired, KeyboardInterrupt):
        worker.kill()
        worker.wait()


def _exit_on_terminate(signum: int, frame: FrameType | None) -> None:
    # SIGTERM (a supervisor, `kill`) ends the server as Ctrl+C does, so that the worker is stopped too.
    raise SystemExit(128 + signum)


class Command(BaseCommand):
    help = "Migrate the database, load the demo data (idempotent) and serve Sirkel with a task worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-serve", action="store_true", help="Load the data but do not start a server."
        )
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))

    def handle(self, *args: Any, **options: Any) -> None:
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        result = load_demo()
        self.stdout.write(f"Demo data ready ({result['cases_created']} new cases).")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for u in DEMO_USERS:
            self.stdout.write(f"  {u.username:<16} {u.role_label} – {u.service}")
        if options["no_serve"]:
            return
        port = options["port"]
        # With SIRKEL_TASKS=immediate the tasks run in the request, and there is nothing for a worker to do.
        worker = start_worker() if settings.TASKS["default"]["BACKEND"] == DATABASE_BACKEND else None
        if worker is not None:
            self.stdout.write("Background tasks (exports started from a page) run in a worker beside it.")
        self.stdout.write(f"Serving Sirkel at http://127.0.0.1:{port}/ (Ctrl+C stops)")
        signal.signal(signal.SIGTERM, _exit_on_terminate)
        try:
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
        finally:
            if worker is not None:
                stop_worker(worker)
