"""A caseworker marks a person as hidden, prints the map for the family (the person is left out, and the
print says so), and compares the network with a snapshot on the change map. `nabo` reaches none of it.
The pages pass the axe WCAG 2.1 A/AA check."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext
from playwright.sync_api import Page, expect

from sirkel.accounts.models import User
from sirkel.network import services

from .support import AxeCheck, Screenshot, SignIn
from .test_network import own_case

pytestmark = pytest.mark.browser


def nb(message: str) -> str:
    with translation.override("nb"):
        return gettext(message)


@pytest.mark.usefixtures("demo")
def test_a_map_printed_for_the_family_leaves_the_hidden_person_out(
    page: Page, sign_in: SignIn, assert_accessible: AxeCheck, screenshot: Screenshot
) -> None:
    sara = User.objects.get(username="saksbehandler")
    case = own_case("saksbehandler")
    mormor = services.add_member(
        acting_user=sara, case=case, name="Mormor Kari", ring=1, support=["emotional"]
    )
    onkel = services.add_member(acting_user=sara, case=case, name="Onkel Ole", ring=3)
    far = services.add_member(acting_user=sara, case=case, name="Far Frank", ring=2)
    services.add_tie(acting_user=sara, case=case, a=mormor, b=far)
    snapshot = services.take_snapshot(acting_user=sara, case=case, label="Start")
    services.move_member(acting_user=sara, member=onkel, ring=1, sector="family")
    trener = services.add_member(acting_user=sara, case=case, name="Trener Tor", sector="friends", ring=2)
    services.add_tie(acting_user=sara, case=case, a=onkel, b=trener)
    services.update_member(acting_user=sara, member=far, hide_in_prints=True)

    sign_in(page, "saksbehandler")
    # From the map page, "Print for…" asks who the map is for before it shows the map.
    page.goto(reverse("network:map", args=[case.pk]))
    page.get_by_role("link", name=nb("Print for…")).click()
    expect(page.locator("#network-map")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("radio", name=nb("The family")).check()
    page.get_by_role("button", name=nb("Show the map for printing")).click()
    expect(page.locator("svg.netmap .node")).to_have_count(3)
    expect(page.locator("#network-map")).not_to_contain_text("Far Frank")
    with translation.override("nb"):
        note = ngettext(
            "%(count)s person is left out of this map, because they are not to be shown to others.",
            "%(count)s people are left out of this map, because they are not to be shown to others.",
            1,
        ) % {"count": 1}
    expect(page.locator(".print-note")).to_have_text(note)
    assert_accessible(page)
    screenshot(page, "network_map_for_the_family")

    # Printed: the choice is gone, the note and the audience stay, the hidden person is nowhere; one
    # A4 landscape page.
    page.emulate_media(media="print")
    expect(page.locator(".audience-choice")).to_be_hidden()
    expect(page.locator(".print-note")).to_be_visible()
    expect(page.locator(".print-audience")).to_be_visible()
    assert "Far Frank" not in page.locator("main").inner_text()
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    pages = re.findall(rb"/Type\s*/Page(?!s)", pdf)
    assert len(pages) == 1, f"the map printed on {len(pages)} pages"
    page.emulate_media(media="screen")

    # The change since the snapshot, drawn on the map with the list beside it.
    page.goto(reverse("network:compare", args=[case.pk]) + f"?a={snapshot.pk}&b=current")
    expect(page.locator("#change-map")).to_be_visible()
    expect(page.locator(f"#change-map [data-member='{trener.pk}'][data-status='joined']")).to_have_count(1)
    expect(page.locator("#change-map .move-arrow--closer")).to_have_count(1)
    expect(page.locator("#change-list")).to_contain_text("Onkel Ole – Trener Tor")
    assert_accessible(page)
    screenshot(page, "network_change_map")
    # For the family, the hidden person is left out of both dates.
    page.get_by_role("radio", name=nb("The family")).check()
    page.get_by_role("button", name=nb("Show the map for printing")).click()
    expect(page.locator(".print-note")).to_be_visible()
    assert "Far Frank" not in page.locator("main").inner_text()
    assert_accessible(page)

    # A snapshot's map, shown on its page and printed for an audience.
    page.goto(reverse("network:snapshot_detail", args=[case.pk, snapshot.pk]))
    expect(page.locator("#network-map .node")).to_have_count(3)
    assert_accessible(page)
    page.get_by_role("link", name=nb("Print the map for…")).click()
    page.get_by_role("radio", name=nb("The participants of the network meeting")).check()
    page.get_by_role("button", name=nb("Show the map for printing")).click()
    expect(page.locator("svg.netmap .node")).to_have_count(2)
    assert_accessible(page)


@pytest.mark.usefixtures("demo")
def test_nabo_reaches_none_of_the_print_pages(page: Page, sign_in: SignIn) -> None:
    sara = User.objects.get(username="saksbehandler")
    case = own_case("saksbehandler")
    services.add_member(acting_user=sara, case=case, name="Mormor Kari", hide_in_prints=True)
    snapshot = services.take_snapshot(acting_user=sara, case=case)
    sign_in(page, "nabo")
    for url in (
        reverse("network:map_print", args=[case.pk]) + "?audience=family",
        reverse("network:snapshot_map", args=[case.pk, snapshot.pk]) + "?audience=family",
        reverse("network:compare", args=[case.pk]) + f"?a={snapshot.pk}&b=current&audience=family",
    ):
        response = page.goto(url)
        assert response is not None and response.status == 404, url
        expect(page.locator("body")).not_to_contain_text("Mormor Kari")
