"""`sirkel audit verify`: check that the audit chain is intact."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sirkel.audit.services import verify_chain


class Command(BaseCommand):
    help = "Audit trail tools. `verify` exits 0 when the hash chain is intact, 1 naming the first bad event."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_chain()
        if not result.ok:
            raise CommandError(
                f"Audit chain broken at event #{result.first_bad_seq}: {result.problem} "
                f"({result.checked} events before it are intact)."
            )
        self.stdout.write(f"Audit chain intact: {result.checked} events verified.")
