"""A leader uploads a small measure history, sees the preview, confirms it, and sees the page follow the
background task (run by the real task worker) to the end.

The upload page, the preview and the finished import must pass the axe check.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page, expect

from sirkel.cases import imports
from sirkel.cases.models import Case, ImportJob, ImportStatus, Measure

from .support import AxeCheck, Screenshot, SignIn

pytestmark = pytest.mark.browser

ROWS = [
    "IMP-1,Ada,Importsen,2014-04-02,girl,2023-01-09,advice_guidance,2023-01-16,2023-12-31,voluntary",
    "IMP-1,Ada,Importsen,2014-04-02,girl,2024-02-01,6.2,2024-02-15,,voluntary",
    "IMP-2,Bo,Importsen,2012-08-30,boy,2022-05-03,pmto,2022-05-10,2022-11-30,imposed",
    "IMP-3,Cy,Importsen,2016-11-11,unknown,2024-03-01,support_contact,2024-03-04,,voluntary",
]


@pytest.mark.usefixtures("demo")
def test_a_leader_imports_a_measure_history(
    page: Page,
    sign_in: SignIn,
    assert_accessible: AxeCheck,
    screenshot: Screenshot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(imports, "CHUNK_ROWS", 1)  # a step per case
    path = tmp_path / "historikk.csv"
    path.write_text(",".join(imports.COLUMNS) + "\n" + "\n".join(ROWS) + "\n", encoding="utf-8")
    before = Case.objects.count()
    sign_in(page, "leder")

    page.goto(reverse("cases:list"))
    page.locator(f"a[href='{reverse('cases:import_measures')}']").click()
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page)
    page.locator("#id_caseworker").select_option(label="Sara Berg")
    page.locator("#id_file").set_input_files(str(path))
    page.locator("main form button[type=submit]").click()

    # The preview: what will be done, the rows as they will be imported; nothing written yet.
    expect(page.locator("#preview-heading")).to_be_visible()
    expect(page.locator("#rows-caption")).to_be_visible()
    expect(page.locator("main table").nth(1)).to_contain_text("IMP-2")
    assert Case.objects.count() == before
    assert_accessible(page)
    screenshot(page, "import_preview")

    page.locator("main form button[type=submit]").click()
    # Confirmed: queued for the task worker, the page following it by itself.
    expect(page.locator("#import-status")).to_have_attribute("data-status", "queued")
    expect(page.locator("#import-progress")).to_have_attribute("aria-live", "polite")
    assert ImportJob.objects.get().status == ImportStatus.QUEUED
    assert Case.objects.count() == before
    assert_accessible(page)

    # The worker (the real `db_worker` command) runs it and ends; the page, polling, finds it done.
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    expect(page.locator("#import-status")).to_have_attribute("data-status", "done")
    label = page.locator("#import-progress-label")
    expect(label).to_contain_text(re.compile(r"3 (av|of) 3"))
    expect(page.locator("progress")).to_have_attribute("value", "3")
    expect(page.locator("#import-progress table")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "import_done")
    assert ImportJob.objects.get().status == ImportStatus.DONE
    assert Case.objects.count() == before + 3
    assert Measure.objects.filter(case__external_ref__startswith="IMP-").count() == 4
