"""Abstract base models shared by the domain apps."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Submission(models.Model):
    """A form submission already handled, by its one-time token, so the same POST sent twice (a double
    click, a resent request) creates nothing more. See `core.submissions`. Rows older than a day are
    removed as new ones arrive."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=36)
    digest = models.CharField(max_length=64)  # of what was sent: the same token with other data is new
    result_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "token", "digest"], name="submission_once_per_user")
        ]
        indexes = [models.Index(fields=["created_at"], name="submission_created_idx")]

    def __str__(self) -> str:
        return f"submission {self.pk}"
