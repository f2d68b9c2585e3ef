"""The network page's bench data: a register of 60 people with ties, on one of the caseworker's cases.

Built through the product's own services (`network.services.add_member`, `add_tie`), as a caseworker
would build it, from a fixed seed: family, friends, school and services on both sides, every ring,
support types, contact details on some, and 90 ties between them, a tenth of them conflict or broken
contact. The network page of a case shows the register's table, the map, the ties and the metrics.
"""

from __future__ import annotations

import random

from sirkel.accounts.models import User
from sirkel.cases.models import Case

PEOPLE = 60
TIES = 90

_PRIVATE = [
    ("mormor", "family"),
    ("morfar", "family"),
    ("tante", "family"),
    ("onkel", "family"),
    ("fetter", "family"),
    ("venn", "friends"),
    ("nabo", "friends"),
    ("trener", "friends"),
]
_PUBLIC = [
    ("kontaktlærer", "school"),
    ("helsesykepleier", "school"),
    ("fastlege", "services"),
    ("BUP-behandler", "services"),
    ("miljøarbeider", "services"),
    ("rektor", "school"),
]
_GIVEN = ["Kari", "Ola", "Nora", "Emil", "Sara", "Jonas", "Ingrid", "Ali", "Mina", "Lars", "Aisha", "Per"]
_FAMILY = ["Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Berg", "Haugen", "Khan", "Nilsen"]


def build_network(*, owner: User, case: Case, seed: int) -> int:
    """Add PEOPLE members and TIES ties to `case`'s network as `owner`; returns how many members it has."""
    from sirkel.network import services
    from sirkel.network.models import NetworkMember, TieKind

    rng = random.Random(seed)
    members: list[NetworkMember] = []
    for i in range(PEOPLE):
        private = i % 3 != 2
        relation, sector = rng.choice(_PRIVATE if private else _PUBLIC)
        phone = f"9{rng.randrange(10**6, 10**7)}" if i % 4 == 0 else ""
        members.append(
            services.add_member(
                acting_user=owner,
                case=case,
                name=f"{rng.choice(_GIVEN)} {rng.choice(_FAMILY)}",
                side="private" if private else "public",
                sector=sector,
                relation=relation,
                ring=1 + i % 3,
                support=rng.sample(["emotional", "practical", "informational", "appraisal"], k=1 + i % 3),
                valence=["resource", "resource", "both", "stress"][i % 4],
                note="Kan hente på skolen." if i % 5 == 0 else "",
                phone=phone,
            )
        )
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < TIES:
        a, b = sorted(rng.sample(range(PEOPLE), 2))
        pairs.add((a, b))
    for n, (a, b) in enumerate(sorted(pairs)):
        kind = (
            TieKind.CONFLICT
            if n % 15 == 0
            else TieKind.BROKEN
            if n % 15 == 7
            else TieKind.CLOSE
            if n % 3
            else ""
        )
        services.add_tie(acting_user=owner, case=case, a=members[a], b=members[b], kind=kind)
    return NetworkMember.objects.filter(case=case).count()
