"""Row validation: the interview chosen, every cell of the people and ties files checked, every tie resolved.

Two readings of the same shape. A file in Sirkel's own format (its protocol name is Sirkel's, or the zip
has no ego file, as when someone writes the files by hand) is checked strictly: every Sirkel column must be
there and every value must be one Sirkel takes. A real Network Canvas export carries its protocol's own
variables instead: Sirkel's columns are then optional (the model's defaults fill in), a value Sirkel cannot
take is kept in the note, and so is every variable Sirkel does not know, as "column: value" lines. In both
readings a column Sirkel does not know is kept in the note, never refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from sirkel.network.exchange.problems import ProblemList, TableFile, quoted, row_message, shown
from sirkel.network.exchange.reading import CsvData, ZipFile, check_header, read_csv, unzip
from sirkel.network.exchange.schema import (
    CONTROL_CHARS,
    FALSE_WORDS,
    MAX_ID_CHARS,
    MAX_INTERVIEWS,
    MAX_PEOPLE,
    MAX_ROWS_READ,
    MAX_TIES,
    PEOPLE_ATTRIBUTES,
    PEOPLE_ID_COLUMNS,
    PERSON_CHOICES,
    PROTOCOL_NAME,
    SUPPORT_PREFIX,
    TEXT_LIMITS,
    TIE_ATTRIBUTES,
    TIE_ID_COLUMNS,
    TIE_KINDS,
    TRUE_WORDS,
)
from sirkel.network.models import MAX_NOTE_CHARS, RINGS, NetworkMember, SupportType

# Columns a protocol may use for the person's name when it has no `name` variable (compared in lower case).
NAME_COLUMNS = ("name", "navn", "label", "nickname", "first_name", "firstname", "fornavn")
MAX_INTERVIEWS_SHOWN = 20


@dataclass(frozen=True)
class Interview:
    """One interview (session) in the zip, as its ego row describes it."""

    ego_uuid: str
    case_id: str = ""
    session_id: str = ""
    protocol: str = ""

    def describe(self) -> str:
        if self.case_id and self.session_id:
            return _("%(case)s (session %(session)s)") % {
                "case": shown(self.case_id),
                "session": shown(self.session_id),
            }
        return shown(self.case_id or self.session_id or self.ego_uuid)


@dataclass(frozen=True)
class ParsedPerson:
    row: int
    fields: dict[str, Any]
    file: str = ""


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
    interview: Interview | None = None
    own_format: bool = True
    kept_columns: tuple[str, ...] = ()  # columns Sirkel does not know, kept in the people's notes
    dropped_tie_columns: tuple[str, ...] = ()  # a tie has no note: these are not imported
    skipped_files: tuple[str, ...] = ()
    merged_ties: int = 0  # the same two people tied in several edge types: one tie in Sirkel
    shortened_notes: int = 0


class _RowChecker:
    """Reads typed values out of one row, adding a problem for each bad cell.

    When `lenient`, a value Sirkel cannot take is not a problem: the default is used and the value kept.
    """

    def __init__(
        self, table: TableFile, row: int, values: dict[str, str], problems: ProblemList, *, lenient: bool
    ) -> None:
        self.table, self.row, self.values, self.problems = table, row, values, problems
        self.lenient = lenient
        self.ok = True
        self.kept: list[str] = []

    def fail(self, column: str, message: str) -> None:
        self.ok = False
        self.problems.add(
            row_message(self.table, self.row, message),
            filename=self.table.filename,
            row=self.row,
            column=column,
        )

    def bad_value(self, column: str, message: str) -> None:
        if self.lenient:
            self.kept.append(f"{column}: {_clean(self.values.get(column, ''))}")
        else:
            self.fail(column, message)

    def raw(self, column: str) -> str:
        return self.values.get(column, "").strip()

    def text(self, column: str, *, required: bool = False) -> str:
        value = self.values.get(column, "").strip()
        limit = TEXT_LIMITS.get(column, MAX_ID_CHARS)
        if required and not value:
            self.fail(column, _("%(column)s must not be empty.") % {"column": quoted(column)})
            return value
        if CONTROL_CHARS.search(value):
            if not self.lenient:
                self.fail(column, _("%(column)s contains control characters.") % {"column": quoted(column)})
                return value
            value = _clean(value)
        if len(value) > limit:
            self.bad_value(
                column,
                _("%(column)s is longer than %(limit)s characters.")
                % {"column": quoted(column), "limit": limit},
            )
            value = value[: limit - 1] + "…"
        return value

    def identifier(self, column: str) -> str:
        """An id from the file: only used to connect people and ties, so it is never shortened."""
        value = self.raw(column)
        if CONTROL_CHARS.search(value):
            self.fail(column, _("%(column)s contains control characters.") % {"column": quoted(column)})
        elif len(value) > MAX_ID_CHARS:
            self.fail(
                column,
                _("%(column)s is longer than %(limit)s characters.")
                % {"column": quoted(column), "limit": MAX_ID_CHARS},
            )
        return value

    def choice(self, column: str, allowed: Sequence[str]) -> str:
        value = self.raw(column).lower()
        if column not in self.values and self.lenient:
            return _default(column)
        if value not in allowed:
            shown_values = [v if v else _("(empty)") for v in allowed]
            self.bad_value(
                column,
                _("%(column)s must be one of: %(values)s.")
                % {"column": quoted(column), "values": ", ".join(shown_values)},
            )
            return _default(column)
        return value

    def boolean(self, column: str) -> bool:
        value = self.raw(column).lower()
        if value in TRUE_WORDS:
            return True
        if value not in FALSE_WORDS:
            self.bad_value(column, _("%(column)s must be true or false.") % {"column": quoted(column)})
        return False

    def ring(self, column: str = "ring") -> int:
        value = self.raw(column)
        if column not in self.values and self.lenient:
            return int(_default(column))
        if value not in {str(r) for r in RINGS}:
            self.bad_value(column, _("%(column)s must be 1, 2 or 3.") % {"column": quoted(column)})
            return int(_default(column))
        return int(value)


def _default(column: str) -> str:
    """The model's default for a person's column, as text; a tie's kind defaults to "know each other"."""
    if column == "kind":
        return ""
    model_field = NetworkMember._meta.get_field(column)
    if not isinstance(model_field, models.Field):
        raise TypeError(f"{column} is not a column of a person")
    return str(model_field.get_default())


def _clean(value: str) -> str:
    return CONTROL_CHARS.sub(" ", value).strip()


def _person_name(check: _RowChecker, unknown: list[str], node_type: str, node_id: str) -> str:
    """The name: the `name` column; for a Network Canvas protocol without one, a column that looks like it."""
    if not check.lenient:
        return check.text("name", required=True)
    name = check.text("name")
    if name:
        return name
    for column in unknown:
        if column.strip().lower() in NAME_COLUMNS and check.raw(column):
            value = _clean(check.raw(column))
            return value if len(value) <= TEXT_LIMITS["name"] else value[: TEXT_LIMITS["name"] - 1] + "…"
    label = node_type or _("Person")
    return shown(f"{label} {node_id}".strip(), limit=TEXT_LIMITS["name"])


def _note(check: _RowChecker, unknown: list[str], extra: list[str]) -> tuple[str, bool]:
    """The note column with the kept values after it; True if it had to be shortened to fit."""
    note = check.text("note") if "note" in check.values else ""
    lines = list(extra)
    lines += [f"{column}: {_clean(check.raw(column))}" for column in unknown if column and check.raw(column)]
    lines += check.kept
    if lines:
        block = "\n".join([_("From the imported file:"), *lines])
        note = f"{note}\n\n{block}" if note else block
    if len(note) > MAX_NOTE_CHARS:
        return note[: MAX_NOTE_CHARS - 1] + "…", True
    return note, False


@dataclass
class _People:
    people: list[ParsedPerson] = field(default_factory=list)
    index: dict[str, dict[str, int]] = field(default_factory=lambda: {"networkCanvasUUID": {}, "nodeID": {}})
    first_row: dict[str, dict[str, tuple[str, int]]] = field(
        default_factory=lambda: {"networkCanvasUUID": {}, "nodeID": {}}
    )
    kept_columns: list[str] = field(default_factory=list)
    shortened: int = 0
    readable: bool = True


def _parse_people(
    people: _People,
    table: TableFile,
    rows: list[tuple[int, dict[str, str]]],
    problems: ProblemList,
    *,
    unknown: list[str],
    lenient: bool,
    node_type: str,
) -> None:
    """Validated people added to `people`, with a map from each id column's ids to the person's index."""
    for column in unknown:
        if column and column not in people.kept_columns:
            people.kept_columns.append(column)
    for number, values in rows:
        check = _RowChecker(table, number, values, problems, lenient=lenient)
        ids: dict[str, str] = {}
        for column in ("networkCanvasUUID", "nodeID"):
            value = check.identifier(column)
            if value and value in people.index[column]:
                first_file, first = people.first_row[column][value]
                where = str(first) if first_file == table.filename else f"{first} ({first_file})"
                check.fail(
                    column,
                    _("%(column)s %(value)s is already used in row %(first)s.")
                    % {"column": quoted(column), "value": shown(value), "first": where},
                )
            elif value:
                ids[column] = value
        if not ids and check.ok:
            check.fail(
                "networkCanvasUUID",
                _("the person needs a “networkCanvasUUID” or a “nodeID” so that ties can refer to them."),
            )
        extra = [_("Node type: %(type)s") % {"type": node_type}] if node_type and lenient else []
        fields: dict[str, Any] = {
            "name": _person_name(check, unknown, node_type, ids.get("nodeID", "")),
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
        }
        fields["note"], shortened = _note(check, unknown, extra)
        people.shortened += shortened
        if check.ok:
            for column, value in ids.items():
                people.index[column][value] = len(people.people)
                people.first_row[column][value] = (table.filename, number)
            people.people.append(ParsedPerson(row=number, fields=fields, file=table.filename))
        else:
            # Keep the ids of a bad row, so its ties are not reported a second time as dangling.
            for column, value in ids.items():
                people.index[column].setdefault(value, -1)
                people.first_row[column].setdefault(value, (table.filename, number))


@dataclass
class _Ties:
    ties: list[ParsedTie] = field(default_factory=list)
    pairs: dict[tuple[int, int], tuple[str, int, int]] = field(default_factory=dict)  # file, row, index
    dropped_columns: list[str] = field(default_factory=list)
    merged: int = 0


def _parse_ties(
    ties: _Ties,
    table: TableFile,
    rows: list[tuple[int, dict[str, str]]],
    problems: ProblemList,
    index: dict[str, dict[str, int]],
    *,
    lenient: bool,
    edge_type: str,
) -> None:
    # An edge type named like one of Sirkel's kinds of tie gives the kind, when the file has no `kind`.
    type_kind = edge_type.strip().lower() if edge_type.strip().lower() in TIE_KINDS else ""
    for number, values in rows:
        check = _RowChecker(table, number, values, problems, lenient=lenient)
        ends: list[int | None] = []
        for uuid_column, node_column in (
            ("networkCanvasSourceUUID", "from"),
            ("networkCanvasTargetUUID", "to"),
        ):
            ends.append(_tie_end(check, index, uuid_column, node_column))
        kind = check.choice("kind", TIE_KINDS) if "kind" in values else type_kind
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
        if pair in ties.pairs:
            first_file, first, position = ties.pairs[pair]
            if lenient:
                # Network Canvas keeps one edge per type (and direction); Sirkel has one tie per pair.
                ties.merged += 1
                if kind and not ties.ties[position].kind:
                    first_tie = ties.ties[position]
                    ties.ties[position] = ParsedTie(row=first_tie.row, a=pair[0], b=pair[1], kind=kind)
                continue
            where = str(first) if first_file == table.filename else f"{first} ({first_file})"
            check.fail(
                "to",
                _("%(column)s and %(other)s name two people who are already tied in row %(first)s.")
                % {"column": quoted("from"), "other": quoted("to"), "first": where},
            )
            continue
        ties.pairs[pair] = (table.filename, number, len(ties.ties))
        ties.ties.append(ParsedTie(row=number, a=a, b=b, kind=kind))


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


def _interviews(files: list[ZipFile], problems: ProblemList) -> list[Interview]:
    """The interviews the ego files describe, one per row (a merged export has several rows)."""
    found: dict[str, Interview] = {}
    for file in files:
        table = TableFile(label=_("the ego file"), filename=file.name)
        data = read_csv(table, file.content, problems, max_rows=MAX_INTERVIEWS)
        if data is None:
            continue
        if "networkCanvasEgoUUID" not in data.header:
            problems.add(
                row_message(
                    table,
                    data.header_row,
                    _("the column %(column)s is missing.") % {"column": quoted("networkCanvasEgoUUID")},
                ),
                filename=file.name,
                row=data.header_row,
                column="networkCanvasEgoUUID",
            )
            continue
        if not data.rows:
            problems.add(_("%(file)s has no row: it should describe the child.") % {"file": file.name})
        for number, values in data.rows:
            ego = values["networkCanvasEgoUUID"].strip()
            if not ego:
                problems.add(
                    row_message(
                        table, number, _("%(column)s is empty.") % {"column": quoted("networkCanvasEgoUUID")}
                    ),
                    filename=file.name,
                    row=number,
                    column="networkCanvasEgoUUID",
                )
                continue
            found.setdefault(
                ego,
                Interview(
                    ego_uuid=ego,
                    case_id=values.get("networkCanvasCaseID", "").strip(),
                    session_id=values.get("networkCanvasSessionID", "").strip(),
                    protocol=values.get("networkCanvasProtocolName", "").strip(),
                ),
            )
    return list(found.values())


def _choose(interviews: list[Interview], choice: str, problems: ProblemList) -> Interview | None:
    """The interview to import: the only one, or the one `choice` names by case ID, session ID or ego UUID."""
    listed = ", ".join(i.describe() for i in interviews[:MAX_INTERVIEWS_SHOWN])
    if len(interviews) > MAX_INTERVIEWS_SHOWN:
        listed += ", …"
    choice = choice.strip()
    if choice:
        matches = [i for i in interviews if choice in (i.ego_uuid, i.case_id, i.session_id)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            problems.add(
                _(
                    "No interview in the zip has the case ID or session ID %(choice)s. "
                    "It holds: %(interviews)s."
                )
                % {"choice": quoted(choice), "interviews": listed or _("(none)")}
            )
        else:
            problems.add(
                _("Several interviews in the zip have the case ID %(choice)s: give the session ID instead.")
                % {"choice": quoted(choice)}
            )
        return None
    if len(interviews) > 1:
        problems.add(
            _(
                "The zip holds %(count)s interviews; a case has one network. Choose the one to import by its "
                "case ID or session ID: %(interviews)s."
            )
            % {"count": len(interviews), "interviews": listed}
        )
        return None
    return interviews[0] if interviews else None


def _rows_of_interview(
    table: TableFile,
    data: CsvData,
    problems: ProblemList,
    chosen: Interview | None,
    known: set[str],
) -> list[tuple[int, dict[str, str]]]:
    """The rows of the chosen interview; a row of a network the ego files do not describe is a problem."""
    if chosen is None or "networkCanvasEgoUUID" not in data.header:
        return data.rows
    rows = []
    for number, values in data.rows:
        ego = values["networkCanvasEgoUUID"].strip()
        if ego and ego != chosen.ego_uuid:
            if ego not in known:
                problems.add(
                    row_message(
                        table,
                        number,
                        _("%(column)s differs from the ego file: the zip must hold one network only.")
                        % {"column": quoted("networkCanvasEgoUUID")},
                    ),
                    filename=table.filename,
                    row=number,
                    column="networkCanvasEgoUUID",
                )
            continue
        rows.append((number, values))
    return rows


def parse_csv_zip(data: bytes, *, interview: str = "") -> ParsedNetwork:
    """Check a whole uploaded zip without touching the database.

    `interview` names the interview to import (case ID, session ID or ego UUID) when the zip holds several.
    Raises ImportRejected listing every problem found (up to a cap), so the user can mend them all at once.
    """
    problems = ProblemList()
    files = unzip(data, problems)
    problems.raise_if_any()
    interviews = _interviews(files.ego, problems)
    people_data: list[tuple[ZipFile, TableFile, CsvData]] = []
    for file in files.people:
        table = TableFile(label=_("people"), filename=file.name)
        read = read_csv(table, file.content, problems, max_rows=MAX_ROWS_READ)
        if read is not None:
            people_data.append((file, table, read))
    if not files.ego:
        # Without an ego file the rows themselves say which networks the zip holds.
        egos = dict.fromkeys(
            v["networkCanvasEgoUUID"].strip()
            for _f, _t, read in people_data
            for _n, v in read.rows
            if v.get("networkCanvasEgoUUID", "").strip()
        )
        interviews = [Interview(ego_uuid=ego) for ego in egos]
    problems.raise_if_any()
    chosen = _choose(interviews, interview, problems)
    problems.raise_if_any()
    known = {i.ego_uuid for i in interviews}
    own_format = chosen is None or chosen.protocol in ("", PROTOCOL_NAME)
    lenient = not own_format

    people = _People()
    types = {file.entity_type for file, _t, read in people_data if read.rows}
    count = 0
    for file, table, read in people_data:
        unknown = check_header(
            table,
            read,
            problems,
            required=() if lenient else PEOPLE_ATTRIBUTES,
            known=PEOPLE_ID_COLUMNS + PEOPLE_ATTRIBUTES,
            identifiers=(("nodeID",), ("networkCanvasUUID",)),
        )
        if unknown is None:
            people.readable = False
            continue
        rows = _rows_of_interview(table, read, problems, chosen, known)
        count += len(rows)
        if count > MAX_PEOPLE:
            problems.add(
                _("%(file)s has more than %(limit)s rows; Sirkel imports at most that many.")
                % {"file": table.filename, "limit": MAX_PEOPLE},
                filename=table.filename,
            )
            break
        node_type = file.entity_type if len(types) > 1 else ""
        _parse_people(people, table, rows, problems, unknown=unknown, lenient=lenient, node_type=node_type)

    ties = _Ties()
    tie_count = 0
    for file in files.ties:
        table = TableFile(label=_("ties"), filename=file.name)
        read = read_csv(table, file.content, problems, max_rows=MAX_ROWS_READ)
        if read is None:
            continue
        unknown = check_header(
            table,
            read,
            problems,
            required=() if lenient else TIE_ATTRIBUTES,
            known=TIE_ID_COLUMNS + TIE_ATTRIBUTES,
            identifiers=(("from", "to"), ("networkCanvasSourceUUID", "networkCanvasTargetUUID")),
        )
        if unknown is None or not people.readable:
            continue  # without a readable file of people every tie would be reported as dangling
        ties.dropped_columns += [c for c in unknown if c and c not in ties.dropped_columns]
        rows = _rows_of_interview(table, read, problems, chosen, known)
        tie_count += len(rows)
        if tie_count > MAX_TIES:
            problems.add(
                _("%(file)s has more than %(limit)s rows; Sirkel imports at most that many.")
                % {"file": table.filename, "limit": MAX_TIES},
                filename=table.filename,
            )
            break
        _parse_ties(ties, table, rows, problems, people.index, lenient=lenient, edge_type=file.entity_type)
    problems.raise_if_any()
    return ParsedNetwork(
        people=people.people,
        ties=ties.ties,
        people_file=files.people[0].name,
        ties_file=files.ties[0].name if files.ties else "",
        interview=chosen,
        own_format=own_format,
        kept_columns=tuple(people.kept_columns),
        dropped_tie_columns=tuple(ties.dropped_columns),
        skipped_files=tuple(files.skipped),
        merged_ties=ties.merged,
        shortened_notes=people.shortened,
    )
