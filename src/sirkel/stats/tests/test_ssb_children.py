"""The SSB table from the database: which periods count in a year, and the grouped read
(`selectors.children`) giving the same table as the period-by-period one (`selectors.periods`)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sirkel.accounts.models import Role, Service, User
from sirkel.cases.models import Case, Measure
from sirkel.network.models import NetworkSnapshot
from sirkel.stats import selectors, ssb
from sirkel.testing.fixtures import make_user

YEAR = 2020
pytestmark = pytest.mark.django_db


@pytest.fixture
def child(
    make_case: Callable[..., Case], caseworker: User, service: Service, other_service: Service
) -> Callable[..., Case]:
    owners = {service.pk: caseworker, other_service.pk: make_user("other-cw", other_service, Role.CASEWORKER)}

    def _make(born: date, *, in_service: Service | None = None) -> Case:
        return make_case(
            owner=owners[(in_service or service).pk],
            service=in_service or service,
            birth_date=born,
            first_contact_date=max(born, date(2015, 1, 1)),
        )

    return _make


def measure(
    case: Case, kind: str, started: date | None, ended: date | None = None, code: str = ""
) -> Measure:
    status = "planned" if started is None else ("ended" if ended else "ongoing")
    return Measure.objects.create(
        case=case, kind=kind, code=code, status=status, started_on=started, ended_on=ended
    )


def snapshot(case: Case, day: date) -> NetworkSnapshot:
    taken = datetime(day.year, day.month, day.day, 12, tzinfo=timezone.get_current_timezone())
    return NetworkSnapshot.objects.create(case=case, taken_at=taken)


def slow(*, services: list[Service] | None, year: int, extended: bool) -> tuple[list[ssb.TableRow], int]:
    """The table from one row per period, counted in Python: what the grouped read must equal."""
    return ssb.count(
        selectors.periods(services=services, year=year, extended=extended), year=year, extended=extended
    )


def fast(*, services: list[Service] | None, year: int, extended: bool) -> tuple[list[ssb.TableRow], int]:
    return ssb.count_children(
        selectors.children(services=services, year=year, extended=extended), year=year, extended=extended
    )


def total(code: str, **kwargs: Any) -> int | None:
    return selectors.ssb_table(suppress_below=0, **kwargs).cell(code, ssb.TOTAL)


def test_a_period_counts_in_every_year_it_touches_and_planned_ones_never(
    child: Callable[..., Case],
) -> None:
    measure(child(date(2012, 5, 1)), "advice_guidance", date(2018, 3, 1), date(2019, 12, 31))  # ends before
    measure(child(date(2012, 5, 1)), "advice_guidance", date(2018, 3, 1), date(2020, 1, 1))  # ends on day 1
    measure(child(date(2012, 5, 1)), "advice_guidance", date(2020, 12, 31))  # starts on the last day
    measure(child(date(2012, 5, 1)), "advice_guidance", date(2021, 1, 1))  # starts after
    measure(child(date(2012, 5, 1)), "advice_guidance", date(2016, 1, 1))  # ongoing since
    measure(child(date(2012, 5, 1)), "advice_guidance", None)  # planned
    assert total("3.9", services=None, year=YEAR) == 3
    assert total("3.9", services=None, year=2019) == 3
    assert total("3.9", services=None, year=2021) == 3


def test_the_birth_year_decides_the_age_band(child: Callable[..., Case]) -> None:
    measure(child(date(2014, 12, 31)), "kindergarten", date(2019, 1, 1))  # 6 on 31 December 2020
    measure(child(date(2015, 1, 1)), "kindergarten", date(2019, 1, 1))  # 5
    table = selectors.ssb_table(services=None, year=YEAR, suppress_below=0)
    assert table.cell("4.1", "6-12") == 1
    assert table.cell("4.1", "3-5") == 1


def test_imported_codes_count_under_their_code_and_two_periods_of_a_code_once(
    child: Callable[..., Case],
) -> None:
    first = child(date(2008, 2, 2))
    measure(first, "other", date(2019, 5, 1), date(2020, 2, 1), code="4.3")
    measure(first, "other", date(2020, 6, 1), code="4.3")
    measure(first, "visiting_home", date(2020, 6, 1))
    measure(child(date(2008, 2, 2)), "other", date(2020, 6, 1))  # no code: in no SSB row
    table = selectors.ssb_table(services=None, year=YEAR, suppress_below=0)
    assert table.cell("4.3", ssb.TOTAL) == 1
    assert table.cell("4.5", ssb.TOTAL) == 1
    assert table.cell("4", ssb.TOTAL) == 1
    assert table.cell("all", ssb.TOTAL) == 1


def test_extended_counts_network_mappings_with_or_without_a_measure(child: Callable[..., Case]) -> None:
    both = child(date(2010, 1, 1))
    measure(both, "network_meeting", date(2020, 3, 1))
    snapshot(both, date(2020, 4, 1))
    snapshot(both, date(2020, 5, 1))
    snapshot(child(date(2010, 1, 1)), date(2020, 6, 1))  # mapped, no measure
    snapshot(child(date(2010, 1, 1)), date(2019, 6, 1))  # mapped another year
    measure(child(date(2010, 1, 1)), "start_meeting", date(2020, 1, 5), date(2020, 1, 5))
    table = selectors.ssb_table(services=None, year=YEAR, extended=True, suppress_below=0)
    assert table.cell(ssb.NETWORK_MAPPING, ssb.TOTAL) == 2
    assert table.cell("start_meeting", ssb.TOTAL) == 1
    assert table.cell("all", ssb.TOTAL) == 1


def test_only_the_services_asked_for(
    child: Callable[..., Case], service: Service, other_service: Service
) -> None:
    measure(child(date(2010, 1, 1)), "pmto", date(2020, 1, 1))
    measure(child(date(2010, 1, 1), in_service=other_service), "pmto", date(2020, 1, 1))
    assert total("3.2", services=[service], year=YEAR) == 1
    assert total("3.2", services=[other_service], year=YEAR) == 1
    assert total("3.2", services=[service, other_service], year=YEAR) == 2
    assert total("3.2", services=None, year=YEAR) == 2


@pytest.mark.parametrize("extended", [False, True])
def test_the_grouped_read_gives_the_table_of_the_period_rows(
    child: Callable[..., Case], service: Service, other_service: Service, extended: bool
) -> None:
    rng = random.Random(7)
    kinds = ["network_meeting", "family_group_conference", "resource_person", "ntt", "start_meeting"]
    kinds += ["cos_p_individual", "cos_p_group", "advice_guidance", "network_mapping", "other"]
    cases = [
        child(
            date(rng.randint(1994, 2021), rng.randint(1, 12), 28),
            in_service=rng.choice([service, other_service]),
        )
        for _ in range(40)
    ]
    for _ in range(160):
        case = rng.choice(cases)
        kind = rng.choice(kinds)
        code = rng.choice(["", "", "4.3", "6.99", "2.1"]) if kind == "other" else ""
        started = None if rng.random() < 0.1 else date(2017, 1, 1) + timedelta(days=rng.randint(0, 1800))
        ended = (
            None if started is None or rng.random() < 0.3 else started + timedelta(days=rng.randint(0, 700))
        )
        measure(case, kind, started, ended, code=code)
    for case in rng.sample(cases, 12):
        snapshot(case, date(rng.choice([2019, 2020, 2020, 2021]), 6, 1))
    for year in (2019, 2020, 2021):
        for services in (None, [service], [other_service]):
            assert fast(services=services, year=year, extended=extended) == slow(
                services=services, year=year, extended=extended
            )
    rows, _ = fast(services=None, year=2020, extended=extended)
    assert rows[0].cells[ssb.TOTAL]  # the data do fill the table


@pytest.mark.parametrize(("extended", "queries"), [(False, 1), (True, 2)])
def test_the_grouped_read_is_one_query_however_many_periods(
    child: Callable[..., Case], extended: bool, queries: int
) -> None:
    for i in range(30):
        case = child(date(2000 + i % 20, 1, 1))
        measure(case, "network_meeting", date(2020, 1, 1))
        measure(case, "other", date(2020, 1, 1), code="4.3")
        snapshot(case, date(2020, 2, 1))
    with CaptureQueriesContext(connection) as ctx:
        groups = list(selectors.children(services=None, year=YEAR, extended=extended))
    assert len(ctx.captured_queries) == queries
    assert sum(g.n for g in groups) == 30
    assert len(groups) == 20  # one per birth year: the database grouped the children
