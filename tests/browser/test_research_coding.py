"""Coding a case file in a browser: a researcher finds the file given to them from the project page, sees
the answers prefilled from Sirkel marked, codes the file by keyboard, gets a problem shown beside its
question, saves a draft and marks it finished. axe finds nothing serious on the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from sirkel.accounts.models import Role, Service
from sirkel.research.coding_services import FileRef, assign_files, linked_case_ref
from sirkel.research.models import Registration
from sirkel.research.tests.helpers import make_grant
from sirkel.testing.fixtures import PASSWORD, make_user

from .support import AxeCheck, Screenshot, SignIn, own_case

pytestmark = pytest.mark.browser


def test_a_researcher_codes_a_file_by_keyboard(
    page: Page,
    transactional_db: None,
    settings: Any,
    sign_in: SignIn,
    assert_accessible: AxeCheck,
    screenshot: Screenshot,
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    service = Service.objects.create(name="Kodetjenesten", municipality_numbers="0301", population=1000)
    leader = make_user("kodeleder", service, Role.LEADER)
    caseworker = make_user("kodesak", service, Role.CASEWORKER)
    researcher = make_user("koder", service, Role.RESEARCHER)
    case = own_case(caseworker, given="Ada", family="Kodesen", years=9)
    project = make_grant(
        leader=leader, service=service, researchers=(researcher,), slug="koding-2026"
    ).project
    (assignment,) = assign_files(
        acting_user=researcher,
        project=project,
        files=[FileRef(linked_case_ref(case), case)],
        coders=[researcher],
        double_share=0,
    )

    sign_in(page, "koder", PASSWORD)
    page.goto(reverse("research:project", args=[project.slug]))
    link = page.locator(f".research-work a[href='{reverse('research:my_files', args=[project.slug])}']")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#my-files tr[data-assignment='{assignment.pk}']")).to_have_attribute(
        "data-status", "not_started"
    )
    assert_accessible(page)
    page.locator(f"#my-files tr[data-assignment='{assignment.pk}'] a").focus()
    page.keyboard.press("Enter")
    expect(page.locator("h1#coding-title")).to_have_attribute("data-status", "not_started")
    expect(page.locator("#q-sex-prefill")).to_be_visible()  # the child's sex, from Sirkel
    expect(page.locator("#q-sex")).to_have_attribute("aria-describedby", "q-sex-prefill")
    expect(page.locator("body")).not_to_contain_text("Kodesen")  # the child's name is not on the page
    assert_accessible(page)
    screenshot(page, "research_coding")

    # By keyboard: a text, a number out of range, a box ticked, a decision's month; saved as a draft.
    page.locator("#q-municipality_number").focus()
    page.keyboard.type("0301")
    page.keyboard.press("Tab")
    expect(page.locator("#q-coder")).to_be_focused()
    expect(page.locator("#q-coder")).to_have_value("Koder")  # the coder's own name
    page.locator("#q-birth_year").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("1850")
    page.locator("#q-target_groups-3").focus()  # fathers
    page.keyboard.press("Space")
    page.locator("#q-decisions-1-decision_month").focus()
    page.keyboard.type("2024-03")
    page.locator(".actions button[value='save']").focus()
    page.keyboard.press("Enter")
    summary = page.locator(".error-summary[role='alert']")
    expect(summary).to_be_visible()
    expect(page.locator("#q-birth_year-error")).to_be_visible()
    expect(page.locator("#q-municipality_number")).to_have_value("0301")  # the input kept
    expect(page.locator("#q-target_groups-3")).to_be_checked()
    assert_accessible(page)
    summary.locator("a[href='#q-birth_year']").focus()
    page.keyboard.press("Enter")
    page.locator("#q-birth_year").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type(str(case.birth_date.year))
    page.keyboard.press("Enter")  # Enter in a field saves the draft (not "add one more")
    expect(page.locator("h1#coding-title")).to_have_attribute("data-status", "draft")
    registration = Registration.objects.get()
    assert registration.answers["municipality_number"] == "0301"
    assert registration.answers["target_groups"] == ["fathers"]
    assert registration.answers["decisions"] == [{"decision_month": "2024-03"}]
    assert "sex" in registration.prefilled and "target_groups" not in registration.prefilled
    assert_accessible(page)

    # Marked finished: the inputs are closed and the coder may reopen.
    page.locator("button[value='finish']").focus()
    page.keyboard.press("Enter")
    expect(page.locator("h1#coding-title")).to_have_attribute("data-status", "finished")
    expect(page.locator("button[value='reopen']")).to_be_visible()
    expect(page.locator("#q-municipality_number")).to_be_disabled()
    assert_accessible(page)
