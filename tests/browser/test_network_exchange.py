"""A caseworker downloads a network as CSV, and imports it into another case after fixing a bad file.

The export page, the import page and the import page listing the problems must pass the axe check.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from sirkel.accounts.models import User
from sirkel.cases.models import Case
from sirkel.cases.services import create_case
from sirkel.network import services
from sirkel.network.models import NetworkMember, NetworkTie
from sirkel.testing.fixtures import CASE_DEFAULTS

from .support import AxeCheck, Screenshot, SignIn

pytestmark = pytest.mark.browser


def own_case(user: User, given_name: str) -> Case:
    membership = user.memberships.first()
    assert membership is not None
    return create_case(
        acting_user=user,
        service=membership.service,
        caseworker=user,
        **{**CASE_DEFAULTS, "child_given_name": given_name, "child_family_name": "Eksportsen"},
    )


@pytest.mark.usefixtures("demo")
def test_export_then_import_into_another_case(
    page: Page, sign_in: SignIn, assert_accessible: AxeCheck, screenshot: Screenshot, tmp_path: Path
) -> None:
    sara = User.objects.get(username="saksbehandler")
    source, target = own_case(sara, "Nora"), own_case(sara, "Ola")
    mor = services.add_member(acting_user=sara, case=source, name="Mor", ring=1, support=["emotional"])
    mormor = services.add_member(acting_user=sara, case=source, name="Åse Mormor", ring=2)
    services.add_tie(acting_user=sara, case=source, a=mor, b=mormor, kind="close")
    sign_in(page, "saksbehandler")

    page.goto(reverse("network:export", args=[source.pk]))
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "network_export")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("CSV")).click()
    download = download_info.value
    assert download.suggested_filename == f"sirkel_{source.reference}_network_csv.zip"
    exported = tmp_path / download.suggested_filename
    download.save_as(exported)
    with zipfile.ZipFile(exported) as archive:
        assert len(archive.namelist()) == 3

    # A broken copy first: the page lists the problem and imports nothing.
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(exported) as archive, zipfile.ZipFile(broken, "w") as out:
        for name in archive.namelist():
            data = archive.read(name)
            if name.endswith("_attributeList_person.csv"):
                assert b",Mor,private,family,,1," in data
                data = data.replace(b",Mor,private,family,,1,", b",Mor,private,family,,7,")
            out.writestr(name, data)
    page.goto(reverse("network:import", args=[target.pk]))
    assert_accessible(page)
    page.locator("#id_file").set_input_files(str(broken))
    page.locator("main button[type=submit]").press("Enter")
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("ring")
    expect(summary).to_be_focused()
    assert_accessible(page)
    screenshot(page, "network_import_problems")
    assert not NetworkMember.objects.filter(case=target).exists()

    page.locator("#id_file").set_input_files(str(exported))
    page.locator("main button[type=submit]").press("Enter")
    expect(page.locator(".message--success")).to_be_visible()
    assert NetworkMember.objects.filter(case=target).count() == 2
    assert NetworkTie.objects.filter(case=target, kind="close").count() == 1

    # A Network Canvas export of two interviews: the page asks which, then says what it kept.
    fixtures = Path(__file__).parents[2] / "src/sirkel/network/tests/fixtures/network_canvas/merged"
    canvas = tmp_path / "networkCanvasExport.zip"
    with zipfile.ZipFile(canvas, "w") as out:
        for path in sorted(fixtures.iterdir()):
            out.write(path, path.name)
    other = own_case(sara, "Ida")
    page.goto(reverse("network:import", args=[other.pk]))
    page.locator("#id_file").set_input_files(str(canvas))
    page.locator("main button[type=submit]").press("Enter")
    expect(page.locator("#error-summary")).to_contain_text("case-B")
    page.locator("#id_file").set_input_files(str(canvas))
    page.locator("#id_interview").fill("case-B")
    page.locator("main button[type=submit]").press("Enter")
    expect(page.locator(".message--success")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Family network study")
    assert_accessible(page)
    assert NetworkMember.objects.filter(case=other).count() == 3
