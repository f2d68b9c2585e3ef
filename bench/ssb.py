"""The SSB table in `make bench`: Sirkel's yearly table over 1,000,000 measure periods, against DuckDB.

Synthetic children and measure periods go into the bench database (shaped by Sirkel's migrations) with
raw `executemany` inserts in one transaction, topped up so that the table `cases_measure` holds exactly
the asked number of rows (the earlier parts of the bench may have left some: the import's 100,000).
Then:

- the product: `sirkel.stats.selectors.ssb_table(services=None, year=Y)` with suppression on, the whole
  way from the database to the suppressed table; the median of several runs, after one untimed run;
- DuckDB: the same rows (case id, birth date, SSB code (the measure's own or the one its kind gives), kind,
  started, ended) copied into an in-memory DuckDB database (the copy is not timed), then one SQL
  statement computing the same unsuppressed table: children per code, per group and in all, per age band
  and in total, each child once per cell. Its counts must equal the product's (`suppress_below=0`) cell
  for cell before anything is timed; the bench stops if they do not.
"""

from __future__ import annotations

import csv
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

# (kind, imported SSB code or "", weight). The code column is set where the kind does not give the code:
# imported measures of the generic kind "other" with a code no single kind carries, as `kind_for` makes
# them. Kinds without an SSB code (start meeting, network mapping, family guide, "other" with no code)
# are in no SSB row.
MEASURE_MIX: tuple[tuple[str, str, int], ...] = (
    ("advice_guidance", "", 140),
    ("kindergarten", "", 90),
    ("financial_support", "", 90),
    ("support_contact", "", 80),
    ("visiting_home", "", 70),
    ("home_worker", "", 60),
    ("after_school", "", 40),
    ("supervision_control", "", 30),
    ("pmto", "", 20),
    ("icdp", "", 20),
    ("marte_meo", "", 15),
    ("mst", "", 10),
    ("fft", "", 8),
    ("cos_p_individual", "", 10),
    ("cos_p_group", "", 6),
    ("parent_child_centre", "", 10),
    ("own_housing_followup", "", 8),
    ("network_meeting", "", 12),
    ("family_group_conference", "", 10),
    ("responsibility_group", "", 25),
    ("individual_plan", "", 15),
    ("ntt", "", 3),
    ("resource_person", "", 4),
    ("natural_mentor", "", 3),
    ("start_meeting", "", 10),
    ("network_mapping", "", 6),
    ("family_guide", "", 8),
    ("other", "", 6),
    ("other", "4.3", 25),
    ("other", "4.8", 12),
    ("other", "7.3", 15),
    ("other", "2.1", 20),
    ("other", "2.2", 25),
    ("other", "1.1", 15),
    ("other", "3.7", 12),
    ("other", "6.99", 6),
    ("other", "4.99", 10),
    ("other", "8.99", 3),
)
SERVICES = 4
FIRST_BIRTH_YEAR, LAST_BIRTH_YEAR = 1995, 2025
YEARS_OF_STARTS = 12  # measure starts spread over the last 12 years
ONGOING_SHARE = 0.15
PLANNED_SHARE = 0.04  # planned: no start yet
LONGEST_DAYS = 900  # ended measures end 0-900 days after they started
CHILDREN_PER_PERIOD = 0.3  # ~300,000 children for 1,000,000 periods


@dataclass(frozen=True)
class SsbBench:
    periods: int  # rows in cases_measure
    inserted: int  # of which this part inserted
    children: int  # cases this part inserted
    year: int
    touching: int  # periods that touch the year (started, not ended before it)
    insert_s: float
    product_s: float  # median
    duckdb_s: float  # median
    product_runs: list[float]
    duckdb_runs: list[float]
    cells: int  # non-zero cells compared


def _insert(*, periods: int, seed: int, today: date) -> tuple[int, int, float]:
    """Top `cases_measure` up to `periods` rows: synthetic cases and measures, raw inserts in one
    transaction. Returns (measures inserted, cases inserted, seconds)."""
    from django.db import connection, transaction

    from sirkel.accounts.models import Membership, Role, Service, User
    from sirkel.cases.models import Measure

    existing = Measure.objects.count()
    wanted = max(0, periods - existing)
    if not wanted:
        return 0, 0, 0.0
    rng = random.Random(seed)
    start = time.perf_counter()
    services = [
        Service.objects.create(
            name=f"SSB bench {i + 1}", municipality_numbers=f"99{i:02d}", population=50_000
        )
        for i in range(SERVICES)
    ]
    caseworker = User.objects.create(username="ssb-bench-caseworker")
    for service in services:
        Membership.objects.create(user=caseworker, service=service, role=Role.CASEWORKER)
    stamp = f"{today.isoformat()} 12:00:00"
    children = max(1, round(wanted * CHILDREN_PER_PERIOD))
    first_birth = date(FIRST_BIRTH_YEAR, 1, 1).toordinal()
    last_birth = min(date(LAST_BIRTH_YEAR, 12, 31), today).toordinal()
    case_rows: list[tuple[Any, ...]] = []
    births: list[int] = []
    numbers = dict.fromkeys((s.pk for s in services), 0)
    service_ids = [s.pk for s in services]
    for _ in range(children):
        service_id = rng.choice(service_ids)
        numbers[service_id] += 1
        born = rng.randint(first_birth, last_birth)
        births.append(born)
        contact = date.fromordinal(min(today.toordinal(), born + rng.randint(0, 3650))).isoformat()
        case_rows.append(
            (stamp, stamp, numbers[service_id], "Syntetisk", "Barn", date.fromordinal(born).isoformat())
            + ("unknown", "norway", "not_stated", "", 1, contact, "support", False, False, "", False, False)
            + (1, caseworker.pk, service_id, "")
        )
    kinds = [(k, c) for k, c, _ in MEASURE_MIX]
    weights = [w for _, _, w in MEASURE_MIX]
    first_start = today.toordinal() - 365 * YEARS_OF_STARTS
    with transaction.atomic():
        connection.ensure_connection()
        raw = connection.connection
        assert raw is not None
        cursor = raw.cursor()
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM cases_case")
        first_case_id = int(cursor.fetchone()[0]) + 1
        cursor.executemany(
            "INSERT INTO cases_case (id, created_at, updated_at, number, child_given_name, "
            "child_family_name, birth_date, sex, birthplace, lives_with, lives_with_other, "
            "children_in_household, first_contact_date, phase, minority_background, "
            "parent_cognitive_difficulties, language, interpreter_needed, cultural_interpreter_needed, "
            "version, caseworker_id, service_id, external_ref) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ((first_case_id + i, *row) for i, row in enumerate(case_rows)),
        )

        # In the children's order, as a case system's export would be: the indexes grow at their end.
        owners = sorted(rng.randrange(children) for _ in range(wanted))

        def measure_rows() -> Any:
            for child, (kind, code) in zip(owners, rng.choices(kinds, weights, k=wanted), strict=True):
                earliest = max(first_start, births[child])
                began = rng.randint(earliest, max(earliest, today.toordinal()))
                draw = rng.random()
                planned_start: str | None = None
                started: str | None = None
                ended: str | None = None
                expected: str | None = None
                if draw < PLANNED_SHARE:
                    status = "planned"
                    planned_start = date.fromordinal(began).isoformat()
                elif draw < PLANNED_SHARE + ONGOING_SHARE:
                    status = "ongoing"
                    started = date.fromordinal(began).isoformat()
                else:
                    end = began + rng.randint(0, LONGEST_DAYS)
                    started = date.fromordinal(began).isoformat()
                    if end > today.toordinal():  # would end in the future: still ongoing
                        status = "ongoing"
                        expected = date.fromordinal(end).isoformat()
                    else:
                        status = "ended"
                        ended = date.fromordinal(end).isoformat()
                yield (
                    stamp,
                    stamp,
                    kind,
                    status,
                    "voluntary",
                    started,
                    ended,
                    "",
                    "",
                    1,
                    first_case_id + child,
                    None,
                    code,
                    expected,
                    planned_start,
                )

        cursor.executemany(
            "INSERT INTO cases_measure (created_at, updated_at, kind, status, legal_basis, started_on, "
            "ended_on, end_reason, note, version, case_id, created_by_id, code, expected_end, "
            "planned_start) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            measure_rows(),
        )
        cursor.close()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return wanted, children, time.perf_counter() - start


def _median_of(run: Callable[[], object], *, rounds: int) -> list[float]:
    run()  # untimed: the same warm start for both
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times


def _duckdb_rows(path: Path) -> int:
    """The rows DuckDB gets, written to a CSV file: one per measure, its SSB code resolved from its kind
    where the code column is empty, as Sirkel reads it."""
    from django.db import connection

    from sirkel.taxonomy import measures as measure_taxonomy

    codes = {k: measure_taxonomy.ssb_code(k) for k in measure_taxonomy.kind_keys()}
    n = 0
    with path.open("w", newline="", encoding="utf-8") as out, connection.cursor() as cursor:
        writer = csv.writer(out)
        writer.writerow(["case_id", "birth_date", "code", "kind", "started_on", "ended_on"])
        cursor.execute(
            "SELECT m.case_id, c.birth_date, m.code, m.kind, m.started_on, m.ended_on "
            "FROM cases_measure m JOIN cases_case c ON c.id = m.case_id"
        )
        while batch := cursor.fetchmany(50_000):
            writer.writerows(
                (case_id, born, code or codes.get(kind, ""), kind, started, ended)
                for case_id, born, code, kind, started, ended in batch
            )
            n += len(batch)
    return n


def _duckdb_sql(*, year: int) -> str:
    from sirkel.stats import ssb

    bands = []
    for band in ssb.age_bands():
        low, high = (int(x) for x in band.split("-"))
        bands.append(f"WHEN age BETWEEN {low} AND {high} THEN '{band}'")
    # Only numbers and constants of `ssb` are put in the text.
    # Distinct (child, code, band) first, then plain counts: twice as fast in DuckDB as count(DISTINCT)
    # over grouping sets. The yardstick is the faster form.
    return f"""
        WITH measures AS (
            SELECT DISTINCT case_id, code, CASE {" ".join(bands)} END AS band
            FROM (
                SELECT case_id, code, {year} - year(birth_date) AS age FROM periods
                WHERE code <> '' AND started_on <= DATE '{year}-12-31'
                  AND (ended_on IS NULL OR ended_on >= DATE '{year}-01-01')
            )
            WHERE age BETWEEN 0 AND 24
        ),
        groups AS (SELECT DISTINCT case_id, split_part(code, '.', 1) AS grp, band FROM measures),
        children AS (SELECT DISTINCT case_id, band FROM measures)
        SELECT '{ssb.LEVEL_MEASURE}', code, coalesce(band, '{ssb.TOTAL}'), count(*)
        FROM measures GROUP BY GROUPING SETS ((code, band), (code))
        UNION ALL
        SELECT '{ssb.LEVEL_GROUP}', grp, coalesce(band, '{ssb.TOTAL}'), count(*)
        FROM groups GROUP BY GROUPING SETS ((grp, band), (grp))
        UNION ALL
        SELECT '{ssb.LEVEL_ALL}', '{ssb.ALL}', coalesce(band, '{ssb.TOTAL}'), count(*)
        FROM children GROUP BY GROUPING SETS ((band), ())
    """  # noqa: S608


def bench_ssb(*, periods: int, seed: int, rounds: int, say: Callable[[str], None]) -> SsbBench:
    import duckdb
    from django.conf import settings
    from django.db.models import Q
    from django.utils import timezone

    from sirkel.cases.models import Case, Measure
    from sirkel.stats import ssb
    from sirkel.stats.selectors import ssb_table

    today = timezone.localdate()
    year = today.year - YEARS_OF_STARTS // 2
    inserted, children, insert_s = _insert(periods=periods, seed=seed, today=today)
    total = Measure.objects.count()
    touching = Measure.objects.filter(started_on__lte=date(year, 12, 31), started_on__isnull=False).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=date(year, 1, 1))
    )
    say(
        f"ssb: {total} measure periods ({inserted} inserted in {insert_s:.1f} s, for {children} of "
        f"{Case.objects.count()} cases), year {year}: {touching.count()} periods touch it"
    )

    # The same rows into DuckDB, untimed.
    csv_path = Path(settings.VAR_DIR) / "ssb-duckdb-rows.csv"
    copied = _duckdb_rows(csv_path)
    if copied != total:
        raise SystemExit(f"ssb: {copied} rows copied for DuckDB, {total} in the database")
    duck = duckdb.connect(":memory:")
    duck.execute(
        "CREATE TABLE periods AS SELECT * FROM read_csv(?, header = true, columns = {"
        "'case_id': 'BIGINT', 'birth_date': 'DATE', 'code': 'VARCHAR', 'kind': 'VARCHAR', "
        "'started_on': 'DATE', 'ended_on': 'DATE'})",
        [str(csv_path)],
    )
    csv_path.unlink()
    sql = _duckdb_sql(year=year)

    # Correctness before speed: DuckDB's table equals the product's unsuppressed one, cell for cell.
    product = ssb_table(services=None, year=year, suppress_below=0)
    ours = {
        (r.level, r.code, column): value
        for r in product.rows
        for column, value in r.cells.items()
        if value  # DuckDB has no rows for empty cells
    }
    theirs = {(level, code, column): int(n) for level, code, column, n in duck.execute(sql).fetchall()}
    if ours != theirs:
        differ = sorted(k for k in ours.keys() | theirs.keys() if ours.get(k) != theirs.get(k))
        raise SystemExit(
            f"ssb: the product's table and DuckDB's differ in {len(differ)} cells, e.g. "
            + ", ".join(f"{k}: {ours.get(k)} vs {theirs.get(k)}" for k in differ[:5])
        )
    if not ours.get((ssb.LEVEL_ALL, ssb.ALL, ssb.TOTAL)):
        raise SystemExit("ssb: the table is empty; nothing to compare")
    say(
        f"ssb: DuckDB's table equals Sirkel's unsuppressed one in all {len(ours)} non-empty cells "
        f"({product.cell(ssb.ALL, ssb.TOTAL)} children with a measure in {year})"
    )

    product_runs = _median_of(lambda: ssb_table(services=None, year=year), rounds=rounds)
    duckdb_runs = _median_of(lambda: duck.execute(sql).fetchall(), rounds=rounds)
    duck.close()
    return SsbBench(
        periods=total,
        inserted=inserted,
        children=children,
        year=year,
        touching=touching.count(),
        insert_s=insert_s,
        product_s=statistics.median(product_runs),
        duckdb_s=statistics.median(duckdb_runs),
        product_runs=product_runs,
        duckdb_runs=duckdb_runs,
        cells=len(ours),
    )
