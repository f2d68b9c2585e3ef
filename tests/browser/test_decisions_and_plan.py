"""A decision with reasons, two measures and the child's participation; the measure plan written, changed
(the first version still readable) and overdue; a network meeting started from the decided measure with its
goals; the plan printed for the family. In a real browser, with axe on every new page."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from sirkel.accounts.models import User
from sirkel.cases.decisions import add_months
from sirkel.cases.models import Decision, Measure, MeasureStatus, PlanVersion
from sirkel.meetings.models import Series

from .support import AxeCheck, SignIn, own_case

FIRST_GOAL = "Jonas har en god skoledag og mestrer samspill med andre."
CHANGED_GOAL = "Jonas har gode skoledager; hjem, skole og BUP samarbeider godt."
CONTACT_GOAL = "Jonas har en fritid med voksne han stoler på."


def submit(page: Page) -> None:
    with page.expect_navigation():
        page.locator("main form.form button.button--primary").first.click()


@pytest.mark.usefixtures("demo")
def test_decision_plan_versions_overdue_and_a_meeting_from_the_decided_measure(
    page: Page, sign_in: SignIn, assert_accessible: AxeCheck
) -> None:
    sara = User.objects.get(username="saksbehandler")
    case = own_case(sara, given="Jonas", family="Vedtaksen", years=10)
    sign_in(page, "saksbehandler")

    # 1. The decision: reasons in two groups and "other" in the third, two measures, the child's voice.
    page.goto(reverse("cases:detail", args=[case.pk]))
    page.locator(f"main a[href='{reverse('cases:decision_new', args=[case.pk])}']").click()
    expect(page.locator("#id_justification")).to_be_visible()
    page.locator("input[name=reasons_child][value=school]").check()
    page.locator("input[name=reasons_parents_care][value=guidance_limits]").check()
    page.locator("input[name=reasons_surroundings][value=other]").check()
    page.locator("#id_reasons_surroundings_other").fill("Familien har nylig flyttet")
    page.locator("#id_justification").fill(
        "Jonas strever på skolen, og foreldrene ønsker hjelp fra nettverket."
    )
    page.locator("#id_new_1_kind").select_option("support_contact")
    page.locator("#id_new_1_months").fill("6")
    page.locator("#id_new_2_kind").select_option("network_meeting")
    page.locator("#id_new_2_months").fill("12")
    page.locator("#id_child_told").fill("Hva et nettverksmøte er, og at han kan velge hvem som kommer.")
    page.locator("#id_child_said").fill("Vil ha med bestefar og treneren.")
    page.locator("input[name=child_agreed][value=yes]").check()
    page.locator("#id_child_weight").fill("Ønskene hans om deltakere er fulgt.")
    assert_accessible(page)  # the decision form
    submit(page)
    decision = Decision.objects.get(case=case)
    expect(page).to_have_url(re.compile(re.escape(reverse("cases:decision", args=[case.pk, decision.pk]))))
    expect(page.locator("main")).to_contain_text("Familien har nylig flyttet")
    assert_accessible(page)  # the decision as recorded
    contact = Measure.objects.get(case=case, kind="support_contact")
    meeting_measure = Measure.objects.get(case=case, kind="network_meeting")
    assert contact.status == MeasureStatus.ONGOING and meeting_measure.status == MeasureStatus.PLANNED
    assert decision.child_agreed == "yes" and decision.reasons.count() == 3

    # 2. The plan's goals, first version.
    page.goto(reverse("cases:plan", args=[case.pk]))
    assert_accessible(page)  # the plan before it is written
    page.locator(f"main a[href='{reverse('cases:plan_edit', args=[case.pk])}']").click()
    page.locator(f"#id_m{meeting_measure.pk}_new_goal_1").fill(FIRST_GOAL)
    page.locator(f"#id_m{contact.pk}_new_goal_1").fill(CONTACT_GOAL)
    page.locator(f"#id_m{contact.pk}_responsibilities").fill("Støttekontakten henter Jonas på tirsdager.")
    page.locator(f"#id_m{contact.pk}_note").fill("Far er usikker på tiltaket.")
    page.locator("#id_change_note").fill("Første plan")
    assert_accessible(page)  # the plan form
    submit(page)
    expect(page).to_have_url(re.compile(re.escape(reverse("cases:plan", args=[case.pk])) + "$"))
    expect(page.locator("main")).to_contain_text(FIRST_GOAL)

    # 3. A second version: the goal reworded, a sub-goal, and the last evaluation four months back.
    page.locator(f"main a[href='{reverse('cases:plan_edit', args=[case.pk])}']").click()
    goal_field = page.locator("textarea", has_text=FIRST_GOAL)
    goal_field.fill(CHANGED_GOAL)
    sub_field = page.locator("input[name$=_new_sub]").first
    sub_field.fill("Jonas møter på skolen hver dag.")
    evaluated = add_months(timezone.localdate(), -4)
    page.locator("#id_last_evaluated_on").fill(evaluated.isoformat())
    page.locator("#id_change_note").fill("Nytt mål etter samtale med skolen")
    submit(page)
    expect(page.locator("main")).to_contain_text(CHANGED_GOAL)
    expect(page.locator("main .notice--warning")).to_be_visible()  # the evaluation is overdue
    assert_accessible(page)  # the plan with its versions
    assert PlanVersion.objects.filter(plan__case=case).count() == 2
    page.locator(f"main a[href='{reverse('cases:plan_version', args=[case.pk, 1])}']").click()
    expect(page.locator("main")).to_contain_text(FIRST_GOAL)
    expect(page.locator("main")).not_to_contain_text(CHANGED_GOAL)
    assert_accessible(page)  # the first version, still readable

    # 4. The case page says the evaluation is overdue and tells the history.
    page.goto(reverse("cases:detail", args=[case.pk]))
    expect(page.locator("#evaluation-overdue")).to_be_visible()
    expect(page.locator("ol.history")).to_contain_text("Nettverksmøte")
    assert_accessible(page)  # the case page with decisions and plan

    # 5. The network meeting starts from the decided measure, and its purpose is the plan's goals.
    page.goto(reverse("meetings:start", args=[case.pk]))
    page.locator("#id_measure").select_option(str(meeting_measure.pk))
    page.locator("#id_caseworker").select_option(str(sara.pk))
    assert_accessible(page)  # the start form with the decided measure
    submit(page)
    series = Series.objects.get(measure=meeting_measure)
    page.goto(reverse("meetings:detail", args=[case.pk, series.measure_id]))
    expect(page.locator("main")).to_contain_text(CHANGED_GOAL)

    # 6. The plan for the family as PDF: goals, no internal notes.
    page.goto(reverse("cases:plan", args=[case.pk]))
    pdf_url = reverse("cases:plan_pdf", args=[case.pk])
    expect(page.locator(f"main a[href='{pdf_url}']")).to_be_visible()
    response = page.request.get(pdf_url)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(response.body())).pages)
    text = " ".join(text.split())
    assert "Jonas har gode skoledager" in text and "fritid med voksne han stoler på" in text
    assert "Far er usikker" not in text
