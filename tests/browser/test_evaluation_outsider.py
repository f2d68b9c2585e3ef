"""The evaluation issue's last line: `nabo`, a caseworker of the neighbour service, reaches none of it.

Every staff page of an evaluation, its ratings, its participant links and the effect overview answer the
plain 404 for her, and nothing of the case shows; her own "Reviews for me" is empty and the leaders' menu
items are not hers."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from sirkel.accounts.models import User
from sirkel.cases.plans import set_goals
from sirkel.evaluation import links
from sirkel.evaluation.services import schedule_evaluation
from sirkel.network.services import add_member
from sirkel.testing.factories import make_series

from .support import AxeCheck, SignIn, own_case

pytestmark = pytest.mark.browser


@pytest.mark.usefixtures("demo")
def test_the_neighbour_service_reaches_no_evaluation_page(
    page: Page, sign_in: SignIn, assert_accessible: AxeCheck
) -> None:
    sara = User.objects.get(username="saksbehandler")
    case = own_case(sara, given="Nora", family="Naboprøven", years=12)
    series = make_series(case=case, kind="network_meeting", caseworker=sara)
    measure = series.measure
    set_goals(acting_user=sara, measure=measure, texts=["Nora går på skolen hver dag."])
    evaluation = schedule_evaluation(acting_user=sara, measure=measure, due_on=timezone.localdate())
    mother = add_member(acting_user=sara, case=case, name="Mia Naboprøven", relation="Mor")
    link, _token = links.create_link(
        acting_user=sara, series=series, purpose="evaluation", member=mother, evaluation=evaluation
    )
    urls = [
        reverse("evaluation:scales", args=[case.pk, measure.pk]),
        reverse("evaluation:measure_evaluations", args=[case.pk, measure.pk]),
        reverse("evaluation:schedule", args=[case.pk, measure.pk]),
        reverse("evaluation:detail", args=[case.pk, evaluation.pk]),
        reverse("ratings:case", args=[case.pk]),
        reverse("links:links", args=[case.pk, measure.pk]),
        reverse("effect:overview") + f"?service={case.service_id}",
        reverse("ratings:instruments"),
    ]
    sign_in(page, "nabo")
    for url in urls:
        response = page.goto(url)
        assert response is not None and response.status == 404, url
        expect(page.locator("body")).not_to_contain_text("Naboprøven")
    assert_accessible(page)  # the 404 page as she sees it
    page.goto(reverse("reviews:mine"))
    expect(page.locator("main")).not_to_contain_text("Naboprøven")
    nav = page.get_by_role("navigation", name="Hovedmeny")
    expect(nav.get_by_role("link", name="Effekt")).to_have_count(0)
    expect(nav.get_by_role("link", name="Skåringsverktøy")).to_have_count(0)
    link.refresh_from_db()
    assert link.uses == 0  # her requests never touched the link
