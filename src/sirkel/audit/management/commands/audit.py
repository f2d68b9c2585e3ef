"""`sirkel audit verify|anchor|export`: check the audit chains, anchor their heads outside the database, and
export one service's trail."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from sirkel.accounts.models import Service
from sirkel.audit.models import GLOBAL_CHAIN, AuditAction
from sirkel.audit.services import record_event
from sirkel.audit.verification import (
    VerifyResult,
    chain_name,
    check_anchors,
    export_lines,
    make_anchor,
    verify_chain,
    verify_export,
)


@contextmanager
def private_file(path: str, *, append: bool) -> Iterator[TextIO]:
    """A file only its owner may read (created so; an existing file keeps its mode)."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
    with os.fdopen(os.open(path, flags, 0o600), "w", encoding="utf-8") as handle:
        yield handle


class Command(BaseCommand):
    help = (
        "Audit trail tools. `verify` exits 0 when every chain (or --service's) is intact, and with --anchor "
        "FILE when every anchored event is still there; otherwise 1, naming each broken chain and event. "
        "`verify --file FILE` verifies an exported trail alone. `anchor` writes every chain's head with a "
        "timestamp as one signed JSON line, to stdout or appended to --output FILE, to keep outside the "
        "database. `export --service NAME` writes one service's trail as JSON lines."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "anchor", "export"])
        parser.add_argument("--service", help="a service's name or id, or 'global' for events of no service")
        parser.add_argument(
            "--anchor", help="verify: an anchor file written earlier by `sirkel audit anchor`"
        )
        parser.add_argument("--file", help="verify: an exported trail to verify instead of the database")
        parser.add_argument("--output", help="anchor (appended) or export: a file instead of stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "verify":
            self.verify(options)
        elif action == "anchor":
            line = json.dumps(make_anchor(), sort_keys=True)
            self.write(options["output"], [line], append=True)
        else:
            self.export(options)

    def chain(self, name: str | None) -> int | None:
        if name is None:
            return None
        if name == "global":
            return GLOBAL_CHAIN
        found = Service.objects.filter(pk=int(name)) if name.isdigit() else Service.objects.filter(name=name)
        service_id = found.values_list("pk", flat=True).first()
        if service_id is None:
            raise CommandError(f"No service is named {name!r}.")
        return service_id

    def verify(self, options: dict[str, Any]) -> None:
        if options["file"]:
            with Path(options["file"]).open(encoding="utf-8") as lines:
                result = verify_export(lines=lines)
            self.report(result, what=f"Exported trail {options['file']}")
            return
        chain = self.chain(options["service"])
        result = verify_chain(chain=chain)
        self.report(result, what="Audit chains" if chain is None else f"Audit chain {chain_name(chain)}")
        if options["anchor"]:
            with Path(options["anchor"]).open(encoding="utf-8") as lines:
                anchored = check_anchors(lines=lines)
            for note in anchored.notes:
                self.stdout.write(f"  {note}")
            if not anchored.ok:
                raise CommandError(
                    "The database does not match the anchor:\n"
                    + "\n".join(f"  {p}" for p in anchored.problems)
                )
            self.stdout.write(
                f"Anchor: {anchored.checked} anchor(s) checked, every anchored event is present."
            )

    def report(self, result: VerifyResult, *, what: str) -> None:
        if not result.ok:
            raise CommandError(
                f"{what} broken ({result.checked} events before the breaks are intact):\n"
                + "\n".join(f"  {problem}" for problem in result.problems)
            )
        self.stdout.write(f"{what} intact: {result.checked} events verified in {result.chains} chain(s).")

    def export(self, options: dict[str, Any]) -> None:
        chain = self.chain(options["service"])
        if chain is None:
            raise CommandError("export needs --service NAME (one service's trail).")
        with transaction.atomic():
            count = self.write(options["output"], export_lines(chain=chain), append=False)
            record_event(
                actor=None,
                service=chain or None,
                action=AuditAction.EXPORT,
                object_type="audit_trail",
                detail={"events": count},
            )
        if options["output"]:
            self.stdout.write(f"{count} events of chain {chain_name(chain)} written to {options['output']}.")

    def write(self, output: str | None, lines: Iterable[str], *, append: bool) -> int:
        count = 0
        if output:
            with private_file(output, append=append) as handle:
                for line in lines:
                    handle.write(line + "\n")
                    count += 1
        else:
            for line in lines:
                self.stdout.write(line)
                count += 1
        return count
