"""`make bench`: how much a case page costs beyond the framework, on synthetic national data.

Builds a fresh SQLite database under var/bench/, generates synthetic services, staff and cases, then
times the case page, the case list and a framework floor (bench/floor.py) with Django's test client,
signed in as a caseworker who owns cases. Runs alternate, medians are compared. See bench/README.md.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import pstats
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_VAR = ROOT / "var" / "bench"
DB_PATH = BENCH_VAR / "bench.sqlite3"
RESULTS = ROOT / "bench" / "results" / "latest.txt"
NETWORK_PAGE = "network page (60 people)"


def bench_settings(*, db_path: Path, var_dir: Path) -> dict[str, str]:
    """The bench's environment for Sirkel: its own SQLite database and var directory, and production-like
    where it matters for timing (no debug mode, persistent database connections). The load test's
    server and set-up process use the same, with their own database (bench/load.py)."""
    return {
        "DJANGO_SETTINGS_MODULE": "sirkel.settings",
        "DATABASE_URL": f"sqlite:///{db_path}",
        "SIRKEL_VAR_DIR": str(var_dir),
        "SIRKEL_ENV": "development",
        "SIRKEL_DEBUG": "0",
        "SIRKEL_REQUIRE_2FA": "0",
        "SIRKEL_DB_CONN_MAX_AGE": "60",
    }


def configure_environment() -> None:
    """Point Sirkel at the bench database, before Django reads its settings."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.update(bench_settings(db_path=DB_PATH, var_dir=BENCH_VAR))
    os.environ.setdefault("SIRKEL_LOG_LEVEL", "WARNING")


def fresh_database() -> None:
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{DB_PATH}{suffix}").unlink(missing_ok=True)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=20_000, help="synthetic cases to generate (20000)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (1)")
    parser.add_argument("--warmup", type=int, default=30, help="untimed requests per page first (30)")
    parser.add_argument(
        "--rounds", type=int, default=400, help="most timed rounds, a request per page each (400)"
    )
    parser.add_argument("--budget", type=float, default=45.0, help="most seconds of timed rounds (45)")
    parser.add_argument(
        "--profile", action="store_true", help="also print a cProfile of 200 case-page requests"
    )
    parser.add_argument(
        "--import-rows",
        type=int,
        default=100_000,
        help="rows of the measure-history import to time (100000; 0 skips it)",
    )
    parser.add_argument(
        "--ssb-periods",
        type=int,
        default=1_000_000,
        help="measure periods for the SSB table's bench (1000000); see bench/ssb.py",
    )
    parser.add_argument("--ssb-rounds", type=int, default=5, help="timed runs of the SSB table each (5)")
    parser.add_argument("--skip-ssb", action="store_true", help="do not run the SSB table's bench")
    parser.add_argument(
        "--research-export",
        type=int,
        default=50_000,
        metavar="N",
        help="registrations for the research export bench (50000; 0 skips it); see bench/research_export.py",
    )
    parser.add_argument(
        "--load-users",
        type=int,
        default=200,
        help="simulated caseworkers of the load test (200; 0 skips it); see bench/load.py",
    )
    parser.add_argument("--load-cases", type=int, default=100_000, help="cases of the load test (100000)")
    parser.add_argument(
        "--load-seconds", type=float, default=60.0, help="measured seconds of the load test (60)"
    )
    parser.add_argument("--no-save", action="store_true", help=f"do not write {RESULTS.relative_to(ROOT)}")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    configure_environment()
    fresh_database()

    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import reverse

    from sirkel.accounts.models import Membership, Role, User
    from sirkel.audit.models import AuditEvent
    from sirkel.cases.models import Case
    from sirkel.demo.generate import dataset_digest, generate

    lines: list[str] = []

    def say(line: str) -> None:
        print(line, flush=True)
        lines.append(line)

    started = time.perf_counter()
    load_at_start = os.getloadavg()[0]
    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    result = generate(cases=args.cases, seed=args.seed)
    generate_s = time.perf_counter() - t0

    # The caseworker: the one with most cases in the service of median size (ties by user name).
    sizes = list(Case.objects.values("service_id").annotate(n=Count("id")).order_by("n", "service_id"))
    service_id = sizes[len(sizes) // 2]["service_id"]
    caseworker_ids = Membership.objects.filter(service_id=service_id, role=Role.CASEWORKER).values("user_id")
    owner = (
        User.objects.filter(pk__in=caseworker_ids)
        .annotate(n=Count("owned_cases"))
        .order_by("-n", "username")
        .first()
    )
    assert owner is not None
    case_ids = list(
        Case.objects.filter(caseworker=owner).order_by("number").values_list("pk", flat=True)[:20]
    )
    assert case_ids, "the chosen caseworker owns no cases"

    # The network page: a register of 60 people on another of the caseworker's cases (bench/network.py).
    from bench.network import build_network

    network_case_id = (
        Case.objects.filter(caseworker=owner).order_by("number").values_list("pk", flat=True)[len(case_ids)]
    )
    network_case = Case.objects.get(pk=network_case_id)
    network_people = build_network(owner=owner, case=network_case, seed=args.seed)

    client = Client()
    client.force_login(owner)

    with override_settings(ROOT_URLCONF="bench.floor"):
        from bench.floor import FLOOR_URL_NAME

        targets: dict[str, list[str]] = {
            "floor": [reverse(FLOOR_URL_NAME, args=[pk]) for pk in case_ids],
            "case page": [reverse("cases:detail", args=[pk]) for pk in case_ids],
            "case list": [reverse("cases:list")],
            NETWORK_PAGE: [reverse("network:page", args=[network_case_id])],
        }

        def get(url: str) -> float:
            start = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - start
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}, expected 200")
            return elapsed

        # Correctness before speed: each page read writes exactly one audit event; the floor none.
        queries: dict[str, int] = {}
        audit: dict[str, int] = {}
        for name, urls in targets.items():
            before = AuditEvent.objects.count()
            with CaptureQueriesContext(connection) as ctx:
                get(urls[0])
            queries[name] = len(ctx.captured_queries)
            audit[name] = AuditEvent.objects.count() - before
        if audit != {"floor": 0, "case page": 1, "case list": 1, NETWORK_PAGE: 1}:
            raise SystemExit(f"unexpected audit events per request: {audit}")

        for i in range(args.warmup):
            for urls in targets.values():
                get(urls[i % len(urls)])

        # Alternate the pages round by round (rotating the order) so drift hits all of them alike.
        times: dict[str, list[float]] = {name: [] for name in targets}
        names = list(targets)
        deadline = time.perf_counter() + args.budget
        rounds = 0
        while rounds < args.rounds and time.perf_counter() < deadline:
            shift = rounds % len(names)
            for name in names[shift:] + names[:shift]:
                urls = targets[name]
                times[name].append(get(urls[rounds % len(urls)]))
            rounds += 1

        profile_text = ""
        if args.profile:
            profile_text = profile_requests(lambda: get(targets["case page"][0]), count=200)

    median_ms = {name: statistics.median(values) * 1000 for name, values in times.items()}
    floor_ms = median_ms["floor"]
    say(
        f"Sirkel bench: SQLite {sqlite3.sqlite_version}, Python {platform.python_version()}, "
        f"Django {django.get_version()}, {os.cpu_count()} CPUs, load average {load_at_start:.1f} at start"
    )
    say(
        f"data: {result.cases} cases in {result.services} services, {result.users} staff (seed {args.seed}), "
        f"generated in {generate_s:.1f} s, digest {dataset_digest()[:16]}"
    )
    say(
        f"signed in as {owner.username} ({len(case_ids)} of their cases cycled); "
        f"{args.warmup} warm-up and {rounds} timed rounds, medians"
    )
    say(f"floor: {floor_ms:.2f} ms, queries: {queries['floor']}")
    say(f"case page: {median_ms['case page']:.2f} ms")
    say(f"case page / floor ratio: {median_ms['case page'] / floor_ms:.2f}")
    say(f"case page queries: {queries['case page']}")
    say(f"case list: {median_ms['case list']:.2f} ms")
    say(f"case list / floor ratio: {median_ms['case list'] / floor_ms:.2f}")
    say(f"case list queries: {queries['case list']}")
    say(f"{NETWORK_PAGE}: {median_ms[NETWORK_PAGE]:.2f} ms ({network_people} people in the register)")
    say(f"{NETWORK_PAGE} / floor ratio: {median_ms[NETWORK_PAGE] / floor_ms:.2f}")
    say(f"{NETWORK_PAGE} queries: {queries[NETWORK_PAGE]}")
    if args.load_users > 0:
        from bench.load import bench_load

        load = bench_load(
            users=args.load_users, cases=args.load_cases, seed=args.seed, duration=args.load_seconds
        )
        say(
            f"load: {load.users} simulated caseworkers, {load.cases:,} cases "
            f"(set up in {load.setup_s:.0f} s); {load.requests:,} requests measured, "
            f"{load.rps:.0f} requests/s, p50 {load.p50_ms:.0f} ms"
        )
        if load.workers:
            say(f"load server: {load.workers}")
        for name, (count, p95) in sorted(load.per_name.items()):
            say(f"load {name}: {count:,} requests, p95 {p95:.0f} ms")
        say(f"load {load.users} users p95 ms: {load.p95_ms:.0f}")
        say(f"load {load.users} users errors: {load.failures}")
    if args.import_rows:
        from bench.imports import bench_import

        imported = bench_import(rows=args.import_rows, seed=args.seed)
        say(
            f"import: {imported.rows} rows, {imported.children} children, "
            f"{imported.counts['decisions_created']} decisions (seed {args.seed})"
        )
        say(f"import {imported.rows} rows s: {imported.import_s:.1f}")
        say(f"import baseline (csv + executemany) s: {imported.baseline_s:.2f}")
        say(f"import / baseline ratio: {imported.import_s / imported.baseline_s:.1f}")
        say(f"import again (unchanged) s: {imported.again_s:.1f}")
    if not args.skip_ssb and args.ssb_periods > 0:
        from bench.ssb import bench_ssb

        ssb = bench_ssb(periods=args.ssb_periods, seed=args.seed, rounds=args.ssb_rounds, say=say)
        say(f"ssb table seconds ({ssb.periods:,} periods): {ssb.product_s:.3f}")
        say(f"ssb table duckdb seconds (same rows, in memory): {ssb.duckdb_s:.3f}")
        say(f"ssb table / duckdb ratio: {ssb.product_s / ssb.duckdb_s:.2f}")
    if args.research_export > 0:
        from bench.research_export import bench_research_export

        exported = bench_research_export(registrations=args.research_export, seed=args.seed)
        say(f"research export seconds ({exported.registrations:,} registrations): {exported.seconds:.1f}")
        say(f"research export peak MiB: {exported.peak_mib:.0f}")
        say(f"research export process peak MiB (input included): {exported.process_peak_mib:.0f}")
        say(f"research export worker peak MiB (largest scrubbing process): {exported.worker_peak_mib:.0f}")
        say(f"research export csv floor seconds (same rows, plain csv): {exported.floor_seconds:.2f}")
        say(f"research export / csv floor ratio: {exported.seconds / exported.floor_seconds:.1f}")
    say(f"total bench time: {time.perf_counter() - started:.1f} s")
    if profile_text:
        print(profile_text)
    if not args.no_save:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


def profile_requests(request: Callable[[], float], *, count: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        request()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(40)
    return out.getvalue()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
