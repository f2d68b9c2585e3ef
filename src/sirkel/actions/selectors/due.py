"""The one definition of overdue and due soon, and the flags every action list carries."""

from __future__ import annotations

import datetime

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone

from sirkel.actions.models import Action, ActionStatus
from sirkel.meetings.models import SeriesStatus

# An open action whose due date is at most this many days ahead is "due soon".
DUE_SOON_DAYS = 7
# Measures still running: their plans are followed up and reminded about.
OPEN_MEASURE_STATUSES = (SeriesStatus.SCREENING, SeriesStatus.PREPARING, SeriesStatus.ACTIVE)


def today() -> datetime.date:
    return timezone.localdate()


# --- The one definition of overdue and due soon -------------------------------------------------------


def overdue_q(*, on: datetime.date, prefix: str = "") -> Q:
    """An action is overdue when it is still open and its due date has passed."""
    return Q(**{f"{prefix}status": ActionStatus.OPEN, f"{prefix}due_on__lt": on})


def due_soon_q(*, on: datetime.date, prefix: str = "", days: int = DUE_SOON_DAYS) -> Q:
    """Still open and due today or within `days` days."""
    return Q(
        **{
            f"{prefix}status": ActionStatus.OPEN,
            f"{prefix}due_on__gte": on,
            f"{prefix}due_on__lte": on + datetime.timedelta(days=days),
        }
    )


def with_flags(qs: QuerySet[Action], *, on: datetime.date) -> QuerySet[Action]:
    """Annotate `is_overdue` and `is_due_soon` from the definitions above."""
    return qs.annotate(
        is_overdue=ExpressionWrapper(overdue_q(on=on), output_field=BooleanField()),
        is_due_soon=ExpressionWrapper(due_soon_q(on=on), output_field=BooleanField()),
    )


def action_rows(qs: QuerySet[Action]) -> QuerySet[Action]:
    return qs.select_related("owner_member", "owner_user", "meeting__series__measure")  # the meeting's name
