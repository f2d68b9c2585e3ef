"""The measure-history import in `make bench`: 100,000 generated rows (about 30,000 children) into SQLite.

The baseline, measured in the same run, is the least any import of the file must do: read it with the
`csv` module and insert its rows, as they are, into a scratch table with one `executemany` in one
transaction. The import's ratio to it says what checking, matching and building cases, decisions and
measures cost beyond that, independent of the machine's speed.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ImportBench:
    rows: int
    children: int
    import_s: float
    again_s: float
    baseline_s: float
    counts: dict[str, int]


def _baseline(text: str) -> float:
    from django.db import connection, transaction

    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_rows (a, b, c, d, e, f, g, h, i, j)")
        reader = csv.reader(io.StringIO(text, newline=""))
        next(reader)
        cursor.executemany(
            "INSERT INTO bench_rows VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", list(reader)
        )
        transaction.set_rollback(True)
    elapsed = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_rows")
    return elapsed


def bench_import(*, rows: int, seed: int, say: Callable[[str], None] | None = None) -> ImportBench:
    from django.utils import timezone

    from sirkel.accounts.models import Membership, Role, Service, User
    from sirkel.cases.imports import import_measures
    from sirkel.demo.history import measure_history

    history = measure_history(rows=rows, seed=seed, today=timezone.localdate())
    service = Service.objects.create(name="Import bench", municipality_numbers="9999", population=100_000)
    leader = User.objects.create(username="import-bench-leader")
    caseworker = User.objects.create(username="import-bench-caseworker")
    Membership.objects.create(user=leader, service=service, role=Role.LEADER)
    Membership.objects.create(user=caseworker, service=service, role=Role.CASEWORKER)
    data = history.text.encode()
    baseline_s = _baseline(history.text)

    def run() -> tuple[float, dict[str, int]]:
        start = time.perf_counter()
        result = import_measures(acting_user=leader, service=service, caseworker=caseworker, data=data)
        elapsed = time.perf_counter() - start
        if not result.ok:
            raise SystemExit(f"the generated file did not import: {result.errors[:3]}")
        return elapsed, result.counts()

    import_s, counts = run()
    if counts["measures_created"] != rows or counts["cases_created"] != history.children:
        raise SystemExit(f"unexpected import counts: {counts}")
    again_s, again = run()
    if again["measures_unchanged"] != rows or again["measures_created"] or again["cases_created"]:
        raise SystemExit(f"a second import changed something: {again}")
    return ImportBench(rows, history.children, import_s, again_s, baseline_s, counts)
