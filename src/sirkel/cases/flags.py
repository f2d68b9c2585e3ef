"""What a case page needs to know before it asks more: does the case have assignments, measures, a plan…

Each flag is one scalar subquery over the case's id, and a page asks for the ones it needs in a single
plain statement. These used to be ORM annotations on the query that fetches the case; building six
`Exists`/`Subquery` expressions cost the ORM 1.4 ms per page, forty times what the database took to
answer them (bench/README.md). A test checks every flag against its ORM form.
"""

# ruff: noqa: S608 - the table names come from the models; the values are parameters

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import connection

from sirkel.cases.models import Case, CaseAssignment, Decision, Innsyn, Measure, MeasurePlan


def _table(model: Any) -> str:
    return str(model._meta.db_table)


# name -> (SQL over one `%s`, the case's id; how to read the value). Table names come from the models.
FLAGS: dict[str, str] = {
    "has_assignments": f"EXISTS (SELECT 1 FROM {_table(CaseAssignment)} WHERE case_id = %s LIMIT 1)",
    "has_measures": f"EXISTS (SELECT 1 FROM {_table(Measure)} WHERE case_id = %s LIMIT 1)",
    "has_decisions": f"EXISTS (SELECT 1 FROM {_table(Decision)} WHERE case_id = %s LIMIT 1)",
    "has_handovers": (
        f"EXISTS (SELECT 1 FROM {_table(Innsyn)} WHERE case_id = %s AND handed_over_on IS NOT NULL)"
    ),
    "plan_version": f"(SELECT version FROM {_table(MeasurePlan)} WHERE case_id = %s LIMIT 1)",
    "plan_next": f"(SELECT next_evaluation_on FROM {_table(MeasurePlan)} WHERE case_id = %s LIMIT 1)",
}
_BOOLEAN = frozenset(name for name in FLAGS if name.startswith("has_"))
_DATES = frozenset({"plan_next"})


def set_flags(case: Case, names: Iterable[str]) -> None:
    """Ask the database for the named flags of `case` in one statement and set them on it."""
    wanted = list(dict.fromkeys(names))
    if not wanted:
        return
    sql = "SELECT " + ", ".join(FLAGS[name] for name in wanted)
    with connection.cursor() as cursor:
        cursor.execute(sql, [case.pk] * len(wanted))
        row = cursor.fetchone()
    for name, value in zip(wanted, row, strict=True):
        setattr(case, name, _read(name, value))


def _read(name: str, value: Any) -> Any:
    if name in _BOOLEAN:
        return bool(value)
    if name in _DATES and isinstance(value, str):  # SQLite answers a date column as its ISO text
        return datetime.date.fromisoformat(value)
    return value
