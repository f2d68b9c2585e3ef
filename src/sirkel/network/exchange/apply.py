"""Applying a checked import to a case: all people and ties in one transaction, one IMPORT event."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sirkel.accounts.models import User
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event
from sirkel.cases.access import case_access
from sirkel.cases.models import Case
from sirkel.cases.selectors import get_case_for_user
from sirkel.network.exchange.problems import ImportRejected, Problem, TableFile, row_message, shown
from sirkel.network.exchange.validation import ParsedNetwork, parse_csv_zip
from sirkel.network.models import NetworkMember, NetworkTie


@dataclass
class ImportResult:
    case: Case
    members: int = 0
    ties: int = 0
    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # what was kept, merged or left out, in words

    @property
    def ok(self) -> bool:
        return not self.problems


@transaction.atomic
def import_network(
    *, acting_user: User, case: Case, parsed: ParsedNetwork, sha256: str, via: str = "web"
) -> ImportResult:
    """Add the parsed people and ties to the case's network, all or nothing, with one IMPORT event.

    Every member is validated by the model as well (a second line behind the file checks), then all are
    written with one insert per table and audited by one event that lists the new ids. Row by row through
    `services.add_member` would take seconds for a large file while holding the audit chain's lock, which
    every other audited request in Sirkel waits for.
    """
    if not case_access(user=acting_user, case=case).can_edit:
        raise PermissionDenied
    members = [NetworkMember(case=case, **person.fields) for person in parsed.people]
    for person, member in zip(parsed.people, members, strict=True):
        try:
            # The case is known to exist; the check constraints are enforced by the database on insert.
            member.full_clean(exclude=["case"], validate_constraints=False)
        except ValidationError as exc:
            filename = person.file or parsed.people_file
            table = TableFile(label=_("people"), filename=filename)
            problem = row_message(table, person.row, " ".join(exc.messages))
            raise ImportRejected([Problem(problem, filename, person.row)]) from exc
    NetworkMember.objects.bulk_create(members)
    ties = []
    for parsed_tie in parsed.ties:
        low, high = sorted((members[parsed_tie.a], members[parsed_tie.b]), key=lambda m: m.pk)
        ties.append(NetworkTie(case=case, a=low, b=high, kind=parsed_tie.kind))
    NetworkTie.objects.bulk_create(ties)
    record_event(
        actor=acting_user,
        service=case.service_id,
        action=AuditAction.IMPORT,
        object_type="case",
        object_id=case.pk,
        detail={
            "part": "network",
            "format": "csv",
            "outcome": "imported",
            "members": len(members),
            "ties": len(ties),
            "member_ids": [m.pk for m in members],
            "tie_ids": [t.pk for t in ties],
            "sha256": sha256,
            "via": via,
            # What the file was, never what it held: the protocol and interview, the columns kept as notes.
            "source": "sirkel" if parsed.own_format else "network_canvas",
            **_interview_detail(parsed),
            "kept_columns": list(parsed.kept_columns),
        },
    )
    return ImportResult(case=case, members=len(members), ties=len(ties), notices=import_notices(parsed))


def _interview_detail(parsed: ParsedNetwork) -> dict[str, str]:
    interview = parsed.interview
    if interview is None:
        return {}
    return {k: v for k, v in (("protocol", interview.protocol), ("session", interview.session_id)) if v}


def import_notices(parsed: ParsedNetwork) -> list[str]:
    """What the import did beside adding people and ties, for the page and the command to show."""
    notices = []
    if parsed.interview and not parsed.own_format:
        notices.append(
            _("Read as a Network Canvas export of the protocol %(protocol)s, interview %(interview)s.")
            % {"protocol": shown(parsed.interview.protocol), "interview": parsed.interview.describe()}
        )
    if parsed.kept_columns:
        notices.append(
            _("Kept in each person's note, as “column: value”: %(columns)s.")
            % {"columns": ", ".join(shown(c) for c in parsed.kept_columns)}
        )
    if parsed.shortened_notes:
        notices.append(
            ngettext(
                "%(count)s note was too long and was shortened.",
                "%(count)s notes were too long and were shortened.",
                parsed.shortened_notes,
            )
            % {"count": parsed.shortened_notes}
        )
    if parsed.merged_ties:
        notices.append(
            ngettext(
                "%(count)s tie between two people already tied (in another edge type) was merged "
                "into that tie.",
                "%(count)s ties between two people already tied (in another edge type) were merged "
                "into those ties.",
                parsed.merged_ties,
            )
            % {"count": parsed.merged_ties}
        )
    if parsed.dropped_tie_columns:
        notices.append(
            _("Ties in Sirkel have no note: these columns of the ties were not imported: %(columns)s.")
            % {"columns": ", ".join(shown(c) for c in parsed.dropped_tie_columns)}
        )
    if parsed.skipped_files:
        notices.append(
            _("Not read (Sirkel imports the CSV files): %(files)s.")
            % {"files": ", ".join(parsed.skipped_files)}
        )
    return notices


def import_into_case(
    *, acting_user: User, case: Case, data: bytes, via: str = "web", interview: str = ""
) -> ImportResult:
    """Import a CSV zip into a case the caller has opened for editing (with `get_case_for_user`).

    The file is checked before any transaction starts; the writes and their audit event then take one
    short transaction. A rejected file leaves the network untouched and is itself recorded as an IMPORT
    event with the outcome "rejected" and the number of problems (never the file's content).
    """
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        parsed = parse_csv_zip(data, interview=interview)
        return import_network(acting_user=acting_user, case=case, parsed=parsed, sha256=sha256, via=via)
    except ImportRejected as exc:
        with transaction.atomic():
            record_event(
                actor=acting_user,
                service=case.service_id,
                action=AuditAction.IMPORT,
                object_type="case",
                object_id=case.pk,
                detail={
                    "part": "network",
                    "format": "csv",
                    "outcome": "rejected",
                    "problems": len(exc.problems),
                    "sha256": sha256,
                    "via": via,
                },
            )
        return ImportResult(case=case, problems=exc.problems)


def import_for_user(
    *, user: User, case_id: int, data: bytes, via: str = "web", interview: str = ""
) -> ImportResult:
    """Import for a user who may change the case; Http404 (and the file not even read) for anyone else."""
    with transaction.atomic():
        case, _access = get_case_for_user(user=user, case_id=case_id, require_edit=True, part="network")
    return import_into_case(acting_user=user, case=case, data=data, via=via, interview=interview)
