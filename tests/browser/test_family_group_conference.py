"""A family group conference in the browser, with the demo data.

The caseworker writes the request for a coordinator, the situation and the questions (agreed with the
family), sees the coordinator's deadline; at the conference, recording a teacher as present in private
family time is refused, the family alone is recorded; the family's plan is written as they wrote it, and
the service refuses it with a reason, which the family's changed plan answers; the changed plan is
approved and its items are on the action plan. The coordinator signs in and sees only the conference:
"My meetings" leads there, the case file is 404. axe on every new page.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from sirkel.accounts.models import Role, Service, User
from sirkel.actions.models import Action
from sirkel.cases.models import Case, MeasureKind
from sirkel.cases.services import create_case
from sirkel.meetings.models import FamilyPlan, Meeting, Participant, PlanDecision, Series
from sirkel.meetings.services import participants as participant_services
from sirkel.meetings.services import preparation
from sirkel.meetings.services import series as series_services
from sirkel.meetings.tests.preparation_support import go_ahead
from sirkel.network import services as network_services
from sirkel.network.models import Side
from sirkel.testing.factories import decide
from sirkel.testing.fixtures import PASSWORD, make_user

from .support import AxeCheck, SignIn

pytestmark = pytest.mark.browser

QUESTION = "Hvem kan passe på Ida når mor er på sykehus?"
REASON = "Ida kan ikke overnatte hos morfar før det er avklart hvem som er der om natten."


def submit(page: Page, form: str) -> None:
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").first.click()


def conference_case(sara: User, coordinator: User) -> tuple[Series, Meeting, dict[str, Participant]]:
    """A case with a family group conference past screening, coordinated by `coordinator`, and the
    conference planned for tomorrow with the mother, the grandfather and a teacher invited."""
    today = timezone.localdate()
    service = Service.objects.get(pk=sara.memberships.values_list("service_id", flat=True)[0])
    case = create_case(
        acting_user=sara,
        service=service,
        caseworker=sara,
        child_given_name="Ida",
        child_family_name="Familieråd",
        birth_date=today.replace(year=today.year - 9),
        first_contact_date=today - timedelta(days=120),
        phase="support",
    )
    measure = decide(case=case, kind=MeasureKind.FAMILY_GROUP_CONFERENCE, by=sara)
    series = series_services.start_series(
        acting_user=sara,
        case=case,
        kind=MeasureKind.FAMILY_GROUP_CONFERENCE,
        measure=measure,
        caseworker=sara,
        leader=coordinator,
        purpose="Ida har trygge voksne rundt seg når mor er syk.",
    )
    go_ahead(series, by=sara)
    tomorrow = today + timedelta(days=1)
    meeting = preparation.create_meeting(
        acting_user=sara,
        series=series,
        starts_at=timezone.make_aware(datetime.combine(tomorrow, time(10, 0))),
        place="Frivilligsentralen, Storgata 5",
    )
    people = {
        "mother": ("Mia Mor", "Mor", Side.PRIVATE),
        "grandfather": ("Odd Morfar", "Morfar", Side.PRIVATE),
        "teacher": ("Lise Lærer", "Kontaktlærer", Side.PUBLIC),
    }
    invited = {}
    for key, (name, relation, side) in people.items():
        member = network_services.add_member(
            acting_user=sara, case=case, name=name, relation=relation, side=side
        )
        invited[key] = participant_services.add_participant(acting_user=sara, meeting=meeting, member=member)
    return series, meeting, invited


def write_plan_with_item(page: Page, text: str, what: str, owner: str, due: str) -> None:
    page.locator("#id_text").fill(text)
    submit(page, "#write-plan form")
    expect(page.locator(".message--success, .messages").first).to_be_visible()
    page.locator("#id_what").fill(what)
    page.locator("#id_owner").select_option(label=owner)
    page.locator("#id_due_on").fill(due)
    submit(page, "#items form")


@pytest.mark.usefixtures("demo")
def test_a_family_group_conference_from_the_questions_to_an_approved_plan(
    page: Page, sign_in: SignIn, assert_accessible: AxeCheck
) -> None:
    sara = User.objects.get(username="saksbehandler")
    service_id = sara.memberships.values_list("service_id", flat=True)[0]
    coordinator = make_user("koordinator2", Service.objects.get(pk=service_id), Role.COORDINATOR)
    series, meeting, invited = conference_case(sara, coordinator)
    args = [series.case_id, series.measure_id]
    today = timezone.localdate()
    sign_in(page, "saksbehandler")

    # 1. The caseworker's part: the request for a coordinator, the situation and the questions.
    page.goto(reverse("meetings:detail", args=args))
    page.locator(f"main a[href='{reverse('meetings:conference', args=args)}']").click()
    expect(page.locator("#id_situation")).to_be_visible()
    assert_accessible(page)  # the conference page, with the forms
    page.locator("#id_coordinator_requested_on").fill((today - timedelta(days=50)).isoformat())
    page.locator("#id_coordinator_assigned_on").fill((today - timedelta(days=45)).isoformat())
    page.locator("#id_situation").fill("Mor er mye på sykehus, og Ida er ofte alene etter skolen.")
    page.locator("#id_questions").fill(f"{QUESTION}\nHvem kan følge Ida til skolen?")
    page.locator("#id_questions_agreed_on").fill((today - timedelta(days=44)).isoformat())
    submit(page, "#request form")
    expect(page.locator("#conference-questions li")).to_have_count(2)
    expect(page.locator("#conference-questions")).to_contain_text(QUESTION)
    expect(page.locator("#coordinator-deadline")).to_contain_text(re.compile("I tide|On time"))
    # The planning: six weeks and 30 hours are within the usual; no notice.
    page.locator("#id_planning_started_on").fill((today - timedelta(days=42)).isoformat())
    page.locator("#id_coordinator_hours").fill("30")
    submit(page, "#planning form")
    expect(page.locator("#planning-weeks")).to_have_text("6")
    expect(page.locator("#planning-notice")).to_have_count(0)

    # 2. The conference: a teacher in private family time is refused; the family alone is recorded.
    page.goto(reverse("meetings:conference_meeting", args=[*args, meeting.pk]))
    assert_accessible(page)  # attendance per part and the family's plan
    mother, grandfather, teacher = invited["mother"], invited["grandfather"], invited["teacher"]
    for p in (mother, grandfather, teacher):
        page.locator(f"#id_p{p.pk}_1").check()
        page.locator(f"#id_p{p.pk}_3").check()
    page.locator(f"#id_p{mother.pk}_2").check()
    page.locator(f"#id_p{grandfather.pk}_2").check()
    page.locator(f"#id_p{teacher.pk}_2").check()
    submit(page, "#parts form")
    expect(page.locator("#parts-error")).to_contain_text("Lise Lærer")
    assert_accessible(page)  # the refusal
    assert not Participant.objects.filter(meeting=meeting, part_family_time=True).exists()
    page.locator(f"#id_p{teacher.pk}_2").uncheck()
    submit(page, "#parts form")
    expect(page.locator("#parts-error")).to_have_count(0)
    present = Participant.objects.filter(meeting=meeting, part_family_time=True)
    assert set(present.values_list("name", flat=True)) == {"Mia Mor", "Odd Morfar"}

    # 3. The family's plan as written; the service refuses it, with a reason.
    due = (today + timedelta(days=21)).isoformat()
    write_plan_with_item(
        page, "Vi i familien har bestemt at Ida sover hos morfar.", "Ida sover hos morfar", "Odd Morfar", due
    )
    page.locator("input[name=decision][value=refused]").check()
    submit(page, "#decide form")
    expect(page.locator(".error-summary")).to_be_visible()  # a refusal needs a reason
    page.locator("input[name=decision][value=refused]").check()
    page.locator("#id_reason").fill(REASON)
    submit(page, "#decide form")
    expect(page.locator("#plan-1 .family-reason")).to_contain_text(REASON)
    assert not Action.objects.filter(series=series).exists()

    # 4. The family's changed plan, approved: its items are actions on the action plan.
    write_plan_with_item(
        page,
        "Vi har endret planen: mor og morfar bytter på å være hos Ida hjemme.",
        "Morfar er hjemme hos Ida når mor er på sykehus",
        "Odd Morfar",
        due,
    )
    page.locator("input[name=decision][value=approved]").check()
    submit(page, "#decide form")
    expect(page.locator("#plan-2 h3")).to_contain_text(re.compile("Godkjent|Approved"))
    expect(page.locator("#plan-1 .family-reason")).to_contain_text(REASON)  # the refused one stays readable
    plans = list(FamilyPlan.objects.filter(meeting=meeting).order_by("number"))
    assert [p.decision for p in plans] == [PlanDecision.REFUSED, PlanDecision.APPROVED]
    action = Action.objects.get(series=series)
    assert action.owner_member_id == grandfather.member_id
    page.goto(reverse("actions:plan", args=args))
    expect(page.locator("main")).to_contain_text("Morfar er hjemme hos Ida når mor er på sykehus")
    # The reason is shown to the family: on the conference page and in the minutes.
    page.goto(reverse("meetings:conference", args=args))
    expect(page.locator("#decisions-heading + ul")).to_contain_text(REASON)
    page.goto(reverse("meetings:minutes", args=[*args, meeting.pk]))
    expect(page.locator("main, body").first).to_contain_text(REASON)
    assert_accessible(page)  # the minutes with the family's plan

    # 5. The coordinator signs in: "My meetings" leads to the conference, and nothing else of the case.
    page.context.clear_cookies()
    sign_in(page, "koordinator2", PASSWORD)
    page.locator(f"nav a[href='{reverse('meetings:my_meetings')}']").click()
    page.locator(f"main a[href='{reverse('meetings:detail', args=args)}']").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("meetings:conference", args=args)) + "$"))
    expect(page.locator("#conference-questions")).to_contain_text(QUESTION)
    expect(page.locator("main")).to_contain_text("Frivilligsentralen, Storgata 5")
    expect(page.locator("main")).to_contain_text("Lise Lærer")  # the invitation list
    expect(page.locator("#id_situation")).to_have_count(0)  # the service's part is not theirs to change
    assert_accessible(page)  # the conference as the coordinator sees it
    page.goto(reverse("meetings:conference_meeting", args=[*args, meeting.pk]))
    expect(page.locator("#decide form")).to_have_count(0)  # the service decides, never the coordinator
    assert_accessible(page)
    for url in (
        reverse("cases:detail", args=[series.case_id]),
        reverse("network:page", args=[series.case_id]),
        reverse("meetings:screening", args=args),
        reverse("actions:plan", args=args),
        reverse("cases:plan", args=[series.case_id]),
    ):
        response = page.goto(url)
        assert response is not None and response.status == 404, url
    page.goto(reverse("cases:list"))
    # The case list shows no case (the role label "familierådskoordinator" may be named there).
    expect(page.locator("main")).not_to_contain_text("Ida ")
    assert Case.objects.filter(pk=series.case_id).exists()
