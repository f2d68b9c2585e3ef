"""Reading an uploaded zip: its files within the size limits, each CSV's header and rows."""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

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
    EGO_SUFFIX,
    MAX_UNPACKED_FILE_BYTES,
    MAX_UNPACKED_TOTAL_BYTES,
    MAX_UPLOAD_BYTES,
    MAX_ZIP_ENTRIES,
    PEOPLE_SUFFIX,
    SUPPORT_COLUMNS,
    SUPPORT_PREFIX,
    TIES_SUFFIX,
    restore_formula,
)


def unzip(data: bytes, problems: ProblemList) -> dict[str, tuple[str, bytes]]:
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
                name = shown(full_name, limit=120)
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
    optional: Sequence[str],
    identifiers: tuple[tuple[str, ...], tuple[str, ...]],
) -> bool:
    """Every required column present, one of the two sets of identifier columns, none unknown, none twice.

    False (with problems) otherwise.
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
    for column in data.header:
        if column in seen:
            fail(column, _("the column %(column)s appears twice.") % {"column": quoted(column)})
        seen.add(column)
        if column in required or column in optional:
            continue
        if column.startswith(SUPPORT_PREFIX):
            fail(
                column,
                _("%(column)s is not a support type Sirkel knows; the support columns are %(columns)s.")
                % {"column": quoted(column), "columns": ", ".join(SUPPORT_COLUMNS)},
            )
        else:
            fail(
                column,
                _("Sirkel does not know the column %(column)s (check the spelling).")
                % {"column": quoted(column)},
            )
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
    return len(problems.items) == before
