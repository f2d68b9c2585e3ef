"""`sirkel network export|import`: a case's network to and from files, acting as a named user."""

from __future__ import annotations

import os
from argparse import RawDescriptionHelpFormatter
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser, DjangoHelpFormatter
from django.http import Http404

from sirkel.accounts.models import User
from sirkel.network.exchange.apply import import_for_user
from sirkel.network.exchange.export import export_for_user, parse_format
from sirkel.network.exchange.schema import FORMATS, MAX_UPLOAD_BYTES

HELP = """Export or import the network of one case, acting as a named Sirkel user.

  sirkel network export --user USERNAME --case ID --format csv|graphml --output PATH [--force]
  sirkel network import --user USERNAME --case ID PATH [--interview CASE_OR_SESSION_ID]

--case is the case's id as in the address of its page (/saker/ID/), not the case number.
The command follows the same rules as the pages: the user must be allowed to see the case to export it
and to change it to import into it; otherwise it stops with an error and exit status 1. Every export and
import is written to the audit trail under that user's name (marked as done from the command line).

export writes the CSV format as a zip of three tables (<case>_<session>_ego.csv,
<case>_<session>_attributeList_person.csv, <case>_<session>_edgeList_tie.csv) in Network Canvas's shape,
or GraphML. Contact details are never exported.
The file is created readable by its owner only, and an existing file is kept unless you add --force.

import reads such a zip, or a Network Canvas CSV export (its protocol's own variables are kept in the
people's notes), and adds its people and ties to the case's network. An export of several interviews needs
--interview. The whole file is checked first: if anything is wrong, nothing is imported and each problem is
printed with file, row and column; what was kept or left out is printed on standard error.
"""


class _HelpFormatter(DjangoHelpFormatter, RawDescriptionHelpFormatter):
    """Django's option order, with the help text's own line breaks kept."""


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="export|import")
        export = actions.add_parser("export", help="Write a case's network to a file.")
        import_ = actions.add_parser(
            "import", help="Add the people and ties in a CSV zip to a case's network."
        )
        for sub in (export, import_):
            sub.add_argument("--user", required=True, help="User name of the Sirkel user you act as.")
            sub.add_argument("--case", type=int, required=True, help="The case's id (as in /saker/ID/).")
        export.add_argument("--format", choices=FORMATS, required=True, help="csv (a zip) or graphml.")
        export.add_argument("--output", required=True, type=Path, help="The file to write.")
        export.add_argument("--force", action="store_true", help="Overwrite the output file if it exists.")
        import_.add_argument("path", type=Path, help="The zip to import.")
        import_.add_argument(
            "--interview",
            default="",
            help="For a Network Canvas export of several interviews: the case ID or session ID to import.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"There is no active user named {options['user']!r}.")
        if options["action"] == "export":
            self._export(user, options)
        else:
            self._import(user, options)

    def _export(self, user: User, options: dict[str, Any]) -> None:
        fmt = parse_format(options["format"])
        if fmt is None:  # argparse has checked already; this narrows the type
            raise CommandError(f"Unknown format {options['format']!r}.")
        output: Path = options["output"]
        if output.exists() and not options["force"]:
            raise CommandError(f"{output} exists already; choose another name or add --force.")
        try:
            export = export_for_user(user=user, case_id=options["case"], fmt=fmt, via="cli")
        except Http404 as exc:
            raise CommandError(
                f"Case {options['case']} does not exist or {user.username} may not see it. "
                "Nothing was exported."
            ) from exc
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | (0 if options["force"] else os.O_EXCL)
        with os.fdopen(os.open(output, flags, 0o600), "wb") as handle:
            handle.write(export.content)
        self.stdout.write(
            f"Exported {export.members} people and {export.ties} ties of case {options['case']} to {output}."
        )

    def _import(self, user: User, options: dict[str, Any]) -> None:
        path: Path = options["path"]
        try:
            with path.open("rb") as handle:
                # Read no more than the limit (plus one byte, so the check below sees that it is too big).
                data = handle.read(MAX_UPLOAD_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from exc
        try:
            result = import_for_user(
                user=user, case_id=options["case"], data=data, via="cli", interview=options["interview"]
            )
        except (Http404, PermissionDenied) as exc:
            raise CommandError(
                f"Case {options['case']} does not exist or {user.username} may not change it. "
                "Nothing was imported."
            ) from exc
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"Nothing was imported: {len(result.problems)} problem(s) in {path}.")
        self.stdout.write(
            f"Imported {result.members} people and {result.ties} ties into case {options['case']}."
        )
        for notice in result.notices:
            self.stderr.write(notice)
