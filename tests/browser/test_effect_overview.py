"""The leaders' effect overview in a browser: the demo leader opens it from the menu, sees the numbers
with small cells hidden, the charts with their tables and the overdue evaluation; the page prints without
its filters; axe finds nothing serious. A caseworker, and the neighbour service's users, get 404."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from sirkel.accounts.models import User
from sirkel.cases.models import Case
from sirkel.demo.data import DEMO_SERVICE
from sirkel.evaluation.models import Evaluation, EvaluationStatus, Judgement

from .support import AxeCheck, Screenshot, SignIn

pytestmark = pytest.mark.browser


YES_NO = ["yes"] * 4 + ["no"] * 3
FACES = [5, 5, 4, 3, 3, 3, 1]
SCORES = [55.0, 60.0, 50.0, 40.0, 35.0, 65.0, 45.0]


def _evaluations() -> Evaluation:
    """Seven closed evaluations of one demo measure in 2025 (the service: 4 yes, 3 no) and one overdue;
    the overdue one is returned."""
    case = Case.objects.filter(service__name=DEMO_SERVICE.name, measures__isnull=False).order_by("pk").first()
    assert case is not None
    measure = case.measures.order_by("pk").first()
    assert measure is not None
    by = User.objects.get(username="saksbehandler")
    for i, (effect, face, score) in enumerate(zip(YES_NO, FACES, SCORES, strict=True)):
        evaluation = Evaluation.objects.create(
            measure=measure,
            due_on=date(2025, 3, 1 + i),
            held_on=date(2025, 3, 1 + i),
            status=EvaluationStatus.CLOSED,
            next_step="continue",
            next_step_requested_by="parents",
            next_step_reason="Foreldrene vil fortsette.",
            t_score=score,
            created_by=by,
        )
        Judgement.objects.create(evaluation=evaluation, perspective="service", effect=effect, recorded_by=by)
        Judgement.objects.create(evaluation=evaluation, perspective="child", child_scale=face, recorded_by=by)
    Evaluation.objects.filter(measure=measure, status=EvaluationStatus.SCHEDULED).delete()
    return Evaluation.objects.create(
        measure=measure, due_on=timezone.localdate() - timedelta(days=10), created_by=by
    )


@pytest.mark.usefixtures("demo")
def test_a_leader_reads_the_effect_overview_and_a_caseworker_gets_404(
    page: Page, browser: Browser, sign_in: SignIn, assert_accessible: AxeCheck, screenshot: Screenshot
) -> None:
    overdue = _evaluations()
    sign_in(page, "leder")
    page.locator(f"nav a[href='{reverse('effect:overview')}']").click()
    expect(page.locator("h1")).to_be_visible()
    # The service's row: 7 judged, 4 yes; 0 partly is hidden, and the 3 no with it (7 − 4 would tell).
    row = page.locator("#effect-table tr[data-perspective='service']:not([data-shares])")
    expect(row.locator("[data-cell='judged']")).to_have_text("7")
    expect(row.locator("[data-cell='yes']")).to_have_text("4")
    expect(row.locator("[data-cell='no']")).to_have_text(":")
    expect(row.locator("[data-cell='partly']")).to_have_text(":")
    # The charts are images named by their titles, each with a table beside it.
    expect(page.locator("svg#effect-chart[role='img']")).to_be_visible()
    expect(page.locator("svg#t-chart[role='img']")).to_be_visible()
    expect(page.locator("#t-table [data-cell='total']")).to_have_text("7")
    expect(page.locator("#t-table [data-cell='median']")).to_contain_text("50")
    # The overdue evaluation, with the way to its case.
    expect(page.locator("#overdue-count")).to_have_text("1")
    link = page.locator(f"#overdue-table tr[data-evaluation='{overdue.pk}'] a")
    expect(link).to_have_attribute("href", reverse("cases:detail", args=[overdue.measure.case_id]))
    assert_accessible(page)
    screenshot(page, "effect_overview")

    # The year chosen in the form.
    page.locator("#effect-year").select_option("2025")
    page.locator(".effect-filters button[type='submit']").click()
    expect(page).to_have_url(f"{page.url.split('?')[0]}?year=2025")
    expect(row.locator("[data-cell='judged']")).to_have_text("7")
    assert_accessible(page)

    # Printed: the filters go, the charts and tables stay.
    page.emulate_media(media="print")
    expect(page.locator(".effect-filters")).to_be_hidden()
    expect(page.locator("svg#effect-chart")).to_be_visible()
    expect(page.locator("#effect-table")).to_be_visible()
    page.emulate_media(media="screen")

    for username in ("saksbehandler", "nabo", "naboleder"):
        context = browser.new_context(base_url=page.url.split("/effekt")[0], locale="nb-NO")
        other = context.new_page()
        sign_in(other, username)
        expect(other.locator(f"nav a[href='{reverse('effect:overview')}']")).to_have_count(
            0 if username != "naboleder" else 1
        )
        url = reverse("effect:overview") + (
            f"?service={overdue.measure.case.service_id}" if username == "naboleder" else ""
        )
        response = other.goto(url)
        assert response is not None and response.status == 404, username
        assert_accessible(other)
        context.close()
