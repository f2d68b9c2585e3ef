"""The audit trail: append-only, hash-chained events for every read and write of case data."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    VIEW = "view", _("Opened")
    LIST = "list", _("Listed")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    BREAK_GLASS = "break_glass", _("Break-glass access")
    EXPORT = "export", _("Exported")
    IMPORT = "import", _("Imported")
    GENERATE = "generate", _("Generated synthetic data")


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")


GLOBAL_CHAIN = 0


class AuditEvent(models.Model):
    """One audited access, in its service's chain (`chain` = the service's id; 0 for events of no service).

    `hash` is an HMAC, under the key `key_id` names, of the fields below and `prev_hash`, the previous
    event's hash in the same chain.
    """

    chain = models.PositiveBigIntegerField(default=GLOBAL_CHAIN)
    seq = models.PositiveBigIntegerField()
    created_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_username = models.CharField(max_length=150, blank=True)
    service = models.ForeignKey(
        "accounts.Service", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=50)
    object_id = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)
    key_id = models.CharField(max_length=16, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="audit_chain_seq_unique")]
        indexes = [
            models.Index(fields=["object_type", "object_id", "seq"], name="audit_object_idx"),
            models.Index(fields=["service", "action", "seq"], name="audit_service_action_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")


class AuditChainHead(models.Model):
    """The end of one chain (`id` = the chain: a service's id, 0 for the global chain).

    Locking the row (SELECT … FOR UPDATE) orders concurrent writers of the same chain while other
    services' chains are written in parallel; comparing it with the last event reveals events removed
    from the end of the chain. `key_id` is the key its last event was signed with, so that the first
    event under a new key records the key's period.
    """

    id = models.PositiveBigIntegerField(primary_key=True)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    key_id = models.CharField(max_length=16, blank=True)

    def __str__(self) -> str:
        return f"audit chain {self.id} head #{self.last_seq}"


class AuditKeyPeriod(models.Model):
    """When an audit key was in use: begun by its first event, ended by the first event of the next key.

    A record for the people who keep the keys: which key (by id, never the key) verifies which events.
    """

    key_id = models.CharField(max_length=16, unique=True)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at"]

    def __str__(self) -> str:
        return f"audit key {self.key_id}"
