"""An evaluation from every side, in a real browser: the caseworker scales the goals from the measure plan,
schedules the evaluation from the plan, records the goals' levels (the T-score matches a hand computation),
the service's judgement, each parent's view and the child's; the leader names an independent reviewer,
who finds the case under "Reviews for me" and judges blind until their judgement is saved; the caseworker
closes with a next step and reaches the plan's new version, and the reviewer's access is gone. axe runs on
every page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from sirkel.accounts.models import User
from sirkel.cases.models import Goal, MeasurePlan, PlanVersion
from sirkel.cases.plans import set_goals
from sirkel.evaluation.models import Evaluation, EvaluationStatus, GoalScale, Judgement
from sirkel.evaluation.scores import t_score
from sirkel.network.services import add_member
from sirkel.testing.factories import decide

from .support import AxeCheck, SignIn, own_case

GOALS = ["Ola går på skolen hver dag.", "Ola sover godt om natta.", "Ola har en venn å være med."]
WEIGHTS = (3, 5, 1)
LEVELS = (2, 0, -1)
SERVICE_TEXT = "Fraværet er nesten borte; søvnen som før."


@contextmanager
def other_browser(browser: Browser, live_server: Any) -> Iterator[Page]:
    """A second person at their own computer: a fresh context with its own cookies."""
    context = browser.new_context(base_url=live_server.url, locale="nb-NO", timezone_id="Europe/Oslo")
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def submit(page: Page, button: str) -> None:
    with page.expect_navigation():
        page.locator(button).click()


@pytest.mark.usefixtures("demo")
def test_an_evaluation_from_every_side_with_a_blind_reviewer(
    page: Page, browser: Browser, live_server: Any, sign_in: SignIn, assert_accessible: AxeCheck
) -> None:
    sara = User.objects.get(username="saksbehandler")
    case = own_case(sara, given="Ola", family="Evalueringsen", years=10)
    measure = decide(case=case, kind="network_meeting", by=sara)
    set_goals(acting_user=sara, measure=measure, texts=GOALS)
    goals = list(Goal.objects.filter(measure=measure).order_by("position"))
    mother = add_member(acting_user=sara, case=case, name="Mona Evalueringsen", relation="Mor")
    father = add_member(acting_user=sara, case=case, name="Fredrik Evalueringsen", relation="Far")
    sign_in(page, "saksbehandler")

    # 1. The plan links each goal to its scale; each goal is scaled with its weight.
    page.goto(reverse("cases:plan", args=[case.pk]))
    expect(page.locator("#plan-evaluation")).to_be_visible()
    assert_accessible(page)  # the plan with its evaluation part
    page.locator(f"#plan-evaluation li[data-goal='{goals[0].pk}'] a.scale-link").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("evaluation:scales", args=[case.pk, measure.pk]))))
    assert_accessible(page)  # the scale page
    for goal, weight in zip(goals, WEIGHTS, strict=True):
        prefix = f"g{goal.pk}"
        page.locator(f"#id_{prefix}-much_less").fill("Mye dårligere enn nå")
        page.locator(f"#id_{prefix}-less").fill("Litt dårligere")
        page.locator(f"#id_{prefix}-expected").fill(f"Forventet for mål {goal.position + 1}")
        page.locator(f"#id_{prefix}-more").fill("Litt bedre")
        page.locator(f"#id_{prefix}-much_more").fill("Mye bedre")
        page.locator(f"#id_{prefix}-weight").fill(str(weight))
        submit(page, f"#save-{prefix}")
        expect(page.locator(f"#goal-{goal.pk} dl.scale .scale__weight")).to_have_text(str(weight))
    assert [GoalScale.objects.get(goal=g).weight for g in goals] == list(WEIGHTS)

    # 2. The evaluation is scheduled from the plan, on the plan's next evaluation date.
    page.goto(reverse("cases:plan", args=[case.pk]))
    next_evaluation = MeasurePlan.objects.get(case=case).next_evaluation_on
    assert next_evaluation is not None
    expect(page.locator(f"#due-on-{measure.pk}")).to_have_value(next_evaluation.isoformat())
    submit(page, f"#schedule-{measure.pk}")
    evaluation = Evaluation.objects.get(measure=measure)
    detail = reverse("evaluation:detail", args=[case.pk, evaluation.pk])
    expect(page).to_have_url(re.compile(re.escape(detail)))
    assert_accessible(page)  # the evaluation page, open, nothing recorded

    # 3. The goals' levels, and the T-score as computed by hand.
    for goal, level in zip(goals, LEVELS, strict=True):
        page.locator(f"input[name='levels-goal_{goal.pk}'][value='{level}']").check()
    submit(page, "#save-levels")
    # 50 + 10·(3·2 + 5·0 + 1·(−1)) / √(0.7·(9 + 25 + 1) + 0.3·9²) = 50 + 50/√48.8 = 57.16 → 57.2
    assert t_score(LEVELS, WEIGHTS) == 57.2
    expect(page.locator("#t-score")).to_have_attribute("data-t-score", "57.2")

    # 4. The service's judgement, each parent on their own, the child's view with the five faces.
    page.locator("input[name='service-effect'][value='partly']").check()
    page.locator("#id_service-text").fill(SERVICE_TEXT)
    submit(page, "#save-service")
    expect(page.locator("#service .judgement")).to_have_attribute("data-effect", "partly")
    for member, effect in ((mother, "yes"), (father, "partly")):
        page.locator("#id_parent-new-member").select_option(str(member.pk))
        page.locator(f"input[name='parent-new-effect'][value='{effect}']").check()
        page.locator("#id_parent-new-text").fill("Vi vil fortsette med nettverksmøtene.")
        submit(page, "#save-parent-new")
        expect(page.locator(f".parent-judgement[data-member='{member.pk}']")).to_be_visible()
    expect(page.locator("label[for='id_child-scale_4'] .face__symbol")).to_have_text("🙂")
    page.locator("label[for='id_child-scale_4']").click()
    page.locator("#id_child-words").fill("Det er bedre på skolen nå.")
    page.locator("#id_child-wants_next").fill("At bestefar kommer på neste møte.")
    page.locator("#id_child-helped_by").fill("Mamma")
    assert_accessible(page)  # the evaluation page with the child's form filled in
    submit(page, "#save-child")
    expect(page.locator("#child .judgement")).to_have_attribute("data-scale", "4")

    # 5. The leader names the independent reviewer: a colleague not on the case.
    sindre = User.objects.get(username="saksbehandler2")
    with other_browser(browser, live_server) as leader_page:
        sign_in(leader_page, "leder")
        leader_page.goto(detail)
        options = leader_page.locator("#id_choose-reviewer option").evaluate_all("os => os.map(o => o.value)")
        assert str(sindre.pk) in options and str(sara.pk) not in options
        leader_page.locator("#id_choose-reviewer").select_option(str(sindre.pk))
        submit(leader_page, "#save-choose")
        expect(leader_page.locator("#reviewer-name")).to_have_text(sindre.display_name())
        assert_accessible(leader_page)  # the evaluation page as the leader sees it

    # 6. The reviewer finds the case, sees the goals and levels but none of the others' judgements.
    with other_browser(browser, live_server) as reviewer_page:
        sign_in(reviewer_page, "saksbehandler2")
        reviewer_page.goto(reverse("reviews:mine"))
        assert_accessible(reviewer_page)  # reviews for me
        reviewer_page.locator(f"#my-reviews tr[data-evaluation='{evaluation.pk}'] a").click()
        expect(reviewer_page.locator("#blind-note")).to_be_visible()
        expect(reviewer_page.locator(f"li[data-goal='{goals[0].pk}'] .level")).to_have_attribute(
            "data-level", "2"
        )
        expect(reviewer_page.locator("main")).not_to_contain_text(SERVICE_TEXT)
        expect(reviewer_page.locator("#service, #parents, #child, #save-close")).to_have_count(0)
        assert_accessible(reviewer_page)  # the evaluation page, blind
        reviewer_page.locator("input[name='reviewer-effect'][value='yes']").check()
        reviewer_page.locator("#id_reviewer-text").fill("Målene om skole er nådd.")
        submit(reviewer_page, "#save-reviewer")
        expect(reviewer_page.locator("#blind-note")).to_have_count(0)
        expect(reviewer_page.locator("#service")).to_contain_text(SERVICE_TEXT)
        assert set(Judgement.objects.filter(evaluation=evaluation).values_list("perspective", flat=True)) == {
            "service",
            "parent",
            "child",
            "reviewer",
        }

        # 7. The caseworker closes with a next step; the plan has a new version, the reviewer's access ends.
        page.reload()
        expect(page.locator("#reviewer .judgement")).to_have_attribute("data-effect", "yes")
        versions_before = PlanVersion.objects.filter(plan__case=case).count()
        page.locator("input[name='close-next_step'][value='continue']").check()
        page.locator("#id_close-requested_by").select_option("parents")
        page.locator("#id_close-reason").fill("Foreldrene og Ola vil fortsette; skolen går bedre.")
        submit(page, "#save-close")
        evaluation.refresh_from_db()
        assert evaluation.status == EvaluationStatus.CLOSED and evaluation.next_step == "continue"
        expect(page.locator("#next-step")).to_have_attribute("data-next-step", "continue")
        assert_accessible(page)  # the closed evaluation
        page.locator("#plan-version-link").click()
        expect(page).to_have_url(
            re.compile(re.escape(reverse("cases:plan_version", args=[case.pk, versions_before + 1])))
        )
        expect(page.locator("main")).to_contain_text("Foreldrene og Ola vil fortsette")

        response = reviewer_page.goto(detail)
        assert response is not None and response.status == 404

    # 8. The measure's evaluations: the T-score over time, as a chart and a table.
    page.goto(reverse("evaluation:measure_evaluations", args=[case.pk, measure.pk]))
    expect(page.locator("#t-score-chart circle[data-t-score='57.2']")).to_have_count(1)
    expect(page.locator(f"#t-score-table td[data-evaluation='{evaluation.pk}']")).to_have_text("57,2")
    assert_accessible(page)  # the measure's evaluations
