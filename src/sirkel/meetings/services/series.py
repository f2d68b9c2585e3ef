"""Writes for starting a measure: the series itself, its leader, screening, consent, and the leader register.

Also the two pure readings other stages rely on: `screening_guidance` (what the study advises for this
family) and `consent_status` (who still has to consent before preparation can be complete).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sirkel.accounts.models import Membership, Role, Service, User
from sirkel.accounts.selectors import role_in_service
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event
from sirkel.cases.access import case_access
from sirkel.cases.measures import add_measure, begin_period, end_period
from sirkel.cases.models import Case, Phase
from sirkel.meetings import selectors
from sirkel.meetings.kinds import KINDS, kind_config
from sirkel.meetings.models import (
    Consent,
    ConsentParty,
    Screening,
    ScreeningDecision,
    Series,
    SeriesStatus,
    TrainedLeader,
)
from sirkel.meetings.services import guards
from sirkel.network.models import NetworkMember, Side

# A private network with fewer people than this is "small": the screening suggests widening the circle.
SMALL_NETWORK_THRESHOLD = 4

# A child becomes a party at 15 and must then consent to measures aimed at them too.
YOUTH_CONSENT_AGE = 15

# Who may keep the register of trained meeting leaders for a service.
REGISTER_KEEPERS = {Role.LEADER.value, Role.ADMINISTRATOR.value}


class InformedAbout(models.TextChoices):
    """What a party was told before consenting: the study's conditions for real informed consent."""

    WHAT = "what", gettext_lazy("What a network meeting is")
    WHO = "who", gettext_lazy("Who comes")
    DURATION = "duration", gettext_lazy("How long it lasts")
    CONFIDENTIALITY = "confidentiality", gettext_lazy("Confidentiality and the waiver")
    VOLUNTARY = "voluntary", gettext_lazy("That it is voluntary and consent can be withdrawn at any time")
    CHILD_ROLE = "child_role", gettext_lazy("The child's role")


class GuidanceLevel(models.TextChoices):
    NOT_ADVISED = "not_advised", gettext_lazy("Not advised")
    CAUTION = "caution", gettext_lazy("Caution")
    ADAPT = "adapt", gettext_lazy("Adapt")
    INFO = "info", gettext_lazy("Good to know")


@dataclass(frozen=True)
class Guidance:
    level: str  # a GuidanceLevel value
    text: str  # the finding, in plain language
    advice: tuple[str, ...] = ()  # what to do about it

    @property
    def level_label(self) -> str:
        return str(GuidanceLevel(self.level).label)


@dataclass(frozen=True)
class ConsentRow:
    consent: Consent
    told: list[str]  # labels of the checklist points they were told about
    not_told: list[str]  # and those the record does not show


@dataclass(frozen=True)
class ConsentStatus:
    consents: list[Consent]  # all, in the order they were recorded
    child_age: int
    youth_required: bool
    missing: list[str] = field(default_factory=list)  # who still has to consent, as labels
    missing_parties: list[str] = field(default_factory=list)  # the same, as ConsentParty values
    withdrawn: list[Consent] = field(default_factory=list)

    @property
    def active(self) -> list[Consent]:
        return [c for c in self.consents if c.is_active]

    @property
    def complete(self) -> bool:
        return not self.missing and not self.withdrawn

    @property
    def rows(self) -> list[ConsentRow]:
        return [
            ConsentRow(
                consent=c,
                told=[str(i.label) for i in InformedAbout if i.value in c.informed_about],
                not_told=[str(i.label) for i in InformedAbout if i.value not in c.informed_about],
            )
            for c in self.consents
        ]

    @property
    def not_fully_informed(self) -> list[Consent]:
        """Active consents whose record does not show that every point on the checklist was covered."""
        everything = {i.value for i in InformedAbout}
        return [c for c in self.active if not everything <= set(c.informed_about)]


# ---------------------------------------------------------------------------------------------------------
# Readings


def screening_guidance(screening: Screening) -> list[Guidance]:
    """What the study advises for this family, most serious first."""
    found: list[Guidance] = []
    if screening.violence_unacknowledged:
        found.append(
            Guidance(
                GuidanceLevel.NOT_ADVISED,
                _(
                    "A network meeting is not advised: violence or sexual abuse is suspected, and the person "
                    "responsible is unknown or does not acknowledge it."
                ),
                (
                    _("Protect the child first. Consider other measures until the situation is clearer."),
                    _("If you still consider going ahead, write down carefully why the child is safe."),
                ),
            )
        )
    if screening.severe_conflict:
        found.append(
            Guidance(
                GuidanceLevel.CAUTION,
                _(
                    "The conflict in the network may be so severe that a meeting brings more conflict "
                    "than help."
                ),
                (
                    _(
                        "Talk with the parents and the meeting leader about whether the conflict can be "
                        "handled."
                    ),
                    _(
                        "Consider separate talks with those in conflict first, or a smaller meeting to begin "
                        "with."
                    ),
                ),
            )
        )
    if screening.parent_cognitive_difficulties:
        found.append(
            Guidance(
                GuidanceLevel.ADAPT,
                _(
                    "A parent has cognitive difficulties. A network meeting asks a lot: following and making "
                    "sense of what happens in the room. Their limits can be crossed without anyone noticing."
                ),
                (
                    _("Keep the sessions shorter, with breaks."),
                    _("Use plain language, and write down what is agreed."),
                    _("Check along the way that the parent has understood – ask, do not assume."),
                    _("Let the parent bring a support person they trust."),
                ),
            )
        )
    if screening.minority_background:
        found.append(
            Guidance(
                GuidanceLevel.ADAPT,
                _("The family has a minority background. A good interpreter is essential."),
                (
                    _("Book a qualified interpreter, and consider a cultural interpreter as well."),
                    _(
                        "Give more information about roles: what the child welfare service is, what the "
                        "meeting leader does, what a network meeting is."
                    ),
                    _("Trust in the service may be low: take time to build it."),
                    _("Relatives abroad may be important voices: they can take part digitally."),
                ),
            )
        )
    if screening.small_network:
        found.append(
            Guidance(
                GuidanceLevel.INFO,
                _("The family's private network is small."),
                (
                    _("Widen the circle to public actors the family trusts, such as a teacher."),
                    _("Consider resource persons, a support contact or a visiting home."),
                    _("A small network is a common reason families say no: talk about it openly."),
                ),
            )
        )
    if not found:
        found.append(
            Guidance(
                GuidanceLevel.INFO,
                _(
                    "Nothing recorded speaks against a network meeting. Most families are suited. "
                    "Taking part is voluntary."
                ),
            )
        )
    return found


def consent_status(series: Series) -> ConsentStatus:
    """Who has consented, who has withdrawn, and who is still missing (the youth too from 15).

    Each parent must consent. A person with parental responsibility in a parent's place (guardian) stands
    in for a missing parent. One query.
    """
    consents = list(Consent.objects.filter(series=series).select_related("informed_by"))
    age = series.case.age
    youth_required = age >= YOUTH_CONSENT_AGE
    active = {c.party for c in consents if c.is_active}
    required = [ConsentParty.MOTHER, ConsentParty.FATHER]
    missing_parties: list[str] = []
    if ConsentParty.GUARDIAN not in active:
        missing_parties += [p.value for p in required if p not in active]
    if youth_required and ConsentParty.YOUTH not in active:
        missing_parties.append(ConsentParty.YOUTH.value)
    return ConsentStatus(
        consents=consents,
        child_age=age,
        youth_required=youth_required,
        missing=[str(ConsentParty(p).label) for p in missing_parties],
        missing_parties=missing_parties,
        withdrawn=[c for c in consents if c.withdrawn_at is not None],
    )


def private_network_size(*, case: Case) -> int:
    return NetworkMember.objects.filter(case=case, side=Side.PRIVATE).count()


def kinds_for_case(*, case: Case) -> list[str]:
    """The measure kinds that may be started on this case now."""
    if case.phase == Phase.CLOSED:
        return []
    return [k for k, cfg in KINDS.items() if not cfg.investigation_only or case.phase == Phase.INVESTIGATION]


# ---------------------------------------------------------------------------------------------------------
# Checks


def _ensure_running(*, series: Series) -> None:
    """Stopped, ended or never started: nothing more happens in the measure."""
    guards.ensure_open(series=series)
    if not series.is_open:
        raise ValidationError(_("This measure has ended and cannot be changed."))


def _check_leader(*, case: Case, caseworker: User, leader: User | None) -> None:
    if leader is None:
        return
    if leader.pk == caseworker.pk:
        raise ValidationError(
            {"leader": _("The meeting leader cannot be the responsible caseworker: choose someone else.")}
        )
    candidates = selectors.leader_candidates(service_id=case.service_id, exclude_user_id=caseworker.pk)
    if not candidates.filter(pk=leader.pk).exists():
        raise ValidationError(
            {
                "leader": _(
                    "Choose a meeting leader from the register of trained leaders: your own service's, "
                    "or one another service shares."
                )
            }
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
) -> Series:
    """Start a measure (for a network meeting: the series) with its screening prefilled from the case."""
    if not case_access(user=acting_user, case=case).can_edit:
        raise PermissionDenied
    if case.phase == Phase.CLOSED:
        raise ValidationError(_("The case is closed: no new measures can be started."))
    if kind not in KINDS:
        raise ValidationError({"kind": _("Choose a measure.")})
    if kind not in kinds_for_case(case=case):
        raise ValidationError(
            {"kind": _("A start meeting can only be held while the case is being investigated.")}
        )
    _check_caseworker(case=case, caseworker=caseworker)
    _check_leader(case=case, caseworker=caseworker, leader=leader)
    measure = add_measure(acting_user=acting_user, case=case, kind=kind)
    series = Series(
        measure=measure,
        status=SeriesStatus.SCREENING,
        caseworker=caseworker,
        leader=leader,
        purpose=purpose.strip(),
    )
    series.full_clean()
    series.save()
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
def set_leader(*, acting_user: User, series: Series, leader: User | None) -> Series:
    """Choose (or change) the meeting leader. The leader must be set before the first meeting is prepared."""
    guards.require(user=acting_user, series=series)
    _ensure_running(series=series)
    if leader is None and kind_config(series.kind).needs_leader and series.meetings.exists():
        raise ValidationError({"leader": _("A meeting has been planned: it needs a meeting leader.")})
    _check_leader(case=series.case, caseworker=series.caseworker, leader=leader)
    previous = series.leader_id
    series.leader = leader
    series.version += 1
    series.save(update_fields=["leader", "version", "updated_at"])
    guards.audit(
        user=acting_user,
        series=series,
        action=AuditAction.UPDATE,
        object_type="series",
        object_id=series.pk,
        field="leader",
        previous=previous,
        leader=leader.pk if leader else None,
    )
    return series


SCREENING_FLAGS = (
    "violence_unacknowledged",
    "severe_conflict",
    "parent_cognitive_difficulties",
    "minority_background",
    "small_network",
)


@transaction.atomic
def save_screening(
    *,
    acting_user: User,
    series: Series,
    violence_unacknowledged: bool,
    severe_conflict: bool,
    parent_cognitive_difficulties: bool,
    minority_background: bool,
    small_network: bool,
    other_concerns: str = "",
    decision: str = "",
    reasoning: str = "",
    adaptations: str = "",
) -> Screening:
    """Record the screening; a decision moves the measure on (go ahead) or ends it before it starts."""
    guards.require(user=acting_user, series=series)
    guards.ensure_open(series=series)
    if series.status == SeriesStatus.COMPLETED:
        raise ValidationError(_("This measure has ended and cannot be changed."))
    reasoning = reasoning.strip()
    adaptations = adaptations.strip()
    if decision and decision not in ScreeningDecision.values:
        raise ValidationError({"decision": _("Choose a decision.")})
    if decision and not reasoning:
        raise ValidationError({"reasoning": _("Write the reasoning for the decision.")})
    if decision == ScreeningDecision.PROCEED and violence_unacknowledged:
        raise ValidationError(
            {
                "decision": _(
                    "You cannot simply go ahead while violence or abuse is suspected and the person "
                    "responsible is unknown or does not acknowledge it. Choose “not advised”, or go ahead "
                    "with adaptations and explain in the reasoning why it is safe for the child."
                )
            }
        )
    if decision == ScreeningDecision.ADAPT and not adaptations:
        raise ValidationError({"adaptations": _("Write which adaptations were agreed.")})
    negative = decision in (ScreeningDecision.NOT_ADVISED, ScreeningDecision.DECLINED)
    if negative and series.status == SeriesStatus.ACTIVE:
        raise ValidationError(
            {
                "decision": _(
                    "The meetings have already started. If the family no longer wants the measure, record "
                    "that consent is withdrawn."
                )
            }
        )

    screening, _created = Screening.objects.select_for_update().get_or_create(series=series)
    previous_decision = screening.decision
    screening.violence_unacknowledged = violence_unacknowledged
    screening.severe_conflict = severe_conflict
    screening.parent_cognitive_difficulties = parent_cognitive_difficulties
    screening.minority_background = minority_background
    screening.small_network = small_network
    screening.other_concerns = other_concerns.strip()
    screening.decision = decision
    screening.reasoning = reasoning
    screening.adaptations = adaptations
    if decision:
        screening.decided_by = acting_user
        screening.decided_at = timezone.now()
    else:
        screening.decided_by = None
        screening.decided_at = None
    screening.full_clean()
    screening.save()

    previous_status = series.status
    today = timezone.localdate()
    if decision in (ScreeningDecision.PROCEED, ScreeningDecision.ADAPT):
        if series.status in (SeriesStatus.SCREENING, SeriesStatus.NOT_STARTED):
            series.status = SeriesStatus.PREPARING
            begin_period(measure=series.measure, on=today)
    elif negative:
        series.status = SeriesStatus.NOT_STARTED
        end_period(
            measure=series.measure, on=today, reason=f"{ScreeningDecision(decision).label}: {reasoning}"
        )
    if series.status != previous_status or negative:
        series.version += 1
        series.save(update_fields=["status", "version", "updated_at"])

    guards.audit(
        user=acting_user,
        series=series,
        action=AuditAction.UPDATE,
        object_type="screening",
        object_id=screening.pk,
        flags=[f for f in SCREENING_FLAGS if getattr(screening, f)],
        decision=decision,
        previous_decision=previous_decision,
        status=series.status,
        previous_status=previous_status,
    )
    return screening


@transaction.atomic
def add_consent(
    *,
    acting_user: User,
    series: Series,
    party: str,
    party_name: str,
    informed_about: list[str],
    informed_on: date,
    informed_by: User,
    information_note: str = "",
) -> Consent:
    """Record one party's informed consent: what they were told, when and by whom."""
    guards.require(user=acting_user, series=series)
    _ensure_running(series=series)
    if party not in ConsentParty.values:
        raise ValidationError({"party": _("Choose who consents.")})
    if not party_name.strip():
        raise ValidationError({"party_name": _("Write the name of the person who consents.")})
    if informed_on > timezone.localdate():
        raise ValidationError({"informed_on": _("The date cannot be in the future.")})
    if party == ConsentParty.YOUTH and series.case.age_on(informed_on) < YOUTH_CONSENT_AGE:
        raise ValidationError(
            {"party": _("The child was under 15 on that date: the youth's own consent applies from 15.")}
        )
    valid = {i.value for i in InformedAbout}
    if any(item not in valid for item in informed_about):
        raise ValidationError({"informed_about": _("Unknown item in the checklist.")})
    in_service = (
        Membership.objects.filter(user=informed_by, service_id=series.case.service_id)
        .exclude(role=Role.RESEARCHER)
        .exists()
    )
    if not (in_service or informed_by.pk == series.leader_id):
        raise ValidationError(
            {"informed_by": _("The person who informed must be from the service or the meeting leader.")}
        )
    consent = Consent(
        series=series,
        party=party,
        party_name=party_name.strip(),
        informed_about=[i.value for i in InformedAbout if i.value in informed_about],
        information_note=information_note.strip(),
        informed_on=informed_on,
        informed_by=informed_by,
        given=True,
    )
    consent.full_clean()
    consent.save()
    guards.audit(
        user=acting_user,
        series=series,
        action=AuditAction.CREATE,
        object_type="consent",
        object_id=consent.pk,
        party=party,
        informed_about=consent.informed_about,
    )
    return consent


@transaction.atomic
def withdraw_consent(*, acting_user: User, series: Series, consent: Consent, reason: str) -> Consent:
    """A party withdraws consent. This stops the measure: nothing more may be planned or recorded.

    The meeting leader may record it too: a family may say so in the meeting room.
    """
    guards.require(user=acting_user, series=series, what="run")
    if consent.series_id != series.pk:
        raise PermissionDenied
    guards.ensure_open(series=series)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Write why consent is withdrawn, as the person said it.")})
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        raise ValidationError(_("This consent has already been withdrawn."))
    now = timezone.now()
    consent.withdrawn_at = now
    consent.withdrawal_reason = reason
    consent.save(update_fields=["withdrawn_at", "withdrawal_reason"])
    previous_status = series.status
    if series.is_open:
        series.status = SeriesStatus.STOPPED
        end_period(
            measure=series.measure,
            on=timezone.localdate(now),
            reason=_("%(party)s (%(name)s) withdrew consent: %(reason)s")
            % {"party": ConsentParty(consent.party).label, "name": consent.party_name, "reason": reason},
        )
        series.version += 1
        series.save(update_fields=["status", "version", "updated_at"])
    guards.audit(
        user=acting_user,
        series=series,
        action=AuditAction.UPDATE,
        object_type="consent",
        object_id=consent.pk,
        withdrawn=True,
        party=consent.party,
        status=series.status,
        previous_status=previous_status,
    )
    return consent


@transaction.atomic
def end_series(*, acting_user: User, series: Series, reason: str, ended_on: date | None = None) -> Series:
    """End a measure that has run its course: the goals were reached, or the family and the service
    agreed to stop. (Withdrawn consent ends it differently: see `withdraw_consent`.)"""
    guards.require(user=acting_user, series=series, what="edit")
    guards.ensure_open(series=series)
    if not series.is_open:
        raise ValidationError(_("This measure has already ended."))
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


@transaction.atomic
def save_trained_leader(
    *,
    acting_user: User,
    service: Service,
    user: User,
    trained_on: date | None = None,
    training: str = "",
    shared: bool = False,
    active: bool = True,
    note: str = "",
) -> TrainedLeader:
    """Add someone to the service's register of trained meeting leaders, or change their entry."""
    if role_in_service(user=acting_user, service_id=service.pk) not in REGISTER_KEEPERS:
        raise PermissionDenied
    if not Membership.objects.filter(user=user, service=service).exclude(role=Role.RESEARCHER).exists():
        raise ValidationError({"user": _("Only people who work in this service can be added here.")})
    if trained_on is not None and trained_on > timezone.localdate():
        raise ValidationError({"trained_on": _("The date cannot be in the future.")})
    entry = TrainedLeader.objects.select_for_update().filter(user=user).first()
    if entry is not None and entry.service_id != service.pk:
        raise ValidationError({"user": _("This person is already registered by another service.")})
    created = entry is None
    if entry is None:
        entry = TrainedLeader(user=user, service=service)
    entry.trained_on = trained_on
    entry.training = training.strip()
    entry.shared = shared
    entry.active = active
    entry.note = note.strip()
    entry.full_clean()
    entry.save()
    record_event(
        actor=acting_user,
        service=service,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        object_type="trained_leader",
        object_id=entry.pk,
        detail={"user": user.pk, "shared": shared, "active": active},
    )
    return entry
