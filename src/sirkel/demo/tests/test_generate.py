"""Synthetic national data: reproducible from the seed, counted right, consistent with the access model."""

from __future__ import annotations

from collections import Counter
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count

from sirkel.accounts.models import Membership, Role, Service, User
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.audit.verification import verify_chain
from sirkel.cases.models import Case, CaseAssignment
from sirkel.demo.generate import REFERENCE_DATE, SERVICE_PREFIX, GenerateResult, dataset_digest, generate
from sirkel.taxonomy.loader import reference_tables

N = 600


def _generate_and_roll_back(*, seed: int) -> tuple[GenerateResult, str]:
    """Generate in a transaction of its own, fingerprint the data, then undo it all."""
    with transaction.atomic():
        result = generate(cases=N, seed=seed)
        digest = dataset_digest()
        transaction.set_rollback(True)
    assert not Service.objects.filter(name__startswith=SERVICE_PREFIX).exists()
    return result, digest


def _band(first_contact: date, today: date = REFERENCE_DATE) -> str:
    years = (
        today.year
        - first_contact.year
        - ((today.month, today.day) < (first_contact.month, first_contact.day))
    )
    if years <= 2:
        return "0-2"
    if years <= 5:
        return "3-5"
    if years <= 10:
        return "5-10"
    return "10+"


def _shares(counter: Counter[str]) -> dict[str, float]:
    total = sum(counter.values())
    return {k: v / total for k, v in counter.items()}


def test_same_seed_gives_the_same_data(db: None) -> None:
    first, digest_a = _generate_and_roll_back(seed=1)
    second, digest_b = _generate_and_roll_back(seed=1)
    assert first == second
    assert digest_a == digest_b


def test_another_seed_gives_other_data(db: None) -> None:
    _result, digest_1 = _generate_and_roll_back(seed=1)
    _result, digest_2 = _generate_and_roll_back(seed=2)
    assert digest_1 != digest_2


def test_digest_sees_a_changed_case(db: None) -> None:
    generate(cases=N, seed=1)
    before = dataset_digest()
    case = Case.objects.order_by("service__name", "number").last()
    assert case is not None
    Case.objects.filter(pk=case.pk).update(children_in_household=case.children_in_household + 1)
    assert dataset_digest() != before


def test_counts_match_the_result(db: None) -> None:
    result = generate(cases=N, seed=1)
    services = Service.objects.filter(name__startswith=SERVICE_PREFIX)
    assert result.cases == N == Case.objects.count()
    assert result.services == services.count() > 1
    assert result.users == User.objects.filter(username__startswith="syn").count()
    assert Membership.objects.filter(service__in=services).count() == result.users
    # Case numbers run from 1 in each service, without gaps.
    for row in Case.objects.values("service_id").annotate(n=Count("id")):
        numbers = sorted(Case.objects.filter(service_id=row["service_id"]).values_list("number", flat=True))
        assert numbers == list(range(1, row["n"] + 1))
    # Each service has a leader, a network consultant and at least one caseworker.
    for service in services:
        roles = Counter(service.memberships.values_list("role", flat=True))
        assert roles[Role.LEADER] == 1
        assert roles[Role.CONSULTANT] == 1
        assert roles[Role.CASEWORKER] >= 1


def test_every_case_belongs_to_a_caseworker_of_its_service(db: None) -> None:
    generate(cases=N, seed=3)
    caseworkers = set(Membership.objects.filter(role=Role.CASEWORKER).values_list("user_id", "service_id"))
    pairs = set(Case.objects.values_list("caseworker_id", "service_id"))
    assert pairs <= caseworkers
    consultants = set(Membership.objects.filter(role=Role.CONSULTANT).values_list("user_id", "service_id"))
    assigned = set(CaseAssignment.objects.values_list("user_id", "case__service_id"))
    assert assigned
    assert assigned <= consultants


def test_distributions_follow_the_reference_tables(db: None) -> None:
    generate(cases=N, seed=1)
    tables = reference_tables()["case_files"]
    expected_bands = _shares(Counter(tables["years_in_contact"]))
    expected_bands["0-2"] += expected_bands.pop("not_registered")  # counted as recent contact
    cases = list(Case.objects.values_list("birthplace", "lives_with", "birth_date", "first_contact_date"))
    observed = {
        "birthplace": _shares(Counter(c[0] for c in cases)),
        "lives_with": _shares(Counter(c[1] for c in cases)),
        "years_in_contact": _shares(Counter(_band(c[3]) for c in cases)),
    }
    expected = {
        "birthplace": _shares(Counter(tables["birthplace"])),
        "lives_with": _shares(Counter(tables["lives_with"])),
        "years_in_contact": expected_bands,
    }
    for table, shares in expected.items():
        for key, share in shares.items():
            # 600 cases: a few percentage points of sampling noise either way.
            assert abs(observed[table].get(key, 0.0) - share) < 0.06, (table, key)
        assert set(observed[table]) <= set(shares), table
    assert all(first >= birth for _bp, _lw, birth, first in cases)
    assert all(first <= REFERENCE_DATE for *_rest, first in cases)


def test_services_vary_in_size(db: None) -> None:
    result = generate(cases=N * 4, seed=1)
    sizes = sorted(Case.objects.values("service_id").annotate(n=Count("id")).values_list("n", flat=True))
    assert len(sizes) == result.services >= 5
    assert sizes[-1] >= 3 * sizes[0]


def test_one_audit_event_records_the_run(db: None) -> None:
    generate(cases=N, seed=1)
    events = AuditEvent.objects.filter(action=AuditAction.GENERATE)
    assert events.count() == 1
    assert events.get().detail == {"cases": N, "services": Service.objects.count(), "seed": 1}
    assert verify_chain().ok


def test_refuses_to_run_twice_in_one_database(db: None) -> None:
    generate(cases=N, seed=1)
    with pytest.raises(ValueError, match="already exist"):
        generate(cases=N, seed=2)
    assert Case.objects.count() == N


def test_command_refuses_to_run_twice(db: None) -> None:
    out = StringIO()
    call_command("generate", cases=50, seed=1, stdout=out)
    assert "Generated 50 cases" in out.getvalue()
    with pytest.raises(CommandError, match="already exist"):
        call_command("generate", cases=50, seed=1, stdout=out)
    assert Case.objects.count() == 50


@pytest.mark.django_db
def test_the_command_refuses_to_run_in_production(settings: Any) -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("generate", "--cases", "10", "--seed", "1")
    assert not Service.objects.exists()
