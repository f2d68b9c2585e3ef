"""`sirkel stats`: Statistics Norway's table of children with measures, and federated national figures.

sirkel stats ssb --year Y [--service NAME] [--suppress-below N] [--extended] --format csv|json [--output PATH]
sirkel stats export --year Y --service NAME --output FILE [--suppress-below N] [--extended]
sirkel stats merge FILE… --format csv|json [--suppress-below N] [--output PATH]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from sirkel.accounts.models import Service
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event
from sirkel.stats import federation, selectors, ssb
from sirkel.stats.ssb import SsbTable

RAW = argparse.RawDescriptionHelpFormatter
HEADER = ("code", "category", "age_band", "children")
MAX_FILE_BYTES = 8 * 1024 * 1024

HELP = """Statistics Norway's table of children with measures during a year, by measure and age band.

  ssb     the table of one service (--service NAME) or of every service in this Sirkel, as CSV with the
          header code,category,age_band,children or as JSON, on standard output or in --output PATH.
          A measure counts in year Y when its period touches Y; age on 31 December of Y; each child once
          per row; age bands 0-2, 3-5, 6-12, 13-17, 18-22, 23-24 and total. Cells under N (default 3) are
          ':', with secondary suppression; --suppress-below 0 shows every count (for the operator's own
          use: do not publish such a table). --extended adds the study's extended categories.
  export  one service's suppressed table for a year as a JSON file, for a region or directorate.
  merge   several services' files of the same year into one table, suppressed again.
"""


def _non_negative(value: str) -> int:
    if not value.isdecimal() or len(value) > 6:
        raise argparse.ArgumentTypeError("give a whole number, 0 or more")
    return int(value)


def _year(value: str) -> int:
    if not value.isdecimal() or not 1900 <= int(value) <= 2200:
        raise argparse.ArgumentTypeError("give a year, e.g. 2025")
    return int(value)


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True, parser_class=argparse.ArgumentParser)
        table = sub.add_parser(
            "ssb", help="The SSB table, as CSV or JSON.", description=HELP, formatter_class=RAW
        )
        table.add_argument("--year", type=_year, required=True)
        table.add_argument(
            "--service", help="The service's name, exactly as in Sirkel (default: every service)."
        )
        table.add_argument("--suppress-below", type=_non_negative, default=ssb.MIN_CELL, metavar="N")
        table.add_argument("--extended", action="store_true", help="Add the study's extended categories.")
        table.add_argument("--format", choices=("csv", "json"), default="csv")
        table.add_argument(
            "--output", type=Path, metavar="PATH", help="Write here instead of standard output."
        )
        export = sub.add_parser(
            "export", help="A service's suppressed figures as a file.", description=HELP, formatter_class=RAW
        )
        export.add_argument("--year", type=_year, required=True)
        export.add_argument("--service", required=True, help="The service's name, exactly as in Sirkel.")
        export.add_argument("--output", type=Path, required=True, metavar="FILE")
        export.add_argument("--suppress-below", type=_non_negative, default=ssb.MIN_CELL, metavar="N")
        export.add_argument("--extended", action="store_true")
        merge = sub.add_parser(
            "merge", help="Merge services' files into one table.", description=HELP, formatter_class=RAW
        )
        merge.add_argument("files", nargs="+", type=Path, metavar="FILE")
        merge.add_argument("--format", choices=("csv", "json"), default="csv")
        merge.add_argument("--suppress-below", type=_non_negative, default=ssb.MIN_CELL, metavar="N")
        merge.add_argument("--output", type=Path, metavar="PATH")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "ssb":
            self.ssb(**options)
        elif options["what"] == "export":
            self.export(**options)
        else:
            self.merge(**options)

    def _service(self, name: str | None) -> Service | None:
        if name is None:
            return None
        service = Service.objects.filter(name=name).first()
        if service is None:
            raise CommandError(f"There is no service named {name!r}.")
        return service

    def _table(self, *, service: Service | None, year: int, extended: bool, below: int) -> SsbTable:
        self.stderr.write(
            f"Counting the measures of {service.name if service else 'every service'} in {year} …"
        )
        table = selectors.ssb_table(
            services=[service] if service else None, year=year, extended=extended, suppress_below=below
        )
        if table.outside_ages:
            self.stderr.write(
                f"{table.outside_ages} children aged over 24 on 31 December {year} are not counted."
            )
        if below == 0:
            self.stderr.write("Not suppressed (--suppress-below 0): for internal use only, do not publish.")
        return table

    def _audit(self, *, service: Service | None, action: str, year: int, **detail: Any) -> None:
        with transaction.atomic():
            record_event(
                actor=None,
                service=service,
                action=action,
                object_type="ssb_table",
                object_id=service.pk if service else "",
                detail={"year": year, "via": "command", **detail},
            )

    def ssb(self, **options: Any) -> None:
        service = self._service(options["service"])
        year, extended, below = options["year"], options["extended"], options["suppress_below"]
        table = self._table(service=service, year=year, extended=extended, below=below)
        self._audit(
            service=service, action=AuditAction.VIEW, year=year, extended=extended, suppress_below=below
        )
        self._emit(table, options["format"], options["output"])

    def export(self, **options: Any) -> None:
        service = self._service(options["service"])
        if service is None:  # argparse requires --service; this keeps the type checker informed
            raise CommandError("Name the service: --service NAME.")
        year, extended, below = options["year"], options["extended"], options["suppress_below"]
        table = self._table(service=service, year=year, extended=extended, below=below)
        document = federation.export_document(table, service=service.name)
        path: Path = options["output"]
        self._write(path, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        self._audit(
            service=service, action=AuditAction.EXPORT, year=year, extended=extended, suppress_below=below
        )
        self.stdout.write(f"Exported the figures of {service.name} for {year} to {path}.")

    def merge(self, **options: Any) -> None:
        documents = []
        for path in options["files"]:
            try:
                with path.open("rb") as handle:
                    data = handle.read(MAX_FILE_BYTES + 1)
            except OSError as exc:
                raise CommandError(f"Cannot read {path}: {exc.strerror}. Nothing was merged.") from exc
            if len(data) > MAX_FILE_BYTES:
                raise CommandError(
                    f"{path} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB. Nothing was merged."
                )
            try:
                documents.append(federation.read_document(data.decode("utf-8"), name=str(path)))
            except UnicodeDecodeError as exc:
                raise CommandError(f"{path} is not UTF-8 text. Nothing was merged.") from exc
            except federation.FederationError as exc:
                raise CommandError(f"{exc} Nothing was merged.") from exc
        try:
            table = federation.merge(documents, suppress_below=options["suppress_below"])
        except federation.FederationError as exc:
            raise CommandError(f"{exc} Nothing was merged.") from exc
        self.stderr.write(f"Merged {len(documents)} files of {table.year}.")
        self._emit(table, options["format"], options["output"])

    def _emit(self, table: SsbTable, fmt: str, output: Path | None) -> None:
        if fmt == "json":
            text = json.dumps(table.as_json(), ensure_ascii=False, indent=2) + "\n"
        else:
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow(HEADER)
            writer.writerows(table.csv_records())
            text = buffer.getvalue()
        if output is None:
            self.stdout.write(text, ending="")
        else:
            self._write(output, text)
            self.stderr.write(f"Wrote the table of {table.year} to {output}.")

    def _write(self, path: Path, text: str) -> None:
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot write {path}: {exc.strerror}.") from exc
