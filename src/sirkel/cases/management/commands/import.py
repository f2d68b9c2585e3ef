"""`sirkel import measures`: a service's measure history from its case system, from a CSV file."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sirkel.accounts.models import Service, User
from sirkel.cases.imports import COLUMNS, MAX_BYTES, ImportResult, import_measures

HELP = f"""Import data from another system into Sirkel.

  sirkel import measures --service NAME --caseworker USER FILE.csv [--dry-run]

reads a service's decided measures from a CSV file (UTF-8, comma-separated) with the columns
  {",".join(COLUMNS)}
The whole file is checked first: if any row is wrong, every problem is printed with its line number
(the header is line 1), nothing is imported and the exit status is 1. Importing the same file again
changes nothing. New cases get USER as their responsible caseworker, who is also recorded as having
imported the decisions. --dry-run checks the file and prints what would be done, writing nothing.
"""


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True, parser_class=argparse.ArgumentParser)
        measures = sub.add_parser(
            "measures",
            help="A service's measure history (cases, decisions, measures) from a CSV file.",
            description=HELP,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        measures.add_argument("--service", required=True, help="The service's name, exactly as in Sirkel.")
        measures.add_argument(
            "--caseworker",
            required=True,
            help="User name of the responsible caseworker of new cases (an active caseworker, consultant "
            "or leader of the service); also recorded as the one who imported.",
        )
        measures.add_argument("--dry-run", action="store_true", help="Check and count only; write nothing.")
        measures.add_argument("file", type=Path, help="The CSV file.")

    def handle(self, *args: Any, **options: Any) -> None:
        service = Service.objects.filter(name=options["service"]).first()
        if service is None:
            raise CommandError(f"There is no service named {options['service']!r}. Nothing was imported.")
        caseworker = User.objects.filter(username=options["caseworker"]).first()
        if caseworker is None:
            raise CommandError(f"There is no user named {options['caseworker']!r}. Nothing was imported.")
        path: Path = options["file"]
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from exc
        dry_run: bool = options["dry_run"]
        self.stderr.write(f"Checking {path} …")
        try:
            result = import_measures(
                acting_user=caseworker,
                service=service,
                caseworker=caseworker,
                data=data,
                dry_run=dry_run,
                from_command_line=True,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages) + " Nothing was imported.") from exc
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"Nothing was imported: {len(result.errors)} problem(s) in {path}.")
        self.stdout.write(summary(result, service=service))


def summary(result: ImportResult, *, service: Service) -> str:
    verb = "Would import" if result.dry_run else "Imported"
    return (
        f"{verb} {result.rows} rows into {service.name}: "
        f"cases {result.cases_created} created, {result.cases_unchanged} unchanged; "
        f"decisions {result.decisions_created} created, {result.decisions_unchanged} unchanged; "
        f"measures {result.measures_created} created, {result.measures_updated} updated, "
        f"{result.measures_unchanged} unchanged."
        + (" Nothing was written (--dry-run)." if result.dry_run else "")
    )
