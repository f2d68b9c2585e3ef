"""Reads of the audit trail for leaders."""

from __future__ import annotations

from django.db.models import QuerySet

from sirkel.audit.models import AuditEvent


def case_access_log(*, case_id: int) -> QuerySet[AuditEvent]:
    """Every event on one case, newest first. The caller checks that the user leads the case's service."""
    return (
        AuditEvent.objects.filter(object_type="case", object_id=str(case_id))
        .select_related("actor")
        .order_by("-id")
    )
