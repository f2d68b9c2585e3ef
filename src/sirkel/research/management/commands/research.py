"""`sirkel research`: the operator's tools for research projects.

sirkel research grant --project SLUG --service NAME --granted-by USER --until YYYY-MM-DD --reason TEXT
                      [--cases N,N,...] [--legal-basis TEXT] [--dpia TEXT] [--researcher USER ...]

Each subcommand is a method `do_<name>` with its arguments added by `args_<name>`: a new one (import,
table, agreement, export) is a pair of methods and a line in `SUBCOMMANDS`.
"""

from __future__ import annotations

import argparse
import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sirkel.accounts.models import Service, User
from sirkel.research import services
from sirkel.research.grant_forms import parse_case_numbers

RAW = argparse.RawDescriptionHelpFormatter
NO_LEGAL_BASIS = "(not given)"

HELP = """Research projects: grants of access to a service's case files, and more to come.

  grant   a service's leader (--granted-by) grants the project SLUG (created when new, with the newest
          version of the study's form) read-only access to the service's case files — all of them, or
          those numbered in --cases — until the date given (the last day included). --researcher adds a
          user to the project (repeat it for more). Prints one line; refuses an unknown service or user,
          a --granted-by who does not lead the service, and a date in the past.
"""

SUBCOMMANDS = {"grant": "Grant a project access to a service's case files."}


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError("give a date as YYYY-MM-DD") from None


def _cases(value: str) -> tuple[int, ...]:
    try:
        numbers = parse_case_numbers(value)
    except ValidationError:
        raise argparse.ArgumentTypeError("give case numbers separated by commas, e.g. 12,15,31") from None
    if not numbers:
        raise argparse.ArgumentTypeError("give at least one case number")
    return numbers


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = RAW
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True, parser_class=argparse.ArgumentParser)
        for name, summary in SUBCOMMANDS.items():
            getattr(self, f"args_{name}")(
                sub.add_parser(name, help=summary, description=HELP, formatter_class=RAW)
            )

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"do_{options['what']}")(**options)

    # --- grant ----------------------------------------------------------------------------------------

    def args_grant(self, p: argparse.ArgumentParser) -> None:
        p.add_argument("--project", required=True, metavar="SLUG", help="The project's short name.")
        p.add_argument("--name", default="", help="A new project's name (default: its short name).")
        p.add_argument("--service", required=True, metavar="NAME", help="The service's name, exactly.")
        p.add_argument("--granted-by", required=True, metavar="USER", help="A leader of the service.")
        p.add_argument("--until", required=True, type=_date, metavar="YYYY-MM-DD", help="The last day.")
        p.add_argument("--reason", required=True, metavar="TEXT")
        p.add_argument("--cases", type=_cases, metavar="N,N,...", help="Only these case numbers.")
        p.add_argument(
            "--legal-basis", default="", metavar="TEXT", help="The exemption from confidentiality."
        )
        p.add_argument("--dpia", default="", metavar="TEXT", help="The DPIA's reference.")
        p.add_argument("--researcher", action="append", default=[], metavar="USER")

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user named {username!r}. Nothing was granted.")
        return user

    def do_grant(self, **o: Any) -> None:
        service = Service.objects.filter(name=o["service"]).first()
        if service is None:
            raise CommandError(f"There is no service named {o['service']!r}. Nothing was granted.")
        granted_by = self._user(o["granted_by"])
        researchers = tuple(self._user(name) for name in o["researcher"])
        if not services.leads(user=granted_by, service=service):
            raise CommandError(f"{granted_by.username} does not lead {service.name}. Nothing was granted.")
        if o["until"] < timezone.localdate():
            raise CommandError(f"{o['until'].isoformat()} is in the past. Nothing was granted.")
        if not o["reason"].strip():
            raise CommandError("Give a reason (--reason). Nothing was granted.")
        legal_basis = o["legal_basis"].strip()
        if not legal_basis:
            self.stderr.write("No legal basis given (--legal-basis): recorded as not given.")
            legal_basis = NO_LEGAL_BASIS
        try:
            grant = services.grant_access(
                acting_user=granted_by,
                data=services.GrantInput(
                    project_slug=o["project"],
                    project_name=o["name"],
                    service=service,
                    valid_until=o["until"],
                    reason=o["reason"],
                    legal_basis=legal_basis,
                    dpia_ref=o["dpia"],
                    all_cases=o["cases"] is None,
                    case_numbers=o["cases"] or (),
                    researchers=researchers,
                ),
                via="command",
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages) + " Nothing was granted.") from exc
        covered = "all case files" if grant.all_cases else f"{grant.cases.count()} case files"
        self.stdout.write(
            f"Granted {grant.project.slug} access to {covered} of {service.name} until "
            f"{grant.valid_until.isoformat()} (grant {grant.pk})."
        )
