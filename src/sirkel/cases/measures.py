"""Writes to a case's measures (any kind): add, change the period, end. Validated, atomic, audited.

Network measures with a process (`meetings.Series`) are started through `meetings` (which calls
`add_measure` and then keeps the period in step with the process through `begin_period` / `end_period`,
inside its own audited writes).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sirkel.accounts.models import User
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event
from sirkel.cases.access import case_access
from sirkel.cases.models import Case, LegalBasis, Measure, MeasureStatus, Phase
from sirkel.core.versioning import update_versioned
from sirkel.taxonomy import measures as measure_taxonomy


def _audit(*, user: User, measure: Measure, action: str, **detail: object) -> None:
    record_event(
        actor=user,
        service=measure.case.service_id,
        action=action,
        object_type="measure",
        object_id=measure.pk,
        detail={"case": measure.case_id, **detail},
    )


@transaction.atomic
def add_measure(
    *,
    acting_user: User,
    case: Case,
    kind: str,
    legal_basis: str = LegalBasis.VOLUNTARY,
    started_on: date | None = None,
    note: str = "",
) -> Measure:
    """Register a measure on the case: planned, or ongoing from `started_on`."""
    if not case_access(user=acting_user, case=case).can_edit:
        raise PermissionDenied
    if case.phase == Phase.CLOSED:
        raise ValidationError(_("The case is closed: no new measures can be started."))
    if kind not in measure_taxonomy.kind_keys():
        raise ValidationError({"kind": _("Choose a measure.")})
    if legal_basis not in LegalBasis.values:
        raise ValidationError({"legal_basis": _("Choose the legal basis.")})
    measure = Measure(
        case=case,
        kind=kind,
        legal_basis=legal_basis,
        started_on=started_on,
        status=MeasureStatus.ONGOING if started_on else MeasureStatus.PLANNED,
        note=note.strip(),
        created_by=acting_user,
    )
    measure.full_clean()
    measure.save()
    _audit(user=acting_user, measure=measure, action=AuditAction.CREATE, kind=kind, legal_basis=legal_basis)
    return measure


def begin_period(*, measure: Measure, on: date) -> None:
    """The measure is under way from `on` (kept as it was if it had started already). For the process
    apps, inside their own audited write."""
    measure.started_on = measure.started_on or on
    measure.ended_on = None
    measure.end_reason = ""
    measure.status = MeasureStatus.ONGOING
    measure.version += 1
    measure.save(update_fields=["started_on", "ended_on", "end_reason", "status", "version", "updated_at"])


def end_period(*, measure: Measure, on: date, reason: str) -> None:
    """The measure ended on `on` with `reason`. For the process apps, inside their own audited write."""
    if measure.started_on and on < measure.started_on:
        raise ValidationError({"ended_on": _("The end date cannot be before the measure started.")})
    measure.ended_on = on
    measure.end_reason = reason
    measure.status = MeasureStatus.ENDED
    measure.version += 1
    measure.save(update_fields=["ended_on", "end_reason", "status", "version", "updated_at"])


@transaction.atomic
def update_measure(
    *,
    acting_user: User,
    measure: Measure,
    expected_version: int,
    legal_basis: str,
    note: str,
    started_on: date | None = None,
    ended_on: date | None = None,
    end_reason: str = "",
    period_from_process: bool = False,
) -> Measure:
    """Change a measure's legal basis and note, and, unless a process keeps it (`period_from_process`:
    a network measure's series starts and ends it), its period: a start date makes it ongoing, an end
    date with the reason ends it.

    `expected_version` is the measure version the form was opened at: if someone saved in between,
    ConflictError and nothing is written."""
    stored = Measure.objects.select_for_update().select_related("case").get(pk=measure.pk)
    if not case_access(user=acting_user, case=stored.case).can_edit:
        raise PermissionDenied
    if legal_basis not in LegalBasis.values:
        raise ValidationError({"legal_basis": _("Choose the legal basis.")})
    changed = [
        f for f, v in (("legal_basis", legal_basis), ("note", note.strip())) if getattr(stored, f) != v
    ]
    fields = ["legal_basis", "note"]
    stored.legal_basis = legal_basis
    stored.note = note.strip()
    if not period_from_process:
        end_reason = end_reason.strip()
        if ended_on and not started_on:
            raise ValidationError({"started_on": _("A measure that has ended must have a start date.")})
        if ended_on and not end_reason:
            raise ValidationError({"end_reason": _("Write why the measure ended.")})
        if started_on and ended_on and ended_on < started_on:
            raise ValidationError({"ended_on": _("The end date cannot be before the measure started.")})
        for f, v in (("started_on", started_on), ("ended_on", ended_on), ("end_reason", end_reason)):
            if getattr(stored, f) != v:
                changed.append(f)
                setattr(stored, f, v)
        if ended_on:
            stored.status = MeasureStatus.ENDED
        elif started_on:
            stored.status = MeasureStatus.ONGOING
        else:
            stored.status = MeasureStatus.PLANNED
        fields += ["started_on", "ended_on", "end_reason", "status"]
    stored.full_clean(exclude=["case", "created_by", "version"])
    update_versioned(stored, expected_version=expected_version, fields=fields)
    _audit(user=acting_user, measure=stored, action=AuditAction.UPDATE, fields=sorted(changed))
    return stored
