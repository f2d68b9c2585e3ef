"""The case: the child, the family's situation, who in the service works with it, and its measures."""

from __future__ import annotations

import enum
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sirkel.cases.expressions import EndYear, YearOf
from sirkel.core.models import TimeStampedModel
from sirkel.taxonomy import measures as measure_taxonomy

if TYPE_CHECKING:
    from sirkel.accounts.models import User


class Sex(models.TextChoices):
    GIRL = "girl", _("Girl")
    BOY = "boy", _("Boy")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class Birthplace(models.TextChoices):
    NORWAY = "norway", _("Norway")
    EUROPE_OTHER = "europe_other", _("Europe outside Norway")
    AFRICA = "africa", _("Africa")
    ASIA = "asia", _("Asia")
    AMERICAS = "americas", _("The Americas")
    OCEANIA = "oceania", _("Oceania")
    UNKNOWN = "unknown", _("Unknown")


class LivesWith(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    BOTH_PARENTS = "both_parents", _("Both parents")
    OTHER = "other", _("Other")
    NOT_STATED = "not_stated", _("Not stated")


class Phase(models.TextChoices):
    INVESTIGATION = "investigation", _("Investigation")
    SUPPORT = "support", _("Support measures")
    CARE = "care", _("Care")
    CLOSED = "closed", _("Closed")


class Case(TimeStampedModel):
    """A child's case in one service. Sirkel stores no national identity number."""

    service = models.ForeignKey("accounts.Service", on_delete=models.PROTECT, related_name="cases")
    number = models.PositiveIntegerField(_("case number"))
    child_given_name = models.CharField(_("given name"), max_length=100)
    child_family_name = models.CharField(_("family name"), max_length=100)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    birthplace = models.CharField(
        _("born in"), max_length=20, choices=Birthplace.choices, default=Birthplace.NORWAY
    )
    lives_with = models.CharField(
        _("lives with"), max_length=20, choices=LivesWith.choices, default=LivesWith.NOT_STATED
    )
    lives_with_other = models.CharField(_("lives with (other)"), max_length=200, blank=True)
    children_in_household = models.PositiveSmallIntegerField(_("children in the household"), default=1)
    first_contact_date = models.DateField(_("first contact with the service"))
    phase = models.CharField(
        _("case phase"), max_length=20, choices=Phase.choices, default=Phase.INVESTIGATION
    )
    minority_background = models.BooleanField(_("minority background"), default=False)
    parent_cognitive_difficulties = models.BooleanField(_("parental cognitive difficulties"), default=False)
    language = models.CharField(_("family's language"), max_length=100, blank=True)
    interpreter_needed = models.BooleanField(_("needs an interpreter"), default=False)
    cultural_interpreter_needed = models.BooleanField(_("needs a cultural interpreter"), default=False)
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_cases",
        verbose_name=_("responsible caseworker"),
    )
    assigned: models.ManyToManyField[User, CaseAssignment] = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="CaseAssignment",
        related_name="assigned_cases",
        blank=True,
        verbose_name=_("assigned colleagues"),
    )
    external_ref = models.CharField(
        _("reference in the source system"),
        max_length=64,
        blank=True,
        help_text=_("The case's reference in the case system it was imported from."),
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-first_contact_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["service", "number"], name="case_number_unique_per_service"),
            models.CheckConstraint(
                condition=models.Q(phase__in=[p.value for p in Phase]), name="case_phase_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(first_contact_date__gte=models.F("birth_date")),
                name="case_first_contact_after_birth",
            ),
            models.UniqueConstraint(
                fields=["service", "external_ref"],
                condition=~models.Q(external_ref=""),
                name="case_external_ref_unique_per_service",
            ),
        ]
        indexes = [
            models.Index(fields=["service", "phase"], name="case_service_phase_idx"),
            models.Index(fields=["caseworker", "phase"], name="case_caseworker_idx"),
            models.Index(fields=["service", "child_family_name"], name="case_service_name_idx"),
            # The case list's order within a service (newest change first): a leader's page of a large
            # service reads 25 index entries instead of sorting every case of the service.
            models.Index(fields=["service", "updated_at", "id"], name="case_service_updated_idx"),
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return f"{self.reference} {self.child_name}"

    @property
    def reference(self) -> str:
        return f"{self.number:05d}"

    @property
    def child_name(self) -> str:
        return f"{self.child_given_name} {self.child_family_name}"

    def age_on(self, day: date) -> int:
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())

    @property
    def years_in_contact(self) -> int:
        today = timezone.localdate()
        f = self.first_contact_date
        return max(0, today.year - f.year - ((today.month, today.day) < (f.month, f.day)))

    @property
    def years_in_contact_band(self) -> str:
        """The study's bands: 0-2, 3-5, 5-10 (read as 6-10 here), 10+."""
        y = self.years_in_contact
        if y <= 2:
            return "0-2"
        if y <= 5:
            return "3-5"
        if y <= 10:
            return "5-10"
        return "10+"


class CaseAssignment(models.Model):
    """A colleague assigned to work on a case besides the responsible caseworker."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="assignment_unique")]

    def __str__(self) -> str:
        return f"case {self.case_id} – user {self.user_id}"


class BreakGlassAccess(models.Model):
    """Time-limited access to a case outside need-to-know, with the written reason."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="break_glass_grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "expires_at"], name="breakglass_user_idx")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="breakglass_reason_required")
        ]

    def __str__(self) -> str:
        return f"break-glass on case {self.case_id} by user {self.user_id}"


class MeasureKind(enum.StrEnum):
    """Keys of the measure kinds that code names. The list of kinds, their labels and SSB codes is the
    taxonomy (`taxonomy/data/measures.yaml`); a test proves every key here is in it."""

    NETWORK_MEETING = "network_meeting"
    START_MEETING = "start_meeting"
    FAMILY_GROUP_CONFERENCE = "family_group_conference"
    NATURAL_MENTOR = "natural_mentor"
    NTT = "ntt"
    RESOURCE_PERSON = "resource_person"
    RESPONSIBILITY_GROUP = "responsibility_group"
    INDIVIDUAL_PLAN = "individual_plan"


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    ENDED = "ended", _("Ended")


class LegalBasis(models.TextChoices):
    VOLUNTARY = "voluntary", _("Voluntary support measure (§ 3-1)")
    IMPOSED = "imposed", _("Imposed by the county board (§ 3-4)")


class Measure(TimeStampedModel):
    """A measure the case has, of any kind in the taxonomy, over a period.

    A measure is decided in a `Decision` (`DecidedMeasure` rows: started, extended, ended); its planned
    start and expected end are the latest decision's. Only a start meeting during the investigation has
    none. Its goals and content are in the case's measure plan (`PlanEntry`, `Goal`).

    Network measures with a guided process (network meeting, family group conference, …) have that
    process in `meetings.Series`, one per measure; the measure holds what every measure has: kind,
    period, legal basis and status.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(_("measure"), max_length=40, choices=measure_taxonomy.kind_choices)
    status = models.CharField(
        _("status"), max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED
    )
    legal_basis = models.CharField(
        _("legal basis"), max_length=10, choices=LegalBasis.choices, default=LegalBasis.VOLUNTARY
    )
    code = models.CharField(
        _("SSB code"),
        max_length=8,
        blank=True,
        help_text=_("Statistics Norway's code, where the kind of measure does not give it (imported)."),
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    expected_end = models.DateField(_("expected to last until"), null=True, blank=True)
    started_on = models.DateField(_("started"), null=True, blank=True)
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    end_reason = models.TextField(_("why it ended"), blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=measure_taxonomy.kind_keys()), name="measure_kind_in_taxonomy"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in MeasureStatus]), name="measure_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(started_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="measure_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="ended") | models.Q(ended_on__isnull=False),
                name="measure_ended_has_end_date",
            ),
        ]
        indexes = [
            models.Index(fields=["case", "status"], name="measure_case_state_idx"),
            # Everything the statistics read (stats.selectors.children), in the case's order: SQLite
            # groups a year's periods by child from this index alone, without the table or a sort, and
            # tests whether a period touches the year on two small integers (its end and start years,
            # the same expressions as in the read) instead of two dates as text.
            models.Index(
                models.F("case"),
                models.F("kind"),
                models.F("code"),
                EndYear("ended_on"),
                YearOf("started_on"),
                # Not read: without them SQLite 3.40 does not see the index as covering the read (it
                # names the dates) and prefers the smaller index of the case alone, and the table.
                models.F("started_on"),
                models.F("ended_on"),
                name="measure_ssb_year_idx",
            ),
        ]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self) -> str:
        return f"measure {self.pk} ({self.kind}) of case {self.case_id}"

    @property
    def ssb_code(self) -> str:
        return self.code or measure_taxonomy.ssb_code(self.kind)

    @property
    def is_network(self) -> bool:
        return measure_taxonomy.is_network(self.kind)

    @property
    def is_ongoing(self) -> bool:
        return self.status == MeasureStatus.ONGOING and self.ended_on is None
