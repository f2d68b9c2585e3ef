"""The sensible range for a meeting's dates: a date far in the past or the future is a typing error (year 1
or 9999), and would break the pages that compute with it. Used by the forms and, again, by the services."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

EARLIEST_MEETING_DAY = date(2000, 1, 1)
"""No meeting in Sirkel is older than this."""

YEARS_AHEAD = 5
"""A meeting is never planned more than this many years ahead."""


def latest_meeting_day(today: date | None = None) -> date:
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def check_meeting_day(value: date | datetime | None) -> None:
    """Refuse a meeting day before 2000 or more than five years ahead. A datetime is taken on its own day."""
    if value is None:
        return
    day = value.date() if isinstance(value, datetime) else value
    latest = latest_meeting_day()
    if not EARLIEST_MEETING_DAY <= day <= latest:
        raise ValidationError(
            _("Choose a date between %(earliest)s and %(latest)s.")
            % {
                "earliest": formats.date_format(EARLIEST_MEETING_DAY, "SHORT_DATE_FORMAT"),
                "latest": formats.date_format(latest, "SHORT_DATE_FORMAT"),
            },
            code="out_of_range",
        )
