"""The pages the flow tests do not pass through, checked with axe on the demo data: the network's
history and comparison, the export and import pages, the trained-leader register and ending a measure."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from sirkel.cases.models import Case
from sirkel.meetings.models import Series, SeriesStatus
from sirkel.network.models import NetworkSnapshot

from .support import AxeCheck, SignIn

pytestmark = pytest.mark.browser


@pytest.mark.usefixtures("demo")
def test_network_history_exchange_register_and_end_pages_are_accessible(
    page: Page, sign_in: SignIn, assert_accessible: AxeCheck
) -> None:
    case = Case.objects.get(service__name="Demo barneverntjeneste", child_given_name="Emma")
    first, later = NetworkSnapshot.objects.filter(case=case).order_by("taken_at")[:2]
    series = Series.objects.get(measure__case=case, status=SeriesStatus.ACTIVE)

    sign_in(page, "saksbehandler")
    page.goto(reverse("network:snapshots", args=[case.pk]))
    expect(page.locator("main table")).to_be_visible()
    assert_accessible(page)

    page.goto(reverse("network:snapshot_detail", args=[case.pk, first.pk]))
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page)

    page.goto(reverse("network:compare", args=[case.pk]) + f"?a={first.pk}&b={later.pk}")
    expect(page.locator("main h2").first).to_be_visible()
    assert_accessible(page)

    page.goto(reverse("network:export", args=[case.pk]))
    expect(page.locator("main a[href*='format=csv']").first).to_be_visible()
    assert_accessible(page)

    page.goto(reverse("network:import", args=[case.pk]))
    expect(page.locator("main input[type=file]")).to_be_visible()
    assert_accessible(page)

    page.goto(reverse("meetings:end", args=[series.case_id, series.measure_id]))
    expect(page.locator("main textarea")).to_be_visible()
    page.locator("main form button[type=submit]").click()  # empty reason: the error summary
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page)
    series.refresh_from_db()
    assert series.status == SeriesStatus.ACTIVE

    page.goto(reverse("meetings:leaders"))
    expect(page.locator("main table").first).to_be_visible()
    assert_accessible(page)


@pytest.mark.usefixtures("demo")
def test_removing_a_person_who_carries_actions_is_accessible_and_keeps_the_actions(
    page: Page, sign_in: SignIn, assert_accessible: AxeCheck
) -> None:
    from sirkel.actions.models import Action

    action = (
        Action.objects.filter(owner_member__isnull=False, series__measure__case__child_given_name="Emma")
        .select_related("owner_member")
        .first()
    )
    assert action is not None and action.owner_member is not None
    person = action.owner_member
    sign_in(page, "saksbehandler")
    page.goto(reverse("network:member_delete", args=[person.case_id, person.pk]))
    expect(page.locator(f"[name='release-action_{action.pk}']").first).to_be_visible()
    assert_accessible(page)
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("main h1").first).to_be_visible()
    action.refresh_from_db()
    assert action.owner_member_id is None and action.former_owner_name == person.name
