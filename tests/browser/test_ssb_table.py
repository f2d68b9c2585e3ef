"""The leaders' SSB table in a browser: the demo leader opens it (last year by default), chooses this year
with the keyboard and reads the demo's measures by age band, small cells hidden, with the trend chart and
its table; the page prints without its form; axe finds nothing serious. The neighbour service's leader sees
only Nabo's table and no choice of service, and 404 for the demo service; its caseworker gets 404."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from sirkel.accounts.models import Service
from sirkel.demo.data import DEMO_SERVICE, NEIGHBOUR_SERVICE
from sirkel.stats import selectors

from .support import AxeCheck, Screenshot, SignIn, focused_id, tab_to

pytestmark = pytest.mark.browser


@pytest.mark.usefixtures("demo")
def test_a_leader_reads_the_ssb_table_and_changes_the_year_with_the_keyboard(
    page: Page, browser: Browser, sign_in: SignIn, assert_accessible: AxeCheck, screenshot: Screenshot
) -> None:
    now = timezone.localdate().year
    demo = Service.objects.get(name=DEMO_SERVICE.name)
    expected = selectors.ssb_table(services=[demo], year=now)  # the demo's measures started this year
    total = expected.cell("all", "total")
    assert total  # shown, and more than none

    sign_in(page, "leder")
    page.goto(reverse("stats:ssb"))
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("#ssb-table")).to_have_attribute("data-year", str(now - 1))
    expect(page.locator("#ssb-service")).to_have_count(0)  # one service led: nothing to choose
    assert_accessible(page)

    # This year, chosen with the keyboard: the year list is newest first, last year selected.
    page.locator("#ssb-year").focus()
    page.keyboard.press("ArrowUp")
    expect(page.locator("#ssb-year")).to_have_value(str(now))
    tab_to(page, ".ssb-filters button[type='submit']")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{page.url.split('?')[0]}?year={now}")
    table = page.locator(f"#ssb-table[data-year='{now}']")
    expect(table).to_be_visible()
    everything = table.locator("tr[data-code='all']")
    expect(everything.locator("[data-cell='total']")).to_have_text(str(total))
    for row in expected.rows:  # each row as the selector counted it, ":" where hidden
        line = table.locator(f"tr[data-code='{row.code}']")
        for column in ("6-12", "13-17", "total"):
            expect(line.locator(f"[data-cell='{column}']")).to_have_text(row.shown(column))
    assert any(r.cells[c] is None for r in expected.rows for c in r.cells)  # the demo has small cells
    expect(table.locator("abbr").first).to_have_text(":")
    # The trend: the chart is an image named by its title, the numbers in the table beside it.
    expect(page.locator("svg#ssb-chart[role='img']")).to_be_visible()
    expect(page.locator("#ssb-trend-table tr[data-series='all'] td").last).to_have_text(str(total))
    bar = page.locator(f"#ssb-chart g[data-year='{now}'] rect[data-series='all']")
    expect(bar).to_have_attribute("data-value", str(total))
    assert_accessible(page)
    screenshot(page, "ssb_table")

    # The extended categories, by the keyboard too: the checkbox, then the button.
    page.locator("#ssb-year").focus()
    page.keyboard.press("Tab")
    assert focused_id(page) == "ssb-extended"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#ssb-table tr[data-level='extended']")).to_have_count(4)
    expect(page.locator("#ssb-table tr[data-code='network_mapping']")).to_be_visible()
    expect(page.locator("#ssb-csv")).to_have_attribute(
        "href", f"/statistikk/ssb.csv?service={demo.pk}&year={now}&extended=1"
    )
    assert_accessible(page)

    # The CSV of the table shown.
    csv = page.request.get(page.locator("#ssb-csv").get_attribute("href") or "")
    assert csv.status == 200
    lines = csv.text().split("\r\n")
    assert lines[0] == "code,category,age_band,children"
    assert f"all,Alle tiltak,total,{total}" in lines

    # Printed: the form and the download go, the chart and tables stay.
    page.emulate_media(media="print")
    expect(page.locator(".ssb-filters")).to_be_hidden()
    expect(page.locator("#ssb-csv")).to_be_hidden()
    expect(page.locator("svg#ssb-chart")).to_be_visible()
    expect(page.locator("#ssb-table")).to_be_visible()
    page.emulate_media(media="screen")

    base_url = page.url.split("/statistikk")[0]
    for username in ("naboleder", "nabo"):
        context = browser.new_context(base_url=base_url, locale="nb-NO")
        other = context.new_page()
        sign_in(other, username)
        response = other.goto(reverse("stats:ssb") + f"?year={now}")
        assert response is not None
        if username == "naboleder":
            assert response.status == 200
            expect(other.locator("#ssb-caption")).to_contain_text(NEIGHBOUR_SERVICE.name)
            expect(other.locator("#ssb-caption")).not_to_contain_text(DEMO_SERVICE.name)
            expect(other.locator("#ssb-service")).to_have_count(0)
            assert_accessible(other)
            response = other.goto(reverse("stats:ssb") + f"?service={demo.pk}")
            assert response is not None
            csv = other.request.get(reverse("stats:ssb_csv") + f"?service={demo.pk}")
            assert csv.status == 404
        assert response.status == 404, username
        assert_accessible(other)
        context.close()
