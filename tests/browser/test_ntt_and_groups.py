"""NTT and the collaboration measures in the browser.

An environmental therapist (a colleague who leads the NTT measure but does not work on the case) records
contacts against two goals of the measure plan between two steering group meetings, and sees them on the
second meeting's page under "Since the last meeting", per goal; the internal note stays out of it. A
responsibility group, not screened, gets its coordinator and a cadence on the series page, a meeting
with a participant, a decision and an action with an owner; the series page then says when the next
meeting is due, and the new meeting form proposes that day. Every new page passes axe.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from sirkel.accounts.models import User
from sirkel.actions.models import Action
from sirkel.cases.models import Case, Goal, MeasureKind
from sirkel.cases.plans import set_goals
from sirkel.meetings.models import (
    Meeting,
    MeetingKind,
    MeetingStatus,
    ScreeningDecision,
    Series,
    SeriesStatus,
    TherapistContact,
)
from sirkel.meetings.services import participants as participant_services
from sirkel.meetings.services import screening as screening_services
from sirkel.meetings.services import series as series_services
from sirkel.network import services as network_services
from sirkel.network.models import Side
from sirkel.testing.factories import decide

from .support import AxeCheck, Screenshot, SignIn, own_case

pytestmark = pytest.mark.browser

INTERNAL = "INTERNT: mor nevnte gjeld"
GOALS = ["Jonas legger seg til fast tid på hverdager.", "Jonas møter på skolen hver dag."]


def start(case: Case, kind: str, *, leader: User | None = None) -> Series:
    return series_services.start_series(
        acting_user=case.caseworker,
        case=case,
        kind=kind,
        measure=decide(case=case, kind=kind),
        caseworker=case.caseworker,
        leader=leader,
        purpose=GOALS[0],
    )


def at(day_offset: int, hour: int) -> datetime:
    return timezone.make_aware(
        datetime.combine(timezone.localdate() + timedelta(days=day_offset), time(hour, 0))
    )


def submit(page: Page, button: str) -> None:
    with page.expect_navigation():
        page.locator(button).first.click()


@pytest.mark.usefixtures("demo")
def test_an_environmental_therapist_records_contacts_the_next_steering_group_follows_up(
    page: Page, sign_in: SignIn, assert_accessible: AxeCheck, screenshot: Screenshot
) -> None:
    sara = User.objects.get(username="saksbehandler")
    therapist = User.objects.get(username="konsulent")  # leads the measure; does not work on the case
    case = own_case(sara, given="Jonas", family="Gruppesen", years=11, days_older=40)
    series = start(case, MeasureKind.NTT, leader=therapist)
    screening_services.save_screening(
        acting_user=sara,
        series=series,
        violence_unacknowledged=False,
        severe_conflict=False,
        parent_cognitive_difficulties=False,
        minority_background=False,
        small_network=False,
        decision=ScreeningDecision.PROCEED,
        reasoning="Familien ønsker det, og nettverket vil være med.",
    )
    set_goals(acting_user=sara, measure=series.measure, texts=GOALS)
    bedtime, school = (
        Goal.objects.get(measure=series.measure, text=t, retired_at__isnull=True) for t in GOALS
    )
    today = timezone.localdate()
    first = Meeting.objects.create(
        series=series,
        sequence=1,
        kind=MeetingKind.FIRST,
        status=MeetingStatus.HELD,
        starts_at=at(-21, 17),
        held_on=today - timedelta(days=21),
    )
    second = Meeting.objects.create(
        series=series, sequence=2, kind=MeetingKind.FOLLOW_UP, starts_at=at(2, 17), place="Familiens hus"
    )
    Series.objects.filter(pk=series.pk).update(status=SeriesStatus.ACTIVE)
    # One contact from before the first meeting: it was that meeting's to follow up, not the second's.
    TherapistContact.objects.create(
        series=series, goal=bedtime, on=today - timedelta(days=25), by=therapist, note="Før første møte"
    )
    sign_in(page, "konsulent")

    # The series page: the contacts panel per goal, with the way to the contacts page.
    page.goto(reverse("meetings:detail", args=[case.pk, series.measure_id]))
    expect(page.locator("#contacts-heading")).to_have_text("Kontakter mellom møtene")
    assert_accessible(page)  # the NTT series page with its contacts panel and next meeting
    contacts_url = reverse("meetings:contacts", args=[case.pk, series.measure_id])
    with page.expect_navigation():
        page.locator(f"main a[href='{contacts_url}']").click()
    expect(page.locator("main h1")).to_contain_text("Kontakter mellom møtene")
    assert_accessible(page)  # the contacts page with the form

    # Two contacts, one per goal, between the meetings; the first with an internal note.
    for goal, days, who, note in (
        (bedtime, 14, "Mor og Jonas", "Lagde kveldsrutine med bilder på kjøleskapet."),
        (school, 6, "Jonas og kontaktlærer", "Fulgte Jonas til skolen to morgener."),
    ):
        page.locator("#id_goal").select_option(str(goal.pk))
        page.locator("#id_on").fill((today - timedelta(days=days)).isoformat())
        page.locator("#id_with_whom").fill(who)
        page.locator("#id_minutes").fill("60")
        page.locator("#id_note").fill(note)
        if goal == bedtime:
            page.locator("#id_internal_notes").fill(INTERNAL)
        submit(page, "#add form button[type=submit]")
        expect(page).to_have_url(re.compile(re.escape(contacts_url) + "$"))
        expect(page.locator("main")).to_contain_text(note)
    assert list(
        TherapistContact.objects.filter(series=series, by=therapist)
        .order_by("on")
        .values_list("goal_id", flat=True)
    ) == [bedtime.pk, bedtime.pk, school.pk]
    assert_accessible(page)  # the contacts page with contacts under both goals
    screenshot(page, "ntt-contacts")

    # A day in the future is refused, and the form keeps what was written.
    page.locator("#id_goal").select_option(str(school.pk))
    page.locator("#id_on").fill((today + timedelta(days=3)).isoformat())
    page.locator("#id_note").fill("Skrevet for tidlig")
    submit(page, "#add form button[type=submit]")
    expect(page.locator("#id_on_error")).to_be_visible()
    expect(page.locator("#id_note")).to_have_value("Skrevet for tidlig")
    assert TherapistContact.objects.filter(series=series).count() == 3

    # The second steering group meeting: since the last meeting, per goal; no internal note.
    page.goto(reverse("meetings:meeting", args=[case.pk, series.measure_id, second.pk]))
    section = page.locator("#since-last")
    expect(section.locator("h2")).to_have_text("Siden forrige møte")
    expect(section.locator("h3")).to_have_count(2)
    expect(section.locator("h3").nth(0)).to_contain_text(bedtime.text)
    expect(section.locator("h3").nth(1)).to_contain_text(school.text)
    expect(section).to_contain_text("Lagde kveldsrutine med bilder på kjøleskapet.")
    expect(section).to_contain_text("Fulgte Jonas til skolen to morgener.")
    expect(section).not_to_contain_text("Før første møte")
    expect(page.locator("main")).not_to_contain_text(INTERNAL)
    assert_accessible(page)  # the steering group meeting page with "since the last meeting"
    screenshot(page, "ntt-steering-group-meeting")
    assert first.pk != second.pk


@pytest.mark.usefixtures("demo")
def test_a_responsibility_group_meeting_records_a_decision_and_an_action_with_an_owner(
    page: Page, sign_in: SignIn, assert_accessible: AxeCheck, screenshot: Screenshot
) -> None:
    sara = User.objects.get(username="saksbehandler")
    coordinator = User.objects.get(username="konsulent")
    case = own_case(sara, given="Ella", family="Gruppesen", years=11, days_older=40)
    teacher = network_services.add_member(
        acting_user=sara, case=case, name="Lise Lærer", side=Side.PUBLIC, relation="Kontaktlærer"
    )
    series = start(case, MeasureKind.RESPONSIBILITY_GROUP)
    assert series.status == SeriesStatus.PREPARING  # not screened
    detail = reverse("meetings:detail", args=[case.pk, series.measure_id])
    sign_in(page, "saksbehandler")

    # The series page: the plan's goals with the way to the plan; the coordinator and the cadence.
    page.goto(detail)
    expect(page.locator("#plan-goals-heading")).to_have_text("Mål i tiltaksplanen")
    expect(page.locator("#plan-goals-heading ~ ul")).to_contain_text(GOALS[0])
    expect(page.locator(f"main a[href='{reverse('cases:plan', args=[case.pk])}']").first).to_be_visible()
    page.locator("#id_leader").select_option(str(coordinator.pk))
    submit(page, f"form[action='{reverse('meetings:set_leader', args=[case.pk, series.measure_id])}'] button")
    page.locator("#id_meeting_every_weeks").fill("4")
    submit(page, "#cadence form button")
    series.refresh_from_db()
    assert series.leader == coordinator and series.meeting_every_weeks == 4
    expect(page.locator("#cadence")).to_contain_text("Dere møtes hver 4. uke.")
    assert_accessible(page)  # the responsibility group's series page

    # The meeting, planned for the day after tomorrow, with the teacher invited; the day comes.
    page.goto(reverse("meetings:meeting_new", args=[case.pk, series.measure_id]))
    page.locator("#id_starts_at").fill(at(2, 9).strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_place").fill("Skolen")
    submit(page, "main form.form button.button--primary")
    meeting = Meeting.objects.get(series=series)
    participant_services.add_participant(acting_user=sara, meeting=meeting, member=teacher, role="public")
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=at(0, 0).replace(minute=5))
    meeting_url = reverse("meetings:meeting", args=[case.pk, series.measure_id, meeting.pk])

    # The decision, the meeting marked held, and an action the teacher owns.
    page.goto(meeting_url)
    page.locator("#id_decisions").fill("Skolen lager en plan for friminuttene.")
    submit(page, "#notes form button[type=submit]")
    page.locator("#id_held_on").fill(timezone.localdate().isoformat())
    submit(page, "#close form button[type=submit]")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert meeting.decisions == "Skolen lager en plan for friminuttene."
    page.goto(reverse("actions:action_new", args=[case.pk, series.measure_id]) + f"?mote={meeting.pk}")
    page.locator("#id_what").fill("Lage plan for friminuttene")
    page.locator("#id_owner").select_option(f"m:{teacher.pk}")
    page.locator("#id_due_on").fill((timezone.localdate() + timedelta(days=14)).isoformat())
    submit(page, "main form button[type=submit]:not([name])")
    action = Action.objects.get(series=series)
    assert action.owner_member == teacher and action.meeting == meeting
    page.goto(meeting_url)
    expect(page.locator("#actions")).to_contain_text("Lage plan for friminuttene")
    expect(page.locator("#actions")).to_contain_text("Lise Lærer")
    assert_accessible(page)  # the responsibility group meeting page, held

    # The series page says when the next meeting is due; the new meeting form proposes that day.
    due = timezone.localdate() + timedelta(weeks=4)
    page.goto(detail)
    expect(page.locator("#next-meeting")).to_contain_text("Neste møte skal holdes innen")
    screenshot(page, "responsibility-group-series")
    page.goto(reverse("meetings:meeting_new", args=[case.pk, series.measure_id]))
    expect(page.locator("#id_starts_at")).to_have_value(f"{due.isoformat()}T00:05")
    assert_accessible(page)  # the new meeting form with the proposed day
