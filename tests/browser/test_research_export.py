"""The de-identified export in a browser: the demo researcher opens their project, chooses the formats
and starts an export; its page shows it waiting with a progress bar and follows it by itself (htmx) while
the task worker — the real `db_worker` command — runs it; when done it offers the zip, which downloads
with the files of the export. axe finds nothing serious on the pages."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page, expect

from sirkel.accounts.models import User
from sirkel.research.models import ExportJob, Project, ProjectResearcher, Registration
from sirkel.research.services import latest_form_version

from .support import AxeCheck, Screenshot, SignIn

pytestmark = pytest.mark.browser


@pytest.mark.usefixtures("demo")
def test_a_researcher_exports_follows_the_progress_and_downloads(
    page: Page,
    sign_in: SignIn,
    assert_accessible: AxeCheck,
    screenshot: Screenshot,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.VAR_DIR = tmp_path  # the project's key and the export, in the test's own folder
    project = Project.objects.create(
        slug="nettverk-2026", name="Nettverk i barnevernet", form_version=latest_form_version()
    )
    ProjectResearcher.objects.create(project=project, user=User.objects.get(username="forsker"))
    Registration.objects.bulk_create(
        Registration(
            project=project,
            form_version=project.form_version,
            case_ref=f"SAK-{i:04d}",
            coder="forsker-1",
            answers={
                "sex": "boy",
                "decisions": [{"decision_month": "2024-05", "reasons_text": "Bekymring."}],
            },
        )
        for i in range(40)
    )

    sign_in(page, "forsker")
    page.goto(reverse("research:project", args=[project.slug]))
    page.locator(f"ul.research-work a[href='{reverse('research:export', args=[project.slug])}']").click()
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page)
    form = page.locator("#export-form")
    form.locator("input[name='formats'][value='csv']").uncheck()
    form.locator("button[type='submit']").click()  # no format: refused, with the reason
    expect(page.locator("#export-form .errorlist")).to_be_visible()
    assert not ExportJob.objects.exists()
    form.locator("input[name='formats'][value='csv']").check()
    form.locator("input[name='formats'][value='sav']").check()
    form.locator("button[type='submit']").click()

    status = page.locator("#export-status")
    expect(status).to_have_attribute("data-status", "queued")
    expect(page.locator("#export-progress progress")).to_be_visible()
    expect(page.locator("#export-progress")).to_have_attribute("aria-live", "polite")
    assert_accessible(page)
    screenshot(page, "research_export_queued")

    # The worker runs what is queued and ends; the page, polling, finds the export done.
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    expect(status).to_have_attribute("data-status", "done")
    expect(page.locator("#export-progress-label")).to_contain_text("40")
    expect(page.locator("#export-progress progress")).to_have_attribute("value", "40")
    assert_accessible(page)
    screenshot(page, "research_export_done")

    with page.expect_download() as info:
        page.locator("#export-download").click()
    download = info.value
    assert download.suggested_filename.startswith("nettverk-2026-export-")
    target = tmp_path / "downloaded.zip"
    download.save_as(target)
    names = set(zipfile.ZipFile(target).namelist())
    assert {"registrations.csv", "registrations.sav", "codebook.csv", "residual-risk.txt"} <= names

    # The export page lists it.
    page.goto(reverse("research:export", args=[project.slug]))
    expect(page.locator("#export-jobs tbody tr[data-status='done']")).to_have_count(1)
