"""Right of access in a browser: the demo caseworker makes a copy of Emma Hansen's case for her mother by
keyboard alone — chooses the mother, reviews the flagged items (the father's e-mail among them, her own
not), makes the copy, downloads the PDF and marks it handed over; axe finds nothing serious on any page."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from sirkel.cases.models import Case, Innsyn
from sirkel.network.models import NetworkMember

from .support import AxeCheck, SignIn, tab_to

pytestmark = pytest.mark.browser


@pytest.mark.usefixtures("demo")
def test_a_caseworker_makes_and_hands_over_a_copy_by_keyboard(
    page: Page, sign_in: SignIn, assert_accessible: AxeCheck
) -> None:
    emma = Case.objects.get(child_given_name="Emma", child_family_name="Hansen")
    assert emma.caseworker is not None
    mother = NetworkMember.objects.get(case=emma, name="Camilla Hansen")
    father = NetworkMember.objects.get(case=emma, name="Thomas Rønning")
    sign_in(page, emma.caseworker.username)
    page.goto(reverse("cases:detail", args=[emma.pk]))
    start = reverse("cases:innsyn", args=[emma.pk])
    tab_to(page, f"a[href='{start}']")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{page.url.split('/saker/')[0]}{start}")
    assert_accessible(page)

    # A group of radio buttons is one stop for Tab; the arrow keys choose within it.
    tab_to(page, "input[name='recipient'][value='youth']")
    page.keyboard.press("ArrowDown")
    expect(page.locator(f"input[name='recipient'][value='member:{mother.pk}']")).to_be_checked()
    tab_to(page, "#innsyn-review")
    page.keyboard.press("Enter")
    expect(
        page.locator(f"input[name='keep'][value='network.networkmember:{father.pk}:email']")
    ).to_be_attached()
    expect(
        page.locator(f"input[name='keep'][value='network.networkmember:{mother.pk}:email']")
    ).to_have_count(0)
    expect(page.locator(".innsyn-flag").first).to_be_visible()
    assert_accessible(page)

    tab_to(page, "#innsyn-produce", max_presses=1000)
    page.keyboard.press("Enter")
    expect(page.locator("#innsyn-handover")).to_be_visible()
    made = reverse("cases:innsyn_pdf", args=[emma.pk, Innsyn.objects.get(case=emma).pk])
    expect(page.locator(f"a[href='{made}']")).to_be_visible()
    assert_accessible(page)

    tab_to(page, f"a[href='{made}']")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    path = download.value.path()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)
    assert mother.email in text and father.email not in text

    tab_to(page, "input[name='how'][value='in_person']")
    page.keyboard.press("Space")
    tab_to(page, "#innsyn-handover")
    page.keyboard.press("Enter")
    expect(page.locator("form input[name='how']")).to_have_count(0)
    assert_accessible(page)
    copy = Innsyn.objects.get(case=emma)
    assert copy.handed_over_how == "in_person" and copy.handed_over_on is not None
