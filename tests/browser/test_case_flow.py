"""A caseworker signs in, creates a case (seeing the validation errors first) and finds it again.

Every page on the way must pass the axe WCAG 2.1 A/AA check without serious or critical violations.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from sirkel.accounts.models import User
from sirkel.cases.models import Case

from .support import AxeCheck, Screenshot, SignIn

pytestmark = pytest.mark.browser

REQUIRED_EMPTY = ["child_given_name", "child_family_name", "birth_date", "first_contact_date"]


def page_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the window (0 when nothing sticks out)."""
    overflow: int = page.evaluate(
        "() => Math.max(0, document.documentElement.scrollWidth - document.documentElement.clientWidth)"
    )
    return overflow


@pytest.mark.usefixtures("demo")
def test_caseworker_creates_a_case_and_finds_it(
    page: Page, sign_in: SignIn, assert_accessible: AxeCheck, screenshot: Screenshot
) -> None:
    page.goto(reverse("accounts:login"))
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "login")

    sign_in(page, "saksbehandler")
    expect(page).to_have_url(re.compile(re.escape(reverse("cases:list")) + "$"))
    expect(page.locator("#case-results tbody tr")).to_have_count(10)  # Sara's own demo cases
    assert_accessible(page)
    screenshot(page, "case_list")

    page.locator(f"main a[href='{reverse('cases:create')}']").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("cases:create")) + "$"))
    assert_accessible(page)
    screenshot(page, "case_form")

    # Submitting the empty form: an error summary that takes focus and is announced, each error tied
    # to its field.
    title = page.title()
    page.locator("main form button[type=submit]").click()
    summary = page.locator("#error-summary")
    # The page title says there is an error before anything else.
    expect(page).to_have_title(re.compile(r".+: " + re.escape(title) + "$"))
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_be_focused()
    expect(summary.locator("h2")).to_be_visible()
    expect(summary.locator("li")).to_have_count(len(REQUIRED_EMPTY))
    for name in REQUIRED_EMPTY:
        field = page.locator(f"#id_{name}")
        expect(field).to_have_attribute("aria-invalid", "true")
        described_by = (field.get_attribute("aria-describedby") or "").split()
        assert f"id_{name}_error" in described_by, f"{name} is not described by its error"
        expect(page.locator(f"#id_{name}_error")).to_be_visible()
        expect(summary.locator(f"a[href='#id_{name}']")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "case_form_errors")

    # The summary's links take the user to the field.
    summary.locator("a[href='#id_birth_date']").click()
    expect(page.locator("#id_birth_date")).to_be_focused()

    sara = User.objects.get(username="saksbehandler")
    kari = User.objects.get(username="konsulent")
    page.locator("#id_child_given_name").press_sequentially("Tiril")
    page.locator("#id_child_family_name").press_sequentially("Testesen")
    page.locator("#id_birth_date").fill("2016-05-17")
    page.locator("#id_sex").select_option("girl")
    page.locator("#id_birthplace").select_option("norway")
    page.locator("#id_lives_with").select_option("other")
    page.locator("#id_lives_with_other").press_sequentially("Besteforeldre")
    page.locator("#id_children_in_household").fill("2")
    page.locator("#id_first_contact_date").fill("2022-09-01")
    page.locator("#id_phase").select_option("support")
    # A caseworker is the responsible caseworker of the cases they create.
    expect(page.locator("#id_caseworker")).to_be_disabled()
    expect(page.locator("#id_caseworker")).to_have_value(str(sara.pk))
    page.locator(f"input[name=assigned][value='{kari.pk}']").check()
    page.locator("#id_minority_background").check()
    page.locator("#id_language").press_sequentially("Arabisk")
    page.locator("#id_interpreter_needed").check()
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/saker/\d+/(#.*)?$"))
    expect(page.locator("h1")).to_contain_text("Tiril Testesen")
    expect(page.locator(".messages[role=status]")).to_be_visible()
    case = Case.objects.get(child_given_name="Tiril", child_family_name="Testesen")
    assert page.url.split("#")[0].endswith(reverse("cases:detail", args=[case.pk]))
    assert case.caseworker == sara
    assert list(case.assigned.all()) == [kari]
    assert (case.lives_with, case.lives_with_other, case.language) == ("other", "Besteforeldre", "Arabisk")
    assert case.minority_background and case.interpreter_needed and not case.cultural_interpreter_needed
    expect(page.locator("main")).to_contain_text("Kari Nygaard")
    assert_accessible(page)
    screenshot(page, "case_detail")

    # Find it again from the case list: the search updates the results as you type.
    page.locator(f"nav a[href='{reverse('cases:list')}']").click()
    # The result count is a live region outside the part htmx swaps, so it stays in the page and
    # screen readers hear the new count rather than the whole table.
    count = page.locator("#case-count")
    expect(count).to_have_attribute("role", "status")
    expect(count).to_contain_text("11")
    # Filters apply as soon as they change.
    page.locator("#id_phase").select_option("closed")
    expect(count).not_to_contain_text("11")
    expect(page.locator("#case-results tbody tr")).to_have_count(1)
    expect(page.locator("#case-results tbody")).to_contain_text("Kasper Jensen")
    page.locator("#id_phase").select_option("")
    expect(count).to_contain_text("11")
    page.locator("#id_q").press_sequentially("tiril test")
    rows = page.locator("#case-results tbody tr")
    expect(rows).to_have_count(1)
    expect(page.locator("#case-count")).to_have_count(1)
    expect(page.locator("#case-results [role=status], #case-results [aria-live]")).to_have_count(0)
    expect(count).to_have_attribute("role", "status")
    expect(count).to_contain_text("1")
    expect(count).not_to_contain_text("11")
    link = rows.get_by_role("link", name="Tiril Testesen")
    expect(link).to_have_attribute("href", reverse("cases:detail", args=[case.pk]))
    expect(page).to_have_url(re.compile(r"[?&]q=tiril(\+|%20)test"))
    assert_accessible(page)
    screenshot(page, "case_list_search")
    link.click()
    expect(page.locator("h1")).to_contain_text("Tiril Testesen")

    # On a 320 px wide screen (400 % zoom) the pages reflow: nothing but a wide table's own box
    # scrolls sideways (WCAG 1.4.10).
    page.set_viewport_size({"width": 320, "height": 640})
    assert page_overflow(page) == 0, "the case page scrolls sideways at 320 px"
    page.goto(reverse("cases:list") + "?q=tiril+test")
    expect(page.locator("#case-results tbody tr")).to_have_count(1)
    assert page_overflow(page) == 0, "the case list scrolls sideways at 320 px"
    expect(page.locator("#case-results .table-wrap")).to_have_attribute("tabindex", "0")
    assert_accessible(page)
    screenshot(page, "case_list_narrow")


@pytest.mark.usefixtures("demo")
def test_back_button_after_a_search_shows_the_whole_page(page: Page, sign_in: SignIn) -> None:
    sign_in(page, "saksbehandler")
    page.locator("#id_q").press_sequentially("Nora Olsen")
    rows = page.locator("#case-results tbody tr")
    expect(rows).to_have_count(1)
    rows.get_by_role("link", name="Nora Olsen").click()
    expect(page.locator("h1")).to_contain_text("Nora Olsen")
    page.go_back()
    expect(page.locator("main h1")).to_be_visible(timeout=3000)
    expect(rows).to_have_count(1)
