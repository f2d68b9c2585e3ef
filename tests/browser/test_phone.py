"""The pages a meeting leader or a family uses on a phone fit a 390 px screen: no sideways page scroll
(wide tables scroll inside their own box). Checked on the demo data's active series."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from sirkel.cases.models import Case
from sirkel.meetings.models import Meeting, Series, SeriesStatus

from .support import AxeCheck, SignIn

pytestmark = pytest.mark.browser


@pytest.mark.usefixtures("demo")
def test_the_leaders_and_familys_pages_fit_a_phone(
    page: Page, sign_in: SignIn, assert_accessible: AxeCheck
) -> None:
    case = Case.objects.get(service__name="Demo barneverntjeneste", child_given_name="Emma")
    series = Series.objects.get(measure__case=case, status=SeriesStatus.ACTIVE)
    first = Meeting.objects.filter(series=series).order_by("sequence").first()
    assert first is not None
    m = [case.pk, series.measure_id]
    urls = [
        reverse("cases:detail", args=[case.pk]),
        reverse("meetings:detail", args=m),
        reverse("actions:plan", args=m),
        reverse("meetings:meeting", args=[*m, first.pk]),
        reverse("meetings:guide", args=[*m, first.pk]),
        reverse("meetings:participants", args=[*m, first.pk]),
        reverse("meetings:minutes", args=[*m, first.pk]),
        reverse("actions:overview"),
    ]
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "saksbehandler")
    too_wide = {}
    for url in urls:
        page.goto(url)
        expect(page.locator("h1").first).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            too_wide[url] = width
    assert too_wide == {}
    page.goto(reverse("actions:plan", args=m))
    assert_accessible(page)
