"""`sirkel research`: the operator's tools for research projects.

sirkel research grant --project SLUG --service NAME --granted-by USER --until YYYY-MM-DD --reason TEXT
                      [--cases N,N,...] [--legal-basis TEXT] [--dpia TEXT] [--researcher USER ...]

Each subcommand is a method `do_<name>` with its arguments added by `args_<name>`: a new one (import,
table, agreement, export) is a pair of methods and a line in `SUBCOMMANDS`.
"""

from __future__ import annotations

import argparse
import datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone, translation

from sirkel.accounts.models import Service, User
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event
from sirkel.research import analysis, project_export, services, xlsform
from sirkel.research.export import ExportLeakError
from sirkel.research.forms import FormError, load_form
from sirkel.research.grant_forms import parse_case_numbers
from sirkel.research.models import Project
from sirkel.research.tables import MIN_CELL
from sirkel.research.xlsform import XLSFORM_SUFFIXES

RAW = argparse.RawDescriptionHelpFormatter
NO_LEGAL_BASIS = "(not given)"

HELP = """Research projects: grants of access to a service's case files, registrations, tables, agreement.

  grant   a service's leader (--granted-by) grants the project SLUG (created when new, with the newest
          version of the study's form) read-only access to the service's case files — all of them, or
          those numbered in --cases — until the date given (the last day included). --researcher adds a
          user to the project (repeat it for more). Prints one line; refuses an unknown service or user,
          a --granted-by who does not lead the service, and a date in the past.
  import  --project SLUG --form KEY FILE.json: registrations from a JSON list (case, coder, the answers by
          question key, repeat blocks as lists, choices by key or Bokmål label, optionally linked_case and
          consensus), checked whole against the form: any problem is printed with its registration and
          question on standard error and nothing is written (exit 1). The project is created if new.
  table   --project SLUG --question KEY [--suppress-below N] --format csv: the question's frequencies,
          each case file once (its consensus registration, or its only finished one; drafts never
          count), with the header
          option,label,count,percent (label in Bokmål; ':' where suppressed, below 3 by default).
  agreement --project SLUG [--question KEY] --format csv: agreement between the coders per question,
          over the files whose coding is finished (blind coding), with the header
          question,coders,units,statistic,value (cohen_kappa, fleiss_kappa, krippendorff_alpha_nominal,
          percent_agreement; an empty value where it is undefined).
  form    FILE [--key KEY] [--dry-run]: a registration form as a new version — Sirkel's own YAML (see
          data/forms/study-2023.yaml; its `version` must be the next one) or an XLSForm (.xlsx, .xls,
          .csv, .md; read with pyxform, numbered as the next version). Checked whole; prints the
          version registered, or with --dry-run the form's YAML on standard output and writes nothing.
  export  --project SLUG --format csv|sav|dta --output DIR [--key-file PATH]: the registrations
          de-identified under DIR (one table per repeat block, a codebook, a residual-risk report): keyed
          pseudonyms for the case files (the key read from PATH, created with a new random key when it
          does not exist; default var/research-keys/SLUG.key), dates to the month, municipalities as size
          bands, free text scrubbed of every name Sirkel knows for a linked case, ID numbers, phones,
          e-mails and addresses. Every file is read back and the export removed if any replaced value is
          found in it (exit 1). Progress on standard error; the files written on standard output.
"""

SUBCOMMANDS = {
    "grant": "Grant a project access to a service's case files.",
    "import": "Import registrations from a JSON file.",
    "table": "A question's frequency table, as CSV.",
    "agreement": "Agreement between the coders, as CSV.",
    "export": "The registrations de-identified, as CSV, SPSS or Stata files.",
    "form": "Register a form (YAML or XLSForm) as a new version.",
}
MAX_IMPORT_BYTES = 64 * 1024 * 1024


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError("give a date as YYYY-MM-DD") from None


def _non_negative(value: str) -> int:
    if not value.isdecimal() or len(value) > 6:
        raise argparse.ArgumentTypeError("give a whole number, 0 or more")
    return int(value)


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
        # The command speaks English throughout, also in the messages it shares with the pages.
        with translation.override("en"):
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

    # --- import, table, agreement ------------------------------------------------------------------------

    def args_import(self, p: argparse.ArgumentParser) -> None:
        p.add_argument("--project", required=True, metavar="SLUG")
        p.add_argument("--form", required=True, metavar="KEY", help="The registration form, e.g. study-2023.")
        p.add_argument("file", type=Path, metavar="FILE.json")

    def do_import(self, **o: Any) -> None:
        path: Path = o["file"]
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_IMPORT_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}. Nothing was imported.") from exc
        if len(data) > MAX_IMPORT_BYTES:
            raise CommandError(f"{path} is larger than 64 MiB. Nothing was imported.")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path} is not UTF-8 text. Nothing was imported.") from exc
        self.stderr.write(f"Checking {path} …")
        try:
            outcome = services.import_registrations(project_slug=o["project"], form_key=o["form"], text=text)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages) + " Nothing was imported.") from exc
        if outcome.problems:
            for problem in outcome.problems:
                self.stderr.write(problem)
            raise CommandError(f"Nothing was imported: {len(outcome.problems)} problem(s) in {path}.")
        created = " (a new project)" if outcome.created_project else ""
        self.stdout.write(
            f"Imported {outcome.registrations} registrations into {outcome.project.slug}{created}; "
            f"{outcome.linked} linked to Sirkel cases."
        )

    # --- form ---------------------------------------------------------------------------------------

    def args_form(self, p: argparse.ArgumentParser) -> None:
        p.add_argument("file", type=Path, metavar="FILE", help="A form as YAML, or an XLSForm workbook.")
        p.add_argument("--key", metavar="KEY", help="The form's key (default: the file's own).")
        p.add_argument("--dry-run", action="store_true", help="Print the form's YAML; register nothing.")

    def do_form(self, **o: Any) -> None:
        path: Path = o["file"]
        if not path.is_file():
            raise CommandError(f"There is no file {path}. Nothing was registered.")
        try:
            if path.suffix.lower() in XLSFORM_SUFFIXES:
                survey = xlsform.read_survey(path)
                key = xlsform.survey_key(survey, key=o["key"])
                version = services.next_form_version(key=key)
                text, form = xlsform.survey_to_yaml(survey, key=key, version=version, source=path.name)
            else:
                text = path.read_text(encoding="utf-8-sig")
                form = load_form(text)
        except (FormError, UnicodeDecodeError, OSError) as exc:
            raise CommandError(f"{path}: {exc} Nothing was registered.") from exc
        if o["dry_run"]:
            self.stdout.write(text, ending="")
            return
        try:
            registered = services.register_form(text=text, key=o["key"] or form.key)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages) + " Nothing was registered.") from exc
        v = registered.version
        if registered.created:
            self.stdout.write(
                f"Registered the form {v.key} version {v.version} ({registered.questions} questions)."
            )
        else:
            self.stdout.write(
                f"The form {v.key} version {v.version} is this text already; nothing registered."
            )

    def _project(self, slug: str) -> Project:
        project = Project.objects.filter(slug=slug).select_related("form_version").first()
        if project is None:
            raise CommandError(f"There is no project {slug!r}.")
        return project

    def _audit_read(self, project: Project, what: str, **detail: Any) -> None:
        with transaction.atomic():
            record_event(
                actor=None,
                service=None,
                action=AuditAction.VIEW,
                object_type=what,
                object_id=project.pk,
                detail={"via": "command", **detail},
            )

    def args_table(self, p: argparse.ArgumentParser) -> None:
        p.add_argument("--project", required=True, metavar="SLUG")
        p.add_argument("--question", required=True, metavar="KEY")
        p.add_argument("--suppress-below", type=_non_negative, default=MIN_CELL, metavar="N")
        p.add_argument("--format", choices=("csv",), default="csv")

    def do_table(self, **o: Any) -> None:
        project = self._project(o["project"])
        try:
            table = analysis.project_table(
                project,
                analysis.project_form(project),
                question=o["question"],
                suppress_below=o["suppress_below"],
            )
        except KeyError as exc:
            raise CommandError(f"There is no question {o['question']!r} in the project's form.") from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if table.left_out:
            self.stderr.write(
                f"{table.left_out} case files with several registrations and no consensus are left out."
            )
        self._audit_read(
            project, "research_table", question=table.question, suppress_below=o["suppress_below"]
        )
        self.stdout.write(analysis.csv_text(analysis.TABLE_HEADER, table.csv_records()), ending="")

    def args_agreement(self, p: argparse.ArgumentParser) -> None:
        p.add_argument("--project", required=True, metavar="SLUG")
        p.add_argument("--question", metavar="KEY")
        p.add_argument("--format", choices=("csv",), default="csv")

    def do_agreement(self, **o: Any) -> None:
        project = self._project(o["project"])
        try:
            rows = analysis.project_agreement_rows(
                project, analysis.project_form(project), question=o["question"]
            )
        except KeyError as exc:
            raise CommandError(f"There is no question {o['question']!r} in the project's form.") from exc
        self._audit_read(project, "research_agreement", question=o["question"] or "")
        records = (row.csv_record() for row in rows)
        self.stdout.write(analysis.csv_text(analysis.AGREEMENT_HEADER, records), ending="")

    def args_export(self, p: argparse.ArgumentParser) -> None:
        p.add_argument("--project", required=True, metavar="SLUG")
        p.add_argument("--format", required=True, choices=("csv", "sav", "dta"))
        p.add_argument("--output", required=True, type=Path, metavar="DIR")
        p.add_argument("--key-file", type=Path, metavar="PATH")

    def do_export(self, **o: Any) -> None:
        project = self._project(o["project"])
        key_file: Path = o["key_file"] or project_export.default_key_file(project)
        try:
            key, created = project_export.read_or_create_key(key_file)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot use the key file {key_file}: {exc}. Nothing was exported.") from exc
        if created:
            self.stderr.write(
                f"A new pseudonymisation key was written to {key_file}: keep it apart from the export."
            )
        last = [-1]

        def progress(done: int, total: int) -> None:
            percent = 100 * done // max(total, 1)
            if percent // 10 != last[0] // 10:
                self.stderr.write(f"{done} of {total} registrations ({percent} %)")
                last[0] = percent

        try:
            result = project_export.export_project(
                project=project, key=key, out_dir=o["output"], formats=(o["format"],), progress=progress
            )
        except ExportLeakError as exc:
            raise CommandError(f"{exc} Nothing was exported.") from exc
        except OSError as exc:
            raise CommandError(f"Cannot write to {o['output']}: {exc.strerror}.") from exc
        if result.risks:
            self.stderr.write(
                f"{result.risks} things for a person to review are listed in the residual-risk report."
            )
        for path in result.files:
            self.stdout.write(str(path))
