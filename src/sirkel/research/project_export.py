"""A project's registrations exported de-identified (`research/export.py`), fed from the database.

For each registration linked to a Sirkel case, the people Sirkel knows for that case are handed to the
scrubber with their roles: the child ("barnet"), each network member (their relation, e.g. "mormor", or
"nettverksperson"), the responsible caseworker and the staff assigned ("saksbehandler"). The project's
pseudonymisation key is read from a key file, created with a new random key when it does not exist
(readable by its owner only); without the file the pseudonyms cannot be linked back to the case files.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Collection
from pathlib import Path

from django.conf import settings
from django.db import transaction

from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event
from sirkel.cases.models import CaseAssignment
from sirkel.network.models import NetworkMember
from sirkel.research.export import ExportFormat, ExportRegistration, ExportResult, export
from sirkel.research.models import Project
from sirkel.research.scrub import Person

KEY_BYTES = 32


def default_key_file(project: Project) -> Path:
    return Path(settings.VAR_DIR) / "research-keys" / f"{project.slug}.key"


def read_or_create_key(path: Path) -> tuple[bytes, bool]:
    """The key in `path` (hex), or a new random one written there (mode 0600); and whether it is new."""
    if path.exists():
        text = path.read_text(encoding="ascii").strip()
        key = bytes.fromhex(text)
        if len(key) < 16:
            raise ValueError(f"{path} holds no usable key (at least 16 bytes, as hex).")
        return key, False
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key.hex() + "\n")
    return key, True


def export_project(
    *,
    project: Project,
    key: bytes,
    out_dir: Path,
    formats: Collection[ExportFormat],
    progress: Callable[[int, int], None] | None = None,
    via: str = "command",
) -> ExportResult:
    form = project.form_version.form()
    registrations = list(project.registrations.select_related("linked_case__caseworker").order_by("id"))
    case_ids = {r.linked_case_id for r in registrations if r.linked_case_id}
    people: dict[int, list[Person]] = {case_id: [] for case_id in case_ids}
    for r in registrations:
        case = r.linked_case
        if case is not None and not people[case.pk]:
            people[case.pk].append(Person(f"{case.child_given_name} {case.child_family_name}", "barnet"))
            if case.caseworker is not None and case.caseworker.get_full_name():
                people[case.pk].append(Person(case.caseworker.get_full_name(), "saksbehandler"))
    for case_id, name, relation in NetworkMember.objects.filter(case_id__in=case_ids).values_list(
        "case_id", "name", "relation"
    ):
        people[case_id].append(Person(name, relation.strip().lower() or "nettverksperson"))
    for assignment in CaseAssignment.objects.filter(case_id__in=case_ids).select_related("user"):
        if assignment.user.get_full_name():
            people[assignment.case_id].append(Person(assignment.user.get_full_name(), "saksbehandler"))
    rows = [
        ExportRegistration(
            case_ref=r.case_ref,
            coder=r.coder,
            answers=r.answers,
            is_consensus=r.is_consensus,
            people=tuple(people.get(r.linked_case_id, ())) if r.linked_case_id else (),
            municipality_number=str(r.answers.get("municipality_number") or "") or None,
            service_population=_int(r.answers.get("service_population")),
        )
        for r in registrations
    ]
    result = export(
        form=form, registrations=rows, key=key, out_dir=out_dir, formats=formats, progress=progress
    )
    with transaction.atomic():
        record_event(
            actor=None,
            service=None,
            action=AuditAction.EXPORT,
            object_type="research_export",
            object_id=project.pk,
            detail={
                "via": via,
                "registrations": len(rows),
                "formats": sorted(formats),
                "files": len(result.files),
            },
        )
    return result


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
