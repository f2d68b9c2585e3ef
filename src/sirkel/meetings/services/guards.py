"""Rules every write to a measure obeys."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from sirkel.accounts.models import User
from sirkel.audit.services import record_event
from sirkel.cases.access import series_access
from sirkel.meetings.models import Series


def require(*, user: User, series: Series, what: str = "edit") -> None:
    """`what` is edit (the caseworker side) or run (also the meeting leader)."""
    access = series_access(user=user, series=series)
    if not (access.can_edit if what == "edit" else access.can_run_meetings):
        raise PermissionDenied


def ensure_open(*, series: Series) -> None:
    """Withdrawn consent stops the process: nothing more may be planned or recorded."""
    if series.is_stopped:
        raise ValidationError(_("Consent has been withdrawn: this measure is stopped and cannot be changed."))


def ensure_running(*, series: Series) -> None:
    """Stopped, ended or never started: nothing more happens in the measure."""
    ensure_open(series=series)
    if not series.is_open:
        raise ValidationError(_("This measure has ended and cannot be changed."))


def audit(
    *, user: User, series: Series, action: str, object_type: str, object_id: int, **detail: Any
) -> None:
    record_event(
        actor=user,
        service=series.case.service_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail={"case": series.case_id, "series": series.pk, **detail},
    )
