"""`sirkel demo`: migrate, load the demo data and serve Sirkel on 127.0.0.1."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from sirkel.demo.data import DEMO_PASSWORD, DEMO_USERS
from sirkel.demo.loader import load_demo


class Command(BaseCommand):
    help = "Migrate the database, load the demo data (idempotent) and serve Sirkel."

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
        self.stdout.write(f"Serving Sirkel at http://127.0.0.1:{port}/ (Ctrl+C stops)")
        call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
