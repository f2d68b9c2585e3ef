"""National-scale synthetic data for benchmarks and load tests: same seed, same data.

Distributions follow the study's published tables (reference-tables.yaml): birthplace, who the child
lives with and years in contact; services vary in size from a few dozen to thousands of cases.
Rows are bulk-inserted (this is synthetic data, not casework), and one audit event records the run.

"Same data" means every field the seed decides: services, staff names and roles, cases and
assignments. Surrogate ids, time stamps and per-user secrets (password salt, session token) are left
to the database and the framework; `dataset_digest()` fingerprints the rest.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction

from sirkel.accounts.models import Membership, Role, Service, User
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event
from sirkel.cases.models import Case, CaseAssignment, Phase
from sirkel.taxonomy.loader import reference_tables

SERVICE_PREFIX = "Syntetisk barneverntjeneste"
GIVEN_GIRLS = [
    "Emma",
    "Nora",
    "Sofie",
    "Ella",
    "Olivia",
    "Ada",
    "Maja",
    "Ingrid",
    "Leah",
    "Frida",
    "Selma",
    "Amalie",
    "Sara",
    "Hedda",
    "Aurora",
    "Ida",
    "Tiril",
    "Mia",
    "Amina",
    "Linnea",
]
GIVEN_BOYS = [
    "Jakob",
    "Noah",
    "Emil",
    "Lucas",
    "Oliver",
    "Filip",
    "William",
    "Aksel",
    "Theodor",
    "Elias",
    "Henrik",
    "Isak",
    "Magnus",
    "Mohammed",
    "Olav",
    "Sander",
    "Tobias",
    "Jonas",
    "Kasper",
    "Ali",
]
FAMILY = [
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Pedersen",
    "Nilsen",
    "Kristiansen",
    "Jensen",
    "Karlsen",
    "Johnsen",
    "Pettersen",
    "Eriksen",
    "Berg",
    "Haugen",
    "Hagen",
    "Johannessen",
    "Andreassen",
    "Jacobsen",
    "Dahl",
    "Jørgensen",
    "Halvorsen",
    "Henriksen",
    "Lund",
    "Sørensen",
    "Jakobsen",
    "Moen",
    "Gundersen",
    "Iversen",
    "Strand",
    "Solberg",
    "Ahmed",
    "Ali",
    "Nguyen",
    "Kowalski",
    "Hussein",
]
SEXES, SEX_WEIGHTS = ["girl", "boy", "other", "unknown"], [48, 50, 1, 1]
# Dates are laid out from a fixed day so that the same seed gives the same data on any day.
REFERENCE_DATE = date(2026, 1, 1)
PHASE_WEIGHTS = [(Phase.INVESTIGATION, 20), (Phase.SUPPORT, 55), (Phase.CARE, 10), (Phase.CLOSED, 15)]
# Whole years in contact for each band of the study's table ("5-10" is read as 6-10, as in the model).
YEARS_BANDS = {"0-2": (0, 2), "3-5": (3, 5), "5-10": (6, 10), "10+": (11, 16), "not_registered": (0, 2)}
MAX_AGE = 18
CASES_PER_CASEWORKER = 30
ASSIGNED_SHARE = 0.15
# Fields of a case that the digest leaves out: surrogate keys (compared by natural key) and time stamps.
_UNSEEDED_CASE_FIELDS = {"id", "service", "caseworker", "created_at", "updated_at"}


@dataclass(frozen=True)
class GenerateResult:
    services: int
    users: int
    cases: int


class _Weighted:
    """Draws a key of a table of counts with probability proportional to its count."""

    def __init__(self, table: Mapping[str, int]) -> None:
        self.keys = list(table)
        self.cum_weights = list(accumulate(max(table[k], 0) for k in self.keys))

    def __call__(self, rng: random.Random) -> str:
        return rng.choices(self.keys, cum_weights=self.cum_weights)[0]


def _years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _within_year_before(rng: random.Random, day: date, years: int) -> date:
    """A date that lies `years` whole years (and less than one more) before `day`."""
    return _years_before(day, years) - timedelta(days=rng.randint(0, 364))


def service_sizes(rng: random.Random, cases: int) -> list[int]:
    """Cases per service: a long tail, like Norway's services (from under 5 to over 100 staff)."""
    n_services = max(1, min(400, cases // 250 + 1))
    weights = [rng.paretovariate(1.2) for _ in range(n_services)]
    total = sum(weights)
    sizes = [max(1, int(cases * w / total)) for w in weights]
    sizes[0] += cases - sum(sizes)
    while sizes[0] < 1:  # rounding can overshoot with many tiny services
        biggest = max(range(n_services), key=lambda i: sizes[i])
        sizes[biggest] -= 1
        sizes[0] += 1
    return sizes


def generate(*, cases: int, seed: int, today: date | None = None, batch_size: int = 5000) -> GenerateResult:
    """Create `cases` synthetic cases spread over a realistic number of services."""
    if cases < 1:
        raise ValueError("cases must be at least 1")
    if Service.objects.filter(name__startswith=SERVICE_PREFIX).exists():
        raise ValueError("synthetic data already exist in this database; generate into a fresh database")
    rng = random.Random(seed)
    today = today or REFERENCE_DATE
    tables = reference_tables()["case_files"]
    draw_band = _Weighted(tables["years_in_contact"])
    draw_birthplace = _Weighted(tables["birthplace"])
    draw_lives_with = _Weighted(tables["lives_with"])
    draw_sex = _Weighted(dict(zip(SEXES, SEX_WEIGHTS, strict=True)))
    draw_phase = _Weighted({p.value: w for p, w in PHASE_WEIGHTS})
    sizes = service_sizes(rng, cases)
    password = make_password(f"synthetic-{seed}")
    with transaction.atomic():
        services = Service.objects.bulk_create(
            [
                Service(
                    name=f"{SERVICE_PREFIX} {i + 1:03d}",
                    municipality_numbers=f"{5000 + i:04d}",
                    population=max(2000, size * rng.randint(80, 140)),
                )
                for i, size in enumerate(sizes)
            ]
        )
        user_rows: list[User] = []
        roles: list[tuple[int, str]] = []
        for i, (service, size) in enumerate(zip(services, sizes, strict=True)):
            n_workers = max(1, size // CASES_PER_CASEWORKER)
            specs = [("leder", Role.LEADER), ("konsulent", Role.CONSULTANT)] + [
                (f"sb{k + 1}", Role.CASEWORKER) for k in range(n_workers)
            ]
            for name, role in specs:
                user_rows.append(
                    User(
                        username=f"syn{i + 1:03d}-{name}",
                        password=password,
                        first_name=name.capitalize(),
                        last_name=f"Tjeneste {i + 1:03d}",
                    )
                )
                roles.append((service.pk, role))
        users = User.objects.bulk_create(user_rows, batch_size=batch_size)
        Membership.objects.bulk_create(
            [Membership(user=u, service_id=sid, role=r) for u, (sid, r) in zip(users, roles, strict=True)],
            batch_size=batch_size,
        )
        worker_ids: dict[int, list[int]] = {}
        consultant_ids: dict[int, int] = {}
        for u, (sid, r) in zip(users, roles, strict=True):
            if r == Role.CASEWORKER:
                worker_ids.setdefault(sid, []).append(u.pk)
            elif r == Role.CONSULTANT:
                consultant_ids[sid] = u.pk
        batch: list[Case] = []
        assigned_flags: list[bool] = []
        created = 0

        def flush() -> None:
            nonlocal created
            made = Case.objects.bulk_create(batch, batch_size=batch_size)
            CaseAssignment.objects.bulk_create(
                [
                    CaseAssignment(case_id=c.pk, user_id=consultant_ids[c.service_id])
                    for c, flag in zip(made, assigned_flags, strict=True)
                    if flag
                ],
                batch_size=batch_size,
            )
            created += len(made)
            batch.clear()
            assigned_flags.clear()

        for service, size in zip(services, sizes, strict=True):
            workers = worker_ids[service.pk]
            for number in range(1, size + 1):
                sex = draw_sex(rng)
                # Years in contact follow the study's bands; the child is at least that old.
                lo, hi = YEARS_BANDS[draw_band(rng)]
                years = rng.randint(lo, hi)
                age = min(MAX_AGE, int(rng.triangular(years, MAX_AGE + 1, max(years, 11))))
                birth = _within_year_before(rng, today, age)
                first_contact = max(birth, _within_year_before(rng, today, years))
                birthplace = draw_birthplace(rng)
                lives_with = draw_lives_with(rng)
                minority = birthplace != "norway" or rng.random() < 0.08
                interpreter = minority and rng.random() < 0.5
                given = rng.choice(GIVEN_GIRLS if sex == "girl" else GIVEN_BOYS)
                batch.append(
                    Case(
                        service_id=service.pk,
                        number=number,
                        child_given_name=given,
                        child_family_name=rng.choice(FAMILY),
                        birth_date=birth,
                        sex=sex,
                        birthplace=birthplace,
                        lives_with=lives_with,
                        lives_with_other="Besteforeldre" if lives_with == "other" else "",
                        children_in_household=rng.choice([1, 1, 2, 2, 2, 3, 3, 4, 5]),
                        first_contact_date=first_contact,
                        phase=draw_phase(rng),
                        minority_background=minority,
                        parent_cognitive_difficulties=rng.random() < 0.06,
                        language="Arabisk" if interpreter else "",
                        interpreter_needed=interpreter,
                        cultural_interpreter_needed=interpreter and rng.random() < 0.2,
                        caseworker_id=rng.choice(workers),
                    )
                )
                assigned_flags.append(rng.random() < ASSIGNED_SHARE)
                if len(batch) >= batch_size:
                    flush()
        if batch:
            flush()
        record_event(
            actor=None,
            service=None,
            action=AuditAction.GENERATE,
            object_type="synthetic_data",
            detail={"cases": created, "services": len(services), "seed": seed},
        )
    return GenerateResult(services=len(services), users=len(users), cases=created)


def dataset_digest() -> str:
    """SHA-256 over every seeded field of the synthetic data, keyed by natural keys, in a fixed order.

    Two databases generated with the same seed (and reference day) give the same digest; ids, time
    stamps, password salts and session tokens are left out.
    """
    services = Service.objects.filter(name__startswith=SERVICE_PREFIX)
    case_fields = [f.attname for f in Case._meta.concrete_fields if f.name not in _UNSEEDED_CASE_FIELDS]
    digest = hashlib.sha256()

    def feed(label: str, rows: Iterable[tuple[Any, ...]]) -> None:
        digest.update(f"[{label}]\n".encode())
        for row in rows:
            digest.update(repr(row).encode())
            digest.update(b"\n")

    feed("services", services.order_by("name").values_list("name", "municipality_numbers", "population"))
    feed(
        "staff",
        Membership.objects.filter(service__in=services)
        .order_by("service__name", "user__username")
        .values_list(
            "service__name",
            "user__username",
            "role",
            "user__first_name",
            "user__last_name",
            "user__is_active",
            "user__is_staff",
            "user__is_superuser",
        ),
    )
    feed(
        "cases",
        Case.objects.filter(service__in=services)
        .order_by("service__name", "number")
        .values_list("service__name", "caseworker__username", *case_fields)
        .iterator(chunk_size=5000),
    )
    feed(
        "assignments",
        CaseAssignment.objects.filter(case__service__in=services)
        .order_by("case__service__name", "case__number", "user__username")
        .values_list("case__service__name", "case__number", "user__username"),
    )
    return digest.hexdigest()
