"""National-scale synthetic data for benchmarks and load tests: same seed, same data.

Distributions follow the study's published tables (reference-tables.yaml): birthplace, who the child
lives with and years in contact; services vary in size from a few dozen to thousands of cases.
Rows are bulk-inserted (this is synthetic data, not casework), and one audit event records the run.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

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
YEARS_BANDS = {"0-2": (0, 2), "3-5": (3, 5), "5-10": (6, 10), "10+": (11, 16), "not_registered": (0, 2)}


@dataclass(frozen=True)
class GenerateResult:
    services: int
    users: int
    cases: int


def _weighted(rng: random.Random, table: dict[str, int]) -> str:
    keys = list(table)
    return rng.choices(keys, weights=[max(table[k], 0) for k in keys])[0]


def generate(*, cases: int, seed: int, today: date | None = None, batch_size: int = 5000) -> GenerateResult:
    """Create `cases` synthetic cases spread over a realistic number of services."""
    if Service.objects.filter(name__startswith=SERVICE_PREFIX).exists():
        raise ValueError("synthetic data already exist in this database; generate into a fresh database")
    rng = random.Random(seed)
    today = today or REFERENCE_DATE
    tables = reference_tables()["case_files"]
    n_services = max(1, min(400, cases // 250 + 1))
    # Sizes follow a long tail, like Norway's services (from under 5 to over 100 staff).
    weights = [rng.paretovariate(1.2) for _ in range(n_services)]
    total = sum(weights)
    sizes = [max(1, int(cases * w / total)) for w in weights]
    sizes[0] += cases - sum(sizes)
    while sizes[0] < 1:  # rounding can overshoot with many tiny services
        biggest = max(range(n_services), key=lambda i: sizes[i])
        sizes[biggest] -= 1
        sizes[0] += 1
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
            n_workers = max(1, size // 30)
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
        by_service: dict[int, list[User]] = {}
        consultants: dict[int, User] = {}
        for u, (sid, r) in zip(users, roles, strict=True):
            if r == Role.CASEWORKER:
                by_service.setdefault(sid, []).append(u)
            elif r == Role.CONSULTANT:
                consultants[sid] = u
        phases = [p for p, _w in PHASE_WEIGHTS]
        phase_w = [w for _p, w in PHASE_WEIGHTS]
        batch: list[Case] = []
        assigned_flags: list[bool] = []
        created = 0

        def flush() -> None:
            nonlocal created
            made = Case.objects.bulk_create(batch, batch_size=batch_size)
            CaseAssignment.objects.bulk_create(
                [
                    CaseAssignment(case=c, user=consultants[c.service_id])
                    for c, flag in zip(made, assigned_flags, strict=True)
                    if flag
                ],
                batch_size=batch_size,
            )
            created += len(made)
            batch.clear()
            assigned_flags.clear()

        for service, size in zip(services, sizes, strict=True):
            workers = by_service[service.pk]
            for number in range(1, size + 1):
                sex = rng.choices(SEXES, weights=SEX_WEIGHTS)[0]
                age = min(22, int(rng.triangular(0, 19, 11)))
                birth = today - timedelta(days=age * 365 + rng.randint(0, 364))
                band = _weighted(rng, tables["years_in_contact"])
                lo, hi = YEARS_BANDS[band]
                years = min(rng.randint(lo, hi), age)
                first_contact = max(birth, today - timedelta(days=years * 365 + rng.randint(0, 364)))
                birthplace = _weighted(rng, tables["birthplace"])
                lives_with = _weighted(rng, tables["lives_with"])
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
                        phase=rng.choices(phases, weights=phase_w)[0],
                        minority_background=minority,
                        parent_cognitive_difficulties=rng.random() < 0.06,
                        language="Arabisk" if interpreter else "",
                        interpreter_needed=interpreter,
                        cultural_interpreter_needed=interpreter and rng.random() < 0.2,
                        caseworker_id=rng.choice(workers).pk,
                    )
                )
                assigned_flags.append(rng.random() < 0.15)
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
