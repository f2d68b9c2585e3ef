"""Decisions (*vedtak*): when, by whom, on what legal basis and why a case's measures were decided.

A decision is never edited: a later decision ends, extends or adds measures, and the earlier one stays as
it was. Each decided measure is a `DecidedMeasure` row (start, extend or end) pointing at the `Measure`,
which carries the period as it stands after the latest decision.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sirkel.cases.models.case import Case, LegalBasis, Measure
from sirkel.core.models import TimeStampedModel
from sirkel.taxonomy.choices import items, keys, label


class ReasonGroup(models.TextChoices):
    """The study's three groups of reasons (`taxonomy/data/reasons.yaml`, one list per group)."""

    CHILD = "child", _("Related to the child")
    PARENTS_CARE = "parents_care", _("Related to the parents' care")
    SURROUNDINGS = "surroundings", _("Related to surrounding circumstances")


class ChildAgreement(models.TextChoices):
    YES = "yes", _("Yes, the child agreed with how it was written down")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No, the child did not agree")
    NOT_ASKED = "not_asked", _("The child was not asked (write why)")


class YouthConsent(models.TextChoices):
    """A youth from 15 is a party to the case and must consent to voluntary measures aimed at them."""

    NOT_APPLICABLE = "not_applicable", _("Not applicable: the child is under 15")
    ORAL = "oral", _("The youth consented orally")
    WRITTEN = "written", _("The youth consented in writing")
    REFUSED = "refused", _("The youth did not consent")


class DecisionSource(models.TextChoices):
    RECORDED = "recorded", _("Recorded in Sirkel")
    IMPORTED = "imported", _("Imported from the case system")


class Decision(TimeStampedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    decided_on = models.DateField(_("date of the decision"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("decided by"),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=10, choices=LegalBasis.choices)
    justification = models.TextField(_("justification"), blank=True)
    child_told = models.TextField(_("what the child was told"), blank=True)
    child_said = models.TextField(_("what the child said"), blank=True)
    child_agreed = models.CharField(
        _("did the child agree with how it was written down?"),
        max_length=12,
        choices=ChildAgreement.choices,
        blank=True,
    )
    child_weight = models.TextField(_("the weight given to the child's views"), blank=True)
    youth_consent = models.CharField(
        _("consent of a youth from 15"),
        max_length=16,
        choices=YouthConsent.choices,
        default=YouthConsent.NOT_APPLICABLE,
    )
    source = models.CharField(max_length=10, choices=DecisionSource.choices, default=DecisionSource.RECORDED)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(legal_basis__in=[b.value for b in LegalBasis]),
                name="decision_legal_basis_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(youth_consent__in=[c.value for c in YouthConsent]),
                name="decision_youth_consent_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(source=DecisionSource.RECORDED) | ~models.Q(justification=""),
                name="decision_recorded_has_justification",
            ),
        ]
        indexes = [models.Index(fields=["case", "decided_on"], name="decision_case_date_idx")]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"decision {self.pk} of case {self.case_id} ({self.decided_on})"


def _all_reason_keys() -> list[str]:
    return sorted({key for group in ReasonGroup.values for key in keys("reasons", group)})


class DecisionReason(models.Model):
    """One reason of a decision: a key of its group's list in the taxonomy ("other" with the text)."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="reasons")
    group = models.CharField(_("group"), max_length=16, choices=ReasonGroup.choices)
    key = models.CharField(_("reason"), max_length=40)
    text = models.CharField(_("other reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "group", "key"], name="decision_reason_once"),
            models.CheckConstraint(
                condition=models.Q(group__in=[g.value for g in ReasonGroup]), name="decision_reason_group"
            ),
            models.CheckConstraint(
                condition=models.Q(key__in=_all_reason_keys()), name="decision_reason_key_in_taxonomy"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group}:{self.key}"

    @property
    def label(self) -> Promise | str:
        """The reason as the taxonomy names it, in the active language."""
        for item in items("reasons", self.group):
            if item["key"] == self.key:
                return label(item)
        return self.key


class DecisionChange(models.TextChoices):
    START = "start", _("New measure")
    EXTEND = "extend", _("Extended")
    END = "end", _("Ended")


class DecidedMeasure(models.Model):
    """What a decision decides about one measure: to start it, extend it or end it."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="items")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="decided_in")
    change = models.CharField(_("change"), max_length=8, choices=DecisionChange.choices)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    expected_months = models.PositiveSmallIntegerField(_("expected duration (months)"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "measure"], name="decided_measure_once"),
            models.CheckConstraint(
                condition=models.Q(change__in=[c.value for c in DecisionChange]), name="decided_change_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(change=DecisionChange.END) | models.Q(ends_on__isnull=False),
                name="decided_end_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(expected_months__isnull=True)
                | models.Q(expected_months__gte=1, expected_months__lte=120),
                name="decided_months_in_range",
            ),
        ]
        indexes = [models.Index(fields=["measure", "change"], name="decided_measure_idx")]

    def __str__(self) -> str:
        return f"{self.change} measure {self.measure_id} in decision {self.decision_id}"
