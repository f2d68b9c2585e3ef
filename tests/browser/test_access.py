"""Who may see what: another service's user gets a 404, and break-glass access is logged for the leader.

Also checks the break-glass pages, the account page and the 404 page with axe.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from sirkel.cases.models import BreakGlassAccess, Case
from sirkel.demo.data import DEMO_SERVICE, NEIGHBOUR_SERVICE

from .support import AxeCheck, Screenshot, SignIn

pytestmark = pytest.mark.browser


@pytest.mark.usefixtures("demo")
def test_user_of_another_service_gets_404(
    page: Page, sign_in: SignIn, assert_accessible: AxeCheck, screenshot: Screenshot
) -> None:
    sign_in(page, "nabo")
    # The neighbour service's caseworker sees only their own three cases.
    expect(page.locator("#case-results tbody tr")).to_have_count(3)
    expect(page.locator("#case-results")).to_contain_text(NEIGHBOUR_SERVICE.name)
    expect(page.locator("#case-results")).not_to_contain_text(DEMO_SERVICE.name)

    case = Case.objects.filter(service__name=DEMO_SERVICE.name).order_by("pk").first()
    assert case is not None
    response = page.goto(reverse("cases:detail", args=[case.pk]))
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_be_visible()
    # The page says nothing about the case, not even that it exists.
    expect(page.locator("body")).not_to_contain_text(case.child_family_name)
    # It is a full Sirkel page, with the way back to the case list.
    expect(page.locator(f"main a[href='{reverse('cases:list')}']")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "not_found")

    for name in ("cases:edit", "cases:access_log"):
        response = page.goto(reverse(name, args=[case.pk]))
        assert response is not None and response.status == 404, name


@pytest.mark.usefixtures("demo")
def test_break_glass_account_and_leader_overview(
    page: Page, sign_in: SignIn, assert_accessible: AxeCheck, screenshot: Screenshot
) -> None:
    # Sara opens a colleague's case she is not assigned to.
    case = Case.objects.get(child_given_name="Maja", child_family_name="Karlsen")
    sign_in(page, "saksbehandler")
    expect(page.locator("#case-results")).not_to_contain_text("Maja Karlsen")
    page.locator(f"main a[href='{reverse('cases:break_glass')}']").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("cases:break_glass")) + "$"))
    assert_accessible(page)
    screenshot(page, "break_glass")

    page.locator("main form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#id_number")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_reason")).to_have_attribute("aria-invalid", "true")
    # The reason field keeps its hint and gains its error in its description.
    described_by = (page.locator("#id_reason").get_attribute("aria-describedby") or "").split()
    assert described_by == ["id_reason_helptext", "id_reason_error"]
    assert_accessible(page)
    screenshot(page, "break_glass_errors")

    reason = "Akutt henvendelse fra skolen på vakt."
    page.locator("#id_number").fill(str(case.number))
    page.locator("#id_reason").press_sequentially(reason)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("cases:detail", args=[case.pk])) + "$"))
    expect(page.locator("h1")).to_contain_text("Maja Karlsen")
    expect(page.locator("main .notice--warning")).to_be_visible()
    assert BreakGlassAccess.objects.filter(case=case, user__username="saksbehandler").count() == 1
    assert_accessible(page)
    screenshot(page, "break_glass_case")

    # "My account" in the main menu.
    page.locator(f"nav a[href='{reverse('accounts:account')}']").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:account")) + "$"))
    expect(page.locator(f"nav a[href='{reverse('accounts:account')}']")).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.locator("main dl")).to_contain_text("saksbehandler")
    expect(page.locator("main")).to_contain_text(DEMO_SERVICE.name)
    assert_accessible(page)
    screenshot(page, "account")

    page.locator(f"form[action='{reverse('accounts:logout')}'] button").click()
    expect(page.locator("#id_username")).to_be_visible()

    # The leader sees the opening, with Sara's reason, in the break-glass log.
    sign_in(page, "leder")
    overview_link = page.locator(f"nav a[href='{reverse('cases:break_glass_overview')}']")
    overview_link.click()
    expect(page).to_have_url(re.compile(re.escape(reverse("cases:break_glass_overview")) + "$"))
    expect(overview_link).to_have_attribute("aria-current", "page")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Sara Berg")
    expect(rows).to_contain_text(reason)
    assert_accessible(page)
    screenshot(page, "break_glass_overview")

    # From there to the case and who has opened it: Sara's break-glass reading is listed.
    rows.get_by_role("link", name=case.reference).click()
    page.locator(f"main a[href='{reverse('cases:access_log', args=[case.pk])}']").click()
    expect(page.locator("main table tbody")).to_contain_text("Sara Berg")
    assert_accessible(page)
    screenshot(page, "access_log")
