"""Research access in a browser: the demo leader grants a new project one case file and names the demo
researcher; the researcher finds it on their page and reads it, without a way to change it; the leader
revokes the grant, and the case answers 404 again. axe finds nothing serious on the pages; the
neighbour service's users reach none of it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from sirkel.accounts.models import User
from sirkel.cases.models import Case
from sirkel.demo.data import DEMO_SERVICE
from sirkel.research.models import Grant

from .support import AxeCheck, Screenshot, SignIn

pytestmark = pytest.mark.browser


@pytest.mark.usefixtures("demo")
def test_a_leader_grants_the_researcher_reads_and_the_leader_revokes(
    page: Page, browser: Browser, sign_in: SignIn, assert_accessible: AxeCheck, screenshot: Screenshot
) -> None:
    case, other = Case.objects.filter(service__name=DEMO_SERVICE.name).order_by("pk")[:2]
    forsker = User.objects.get(username="forsker")

    sign_in(page, "leder")
    origin = "/".join(page.url.split("/", 3)[:3])
    page.locator(f"nav a[href='{reverse('research:grants')}']").click()
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page)
    form = page.locator("#grant-form")
    form.locator("#id_project").select_option("__new__")
    form.locator("#id_new_slug").fill("nettverk-2026")
    form.locator("#id_new_name").fill("Nettverk i barnevernet")
    form.locator("input[name='scope'][value='listed']").check()
    form.locator("#id_case_numbers").fill(str(case.number))
    form.locator("#id_valid_until").fill((timezone.localdate() + timedelta(days=30)).isoformat())
    form.locator("#id_legal_basis").fill("Fritak fra taushetsplikt, brev 10.01.2026")
    form.locator("#id_dpia_ref").fill("DPIA-2026-3")
    form.locator("#id_reason").fill("Gjennomgang av saksmapper")
    form.locator(f"input[name='researchers'][value='{forsker.pk}']").check()
    form.locator("button[type='submit']").click()
    grant = Grant.objects.get()
    row = page.locator(f"#research-grants tr[data-grant='{grant.pk}']")
    expect(row).to_have_attribute("data-active", "true")
    expect(row).to_contain_text(case.reference)
    assert_accessible(page)
    screenshot(page, "research_grants")

    # The researcher: their project, the one case file, read-only.
    context = browser.new_context(base_url=origin, locale="nb-NO")
    reader = context.new_page()
    sign_in(reader, "forsker")
    reader.locator(f"nav a[href='{reverse('research:mine')}']").click()
    expect(reader.locator("li[data-project='nettverk-2026']")).to_be_visible()
    expect(reader.locator("#granted-cases tr[data-case]")).to_have_count(1)
    assert_accessible(reader)
    reader.locator(f"#granted-cases tr[data-case='{case.pk}'] a").click()
    expect(reader).to_have_url(f"{origin}{reverse('cases:detail', args=[case.pk])}")
    expect(reader.locator(f"a[href='{reverse('cases:edit', args=[case.pk])}']")).to_have_count(0)
    assert_accessible(reader)
    response = reader.goto(reverse("cases:detail", args=[other.pk]))
    assert response is not None and response.status == 404

    # The leader revokes; the case is closed to the researcher again.
    row.locator(f"#revoke-reason-{grant.pk}").fill("Prosjektet er avsluttet")
    row.locator("button[type='submit']").click()
    expect(page.locator(f"#research-grants tr[data-grant='{grant.pk}']")).to_have_attribute(
        "data-active", "false"
    )
    assert_accessible(page)
    response = reader.goto(reverse("cases:detail", args=[case.pk]))
    assert response is not None and response.status == 404
    context.close()

    for username in ("nabo", "naboleder"):
        context = browser.new_context(base_url=origin, locale="nb-NO")
        other_page = context.new_page()
        sign_in(other_page, username)
        response = other_page.goto(reverse("research:mine"))
        assert response is not None and response.status == 404, username
        if username == "nabo":
            response = other_page.goto(reverse("research:grants"))
            assert response is not None and response.status == 404
        else:  # the neighbour's leader sees their own service's grants: none
            other_page.goto(reverse("research:grants"))
            expect(other_page.locator("#research-grants")).to_have_count(0)
        response = other_page.goto(reverse("cases:detail", args=[case.pk]))
        assert response is not None and response.status == 404
        context.close()
