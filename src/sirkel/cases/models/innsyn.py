"""A copy of the case made for a party's right of access (*innsyn*), and when and how it was handed over.

The row holds what is needed to make the same copy again (who it is for, which flagged items were kept),
never the copy itself: the files are rendered from the case when downloaded.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sirkel.cases.models.case import Case


class RecipientRole(models.TextChoices):
    YOUTH = "youth", _("The child or youth")
    PARENT = "parent", _("A parent")


class HandoverHow(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    POST = "post", _("By post")
    DIGITAL = "digital", _("Digitally (secure digital post)")


class Innsyn(models.Model):
    """One copy of the case produced for a parent or the youth."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="innsyns")
    recipient_role = models.CharField(_("for"), max_length=10, choices=RecipientRole.choices)
    # The network member it is for, when it is a parent in the register (read by id: the case app
    # does not know the network's models).
    recipient_member_id = models.PositiveBigIntegerField(null=True, blank=True)
    recipient_name = models.CharField(_("name of the recipient"), max_length=200)
    kept = models.JSONField(default=list)  # keys of the flagged items the caseworker chose to keep
    flagged_count = models.PositiveIntegerField(default=0)
    produced_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    produced_at = models.DateTimeField(auto_now_add=True)
    handed_over_on = models.DateField(_("handed over on"), null=True, blank=True)
    handed_over_how = models.CharField(
        _("how it was handed over"), max_length=10, choices=HandoverHow.choices, blank=True
    )
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["-produced_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recipient_role__in=["youth", "parent"]), name="innsyn_recipient_role"
            ),
            models.CheckConstraint(
                condition=models.Q(handed_over_on__isnull=True, handed_over_how="")
                | (models.Q(handed_over_on__isnull=False) & ~models.Q(handed_over_how="")),
                name="innsyn_handover_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"innsyn {self.pk} ({self.case_id})"

    @property
    def redacted_count(self) -> int:
        return self.flagged_count - len(self.kept)
