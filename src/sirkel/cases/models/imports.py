"""An import of a measure history through the page: the checked file, waiting for confirmation, then
imported by a background task a chunk of cases at a time (`cases.tasks.run_import`, run by `sirkel
db_worker`), its progress written to the job as it goes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sirkel.core.models import TimeStampedModel


class ImportStatus(models.TextChoices):
    READY = "ready", _("Checked, waiting for confirmation")
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Stopped")


class ImportJob(TimeStampedModel):
    """One uploaded file. `records` holds its checked rows, each case's rows together, until the import
    is done (then they are cleared: the cases hold the data)."""

    service = models.ForeignKey("accounts.Service", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible caseworker"),
    )
    # Who confirmed it: the task imports as them (the audit events' actor, the decisions' registrar).
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    task_id = models.CharField(max_length=64, blank=True)  # the task that runs it, once confirmed
    filename = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.READY)
    records = models.JSONField(default=list)
    rows = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)  # cases in the file
    done = models.PositiveIntegerField(default=0)  # cases imported so far
    next_record = models.PositiveIntegerField(default=0)
    preview = models.JSONField(default=dict)  # what the check said it would do
    result = models.JSONField(default=dict)  # what it has done so far
    errors = models.JSONField(default=list)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in ImportStatus]), name="import_job_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(done__lte=models.F("total")), name="import_job_done_le_total"
            ),
        ]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    @property
    def is_active(self) -> bool:
        """Confirmed and not finished: its page polls for progress."""
        return self.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)

    def __str__(self) -> str:
        return f"import {self.pk} into service {self.service_id} ({self.status})"
