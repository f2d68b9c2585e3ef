"""The load test's database and signed-in caseworkers, in a process of its own (`python -m bench.load_setup`).

Run by bench/load.py with DATABASE_URL and SIRKEL_VAR_DIR pointing at the load test's own database
(var/bench/load/), so that the bench's other parts keep theirs. Migrates a fresh database, generates the
synthetic cases with the product's generator, and signs in one caseworker per simulated user the way
Django's test client does (`force_login`: a real session row, no password check), and writes what each
simulated user needs as JSON: the session and CSRF cookies, their own cases' URLs, the names to search
for, and a case whose network they work on.

    python -m bench.load_setup USERS CASES SEED OUTPUT.json
"""

from __future__ import annotations

import json
import sys
import time


def main(argv: list[str]) -> int:
    users, cases, seed, output = int(argv[0]), int(argv[1]), int(argv[2]), argv[3]
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count
    from django.middleware.csrf import _get_new_csrf_string  # the cookie's secret, as Django makes it
    from django.test import Client
    from django.urls import reverse

    from sirkel.accounts.models import Membership, Role, User
    from sirkel.cases.models import Case
    from sirkel.demo.generate import generate

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    result = generate(cases=cases, seed=seed)
    generated_s = time.perf_counter() - started
    caseworker_ids = Membership.objects.filter(role=Role.CASEWORKER).values("user_id")
    owners = list(
        User.objects.filter(pk__in=caseworker_ids, is_active=True)
        .annotate(n=Count("owned_cases"))
        .filter(n__gte=2)
        .order_by("-n", "pk")[:users]
    )
    if not owners:
        raise SystemExit("no caseworker owns cases")
    identities = []
    for owner in owners:
        own = list(
            Case.objects.filter(caseworker=owner).order_by("number").values("pk", "child_family_name")[:20]
        )
        client = Client()
        client.force_login(owner)
        network_case = own[0]["pk"]
        identities.append(
            {
                "session": client.cookies["sessionid"].value,
                "csrf": _get_new_csrf_string(),
                "cases": [reverse("cases:detail", args=[c["pk"]]) for c in own],
                "search": sorted({c["child_family_name"][:4] for c in own if c["child_family_name"]}),
                "network": reverse("network:page", args=[network_case]),
                "member_add": reverse("network:member_add", args=[network_case]),
            }
        )
    with open(output, "w", encoding="utf-8") as out:
        json.dump(
            {
                "cases": result.cases,
                "services": result.services,
                "staff": result.users,
                "generated_s": generated_s,
                "case_list": reverse("cases:list"),
                "identities": identities,
            },
            out,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
