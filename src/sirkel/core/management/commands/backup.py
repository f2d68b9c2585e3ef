"""`sirkel backup --output FILE`: the database and the stored documents in one file, while Sirkel runs.

Writes nothing to the database it copies (no audit event either: see `core.backup.operations`); progress on
standard error, the file and what it holds on standard output. Exit 1 with the reason when it fails (no
file is left behind)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sirkel.core.backup.database import BackupError
from sirkel.core.backup.operations import create_backup


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite's online backup, or pg_dump) and the stored documents into FILE, "
        "consistent while Sirkel runs. The research projects' keys are not included: back them up apart."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", required=True, type=Path, metavar="FILE", help="the backup file to write"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = create_backup(output=options["output"], progress=self.stderr.write)
        except BackupError as exc:
            raise CommandError(f"Backup failed: {exc}") from None
        self.stdout.write(str(summary.path))
        self.stdout.write(
            f"Backed up the {summary.vendor} database ({summary.tables} tables, {summary.rows} rows) and "
            f"{summary.documents} stored documents: {summary.size} bytes."
        )
