"""The audit app; its system check refuses to start with an audit key that cannot be read."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def check_audit_keys(**kwargs: Any) -> list[checks.CheckMessage]:
    """The audit keys decode and are long enough (settings.py has required one in production)."""
    from sirkel.audit.keys import keyring

    try:
        keyring()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="audit.E001")]
    return []


class AuditConfig(AppConfig):
    name = "sirkel.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        checks.register(check_audit_keys, checks.Tags.security)
