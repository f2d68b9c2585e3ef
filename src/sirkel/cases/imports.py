"""Importing a service's measure history from its case system: a CSV of decided measures, checked whole.

`sirkel import measures`, the import page and `POST /api/v1/imports/measures` all come here. The file is
read and checked completely first (`read_file`, `check_records`); any bad row is reported with its line
and nothing is written. The write (`import_rows`) is one transaction of bulk statements and one audit
event, so 100,000 rows take seconds, not the minutes one service call per row would. Importing the same
file again creates and changes nothing: cases are matched by their reference in the source system
(`Case.external_ref`), decisions by case and date, measures by decision, kind and SSB code.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sirkel.accounts.models import Role, Service, User
from sirkel.accounts.selectors import role_in_service, roles_by_service
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event
from sirkel.cases.access import EDITING_ROLES
from sirkel.cases.models import (
    Birthplace,
    Case,
    DecidedMeasure,
    Decision,
    DecisionChange,
    DecisionSource,
    ImportJob,
    ImportStatus,
    LegalBasis,
    Measure,
    MeasureStatus,
    Phase,
    Sex,
)
from sirkel.cases.services import next_case_number
from sirkel.taxonomy import measures as measure_taxonomy

logger = logging.getLogger(__name__)

COLUMNS = (
    "case_ref",
    "given_name",
    "family_name",
    "birth_date",
    "sex",
    "decision_date",
    "measure",
    "start_date",
    "end_date",
    "legal_basis",
)
MAX_BYTES = 32 * 1024 * 1024
MAX_ROWS = 200_000
EARLIEST = date(1950, 1, 1)
START_AHEAD_DAYS = 366  # a decided measure may start up to a year from today (then it is planned)
END_AHEAD_DAYS = 3653  # an end date at most ten years ahead (a decision's longest period is 120 months)
IMPORTING_ROLES = {Role.LEADER.value, Role.ADMINISTRATOR.value}
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
BATCH = 2000  # rows per INSERT: within SQLite's limit on variables for every model written here


def ended_reason() -> str:
    """The end reason of an imported measure that has ended, in the service's language (whatever the
    language of the request or command that imports it)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Ended (imported).")


# --- Who may ------------------------------------------------------------------------------------------


def may_import(*, user: User, service_id: int) -> bool:
    """Leaders and administrators of the service, and superusers, may import into it."""
    if not user.is_active:
        return False
    return user.is_superuser or role_in_service(user=user, service_id=service_id) in IMPORTING_ROLES


def importable_services(*, user: User) -> list[Service]:
    if not user.is_active:
        return []
    if user.is_superuser:
        return list(Service.objects.order_by("name"))
    ids = [sid for sid, role in roles_by_service(user=user).items() if role in IMPORTING_ROLES]
    return list(Service.objects.filter(pk__in=ids).order_by("name"))


def caseworkers_of(*, service: Service) -> list[User]:
    """Who may be the responsible caseworker of imported cases: active staff with an editing role."""
    return list(
        User.objects.filter(
            is_active=True, memberships__service=service, memberships__role__in=EDITING_ROLES
        ).order_by("first_name", "last_name", "username")
    )


def check_caseworker(*, service: Service, caseworker: User) -> None:
    role = role_in_service(user=caseworker, service_id=service.pk)
    if not caseworker.is_active or role not in EDITING_ROLES:
        raise ValidationError(
            {
                "caseworker": _(
                    "%(name)s cannot be responsible for the cases: choose an active caseworker, "
                    "consultant or leader of %(service)s."
                )
                % {"name": caseworker.get_username(), "service": service.name}
            }
        )


# --- Reading and checking the file ----------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """A problem with the file: its line (the header is line 1), the column ("" for the whole row)."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("Line %(line)s, %(column)s: %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


Record = tuple[int, list[str]]  # a row of the file as read: its line and its ten values


@dataclass(frozen=True)
class ImportRow:
    line: int
    case_ref: str
    given_name: str
    family_name: str
    birth_date: date
    sex: str
    decision_date: date
    measure: str  # as written in the file
    kind: str
    code: str
    start_date: date
    end_date: date | None
    legal_basis: str


@dataclass
class CheckedFile:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_file(data: bytes | str) -> tuple[list[Record], list[RowError]]:
    """The file's rows as text (UTF-8, with or without BOM; comma-separated; the header checked)."""
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            limit = MAX_BYTES // (1024 * 1024)
            return [], [RowError(1, "", _("The file is larger than %(mb)s MB.") % {"mb": limit})]
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            message = _("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")
            return [], [RowError(line, "", message)]
    else:
        text = data.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[Record] = []
    errors: list[RowError] = []
    try:
        header = next(reader, None)
        if header is None:
            return [], [RowError(1, "", _("The file is empty."))]
        names = [name.strip() for name in header]
        if tuple(names) != COLUMNS:
            message = _("The first line must name exactly these columns, in this order: %(columns)s.") % {
                "columns": ",".join(COLUMNS)
            }
            return [], [RowError(1, "", message)]
        for values in reader:
            line = len(records) + len(errors) + 2
            if not values or all(not v.strip() for v in values):
                records.append((line, []))  # blank lines keep the numbering; skipped below
                continue
            if len(values) != len(COLUMNS):
                message = _("Expected %(expected)s columns, found %(found)s.") % {
                    "expected": len(COLUMNS),
                    "found": len(values),
                }
                errors.append(RowError(line, "", message))
                continue
            records.append((line, [v.strip() for v in values]))
            if len(records) > MAX_ROWS:
                message = _("The file has more than %(rows)s rows: split it.") % {"rows": f"{MAX_ROWS:,}"}
                return [], [RowError(line, "", message)]
    except csv.Error as exc:
        line = len(records) + len(errors) + 2
        errors.append(RowError(line, "", _("The line cannot be read as CSV (%(error)s).") % {"error": exc}))
    records = [r for r in records if r[1]]
    if not records and not errors:
        errors.append(RowError(2, "", _("The file has no rows after the header.")))
    return records, errors


def _date(text: str, line: int, column: str, errors: list[RowError], *, required: bool = True) -> date | None:
    if not text:
        if required:
            errors.append(RowError(line, column, _("This column is required.")))
        return None
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError
        day = date.fromisoformat(text)
    except ValueError:
        errors.append(
            RowError(
                line,
                column,
                _("“%(value)s” is not a date that exists; write dates as YYYY-MM-DD, e.g. 2024-03-01.")
                % {"value": text},
            )
        )
        return None
    if day < EARLIEST:
        errors.append(RowError(line, column, _("The date is before %(year)s.") % {"year": EARLIEST.year}))
        return None
    return day


def _error_order(error: RowError) -> tuple[int, int]:
    return error.line, COLUMNS.index(error.column) if error.column in COLUMNS else -1


@dataclass
class _Seen:
    """What the first row of a case, or of a decision, said: the rows after it must agree."""

    line: int
    values: tuple[Any, ...]


def check_records(records: Sequence[Record], *, today: date | None = None) -> CheckedFile:
    """Every row checked on its own and against the rows of the same case and decision."""
    today = today or timezone.localdate()
    checked = CheckedFile(records=list(records))
    errors = checked.errors
    kinds: dict[str, tuple[str, str] | None] = {}
    sexes = set(Sex.values)
    bases = set(LegalBasis.values)
    children: dict[str, _Seen] = {}
    decisions: dict[tuple[str, date], _Seen] = {}
    measures: dict[tuple[str, date, str, str], int] = {}
    latest_start = today + timedelta(days=START_AHEAD_DAYS)
    latest_end = today + timedelta(days=END_AHEAD_DAYS)
    for line, values in records:
        before = len(errors)
        ref, given, family, birth_s, sex, decided_s, measure, start_s, end_s, basis = values
        for column, value, limit in (
            ("case_ref", ref, 64),
            ("given_name", given, 100),
            ("family_name", family, 100),
        ):
            if not value:
                errors.append(RowError(line, column, _("This column is required.")))
            elif len(value) > limit:
                message = _("At most %(limit)s characters.") % {"limit": limit}
                errors.append(RowError(line, column, message))
        birth = _date(birth_s, line, "birth_date", errors)
        decided = _date(decided_s, line, "decision_date", errors)
        start = _date(start_s, line, "start_date", errors)
        end = _date(end_s, line, "end_date", errors, required=False)
        if sex not in sexes:
            message = _("Write one of %(values)s.") % {"values": "girl, boy, other, unknown"}
            errors.append(RowError(line, "sex", message if sex else _("This column is required.")))
        if basis not in bases:
            message = _("Write voluntary or imposed.")
            errors.append(RowError(line, "legal_basis", message if basis else _("This column is required.")))
        if measure not in kinds:
            kinds[measure] = measure_taxonomy.kind_for(measure) if measure else None
        kind_code = kinds[measure]
        if not measure:
            errors.append(RowError(line, "measure", _("This column is required.")))
        elif kind_code is None:
            message = _(
                "“%(value)s” is not a measure Sirkel knows: write a measure key of the taxonomy "
                "(e.g. network_meeting) or an SSB code (e.g. 6.2)."
            ) % {"value": measure}
            errors.append(RowError(line, "measure", message))
        elif basis == LegalBasis.IMPOSED and not measure_taxonomy.is_imposable(kind_code[0]):
            message = _("“%(measure)s” cannot be imposed by the county board (§ 3-4).") % {
                "measure": measure_taxonomy.kind_label(kind_code[0])
            }
            errors.append(RowError(line, "measure", message))
        if decided and decided > today:
            errors.append(RowError(line, "decision_date", _("The decision cannot be in the future.")))
        if start and start > latest_start:
            errors.append(RowError(line, "start_date", _("The start is more than a year from today.")))
        if end and end > latest_end:
            errors.append(RowError(line, "end_date", _("The end is more than ten years from today.")))
        if start and end and end < start:
            errors.append(RowError(line, "end_date", _("The measure cannot end before it starts.")))
        if birth and start and birth > start:
            errors.append(RowError(line, "birth_date", _("The child is born after the measure starts.")))
        if birth and decided and birth > decided:
            errors.append(RowError(line, "birth_date", _("The child is born after the decision.")))
        if birth and birth > today:
            errors.append(RowError(line, "birth_date", _("The birth date is in the future.")))
        if not ref:
            continue
        child = children.setdefault(ref, _Seen(line, (given, family, birth_s, sex)))
        if child.values != (given, family, birth_s, sex):
            message = _(
                "The name, birth date or sex differs from line %(first)s of the same case_ref: one case "
                "is one child."
            ) % {"first": child.line}
            errors.append(RowError(line, "case_ref", message))
        if decided is None:
            continue
        decision = decisions.setdefault((ref, decided), _Seen(line, (basis,)))
        if decision.values != (basis,):
            message = _(
                "The legal basis differs from line %(first)s: rows with the same case and decision date "
                "are one decision, with one legal basis."
            ) % {"first": decision.line}
            errors.append(RowError(line, "legal_basis", message))
        if kind_code is not None:
            key = (ref, decided, *kind_code)
            first = measures.setdefault(key, line)
            if first != line:
                message = _("The measure is in this decision already, on line %(first)s.") % {"first": first}
                errors.append(RowError(line, "measure", message))
        if len(errors) == before and birth and decided and start and kind_code is not None:
            checked.rows.append(
                ImportRow(
                    line=line,
                    case_ref=ref,
                    given_name=given,
                    family_name=family,
                    birth_date=birth,
                    sex=sex,
                    decision_date=decided,
                    measure=measure,
                    kind=kind_code[0],
                    code=kind_code[1],
                    start_date=start,
                    end_date=end,
                    legal_basis=basis,
                )
            )
    errors.sort(key=_error_order)
    if errors:
        checked.rows = []
    return checked


def check_file(data: bytes | str, *, today: date | None = None) -> CheckedFile:
    records, errors = read_file(data)
    if not records:
        return CheckedFile(errors=errors)
    checked = check_records(records, today=today)
    if errors:  # rows that could not be read at all, besides those checked
        checked.errors = sorted([*errors, *checked.errors], key=_error_order)
        checked.rows = []
    return checked


def by_case(records: Iterable[Record]) -> list[Record]:
    """The records in the order of their cases' first rows, each case's rows together (for chunking)."""
    groups: dict[str, list[Record]] = {}
    for record in records:
        groups.setdefault(record[1][0], []).append(record)
    return [r for rows in groups.values() for r in rows]


# --- Writing ----------------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    rows: int = 0
    cases_created: int = 0
    cases_unchanged: int = 0
    decisions_created: int = 0
    decisions_unchanged: int = 0
    measures_created: int = 0
    measures_updated: int = 0
    measures_unchanged: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        return bool(
            self.cases_created or self.decisions_created or self.measures_created or self.measures_updated
        )

    def counts(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.type == "int"}

    def add(self, other: ImportResult) -> None:
        for name, value in other.counts().items():
            setattr(self, name, getattr(self, name) + value)


@dataclass(frozen=True)
class _Period:
    status: str
    planned_start: date
    started_on: date | None
    ended_on: date | None
    expected_end: date | None
    end_reason: str


def _period(row: ImportRow, *, today: date, reason: str) -> _Period:
    if row.start_date > today:
        return _Period(MeasureStatus.PLANNED, row.start_date, None, None, row.end_date, "")
    if row.end_date is None or row.end_date > today:
        return _Period(MeasureStatus.ONGOING, row.start_date, row.start_date, None, row.end_date, "")
    return _Period(MeasureStatus.ENDED, row.start_date, row.start_date, row.end_date, row.end_date, reason)


@dataclass(frozen=True)
class _Stored:
    """An imported measure as stored: its id, version and period."""

    pk: int
    version: int
    period: _Period


_PERIOD_FIELDS = ["status", "planned_start", "started_on", "ended_on", "expected_end", "end_reason"]


def _existing(
    *, service: Service, refs: set[str]
) -> tuple[
    dict[str, int], dict[tuple[int, date], tuple[int, str]], dict[tuple[int, str, str], _Stored], set[int]
]:
    """What an earlier import left: cases by reference, their imported decisions and measures, and the
    measures a decision recorded in Sirkel has changed since (the import leaves those alone)."""
    cases_qs = Case.objects.filter(service=service).exclude(external_ref="")
    if len(refs) <= BATCH:
        cases_qs = cases_qs.filter(external_ref__in=refs)
    cases = {ref: pk for ref, pk in cases_qs.values_list("external_ref", "pk") if ref in refs}
    decisions_qs = Decision.objects.filter(case__service=service, source=DecisionSource.IMPORTED)
    items_qs = DecidedMeasure.objects.filter(
        decision__case__service=service, decision__source=DecisionSource.IMPORTED, change=DecisionChange.START
    )
    if len(cases) <= BATCH:
        decisions_qs = decisions_qs.filter(case_id__in=list(cases.values()))
        items_qs = items_qs.filter(decision__case_id__in=list(cases.values()))
    if not cases:
        return cases, {}, {}, set()
    decisions = {
        (case_id, day): (pk, basis)
        for pk, case_id, day, basis in decisions_qs.values_list("pk", "case_id", "decided_on", "legal_basis")
    }
    measures: dict[tuple[int, str, str], _Stored] = {}
    columns = ["decision_id", "measure_id", "measure__kind", "measure__code", "measure__version"]
    for decision_id, measure_id, kind, code, version, *period in items_qs.values_list(
        *columns, *(f"measure__{f}" for f in _PERIOD_FIELDS)
    ):
        measures[(decision_id, kind, code)] = _Stored(measure_id, version, _Period(*period))
    recorded = DecidedMeasure.objects.filter(decision__source=DecisionSource.RECORDED)
    if len(measures) <= BATCH:
        recorded = recorded.filter(measure_id__in=[m.pk for m in measures.values()])
    else:
        recorded = recorded.filter(decision__case__service=service)
    changed_in_sirkel = set(recorded.values_list("measure_id", flat=True)) if measures else set()
    return cases, decisions, measures, changed_in_sirkel


def _check_access(*, acting_user: User, service: Service, caseworker: User, from_command_line: bool) -> None:
    if not from_command_line and not may_import(user=acting_user, service_id=service.pk):
        raise PermissionDenied
    check_caseworker(service=service, caseworker=caseworker)


def import_rows(
    *,
    acting_user: User,
    service: Service,
    caseworker: User,
    rows: Sequence[ImportRow],
    dry_run: bool = False,
    from_command_line: bool = False,
    audit: dict[str, Any] | None = None,
    today: date | None = None,
) -> ImportResult:
    """Import checked rows (whole cases) into `service`, or with `dry_run` only count what it would do.

    One transaction; nothing is written if any row conflicts with what an earlier import wrote (a
    decision imported before with another legal basis). `from_command_line`: run by the server's
    operator, so `acting_user` (who the work is recorded as) need not lead the service. `audit` adds to
    the one audit event (a job's id, a digest of the file); it never holds names."""
    _check_access(
        acting_user=acting_user, service=service, caseworker=caseworker, from_command_line=from_command_line
    )
    with transaction.atomic():
        result = _import(
            acting_user=acting_user,
            service=service,
            caseworker=caseworker,
            rows=rows,
            dry_run=dry_run,
            today=today or timezone.localdate(),
        )
        if result.ok and not dry_run:
            record_event(
                actor=acting_user,
                service=service,
                action=AuditAction.CREATE,
                object_type="import",
                detail={
                    "part": "measures",
                    "service": service.pk,
                    "caseworker": caseworker.pk,
                    **result.counts(),
                    **({"via": "cli"} if from_command_line else {}),
                    **(audit or {}),
                },
            )
        if not result.ok or dry_run:
            transaction.set_rollback(True)
    return result


def import_measures(
    *,
    acting_user: User,
    service: Service,
    caseworker: User,
    data: bytes | str,
    dry_run: bool = False,
    from_command_line: bool = False,
) -> ImportResult:
    """Check the whole file, then import it (see `import_rows`)."""
    _check_access(
        acting_user=acting_user, service=service, caseworker=caseworker, from_command_line=from_command_line
    )
    checked = check_file(data)
    if not checked.ok:
        return ImportResult(rows=len(checked.records), dry_run=dry_run, errors=checked.errors)
    raw = data.encode() if isinstance(data, str) else data
    return import_rows(
        acting_user=acting_user,
        service=service,
        caseworker=caseworker,
        rows=checked.rows,
        dry_run=dry_run,
        from_command_line=from_command_line,
        audit={"sha256": hashlib.sha256(raw).hexdigest()},
    )


def _import(
    *,
    acting_user: User,
    service: Service,
    caseworker: User,
    rows: Sequence[ImportRow],
    dry_run: bool,
    today: date,
) -> ImportResult:
    result = ImportResult(rows=len(rows), dry_run=dry_run)
    # Lock the service row (as taking its next case number does): two imports must not interleave.
    number = next_case_number(service=service)
    refs = {row.case_ref for row in rows}
    cases, decisions, measures, changed_in_sirkel = _existing(service=service, refs=refs)
    reason = ended_reason()
    periods = [_period(row, today=today, reason=reason) for row in rows]

    # Conflicts with what is stored, before anything is written.
    for row in rows:
        case_id = cases.get(row.case_ref)
        found = decisions.get((case_id, row.decision_date)) if case_id else None
        if found and found[1] != row.legal_basis:
            message = _(
                "The decision of %(date)s was imported before as %(basis)s, and a decision is never "
                "changed. Correct the legal basis in the file or in the case."
            ) % {"date": row.decision_date.isoformat(), "basis": found[1]}
            result.errors.append(RowError(row.line, "legal_basis", message))
    if result.errors:
        return result

    # Cases, numbered after the service's highest in the order of the file.
    first_rows: dict[str, ImportRow] = {}
    first_decision: dict[str, date] = {}
    open_cases: set[str] = set()
    for row, period in zip(rows, periods, strict=True):
        first_rows.setdefault(row.case_ref, row)
        if row.case_ref not in first_decision or row.decision_date < first_decision[row.case_ref]:
            first_decision[row.case_ref] = row.decision_date
        if period.status != MeasureStatus.ENDED:
            open_cases.add(row.case_ref)
    new_refs = [ref for ref in first_rows if ref not in cases]
    result.cases_created = len(new_refs)
    result.cases_unchanged = len(first_rows) - len(new_refs)
    if new_refs and not dry_run:
        d = _DateAdapter()
        ids = _insert(
            Case,
            [
                {
                    "service_id": service.pk,
                    "number": number + offset,
                    "child_given_name": first_rows[ref].given_name,
                    "child_family_name": first_rows[ref].family_name,
                    "birth_date": d(first_rows[ref].birth_date),
                    "sex": first_rows[ref].sex,
                    "birthplace": Birthplace.UNKNOWN.value,
                    "first_contact_date": d(first_decision[ref]),
                    "phase": (Phase.SUPPORT if ref in open_cases else Phase.CLOSED).value,
                    "caseworker_id": caseworker.pk,
                    "external_ref": ref,
                }
                for offset, ref in enumerate(new_refs)
            ],
        )
        cases.update(zip(new_refs, ids, strict=True))

    # Decisions: one per case and date.
    new_decisions: list[tuple[str, date]] = []
    decision_ids: dict[tuple[str, date], int] = {}
    for row in rows:
        key = (row.case_ref, row.decision_date)
        if key in decision_ids:
            continue
        case_id = cases.get(row.case_ref)
        found = decisions.get((case_id, row.decision_date)) if case_id else None
        if found:
            decision_ids[key] = found[0]
            result.decisions_unchanged += 1
        else:
            decision_ids[key] = 0  # 0: not created (yet, or at all in a dry run)
            new_decisions.append(key)
    result.decisions_created = len(new_decisions)
    if new_decisions and not dry_run:
        d = _DateAdapter()
        basis = {(r.case_ref, r.decision_date): r.legal_basis for r in rows}
        ids = _insert(
            Decision,
            [
                {
                    "case_id": cases[ref],
                    "decided_on": d(day),
                    "legal_basis": basis[(ref, day)],
                    "source": DecisionSource.IMPORTED.value,
                    "recorded_by_id": acting_user.pk,
                }
                for ref, day in new_decisions
            ],
        )
        decision_ids.update(zip(new_decisions, ids, strict=True))

    # Measures: one per decision and kind (and code); an imported one whose period changed is updated.
    new_measures: list[tuple[ImportRow, _Period, int]] = []
    updated: list[Measure] = []
    for row, period in zip(rows, periods, strict=True):
        decision_id = decision_ids[(row.case_ref, row.decision_date)]
        measure = measures.get((decision_id, row.kind, row.code)) if decision_id else None
        if measure is not None:
            if measure.pk in changed_in_sirkel or measure.period == period:
                result.measures_unchanged += 1
                continue
            updated.append(
                Measure(
                    pk=measure.pk,
                    version=measure.version + 1,
                    updated_at=timezone.now(),
                    **{name: getattr(period, name) for name in _PERIOD_FIELDS},
                )
            )
            continue
        new_measures.append((row, period, decision_id))
    result.measures_created = len(new_measures)
    result.measures_updated = len(updated)
    if dry_run:
        return result
    if new_measures:
        d = _DateAdapter()
        ids = _insert(
            Measure,
            [
                {
                    "case_id": cases[row.case_ref],
                    "kind": row.kind,
                    "code": row.code,
                    "legal_basis": row.legal_basis,
                    "created_by_id": acting_user.pk,
                    "status": str(period.status),
                    "planned_start": d(period.planned_start),
                    "started_on": d(period.started_on),
                    "ended_on": d(period.ended_on),
                    "expected_end": d(period.expected_end),
                    "end_reason": period.end_reason,
                }
                for row, period, _decision in new_measures
            ],
        )
        _insert(
            DecidedMeasure,
            [
                {
                    "decision_id": decision_id,
                    "measure_id": measure_id,
                    "change": DecisionChange.START.value,
                    "planned_start": d(row.start_date),
                }
                for (row, _period_, decision_id), measure_id in zip(new_measures, ids, strict=True)
            ],
            returning=False,
        )
    if updated:
        Measure.objects.bulk_update(updated, [*_PERIOD_FIELDS, "version", "updated_at"], batch_size=500)
    return result


class _DateAdapter:
    """A date (or None) as the database takes it, cached: a file has few distinct dates."""

    def __init__(self) -> None:
        self._cache: dict[date, Any] = {}
        self._adapt = connection.ops.adapt_datefield_value

    def __call__(self, day: date | None) -> Any:
        if day is None:
            return None
        found = self._cache.get(day)
        if found is None:
            found = self._cache[day] = self._adapt(day)
        return found


def _insert(model: type[models.Model], rows: list[dict[str, Any]], *, returning: bool = True) -> list[int]:
    """Insert `rows` (values by attribute name, ready for the database) and return their ids in order.

    Django's `bulk_create` prepares every value of every row through its fields and query compiler: for
    100,000 measures that alone took most of a minute. Here a field left out takes its default, prepared
    once; auto_now fields get the time of the import. Multi-row `INSERT … RETURNING` returns the ids in
    the order of the rows on SQLite and PostgreSQL (as `bulk_create` relies on too)."""
    if not rows:
        return []
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    fields_ = [f for f in model._meta.concrete_fields if not f.primary_key]
    names = [f.attname for f in fields_]
    defaults: dict[str, Any] = {}
    for f in fields_:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        elif f.has_default():
            defaults[f.attname] = f.get_db_prep_save(f.get_default(), connection)
        else:
            defaults[f.attname] = None if f.null else ""
    unknown = set(rows[0]) - set(names)
    if unknown:
        raise ValueError(f"not fields of {model.__name__}: {sorted(unknown)}")
    columns = ", ".join(ops.quote_name(f.column) for f in fields_)
    one = "(" + ", ".join(["%s"] * len(fields_)) + ")"
    size = max(1, min(500, (connection.features.max_query_params or 65535) // len(fields_)))
    pk = model._meta.pk
    suffix = f" RETURNING {ops.quote_name(pk.column)}" if returning and pk is not None else ""
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            params = [row.get(name, defaults[name]) for row in batch for name in names]
            sql = f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({columns}) VALUES "  # noqa: S608
            cursor.execute(sql + ", ".join([one] * len(batch)) + suffix, params)
            if returning:
                ids.extend(r[0] for r in cursor.fetchall())
    return ids


# --- The page's import: a checked file kept as a job, imported by a background task a chunk at a time ----

CHUNK_ROWS = 2000  # rows a step imports (whole cases: a step may take a few more)
PREVIEW_ROWS = 20
KEEP_UNCONFIRMED = timedelta(days=1)


def may_import_somewhere(*, user: User) -> bool:
    return user.is_active and (
        user.is_superuser or any(role in IMPORTING_ROLES for role in roles_by_service(user=user).values())
    )


def get_job_for_user(*, user: User, job_id: int) -> ImportJob:
    """The job, for a leader or administrator of its service; 404 for anyone else."""
    job = ImportJob.objects.select_related("service", "caseworker").filter(pk=job_id).first()
    if job is None or not may_import(user=user, service_id=job.service_id):
        raise Http404
    return job


@transaction.atomic
def create_job(
    *, acting_user: User, service: Service, caseworker: User, filename: str, data: bytes
) -> tuple[ImportJob | None, CheckedFile, ImportResult]:
    """Check the file and what it would do (a dry run); if all is well, keep it as a job to confirm."""
    _check_access(acting_user=acting_user, service=service, caseworker=caseworker, from_command_line=False)
    # Unconfirmed uploads hold names and birth dates: they do not outlive a day.
    ImportJob.objects.filter(
        status=ImportStatus.READY, created_at__lt=timezone.now() - KEEP_UNCONFIRMED
    ).delete()
    checked = check_file(data)
    if not checked.ok:
        return None, checked, ImportResult(rows=len(checked.records), dry_run=True, errors=checked.errors)
    preview = import_rows(
        acting_user=acting_user, service=service, caseworker=caseworker, rows=checked.rows, dry_run=True
    )
    if not preview.ok:
        return None, checked, preview
    records = by_case(checked.records)
    job = ImportJob.objects.create(
        service=service,
        created_by=acting_user,
        caseworker=caseworker,
        filename=filename[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        records=[[line, values] for line, values in records],
        rows=len(records),
        total=len({values[0] for _line, values in records}),
        preview=preview.counts(),
        result=ImportResult().counts(),
    )
    return job, checked, preview


def preview_rows(job: ImportJob) -> list[ImportRow]:
    return check_records([(line, values) for line, values in job.records[:PREVIEW_ROWS]]).rows


def start_job(*, acting_user: User, job_id: int) -> ImportJob:
    """Confirm a checked job: it is queued, and the task that imports it enqueued, in one transaction (the
    job and its task exist together or not at all). Confirming a job again changes nothing; 404 for
    anyone who may not import into its service."""
    from sirkel.cases.tasks import run_import  # the task module imports this one

    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("service", "caseworker").get(pk=job_id)
        if not may_import(user=acting_user, service_id=job.service_id):
            raise Http404
        if job.status != ImportStatus.READY:
            return job
        job.status, job.confirmed_by = ImportStatus.QUEUED, acting_user
        job.task_id = str(run_import.enqueue(job.pk).id)
        job.save(update_fields=["status", "confirmed_by", "task_id", "updated_at"])
    return job


def run_job(*, job_id: int) -> ImportJob | None:
    """Import a confirmed job to its end, a chunk of cases at a time (the task worker calls this through
    `cases.tasks.run_import`). Each step commits its cases with its own audit event and writes the
    progress to the job, so the page sees it move (a write per chunk of `CHUNK_ROWS` rows, never per row).
    A job that is gone or not confirmed (a task run twice after the end) is left alone; one whose user
    may no longer import into the service stops (`failed`), keeping what was imported before."""
    job = ImportJob.objects.select_related("confirmed_by").filter(pk=job_id).first()
    if job is None or job.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING) or not job.confirmed_by:
        logger.warning("Import job %s is not waiting to run; nothing was done.", job_id)
        return job
    user = job.confirmed_by
    while job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        try:
            job = run_step(acting_user=user, job_id=job.pk)
        except (Http404, PermissionDenied, ValidationError):
            # The user may no longer import into the service, or the caseworker no longer be responsible.
            logger.warning("Import job %s stopped: its user or caseworker lost their role.", job_id)
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportStatus.FAILED, records=[], finished_at=timezone.now()
            )
            return ImportJob.objects.get(pk=job.pk)
    return job


def run_step(*, acting_user: User, job_id: int) -> ImportJob:
    """Import the confirmed job's next chunk of cases. Each step is its own transaction with its own audit
    event; a step run twice imports nothing twice, and a job not confirmed is not imported."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("service", "caseworker").get(pk=job_id)
        if not may_import(user=acting_user, service_id=job.service_id):
            raise Http404
        if job.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
            return job
        records: list[list[Any]] = job.records
        start = job.next_record
        end = min(start + CHUNK_ROWS, len(records))
        while 0 < end < len(records) and records[end][1][0] == records[end - 1][1][0]:
            end += 1  # a case's rows are never split between two steps
        checked = check_records([(line, values) for line, values in records[start:end]])
        result = (
            import_rows(
                acting_user=acting_user,
                service=job.service,
                caseworker=job.caseworker,
                rows=checked.rows,
                audit={"job": job.pk, "sha256": job.sha256, "records": [start, end]},
            )
            if checked.ok
            else ImportResult(errors=checked.errors)
        )
        if not result.ok:
            job.status = ImportStatus.FAILED
            job.errors = [[e.line, e.column, e.message] for e in result.errors]
        else:
            total = ImportResult(**job.result)
            total.add(result)
            job.result = total.counts()
            job.status = ImportStatus.RUNNING
            job.next_record = end
            job.done = min(job.total, job.done + len({values[0] for _line, values in records[start:end]}))
            if end >= len(records):
                job.status = ImportStatus.DONE
                job.done = job.total
        if job.status in (ImportStatus.DONE, ImportStatus.FAILED):
            job.records = []  # the cases hold the data now
            job.finished_at = timezone.now()
        job.save()
    return job
