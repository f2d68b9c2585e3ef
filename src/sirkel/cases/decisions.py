"""Recording a decision (*vedtak*): its reasons, the child's participation and the measures it decides.

A decision is written once and never changed. Measures change only through a later decision: it starts
new ones, extends running ones (a new expected end) or ends them. Validated, atomic, audited as one event.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sirkel.accounts.models import NON_STAFF_ROLES, User
from sirkel.accounts.selectors import role_in_service
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event
from sirkel.cases import composition
from sirkel.cases.access import case_access
from sirkel.cases.models import (
    Case,
    ChildAgreement,
    DecidedMeasure,
    Decision,
    DecisionChange,
    DecisionReason,
    DecisionSource,
    LegalBasis,
    Measure,
    MeasureStatus,
    Phase,
    ReasonGroup,
    YouthConsent,
)
from sirkel.taxonomy import measures as measure_taxonomy
from sirkel.taxonomy.choices import keys

YOUTH_PARTY_AGE = 15
"""From 15 a child is a party to the case and must consent to voluntary measures aimed at them."""

MAX_MONTHS = 120


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day where it is shorter: 31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class ReasonInput:
    group: str
    key: str
    text: str = ""


@dataclass(frozen=True)
class MeasureChange:
    """One line of a decision: start a new measure of `kind`, or extend or end `measure`."""

    change: str
    kind: str = ""
    measure: Measure | None = None
    planned_start: date | None = None
    expected_months: int | None = None
    ends_on: date | None = None


def _check_reasons(reasons: Sequence[ReasonInput]) -> list[DecisionReason]:
    if not reasons:
        raise ValidationError({"reasons": _("Choose at least one reason.")})
    rows: list[DecisionReason] = []
    seen: set[tuple[str, str]] = set()
    for reason in reasons:
        if reason.group not in ReasonGroup.values:
            raise ValidationError({"reasons": _("Choose reasons from the lists.")})
        if reason.key not in keys("reasons", reason.group):
            raise ValidationError({"reasons": _("Choose reasons from the lists.")})
        if (reason.group, reason.key) in seen:
            continue
        seen.add((reason.group, reason.key))
        text = reason.text.strip()
        if reason.key == "other" and not text:
            raise ValidationError({f"reasons_{reason.group}_other": _("Write the other reason.")})
        rows.append(
            DecisionReason(group=reason.group, key=reason.key, text=text if reason.key == "other" else "")
        )
    for group in ReasonGroup.values:
        in_group = [r for r in rows if r.group == group]
        if len(in_group) > 1 and any(r.key == "none" for r in in_group):
            raise ValidationError(
                {
                    f"reasons_{group}": _(
                        "“None” cannot be chosen together with other reasons in the same group."
                    )
                }
            )
    return rows


def _check_decider(*, case: Case, decided_by: User) -> None:
    role = role_in_service(user=decided_by, service_id=case.service_id)
    if not decided_by.is_active or role is None or role in NON_STAFF_ROLES:
        raise ValidationError({"decided_by": _("The decision must be made by someone in the service.")})


def _check_participation(
    *,
    case: Case,
    decided_on: date,
    legal_basis: str,
    child_agreed: str,
    child_weight: str,
    youth_consent: str,
    needs_consent: bool,
) -> str:
    if child_agreed and child_agreed not in ChildAgreement.values:
        raise ValidationError({"child_agreed": _("Choose an answer.")})
    if child_agreed == ChildAgreement.NOT_ASKED and not child_weight.strip():
        raise ValidationError({"child_weight": _("Write why the child was not asked.")})
    if youth_consent not in YouthConsent.values:
        raise ValidationError({"youth_consent": _("Choose an answer.")})
    if case.age_on(decided_on) < YOUTH_PARTY_AGE:
        return YouthConsent.NOT_APPLICABLE
    if legal_basis == LegalBasis.VOLUNTARY and needs_consent:
        if youth_consent == YouthConsent.REFUSED:
            raise ValidationError(
                {
                    "youth_consent": _(
                        "A youth from 15 must consent to voluntary measures aimed at them. Without "
                        "consent the measures cannot be decided as voluntary."
                    )
                }
            )
        if youth_consent not in (YouthConsent.ORAL, YouthConsent.WRITTEN):
            raise ValidationError(
                {
                    "youth_consent": _(
                        "The child is 15 or older: record whether they consented, orally or in writing."
                    )
                }
            )
    elif youth_consent == YouthConsent.NOT_APPLICABLE:
        return YouthConsent.NOT_APPLICABLE
    return youth_consent


def _check_changes(
    *, case: Case, decided_on: date, legal_basis: str, changes: Sequence[MeasureChange]
) -> None:
    if not changes:
        raise ValidationError({"measures": _("Add at least one measure to the decision.")})
    kinds: set[str] = set()
    measures: set[int] = set()
    run_by_process = composition.process_kinds()
    for change in changes:
        if change.expected_months is not None and not 1 <= change.expected_months <= MAX_MONTHS:
            raise ValidationError({"measures": _("The expected duration must be 1 to 120 months.")})
        if change.change == DecisionChange.START:
            if change.kind not in measure_taxonomy.kind_keys():
                raise ValidationError({"measures": _("Choose a measure.")})
            if change.kind in kinds:
                raise ValidationError({"measures": _("Each measure can appear only once in a decision.")})
            kinds.add(change.kind)
            if legal_basis == LegalBasis.IMPOSED and not measure_taxonomy.is_imposable(change.kind):
                raise ValidationError(
                    {
                        "measures": _("“%(measure)s” cannot be imposed by the county board (§ 3-4).")
                        % {"measure": measure_taxonomy.kind_label(change.kind)}
                    }
                )
            if change.planned_start and change.planned_start < case.birth_date:
                raise ValidationError({"measures": _("A measure cannot start before the child was born.")})
            # Its expected end is computed from the start: a start far off (a mistyped year) would overflow.
            if change.planned_start and change.planned_start > add_months(decided_on, MAX_MONTHS):
                raise ValidationError(
                    {"measures": _("A measure must start within ten years of the decision.")}
                )
            continue
        measure = change.measure
        if measure is None or measure.case_id != case.pk:
            raise ValidationError({"measures": _("Choose one of the case's measures.")})
        if measure.pk in measures:
            raise ValidationError({"measures": _("Each measure can appear only once in a decision.")})
        measures.add(measure.pk)
        if measure.status == MeasureStatus.ENDED:
            raise ValidationError(
                {"measures": _("A measure that has ended cannot be extended or ended again.")}
            )
        if change.change == DecisionChange.EXTEND:
            if not change.expected_months:
                raise ValidationError({"measures": _("Say how many months the measure is extended by.")})
        elif change.change == DecisionChange.END:
            if change.ends_on is None:
                raise ValidationError({"measures": _("Give the date the measure ends.")})
            if measure.started_on and change.ends_on < measure.started_on:
                raise ValidationError({"measures": _("The end date cannot be before the measure started.")})
            if measure.kind in run_by_process:
                raise ValidationError(
                    {
                        "measures": _(
                            "A network measure is ended on its own page, where its process is closed."
                        )
                    }
                )
        else:
            raise ValidationError({"measures": _("Choose what the decision does with the measure.")})


@transaction.atomic
def record_decision(
    *,
    acting_user: User,
    case: Case,
    decided_on: date,
    legal_basis: str,
    justification: str,
    reasons: Sequence[ReasonInput],
    changes: Sequence[MeasureChange],
    decided_by: User | None = None,
    child_told: str = "",
    child_said: str = "",
    child_agreed: str = "",
    child_weight: str = "",
    youth_consent: str = YouthConsent.NOT_APPLICABLE,
) -> Decision:
    """Record a decision on `case` and apply it to the case's measures."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case_access(user=acting_user, case=case).can_edit:
        raise PermissionDenied
    if case.phase == Phase.CLOSED:
        raise ValidationError(_("The case is closed: no new decisions can be recorded."))
    today = timezone.localdate()
    if decided_on > today:
        raise ValidationError({"decided_on": _("The date of the decision cannot be in the future.")})
    if decided_on < case.birth_date:
        raise ValidationError({"decided_on": _("The decision cannot be from before the child was born.")})
    if legal_basis not in LegalBasis.values:
        raise ValidationError({"legal_basis": _("Choose the legal basis.")})
    justification = justification.strip()
    if not justification:
        raise ValidationError({"justification": _("Write the justification for the decision.")})
    decided_by = decided_by or acting_user
    _check_decider(case=case, decided_by=decided_by)
    reason_rows = _check_reasons(reasons)
    # Lock and re-read the measures the decision changes, so two decisions cannot end one measure twice.
    locked = {
        m.pk: m
        for m in Measure.objects.select_for_update().filter(
            pk__in=[c.measure.pk for c in changes if c.measure is not None]
        )
    }
    changes = [replace(c, measure=locked.get(c.measure.pk)) if c.measure is not None else c for c in changes]
    _check_changes(case=case, decided_on=decided_on, legal_basis=legal_basis, changes=changes)
    consent = _check_participation(
        case=case,
        decided_on=decided_on,
        legal_basis=legal_basis,
        child_agreed=child_agreed,
        child_weight=child_weight,
        youth_consent=youth_consent,
        needs_consent=any(c.change != DecisionChange.END for c in changes),
    )
    decision = Decision.objects.create(
        case=case,
        decided_on=decided_on,
        decided_by=decided_by,
        legal_basis=legal_basis,
        justification=justification,
        child_told=child_told.strip(),
        child_said=child_said.strip(),
        child_agreed=child_agreed,
        child_weight=child_weight.strip(),
        youth_consent=consent,
        source=DecisionSource.RECORDED,
        recorded_by=acting_user,
    )
    for row in reason_rows:
        row.decision = decision
    DecisionReason.objects.bulk_create(reason_rows)
    run_by_process = composition.process_kinds()
    items: list[DecidedMeasure] = []
    started: list[int] = []
    for change in changes:
        items.append(
            _apply(case=case, decision=decision, change=change, today=today, run_by_process=run_by_process)
        )
        if change.change == DecisionChange.START:
            started.append(items[-1].measure_id)
    DecidedMeasure.objects.bulk_create(items)
    record_event(
        actor=acting_user,
        service=case.service_id,
        action=AuditAction.CREATE,
        object_type="decision",
        object_id=decision.pk,
        detail={
            "case": case.pk,
            "legal_basis": legal_basis,
            "measures": [{"measure": i.measure_id, "change": i.change} for i in items],
            "reasons": len(reason_rows),
        },
    )
    return decision


def _apply(
    *,
    case: Case,
    decision: Decision,
    change: MeasureChange,
    today: date,
    run_by_process: Mapping[str, object],
) -> DecidedMeasure:
    item = DecidedMeasure(
        decision=decision,
        change=change.change,
        planned_start=change.planned_start,
        expected_months=change.expected_months,
        ends_on=change.ends_on,
    )
    if change.change == DecisionChange.START:
        start = change.planned_start or decision.decided_on
        new = Measure(
            case=case,
            kind=change.kind,
            legal_basis=decision.legal_basis,
            planned_start=start,
            expected_end=add_months(start, change.expected_months) if change.expected_months else None,
            status=MeasureStatus.PLANNED,
            created_by=decision.recorded_by,
        )
        # A measure without a process of its own runs from its planned start; a network measure starts
        # when its process does (`meetings` keeps that period).
        if change.kind not in run_by_process and start <= today:
            new.started_on = start
            new.status = MeasureStatus.ONGOING
        new.full_clean(exclude=["case", "created_by"])
        new.save()
        item.planned_start = start
        item.measure = new
        return item
    measure = change.measure
    if measure is None:  # checked in _check_changes
        raise ValidationError({"measures": _("Choose one of the case's measures.")})
    item.measure = measure
    fields = ["expected_end", "version", "updated_at"]
    if change.change == DecisionChange.EXTEND:
        base = measure.expected_end or decision.decided_on
        measure.expected_end = add_months(base, change.expected_months or 0)
    elif change.ends_on is not None:  # an end (its date checked in _check_changes)
        measure.expected_end = change.ends_on
        if change.ends_on <= today:
            measure.started_on = measure.started_on or measure.planned_start or change.ends_on
            measure.ended_on = change.ends_on
            measure.end_reason = _("Ended by the decision of %(date)s.") % {
                "date": decision.decided_on.isoformat()
            }
            measure.status = MeasureStatus.ENDED
            fields += ["started_on", "ended_on", "end_reason", "status"]
    measure.version += 1
    measure.save(update_fields=fields)
    return item
