"""The service dashboard in a browser: the demo leader opens it from the menu, sees the charts with their
tables, follows a drill-down and finds as many rows as the figure said; axe finds nothing serious; the
neighbour service's leader and caseworker see Nabo's figures only, and 404 for the demo service."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from sirkel.accounts.models import Service
from sirkel.demo.data import DEMO_SERVICE

from .support import AxeCheck, Screenshot, SignIn

pytestmark = pytest.mark.browser


@pytest.mark.usefixtures("demo")
def test_a_leader_follows_a_figure_to_its_list_and_nabo_sees_only_nabo(
    page: Page, browser: Browser, sign_in: SignIn, assert_accessible: AxeCheck, screenshot: Screenshot
) -> None:
    main = Service.objects.get(name=DEMO_SERVICE.name)
    nabo = Service.objects.exclude(pk=main.pk).get(memberships__user__username="naboleder")
    sign_in(page, "leder")
    page.locator(f"nav a[href='{reverse('stats:dashboard')}']").click()
    title = page.locator("h1#dashboard-title")
    expect(title).to_have_attribute("data-scope", "service")
    expect(title).to_have_attribute("data-service", str(main.pk))
    expect(page.locator("svg#kind-chart[role='img']")).to_be_visible()
    expect(page.locator("svg#month-chart[role='img']")).to_be_visible()
    expect(page.locator("svg#marker-chart[role='img']")).to_be_visible()
    expect(page.locator("#marker-table tbody tr")).to_have_count(11)
    assert_accessible(page)
    screenshot(page, "dashboard")

    # Printed: the charts and tables stay.
    page.emulate_media(media="print")
    expect(page.locator("#marker-table")).to_be_visible()
    expect(page.locator("svg#marker-chart")).to_be_visible()
    page.emulate_media(media="screen")

    # The active network measures: the figure, then its list.
    link = page.locator("#kinds-heading a[data-figure='active-measures']")
    count = int(link.get_attribute("data-count") or "-1")
    assert count > 0  # the demo service has network measures running
    link.click()
    expect(page.locator("#drilldown-count")).to_have_text(str(count))
    expect(page.locator("#drilldown-table tbody tr")).to_have_count(count)
    assert_accessible(page)

    # A marker: the measures that do not meet it.
    page.go_back()
    marker = page.locator("#marker-table a[data-cell='unmet']").first
    unmet = int(marker.get_attribute("data-count") or "-1")
    marker.click()
    expect(page.locator("#drilldown-count")).to_have_text(str(unmet))
    expect(page.locator("#drilldown-table tbody tr")).to_have_count(unmet)
    assert_accessible(page)

    base = page.url.split("/statistikk")[0]
    for username, scope in (("naboleder", "service"), ("nabo", "own")):
        context = browser.new_context(base_url=base, locale="nb-NO")
        other = context.new_page()
        sign_in(other, username)
        other.locator(f"nav a[href='{reverse('stats:dashboard')}']").click()
        heading = other.locator("h1#dashboard-title")
        expect(heading).to_have_attribute("data-service", str(nabo.pk))
        expect(heading).to_have_attribute("data-scope", scope)
        assert_accessible(other)
        response = other.goto(reverse("stats:dashboard") + f"?service={main.pk}")
        assert response is not None and response.status == 404, username
        response = other.goto(reverse("stats:drilldown", args=["active-measures"]) + f"?service={main.pk}")
        assert response is not None and response.status == 404, username
        context.close()
