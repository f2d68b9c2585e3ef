"""Building each demo case's measures once, one builder per demo case."""

from __future__ import annotations

from datetime import date

from sirkel.accounts.models import User
from sirkel.cases.models import Case, Measure
from sirkel.demo.meetings.early import build_amina, build_lukas, build_sofie
from sirkel.demo.meetings.held import build_emma, build_filip, build_jonas
from sirkel.demo.meetings.other_measures import (
    build_leah,
    build_maja,
    build_oliver,
    build_selma,
    build_theo,
    build_william,
)
from sirkel.demo.meetings.steps import Members
from sirkel.demo.support_measures import build_ingrid, build_noah

BUILDERS = {
    ("Emma", "Hansen"): build_emma,
    ("Jonas", "Johansen"): build_jonas,
    ("Filip", "Larsen"): build_filip,
    ("Amina", "Ahmed"): build_amina,
    ("Lukas", "Andersen"): build_lukas,
    ("Sofie", "Pedersen"): build_sofie,
    ("Ingrid", "Solberg"): build_ingrid,
    ("Noah", "Eriksen"): build_noah,
    ("Maja", "Karlsen"): build_maja,
    ("William", "Berntsen"): build_william,
    ("Leah", "Tran"): build_leah,
    ("Selma", "Haugen"): build_selma,
    ("Theo", "Bakke"): build_theo,
    ("Oliver", "Nilsen"): build_oliver,
}


def load_measures(
    *,
    cases: dict[tuple[str, str], Case],
    members: dict[tuple[str, str], Members],
    users: dict[str, User],
    today: date,
) -> int:
    """Build each case's measures, decisions and plan once (a case that has a measure already is left
    alone); returns how many cases were built."""
    created = 0
    for key, build in BUILDERS.items():
        case = cases.get(key)
        if case is None or Measure.objects.filter(case=case).exists():
            continue
        build(case=case, m=members.get(key, {}), users=users, today=today)
        created += 1
    return created
