"""Starting and ending a measure's series, and the kinds of measure a case may start."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from sirkel.accounts.models import User
from sirkel.audit.models import AuditAction
from sirkel.cases.access import case_access
from sirkel.cases.measures import add_measure, begin_period, end_period
from sirkel.cases.models import Case, Goal, Measure, MeasureKind, MeasureStatus, Phase
from sirkel.cases.plans import set_goals
from sirkel.meetings.kinds import KINDS
from sirkel.meetings.models import Screening, Series, SeriesStatus
from sirkel.meetings.services import guards
from sirkel.meetings.services.engagement import missing_before_end
from sirkel.meetings.services.leaders import check_leader
from sirkel.meetings.services.screening import SMALL_NETWORK_THRESHOLD, private_network_size


def kinds_for_case(*, case: Case) -> list[str]:
    """The measure kinds that may be started on this case now."""
    if case.phase == Phase.CLOSED:
        return []
    return [k for k, cfg in KINDS.items() if not cfg.investigation_only or case.phase == Phase.INVESTIGATION]


def startable_measures(*, case: Case) -> list[Measure]:
    """The case's decided network measures with a process that has not been started yet, oldest first."""
    return list(
        Measure.objects.filter(case=case, kind__in=list(KINDS), series__isnull=True, decided_in__isnull=False)
        .exclude(status=MeasureStatus.ENDED)
        .annotate(decided_on=Min("decided_in__decision__decided_on"))
        .order_by("created_at", "id")
    )


def _check_caseworker(*, case: Case, caseworker: User) -> None:
    if not case_access(user=caseworker, case=case).can_edit:
        raise ValidationError(
            {"caseworker": _("The responsible caseworker must be someone who works on this case.")}
        )


# ---------------------------------------------------------------------------------------------------------
# Writes


@transaction.atomic
def start_series(
    *,
    acting_user: User,
    case: Case,
    kind: str,
    caseworker: User,
    leader: User | None = None,
    purpose: str = "",
    measure: Measure | None = None,
) -> Series:
    """Start the process of a network measure (for a network meeting: the series), with its screening
    prefilled from the case.

    Every network measure but a start meeting is started from the `measure` a decision decided; its
    goals in the measure plan are its purpose. A start meeting during the investigation needs no decision:
    its measure is added here. `purpose`, if given, becomes the measure's goals when it has none yet."""
    if not case_access(user=acting_user, case=case).can_edit:
        raise PermissionDenied
    if case.phase == Phase.CLOSED:
        raise ValidationError(_("The case is closed: no new measures can be started."))
    if measure is not None:
        measure = Measure.objects.select_for_update().get(pk=measure.pk)
        kind = measure.kind
        if measure.case_id != case.pk or measure not in startable_measures(case=case):
            raise ValidationError({"kind": _("Choose a decided measure that has not been started yet.")})
    if kind not in KINDS:
        raise ValidationError({"kind": _("Choose a measure.")})
    if kind not in kinds_for_case(case=case):
        raise ValidationError(
            {"kind": _("A start meeting can only be held while the case is being investigated.")}
        )
    if measure is None and kind != MeasureKind.START_MEETING:
        raise ValidationError(
            {"kind": _("A network measure is started from a decided measure: record the decision first.")}
        )
    _check_caseworker(case=case, caseworker=caseworker)
    check_leader(case=case, caseworker=caseworker, leader=leader, kind=kind)
    if measure is None:
        measure = add_measure(acting_user=acting_user, case=case, kind=kind)
    if purpose.strip() and not Goal.objects.filter(measure=measure, retired_at__isnull=True).exists():
        set_goals(acting_user=acting_user, measure=measure, texts=purpose.strip().splitlines())
    config = KINDS[kind]
    series = Series(
        measure=measure,
        # A kind that is not screened (kinds.py) is under way as soon as it is started.
        status=SeriesStatus.SCREENING if config.screening else SeriesStatus.PREPARING,
        caseworker=caseworker,
        leader=leader,
    )
    series.full_clean()
    series.save()
    if not config.screening:
        begin_period(measure=measure, on=timezone.localdate())
    # The screening row is kept for every kind (the study's markers read it), prefilled from the case.
    screening = Screening.objects.create(
        series=series,
        minority_background=case.minority_background,
        parent_cognitive_difficulties=case.parent_cognitive_difficulties,
        small_network=private_network_size(case=case) < SMALL_NETWORK_THRESHOLD,
    )
    guards.audit(
        user=acting_user,
        series=series,
        action=AuditAction.CREATE,
        object_type="series",
        object_id=series.pk,
        kind=kind,
        caseworker=caseworker.pk,
        leader=leader.pk if leader else None,
        screening=screening.pk,
    )
    return series


@transaction.atomic
def end_series(*, acting_user: User, series: Series, reason: str, ended_on: date | None = None) -> Series:
    """End a measure that has run its course: the goals were reached, or the family and the service
    agreed to stop. (Withdrawn consent ends it differently: see `withdraw_consent`.)"""
    guards.require(user=acting_user, series=series, what="edit")
    guards.ensure_open(series=series)
    if not series.is_open:
        raise ValidationError(_("This measure has already ended."))
    # What the kind needs recorded before it ends (kinds.py `ends_needs`): the resource person's answer to
    # what happens to the relationship with the child when the paid measure ends.
    if missing := missing_before_end(series=series):
        raise ValidationError(missing)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Write why the measure ends and what happens next.")})
    ended_on = ended_on or timezone.localdate()
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": _("The end date cannot be in the future.")})
    previous_status = series.status
    series.status = SeriesStatus.COMPLETED
    end_period(measure=series.measure, on=ended_on, reason=reason)
    series.version += 1
    series.save(update_fields=["status", "version", "updated_at"])
    guards.audit(
        user=acting_user,
        series=series,
        action=AuditAction.UPDATE,
        object_type="series",
        object_id=series.pk,
        status=series.status,
        previous_status=previous_status,
    )
    return series
