"""A project's analyses in a browser: the demo researcher opens the tables (printable) and the agreement
from the project page, follows a disagreement to its file and reconciles it to a consensus by keyboard
alone; axe finds nothing serious or critical on any of the pages."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from sirkel.accounts.models import User
from sirkel.audit.models import AuditEvent
from sirkel.research import services
from sirkel.research.models import ProjectResearcher, Registration

from .support import AxeCheck, Screenshot, SignIn, tab_to

pytestmark = pytest.mark.browser


@pytest.mark.usefixtures("demo")
def test_a_researcher_reads_the_tables_and_agreement_and_reconciles_a_file_by_keyboard(
    page: Page, sign_in: SignIn, assert_accessible: AxeCheck, screenshot: Screenshot
) -> None:
    regs: list[dict[str, Any]] = [
        {"case": f"S-{n}", "coder": coder, "sex": sex, "birthplace": "norway"}
        for n in range(1, 7)
        for coder, sex in (("Kari", "girl"), ("Per", "girl" if n > 1 else "boy"))
    ]
    regs[1]["decisions"] = [{"investigation_report": "yes"}]  # Per, S-1: a decision Kari did not register
    outcome = services.import_registrations(
        project_slug="studie-a", form_key="study-2023", text=json.dumps(regs)
    )
    assert not outcome.problems
    ProjectResearcher.objects.create(project=outcome.project, user=User.objects.get(username="forsker"))

    sign_in(page, "forsker")
    page.goto(reverse("research:project", args=["studie-a"]))
    page.locator(f".research-work a[href='{reverse('research:tables', args=['studie-a'])}']").click()
    page.locator("#tables-question").select_option("birthplace")
    page.locator("#tables-suppress").fill("0")
    page.locator("form.filters button[type='submit']").click()
    expect(page.locator("#tables-table")).to_have_attribute("data-question", "birthplace")
    # Six files, each coded twice, none reconciled yet: every one is left out.
    expect(page.locator("#tables-left-out")).to_be_visible()
    assert_accessible(page)
    page.emulate_media(media="print")
    expect(page.locator("#tables-table")).to_be_visible()
    expect(page.locator("form.filters")).to_be_hidden()
    page.emulate_media(media="screen")
    screenshot(page, "research_tables")

    page.goto(reverse("research:agreement", args=["studie-a"]))
    expect(
        page.locator("#agreement-table tr[data-question='sex'][data-statistic='cohen_kappa']")
    ).to_be_visible()
    assert_accessible(page)

    page.goto(reverse("research:disagreements", args=["studie-a"]))
    expect(page.locator("#disagreements-table tr[data-case='S-1']")).to_have_count(1)
    assert_accessible(page)
    tab_to(page, "#disagreements-table tr[data-case='S-1'] a")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("S-1")
    assert_accessible(page)

    # By keyboard: the first answer for the child's sex (Kari's), then Per's decision, then save.
    tab_to(page, "#c1-0")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the first answer to decisions[1] (Per's "yes")
    tab_to(page, "#reconcile-form button[type='submit']")
    page.keyboard.press("Enter")
    expect(page.locator("#reconcile-existing")).to_be_visible()
    expect(page.locator(".messages")).to_be_visible()
    assert_accessible(page)
    consensus = Registration.objects.get(project=outcome.project, case_ref="S-1", is_consensus=True)
    assert consensus.answers == {
        "sex": "girl",
        "birthplace": "norway",
        "decisions": [{"investigation_report": "yes"}],
    }
    assert AuditEvent.objects.filter(object_type="research_consensus", action="create").count() == 1
