"""`sirkel stats ssb|export|merge`, on a measure history imported with `sirkel import measures`.

The expected counts are computed here independently, straight from the CSV rows and the taxonomy's
YAML (not through Sirkel's selectors or its count)."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from sirkel.accounts.models import Service, User
from sirkel.audit.models import AuditEvent
from sirkel.demo.history import measure_history

TODAY = timezone.localdate()
YEAR = TODAY.year - 1
BANDS = ["0-2", "3-5", "6-12", "13-17", "18-22", "23-24"]
HEADER = "code,category,age_band,children"
DATA = Path(__file__).resolve().parents[2] / "taxonomy" / "data"

# Rows with the edges the issue names; the ids, names and dates are made up.
EDGES = [
    # born 31 December: 13 on that very day (band 13-17), not 12
    ("E-1", f"{YEAR - 13}-12-31", f"{YEAR}-01-02", "network_meeting", f"{YEAR}-01-10", f"{YEAR}-03-01"),
    # born 1 January twelve years before: 12 (band 6-12)
    ("E-2", f"{YEAR - 12}-01-01", f"{YEAR}-01-02", "network_meeting", f"{YEAR}-02-01", ""),
    # a period ending 31 December of the year before does not count
    (
        "E-3",
        f"{YEAR - 8}-06-01",
        f"{YEAR - 1}-01-05",
        "family_group_conference",
        f"{YEAR - 1}-02-01",
        f"{YEAR - 1}-12-31",
    ),
    # ... nor in the year itself: E-3 has no measure in YEAR. A period ending 1 January of YEAR does count:
    (
        "E-4",
        f"{YEAR - 8}-06-01",
        f"{YEAR - 1}-01-05",
        "family_group_conference",
        f"{YEAR - 1}-02-01",
        f"{YEAR}-01-01",
    ),
    # two periods of one measure in the year: one child in 6.2
    ("E-5", f"{YEAR - 5}-03-03", f"{YEAR}-01-03", "network_meeting", f"{YEAR}-01-05", f"{YEAR}-03-31"),
    ("E-5", f"{YEAR - 5}-03-03", f"{YEAR}-06-01", "network_meeting", f"{YEAR}-06-10", f"{YEAR}-09-30"),
    # 6.1 and 6.2: one child in each and once in 6
    ("E-6", f"{YEAR - 15}-07-07", f"{YEAR}-01-03", "family_group_conference", f"{YEAR}-01-05", ""),
    ("E-6", f"{YEAR - 15}-07-07", f"{YEAR}-02-03", "network_meeting", f"{YEAR}-02-05", f"{YEAR}-11-30"),
    # a period starting 31 December counts
    ("E-7", f"{YEAR - 20}-04-04", f"{YEAR}-12-01", "4.3", f"{YEAR}-12-31", ""),
    # a resource person: in 6.99, and in the extended row resource_person
    ("E-8", f"{YEAR - 10}-10-10", f"{YEAR}-03-03", "resource_person", f"{YEAR}-03-10", ""),
]


def edge_csv() -> str:
    lines = []
    for ref, born, decided, measure, start, end in EDGES:
        lines.append(f"{ref},Test,Barn,{born},unknown,{decided},{measure},{start},{end},voluntary")
    return "\n".join(lines) + "\n"


def kind_codes() -> dict[str, str]:
    measures = yaml.safe_load((DATA / "measures.yaml").read_text(encoding="utf-8"))["measures"]
    return {m["key"]: str(m.get("code", "")) for m in measures}


def band(age: int) -> str | None:
    for b in BANDS:
        low, high = (int(x) for x in b.split("-"))
        if low <= age <= high:
            return b
    return None


def expected(rows: list[dict[str, str]], *, prefix: str = "") -> dict[tuple[str, str], int]:
    """(row code, band or total) → children, counted from the CSV rows themselves."""
    codes = kind_codes()
    members: dict[str, set[str]] = defaultdict(set)
    band_of: dict[str, str] = {}
    first, last = date(YEAR, 1, 1), date(YEAR, 12, 31)
    for r in rows:
        if not r["start_date"]:
            continue
        start = date.fromisoformat(r["start_date"])
        end = date.fromisoformat(r["end_date"]) if r["end_date"] else None
        if start > last or (end is not None and end < first) or start > TODAY:
            continue
        b = band(YEAR - int(r["birth_date"][:4]))
        if b is None:
            continue
        child = prefix + r["case_ref"]
        band_of[child] = b
        code = r["measure"] if r["measure"][0].isdigit() else codes[r["measure"]]
        if code:
            members[code].add(child)
            members[code.split(".")[0]].add(child)
            members["all"].add(child)
        if r["measure"] in ("resource_person", "natural_mentor", "start_meeting", "network_mapping"):
            members[r["measure"]].add(child)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for code, children in members.items():
        for child in children:
            counts[(code, band_of[child])] += 1
        counts[(code, "total")] = len(children)
    return counts


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("stats", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def parse(text: str) -> dict[tuple[str, str], str]:
    lines = text.splitlines()
    assert lines[0] == HEADER
    records = list(csv.reader(lines[1:]))
    assert all(len(r) == 4 for r in records)
    assert {r[2] for r in records} <= {*BANDS, "total"}
    return {(r[0], r[2]): r[3] for r in records}


def import_history(
    tmp_path: Path, service: Service, user: User, *, seed: int, prefix: str
) -> list[dict[str, str]]:
    history = measure_history(rows=400, seed=seed, today=TODAY, prefix=prefix)
    edges = edge_csv().replace("E-", f"{prefix}E-")
    path = tmp_path / f"{prefix}.csv"
    path.write_text(history.text + edges, encoding="utf-8")
    call_command(
        "import",
        "measures",
        "--service",
        service.name,
        "--caseworker",
        user.username,
        str(path),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    reader = csv.DictReader(io.StringIO(history.text + edges))
    return list(reader)


@pytest.fixture
def histories(
    tmp_path: Path, service: Service, other_service: Service, caseworker: User, outsider: User
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    first = import_history(tmp_path, service, caseworker, seed=3, prefix="A")
    second = import_history(tmp_path, other_service, outsider, seed=4, prefix="B")
    return first, second


def test_the_table_of_an_imported_history_has_the_counts_computed_from_the_file(
    histories: tuple[list[dict[str, str]], list[dict[str, str]]], service: Service
) -> None:
    rows, _other = histories
    out, err = run(
        "ssb",
        "--year",
        str(YEAR),
        "--service",
        service.name,
        "--suppress-below",
        "0",
        "--extended",
        "--format",
        "csv",
    )
    table = parse(out)
    want = expected(rows)
    assert want[("6.2", "13-17")] >= 1 and want[("6", "total")] >= 3  # the edges are in
    codes_in_table = {code for code, _band in table}
    assert codes_in_table == {code for code, _band in want} | {
        "natural_mentor",
        "start_meeting",
        "network_mapping",
    }
    for (code, column), shown in table.items():
        assert int(shown) == want.get((code, column), 0), (code, column)
    assert "do not publish" in err
    # each row's total is the sum of its bands
    for code in codes_in_table:
        assert int(table[(code, "total")]) == sum(int(table[(code, b)]) for b in BANDS)


def test_the_edges_count_as_ssb_counts_them(
    histories: tuple[list[dict[str, str]], list[dict[str, str]]], service: Service
) -> None:
    rows, _other = histories
    edges_only = [r for r in rows if r["case_ref"].startswith("AE-")]
    want = expected(edges_only)
    assert want[("6.2", "13-17")] == 2  # E-1 (born 31 December: 13) and E-6
    assert want[("6.2", "6-12")] == 1  # E-2 (born 1 January: 12)
    assert want[("6.2", "3-5")] == 1  # E-5: two periods, one child
    assert want[("6.1", "6-12")] == 1 and ("6.1", "total") in want  # E-4 only, not E-3
    assert want[("6.1", "13-17")] == 1  # E-6
    assert want[("6", "13-17")] == 2  # E-1 and E-6 (6.1 and 6.2, once)
    assert want[("4.3", "18-22")] == 1  # E-7, from 31 December
    out, _err = run("ssb", "--year", str(YEAR), "--service", service.name, "--suppress-below", "0")
    table = parse(out)
    history_only = expected([r for r in rows if not r["case_ref"].startswith("AE-")])
    for key, count in want.items():
        if key[0] in ("resource_person", "natural_mentor", "start_meeting", "network_mapping"):
            continue
        assert int(table[key]) == count + history_only.get(key, 0), key


def test_small_cells_are_suppressed_by_default_and_audited(
    histories: tuple[list[dict[str, str]], list[dict[str, str]]], service: Service
) -> None:
    rows, _other = histories
    out, _err = run("ssb", "--year", str(YEAR), "--service", service.name, "--format", "csv")
    table = parse(out)
    want = expected(rows)
    assert ":" in table.values()
    for key, shown in table.items():
        if shown != ":":
            assert int(shown) == want.get(key, 0)
            assert int(shown) == 0 or int(shown) >= 3
        else:
            assert want.get(key, 0) > 0
    event = AuditEvent.objects.filter(object_type="ssb_table").latest("id")
    assert event.actor_id is None and event.detail["via"] == "command" and event.detail["year"] == YEAR


def test_json_and_output_file(histories: object, service: Service, tmp_path: Path) -> None:
    path = tmp_path / "table.json"
    out, err = run(
        "ssb", "--year", str(YEAR), "--service", service.name, "--format", "json", "--output", str(path)
    )
    assert out == ""
    assert str(path) in err
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["year"] == YEAR and document["suppress_below"] == 3
    assert document["age_bands"] == BANDS
    assert document["rows"][0]["code"] == "all"
    assert set(document["rows"][0]["children"]) == {*BANDS, "total"}


def test_an_unknown_service_or_a_bad_year_is_refused(db: None) -> None:
    with pytest.raises(CommandError, match="no service named"):
        run("ssb", "--year", "2024", "--service", "Nowhere", "--format", "csv")
    with pytest.raises(SystemExit) as exit_info:  # argparse: the usage and the reason on standard error
        run("ssb", "--year", "next", "--format", "csv")
    assert exit_info.value.code == 2


def test_the_merge_of_two_services_files_equals_their_table_together(
    histories: tuple[list[dict[str, str]], list[dict[str, str]]],
    service: Service,
    other_service: Service,
    tmp_path: Path,
) -> None:
    files = []
    for s in (service, other_service):
        path = tmp_path / f"{s.pk}.json"
        out, _err = run(
            "export", "--year", str(YEAR), "--service", s.name, "--output", str(path), "--suppress-below", "0"
        )
        assert str(path) in out
        files.append(str(path))
    merged, _err = run("merge", *files, "--format", "csv", "--suppress-below", "0")
    together, _err = run("ssb", "--year", str(YEAR), "--suppress-below", "0", "--format", "csv")
    assert parse(merged) == parse(together)
    first, second = histories
    want = expected(first, prefix="A") | {}
    for key, value in expected(second, prefix="B").items():
        want[key] = want.get(key, 0) + value
    extended = {"resource_person", "natural_mentor", "start_meeting", "network_mapping"}
    want = {k: v for k, v in want.items() if v and k[0] not in extended}
    assert {k: int(v) for k, v in parse(merged).items() if int(v)} == want


def test_a_merged_cell_is_suppressed_when_a_part_was_and_what_is_shown_is_true(
    histories: object, service: Service, other_service: Service, tmp_path: Path
) -> None:
    files = []
    parts = []
    for s in (service, other_service):
        path = tmp_path / f"{s.pk}.json"
        run("export", "--year", str(YEAR), "--service", s.name, "--output", str(path))
        files.append(str(path))
        parts.append(json.loads(path.read_text(encoding="utf-8")))
    merged = parse(run("merge", *files, "--format", "csv")[0])
    together = parse(run("ssb", "--year", str(YEAR), "--suppress-below", "0", "--format", "csv")[0])
    hidden_parts = {
        (row["code"], column)
        for part in parts
        for row in part["rows"]
        for column, value in row["children"].items()
        if value == ":"
    }
    assert hidden_parts
    for key, shown in merged.items():
        if key in hidden_parts:
            assert shown == ":"
        if shown != ":":
            assert shown == together[key]
            assert int(shown) == 0 or int(shown) >= 3


def test_merge_refuses_files_of_different_years_and_files_that_are_not_figures(
    histories: object, service: Service, other_service: Service, tmp_path: Path
) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    run("export", "--year", str(YEAR), "--service", service.name, "--output", str(a))
    run("export", "--year", str(YEAR - 1), "--service", other_service.name, "--output", str(b))
    with pytest.raises(CommandError, match="different years"):
        run("merge", str(a), str(b), "--format", "csv")
    with pytest.raises(CommandError, match="given twice"):
        run("merge", str(a), str(a), "--format", "csv")
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something else"}', encoding="utf-8")
    with pytest.raises(CommandError, match="not a file of Sirkel's figures"):
        run("merge", str(a), str(bad), "--format", "json")
    with pytest.raises(CommandError, match="Cannot read"):
        run("merge", str(tmp_path / "missing.json"), "--format", "json")
