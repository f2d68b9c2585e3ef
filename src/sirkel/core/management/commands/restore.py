"""`sirkel restore FILE [--force]`: a backup of `sirkel backup` into the configured database and var folder.

Checks the file whole first (a damaged file, one of another database vendor or of a newer Sirkel is refused,
nothing touched); refuses a database that holds data unless --force (exit 1, nothing changed); creates a
database that does not exist yet. Then puts back the database and the stored documents, checks every
table's row count against the backup and verifies the audit chain (`sirkel audit verify`): exit 1 if it
does not hold."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sirkel.core.backup.database import BackupError
from sirkel.core.backup.operations import restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup into the configured database (created when missing) and the var folder. Refuses a "
        "database that holds data unless --force, which replaces everything; then verifies the audit chain."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, metavar="FILE", help="a file written by `sirkel backup`")
        parser.add_argument(
            "--force", action="store_true", help="replace a database that holds data (and its documents)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = restore_backup(path=options["file"], force=options["force"], progress=self.stderr.write)
        except BackupError as exc:
            raise CommandError(f"Restore failed: {exc}") from None
        created = " (created)" if summary.created else ""
        self.stdout.write(
            f"Restored the {summary.vendor} database{created} ({summary.tables} tables, {summary.rows} rows) "
            f"and {summary.documents} stored documents."
        )
        # The audit command is reached by name: core imports no other app.
        verified = io.StringIO()
        call_command("audit", "verify", stdout=verified)
        self.stdout.write(verified.getvalue().strip())
        if summary.pending_migrations:
            self.stderr.write(
                f"This Sirkel has {len(summary.pending_migrations)} migrations the backup has not: "
                "run `sirkel migrate` before starting it."
            )
