"""Switching the interface language with the form in the page header."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from .support import AxeCheck, SignIn

pytestmark = pytest.mark.browser


@pytest.mark.usefixtures("demo")
def test_switch_language_to_english_and_back(
    page: Page, sign_in: SignIn, assert_accessible: AxeCheck
) -> None:
    list_url = re.compile(re.escape(reverse("cases:list")) + r"\?q=Olsen$")
    sign_in(page, "saksbehandler")
    page.goto(reverse("cases:list") + "?q=Olsen")
    # The browser asks for Norwegian, so the page is in Bokmål (the wording is not checked here:
    # the catalogue may not be compiled yet).
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page.locator("#language-select")).to_have_value("nb")

    page.locator("#language-select").select_option("en")
    page.locator(".lang-form button[type=submit]").click()

    # Back on the same page, now in English.
    expect(page).to_have_url(list_url)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#language-select")).to_have_value("en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases")
    expect(page.get_by_role("link", name="New case")).to_be_visible()
    expect(page.get_by_label("Search", exact=True)).to_have_value("Olsen")
    expect(page.locator("#case-results tbody tr")).to_have_count(1)
    assert_accessible(page)

    # The choice sticks when moving on, and can be switched back.
    page.get_by_role("link", name="My account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    page.locator("#language-select").select_option("nb")
    page.locator(".lang-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:account")) + "$"))
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page.locator("#language-select")).to_have_value("nb")
