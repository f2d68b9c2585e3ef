"""`sirkel serve`: Sirkel's WSGI app (the one `sirkel.wsgi` makes) under gunicorn, with workers and threads
chosen for the machine and the database, and an access log without query strings or link tokens.

How many processes and threads (`choose_workers`, a pure function so it can be tested for any machine):

- **PostgreSQL**: gunicorn's rule of thumb, 2 × cores + 1 workers, each with 2 threads (a request mostly
  waits for the database, and PostgreSQL takes many writers at once).
- **SQLite**: one writer at a time for the whole file. WAL mode lets readers go on beside the writer and
  the 20 s busy timeout queues writers (settings.py), so a few processes still help the reads, but more
  than cores + 1 (at most 4) only queue on the write lock, and threads do not pay off (a thread waiting for
  the lock holds its worker's other requests behind the GIL and the same connection rules): 1 thread.
- **Memory caps both**: one Argon2 password check takes about 100 MiB (Django's `memory_cost` of 102,400
  KiB; measured 100.5 MiB), so a worker needs its baseline (`BASELINE_MIB`, a warm worker's resident set)
  plus 100 MiB for each thread that may check a password at the same moment. Workers are cut until
  workers × (baseline + threads × 100 MiB) fits in half the machine's memory (the other half for the
  database, the task worker and the page cache).

`SIRKEL_WORKERS`, `SIRKEL_THREADS` and `SIRKEL_BIND` (or the command's options) override the choice.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from gunicorn.glogging import Logger

ARGON2_MIB = 100  # one Argon2 check with Django's parameters (memory_cost 102,400 KiB)
BASELINE_MIB = 150  # a warm worker's resident set (measured about 150 MiB after a few pages on SQLite)
MEMORY_SHARE = 0.5  # of the machine's memory, for the web workers at their peak
SQLITE_MAX_WORKERS = 4
POSTGRES_THREADS = 2
DEFAULT_BIND = "127.0.0.1:8000"
TIMEOUT = 60  # seconds a request may take before its worker is restarted (long jobs are tasks)
GRACEFUL_TIMEOUT = 30  # seconds to finish the requests under way on a restart or stop
MAX_REQUESTS = 1000  # a worker is replaced after this many requests (± the jitter), against slow leaks
MAX_REQUESTS_JITTER = 100
# Time, method, path, status, bytes, milliseconds: never the query string (search terms), the address,
# the referrer (which holds the previous page's query) or the user agent.
ACCESS_LOG_FORMAT = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


@dataclass(frozen=True)
class Workers:
    """The chosen processes and threads, and why."""

    workers: int
    threads: int
    reason: str


def choose_workers(*, vendor: str, cores: int, memory_mib: int | None) -> Workers:
    """Workers and threads for a machine of `cores` CPUs and `memory_mib` of memory (None: unknown, no
    cap) serving a database of `vendor` (Django's `connection.vendor`: "sqlite", "postgresql", …)."""
    cores = max(1, cores)
    if vendor == "sqlite":
        workers, threads = min(cores + 1, SQLITE_MAX_WORKERS), 1
        reason = (
            f"SQLite: one writer at a time, so cores + 1 workers (at most {SQLITE_MAX_WORKERS}), 1 thread"
        )
    else:
        workers, threads = 2 * cores + 1, POSTGRES_THREADS
        reason = f"{vendor}: 2 × cores + 1 workers, {POSTGRES_THREADS} threads"
    if memory_mib is not None:
        per_worker = BASELINE_MIB + threads * ARGON2_MIB
        fits = max(1, int(memory_mib * MEMORY_SHARE) // per_worker)
        if fits < workers:
            workers = fits
            reason += (
                f"; cut to {fits} by memory ({per_worker} MiB a worker at its peak, "
                f"half of {memory_mib} MiB for the web)"
            )
    return Workers(workers=workers, threads=threads, reason=reason)


def cpu_count() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def memory_mib() -> int | None:
    """The machine's physical memory in MiB, or None where the system does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // (1024 * 1024)
    except (AttributeError, ValueError, OSError):
        return None


def gunicorn_options(*, bind: str, workers: int, threads: int) -> dict[str, Any]:
    """gunicorn's settings for Sirkel."""
    return {
        "bind": [bind],
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        # The app is loaded once, before the workers are forked: a configuration mistake stops the
        # server at once, and the workers share the loaded code. Safe because loading opens no database
        # connection, and `pre_fork` closes any that a check opened (a connection must not be shared).
        "preload_app": True,
        "pre_fork": _close_connections,
        "timeout": TIMEOUT,
        "graceful_timeout": GRACEFUL_TIMEOUT,
        "max_requests": MAX_REQUESTS,
        "max_requests_jitter": MAX_REQUESTS_JITTER,
        "accesslog": "-",
        "errorlog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "logger_class": "sirkel.core.serving.AccessLogger",
        "forwarded_allow_ips": "127.0.0.1,::1",
        "proc_name": "sirkel",
        # No control socket: one more way in to the server is one more thing to secure, and two servers
        # on one machine would share its default path. systemd restarts and reloads the server instead.
        "control_socket_disable": True,
    }


def _close_connections(server: Any, worker: Any) -> None:
    from django.db import connections

    connections.close_all()


# The participants' pages carry their link's secret in the path (/lenke/<token>/…).
_LINK_TOKEN = re.compile(r"^(/lenke/)[^/]+")


def loggable_path(path: str) -> str:
    """A request path as the access log shows it: a participant link's token replaced by `…`."""
    return _LINK_TOKEN.sub(r"\1…", path)


class AccessLogger(Logger):  # type: ignore[misc]
    """gunicorn's logger with the access log's fields limited to those that carry no identifier: even a
    changed `access_log_format` cannot log a query string, a header, an address or a link's token."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: timedelta) -> dict[str, Any]:
        full = super().atoms(resp, req, environ, request_time)
        safe = {key: full[key] for key in ("t", "m", "s", "B", "b", "H", "T", "D", "M", "L", "p")}
        return {**safe, "U": loggable_path(environ.get("PATH_INFO", "")), "r": "-", "q": "-"}


def run(options: dict[str, Any]) -> None:
    """Run gunicorn with `options` and Sirkel's WSGI app until it is stopped."""
    from gunicorn.app.base import BaseApplication

    class SirkelApplication(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            # What `sirkel.wsgi.application` is (core imports no module above it); settings are configured.
            from django.core.wsgi import get_wsgi_application

            return get_wsgi_application()

    SirkelApplication().run()
