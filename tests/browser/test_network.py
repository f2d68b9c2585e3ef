"""A caseworker maps a child's network with the keyboard only, sees it on the map and moves a person closer.

No mouse clicks: every field is reached with Tab, forms are sent with Enter, options are chosen with the
arrow keys and Space. The network page must pass the axe WCAG 2.1 A/AA check.
"""

from __future__ import annotations

import random
import re

import pytest
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from sirkel.accounts.models import User
from sirkel.cases.models import Case
from sirkel.cases.services import create_case
from sirkel.network import services
from sirkel.network.map import accessible_name
from sirkel.network.models import NetworkMember, NetworkTie, Sector, Side
from sirkel.testing.fixtures import CASE_DEFAULTS

from .support import AxeCheck, Screenshot, SignIn, focused_id, tab_to

pytestmark = pytest.mark.browser


def own_case(username: str) -> Case:
    sara = User.objects.get(username=username)
    return create_case(
        acting_user=sara,
        service=sara.memberships.first().service,  # type: ignore[union-attr]
        caseworker=sara,
        **{**CASE_DEFAULTS, "child_given_name": "Nora", "child_family_name": "Nettverksen"},
    )


def add_person_with_enter(page: Page, name: str) -> None:
    """Type a name in the (focused) name field and send the form with Enter; focus comes back."""
    expect(page.locator("#id_name")).to_be_focused()
    page.keyboard.type(name)
    page.keyboard.press("Enter")
    expect(page.locator("#network-table")).to_contain_text(name)
    expect(page.locator("#id_name")).to_be_focused()
    expect(page.locator("#id_name")).to_have_value("")


@pytest.mark.usefixtures("demo")
def test_map_a_network_with_the_keyboard_and_move_a_person_closer(
    page: Page, sign_in: SignIn, assert_accessible: AxeCheck, screenshot: Screenshot
) -> None:
    case = own_case("saksbehandler")
    sign_in(page, "saksbehandler")
    page.goto(reverse("cases:detail", args=[case.pk]))
    tab_to(page, f"main a[href='{reverse('network:page', args=[case.pk])}']")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(reverse("network:page", args=[case.pk])) + "$"))
    assert_accessible(page)  # the empty network

    # 1. Grandmother, closest, emotional and practical support: every field reached with Tab.
    tab_to(page, "#id_name")
    page.keyboard.type("Kari Nilsen")
    page.keyboard.press("Tab")
    expect(page.locator("#id_relation")).to_be_focused()
    page.keyboard.type("Mormor")
    page.keyboard.press("Tab")
    expect(page.locator("#id_side_0")).to_be_focused()  # private is the default
    expect(page.locator("#id_side_0")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.locator("#id_sector")).to_be_focused()
    expect(page.locator("#id_sector")).to_have_value("family")
    page.keyboard.press("Tab")
    expect(page.locator("#id_ring_1")).to_be_focused()  # ring 2 is the default
    page.keyboard.press("ArrowUp")
    expect(page.locator("#id_ring_0")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.locator("#id_support_0")).to_be_focused()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.locator("#id_support_1")).to_be_checked()
    tab_to(page, "#member-add button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#network-table")).to_contain_text("Kari Nilsen")
    expect(page.locator("#id_name")).to_be_focused()  # ready for the next person
    expect(page.locator("#network-status")).to_contain_text("Kari Nilsen")
    kari = NetworkMember.objects.get(case=case, name="Kari Nilsen")
    assert (kari.ring, kari.sector, kari.side) == (1, "family", "private")
    assert kari.support == ["emotional", "practical"]

    # 2. A public service: the relation suggests the public side and the services sector.
    page.keyboard.type("Anne Helse")
    page.keyboard.press("Tab")
    page.keyboard.type("Helsesykepleier")
    expect(page.locator("#id_side_1")).to_be_checked()
    expect(page.locator("#id_sector")).to_have_value("services")
    expect(page.locator("#relation-suggestion")).not_to_be_empty()
    page.keyboard.press("Escape")  # closes the suggestion list, if open
    page.keyboard.press("Enter")
    expect(page.locator("#network-table")).to_contain_text("Anne Helse")
    expect(page.locator("#id_name")).to_be_focused()
    anne = NetworkMember.objects.get(case=case, name="Anne Helse")
    assert (anne.side, anne.sector, anne.relation) == ("public", "services", "Helsesykepleier")

    # 3. An uncle with the defaults: name and Enter.
    add_person_with_enter(page, "Ola Onkel")
    ola = NetworkMember.objects.get(case=case, name="Ola Onkel")
    assert (ola.ring, ola.sector, ola.side) == (2, "family", "private")

    # 4. A relation Sirkel does not know: the form asks where the coach belongs instead of guessing.
    page.keyboard.type("Ole Sand")
    page.keyboard.press("Tab")
    page.keyboard.type("Trener, håndball")
    page.keyboard.press("Escape")
    page.keyboard.press("Enter")
    expect(page.locator("#add-errors")).to_be_focused()
    expect(page.locator("#add-errors")).to_contain_text("Trener, håndball")
    expect(page.locator("#id_name")).to_have_value("Ole Sand")  # what was typed is kept
    expect(page.locator("#id_relation")).to_have_value("Trener, håndball")
    expect(page.locator("#id_side_0")).not_to_be_checked()
    expect(page.locator("#id_sector")).to_have_value("")
    assert not NetworkMember.objects.filter(case=case, name="Ole Sand").exists()
    assert_accessible(page)  # the question, with its marked fields
    tab_to(page, "#id_side_0")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    expect(page.locator("#id_sector")).to_be_focused()
    for _ in range(3):  # (choose) → family → friends → school
        page.keyboard.press("ArrowDown")
    expect(page.locator("#id_sector")).to_have_value("school")
    tab_to(page, "#member-add button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#network-table")).to_contain_text("Ole Sand")
    expect(page.locator("#id_name")).to_be_focused()
    ole = NetworkMember.objects.get(case=case, name="Ole Sand")
    assert (ole.side, ole.sector, ole.relation) == ("private", "school", "Trener, håndball")

    # A tie in conflict between the grandmother and the health nurse, chosen with the arrow keys.
    tab_to(page, "#id_tie-a")
    page.keyboard.press("ArrowDown")  # the first person in the list (ordered by ring): Kari
    expect(page.locator("#id_tie-a")).to_have_value(str(kari.pk))
    page.keyboard.press("Tab")
    expect(page.locator("#id_tie-b")).to_be_focused()
    options = page.locator("#id_tie-b option").all_inner_texts()
    anne_index = next(i for i, text in enumerate(options) if text.startswith("Anne Helse"))
    for _ in range(anne_index):
        page.keyboard.press("ArrowDown")
    expect(page.locator("#id_tie-b")).to_have_value(str(anne.pk))
    page.keyboard.press("Tab")
    expect(page.locator("#id_tie-kind")).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#id_tie-kind")).to_have_value("conflict")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(".tie-list li")).to_have_count(1)
    expect(page.locator("#id_tie-a")).to_be_focused()
    tie = NetworkTie.objects.get(case=case)
    assert {tie.a_id, tie.b_id} == {kari.pk, anne.pk} and tie.kind == "conflict"

    # Everyone is on the map, with an accessible name that tells side, sector and ring.
    nodes = page.locator("svg.netmap .node")
    expect(nodes).to_have_count(4)
    with translation.override("nb"):
        names = {m.pk: accessible_name(m) for m in NetworkMember.objects.filter(case=case)}
        public = str(Side.PUBLIC.label)
        services_sector = str(Sector.SERVICES.label).lower()
    for pk, name in names.items():
        node = page.locator(f"svg.netmap #node-{pk}")
        expect(node).to_have_attribute("aria-label", name)
        expect(node).to_have_attribute("tabindex", "0")
        expect(page.get_by_role("button", name=name, exact=True)).to_have_count(1)
    assert "ring 1" in names[kari.pk].lower()
    assert services_sector in names[anne.pk] and public.split()[0].lower() in names[anne.pk].lower()
    expect(page.locator(f"svg.netmap #node-{anne.pk} rect.node__shape")).to_have_count(1)
    expect(page.locator(f"svg.netmap #node-{kari.pk} circle.node__shape")).to_have_count(1)
    expect(page.locator("svg.netmap path.tie--conflict")).to_have_count(1)
    screenshot(page, "network_page")

    # Move the uncle closer with the arrow keys: saved at once, announced, focus stays on him.
    tab_to(page, f"#node-{ola.pk}", max_presses=80)
    page.keyboard.press("ArrowUp")
    moved = page.locator(f"svg.netmap #node-{ola.pk}")
    expect(moved).to_have_attribute("data-ring", "1")
    expect(moved).to_be_focused()
    expect(page.locator("#network-status")).to_contain_text("Ola Onkel")
    expect(page.locator(f"#member-row-{ola.pk} td.num")).to_have_text("1")
    ola.refresh_from_db()
    assert ola.ring == 1
    # And to the next sector (friends) with Right, once the first move has finished saving (a key
    # pressed while a move is still being saved is ignored, so moves cannot overtake each other).
    expect(moved).not_to_have_class(re.compile(r"node--saving|htmx-request"))
    page.keyboard.press("ArrowRight")
    expect(moved).to_have_attribute("data-sector", "friends")
    assert focused_id(page) == f"node-{ola.pk}"
    ola.refresh_from_db()
    assert (ola.ring, ola.sector) == (1, "friends")
    # Already closest: nothing is sent, the live region says why.
    page.keyboard.press("ArrowUp")
    expect(page.locator("#network-status")).to_have_text(
        page.locator("svg.netmap").get_attribute("data-msg-closest") or "missing"
    )
    ola.refresh_from_db()
    assert ola.version == 3

    assert_accessible(page)
    screenshot(page, "network_page_moved")

    page.goto(reverse("network:map", args=[case.pk]))
    expect(page.locator("svg.netmap .node")).to_have_count(4)
    assert_accessible(page)
    screenshot(page, "network_map")


GIVEN = [
    "Kari",
    "Ola",
    "Ingrid",
    "Per",
    "Aisha",
    "Mohammed",
    "Sofie",
    "Jonas",
    "Emil",
    "Nora",
    "Ahmed",
    "Lise",
]
FAMILY = [
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Pedersen",
    "Nilsen",
    "Kristiansen",
    "Haugland",
]
RELATIONS = {
    "family": ["Mormor", "Onkel", "Tante", "Søskenbarn", "Farfar"],
    "friends": ["Nabo", "Venn av barnet", "Venn av mor"],
    "school": ["Kontaktlærer", "Fotballtrener", "Assistent"],
    "services": ["BUP", "Helsesykepleier", "NAV-veileder", "PPT"],
}

# Where the map's labels and shapes are on screen, for the overlap check below.
BOXES_JS = """
() => [...document.querySelectorAll('svg.netmap .node-wrap')].map((wrap) => {
  const shape = wrap.querySelector('.node__shape').getBoundingClientRect();
  const label = wrap.querySelector('.node__label').getBoundingClientRect();
  return {
    shape: [shape.left, shape.top, shape.right, shape.bottom],
    label: [label.left, label.top, label.right, label.bottom],
  };
})
"""

# The middle of the school sector's outer ring, in screen coordinates.
TARGET_JS = """
() => {
  const svg = document.querySelector('svg.netmap');
  const outers = svg.dataset.rings.split(' ').map(Number);
  const r = (outers[1] + outers[2]) / 2;
  const a = 3 * Math.PI / 4;
  const pt = svg.createSVGPoint();
  pt.x = 500 + r * Math.sin(a);
  pt.y = 500 - r * Math.cos(a);
  const s = pt.matrixTransform(svg.getScreenCTM());
  return [s.x, s.y];
}
"""


def overlap(a: list[float], b: list[float]) -> float:
    """The area two boxes (left, top, right, bottom) share."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return max(0.0, width) * max(0.0, height)


@pytest.mark.usefixtures("demo")
def test_a_map_of_sixty_people_stays_readable(
    page: Page, sign_in: SignIn, assert_accessible: AxeCheck, screenshot: Screenshot
) -> None:
    case = own_case("saksbehandler")
    sara = User.objects.get(username="saksbehandler")
    rng = random.Random(11)
    people = []
    for _ in range(60):
        sector = rng.choice(["family", "family", "friends", "school", "services"])
        people.append(
            services.add_member(
                acting_user=sara,
                case=case,
                name=f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
                relation=rng.choice(RELATIONS[sector]),
                side="public" if sector == "services" else "private",
                sector=sector,
                ring=rng.choice([1, 2, 2, 3, 3]),
                support=rng.sample(
                    ["emotional", "practical", "informational", "appraisal"], rng.randint(0, 3)
                ),
                valence=rng.choice(["resource", "resource", "resource", "stress", "both"]),
            )
        )
    for _ in range(25):
        a, b = rng.sample(people, 2)
        services.add_tie(acting_user=sara, case=case, a=a, b=b, kind=rng.choice(["", "close", "conflict"]))
    sign_in(page, "saksbehandler")
    page.goto(reverse("network:map", args=[case.pk]))
    expect(page.locator("svg.netmap .node")).to_have_count(60)
    boxes = page.evaluate(BOXES_JS)
    assert len(boxes) == 60
    # No two people's shapes overlap, and no name is hidden under another person's shape.
    for i, one in enumerate(boxes):
        for j, other in enumerate(boxes):
            if i < j:
                assert overlap(one["shape"], other["shape"]) == 0, (i, j)
            if i != j:
                area = (one["label"][2] - one["label"][0]) * (one["label"][3] - one["label"][1])
                assert overlap(one["label"], other["shape"]) <= 0.25 * area, (i, j)
    assert_accessible(page)
    screenshot(page, "network_map_60")

    # Dragging a person with the mouse (D3) to the school sector's outer ring saves the new place.
    person = next(p for p in people if p.sector == "family" and p.ring == 1)
    node = page.locator(f"#node-{person.pk}")
    box = node.bounding_box()
    assert box is not None
    target = page.evaluate(TARGET_JS)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(target[0], target[1], steps=12)
    page.mouse.up()
    expect(page.locator(f"#node-{person.pk}")).to_have_attribute("data-sector", "school")
    expect(page.locator(f"#node-{person.pk}")).to_have_attribute("data-ring", "3")
    person.refresh_from_db()
    assert (person.sector, person.ring) == ("school", 3)
    assert person.map_offset is not None and 0.3 < person.map_offset < 0.7

    # Printed, the map with its key and figures is one A4 landscape page.
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    pages = re.findall(rb"/Type\s*/Page(?!s)", pdf)
    sizes = [
        tuple(round(float(v)) for v in box.split()[2:])
        for box in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", pdf)
    ]
    assert len(pages) == 1, f"the map printed on {len(pages)} pages"
    assert sizes == [(842, 595)], sizes  # A4 landscape, in points


# The page's width in CSS pixels against the window's, and the map's label size on screen.
FIT_JS = """
() => {
  const svg = document.querySelector('svg.netmap');
  const label = svg.querySelector('.node__label');
  const role = svg.querySelector('.node__role');
  const scale = svg.getScreenCTM().a;
  const box = svg.closest('.map-scroll');
  return {
    page: document.documentElement.scrollWidth,
    window: window.innerWidth,
    label: parseFloat(getComputedStyle(label).fontSize) * scale,
    role: role ? parseFloat(getComputedStyle(role).fontSize) * scale : 0,
    mapScrolls: box.scrollWidth > box.clientWidth,
  };
}
"""


@pytest.mark.usefixtures("demo")
def test_on_a_phone_the_network_pages_fit_the_screen_and_the_map_stays_readable(
    page: Page, sign_in: SignIn, assert_accessible: AxeCheck, screenshot: Screenshot
) -> None:
    case = own_case("saksbehandler")
    sara = User.objects.get(username="saksbehandler")
    rng = random.Random(5)
    people = []
    for i in range(30):
        sector = rng.choice(["family", "friends", "school", "services"])
        people.append(
            services.add_member(
                acting_user=sara,
                case=case,
                name=f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
                relation=rng.choice(RELATIONS[sector]),
                side="public" if sector == "services" else "private",
                sector=sector,
                ring=rng.choice([1, 2, 3]),
                note="Se https://example.no/en/lang/adresse/uten/noe/mellomrom/i" if i == 0 else "",
            )
        )
    services.add_member(acting_user=sara, case=case, name="Kristiansen-Haugland-Johannessen-Olsen", ring=1)
    for _ in range(10):
        a, b = rng.sample(people, 2)
        services.add_tie(acting_user=sara, case=case, a=a, b=b, kind=rng.choice(["", "close", "conflict"]))
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "saksbehandler")
    for route in ("network:page", "network:map"):
        page.goto(reverse(route, args=[case.pk]))
        expect(page.locator("svg.netmap .node")).to_have_count(31)
        fit = page.evaluate(FIT_JS)
        assert fit["window"] == 390
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, fit
        # The map is not shrunk to the phone: names at 12 px or more, roles not much smaller; it scrolls
        # sideways in its own box instead.
        assert fit["label"] >= 12 and fit["role"] >= 10, fit
        assert fit["mapScrolls"], fit
        assert_accessible(page)
        screenshot(page, f"{route.replace(':', '_')}_phone")
    # A person on the map reached with Tab is scrolled into view within the map's box.
    page.goto(reverse("network:page", args=[case.pk]))
    rightmost = page.evaluate(
        "() => [...document.querySelectorAll('svg.netmap .node')]"
        ".sort((a, b) => b.getBoundingClientRect().right - a.getBoundingClientRect().right)[0].id"
    )
    before = page.locator(f"#{rightmost}").bounding_box()
    assert before is not None and before["x"] > 390  # off screen, to the right
    tab_to(page, f"#{rightmost}", max_presses=120)
    box = page.locator(f"#{rightmost}").bounding_box()
    assert box is not None and 0 <= box["x"] and box["x"] + box["width"] <= 390


@pytest.mark.usefixtures("demo")
def test_a_change_too_large_to_send_is_explained_and_the_form_keeps_it(page: Page, sign_in: SignIn) -> None:
    """With htmx a refused request swaps nothing; the live region says why, and nothing typed is lost."""
    case = own_case("saksbehandler")
    sara = User.objects.get(username="saksbehandler")
    kari = services.add_member(acting_user=sara, case=case, name="Kari Nilsen", relation="Mormor")
    sign_in(page, "saksbehandler")
    page.goto(reverse("network:page", args=[case.pk]))
    page.locator(f"#edit-{kari.pk}").click()
    note = page.locator(f"#id_m{kari.pk}-note")
    text = "Lang tekst. " * 250_000  # 3 MB: more than Django reads from a form
    note.fill(text)
    page.locator(f"#member-row-{kari.pk} button[type=submit]").click()
    with translation.override("nb"):
        expected = gettext(
            "What you sent is larger than Sirkel accepts at once (at most %(limit)s), so nothing was saved."
        ) % {"limit": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}
    expect(page.locator("#network-status")).to_have_text(expected)
    expect(note).to_be_visible()
    assert page.evaluate(f"document.getElementById('id_m{kari.pk}-note').value.length") == len(text)
    kari.refresh_from_db()
    assert kari.note == "" and kari.version == 1
