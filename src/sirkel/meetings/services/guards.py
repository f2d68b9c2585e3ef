"""Rules every write to a measure obeys."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from sirkel.accounts.models import User
from sirkel.audit.services import record_event
from sirkel.meetings.models import Measure
from sirkel.meetings.selectors import measure_access


def require(*, user: User, measure: Measure, what: str = "edit") -> None:
    """`what` is edit (the caseworker side) or run (also the meeting leader)."""
    access = measure_access(user=user, measure=measure)
    if not (access.can_edit if what == "edit" else access.can_run_meetings):
        raise PermissionDenied


def ensure_open(*, measure: Measure) -> None:
    """Withdrawn consent stops the process: nothing more may be planned or recorded."""
    if measure.is_stopped:
        raise ValidationError(_("Consent has been withdrawn: this measure is stopped and cannot be changed."))


def audit(
    *, user: User, measure: Measure, action: str, object_type: str, object_id: int, **detail: Any
) -> None:
    record_event(
        actor=user,
        service=measure.case.service_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail={"case": measure.case_id, "measure": measure.pk, **detail},
    )
