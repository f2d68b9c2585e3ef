"""A natural mentor in the browser, from the youth's nomination to phase 4; and a resource person's
engagement, which must answer what happens after the paid measure before the measure can end.

The caseworker opens a natural mentor measure on a 15-year-old's case: the youth first nominates her aunt
from the network register, who says no; then her football coach, added to the register on the spot, who
says yes and becomes the mentor. Phases 1 to 3 are completed in order (phase 3's shared plan is an action
the mentor carries, agreed outside a meeting), and phase 4 says professional follow-up is no longer
needed. The series page's stepper shows where the measure stands at each step; the printable summary
for the family leaves out the internal notes. Every page passes axe.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from sirkel.accounts.models import User
from sirkel.actions.models import Action
from sirkel.cases.models import Case, MeasureKind
from sirkel.meetings.models import (
    Engagement,
    FollowUpNeeded,
    MentorAnswer,
    MentorNomination,
    MentorPhase,
    Series,
    SeriesStatus,
)
from sirkel.meetings.services import series as series_services
from sirkel.network import services as network_services
from sirkel.network.models import NetworkMember
from sirkel.testing.factories import decide

from .support import AxeCheck, SignIn, own_case

pytestmark = pytest.mark.browser

INTERNAL = "INTERNT: bekymret for fars reaksjon"


def start(case: Case, kind: str) -> Series:
    return series_services.start_series(
        acting_user=case.caseworker,
        case=case,
        kind=kind,
        measure=decide(case=case, kind=kind),
        caseworker=case.caseworker,
        purpose="Ida har en voksen hun stoler på utenfor familien.",
    )


def submit(page: Page, button: str = "main form.form button.button--primary") -> None:
    with page.expect_navigation():
        page.locator(button).first.click()


def phase_url(series: Series, number: int) -> str:
    return reverse("meetings:mentor_phase", args=[series.case_id, series.measure_id, number])


def expect_current_step(page: Page, series: Series, number: int | None) -> None:
    """The stepper's current phase (aria-current="step") is `number`; None: all four are completed."""
    current = page.locator("ol.stepper > li[aria-current='step']")
    if number is None:
        expect(current).to_have_count(0)
        expect(page.locator("ol.stepper > li.stepper__step--done")).to_have_count(4)
        return
    expect(current).to_have_count(1)
    expect(current.locator("a")).to_have_attribute("href", phase_url(series, number))
    expect(page.locator("ol.stepper > li.stepper__step--done")).to_have_count(number - 1)


def answer(page: Page, value: str, note: str, assert_accessible: AxeCheck) -> None:
    page.locator("#id_asked_on").fill(timezone.localdate().isoformat())
    page.locator(f"input[name=answer][value={value}]").check()
    page.locator("#id_answer_note").fill(note)
    assert_accessible(page)  # the answer form
    submit(page)


def complete_phase(page: Page, series: Series, number: int, notes: str) -> None:
    page.locator("#id_held_on").fill(timezone.localdate().isoformat())
    page.locator("#id_taking_part").fill("Ida, mor, far, Petter og saksbehandler")
    page.locator("#id_notes").fill(notes)
    page.locator("#id_internal_notes").fill(INTERNAL)
    submit(page, "main form.form button[name=complete]")


@pytest.mark.usefixtures("demo")
def test_a_natural_mentor_from_the_youths_nomination_to_phase_four(
    page: Page, sign_in: SignIn, assert_accessible: AxeCheck
) -> None:
    sara = User.objects.get(username="saksbehandler")
    case = own_case(sara, given="Ida", family="Mentorsen", years=15, days_older=30, known_days=300)
    aunt = network_services.add_member(acting_user=sara, case=case, name="Tove Tante", relation="Tante")
    network_services.add_member(acting_user=sara, case=case, name="Mona Mor", relation="Mor")
    series = start(case, MeasureKind.NATURAL_MENTOR)
    detail = reverse("meetings:detail", args=[case.pk, series.measure_id])
    sign_in(page, "saksbehandler")

    # The series page: no meeting machinery, the stepper at phase 1, consent still asked for.
    page.goto(detail)
    expect(page.locator("#mentor-heading")).to_be_visible()
    expect(page.locator("#meetings-heading")).to_have_count(0)
    expect(page.locator("#id_leader")).to_have_count(0)
    expect(page.locator("#consent-heading")).to_be_visible()
    expect(page.locator("#youth-consent")).to_be_visible()  # she is 15
    expect_current_step(page, series, 1)
    assert_accessible(page)  # the series page of a natural mentor

    # Phase 1: the youth nominates her aunt from the register, who says no.
    page.locator(f"ol.stepper a[href='{phase_url(series, 1)}']").click()
    expect(page).to_have_url(re.compile(re.escape(phase_url(series, 1)) + "$"))
    assert_accessible(page)  # phase 1, nobody nominated
    page.locator(
        f"main a[href='{reverse('meetings:mentor_nominate', args=[case.pk, series.measure_id])}']"
    ).click()
    page.locator("#id_member").select_option(str(aunt.pk))
    page.locator("#id_why").fill("Tante Tove hører på meg.")
    assert_accessible(page)  # the nomination form
    submit(page)
    first = MentorNomination.objects.get(series=series, member=aunt)
    expect(page).to_have_url(
        re.compile(re.escape(reverse("meetings:mentor_answer", args=[case.pk, series.measure_id, first.pk])))
    )
    answer(page, "no", "Flytter til Bergen i sommer.", assert_accessible)
    expect(page).to_have_url(re.compile(re.escape(phase_url(series, 1)) + "$"))
    expect(page.locator("main table")).to_contain_text("Tove Tante")
    expect(page.locator("#mentor-chosen")).to_have_count(0)
    assert_accessible(page)  # phase 1 after a no

    # After the no: her football coach, added to the register on the spot, says yes.
    page.locator(
        f"main a[href='{reverse('meetings:mentor_nominate', args=[case.pk, series.measure_id])}']"
    ).click()
    expect(page.locator(f"#id_member option[value='{aunt.pk}']")).to_have_count(0)  # nominated already
    page.locator("#id_new_name").fill("Petter Trener")
    page.locator("#id_new_relation").fill("Fotballtrener")
    page.locator("#id_why").fill("Han ser meg på trening.")
    submit(page)
    coach = NetworkMember.objects.get(case=case, name="Petter Trener")
    answer(page, "yes", "Gleder seg.", assert_accessible)
    expect(page.locator("#mentor-chosen")).to_contain_text("Petter Trener")
    series.refresh_from_db()
    assert series.person == coach
    assert list(MentorNomination.objects.filter(series=series).values_list("answer", flat=True)) == [
        MentorAnswer.NO,
        MentorAnswer.YES,
    ]

    complete_phase(page, series, 1, "Ida valgte Petter etter at Tove sa nei.")
    expect(page).to_have_url(re.compile(re.escape(phase_url(series, 2)) + "$"))
    expect_current_step(page, series, 2)
    assert_accessible(page)  # phase 2, before it is written

    # Phase 2: a shared understanding.
    complete_phase(page, series, 2, "Alle er enige: Ida trenger en voksen å snakke med utenom hjemmet.")
    expect(page).to_have_url(re.compile(re.escape(phase_url(series, 3)) + "$"))
    expect_current_step(page, series, 3)

    # Phase 3: the shared plan is an action the mentor carries, agreed outside a meeting.
    assert_accessible(page)  # phase 3 with the empty plan
    page.locator(f"main a[href='{reverse('actions:action_new', args=[case.pk, series.measure_id])}']").click()
    expect(page.locator("#id_meeting")).to_have_count(0)
    page.locator("#id_what").fill("Petter og Ida tar en kaffe etter trening hver torsdag.")
    page.locator("#id_owner").select_option(f"m:{coach.pk}")
    page.locator("#id_due_on").fill((timezone.localdate() + timedelta(days=14)).isoformat())
    assert_accessible(page)  # the action form without a meeting
    submit(page)
    action = Action.objects.get(series=series)
    assert action.owner_member == coach and action.meeting is None
    page.goto(phase_url(series, 3))
    expect(page.locator("#plan-heading + p + .table-wrap")).to_contain_text("Petter Trener")
    complete_phase(page, series, 3, "Petter stiller opp torsdager; mor og far holder kontakten med ham.")
    expect(page).to_have_url(re.compile(re.escape(phase_url(series, 4)) + "$"))
    expect_current_step(page, series, 4)

    # Phase 4: it cannot be completed without the answer on professional follow-up.
    complete_phase(page, series, 4, "Samarbeidet har tålt at Ida byttet skole.")
    expect(page.locator(".error-summary")).to_be_visible()
    assert not MentorPhase.objects.filter(series=series, number=4, completed_at__isnull=False).exists()
    assert_accessible(page)  # phase 4 refused
    page.locator(f"input[name=followup_needed][value={FollowUpNeeded.NO}]").check()
    submit(page, "main form.form button[name=complete]")

    # Back on the series page: all four phases completed, and follow-up is no longer needed.
    expect(page).to_have_url(re.compile(re.escape(detail) + "$"))
    expect_current_step(page, series, None)
    expect(page.locator("#mentor-heading + dl")).to_contain_text("Petter Trener")
    assert_accessible(page)  # the series page with every phase completed
    phases = MentorPhase.objects.filter(series=series).order_by("number")
    assert [p.completed_at is not None for p in phases] == [True, True, True, True]
    assert phases.get(number=4).followup_needed == FollowUpNeeded.NO
    series.refresh_from_db()
    assert series.status == SeriesStatus.ACTIVE

    # The summary for the family: the phases and their notes, never the internal notes.
    page.locator(
        f"main a[href='{reverse('meetings:mentor_summary', args=[case.pk, series.measure_id])}']"
    ).click()
    expect(page.locator("main")).to_contain_text("Samarbeidet har tålt at Ida byttet skole.")
    expect(page.locator("body")).not_to_contain_text(INTERNAL)
    assert_accessible(page)  # the printable summary


@pytest.mark.usefixtures("demo")
def test_a_resource_person_cannot_end_without_the_answer_to_what_happens_afterwards(
    page: Page, sign_in: SignIn, assert_accessible: AxeCheck
) -> None:
    sara = User.objects.get(username="saksbehandler")
    case = own_case(sara, given="Leo", family="Mentorsen", years=15, days_older=30, known_days=300)
    series = start(case, MeasureKind.RESOURCE_PERSON)
    args = [case.pk, series.measure_id]
    sign_in(page, "saksbehandler")

    # The engagement: someone new, added to the register, giving respite and guidance 8 hours a month.
    page.goto(reverse("meetings:engagement", args=args))
    page.locator("#id_new_name").fill("Kari Ressurs")
    page.locator("#id_new_relation").fill("Nabo")
    page.locator("input[name=role][value=both]").check()
    page.locator("#id_hours").fill("8")
    page.locator("#id_hours_per").select_option("month")
    page.locator("#id_activities").fill("Avlastning en helg i måneden; veileder mor ved leggetid.")
    assert_accessible(page)  # the engagement form
    submit(page)
    expect(page).to_have_url(re.compile(re.escape(reverse("meetings:detail", args=args)) + "$"))
    expect(page.locator("#engagement-heading + dl")).to_contain_text("Kari Ressurs")
    expect(page.locator("#after-end-missing")).to_be_visible()
    expect(page.locator("#meetings-heading")).to_have_count(0)
    assert_accessible(page)  # the series page of a resource person

    # Ending is refused, with the way to the engagement page.
    page.goto(reverse("meetings:end", args=args))
    expect(page.locator("#end-needs")).to_be_visible()
    page.locator("#id_reason").fill("Familien klarer seg selv nå.")
    submit(page)
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page)  # the end page refused
    series.refresh_from_db()
    assert series.is_open

    page.locator(f"#end-needs a[href='{reverse('meetings:engagement', args=args)}']").click()
    page.locator("#id_after_end").fill(
        "Kari blir en venn av familien og har Leo en helg i måneden, uten betaling."
    )
    submit(page)
    assert Engagement.objects.get(series=series).after_end_recorded_by == sara
    page.goto(reverse("meetings:end", args=args))
    expect(page.locator("#end-needs")).to_have_count(0)
    page.locator("#id_reason").fill("Familien klarer seg selv nå.")
    submit(page)
    series.refresh_from_db()
    assert series.status == SeriesStatus.COMPLETED
