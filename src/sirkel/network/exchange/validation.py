"""Row validation: every cell of the people and ties files checked and every tie resolved."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from sirkel.network.exchange.problems import ProblemList, TableFile, quoted, row_message, shown
from sirkel.network.exchange.reading import check_header, read_csv, unzip
from sirkel.network.exchange.schema import (
    CONTROL_CHARS,
    FALSE_WORDS,
    MAX_ID_CHARS,
    MAX_PEOPLE,
    MAX_TIES,
    PEOPLE_ATTRIBUTES,
    PEOPLE_ID_COLUMNS,
    PERSON_CHOICES,
    SUPPORT_PREFIX,
    TEXT_LIMITS,
    TIE_ATTRIBUTES,
    TIE_ID_COLUMNS,
    TIE_KINDS,
    TRUE_WORDS,
)
from sirkel.network.models import RINGS, SupportType


@dataclass(frozen=True)
class ParsedPerson:
    row: int
    fields: dict[str, Any]


@dataclass(frozen=True)
class ParsedTie:
    row: int
    a: int  # index into ParsedNetwork.people
    b: int
    kind: str


@dataclass(frozen=True)
class ParsedNetwork:
    people: list[ParsedPerson]
    ties: list[ParsedTie]
    people_file: str
    ties_file: str


class _RowChecker:
    """Reads typed values out of one row, adding a problem for each bad cell."""

    def __init__(self, table: TableFile, row: int, values: dict[str, str], problems: ProblemList) -> None:
        self.table, self.row, self.values, self.problems = table, row, values, problems
        self.ok = True

    def fail(self, column: str, message: str) -> None:
        self.ok = False
        self.problems.add(
            row_message(self.table, self.row, message),
            filename=self.table.filename,
            row=self.row,
            column=column,
        )

    def raw(self, column: str) -> str:
        return self.values.get(column, "").strip()

    def text(self, column: str, *, required: bool = False) -> str:
        value = self.values.get(column, "").strip()
        if required and not value:
            self.fail(column, _("%(column)s must not be empty.") % {"column": quoted(column)})
        elif CONTROL_CHARS.search(value):
            self.fail(column, _("%(column)s contains control characters.") % {"column": quoted(column)})
        elif len(value) > TEXT_LIMITS.get(column, MAX_ID_CHARS):
            self.fail(
                column,
                _("%(column)s is longer than %(limit)s characters.")
                % {"column": quoted(column), "limit": TEXT_LIMITS.get(column, MAX_ID_CHARS)},
            )
        return value

    def choice(self, column: str, allowed: Sequence[str]) -> str:
        value = self.raw(column).lower()
        if value not in allowed:
            shown = [v if v else _("(empty)") for v in allowed]
            self.fail(
                column,
                _("%(column)s must be one of: %(values)s.")
                % {"column": quoted(column), "values": ", ".join(shown)},
            )
        return value

    def boolean(self, column: str) -> bool:
        value = self.raw(column).lower()
        if value in TRUE_WORDS:
            return True
        if value not in FALSE_WORDS:
            self.fail(column, _("%(column)s must be true or false.") % {"column": quoted(column)})
        return False

    def ring(self, column: str = "ring") -> int:
        value = self.raw(column)
        if value not in {str(r) for r in RINGS}:
            self.fail(column, _("%(column)s must be 1, 2 or 3.") % {"column": quoted(column)})
            return RINGS[0]
        return int(value)


def _parse_people(
    table: TableFile, rows: list[tuple[int, dict[str, str]]], problems: ProblemList, ego_id: str
) -> tuple[list[ParsedPerson], dict[str, dict[str, int]]]:
    """Validated people, and for each id column a map from the id in the file to the person's index."""
    people: list[ParsedPerson] = []
    index: dict[str, dict[str, int]] = {"networkCanvasUUID": {}, "nodeID": {}}
    first_row: dict[str, dict[str, int]] = {"networkCanvasUUID": {}, "nodeID": {}}
    for number, values in rows:
        check = _RowChecker(table, number, values, problems)
        ids: dict[str, str] = {}
        for column in ("networkCanvasUUID", "nodeID"):
            value = check.text(column)
            if value and value in index[column]:
                check.fail(
                    column,
                    _("%(column)s %(value)s is already used in row %(first)s.")
                    % {"column": quoted(column), "value": shown(value), "first": first_row[column][value]},
                )
            elif value:
                ids[column] = value
        if not ids and check.ok:
            check.fail(
                "networkCanvasUUID",
                _("the person needs a “networkCanvasUUID” or a “nodeID” so that ties can refer to them."),
            )
        _check_ego(check, ego_id)
        fields: dict[str, Any] = {
            "name": check.text("name", required=True),
            "side": check.choice("side", PERSON_CHOICES["side"]),
            "sector": check.choice("sector", PERSON_CHOICES["sector"]),
            "relation": check.text("relation"),
            "ring": check.ring(),
            "support": [s.value for s in SupportType if check.boolean(f"{SUPPORT_PREFIX}{s.value}")],
            "valence": check.choice("valence", PERSON_CHOICES["valence"]),
            "direction": check.choice("direction", PERSON_CHOICES["direction"]),
            "contact_frequency": check.choice("contact_frequency", PERSON_CHOICES["contact_frequency"]),
            "lives_abroad": check.boolean("lives_abroad"),
            "language": check.text("language"),
            "interpreter_needed": check.boolean("interpreter_needed"),
            "note": check.text("note"),
        }
        if check.ok:
            for column, value in ids.items():
                index[column][value] = len(people)
                first_row[column][value] = number
            people.append(ParsedPerson(row=number, fields=fields))
        else:
            # Keep the ids of a bad row, so its ties are not reported a second time as dangling.
            for column, value in ids.items():
                index[column].setdefault(value, -1)
                first_row[column].setdefault(value, number)
    return people, index


def _check_ego(check: _RowChecker, ego_id: str) -> None:
    value = check.raw("networkCanvasEgoUUID")
    if ego_id and value and value != ego_id:
        check.fail(
            "networkCanvasEgoUUID",
            _("%(column)s differs from the ego file: the zip must hold one network only.")
            % {"column": quoted("networkCanvasEgoUUID")},
        )


def _parse_ties(
    table: TableFile,
    rows: list[tuple[int, dict[str, str]]],
    problems: ProblemList,
    index: dict[str, dict[str, int]],
    ego_id: str,
) -> list[ParsedTie]:
    ties: list[ParsedTie] = []
    pairs: dict[tuple[int, int], int] = {}
    for number, values in rows:
        check = _RowChecker(table, number, values, problems)
        _check_ego(check, ego_id)
        ends: list[int | None] = []
        for uuid_column, node_column in (
            ("networkCanvasSourceUUID", "from"),
            ("networkCanvasTargetUUID", "to"),
        ):
            ends.append(_tie_end(check, index, uuid_column, node_column))
        kind = check.choice("kind", TIE_KINDS)
        a, b = ends
        if a is None or b is None or not check.ok:
            continue
        if a == b:
            check.fail(
                "to",
                _("%(column)s and %(other)s name the same person; a tie needs two different people.")
                % {"column": quoted("from"), "other": quoted("to")},
            )
            continue
        pair = (min(a, b), max(a, b))
        if pair in pairs:
            check.fail(
                "to",
                _("%(column)s and %(other)s name two people who are already tied in row %(first)s.")
                % {"column": quoted("from"), "other": quoted("to"), "first": pairs[pair]},
            )
            continue
        pairs[pair] = number
        ties.append(ParsedTie(row=number, a=a, b=b, kind=kind))
    return ties


def _tie_end(
    check: _RowChecker, index: dict[str, dict[str, int]], uuid_column: str, node_column: str
) -> int | None:
    """The person one end of a tie refers to, by UUID or nodeID (both, if given, must agree)."""
    found: dict[str, int] = {}
    for column, kind in ((uuid_column, "networkCanvasUUID"), (node_column, "nodeID")):
        value = check.raw(column)
        if not value:
            continue
        if value not in index[kind]:
            check.fail(
                column,
                _("%(column)s %(value)s refers to a person who is not in the file of people.")
                % {"column": quoted(column), "value": shown(value)},
            )
            return None
        found[column] = index[kind][value]
    if not found:
        check.fail(
            node_column,
            _("%(column)s or %(other)s must name a person.")
            % {"column": quoted(uuid_column), "other": quoted(node_column)},
        )
        return None
    if len(set(found.values())) > 1:
        check.fail(
            node_column,
            _("%(column)s and %(other)s point to different people.")
            % {"column": quoted(uuid_column), "other": quoted(node_column)},
        )
        return None
    person = next(iter(found.values()))
    return None if person < 0 else person  # -1: the person's own row was bad, already reported


def _ego_id(files: dict[str, tuple[str, bytes]], problems: ProblemList) -> str:
    """The networkCanvasEgoUUID of the ego file, if the zip has one (its attributes are not imported)."""
    if "ego" not in files:
        return ""
    name, content = files["ego"]
    table = TableFile(label=_("the ego file"), filename=name)
    data = read_csv(table, content, problems, max_rows=1)
    if data is None:
        return ""
    if "networkCanvasEgoUUID" not in data.header:
        problems.add(
            row_message(
                table,
                data.header_row,
                _("the column %(column)s is missing.") % {"column": quoted("networkCanvasEgoUUID")},
            ),
            filename=name,
            row=data.header_row,
            column="networkCanvasEgoUUID",
        )
        return ""
    if len(data.rows) != 1:
        problems.add(_("%(file)s must have one row: the child.") % {"file": name}, filename=name)
        return ""
    return data.rows[0][1]["networkCanvasEgoUUID"].strip()


def _people_file(
    files: dict[str, tuple[str, bytes]], problems: ProblemList, ego_id: str
) -> tuple[list[ParsedPerson], dict[str, dict[str, int]] | None]:
    """The people, and the index ties resolve against (None when the file could not be read at all)."""
    name, content = files["people"]
    table = TableFile(label=_("people"), filename=name)
    data = read_csv(table, content, problems, max_rows=MAX_PEOPLE)
    if data is None or not check_header(
        table,
        data,
        problems,
        required=PEOPLE_ATTRIBUTES,
        optional=PEOPLE_ID_COLUMNS,
        identifiers=(("nodeID",), ("networkCanvasUUID",)),
    ):
        return [], None
    return _parse_people(table, data.rows, problems, ego_id)


def _ties_file(
    files: dict[str, tuple[str, bytes]],
    problems: ProblemList,
    ego_id: str,
    index: dict[str, dict[str, int]] | None,
) -> list[ParsedTie]:
    if "ties" not in files:
        return []
    name, content = files["ties"]
    table = TableFile(label=_("ties"), filename=name)
    data = read_csv(table, content, problems, max_rows=MAX_TIES)
    if data is None or not check_header(
        table,
        data,
        problems,
        required=TIE_ATTRIBUTES,
        optional=TIE_ID_COLUMNS,
        identifiers=(("from", "to"), ("networkCanvasSourceUUID", "networkCanvasTargetUUID")),
    ):
        return []
    if index is None:
        return []  # without a readable file of people every tie would be reported as dangling
    return _parse_ties(table, data.rows, problems, index, ego_id)


def parse_csv_zip(data: bytes) -> ParsedNetwork:
    """Check a whole uploaded zip without touching the database.

    Raises ImportRejected listing every problem found (up to a cap), so the user can mend them all at once.
    """
    problems = ProblemList()
    files = unzip(data, problems)
    problems.raise_if_any()
    ego_id = _ego_id(files, problems)
    people, index = _people_file(files, problems, ego_id)
    ties = _ties_file(files, problems, ego_id, index)
    problems.raise_if_any()
    return ParsedNetwork(
        people=people, ties=ties, people_file=files["people"][0], ties_file=files.get("ties", ("", b""))[0]
    )
