"""Export of a case's network as a file (CSV zip or GraphML), audited with one EXPORT event."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from sirkel.accounts.models import User
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event
from sirkel.cases.access import Basis
from sirkel.cases.models import Case
from sirkel.cases.selectors import get_case_for_user
from sirkel.network.exchange.csv_writer import csv_zip
from sirkel.network.exchange.graphml import graphml_bytes
from sirkel.network.exchange.schema import FORMATS, ExportFormat
from sirkel.network.exchange.tables import network_tables
from sirkel.network.selectors import network_for_case, snapshots_for_case


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    content: bytes
    members: int
    ties: int


def parse_format(value: str) -> ExportFormat | None:
    """The export format named in a request or on the command line, or None if there is no such format."""
    if value == "csv":
        return "csv"
    if value == "graphml":
        return "graphml"
    return None


def export_network(
    *, acting_user: User, case: Case, fmt: ExportFormat, via: str = "web", basis: str = ""
) -> ExportFile:
    """The case's network as a file, with the EXPORT event (format, counts, checksum).

    The caller has opened the case with `get_case_for_user`. The file is built outside a transaction, so
    the audit chain (which every audited request locks) is held only for the moment the event is written.
    """
    network = network_for_case(case=case)
    exported_at = timezone.now()
    latest = snapshots_for_case(case=case).first()
    tables = network_tables(
        case=case, members=network.members, ties=network.ties, exported_at=exported_at, since=latest
    )
    if fmt == "csv":
        content = csv_zip(case=case, tables=tables, exported_at=exported_at)
        filename, content_type = f"sirkel_{case.reference}_network_csv.zip", "application/zip"
    else:
        content = graphml_bytes(tables)
        filename, content_type = f"sirkel_{case.reference}_network.graphml", "application/graphml+xml"
    with transaction.atomic():
        record_event(
            actor=acting_user,
            service=case.service_id,
            action=AuditAction.EXPORT,
            object_type="case",
            object_id=case.pk,
            detail={
                "part": "network",
                "format": fmt,
                "members": len(tables.people),
                "ties": len(tables.ties),
                "sha256": hashlib.sha256(content).hexdigest(),
                "via": via,
                **({"basis": basis} if basis else {}),
            },
        )
    return ExportFile(
        filename=filename,
        content_type=content_type,
        content=content,
        members=len(tables.people),
        ties=len(tables.ties),
    )


def export_for_user(*, user: User, case_id: int, fmt: ExportFormat, via: str = "web") -> ExportFile:
    """Export for a user who may see the case; Http404 (and no file) for anyone else."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    with transaction.atomic():
        case, access = get_case_for_user(user=user, case_id=case_id, part="network")
        if access.basis == Basis.RESEARCH_GRANT:
            raise Http404  # a researcher reads a granted case file in Sirkel, and takes no copy of it
    return export_network(
        acting_user=user, case=case, fmt=fmt, via=via, basis="break_glass" if access.via_break_glass else ""
    )
