"""The leaders' SSB table page and its CSV: the year's table and the trend counted from measure periods
(age on 31 December, each child once a row), small cells shown as ":", for the leaders of the service
only, one audit event a read, and as many queries for many children as for few."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import override

from sirkel.accounts.models import Membership, Role, Service, User
from sirkel.audit.models import AuditEvent
from sirkel.cases.models import Case, MeasureStatus
from sirkel.stats import ssb
from sirkel.testing.factories import make_measure
from sirkel.testing.fixtures import client_for

URL = "/statistikk/ssb/"
CSV_URL = "/statistikk/ssb.csv"
YEAR = 2024
BANDS = ("0-2", "3-5", "6-12", "13-17", "18-22", "23-24", "total")

MakeChild = Callable[..., Case]


@pytest.fixture
def child(make_case: Callable[..., Case], caseworker: User, service: Service) -> MakeChild:
    counter = iter(range(1000))

    def _child(born: date, *, in_service: Service | None = None, owner: User | None = None) -> Case:
        return make_case(
            owner=owner or caseworker,
            service=in_service or service,
            birth_date=born,
            child_given_name=f"Barn{next(counter)}",
        )

    return _child


def period(case: Case, kind: str, started_on: date | None, ended_on: date | None = None) -> None:
    status = (
        MeasureStatus.PLANNED
        if started_on is None
        else (MeasureStatus.ENDED if ended_on else MeasureStatus.ONGOING)
    )
    make_measure(case=case, kind=kind, status=status, started_on=started_on, ended_on=ended_on)


@pytest.fixture
def measures(child: MakeChild) -> None:
    """In 2024: A, B, C (10 years old on 31 December) had a family group conference from 2023 that ended on
    1 January 2024 and network meetings from February; D and E network meetings, E in two periods; G, H and
    I (16) a support contact in the summer. Not in 2024: F's network meetings ended on 31 December 2023, J's
    are only planned and K's start in 2025."""
    for _ in range(3):  # A, B, C
        case = child(date(2014, 5, 1))
        period(case, "family_group_conference", date(2023, 5, 1), date(2024, 1, 1))
        period(case, "network_meeting", date(2024, 2, 1))
    period(child(date(2014, 12, 31)), "network_meeting", date(2024, 3, 1))  # D: 10 on 31 December
    e = child(date(2014, 1, 1))
    period(e, "network_meeting", date(2024, 1, 1), date(2024, 3, 1))
    period(e, "network_meeting", date(2024, 9, 1))
    period(child(date(2008, 6, 1)), "network_meeting", date(2023, 1, 1), date(2023, 12, 31))  # F
    for _ in range(3):  # G, H, I
        period(child(date(2008, 2, 2)), "support_contact", date(2024, 6, 1), date(2024, 8, 1))
    period(child(date(2014, 2, 2)), "network_meeting", None)  # J
    period(child(date(2014, 2, 2)), "network_meeting", date(2025, 1, 10))  # K


def cells(html: str, code: str) -> dict[str, str]:
    """The shown cells of a row of the page's SSB table, by column."""
    from html.parser import HTMLParser

    found: dict[str, str] = {}

    class Row(HTMLParser):
        inside = False
        cell: str | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = dict(attrs)
            if tag == "tr":
                self.inside = a.get("data-code") == code and "ssb-row" in (a.get("class") or "")
            elif tag == "td" and self.inside and (column := a.get("data-cell")):
                self.cell = column
                found[column] = ""

        def handle_endtag(self, tag: str) -> None:
            if tag == "td":
                self.cell = None
            elif tag == "tr":
                self.inside = False

        def handle_data(self, data: str) -> None:
            if self.cell is not None:
                found[self.cell] += data.strip()

    parser = Row()
    parser.feed(html[html.index('id="ssb-table"') :])
    return found


def row_of(**values: int) -> dict[str, str]:
    """A row's cells with `values` by band (`_6_12=5`: 5 in 6–12), 0 elsewhere, and their total."""
    return {band: str(values.get("_" + band.replace("-", "_"), 0)) for band in BANDS[:-1]} | {
        "total": str(sum(values.values()))
    }


@pytest.mark.usefixtures("measures")
def test_a_leader_sees_the_year_counted_as_ssb_counts(leader: User, service: Service) -> None:
    with override("en"):
        response = client_for(leader).get(URL, {"year": YEAR})
    assert response.status_code == 200
    html = response.content.decode()
    table = response.context["table"]
    assert [r.code for r in table.rows] == ["all", "4", "4.6", "6", "6.1", "6.2"]
    assert cells(html, "all") == row_of(_6_12=5, _13_17=3)
    assert cells(html, "4") == cells(html, "4.6") == row_of(_13_17=3)
    assert cells(html, "6") == cells(html, "6.2") == row_of(_6_12=5)
    assert cells(html, "6.1") == row_of(_6_12=3)
    assert 'class="ssb-row ssb-row--group"' in html and 'data-level="measure"' in html
    assert '<th scope="row">Nettverksmøter</th>' in html  # SSB's own name of 6.2
    # The trend, from the first year with a measure: 2023 had A, B, C and F.
    assert response.context["trend_years"] == [2023, 2024]
    everything = next(s for s in response.context["series"] if s.code == "all")
    assert everything.values == [4, 8]
    assert (
        'id="ssb-chart" role="img" aria-labelledby="ssb-chart-title" aria-describedby="ssb-trend-caption"'
        in html
    )
    assert 'data-series="all" data-value="8"' in html
    assert 'id="ssb-trend-table"' in html
    assert f'href="/statistikk/ssb.csv?service={service.pk}&amp;year={YEAR}"' in html


@pytest.mark.usefixtures("measures")
def test_the_read_is_one_audit_event_of_aggregated_data(leader: User, service: Service) -> None:
    client_for(leader).get(URL, {"year": YEAR, "extended": 1})
    event = AuditEvent.objects.filter(object_type="ssb_table").get()
    assert (event.actor_id, event.service_id, event.object_id) == (leader.pk, service.pk, str(service.pk))
    assert event.detail == {"years": [2023, YEAR], "extended": True}


@pytest.mark.usefixtures("measures")
def test_the_csv_is_the_same_table(leader: User, service: Service) -> None:
    response = client_for(leader).get(CSV_URL, {"year": YEAR, "service": service.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="ssb-{YEAR}.csv"'
    text = response.content.decode()
    lines = text.split("\r\n")
    assert lines[0] == "code,category,age_band,children"
    assert lines[1:8] == [
        "all,Alle tiltak,0-2,0",
        "all,Alle tiltak,3-5,0",
        "all,Alle tiltak,6-12,5",
        "all,Alle tiltak,13-17,3",
        "all,Alle tiltak,18-22,0",
        "all,Alle tiltak,23-24,0",
        "all,Alle tiltak,total,8",
    ]
    assert "6.2,Nettverksmøter,6-12,5" in lines and "4.6,Støttekontakt,13-17,3" in lines
    records = list(csv.reader(io.StringIO(text)))
    assert len(records) == 1 + 6 * len(BANDS)  # six rows, each band and the total
    assert AuditEvent.objects.filter(object_type="ssb_table").count() == 1


def test_small_numbers_show_a_colon_on_the_page_and_in_the_csv(leader: User, child: MakeChild) -> None:
    period(child(date(2014, 5, 1)), "network_meeting", date(2024, 2, 1))
    period(child(date(2014, 5, 1)), "network_meeting", date(2024, 2, 1))
    html = client_for(leader).get(URL, {"year": YEAR}).content.decode()
    shown = cells(html, "6.2")
    assert shown["6-12"] == shown["total"] == ":"
    assert "2" not in shown.values()
    assert "<abbr title=" in html and 'id="ssb-suppressed-note"' in html
    lines = client_for(leader).get(CSV_URL, {"year": YEAR}).content.decode().split("\r\n")
    assert "6.2,Nettverksmøter,6-12,:" in lines and "6.2,Nettverksmøter,total,:" in lines
    # The trend's bar is not drawn where its value is hidden: a ":" stands in its place.
    assert 'data-series="all" data-value' not in html
    assert '<text class="ssb-chart__suppressed" data-series="all"' in html


def test_the_extended_categories_are_rows_of_their_own(leader: User, child: MakeChild) -> None:
    for _ in range(3):
        case = child(date(2012, 1, 1))
        period(case, "resource_person", date(2024, 1, 5))
        period(case, "start_meeting", date(2024, 1, 5), date(2024, 1, 5))
    plain = client_for(leader).get(URL, {"year": YEAR})
    assert plain.context["extended_rows"] == []
    response = client_for(leader).get(URL, {"year": YEAR, "extended": 1})
    html = response.content.decode()
    assert [r["row"].code for r in response.context["extended_rows"]] == list(ssb.extended_kinds())
    assert cells(html, "resource_person") == cells(html, "start_meeting") == row_of(_6_12=3)
    assert cells(html, "6.99") == cells(html, "all") == row_of(_6_12=3)  # a start meeting is not SSB's
    assert 'id="ssb-extended" name="extended" value="1" aria-describedby="ssb-extended-about" checked' in html
    assert "extended=1" in response.context["csv_url"]
    csv_response = client_for(leader).get(CSV_URL, {"year": YEAR, "extended": 1})
    assert "start_meeting,Startmøte i undersøkelsen,total,3" in csv_response.content.decode().split("\r\n")
    assert csv_response["Content-Disposition"] == f'attachment; filename="ssb-{YEAR}-utvidet.csv"'


def test_last_year_by_default_and_wrong_values_fall_back_to_it(leader: User) -> None:
    now = timezone.localdate().year
    client = client_for(leader)
    assert client.get(URL).context["year"] == now - 1
    for wrong in ("abc", "1989", str(now + 2), "-1", "2024.0", "99999999999"):
        assert client.get(URL, {"year": wrong}).context["year"] == now - 1, wrong
    assert client.get(URL, {"year": now + 1}).context["year"] == now + 1
    assert client.get(URL, {"year": "1990"}).context["year"] == 1990
    assert client.get(URL, {"service": "x"}).status_code == 200  # not a number: the first service led
    # The year's choices run from the trend's first year to this year, newest first.
    assert client.get(URL, {"year": 2020}).context["years"] == list(range(now, 2019, -1))


@pytest.mark.parametrize("who", ["caseworker", "teammate", "consultant", "researcher"])
def test_anyone_but_a_leader_gets_404(who: str, request: pytest.FixtureRequest, service: Service) -> None:
    user = request.getfixturevalue(who)
    client = client_for(user)
    assert client.get(URL).status_code == 404
    assert client.get(URL, {"service": service.pk}).status_code == 404
    assert client.get(CSV_URL).status_code == 404
    assert not AuditEvent.objects.filter(object_type="ssb_table").exists()


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    assert client.get(URL).status_code == 302
    assert client.get(CSV_URL).status_code == 302


@pytest.mark.usefixtures("measures")
def test_a_leader_of_another_service_sees_only_their_own(
    outsider: User, other_service: Service, service: Service
) -> None:
    client = client_for(outsider)
    assert client.get(URL, {"service": service.pk}).status_code == 404
    assert client.get(CSV_URL, {"service": service.pk}).status_code == 404
    assert client.get(URL, {"service": 999_999}).status_code == 404
    response = client.get(URL, {"year": YEAR})
    assert response.status_code == 200
    assert response.context["service"] == other_service
    assert response.context["table"].cell("all", "total") == 0
    assert 'id="ssb-service"' not in response.content.decode()  # one service: nothing to choose


@pytest.mark.usefixtures("measures")
def test_a_leader_of_two_services_chooses_one(
    leader: User, service: Service, other_service: Service, child: MakeChild, outsider: User
) -> None:
    Membership.objects.create(user=leader, service=other_service, role=Role.LEADER)
    for _ in range(4):
        period(child(date(2000, 1, 1), in_service=other_service, owner=outsider), "mst", date(2024, 1, 1))
    client = client_for(leader)
    html = client.get(URL, {"year": YEAR}).content.decode()
    assert 'id="ssb-service"' in html
    other = client.get(URL, {"year": YEAR, "service": other_service.pk}).context["table"]
    assert [r.code for r in other.rows] == ["all", "3", "3.1"]
    assert other.cell("3.1", "23-24") == 4  # 24 on 31 December 2024
    assert client.get(URL, {"year": YEAR, "service": service.pk}).context["table"].cell("all", "total") == 8


@pytest.mark.usefixtures("measures")
def test_the_page_makes_as_many_queries_for_many_children_as_for_few(leader: User, child: MakeChild) -> None:
    client = client_for(leader)
    client.get(URL, {"year": YEAR, "extended": 1})  # sessions and caches warm
    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"year": YEAR, "extended": 1})
    for i in range(15):
        case = child(date(2006 + i % 10, 3, 3))
        period(case, ("network_meeting", "pmto", "resource_person")[i % 3], date(2023, 4, 1))
        period(case, "kindergarten", date(2024, 1, 1), date(2024, 6, 30))
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL, {"year": YEAR, "extended": 1})
    assert response.context["table"].cell("all", "total") == 8 + 15
    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as csv_few:
        client.get(CSV_URL, {"year": YEAR})
    period(child(date(2010, 1, 1)), "mst", date(2024, 1, 1))
    with CaptureQueriesContext(connection) as csv_many:
        client.get(CSV_URL, {"year": YEAR})
    assert len(csv_many) == len(csv_few)


def test_the_chart_scale_is_round_and_a_hidden_value_is_no_bar() -> None:
    from sirkel.stats.ssb_views import Series, _ticks, trend_chart

    assert _ticks(1) == [0, 1]
    assert _ticks(7) == [0, 2, 4, 6, 8]
    assert _ticks(23) == [0, 5, 10, 15, 20, 25]
    assert _ticks(999) == [0, 200, 400, 600, 800, 1000]
    chart = trend_chart([2023, 2024], [Series("all", "Alle", "ssb-series--all", [None, 8])])
    hidden, shown = (c["bars"][0] for c in chart["clusters"])
    assert (hidden["value"], hidden["h"]) == (None, 0.0)
    assert chart["ticks"][-1][0] == 8  # the scale tops at the largest value, 8 = 4 steps of 2
    assert shown["h"] == 200.0 and shown["y"] == chart["base_y"] - shown["h"]
