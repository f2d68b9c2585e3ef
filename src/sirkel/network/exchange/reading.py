"""Reading an uploaded zip: its files within the size limits, each CSV's header and rows."""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from sirkel.network.exchange.problems import (
    ProblemList,
    TableFile,
    quoted,
    row_message,
    shown,
    too_large_message,
)
from sirkel.network.exchange.schema import (
    EGO_FILE,
    EGO_SUFFIX,
    MAX_UNPACKED_FILE_BYTES,
    MAX_UNPACKED_TOTAL_BYTES,
    MAX_UPLOAD_BYTES,
    MAX_ZIP_ENTRIES,
    PEOPLE_FILE,
    PEOPLE_SUFFIX,
    SKIPPED_FILE,
    TIES_FILE,
    TIES_SUFFIX,
    restore_formula,
)


@dataclass(frozen=True)
class ZipFile:
    """One CSV file of the zip: its name (safe to show), the node or edge type its name gives, its bytes."""

    name: str
    entity_type: str
    content: bytes


@dataclass
class ZipContents:
    """The zip's files by kind; a Network Canvas export may hold several of each (types, interviews)."""

    ego: list[ZipFile] = field(default_factory=list)
    people: list[ZipFile] = field(default_factory=list)
    ties: list[ZipFile] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # GraphML and adjacency matrices: not read


def _kind(full_name: str) -> tuple[str, str] | None:
    """(kind, type name) of a file by its name, or None for a file Sirkel does not know."""
    for kind, pattern in (("people", PEOPLE_FILE), ("ties", TIES_FILE)):
        match = pattern.search(full_name)
        if match:
            return kind, match.group("type") or ""
    if EGO_FILE.search(full_name):
        return "ego", ""
    if SKIPPED_FILE.search(full_name):
        return "skipped", ""
    return None


def unzip(data: bytes, problems: ProblemList) -> ZipContents:
    """The ego, people and ties files in the zip, by kind, read within the size limits."""
    found = ZipContents()
    if len(data) > MAX_UPLOAD_BYTES:
        problems.add(too_large_message())
        return found
    if not zipfile.is_zipfile(io.BytesIO(data)):
        problems.add(
            _(
                "This is not a zip file. Upload the zip Sirkel or Network Canvas exports, or put the people "
                "and ties CSV files together in one zip."
            )
        )
        return found
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
                    _("The zip holds %(count)s files; Sirkel reads at most %(limit)s.")
                    % {"count": len(infos), "limit": MAX_ZIP_ENTRIES}
                )
                return found
            # Declared sizes first (cheap), then the bytes actually read (a zip can lie about its sizes).
            if sum(i.file_size for i in infos) > MAX_UNPACKED_TOTAL_BYTES or any(
                i.file_size > MAX_UNPACKED_FILE_BYTES for i in infos
            ):
                problems.add(
                    _("The files in the zip are too large when unpacked (more than %(limit)s each).")
                    % {"limit": filesizeformat(MAX_UNPACKED_FILE_BYTES)}
                )
                return found
            read_total = 0
            for info in infos:
                full_name = re.split(r"[/\\]", info.filename)[-1]
                kind = _kind(full_name)
                name = shown(full_name, limit=120)
                if kind is None:
                    problems.add(
                        _(
                            "%(file)s is not a file Sirkel can import. The zip should hold files named "
                            "…%(people)s, …%(ties)s and …%(ego)s, as Network Canvas names them."
                        )
                        % {"file": name, "people": PEOPLE_SUFFIX, "ties": TIES_SUFFIX, "ego": EGO_SUFFIX}
                    )
                    continue
                role, entity_type = kind
                if role == "skipped":
                    found.skipped.append(name)
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
                read_total += len(content)
                if len(content) > MAX_UNPACKED_FILE_BYTES or read_total > MAX_UNPACKED_TOTAL_BYTES:
                    problems.add(
                        _("%(file)s is too large when unpacked (more than %(limit)s).")
                        % {"file": name, "limit": filesizeformat(MAX_UNPACKED_FILE_BYTES)}
                    )
                    return found
                file = ZipFile(name=name, entity_type=shown(entity_type), content=content)
                getattr(found, role).append(file)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, zlib.error):
        problems.add(_("The zip file is damaged."))
        return found
    if not found.people and not problems.items:
        problems.add(
            _("The zip has no file of people (a name ending in %(suffix)s).") % {"suffix": PEOPLE_SUFFIX}
        )
    return found


@dataclass(frozen=True)
class CsvData:
    header: list[str]
    header_row: int
    rows: list[tuple[int, dict[str, str]]]  # (spreadsheet row number, cells by column)


def read_csv(table: TableFile, content: bytes, problems: ProblemList, *, max_rows: int) -> CsvData | None:
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
                    row_message(
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
            row_message(table, number + 1, _("the row is not valid CSV (%(error)s).") % {"error": exc}),
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
    return CsvData(header=header, header_row=header_row, rows=rows)


def check_header(
    table: TableFile,
    data: CsvData,
    problems: ProblemList,
    *,
    required: Sequence[str],
    known: Sequence[str],
    identifiers: tuple[tuple[str, ...], tuple[str, ...]],
) -> list[str] | None:
    """The columns Sirkel does not know (kept, never refused), or None (with problems) if the header is wrong.

    Wrong is a column twice, a required column missing or neither of the two sets of identifier columns.
    """
    before = len(problems.items)

    def fail(column: str, message: str) -> None:
        problems.add(
            row_message(table, data.header_row, message),
            filename=table.filename,
            row=data.header_row,
            column=column,
        )

    seen: set[str] = set()
    unknown: list[str] = []
    for column in data.header:
        if column in seen:
            fail(column, _("the column %(column)s appears twice.") % {"column": quoted(column)})
        seen.add(column)
        if column not in required and column not in known:
            unknown.append(column)
    for column in required:
        if column not in seen:
            fail(column, _("the column %(column)s is missing.") % {"column": quoted(column)})
    if not any(set(group) <= seen for group in identifiers):
        first, second = (_(" and ").join(quoted(c) for c in group) for group in identifiers)
        fail(
            identifiers[0][0],
            _("the file needs %(first)s or %(second)s as columns, so that ties can name the people.")
            % {"first": first, "second": second},
        )
    return unknown if len(problems.items) == before else None
