"""`sirkel serve`: the production web server (gunicorn with Sirkel's WSGI app); see `sirkel.core.serving`."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from sirkel.core import serving


def _positive(name: str, value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise CommandError(f"{name} must be a whole number of at least 1, not {value!r}.")
    return number


class Command(BaseCommand):
    help = (
        "Serve Sirkel with gunicorn (use this in production, not runserver): workers and threads chosen "
        "for the machine and the database unless given; the access log on standard output, without query "
        "strings."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind", default=None, help=f"ADDRESS:PORT (SIRKEL_BIND; default {serving.DEFAULT_BIND})"
        )
        parser.add_argument("--workers", default=None, help="processes (SIRKEL_WORKERS; default: chosen)")
        parser.add_argument(
            "--threads", default=None, help="threads a process (SIRKEL_THREADS; default: chosen)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The settings module has refused a production start without its secret key already; the hosts
        # are checked here, as a server that answers every request with 400 is no server.
        if settings.PRODUCTION and not settings.ALLOWED_HOSTS:
            raise CommandError("SIRKEL_ALLOWED_HOSTS must be set in production.")
        chosen = serving.choose_workers(
            vendor=connection.vendor, cores=serving.cpu_count(), memory_mib=serving.memory_mib()
        )
        workers_text = options["workers"] or os.environ.get("SIRKEL_WORKERS")
        threads_text = options["threads"] or os.environ.get("SIRKEL_THREADS")
        workers = _positive("--workers", workers_text) if workers_text else chosen.workers
        threads = _positive("--threads", threads_text) if threads_text else chosen.threads
        bind = options["bind"] or os.environ.get("SIRKEL_BIND") or serving.DEFAULT_BIND
        given = " (given)" if workers_text or threads_text else ""
        sys.stderr.write(
            f"sirkel serve: {bind}, {workers} workers × {threads} threads{given}; chosen: {chosen.reason}; "
            f"timeout {serving.TIMEOUT} s, graceful {serving.GRACEFUL_TIMEOUT} s, a worker renewed after "
            f"{serving.MAX_REQUESTS} ± {serving.MAX_REQUESTS_JITTER} requests; peak memory about "
            f"{workers * (serving.BASELINE_MIB + threads * serving.ARGON2_MIB)} MiB.\n"
        )
        sys.stderr.flush()
        connection.close()  # the checks may have opened it; the workers open their own
        serving.run(serving.gunicorn_options(bind=bind, workers=workers, threads=threads))
