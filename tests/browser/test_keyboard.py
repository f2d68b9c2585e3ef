"""Keyboard-only use: the skip link, a visible focus indicator and a new case made without the mouse."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from sirkel.accounts.models import User
from sirkel.cases.models import Case

from .support import SignIn, focus_ring_contrast, tab_to

pytestmark = pytest.mark.browser


@pytest.mark.usefixtures("demo")
def test_skip_link_and_keyboard_only_case_creation(page: Page, sign_in: SignIn) -> None:
    sign_in(page, "saksbehandler")
    expect(page).to_have_url(re.compile(re.escape(reverse("cases:list")) + "$"))

    # The first Tab lands on the skip link, which becomes visible and moves focus to <main>.
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_have_attribute("href", "#main")
    expect(skip).to_be_in_viewport()
    assert focus_ring_contrast(page) >= 3, "the focused skip link has no clearly visible focus indicator"
    # Links in the dark page header keep a focus ring that stands out against it.
    page.keyboard.press("Tab")
    expect(page.locator(".site-header a.brand")).to_be_focused()
    assert focus_ring_contrast(page) >= 3, "the focus ring is hard to see in the page header"
    page.keyboard.press("Shift+Tab")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()

    # From <main>, the next Tab reaches the page's first action: "New case".
    page.keyboard.press("Tab")
    new_case = page.locator(f"main a[href='{reverse('cases:create')}']")
    expect(new_case).to_be_focused()
    assert focus_ring_contrast(page) >= 3, "the focused button link has no clearly visible focus indicator"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(reverse("cases:create")) + "$"))

    kari = User.objects.get(username="konsulent")
    tab_to(page, "#id_child_given_name")
    assert focus_ring_contrast(page) >= 3, "the focused text field has no clearly visible focus indicator"
    page.keyboard.type("Kasper")
    tab_to(page, "#id_child_family_name")
    page.keyboard.type("Tastesen")
    # Day and month are equal so the digits mean the same date whether the browser's date field is
    # in day-month-year or month-day-year order; the field moves on to the next part by itself.
    tab_to(page, "#id_birth_date")
    page.keyboard.type("05052016")
    expect(page.locator("#id_birth_date")).to_have_value("2016-05-05")
    tab_to(page, "#id_sex")
    page.keyboard.press("Home")  # a closed select changes its value with the keys: first option
    expect(page.locator("#id_sex")).to_have_value("girl")
    tab_to(page, "#id_children_in_household")
    page.keyboard.press("ArrowUp")
    expect(page.locator("#id_children_in_household")).to_have_value("2")
    tab_to(page, "#id_first_contact_date")
    page.keyboard.type("09092021")
    expect(page.locator("#id_first_contact_date")).to_have_value("2021-09-09")
    tab_to(page, "#id_phase")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#id_phase")).to_have_value("support")
    tab_to(page, f"input[name=assigned][value='{kari.pk}']")
    page.keyboard.press("Space")
    expect(page.locator(f"input[name=assigned][value='{kari.pk}']")).to_be_checked()
    tab_to(page, "#id_parent_cognitive_difficulties")
    page.keyboard.press("Space")
    expect(page.locator("#id_parent_cognitive_difficulties")).to_be_checked()
    tab_to(page, "main form button[type=submit]")
    assert focus_ring_contrast(page) >= 3, "the focused submit button has no clearly visible focus indicator"
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/saker/\d+/$"))
    expect(page.locator("h1")).to_contain_text("Kasper Tastesen")
    case = Case.objects.get(child_given_name="Kasper", child_family_name="Tastesen")
    assert page.url.endswith(reverse("cases:detail", args=[case.pk]))
    assert (str(case.birth_date), str(case.first_contact_date)) == ("2016-05-05", "2021-09-09")
    assert (case.sex, case.phase, case.children_in_household) == ("girl", "support", 2)
    assert case.parent_cognitive_difficulties and not case.minority_background
    assert list(case.assigned.all()) == [kari]
