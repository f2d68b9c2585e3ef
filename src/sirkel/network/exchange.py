"""Exchange of a case's network with network-analysis tools: Network Canvas CSV and GraphML out, CSV in.

Export writes the shape Network Canvas exports, so R (egor, ideanet), Gephi or networkx read it as they
read a Network Canvas interview: an ego table (the child, without name or birth date), an attribute list
of the people and an edge list of the ties. UUIDs are derived from database ids (uuid5), so exporting
the same network twice gives the same identifiers. Contact details (phone, e-mail, address, consent to
contact) are never exported: they exist only for invitations.

Import reads the same CSV zip back into a case and **adds** its people and ties to the case's network:
every person row becomes a new member (ids in the file are only used to resolve the ties, which may
refer to people by networkCanvasUUID or by nodeID); nothing already in the case is changed, matched or
removed; the ego table is checked for consistency but not imported (the case already holds the child).
The file is checked completely before anything is written; then every member is validated by the model
and everything is written in one transaction together with one IMPORT event (counts and the new ids),
so an error anywhere means nothing changes. A rejected file is audited as well.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal
from xml.etree import ElementTree as ET  # noqa: S405 - used to write GraphML only, never to parse input

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sirkel.accounts.models import User
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event
from sirkel.cases.models import Case
from sirkel.cases.selectors import case_access, get_case_for_user
from sirkel.network.models import (
    RINGS,
    ContactFrequency,
    Direction,
    NetworkMember,
    NetworkTie,
    Sector,
    Side,
    SupportType,
    TieKind,
    Valence,
)
from sirkel.network.selectors import network_for_case

ExportFormat = Literal["csv", "graphml"]
FORMATS: tuple[ExportFormat, ...] = ("csv", "graphml")

# A fixed namespace for Sirkel's derived UUIDs; changing it would change every exported identifier.
UUID_NAMESPACE = uuid.UUID("6f0b8e4e-1d0a-5c8e-9a57-3c2f0f8a9b41")
PROTOCOL_NAME = "Sirkel network 1"
NODE_TYPE = "person"
EDGE_TYPE = "tie"

# Limits for uploaded files. A child's network has tens of people; these leave room and stop abuse.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_UNPACKED_FILE_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_TOTAL_BYTES = 10 * 1024 * 1024
MAX_ZIP_ENTRIES = 10
MAX_PEOPLE = 500
MAX_TIES = 2000
MAX_NOTE_CHARS = 10_000
MAX_ID_CHARS = 100
MAX_PROBLEMS = 50

# --- columns -------------------------------------------------------------------------------------

SESSION_COLUMNS = (
    "networkCanvasEgoUUID",
    "networkCanvasCaseID",
    "networkCanvasSessionID",
    "networkCanvasProtocolName",
    "sessionStart",
    "sessionFinish",
    "sessionExported",
)
# The child as ego: no name, birth date, free text or special-category data (minority background,
# parents' cognitive difficulties) — only what describes the network's centre for analysis.
EGO_ATTRIBUTES = ("sex", "age", "birthplace", "lives_with", "children_in_household", "phase")
EGO_COLUMNS = SESSION_COLUMNS + EGO_ATTRIBUTES

SUPPORT_PREFIX = "support_"
SUPPORT_COLUMNS = tuple(f"{SUPPORT_PREFIX}{s.value}" for s in SupportType)
PEOPLE_ID_COLUMNS = ("nodeID", "networkCanvasEgoUUID", "networkCanvasUUID")
PEOPLE_ATTRIBUTES = (
    "name",
    "side",
    "sector",
    "relation",
    "ring",
    *SUPPORT_COLUMNS,
    "valence",
    "direction",
    "contact_frequency",
    "lives_abroad",
    "language",
    "interpreter_needed",
    "note",
)
PEOPLE_COLUMNS = PEOPLE_ID_COLUMNS + PEOPLE_ATTRIBUTES
TIE_ID_COLUMNS = (
    "edgeID",
    "networkCanvasEgoUUID",
    "networkCanvasUUID",
    "networkCanvasSourceUUID",
    "networkCanvasTargetUUID",
    "from",
    "to",
)
TIE_ATTRIBUTES = ("kind",)
TIE_COLUMNS = TIE_ID_COLUMNS + TIE_ATTRIBUTES

BOOLEAN_COLUMNS = frozenset({*SUPPORT_COLUMNS, "lives_abroad", "interpreter_needed"})
INTEGER_COLUMNS = frozenset({"ring", "age", "children_in_household"})

EGO_SUFFIX = "_ego.csv"
PEOPLE_SUFFIX = f"_attributeList_{NODE_TYPE}.csv"
TIES_SUFFIX = f"_edgeList_{EDGE_TYPE}.csv"

# Choice columns of a person and the values they take (the database values, in English).
PERSON_CHOICES: dict[str, tuple[str, ...]] = {
    "side": tuple(Side.values),
    "sector": tuple(Sector.values),
    "valence": tuple(Valence.values),
    "direction": tuple(Direction.values),
    "contact_frequency": ("", *ContactFrequency.values),
}
TIE_KINDS = tuple(TieKind.values)
TEXT_LIMITS = {"name": 200, "relation": 200, "language": 100, "note": MAX_NOTE_CHARS}
TRUE_WORDS = frozenset({"true", "1", "yes", "ja"})
FALSE_WORDS = frozenset({"false", "0", "no", "nei", ""})

# Spreadsheets run a cell that starts with one of these as a formula; a leading quote keeps it text.
# The quote itself is included so that an escaped cell can be told from one that began with a quote.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "'")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
NOT_XML_CHARS = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def ego_uuid(case: Case) -> str:
    return str(uuid.uuid5(UUID_NAMESPACE, f"case:{case.pk}:ego"))


def session_uuid(case: Case) -> str:
    return str(uuid.uuid5(UUID_NAMESPACE, f"case:{case.pk}:network"))


def member_uuid(member_id: int) -> str:
    return str(uuid.uuid5(UUID_NAMESPACE, f"member:{member_id}"))


def tie_uuid(tie_id: int) -> str:
    return str(uuid.uuid5(UUID_NAMESPACE, f"tie:{tie_id}"))


def neutralise_formula(value: str) -> str:
    """Prefix a quote to a cell a spreadsheet would run as a formula (CSV injection)."""
    return f"'{value}" if value.startswith(FORMULA_TRIGGERS) else value


def restore_formula(value: str) -> str:
    """Undo `neutralise_formula`, so an exported and re-imported network keeps its text exactly."""
    return (
        value[1:] if len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_TRIGGERS) else value
    )


# --- export ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tables:
    """A network as Network Canvas's three tables, every cell already a string."""

    ego: dict[str, str]
    people: list[dict[str, str]]
    ties: list[dict[str, str]]


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    content: bytes
    members: int
    ties: int


def _timestamp(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _bool(value: bool) -> str:
    return "true" if value else "false"


def network_tables(
    *, case: Case, members: Sequence[NetworkMember], ties: Sequence[NetworkTie], exported_at: datetime
) -> Tables:
    """The three tables for a case's network. People are numbered by id, so numbers stay put."""
    members = sorted(members, key=lambda m: m.pk)
    node_ids = {m.pk: str(number) for number, m in enumerate(members, start=1)}
    # Members and ties are read by two queries; a tie added in between could name someone not read.
    ties = sorted(
        (t for t in ties if t.a_id in node_ids and t.b_id in node_ids), key=lambda t: (t.a_id, t.b_id)
    )
    ego_id = ego_uuid(case)
    changes = [m.updated_at for m in members] + [t.created_at for t in ties]
    ego = {
        "networkCanvasEgoUUID": ego_id,
        "networkCanvasCaseID": case.reference,
        "networkCanvasSessionID": session_uuid(case),
        "networkCanvasProtocolName": PROTOCOL_NAME,
        "sessionStart": _timestamp(min((m.created_at for m in members), default=None)),
        "sessionFinish": _timestamp(max(changes, default=None)),
        "sessionExported": _timestamp(exported_at),
        "sex": case.sex,
        "age": str(case.age_on(timezone.localtime(exported_at).date())),
        "birthplace": case.birthplace,
        "lives_with": case.lives_with,
        "children_in_household": str(case.children_in_household),
        "phase": case.phase,
    }
    people = []
    for m in members:
        row = {
            "nodeID": node_ids[m.pk],
            "networkCanvasEgoUUID": ego_id,
            "networkCanvasUUID": member_uuid(m.pk),
            "name": m.name,
            "side": m.side,
            "sector": m.sector,
            "relation": m.relation,
            "ring": str(m.ring),
        }
        row.update({f"{SUPPORT_PREFIX}{s.value}": _bool(s.value in m.support) for s in SupportType})
        row.update(
            {
                "valence": m.valence,
                "direction": m.direction,
                "contact_frequency": m.contact_frequency,
                "lives_abroad": _bool(m.lives_abroad),
                "language": m.language,
                "interpreter_needed": _bool(m.interpreter_needed),
                "note": m.note,
            }
        )
        people.append(row)
    tie_rows = [
        {
            "edgeID": str(number),
            "networkCanvasEgoUUID": ego_id,
            "networkCanvasUUID": tie_uuid(t.pk),
            "networkCanvasSourceUUID": member_uuid(t.a_id),
            "networkCanvasTargetUUID": member_uuid(t.b_id),
            "from": node_ids[t.a_id],
            "to": node_ids[t.b_id],
            "kind": t.kind,
        }
        for number, t in enumerate(ties, start=1)
    ]
    return Tables(ego=ego, people=people, ties=tie_rows)


def csv_bytes(columns: Sequence[str], rows: Iterable[dict[str, str]]) -> bytes:
    """One table as CSV: UTF-8 with a byte-order mark (so Excel shows æ, ø, å), a header, CRLF lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutralise_formula(row[c]) for c in columns])
    return buffer.getvalue().encode("utf-8-sig")


def csv_filenames(case: Case) -> tuple[str, str, str]:
    ref = case.reference
    return f"{ref}{EGO_SUFFIX}", f"{ref}{PEOPLE_SUFFIX}", f"{ref}{TIES_SUFFIX}"


def csv_zip(*, case: Case, tables: Tables, exported_at: datetime) -> bytes:
    ego_name, people_name, ties_name = csv_filenames(case)
    files = (
        (ego_name, csv_bytes(EGO_COLUMNS, [tables.ego])),
        (people_name, csv_bytes(PEOPLE_COLUMNS, tables.people)),
        (ties_name, csv_bytes(TIE_COLUMNS, tables.ties)),
    )
    date_time = timezone.localtime(exported_at).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16  # readable by the owner only when unpacked
            archive.writestr(info, data)
    return buffer.getvalue()


GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
NC_NS = "http://schema.networkcanvas.com/xmlns"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"


def _xml_text(value: str) -> str:
    # XML 1.0 cannot hold most control characters at all, not even escaped.
    return NOT_XML_CHARS.sub("", value)


def _graphml_type(column: str) -> str:
    if column in BOOLEAN_COLUMNS:
        return "boolean"
    if column in INTEGER_COLUMNS:
        return "int"
    return "string"


def graphml_bytes(tables: Tables) -> bytes:
    """GraphML as Network Canvas writes it: an undirected graph, ego attributes as graph data."""
    root = ET.Element(
        "graphml",
        {
            # Namespace declarations written as plain attributes: ElementTree then needs no global
            # prefix registry, and every element stays in the GraphML default namespace.
            "xmlns": GRAPHML_NS,
            "xmlns:nc": NC_NS,
            "xmlns:xsi": XSI_NS,
            "xsi:schemaLocation": f"{GRAPHML_NS} http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd",
        },
    )

    def key(key_id: str, name: str, domain: str, attr_type: str = "string") -> None:
        ET.SubElement(root, "key", {"id": key_id, "for": domain, "attr.name": name, "attr.type": attr_type})

    key("label", "label", "node")
    key("networkCanvasType", "networkCanvasType", "all")
    key("networkCanvasUUID", "networkCanvasUUID", "all")
    # Ego keys get a prefix so they can never clash with a node or edge key of the same name.
    for column in EGO_ATTRIBUTES:
        key(f"ego_{column}", column, "graph", _graphml_type(column))
    for column in PEOPLE_ATTRIBUTES:
        key(column, column, "node", _graphml_type(column))
    key("networkCanvasSourceUUID", "networkCanvasSourceUUID", "edge")
    key("networkCanvasTargetUUID", "networkCanvasTargetUUID", "edge")
    for column in TIE_ATTRIBUTES:
        key(column, column, "edge", _graphml_type(column))

    ego = tables.ego
    graph_attributes = {
        "id": f"case-{ego['networkCanvasCaseID']}",
        "edgedefault": "undirected",
        "nc:caseId": ego["networkCanvasCaseID"],
        "nc:sessionUUID": ego["networkCanvasSessionID"],
        "nc:protocolName": ego["networkCanvasProtocolName"],
        "nc:sessionExportTime": ego["sessionExported"],
    }
    if ego["sessionStart"]:
        graph_attributes["nc:sessionStartTime"] = ego["sessionStart"]
    if ego["sessionFinish"]:
        graph_attributes["nc:sessionFinishTime"] = ego["sessionFinish"]
    graph = ET.SubElement(root, "graph", graph_attributes)

    def data(parent: ET.Element, key_id: str, value: str) -> None:
        if value != "":
            ET.SubElement(parent, "data", {"key": key_id}).text = _xml_text(value)

    data(graph, "networkCanvasUUID", ego["networkCanvasEgoUUID"])
    for column in EGO_ATTRIBUTES:
        data(graph, f"ego_{column}", ego[column])
    for person in tables.people:
        node = ET.SubElement(graph, "node", {"id": person["nodeID"]})
        data(node, "networkCanvasUUID", person["networkCanvasUUID"])
        data(node, "networkCanvasType", NODE_TYPE)
        data(node, "label", person["name"])
        for column in PEOPLE_ATTRIBUTES:
            data(node, column, person[column])
    for tie in tables.ties:
        edge = ET.SubElement(
            graph, "edge", {"id": f"e{tie['edgeID']}", "source": tie["from"], "target": tie["to"]}
        )
        data(edge, "networkCanvasUUID", tie["networkCanvasUUID"])
        data(edge, "networkCanvasType", EDGE_TYPE)
        data(edge, "networkCanvasSourceUUID", tie["networkCanvasSourceUUID"])
        data(edge, "networkCanvasTargetUUID", tie["networkCanvasTargetUUID"])
        for column in TIE_ATTRIBUTES:
            data(edge, column, tie[column])
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document + b"\n"


def parse_format(value: str) -> ExportFormat | None:
    """The export format named in a request or on the command line, or None if there is no such format."""
    if value == "csv":
        return "csv"
    if value == "graphml":
        return "graphml"
    return None


def export_network(
    *, acting_user: User, case: Case, fmt: ExportFormat, via: str = "web", basis: str = ""
) -> ExportFile:
    """The case's network as a file, with the EXPORT event (format, counts, checksum).

    The caller has opened the case with `get_case_for_user`. The file is built outside a transaction, so
    the audit chain (which every audited request locks) is held only for the moment the event is written.
    """
    network = network_for_case(case=case)
    exported_at = timezone.now()
    tables = network_tables(case=case, members=network.members, ties=network.ties, exported_at=exported_at)
    if fmt == "csv":
        content = csv_zip(case=case, tables=tables, exported_at=exported_at)
        filename, content_type = f"sirkel_{case.reference}_network_csv.zip", "application/zip"
    else:
        content = graphml_bytes(tables)
        filename, content_type = f"sirkel_{case.reference}_network.graphml", "application/graphml+xml"
    with transaction.atomic():
        record_event(
            actor=acting_user,
            service=case.service_id,
            action=AuditAction.EXPORT,
            object_type="case",
            object_id=case.pk,
            detail={
                "part": "network",
                "format": fmt,
                "members": len(tables.people),
                "ties": len(tables.ties),
                "sha256": hashlib.sha256(content).hexdigest(),
                "via": via,
                **({"basis": basis} if basis else {}),
            },
        )
    return ExportFile(
        filename=filename,
        content_type=content_type,
        content=content,
        members=len(tables.people),
        ties=len(tables.ties),
    )


def export_for_user(*, user: User, case_id: int, fmt: ExportFormat, via: str = "web") -> ExportFile:
    """Export for a user who may see the case; Http404 (and no file) for anyone else."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    with transaction.atomic():
        case, access = get_case_for_user(user=user, case_id=case_id, part="network")
    return export_network(
        acting_user=user, case=case, fmt=fmt, via=via, basis="break_glass" if access.via_break_glass else ""
    )


# --- import ----------------------------------------------------------------------------------------


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


@dataclass
class ImportResult:
    case: Case
    members: int = 0
    ties: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class _Problems:
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
class _Table:
    label: str
    filename: str


def _shown(value: str, limit: int = 60) -> str:
    """A value from the file, made safe to repeat in a message: one line, no control characters, short."""
    value = re.sub(r"[\x00-\x1f\x7f]", " ", value)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _quoted(column: str) -> str:
    return _("“%(column)s”") % {"column": _shown(column)}


def _row_message(table: _Table, row: int, problem: str) -> str:
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


def _unzip(data: bytes, problems: _Problems) -> dict[str, tuple[str, bytes]]:
    """The ego, people and ties files in the zip, by role, read within the size limits."""
    if len(data) > MAX_UPLOAD_BYTES:
        problems.add(too_large_message())
        return {}
    if not zipfile.is_zipfile(io.BytesIO(data)):
        problems.add(
            _(
                "This is not a zip file. Upload the zip Sirkel exports, or put the people and ties "
                "CSV files together in one zip."
            )
        )
        return {}
    suffixes = {"ego": EGO_SUFFIX.lower(), "people": PEOPLE_SUFFIX.lower(), "ties": TIES_SUFFIX.lower()}
    found: dict[str, tuple[str, bytes]] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = [
                i
                for i in archive.infolist()
                if not i.is_dir()
                and not i.filename.startswith("__MACOSX/")
                and not i.filename.rsplit("/", 1)[-1].startswith(".")
            ]
            if len(infos) > MAX_ZIP_ENTRIES:
                problems.add(
                    _("The zip holds %(count)s files; a network export has three.") % {"count": len(infos)}
                )
                return {}
            # Declared sizes first (cheap), then the bytes actually read (a zip can lie about its sizes).
            if sum(i.file_size for i in infos) > MAX_UNPACKED_TOTAL_BYTES or any(
                i.file_size > MAX_UNPACKED_FILE_BYTES for i in infos
            ):
                problems.add(
                    _("The files in the zip are too large when unpacked (more than %(limit)s each).")
                    % {"limit": filesizeformat(MAX_UNPACKED_FILE_BYTES)}
                )
                return {}
            for info in infos:
                full_name = re.split(r"[/\\]", info.filename)[-1]
                role = next((r for r, suffix in suffixes.items() if full_name.lower().endswith(suffix)), None)
                name = _shown(full_name, limit=120)
                if role is None:
                    problems.add(
                        _(
                            "%(file)s is not a file Sirkel can import. The zip should hold files named "
                            "…%(people)s, …%(ties)s and …%(ego)s."
                        )
                        % {"file": name, "people": PEOPLE_SUFFIX, "ties": TIES_SUFFIX, "ego": EGO_SUFFIX}
                    )
                    continue
                if role in found:
                    problems.add(
                        _("The zip holds two files of the same kind: %(first)s and %(second)s.")
                        % {"first": found[role][0], "second": name}
                    )
                    continue
                if info.flag_bits & 0x1:
                    problems.add(
                        _("%(file)s is encrypted. Zip the files without a password.") % {"file": name}
                    )
                    continue
                if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                    problems.add(
                        _("%(file)s is packed with a compression Sirkel does not read; use an ordinary zip.")
                        % {"file": name}
                    )
                    continue
                with archive.open(info) as handle:
                    content = handle.read(MAX_UNPACKED_FILE_BYTES + 1)
                if len(content) > MAX_UNPACKED_FILE_BYTES:
                    problems.add(
                        _("%(file)s is too large when unpacked (more than %(limit)s).")
                        % {"file": name, "limit": filesizeformat(MAX_UNPACKED_FILE_BYTES)}
                    )
                    continue
                found[role] = (name, content)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, zlib.error):
        problems.add(_("The zip file is damaged."))
        return {}
    if "people" not in found and not problems.items:
        problems.add(
            _("The zip has no file of people (a name ending in %(suffix)s).") % {"suffix": PEOPLE_SUFFIX}
        )
    return found


@dataclass(frozen=True)
class _CsvData:
    header: list[str]
    header_row: int
    rows: list[tuple[int, dict[str, str]]]  # (spreadsheet row number, cells by column)


def _read_csv(table: _Table, content: bytes, problems: _Problems, *, max_rows: int) -> _CsvData | None:
    """Header and rows of one CSV file, or None (with a problem) if it cannot be read."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.add(
            _("%(file)s is not UTF-8 text. Save it from the spreadsheet as “CSV UTF-8” and try again.")
            % {"file": table.filename},
            filename=table.filename,
        )
        return None
    if "\x00" in text:
        problems.add(_("%(file)s is not a text file.") % {"file": table.filename}, filename=table.filename)
        return None
    header: list[str] | None = None
    header_row = 0
    rows: list[tuple[int, dict[str, str]]] = []
    data_rows = 0
    number = 0  # every record is a row in a spreadsheet, also blank ones and ones with line breaks
    try:
        for number, record in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            if not any(cell.strip() for cell in record):
                continue  # blank lines are common at the end of hand-edited files
            if header is None:
                header, header_row = [cell.strip() for cell in record], number
                continue
            data_rows += 1
            if data_rows > max_rows:
                problems.add(
                    _("%(file)s has more than %(limit)s rows; Sirkel imports at most that many.")
                    % {"file": table.filename, "limit": max_rows},
                    filename=table.filename,
                )
                return None
            if len(record) != len(header):
                problems.add(
                    _row_message(
                        table,
                        number,
                        _("the row has %(found)s cells but the header has %(expected)s.")
                        % {"found": len(record), "expected": len(header)},
                    ),
                    filename=table.filename,
                    row=number,
                )
                continue
            rows.append((number, {h: restore_formula(cell) for h, cell in zip(header, record, strict=True)}))
    except csv.Error as exc:
        problems.add(
            _row_message(table, number + 1, _("the row is not valid CSV (%(error)s).") % {"error": exc}),
            filename=table.filename,
            row=number + 1,
        )
        return None
    if header is None:
        problems.add(
            _("%(file)s is empty: it needs a header row with the column names.") % {"file": table.filename},
            filename=table.filename,
        )
        return None
    return _CsvData(header=header, header_row=header_row, rows=rows)


def _check_header(
    table: _Table,
    data: _CsvData,
    problems: _Problems,
    *,
    required: Sequence[str],
    optional: Sequence[str],
    identifiers: tuple[tuple[str, ...], tuple[str, ...]],
) -> bool:
    """Every required column present, one of the two sets of identifier columns, none unknown, none twice.

    False (with problems) otherwise.
    """
    before = len(problems.items)

    def fail(column: str, message: str) -> None:
        problems.add(
            _row_message(table, data.header_row, message),
            filename=table.filename,
            row=data.header_row,
            column=column,
        )

    seen: set[str] = set()
    for column in data.header:
        if column in seen:
            fail(column, _("the column %(column)s appears twice.") % {"column": _quoted(column)})
        seen.add(column)
        if column in required or column in optional:
            continue
        if column.startswith(SUPPORT_PREFIX):
            fail(
                column,
                _("%(column)s is not a support type Sirkel knows; the support columns are %(columns)s.")
                % {"column": _quoted(column), "columns": ", ".join(SUPPORT_COLUMNS)},
            )
        else:
            fail(
                column,
                _("Sirkel does not know the column %(column)s (check the spelling).")
                % {"column": _quoted(column)},
            )
    for column in required:
        if column not in seen:
            fail(column, _("the column %(column)s is missing.") % {"column": _quoted(column)})
    if not any(set(group) <= seen for group in identifiers):
        first, second = (_(" and ").join(_quoted(c) for c in group) for group in identifiers)
        fail(
            identifiers[0][0],
            _("the file needs %(first)s or %(second)s as columns, so that ties can name the people.")
            % {"first": first, "second": second},
        )
    return len(problems.items) == before


class _RowChecker:
    """Reads typed values out of one row, adding a problem for each bad cell."""

    def __init__(self, table: _Table, row: int, values: dict[str, str], problems: _Problems) -> None:
        self.table, self.row, self.values, self.problems = table, row, values, problems
        self.ok = True

    def fail(self, column: str, message: str) -> None:
        self.ok = False
        self.problems.add(
            _row_message(self.table, self.row, message),
            filename=self.table.filename,
            row=self.row,
            column=column,
        )

    def raw(self, column: str) -> str:
        return self.values.get(column, "").strip()

    def text(self, column: str, *, required: bool = False) -> str:
        value = self.values.get(column, "").strip()
        if required and not value:
            self.fail(column, _("%(column)s must not be empty.") % {"column": _quoted(column)})
        elif CONTROL_CHARS.search(value):
            self.fail(column, _("%(column)s contains control characters.") % {"column": _quoted(column)})
        elif len(value) > TEXT_LIMITS.get(column, MAX_ID_CHARS):
            self.fail(
                column,
                _("%(column)s is longer than %(limit)s characters.")
                % {"column": _quoted(column), "limit": TEXT_LIMITS.get(column, MAX_ID_CHARS)},
            )
        return value

    def choice(self, column: str, allowed: Sequence[str]) -> str:
        value = self.raw(column).lower()
        if value not in allowed:
            shown = [v if v else _("(empty)") for v in allowed]
            self.fail(
                column,
                _("%(column)s must be one of: %(values)s.")
                % {"column": _quoted(column), "values": ", ".join(shown)},
            )
        return value

    def boolean(self, column: str) -> bool:
        value = self.raw(column).lower()
        if value in TRUE_WORDS:
            return True
        if value not in FALSE_WORDS:
            self.fail(column, _("%(column)s must be true or false.") % {"column": _quoted(column)})
        return False

    def ring(self, column: str = "ring") -> int:
        value = self.raw(column)
        if value not in {str(r) for r in RINGS}:
            self.fail(column, _("%(column)s must be 1, 2 or 3.") % {"column": _quoted(column)})
            return RINGS[0]
        return int(value)


def _parse_people(
    table: _Table, rows: list[tuple[int, dict[str, str]]], problems: _Problems, ego_id: str
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
                    % {"column": _quoted(column), "value": _shown(value), "first": first_row[column][value]},
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
            % {"column": _quoted("networkCanvasEgoUUID")},
        )


def _parse_ties(
    table: _Table,
    rows: list[tuple[int, dict[str, str]]],
    problems: _Problems,
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
                % {"column": _quoted("from"), "other": _quoted("to")},
            )
            continue
        pair = (min(a, b), max(a, b))
        if pair in pairs:
            check.fail(
                "to",
                _("%(column)s and %(other)s name two people who are already tied in row %(first)s.")
                % {"column": _quoted("from"), "other": _quoted("to"), "first": pairs[pair]},
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
                % {"column": _quoted(column), "value": _shown(value)},
            )
            return None
        found[column] = index[kind][value]
    if not found:
        check.fail(
            node_column,
            _("%(column)s or %(other)s must name a person.")
            % {"column": _quoted(uuid_column), "other": _quoted(node_column)},
        )
        return None
    if len(set(found.values())) > 1:
        check.fail(
            node_column,
            _("%(column)s and %(other)s point to different people.")
            % {"column": _quoted(uuid_column), "other": _quoted(node_column)},
        )
        return None
    person = next(iter(found.values()))
    return None if person < 0 else person  # -1: the person's own row was bad, already reported


def _ego_id(files: dict[str, tuple[str, bytes]], problems: _Problems) -> str:
    """The networkCanvasEgoUUID of the ego file, if the zip has one (its attributes are not imported)."""
    if "ego" not in files:
        return ""
    name, content = files["ego"]
    table = _Table(label=_("the ego file"), filename=name)
    data = _read_csv(table, content, problems, max_rows=1)
    if data is None:
        return ""
    if "networkCanvasEgoUUID" not in data.header:
        problems.add(
            _row_message(
                table,
                data.header_row,
                _("the column %(column)s is missing.") % {"column": _quoted("networkCanvasEgoUUID")},
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
    files: dict[str, tuple[str, bytes]], problems: _Problems, ego_id: str
) -> tuple[list[ParsedPerson], dict[str, dict[str, int]] | None]:
    """The people, and the index ties resolve against (None when the file could not be read at all)."""
    name, content = files["people"]
    table = _Table(label=_("people"), filename=name)
    data = _read_csv(table, content, problems, max_rows=MAX_PEOPLE)
    if data is None or not _check_header(
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
    problems: _Problems,
    ego_id: str,
    index: dict[str, dict[str, int]] | None,
) -> list[ParsedTie]:
    if "ties" not in files:
        return []
    name, content = files["ties"]
    table = _Table(label=_("ties"), filename=name)
    data = _read_csv(table, content, problems, max_rows=MAX_TIES)
    if data is None or not _check_header(
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
    problems = _Problems()
    files = _unzip(data, problems)
    problems.raise_if_any()
    ego_id = _ego_id(files, problems)
    people, index = _people_file(files, problems, ego_id)
    ties = _ties_file(files, problems, ego_id, index)
    problems.raise_if_any()
    return ParsedNetwork(
        people=people, ties=ties, people_file=files["people"][0], ties_file=files.get("ties", ("", b""))[0]
    )


@transaction.atomic
def import_network(
    *, acting_user: User, case: Case, parsed: ParsedNetwork, sha256: str, via: str = "web"
) -> ImportResult:
    """Add the parsed people and ties to the case's network, all or nothing, with one IMPORT event.

    Every member is validated by the model as well (a second line behind the file checks), then all are
    written with one insert per table and audited by one event that lists the new ids. Row by row through
    `services.add_member` would take seconds for a large file while holding the audit chain's lock, which
    every other audited request in Sirkel waits for.
    """
    if not case_access(user=acting_user, case=case).can_edit:
        raise PermissionDenied
    members = [NetworkMember(case=case, **person.fields) for person in parsed.people]
    for person, member in zip(parsed.people, members, strict=True):
        try:
            # The case is known to exist; the check constraints are enforced by the database on insert.
            member.full_clean(exclude=["case"], validate_constraints=False)
        except ValidationError as exc:
            table = _Table(label=_("people"), filename=parsed.people_file)
            problem = _row_message(table, person.row, " ".join(exc.messages))
            raise ImportRejected([Problem(problem, parsed.people_file, person.row)]) from exc
    NetworkMember.objects.bulk_create(members)
    ties = []
    for parsed_tie in parsed.ties:
        low, high = sorted((members[parsed_tie.a], members[parsed_tie.b]), key=lambda m: m.pk)
        ties.append(NetworkTie(case=case, a=low, b=high, kind=parsed_tie.kind))
    NetworkTie.objects.bulk_create(ties)
    record_event(
        actor=acting_user,
        service=case.service_id,
        action=AuditAction.IMPORT,
        object_type="case",
        object_id=case.pk,
        detail={
            "part": "network",
            "format": "csv",
            "outcome": "imported",
            "members": len(members),
            "ties": len(ties),
            "member_ids": [m.pk for m in members],
            "tie_ids": [t.pk for t in ties],
            "sha256": sha256,
            "via": via,
        },
    )
    return ImportResult(case=case, members=len(members), ties=len(ties))


def import_into_case(*, acting_user: User, case: Case, data: bytes, via: str = "web") -> ImportResult:
    """Import a CSV zip into a case the caller has opened for editing (with `get_case_for_user`).

    The file is checked before any transaction starts; the writes and their audit event then take one
    short transaction. A rejected file leaves the network untouched and is itself recorded as an IMPORT
    event with the outcome "rejected" and the number of problems (never the file's content).
    """
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        parsed = parse_csv_zip(data)
        return import_network(acting_user=acting_user, case=case, parsed=parsed, sha256=sha256, via=via)
    except ImportRejected as exc:
        with transaction.atomic():
            record_event(
                actor=acting_user,
                service=case.service_id,
                action=AuditAction.IMPORT,
                object_type="case",
                object_id=case.pk,
                detail={
                    "part": "network",
                    "format": "csv",
                    "outcome": "rejected",
                    "problems": len(exc.problems),
                    "sha256": sha256,
                    "via": via,
                },
            )
        return ImportResult(case=case, problems=exc.problems)


def import_for_user(*, user: User, case_id: int, data: bytes, via: str = "web") -> ImportResult:
    """Import for a user who may change the case; Http404 (and the file not even read) for anyone else."""
    with transaction.atomic():
        case, _access = get_case_for_user(user=user, case_id=case_id, require_edit=True, part="network")
    return import_into_case(acting_user=user, case=case, data=data, via=via)


# Documentation of the format for the import page: (column, what it holds) per table; allowed values
# are added from the model choices by `column_reference`.
COLUMN_HELP: dict[str, Any] = {
    "nodeID": gettext_lazy("Number of the person in this file; “from” and “to” in the ties refer to it."),
    "networkCanvasEgoUUID": gettext_lazy("Identifies the network (the child); the same in every row."),
    "networkCanvasUUID": gettext_lazy("Stable identifier of the person or tie."),
    "name": gettext_lazy("Name or role. Required."),
    "side": gettext_lazy("Private or public network."),
    "sector": gettext_lazy("Sector of the network map."),
    "relation": gettext_lazy("Relation to the child or role, free text."),
    "ring": gettext_lazy("Closeness: 1 is closest to the child, 3 furthest away."),
    "support": gettext_lazy("One column per support type: true or false."),
    "valence": gettext_lazy("Resource, stress or both."),
    "direction": gettext_lazy("Whether the person gives help, receives help or both."),
    "contact_frequency": gettext_lazy("How often they are in contact with the child; may be empty."),
    "lives_abroad": gettext_lazy("Whether the person lives abroad."),
    "language": gettext_lazy("Language, free text."),
    "interpreter_needed": gettext_lazy("Whether the person needs an interpreter."),
    "note": gettext_lazy("Note, free text."),
    "edgeID": gettext_lazy("Number of the tie in this file."),
    "networkCanvasSourceUUID": gettext_lazy("The networkCanvasUUID of one of the two people."),
    "networkCanvasTargetUUID": gettext_lazy("The networkCanvasUUID of the other person."),
    "from": gettext_lazy("The nodeID of one of the two people (instead of or as well as the UUID)."),
    "to": gettext_lazy("The nodeID of the other person."),
    "kind": gettext_lazy("Kind of tie; empty means they know each other."),
}


@dataclass(frozen=True)
class ColumnDoc:
    name: str
    description: str
    values: list[tuple[str, str]]


def column_reference() -> dict[str, list[ColumnDoc]]:
    """The people and ties columns with their meaning and allowed values, for the import page."""
    choices: dict[str, Callable[[], list[tuple[str, str]]]] = {
        "side": lambda: [(str(v), str(label)) for v, label in Side.choices],
        "sector": lambda: [(str(v), str(label)) for v, label in Sector.choices],
        "valence": lambda: [(str(v), str(label)) for v, label in Valence.choices],
        "direction": lambda: [(str(v), str(label)) for v, label in Direction.choices],
        "contact_frequency": lambda: [(str(v), str(label)) for v, label in ContactFrequency.choices],
        "kind": lambda: [(str(v), str(label)) for v, label in TieKind.choices],
        "ring": lambda: [(str(r), "") for r in RINGS],
    }

    def doc(column: str) -> ColumnDoc:
        if column in SUPPORT_COLUMNS:
            value = column.removeprefix(SUPPORT_PREFIX)
            label = str(SupportType(value).label)
            return ColumnDoc(column, str(COLUMN_HELP["support"]), [("true", label), ("false", "")])
        if column in BOOLEAN_COLUMNS:
            return ColumnDoc(column, str(COLUMN_HELP[column]), [("true", ""), ("false", "")])
        values = choices[column]() if column in choices else []
        return ColumnDoc(column, str(COLUMN_HELP[column]), values)

    return {
        "people": [doc(c) for c in PEOPLE_COLUMNS],
        "ties": [doc(c) for c in TIE_COLUMNS],
    }
