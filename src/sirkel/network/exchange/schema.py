"""The exchange format shared by export and import: file names, columns, ids, limits, cell encoding.

The shapes are Network Canvas's own, taken from its exporter (complexdatacollective/network-canvas-monorepo,
`packages/shared-consts/src/export-process.ts` for the printed column names and
`packages/network-exporters/src/formatters/csv/{egoList,attributeList,edgeList}.ts` for the column order;
the file names from `packages/network-exporters/src/__tests__/exportFileNames.test.ts` and the older
complexdatacollective/network-exporters `src/utils/general.js` (`getFilePrefix`, `makeFilename`)), and
checked against what the R readers use: ideanet's `nc_read` (Tom-Wolff/ideanet `R/nc_reader.R`: files
ending in `ego.csv`, holding `attributeList` or `edgeList`; columns `networkCanvasEgoUUID`, `nodeID`,
`edgeID`, `from`, `to`, `networkCanvasCaseID`, `networkCanvasProtocolName` and the session times) and egor's
`threefiles_to_egor`/`egor` (tilltnet/egor `R/read.egonet.three.files.R`, with `ID.vars` naming those
columns).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Literal

from django.db import models

from sirkel.cases.models import Case
from sirkel.network.metrics import compute_metrics, flat_metrics
from sirkel.network.models import (
    MAX_NOTE_CHARS,
    ContactFrequency,
    Direction,
    NetworkMember,
    Sector,
    Side,
    SupportType,
    TieKind,
    Valence,
)

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
# A Network Canvas export has one file per node type and edge type of every interview (and GraphML).
MAX_ZIP_ENTRIES = 200
# Rows read from one file: a merged export holds every interview's rows; MAX_PEOPLE counts the chosen one.
MAX_ROWS_READ = 20_000
MAX_INTERVIEWS = 1000
MAX_PEOPLE = 500
MAX_TIES = 2000
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
CHILD_ATTRIBUTES = ("sex", "age", "birthplace", "lives_with", "children_in_household", "phase")
# Every network metric (metrics.flat_metrics, prefixed), then the turnover since the latest snapshot
# (empty when there is none): the ego network's measures, for analysis without recomputing them.
METRIC_PREFIX = "metric_"
_METRICS_OF_NOBODY = flat_metrics(compute_metrics([], []))
NETWORK_METRIC_COLUMNS = tuple(f"{METRIC_PREFIX}{name}" for name in _METRICS_OF_NOBODY)
TURNOVER_COLUMNS = (
    "turnover_since",
    f"{METRIC_PREFIX}turnover_stayed",
    f"{METRIC_PREFIX}turnover_joined",
    f"{METRIC_PREFIX}turnover_left",
    f"{METRIC_PREFIX}turnover_jaccard",
)
EGO_ATTRIBUTES = CHILD_ATTRIBUTES + NETWORK_METRIC_COLUMNS + TURNOVER_COLUMNS
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
# Network Canvas's order (edgeList.ts): the export id, the two ends by export id, then the UUIDs.
TIE_ID_COLUMNS = (
    "edgeID",
    "from",
    "to",
    "networkCanvasEgoUUID",
    "networkCanvasUUID",
    "networkCanvasSourceUUID",
    "networkCanvasTargetUUID",
)
TIE_ATTRIBUTES = ("kind",)
TIE_COLUMNS = TIE_ID_COLUMNS + TIE_ATTRIBUTES

BOOLEAN_COLUMNS = frozenset({*SUPPORT_COLUMNS, "lives_abroad", "interpreter_needed"})
# A metric that is an int for the empty network is a count; the others are fractions or means (None there).
INTEGER_METRIC_COLUMNS = frozenset(
    f"{METRIC_PREFIX}{name}" for name, value in _METRICS_OF_NOBODY.items() if isinstance(value, int)
) | {f"{METRIC_PREFIX}turnover_{part}" for part in ("stayed", "joined", "left")}
INTEGER_COLUMNS = frozenset({"ring", "age", "children_in_household"}) | INTEGER_METRIC_COLUMNS
DECIMAL_COLUMNS = frozenset(NETWORK_METRIC_COLUMNS + TURNOVER_COLUMNS[1:]) - INTEGER_METRIC_COLUMNS

# Columns Network Canvas writes in the ego file beside the session columns; read, never imported.
EGO_EXTRA_COLUMNS = (
    "APP_VERSION",
    "COMMIT_HASH",
    "networkCanvasInterviewLocale",
    "networkCanvasFinishOutcome",
)

EGO_SUFFIX = "_ego.csv"
PEOPLE_SUFFIX = f"_attributeList_{NODE_TYPE}.csv"
TIES_SUFFIX = f"_edgeList_{EDGE_TYPE}.csv"
# Network Canvas names each file <caseId>_<sessionId>_<kind>[_<type name>].csv (one interview) or
# <protocol name>_<kind>[_<type name>].csv (sessions merged); a file of no entities has no type name.
EGO_FILE = re.compile(r"_ego\.csv$", re.IGNORECASE)
PEOPLE_FILE = re.compile(r"_attributeList(?:_(?P<type>[^/\\]*))?\.csv$", re.IGNORECASE)
TIES_FILE = re.compile(r"_edgeList(?:_(?P<type>[^/\\]*))?\.csv$", re.IGNORECASE)
# Files of a Network Canvas export that Sirkel does not read: GraphML and adjacency matrices.
SKIPPED_FILE = re.compile(r"(\.graphml|_adjacencyMatrix(?:_[^/\\]*)?\.csv)$", re.IGNORECASE)

# Choice columns of a person and the values they take (the database values, in English).
PERSON_CHOICES: dict[str, tuple[str, ...]] = {
    "side": tuple(Side.values),
    "sector": tuple(Sector.values),
    "valence": tuple(Valence.values),
    "direction": tuple(Direction.values),
    "contact_frequency": ("", *ContactFrequency.values),
}
TIE_KINDS = tuple(TieKind.values)


def _max_length(name: str) -> int:
    field = NetworkMember._meta.get_field(name)
    if not isinstance(field, models.CharField) or field.max_length is None:
        raise TypeError(f"{name} is not a text field with a maximum length")
    return field.max_length


# The model's own limits, so that whatever Sirkel saves it can import again.
TEXT_LIMITS = {**{f: _max_length(f) for f in ("name", "relation", "language")}, "note": MAX_NOTE_CHARS}
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


@dataclass(frozen=True)
class Tables:
    """A network as Network Canvas's three tables, every cell already a string."""

    ego: dict[str, str]
    people: list[dict[str, str]]
    ties: list[dict[str, str]]
