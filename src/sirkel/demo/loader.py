"""Load the demo data set: two services, the demo users and about 20 fictional cases, with networks,
trained meeting leaders, network measures in several states (see network_demo and the meetings package),
and the decisions and measure plans behind the measures (see stories and support_measures), and a
research project with the study's 88 case files registered (see research_demo).

Idempotent: users and services are matched by name, and cases are only created for a service that
has none yet; a network is only registered for a case that has none, a case's measures (with their
decisions and plan) only built for a case that has no measure, a leader only registered once.
Everything is created through the services, so the audit chain records it.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from sirkel.accounts.models import Membership, Role, Service, User
from sirkel.cases.models import Birthplace, Case, LivesWith, Phase, Sex
from sirkel.cases.services import create_case
from sirkel.demo.data import DEMO_PASSWORD, DEMO_SERVICE, DEMO_USERS, NEIGHBOUR_SERVICE, DemoService
from sirkel.demo.meetings.leaders import load_leaders
from sirkel.demo.meetings.measures import load_measures
from sirkel.demo.network_demo import load_networks
from sirkel.demo.perspective_demo import load_perspective_maps
from sirkel.demo.research_demo import load_research

# (given name, family name, sex, age, lives_with, birthplace, phase, years in contact, owner, flags)
# Owner: 1 = saksbehandler, 2 = saksbehandler2, N = nabo. Flags: m = minority background (with
# interpreter), c = parental cognitive difficulties, k = konsulent assigned, x = cultural interpreter.
DEMO_CASES: list[tuple[str, str, str, int, str, str, str, int, str, str]] = [
    ("Emma", "Hansen", Sex.GIRL, 9, LivesWith.MOTHER, Birthplace.NORWAY, Phase.SUPPORT, 3, "1", "k"),
    ("Jonas", "Johansen", Sex.BOY, 12, LivesWith.MOTHER, Birthplace.NORWAY, Phase.SUPPORT, 5, "1", "k"),
    ("Nora", "Olsen", Sex.GIRL, 15, LivesWith.BOTH_PARENTS, Birthplace.NORWAY, Phase.SUPPORT, 7, "1", ""),
    ("Filip", "Larsen", Sex.BOY, 7, LivesWith.MOTHER, Birthplace.NORWAY, Phase.INVESTIGATION, 0, "1", "c"),
    ("Amina", "Ahmed", Sex.GIRL, 11, LivesWith.BOTH_PARENTS, Birthplace.AFRICA, Phase.SUPPORT, 2, "1", "mkx"),
    ("Lukas", "Andersen", Sex.BOY, 4, LivesWith.MOTHER, Birthplace.NORWAY, Phase.SUPPORT, 1, "1", ""),
    ("Sofie", "Pedersen", Sex.GIRL, 13, LivesWith.FATHER, Birthplace.NORWAY, Phase.SUPPORT, 4, "1", ""),
    ("Oliver", "Nilsen", Sex.BOY, 16, LivesWith.OTHER, Birthplace.NORWAY, Phase.CARE, 11, "1", ""),
    (
        "Ella",
        "Kristiansen",
        Sex.GIRL,
        1,
        LivesWith.MOTHER,
        Birthplace.NORWAY,
        Phase.INVESTIGATION,
        0,
        "1",
        "c",
    ),
    ("Kasper", "Jensen", Sex.BOY, 10, LivesWith.BOTH_PARENTS, Birthplace.NORWAY, Phase.CLOSED, 3, "1", ""),
    ("Maja", "Karlsen", Sex.GIRL, 8, LivesWith.MOTHER, Birthplace.NORWAY, Phase.SUPPORT, 4, "2", "k"),
    ("William", "Berntsen", Sex.BOY, 14, LivesWith.MOTHER, Birthplace.NORWAY, Phase.SUPPORT, 6, "2", ""),
    ("Leah", "Tran", Sex.GIRL, 6, LivesWith.BOTH_PARENTS, Birthplace.ASIA, Phase.SUPPORT, 1, "2", "m"),
    ("Noah", "Eriksen", Sex.BOY, 9, LivesWith.MOTHER, Birthplace.NORWAY, Phase.SUPPORT, 5, "2", "c"),
    ("Ingrid", "Solberg", Sex.GIRL, 17, LivesWith.MOTHER, Birthplace.NORWAY, Phase.SUPPORT, 12, "2", ""),
    ("Aksel", "Moen", Sex.BOY, 3, LivesWith.BOTH_PARENTS, Birthplace.NORWAY, Phase.INVESTIGATION, 0, "2", ""),
    ("Selma", "Haugen", Sex.GIRL, 12, LivesWith.MOTHER, Birthplace.EUROPE_OTHER, Phase.SUPPORT, 3, "2", "m"),
    ("Theo", "Bakke", Sex.BOY, 11, LivesWith.NOT_STATED, Birthplace.UNKNOWN, Phase.SUPPORT, 2, "2", ""),
    ("Ida", "Strand", Sex.GIRL, 10, LivesWith.MOTHER, Birthplace.NORWAY, Phase.SUPPORT, 6, "N", ""),
    ("Henrik", "Lie", Sex.BOY, 13, LivesWith.BOTH_PARENTS, Birthplace.NORWAY, Phase.SUPPORT, 2, "N", ""),
    ("Mathilde", "Dahl", Sex.GIRL, 5, LivesWith.MOTHER, Birthplace.NORWAY, Phase.INVESTIGATION, 0, "N", ""),
]

LANGUAGES = {"Ahmed": "Somali", "Tran": "Vietnamesisk", "Haugen": "Polsk"}


def _service(spec: DemoService) -> Service:
    service, _created = Service.objects.get_or_create(
        name=spec.name,
        defaults={"municipality_numbers": spec.municipality_numbers, "population": spec.population},
    )
    return service


@transaction.atomic
def load_demo(*, today: date | None = None) -> dict[str, int]:
    """Create or complete the demo data; returns how many cases, leaders and measures were created."""
    today = today or timezone.localdate()
    services = {s.name: _service(s) for s in (DEMO_SERVICE, NEIGHBOUR_SERVICE)}
    users: dict[str, User] = {}
    password_hash = ""
    for spec in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=spec.username,
            defaults={"first_name": spec.first_name, "last_name": spec.last_name},
        )
        if created:
            # One hash for the one shared demo password: hashing it for each user took seconds.
            password_hash = password_hash or make_password(DEMO_PASSWORD)
            user.password = password_hash
            if spec.role == Role.ADMINISTRATOR:
                user.is_staff = True
                user.is_superuser = True
            user.save()
        Membership.objects.get_or_create(
            user=user, service=services[spec.service], defaults={"role": spec.role}
        )
        users[spec.username] = user
    owners = {"1": users["saksbehandler"], "2": users["saksbehandler2"], "N": users["nabo"]}
    rng = random.Random(2023)
    created_count = 0
    for service in services.values():
        if Case.objects.filter(service=service).exists():
            continue
        for given, family, sex, age, lives_with, born, phase, years, owner_key, flags in DEMO_CASES:
            owner = owners[owner_key]
            if (owner_key == "N") != (service.name == NEIGHBOUR_SERVICE.name):
                continue
            birth = today - timedelta(days=age * 365 + rng.randint(10, 330))
            first_contact = max(birth, today - timedelta(days=years * 365 + rng.randint(20, 300)))
            assigned = [users["konsulent"]] if "k" in flags else []
            create_case(
                acting_user=owner,
                service=service,
                caseworker=owner,
                assigned=assigned,
                child_given_name=given,
                child_family_name=family,
                birth_date=birth,
                sex=sex,
                birthplace=born,
                lives_with=lives_with,
                lives_with_other="Besteforeldre" if lives_with == LivesWith.OTHER else "",
                children_in_household=rng.choice([1, 1, 2, 2, 2, 3, 4]),
                first_contact_date=first_contact,
                phase=phase,
                minority_background="m" in flags,
                parent_cognitive_difficulties="c" in flags,
                language=LANGUAGES.get(family, ""),
                interpreter_needed="m" in flags,
                cultural_interpreter_needed="x" in flags,
            )
            created_count += 1
    leaders_created = load_leaders(
        users=users, services=services, demo=DEMO_SERVICE.name, neighbour=NEIGHBOUR_SERVICE.name, today=today
    )
    demo_cases = {
        (c.child_given_name, c.child_family_name): c
        for c in Case.objects.filter(service=services[DEMO_SERVICE.name]).select_related("caseworker")
    }
    members = load_networks(cases=demo_cases, today=today)
    if ("Emma", "Hansen") in demo_cases:
        load_perspective_maps(case=demo_cases["Emma", "Hansen"], members=members.get(("Emma", "Hansen"), {}))
    measures_created = load_measures(cases=demo_cases, members=members, users=users, today=today)
    registrations_created = load_research(researcher=users["forsker"])
    return {
        "cases_created": created_count,
        "leaders_created": leaders_created,
        "measures_created": measures_created,
        "registrations_created": registrations_created,
    }
