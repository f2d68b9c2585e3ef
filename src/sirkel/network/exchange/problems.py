"""What is wrong with an uploaded file: problems, collected up to a cap, and their wording."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from sirkel.network.exchange.schema import MAX_PROBLEMS, MAX_UPLOAD_BYTES


@dataclass(frozen=True)
class Problem:
    """Something wrong with an uploaded file. `row` counts as a spreadsheet does: the header is row 1."""

    message: str
    filename: str = ""
    row: int | None = None
    column: str = ""

    def __str__(self) -> str:
        return self.message


class ImportRejected(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the import file")
        self.problems = problems


class ProblemList:
    """Collects problems up to a cap, so a hostile or badly broken file cannot flood the page."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, message: str, *, filename: str = "", row: int | None = None, column: str = "") -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(Problem(message=message, filename=filename, row=row, column=column))

    def raise_if_any(self) -> None:
        if self.items:
            raise ImportRejected(self.items)


@dataclass(frozen=True)
class TableFile:
    label: str
    filename: str


def shown(value: str, limit: int = 60) -> str:
    """A value from the file, made safe to repeat in a message: one line, no control characters, short."""
    value = re.sub(r"[\x00-\x1f\x7f]", " ", value)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def quoted(column: str) -> str:
    return _("“%(column)s”") % {"column": shown(column)}


def row_message(table: TableFile, row: int, problem: str) -> str:
    return _("Row %(row)s in %(table)s (%(file)s): %(problem)s") % {
        "row": row,
        "table": table.label,
        "file": table.filename,
        "problem": problem,
    }


def too_large_message() -> str:
    return _(
        "The file is larger than %(limit)s. A network export is far smaller: is this the right file?"
    ) % {"limit": filesizeformat(MAX_UPLOAD_BYTES)}
