"""The SSB table's reads: which measures count in a year, the extended rows, scoping and the audit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from sirkel.accounts.models import Service, User
from sirkel.audit.models import AuditEvent
from sirkel.cases.models import Case, MeasureStatus
from sirkel.network.models import NetworkSnapshot
from sirkel.stats import selectors, ssb
from sirkel.testing.factories import make_measure

YEAR = 2024


@pytest.fixture
def children(make_case: Callable[..., Case], caseworker: User, service: Service) -> list[Case]:
    born = [date(YEAR - 10, 5, 5), date(YEAR - 10, 12, 31), date(YEAR - 16, 1, 1), date(YEAR - 30, 1, 1)]
    return [make_case(owner=caseworker, service=service, birth_date=b) for b in born]


def test_periods_touching_the_year_count_and_planned_ones_do_not(
    children: list[Case], service: Service
) -> None:
    a, b, c, old = children
    make_measure(case=a, kind="network_meeting", started_on=date(YEAR - 1, 3, 1))  # ongoing since last year
    make_measure(
        case=b,
        kind="network_meeting",
        status=MeasureStatus.ENDED,
        started_on=date(YEAR - 1, 3, 1),
        ended_on=date(YEAR - 1, 12, 31),
    )  # ended the day before the year began
    make_measure(case=b, kind="family_group_conference", status=MeasureStatus.PLANNED)  # not started
    make_measure(case=c, kind="family_group_conference", started_on=date(YEAR, 12, 31))
    make_measure(case=old, kind="network_meeting", started_on=date(YEAR, 2, 1))  # 30 years old
    table = selectors.ssb_table(services=[service], year=YEAR, suppress_below=0)
    assert table.cell("6.2", "6-12") == 1 and table.cell("6.2", ssb.TOTAL) == 1
    assert table.cell("6.1", "13-17") == 1
    assert table.cell("6", ssb.TOTAL) == 2 and table.cell(ssb.ALL, ssb.TOTAL) == 2
    assert table.outside_ages == 1
    assert [r.code for r in table.rows] == ["all", "6", "6.1", "6.2"]


def test_the_extended_rows_count_start_meetings_resource_persons_and_network_mappings(
    children: list[Case], service: Service
) -> None:
    a, b, c, _old = children
    make_measure(case=a, kind="start_meeting", started_on=date(YEAR, 1, 10))
    make_measure(case=b, kind="resource_person", started_on=date(YEAR, 1, 10))
    NetworkSnapshot.objects.create(
        case=c, taken_at=datetime(YEAR, 6, 1, 12, tzinfo=UTC), data={"members": [], "ties": []}
    )
    NetworkSnapshot.objects.create(
        case=c, taken_at=datetime(YEAR, 9, 1, 12, tzinfo=UTC), data={"members": [], "ties": []}
    )
    NetworkSnapshot.objects.create(
        case=a, taken_at=datetime(YEAR - 1, 9, 1, 12, tzinfo=UTC), data={"members": [], "ties": []}
    )
    plain = selectors.ssb_table(services=[service], year=YEAR, suppress_below=0)
    assert [r.code for r in plain.rows] == ["all", "6", "6.99"]  # a start meeting is no SSB measure
    table = selectors.ssb_table(services=[service], year=YEAR, extended=True, suppress_below=0)
    assert table.cell("start_meeting", "6-12") == 1
    assert table.cell("resource_person", "6-12") == 1  # born 31 December: 10
    assert table.cell("6.99", ssb.TOTAL) == 1
    assert table.cell("network_mapping", "13-17") == 1  # two mappings, one child
    assert table.cell("natural_mentor", ssb.TOTAL) == 0
    assert table.cell(ssb.ALL, ssb.TOTAL) == 1


def test_a_leader_reads_the_table_of_their_own_service_only_and_it_is_audited(
    children: list[Case],
    service: Service,
    other_service: Service,
    leader: User,
    caseworker: User,
    outsider: User,
) -> None:
    make_measure(case=children[0], kind="network_meeting", started_on=date(YEAR, 1, 1))
    table = selectors.ssb_table_for_leader(user=leader, service_id=service.pk, year=YEAR)
    assert table.cell("6.2", "6-12") is None  # one child: suppressed for a person's page
    event = AuditEvent.objects.filter(object_type="ssb_table").latest("id")
    assert (event.actor_id, event.service_id, event.detail["year"]) == (leader.pk, service.pk, YEAR)
    with pytest.raises(Http404):
        selectors.ssb_table_for_leader(user=caseworker, service_id=service.pk, year=YEAR)
    with pytest.raises(Http404):
        selectors.ssb_table_for_leader(user=outsider, service_id=service.pk, year=YEAR)
    other = selectors.ssb_table_for_leader(user=outsider, service_id=None, year=YEAR)
    assert other.services == [other_service.name] and other.cell(ssb.ALL, ssb.TOTAL) == 0


def test_the_trend_runs_from_the_first_measure_to_the_year(
    children: list[Case], service: Service, leader: User
) -> None:
    make_measure(case=children[0], kind="network_meeting", started_on=date(YEAR - 2, 6, 1))
    chosen, tables = selectors.ssb_trend(user=leader, service_id=None, year=YEAR)
    assert chosen == service
    assert [t.year for t in tables] == [YEAR - 2, YEAR - 1, YEAR]
    assert AuditEvent.objects.filter(object_type="ssb_table").count() == 1


def test_a_leader_downloads_the_file_for_federated_figures(
    children: list[Case], service: Service, leader: User, caseworker: User
) -> None:
    from django.urls import reverse

    from sirkel.stats import federation
    from sirkel.testing.fixtures import client_for

    for child in children[:3]:
        make_measure(case=child, kind="network_meeting", started_on=date(YEAR, 1, 1))
    url = reverse("stats:ssb_export") + f"?service={service.pk}&year={YEAR}"
    response = client_for(leader).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="sirkel-ssb-{YEAR}.json"'
    document = federation.read_document(response.content.decode(), name="download")
    assert document["service"] == service.name and document["year"] == YEAR
    row = next(r for r in document["rows"] if r["code"] == "6.2")
    assert row["children"]["total"] == 3 and row["children"]["6-12"] == ":"  # two of ten, one of sixteen
    event = AuditEvent.objects.filter(object_type="ssb_table").latest("id")
    assert (event.action, event.actor_id) == ("export", leader.pk)
    assert client_for(caseworker).get(url).status_code == 404
    assert (
        client_for(leader).get(reverse("stats:ssb_export") + f"?service={service.pk + 1000}").status_code
        == 404
    )


def test_the_api_gives_a_leader_the_table_with_nulls_where_suppressed(
    children: list[Case], service: Service, leader: User, caseworker: User
) -> None:
    from sirkel.testing.fixtures import api_client_for

    for child in children[:3]:
        make_measure(case=child, kind="network_meeting", started_on=date(YEAR, 1, 1))
    url = f"/api/v1/services/{service.pk}/ssb/?year={YEAR}&extended=true"
    response = api_client_for(leader).get(url)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["service"], body["year"], body["extended"]) == (service.pk, YEAR, True)
    assert body["smallest_cell"] == 3
    row = next(r for r in body["rows"] if r["code"] == "6.2")
    assert row["children"]["total"] == 3 and row["children"]["6-12"] is None
    assert {r["code"] for r in body["rows"]} >= {"all", "6", "6.2", "resource_person", "network_mapping"}
    assert api_client_for(caseworker).get(url).status_code == 404
    assert api_client_for(leader).get(f"/api/v1/services/{service.pk}/ssb/?year=x").status_code == 400


def test_the_year_test_on_end_and_start_years_keeps_the_edges_of_the_dates(
    children: list[Case], service: Service
) -> None:
    a, b, c, _old = children
    ended = MeasureStatus.ENDED
    # Counts: ended on the year's first day; started on its last.
    make_measure(
        case=a,
        kind="network_meeting",
        status=ended,
        started_on=date(YEAR - 2, 1, 1),
        ended_on=date(YEAR, 1, 1),
    )
    make_measure(case=b, kind="network_meeting", started_on=date(YEAR, 12, 31))
    # Does not count: started the day after the year; ended the day before it.
    make_measure(case=c, kind="network_meeting", started_on=date(YEAR + 1, 1, 1))
    make_measure(
        case=c,
        kind="family_group_conference",
        status=ended,
        started_on=date(YEAR - 3, 1, 1),
        ended_on=date(YEAR - 1, 12, 31),
    )
    table = selectors.ssb_table(services=[service], year=YEAR, suppress_below=0)
    assert table.cell("6.2", ssb.TOTAL) == 2
    assert table.cell(ssb.ALL, ssb.TOTAL) == 2
    assert table.row("6.1") is None


def test_on_sqlite_the_grouped_read_is_answered_from_the_year_index_alone(children: list[Case]) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's plan; PostgreSQL plans by its own statistics")
    make_measure(case=children[0], kind="network_meeting", started_on=date(YEAR, 2, 1))
    with CaptureQueriesContext(connection) as ctx:
        list(selectors.children(services=None, year=YEAR))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + ctx.captured_queries[0]["sql"])
        plan = " / ".join(str(row[-1]) for row in cursor.fetchall())
    # The index matches only if the read writes its year expressions exactly as the index does.
    assert "SCAN cases_measure USING COVERING INDEX measure_ssb_year_idx" in plan, plan
