"""Consent to a measure: who still has to consent, and recording or withdrawing consent."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sirkel.accounts.models import NON_STAFF_ROLES, Membership, User
from sirkel.audit.models import AuditAction
from sirkel.cases.measures import end_period
from sirkel.meetings.models import Consent, ConsentGivenAs, ConsentParty, Series, SeriesStatus
from sirkel.meetings.services import guards
from sirkel.taxonomy.choices import TaxonomyChoices, constant

# A child becomes a party at 15 and must then consent to measures aimed at them too.
YOUTH_CONSENT_AGE = 15


class InformedAbout(TaxonomyChoices, vocabulary="consent", key="informed_about"):
    """What a party was told before consenting: the study's conditions for real informed consent. The list
    and its labels are the taxonomy's (`taxonomy/data/consent.yaml`)."""

    VOLUNTARY = constant("voluntary")


def voluntary_required_message() -> str:
    """Consent is only informed when the party was told that it is voluntary and can be withdrawn."""
    return _(
        "Consent can only be recorded when the person was told that taking part is voluntary and that "
        "consent can be withdrawn at any time. Tell them, then tick it."
    )


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
    given_as: str,
    information_note: str = "",
) -> Consent:
    """Record one party's informed consent: what they were told, when and by whom, and whether it was given
    orally or in writing (both are valid for a voluntary measure)."""
    guards.require(user=acting_user, series=series)
    guards.ensure_running(series=series)
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
    if given_as not in ConsentGivenAs.values:
        raise ValidationError({"given_as": _("Say whether the consent was given orally or in writing.")})
    valid = {i.value for i in InformedAbout}
    if any(item not in valid for item in informed_about):
        raise ValidationError({"informed_about": _("Unknown item in the checklist.")})
    if InformedAbout.VOLUNTARY.value not in informed_about:
        raise ValidationError({"informed_about": voluntary_required_message()})
    in_service = (
        Membership.objects.filter(user=informed_by, service_id=series.case.service_id)
        .exclude(role__in=NON_STAFF_ROLES)
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
        given_as=given_as,
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
        given_as=given_as,
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
