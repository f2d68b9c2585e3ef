"""The measure plan (*tiltaksplan*): one per case, versioned, with goals per measure.

The plan as it stands lives in `MeasurePlan`, `PlanEntry` (one per measure: content, who does what,
expected duration, an internal note) and `Goal` (outcomes and their sub-goals; a goal taken out of the
plan is retired, not deleted, so what was evaluated against it stays). Every save writes a `PlanVersion`:
a readable copy of the whole plan as saved, with who and when, so earlier versions stay readable as
they were.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sirkel.cases.models.case import Case, Measure
from sirkel.core.models import TimeStampedModel

DEFAULT_EVALUATION_MONTHS = 3  # national guideline: as a rule every quarter


class MeasurePlan(TimeStampedModel):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="plan")
    evaluation_months = models.PositiveSmallIntegerField(
        _("evaluate every (months)"), default=DEFAULT_EVALUATION_MONTHS
    )
    last_evaluated_on = models.DateField(_("last evaluated"), null=True, blank=True)
    next_evaluation_on = models.DateField(_("next evaluation"), null=True, blank=True)
    internal_note = models.TextField(_("internal note (not shown to the family)"), blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(evaluation_months__gte=1, evaluation_months__lte=12),
                name="plan_evaluation_interval_range",
            )
        ]
        indexes = [models.Index(fields=["next_evaluation_on"], name="plan_next_evaluation_idx")]
        verbose_name = _("measure plan")
        verbose_name_plural = _("measure plans")

    def __str__(self) -> str:
        return f"measure plan of case {self.case_id} (version {self.version})"


class PlanEntry(models.Model):
    """The plan's part for one measure."""

    plan = models.ForeignKey(MeasurePlan, on_delete=models.CASCADE, related_name="entries")
    measure = models.OneToOneField(Measure, on_delete=models.CASCADE, related_name="plan_entry")
    content = models.TextField(_("content of the measure"), blank=True)
    responsibilities = models.TextField(_("who does what"), blank=True)
    expected_duration = models.CharField(_("expected duration"), max_length=200, blank=True)
    internal_note = models.TextField(_("internal note (not shown to the family)"), blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"plan entry for measure {self.measure_id}"


class Goal(models.Model):
    """A goal of a measure, written as an outcome; `parent` makes it a sub-goal."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="goals")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, related_name="sub_goals", null=True, blank=True
    )
    text = models.TextField(_("goal"))
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.CheckConstraint(condition=~models.Q(text=""), name="goal_text_required")]
        indexes = [models.Index(fields=["measure", "retired_at"], name="goal_measure_idx")]

    def __str__(self) -> str:
        return f"goal {self.pk} of measure {self.measure_id}"


class PlanVersion(models.Model):
    """The whole plan as one save left it. `content` is the readable copy (see `cases.plans.snapshot`)."""

    plan = models.ForeignKey(MeasurePlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    change_note = models.CharField(_("what changed"), max_length=500, blank=True)
    content = models.JSONField()

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique")]

    def __str__(self) -> str:
        return f"version {self.number} of plan {self.plan_id}"
