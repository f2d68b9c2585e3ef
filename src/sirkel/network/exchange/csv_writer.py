"""Network Canvas CSV writer: the three tables as CSV files (UTF-8, CRLF) in one zip, named as Network Canvas
names one interview's files (`<caseId>_<sessionId>_ego.csv`, `..._attributeList_<type>.csv`,
`..._edgeList_<type>.csv`; network-exporters `getFilePrefix` and `makeFilename`)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime

from django.utils import timezone

from sirkel.cases.models import Case
from sirkel.network.exchange.schema import (
    DECIMAL_COLUMNS,
    EGO_COLUMNS,
    EGO_SUFFIX,
    INTEGER_METRIC_COLUMNS,
    PEOPLE_COLUMNS,
    PEOPLE_SUFFIX,
    TIE_COLUMNS,
    TIES_SUFFIX,
    Tables,
    neutralise_formula,
    session_uuid,
)


def csv_bytes(
    columns: Sequence[str], rows: Iterable[dict[str, str]], *, numbers: Collection[str] = ()
) -> bytes:
    """One table as CSV as Network Canvas writes it: UTF-8 without a byte-order mark, a header, CRLF lines.

    No byte-order mark: R's `read.csv` (which ideanet's `nc_read` and egor users call) would read it into
    the first column's name, and `nodeID` or `networkCanvasEgoUUID` would no longer be found.

    Cells that could hold a formula are neutralised, except in `numbers`: columns Sirkel computes itself
    (the metrics), where a negative number ("-0.5") must stay a number.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row[c] if c in numbers else neutralise_formula(row[c]) for c in columns])
    return buffer.getvalue().encode("utf-8")


def csv_filenames(case: Case) -> tuple[str, str, str]:
    prefix = f"{case.reference}_{session_uuid(case)}"
    return f"{prefix}{EGO_SUFFIX}", f"{prefix}{PEOPLE_SUFFIX}", f"{prefix}{TIES_SUFFIX}"


def csv_zip(*, case: Case, tables: Tables, exported_at: datetime) -> bytes:
    ego_name, people_name, ties_name = csv_filenames(case)
    files = (
        (ego_name, csv_bytes(EGO_COLUMNS, [tables.ego], numbers=INTEGER_METRIC_COLUMNS | DECIMAL_COLUMNS)),
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
