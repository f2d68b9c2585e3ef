"""Ratings in a real browser: a caseworker records two ratings with a shipped instrument and sees the
reliable change in the table beside the chart; a leader copies a shipped instrument into the service and
revises it; nabo reaches none of it. axe on every new page."""

from __future__ import annotations

import importlib
import re
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from sirkel.accounts.models import User
from sirkel.evaluation.models import Instrument, Rating

from .support import AxeCheck, SignIn, own_case


@pytest.fixture
def shipped(demo: dict[str, int]) -> Instrument:
    """The shipped instruments (the data migration's rows do not survive an earlier test's flush of the
    live-server database): loaded again by the migration's own function, which adds only what is missing."""
    migration = importlib.import_module("sirkel.evaluation.migrations.0002_shipped_instruments")
    migration.add_shipped(django_apps, None)
    return Instrument.objects.get(service__isnull=True, key="hvordan-gar-det")


def rate(page: Page, instrument: Instrument, *, respondent: str, on: str, value: int) -> None:
    page.locator("#id_respondent").fill(respondent)
    page.locator("#id_rated_on").fill(on)
    for item in instrument.items:
        page.locator(f"input[name='item_{item['key']}'][value='{value}']").check()
    with page.expect_navigation():
        page.locator("main form.form button.button--primary").click()


def test_two_ratings_show_a_reliable_change(
    page: Page, sign_in: SignIn, assert_accessible: AxeCheck, shipped: Instrument
) -> None:
    sara = User.objects.get(username="saksbehandler")
    case = own_case(sara, given="Ida", family="Skaringsen", years=12)
    url = reverse("ratings:case", args=[case.pk])
    sign_in(page, "saksbehandler")

    page.goto(reverse("cases:detail", args=[case.pk]))
    page.locator(f"main a[href='{url}']").click()
    expect(page).to_have_url(re.compile(re.escape(url)))
    expect(page.locator("#id_choose_instrument")).to_have_value("hvordan-gar-det")
    assert_accessible(page)  # the ratings page before any rating

    # A rating with an item left out is drawn again, with what was typed.
    page.locator("#id_respondent").fill("Ida")
    page.locator("input[name='item_meg-selv'][value='4']").check()
    with page.expect_navigation():
        page.locator("main form.form button.button--primary").click()
    expect(page.locator("#id_item_familien_error")).to_be_visible()
    expect(page.locator("#id_respondent")).to_have_value("Ida")
    expect(page.locator("input[name='item_meg-selv'][value='4']")).to_be_checked()
    assert_accessible(page)  # the form with its errors
    assert not Rating.objects.filter(case=case).exists()

    today = timezone.localdate()
    rate(page, shipped, respondent="Ida", on=(today - timedelta(days=42)).isoformat(), value=4)
    rate(page, shipped, respondent="Ida", on=today.isoformat(), value=7)

    # 4 → 7 with s₁ = 2, r = 0.8: RC = 3 / √1.6 = 2.37, a reliable improvement.
    table = page.locator("#table-hvordan-gar-det")
    expect(table.locator("tbody tr")).to_have_count(2)
    second = table.locator("tbody tr").nth(1)
    expect(second).to_have_attribute("data-rc", "2.37")
    expect(second).to_have_attribute("data-reliable", "true")
    expect(second.locator("td").nth(2)).to_have_text("2,37")  # Bokmål writes a decimal comma
    chart = page.locator("svg#chart-hvordan-gar-det")
    expect(chart).to_have_attribute("role", "img")
    expect(chart.locator("circle")).to_have_count(2)
    assert_accessible(page)  # the chart and the table
    assert list(Rating.objects.filter(case=case).values_list("total", flat=True)) == [4.0, 7.0]

    # Another service's caseworker reaches none of it.
    page.context.clear_cookies()
    sign_in(page, "nabo")
    response = page.goto(url)
    assert response is not None and response.status == 404


def test_a_leader_copies_and_revises_an_instrument(
    page: Page, sign_in: SignIn, assert_accessible: AxeCheck, shipped: Instrument
) -> None:
    sign_in(page, "leder")
    page.goto(reverse("ratings:instruments"))
    expect(page.locator("#instrument-hvordan-gar-det")).to_be_visible()
    assert_accessible(page)  # the list: shipped only

    page.locator("#instrument-hvordan-gar-det a.button").click()
    expect(page.locator("#id_key")).to_have_value("hvordan-gar-det-egen")
    page.locator("#id_sd").fill("1,6")
    assert_accessible(page)  # the copy form
    with page.expect_navigation():
        page.locator("main form.form button.button--primary").click()
    copy = Instrument.objects.get(service__isnull=False, key="hvordan-gar-det-egen")
    assert copy.sd == 1.6 and copy.version == 1
    expect(page.locator("#instrument-hvordan-gar-det-egen")).to_be_visible()

    page.locator(
        f"#instrument-hvordan-gar-det-egen a[href='{reverse('ratings:instrument_edit', args=[copy.pk])}']"
    ).click()
    page.locator("#id_reliability").fill("0,85")
    assert_accessible(page)  # the revise form
    with page.expect_navigation():
        page.locator("main form.form button.button--primary").click()
    versions = list(Instrument.objects.filter(key="hvordan-gar-det-egen").order_by("version"))
    assert [(v.version, v.reliability) for v in versions] == [(1, 0.8), (2, 0.85)]
    expect(page.locator("#instrument-hvordan-gar-det-egen")).to_contain_text("0,85")

    page.context.clear_cookies()
    sign_in(page, "nabo")
    response = page.goto(reverse("ratings:instrument_edit", args=[copy.pk]))
    assert response is not None and response.status == 404
