"""Years of dates as database expressions, written the same way in the measure index and in the reads
that must match it (SQLite uses an index on an expression only for the identical expression)."""

from __future__ import annotations

from typing import Any

from django.db.models import Func, IntegerField

OPEN_END_YEAR = 9999  # the end year of a period with no end: after every year counted
_YEAR = "CAST(EXTRACT(YEAR FROM %(expressions)s) AS integer)"
_YEAR_SQLITE = "CAST(substr(%(expressions)s, 1, 4) AS integer)"  # a date is ISO text there


def year_sql(column: str, *, vendor: str) -> str:
    """`YearOf` as SQL text for a (quoted) column, for statements the ORM cannot write."""
    return (_YEAR_SQLITE if vendor == "sqlite" else _YEAR) % {"expressions": column}


class YearOf(Func):
    """The year of a date. On SQLite, where a date is ISO text, its first four characters (Django's
    `ExtractYear` calls a Python function there for every row, and cannot be indexed)."""

    template = _YEAR
    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(compiler, connection, template=_YEAR_SQLITE, **extra_context)


class EndYear(Func):
    """The year a period ends, `OPEN_END_YEAR` when it has no end (ongoing)."""

    template = f"COALESCE({_YEAR}, {OPEN_END_YEAR})"
    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(
            compiler, connection, template=f"COALESCE({_YEAR_SQLITE}, {OPEN_END_YEAR})", **extra_context
        )
