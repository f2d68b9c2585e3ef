"""The child's own map in the browser: on a touch tablet, through a participant link, a child places
people, moves them, marks who helps with what and what must not be shown to others, with large touch
targets and no staff data within reach; then the caseworker sees it beside the mother's map with the
differences named. axe on the child's view and on the comparison."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from sirkel.cases.models import Case
from sirkel.evaluation import links
from sirkel.evaluation.tests.links_world import build
from sirkel.network import perspectives
from sirkel.network.models import PerspectiveMap
from sirkel.testing.fixtures import PASSWORD

from .support import AxeCheck, SignIn

pytestmark = pytest.mark.browser

MIN_TARGET = 44  # WCAG 2.5.5's 44 × 44 CSS pixels; the view aims at 64


def _tablet(browser: Browser, live_server: Any) -> tuple[Page, list[str]]:
    """A touch tablet of its own (no cookies of the caseworker's); errors and CSP refusals collected."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="nb-NO",
        timezone_id="Europe/Oslo",
        viewport={"width": 820, "height": 1180},
        has_touch=True,
        is_mobile=True,
    )
    context.set_default_timeout(10_000)
    tablet = context.new_page()
    problems: list[str] = []
    tablet.on("pageerror", lambda error: problems.append(str(error)))
    tablet.on(
        "console",
        lambda m: (
            problems.append(m.text) if m.type == "error" and "Content Security Policy" in m.text else None
        ),
    )
    return tablet, problems


def _tap(tablet: Page, target: Any) -> None:
    """Tap a button that saves, and wait for the page it leads to (the next tap is on the new page)."""
    with tablet.expect_navigation():
        target.tap()


def _click(page: Page, target: Any) -> None:
    with page.expect_navigation():
        target.click()


def _card(tablet: Page, name: str) -> Any:
    return tablet.locator("li.pcard", has=tablet.locator("h3", has_text=name))


def test_a_child_draws_a_map_by_touch_and_sees_it_beside_the_mothers(
    transactional_db: None,
    case: Case,
    page: Page,
    browser: Browser,
    live_server: Any,
    sign_in: SignIn,
    assert_accessible: AxeCheck,
) -> None:
    w = build(case)
    _link, token = links.create_link(acting_user=w.owner, series=w.series, purpose="map", for_child=True)
    tablet, problems = _tablet(browser, live_server)
    try:
        tablet.goto(reverse("participant:page", args=[token]))
        expect(tablet.locator("h1")).to_be_visible()
        assert_accessible(tablet)

        tablet.locator("#pname").tap()
        tablet.locator("#pname").fill("Mormor")
        _tap(tablet, tablet.locator("button[name='ring'][value='1']"))
        expect(_card(tablet, "Mormor")).to_be_visible()
        tablet.locator("#pname").tap()
        tablet.locator("#pname").fill("Fotballtreneren")
        _tap(tablet, tablet.locator("button[name='ring'][value='1']"))
        tablet.locator("#pname").tap()
        tablet.locator("#pname").fill("Hemmelig venn")
        _tap(tablet, tablet.locator("button[name='ring'][value='2']"))
        expect(tablet.locator("li.pcard")).to_have_count(3)

        # Move Mormor further out twice, the coach once; mark who comforts; hide the secret friend.
        _tap(tablet, _card(tablet, "Mormor").locator("button[value='further']"))
        _tap(tablet, _card(tablet, "Mormor").locator("button[value='further']"))
        expect(_card(tablet, "Mormor").locator("button[value='further']")).to_be_disabled()
        _tap(tablet, _card(tablet, "Fotballtreneren").locator("button[value='further']"))
        _tap(tablet, _card(tablet, "Mormor").locator("button[value='help:emotional']"))
        expect(_card(tablet, "Mormor").locator("button[value='help:emotional']")).to_have_attribute(
            "aria-pressed", "true"
        )
        _tap(tablet, _card(tablet, "Hemmelig venn").locator("button[value='hide']"))
        expect(_card(tablet, "Hemmelig venn").locator("button[value='hide']")).to_have_attribute(
            "aria-pressed", "true"
        )
        expect(tablet.locator("svg.pmap .pmap__person")).to_have_count(3)

        # A finger drags the coach's dot into ring 1 (pointer events, as a touch screen sends them).
        coach_id = _card(tablet, "Fotballtreneren").get_attribute("id").removeprefix("person-")
        dot = tablet.locator(f"svg.pmap g[data-entry='{coach_id}']")
        start = dot.bounding_box()
        svg = tablet.locator("svg.pmap").bounding_box()
        assert start is not None and svg is not None
        x0, y0 = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
        x1, y1 = svg["x"] + svg["width"] * 0.5, svg["y"] + svg["height"] * 0.38  # inside ring 1
        touch = {"pointerId": 7, "pointerType": "touch", "isPrimary": True, "bubbles": True}
        dot.dispatch_event("pointerdown", {**touch, "clientX": x0, "clientY": y0})
        dot.dispatch_event("pointermove", {**touch, "clientX": x1, "clientY": y1})
        with tablet.expect_navigation():
            dot.dispatch_event("pointerup", {**touch, "clientX": x1, "clientY": y1})
        expect(_card(tablet, "Fotballtreneren").locator("button[value='closer']")).to_be_disabled()

        # Large targets: every button and the name field at least 44 × 44 (the view aims at 64).
        for control in tablet.locator("main button:not([disabled]), main input[type='text']").all():
            box = control.bounding_box()
            assert box is not None and box["width"] >= MIN_TARGET and box["height"] >= MIN_TARGET, box
        assert tablet.locator("button[name='ring']").first.bounding_box()["height"] >= 64  # type: ignore[index]
        assert_accessible(tablet)

        # Nothing of the case or the staff: no register names, no caseworker, no links into the case.
        body = tablet.locator("body").inner_text()
        for secret in (w.mother.name, w.aunt.name, w.owner.display_name(), w.case.reference, "Testesen"):
            assert secret not in body
        assert tablet.locator("a[href*='/saker/']").count() == 0
        for staff_url in (
            reverse("network:perspectives", args=[w.case.pk]),
            reverse("network:page", args=[w.case.pk]),
        ):
            tablet.goto(staff_url)
            expect(tablet).to_have_url(re.compile(re.escape(reverse("accounts:login"))))
        assert not problems, problems
    finally:
        tablet.context.close()

    childs = PerspectiveMap.objects.get(link__isnull=False)
    rings = {e.name: (e.ring, e.support, e.hidden) for e in childs.entries.all()}
    assert rings == {
        "Mormor": (3, ["emotional"], False),
        "Fotballtreneren": (1, [], False),
        "Hemmelig venn": (2, [], True),
    }

    # The mother's map of the same network (drawn through her own link).
    mother_link, _t = links.create_link(
        acting_user=w.owner, series=w.series, purpose="map", member=w.mother, map_perspective="mother"
    )
    mothers = perspectives.map_for_link(link=mother_link)
    perspectives.add_entry(drawer=mother_link, perspective_map=mothers, name="Mormor", ring=1)

    # The caseworker sees both side by side, the differences named.
    sign_in(page, w.owner.username, PASSWORD)
    page.goto(reverse("network:perspectives", args=[w.case.pk]))
    assert_accessible(page)
    page.locator(f"#kart-{childs.pk}").check()
    page.locator(f"#kart-{mothers.pk}").check()
    page.locator("form[action$='/perspektiver/sammenlign/'] button[type='submit']").click()
    differences = page.locator("ul.pdiffs > li")
    expect(differences.filter(has_text="Mormor").filter(has_text="ring 1")).to_have_count(1)
    expect(differences.filter(has_text="Fotballtreneren").filter(has_text="Emma")).to_have_count(1)
    expect(page.locator("svg.pmap--draggable")).to_have_count(0)  # the comparison's maps are only shown
    expect(page.locator("svg.pmap")).to_have_count(2)
    assert "Hemmelig venn" not in page.locator("main").inner_text()
    assert_accessible(page)


def test_the_caseworker_lets_the_child_draw_on_the_tablet(
    transactional_db: None,
    case: Case,
    page: Page,
    sign_in: SignIn,
    assert_accessible: AxeCheck,
) -> None:
    w = build(case)
    sign_in(page, w.owner.username, PASSWORD)
    page.goto(reverse("network:page", args=[w.case.pk]))
    page.locator(f"a[href='{reverse('network:perspectives', args=[w.case.pk])}']").click()
    page.locator("#id_perspective").select_option("child")
    page.locator("#id_drawn_by_name").fill("Emma")
    page.locator("form:has(#id_perspective) button[type='submit']").click()
    expect(page.locator("#pname")).to_be_visible()
    # The simple view: no staff menu, only the way back.
    expect(page.locator("header.participant-head")).to_be_visible()
    assert page.locator("nav a[href*='/saker/']").count() == 0
    _click(page, page.locator(f"button[name='member'][value='{w.mother.pk}']"))
    expect(_card(page, w.mother.name)).to_be_visible()
    _click(page, _card(page, w.mother.name).locator("button[value='closer']"))
    expect(_card(page, w.mother.name).locator("button[value='closer']")).to_be_disabled()
    page.keyboard.press("Tab")  # the page keeps working from the keyboard after the redirect
    assert_accessible(page)
    drawn = PerspectiveMap.objects.get()
    entry = drawn.entries.get()
    assert (drawn.drawn_by_user_id, entry.member_id, entry.ring) == (w.owner.pk, w.mother.pk, 1)
