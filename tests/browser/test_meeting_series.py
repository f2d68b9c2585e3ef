"""A whole network-meeting series in the browser, with the demo data.

The caseworker starts a series on Nora Olsen's case (15: she consents too), screens it, records consent,
prepares the first meeting (a lopsided balance is flagged and fixed, the .ics downloads, the invitations
go out by e-mail), runs it (attendance, waiver, notes, the guide), closes it, agrees an action plan, sees an
overdue action flagged on the case page and in the overview, reviews it at a follow-up meeting before a
new action is added, and downloads the minutes. Withdrawing consent on another series stops it. Every
distinct page passes axe. The neighbour service's caseworker reaches none of these pages; the shared
leader from the neighbour service sees only the measure they lead.
"""

from __future__ import annotations

import io
import re
from datetime import datetime, time, timedelta
from typing import Any

import icalendar
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from sirkel.accounts.models import User
from sirkel.actions.models import Action, ActionReview, ActionStatus
from sirkel.cases.models import Case
from sirkel.meetings.invitations import meeting_title
from sirkel.meetings.models import (
    Attendance,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Participant,
    Series,
    SeriesStatus,
)
from sirkel.network.models import NetworkMember
from sirkel.testing.factories import decide

from .support import AxeCheck, SignIn

pytestmark = pytest.mark.browser

INTERNAL_NOTE = "INTERNT-MERKE: ikke for familien"
PRIVATE_FIRST = ["Elin Olsen", "Morten Olsen"]  # the parents
PUBLIC = ["Rune Strand", "Mona Vik", "Siri Holm", "Anders Lie", "Kari Moe"]
PRIVATE_MORE = ["Gunn Aasen", "Stine Olsen", "Ella Brekke"]


def case_of(given: str, family: str) -> Case:
    return Case.objects.get(child_given_name=given, child_family_name=family)


def series_of(given: str, family: str) -> Series:
    return Series.objects.get(measure__case__child_given_name=given, measure__case__child_family_name=family)


def members(case: Case, names: list[str]) -> dict[str, NetworkMember]:
    found = {m.name: m for m in NetworkMember.objects.filter(case=case, name__in=names)}
    assert set(found) == set(names)
    return found


def submit(page: Page, form: str = "main form.form") -> None:
    """Press the form's primary button and wait for the page it leads to."""
    with page.expect_navigation():
        page.locator(f"{form} button.button--primary").first.click()


def local_input(value: Any) -> str:
    """A datetime for a datetime-local input, in the server's (and the browser's) time zone."""
    return str(timezone.localtime(value).strftime("%Y-%m-%dT%H:%M"))


def start_series(page: Page, case: Case, leader: User, assert_accessible: AxeCheck) -> Series:
    decided = decide(case=case, kind="network_meeting")  # the decision itself: see test_decisions_and_plan
    page.goto(reverse("cases:detail", args=[case.pk]))
    page.locator(f"main a[href='{reverse('meetings:start', args=[case.pk])}']").click()
    expect(page.locator("#id_measure")).to_be_visible()
    page.locator("#id_measure").select_option(str(decided.pk))
    page.locator("#id_caseworker").select_option(str(case.caseworker_id))
    page.locator("#id_leader").select_option(str(leader.pk))
    page.locator("#id_purpose").fill("Nora skal trives på skolen og ha voksne hun kan snakke med.")
    assert_accessible(page)  # the start form
    submit(page)
    series = Series.objects.get(measure__case=case)
    expect(page).to_have_url(
        re.compile(re.escape(reverse("meetings:screening", args=[series.case_id, series.measure_id])))
    )
    return series


def screen(page: Page, series: Series, assert_accessible: AxeCheck) -> None:
    expect(page.locator("#guidance")).to_be_visible()
    assert_accessible(page)  # the screening
    page.locator("input[name=decision][value=proceed]").check()
    page.locator("#id_reasoning").fill("Foreldrene og Nora ønsker møtet. Ingenting taler imot.")
    submit(page)
    expect(page).to_have_url(
        re.compile(re.escape(reverse("meetings:detail", args=[series.case_id, series.measure_id])) + "$")
    )
    series.refresh_from_db()
    assert series.status == SeriesStatus.PREPARING


def record_consent(page: Page, series: Series, party: str, name: str, *, check: AxeCheck | None) -> None:
    page.goto(reverse("meetings:consent_add", args=[series.case_id, series.measure_id]))
    page.locator("#id_party").select_option(party)
    page.locator("#id_party_name").fill(name)
    for box in page.locator("input[name=informed_about]").all():
        box.check()
    page.locator("#id_informed_by").select_option(str(series.caseworker_id))
    given_as = "oral" if party == "youth" else "written"  # Nora says yes in the talk; her parents sign
    page.get_by_role("radio", name="Muntlig" if given_as == "oral" else "Skriftlig", exact=True).check()
    if check:
        expect(page.locator("#youth-consent")).to_be_visible()  # Nora is 15
        check(page)  # the consent form
    submit(page)
    expect(page).to_have_url(
        re.compile(re.escape(reverse("meetings:detail", args=[series.case_id, series.measure_id])) + "$")
    )
    assert series.consents.filter(party=party, party_name=name, given_as=given_as).exists()


def invite(page: Page, people: dict[str, NetworkMember], staff: list[User]) -> None:
    for member in people.values():
        page.locator(f"input[name=choose-members][value='{member.pk}']").check()
    for user in staff:
        page.locator(f"input[name=choose-users][value='{user.pk}']").check()
    with page.expect_navigation():
        page.locator("form:has(input[name=choose-members]) button.button--primary").click()


@pytest.mark.usefixtures("demo")
def test_a_whole_network_meeting_series(page: Page, sign_in: SignIn, assert_accessible: AxeCheck) -> None:
    today = timezone.localdate()
    case = case_of("Nora", "Olsen")
    sara = User.objects.get(username="saksbehandler")
    kari = User.objects.get(username="konsulent")
    sign_in(page, "saksbehandler")

    # 1. Start the series, with a trained leader who is not the caseworker; screening: go ahead.
    series = start_series(page, case, kari, assert_accessible)
    screen(page, series, assert_accessible)
    assert_accessible(page)  # the measure page

    # 2. Consent from both parents and from Nora, who is 15.
    record_consent(page, series, "mother", "Elin Olsen", check=assert_accessible)
    record_consent(page, series, "father", "Morten Olsen", check=None)
    record_consent(page, series, "youth", "Nora Olsen", check=None)
    expect(page.locator("#consent-heading ~ .notice--warning")).to_have_count(0)

    # 3. Plan the first meeting: tomorrow at five, at the family centre.
    starts_at = timezone.make_aware(datetime.combine(today + timedelta(days=1), time(17, 0)))
    page.goto(reverse("meetings:meeting_new", args=[series.case_id, series.measure_id]))
    page.locator("#id_starts_at").fill(local_input(starts_at))
    page.locator("#id_place").fill("Familiens hus, møterom Sirkelen")
    page.locator("#id_purpose").fill("Hva kan hver av oss gjøre for at Nora skal trives?")
    submit(page)
    meeting = Meeting.objects.get(series=series)
    prepare_url = reverse("meetings:prepare", args=[series.case_id, series.measure_id, meeting.pk])
    expect(page).to_have_url(re.compile(re.escape(prepare_url)))
    assert meeting.starts_at == starts_at and meeting.duration_minutes == 180

    # The purpose, agreed with the parents.
    page.locator("#id_purpose-purpose_agreed_with_parents").check()
    submit(page, "#section-purpose form")
    series.refresh_from_db()
    assert series.purpose_agreed_with_parents
    assert_accessible(page)  # the preparation page

    # 4. Invite from the register: the parents and five professionals. Mostly public: the warning shows.
    participants_url = reverse("meetings:participants", args=[series.case_id, series.measure_id, meeting.pk])
    page.goto(participants_url)
    invite(page, members(case, PRIVATE_FIRST + PUBLIC), [sara, kari])
    warning = page.locator("#balance .notice--warning")
    expect(warning).to_be_visible()
    expect(
        page.locator("#participant-" + str(Participant.objects.get(meeting=meeting, user=sara).pk))
    ).to_be_visible()
    assert_accessible(page)  # the participants page, with the warning
    # Fixed: the grandmother, the big sister and the best friend come too.
    invite(page, members(case, PRIVATE_MORE), [])
    expect(page.locator("#balance")).to_be_visible()
    # Nobody is marked as close to the problem yet: still not a good balance. Mark the mother.
    expect(warning).to_be_visible()
    mother_row = page.locator(
        "#participant-" + str(Participant.objects.get(meeting=meeting, name=PRIVATE_FIRST[0]).pk)
    )
    mother_row.locator("input[name$=close_to_problem]").check()
    with page.expect_navigation():
        mother_row.locator("button[type=submit]").first.click()
    expect(warning).to_have_count(0)
    assert Participant.objects.filter(meeting=meeting).count() == 12

    # 5. The child's participation plan and the network speech.
    page.goto(prepare_url)
    page.locator("#id_child-child_talked_with").check()
    page.locator("input[name='child-child_participation'][value=full]").check()
    page.locator("#id_child-child_support_person").fill("Gunn Aasen (mormor)")
    page.locator("#id_child-child_wants_said").fill("Jeg vil at skolen skal vite at jeg prøver.")
    submit(page, "#section-child form")
    page.locator("#id_speech-network_speech").fill(
        "Takk for at dere kom. Vi er her fordi vi er glade i Nora."
    )
    page.locator("#id_speech-network_speech_by").fill("Elin Olsen (mor)")
    submit(page, "#section-speech form")
    meeting.refresh_from_db()
    assert meeting.child_participation == "full" and meeting.network_speech_by == "Elin Olsen (mor)"

    # 6. The calendar file.
    with page.expect_download(timeout=30_000) as download_info:
        page.locator(
            f"a[href='{reverse('meetings:ics', args=[series.case_id, series.measure_id, meeting.pk])}']"
        ).first.click()
    calendar = icalendar.Calendar.from_ical(download_info.value.path().read_bytes())
    event = next(iter(calendar.walk("VEVENT")))
    assert event.decoded("dtstart") == starts_at
    with translation.override("nb"):  # the server's language; this thread's is whatever a test left
        assert str(event.get("summary")) == meeting_title(meeting)
    assert "Nora" not in str(event.get("summary"))  # no names in a calendar file

    # 7. Send the invitations by e-mail (to those with an address and agreement to be contacted).
    page.goto(reverse("meetings:send_invitations", args=[series.case_id, series.measure_id, meeting.pk]))
    assert_accessible(page)  # the invitations page
    with page.expect_navigation():
        page.locator("form.form button.button--primary").click()
    by_email = Participant.objects.filter(meeting=meeting, invitation_sent_at__isnull=False)
    assert {p.name for p in by_email} == {
        "Elin Olsen",
        "Morten Olsen",
        "Rune Strand",
        "Mona Vik",
        "Siri Holm",
    }
    assert len(mail.outbox) == 5
    assert all(m.attachments for m in mail.outbox)

    # 8. The meeting: attendance for everyone at once (saved by htmx).
    meeting_url = reverse("meetings:meeting", args=[series.case_id, series.measure_id, meeting.pk])
    page.goto(meeting_url)
    everyone = list(Participant.objects.filter(meeting=meeting))
    for p in everyone:
        value = Attendance.ABSENT if p.name == "Kari Moe" else Attendance.IN_PERSON
        page.locator(f"input[name=p{p.pk}][value={value}]").check()
    page.locator("#attendance form button[type=submit]").click()
    expect(page.locator("#attendance .message--success")).to_be_visible()
    assert Participant.objects.filter(meeting=meeting, attendance=Attendance.IN_PERSON).count() == 11
    assert_accessible(page)  # the meeting page

    # The waiver: the parents and Nora release four of the public participants.
    page.goto(reverse("meetings:waiver", args=[series.case_id, series.measure_id, meeting.pk]))
    released = [p for p in everyone if p.name in ("Rune Strand", "Mona Vik", "Siri Holm", "Anders Lie")]
    for p in released:
        page.locator(f"input[name=released][value='{p.pk}']").check()
    for party in ("mother", "father", "youth"):
        page.locator(f"input[name=signed_by][value={party}]").check()
    page.locator("#id_signed_at").fill(local_input(timezone.now() - timedelta(minutes=30)))
    assert_accessible(page)  # the waiver page
    submit(page)
    meeting.refresh_from_db()
    assert meeting.waiver_signed_at is not None
    assert set(Participant.objects.filter(meeting=meeting, waiver_released=True)) == set(released)

    # Notes, the reflecting team, decisions and an internal note.
    page.goto(meeting_url)
    page.locator("#id_reflecting_team_notes").fill("Teamet hørte at Nora har mange som vil henne vel.")
    page.locator("#id_decisions").fill("Mormor kjører Nora til trening. Skolen melder fra om fravær.")
    page.locator("#id_internal_notes").fill(INTERNAL_NOTE)
    submit(page, "#notes form")
    meeting.refresh_from_db()
    assert meeting.internal_notes == INTERNAL_NOTE and meeting.decisions.startswith("Mormor")

    # The leader's guide.
    page.goto(reverse("meetings:guide", args=[series.case_id, series.measure_id, meeting.pk]))
    expect(page.locator("main h1")).to_be_visible()
    assert_accessible(page)  # the guide

    # Mark it held (recorded ten days later): the network snapshot is taken. A meeting is never held before
    # its planned day, so the meeting is moved to the day it took place, ten days ago, as time has passed.
    held_on = today - timedelta(days=10)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.make_aware(datetime.combine(held_on, time(17, 0)))
    )
    page.goto(meeting_url)
    page.locator("#id_held_on").fill(held_on.isoformat())
    submit(page, "#close form")
    meeting.refresh_from_db()
    series.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD and meeting.held_on == held_on
    assert meeting.snapshot is not None and len(meeting.snapshot.data["members"]) == 10
    assert series.status == SeriesStatus.ACTIVE

    # 9. The action plan: two actions.
    gunn, rune = members(case, ["Gunn Aasen"])["Gunn Aasen"], members(case, ["Rune Strand"])["Rune Strand"]
    for what, owner, due, support in (
        ("Mormor kjører Nora til håndballtrening onsdager", gunn, today + timedelta(days=20), "practical"),
        ("Skolen melder fra til mor ved fravær samme dag", rune, today + timedelta(days=5), "informational"),
    ):
        page.goto(reverse("actions:action_new", args=[series.case_id, series.measure_id]))
        page.locator("#id_what").fill(what)
        page.locator("#id_owner").select_option(f"m:{owner.pk}")
        page.locator("#id_due_on").fill(due.isoformat())
        page.locator("#id_support_type").select_option(support)
        if owner == gunn:
            assert_accessible(page)  # the action form
        with page.expect_navigation():
            page.locator("main form button[type=submit]:not([name])").click()
    assert Action.objects.filter(series=series).count() == 2
    expect(page).to_have_url(
        re.compile(re.escape(reverse("actions:plan", args=[series.case_id, series.measure_id])))
    )
    assert_accessible(page)  # the action plan
    # The caseworker answers for the follow-up of the whole plan.
    page.locator("#id_owner").select_option(f"u:{sara.pk}")
    with page.expect_navigation():
        page.locator("#followup-heading ~ form button[type=submit]").click()
    series.refresh_from_db()
    assert series.followup_owner == sara

    # Make the school's action overdue, through the form: due two days ago.
    school = Action.objects.get(series=series, owner_member=rune)
    page.goto(reverse("actions:action_edit", args=[series.case_id, series.measure_id, school.pk]))
    page.locator("#id_due_on").fill((today - timedelta(days=2)).isoformat())
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    school.refresh_from_db()
    assert school.due_on == today - timedelta(days=2)
    expect(page.locator(f"#action-{school.pk} .flag--overdue")).to_be_visible()

    # Flagged on the case page and in the overview.
    page.goto(reverse("cases:detail", args=[case.pk]))
    expect(page.locator(".overdue-actions")).to_contain_text(school.what)
    assert_accessible(page)  # the case page, with the overdue action
    page.goto(reverse("actions:overview"))
    expect(page.locator("#overdue-table")).to_contain_text(school.what)
    assert_accessible(page)  # the overview

    # 10. The follow-up meeting: the open actions are reviewed before a new one is added.
    page.goto(reverse("meetings:meeting_new", args=[series.case_id, series.measure_id]))
    page.locator("#id_starts_at").fill(local_input(starts_at + timedelta(days=30)))
    page.locator("#id_place").fill("Familiens hus, møterom Sirkelen")
    submit(page)
    follow_up = Meeting.objects.get(series=series, sequence=2)
    assert follow_up.kind == MeetingKind.FOLLOW_UP and follow_up.participants.count() == 12
    page.goto(
        reverse("actions:action_new", args=[series.case_id, series.measure_id]) + f"?mote={follow_up.pk}"
    )
    expect(
        page.locator(
            f"a[href='{reverse('actions:review', args=[series.case_id, series.measure_id, follow_up.pk])}']"
        )
    ).to_be_visible()
    # A new action before the review is refused.
    page.locator("#id_meeting").select_option(str(follow_up.pk))
    page.locator("#id_what").fill("For tidlig: ny oppgave før gjennomgangen")
    page.locator("#id_owner").select_option(f"u:{sara.pk}")
    page.locator("#id_due_on").fill((today + timedelta(days=60)).isoformat())
    with page.expect_navigation():
        page.locator("main form button[type=submit]:not([name])").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert not Action.objects.filter(series=series, meeting=follow_up).exists()
    page.goto(reverse("actions:review", args=[series.case_id, series.measure_id, follow_up.pk]))
    expect(page.locator(f"#review-{school.pk} .flag--overdue")).to_be_visible()
    assert_accessible(page)  # the review
    page.locator(f"input[name=a{school.pk}-outcome][value=partly]").check()
    page.locator(f"#id_a{school.pk}-note").fill("Skolen har meldt fra én gang, men ikke hver gang.")
    page.locator(f"#id_a{school.pk}-keep_open").check()
    new_due = timezone.localdate(follow_up.starts_at) + timedelta(days=14) if follow_up.starts_at else today
    page.locator(f"#id_a{school.pk}-new_due_on").fill(new_due.isoformat())
    training = Action.objects.get(series=series, owner_member=gunn)
    page.locator(f"input[name=a{training.pk}-outcome][value=done]").check()
    with page.expect_navigation():
        page.locator("main form button.button--primary").click()
    assert ActionReview.objects.filter(meeting=follow_up).count() == 2
    school.refresh_from_db()
    training.refresh_from_db()
    assert school.status == ActionStatus.OPEN and school.due_on == new_due
    assert training.status == ActionStatus.DONE
    # Now a new action can be added at the follow-up meeting.
    page.goto(
        reverse("actions:action_new", args=[series.case_id, series.measure_id]) + f"?mote={follow_up.pk}"
    )
    page.locator("#id_meeting").select_option(str(follow_up.pk))
    page.locator("#id_what").fill("Helsesykepleier har samtale med Nora hver fjortende dag")
    page.locator("#id_owner").select_option(f"m:{members(case, ['Mona Vik'])['Mona Vik'].pk}")
    page.locator("#id_due_on").fill(new_due.isoformat())
    with page.expect_navigation():
        page.locator("main form button[type=submit]:not([name])").click()
    assert Action.objects.filter(series=series, meeting=follow_up).count() == 1

    # 11. The minutes of the first meeting: a page and a PDF naming the people and the actions.
    page.goto(reverse("meetings:minutes", args=[series.case_id, series.measure_id, meeting.pk]))
    expect(page.locator("body")).to_contain_text("Elin Olsen")
    expect(page.locator("body")).not_to_contain_text(INTERNAL_NOTE)
    assert_accessible(page)  # the minutes
    page.goto(meeting_url)
    with page.expect_download(timeout=30_000) as download_info:
        minutes_pdf = reverse("meetings:minutes_pdf", args=[series.case_id, series.measure_id, meeting.pk])
        page.locator(f"a[href='{minutes_pdf}']").first.click()
    pdf = PdfReader(io.BytesIO(download_info.value.path().read_bytes()))
    text = " ".join(" ".join((page_.extract_text() or "").split()) for page_ in pdf.pages)
    for name in ("Elin Olsen", "Morten Olsen", "Rune Strand", "Gunn Aasen"):
        assert name in text
    assert "Mormor kjører Nora til håndballtrening onsdager" in text
    assert "Skolen melder fra til mor ved fravær samme dag" in text
    assert "INTERNT-MERKE" not in text

    # 12. Consent withdrawn on another series (Amina Ahmed's, being prepared) stops it.
    other = series_of("Amina", "Ahmed")
    mother = other.consents.get(party="mother")
    page.goto(reverse("meetings:detail", args=[other.case_id, other.measure_id]))
    page.locator(
        f"a[href='{reverse('meetings:consent_withdraw', args=[other.case_id, other.measure_id, mother.pk])}']"
    ).click()
    page.locator("#id_reason").fill("Mor vil vente til etter sommeren.")
    assert_accessible(page)  # withdrawing consent
    submit(page)
    other.refresh_from_db()
    assert other.status == SeriesStatus.STOPPED
    expect(page.locator(f"#measure-{other.pk}-status")).to_be_visible()
    assert_accessible(page)  # a stopped measure
    page.goto(reverse("cases:detail", args=[other.case_id]))
    expect(page.locator(f"#measure-{other.pk}-status")).to_be_visible()
    # A write is refused: nothing more can be planned.
    page.goto(reverse("meetings:meeting_new", args=[other.case_id, other.measure_id]))
    expect(page.locator("main form button.button--primary")).to_have_count(0)
    response = page.request.post(
        reverse("meetings:meeting_new", args=[other.case_id, other.measure_id]),
        form={"csrfmiddlewaretoken": csrf_token(page), "mode": "in_person", "place": "Et sted"},
    )
    assert response.status in (200, 400)
    assert other.meetings.count() == 1


def csrf_token(page: Page) -> str:
    cookie = next(c for c in page.context.cookies() if c["name"] == "csrftoken")
    return str(cookie["value"])


def demo_urls() -> list[str]:
    """Every page of the demo's active series (Emma Hansen's), its case and its documents."""
    series = series_of("Emma", "Hansen")
    first, follow_up = Meeting.objects.filter(series=series).order_by("sequence")
    participant = first.participants.exclude(user__isnull=False).first()
    consent = series.consents.first()
    action = series.actions.first()
    assert participant is not None and consent is not None and action is not None
    s = [series.case_id, series.measure_id]
    m, f = [*s, first.pk], [*s, follow_up.pk]
    return [
        reverse("cases:detail", args=[series.case_id]),
        reverse("meetings:case_measures", args=[series.case_id]),
        reverse("meetings:start", args=[series.case_id]),
        reverse("meetings:detail", args=[series.case_id, series.measure_id]),
        reverse("meetings:screening", args=[series.case_id, series.measure_id]),
        reverse("meetings:consent_add", args=[series.case_id, series.measure_id]),
        reverse("meetings:consent_withdraw", args=[series.case_id, series.measure_id, consent.pk]),
        reverse("meetings:meeting_new", args=[series.case_id, series.measure_id]),
        reverse("meetings:prepare", args=f),
        reverse("meetings:participants", args=f),
        reverse("meetings:invitation_pdf", args=[*m, participant.pk]),
        reverse("meetings:invitations_pdf", args=f),
        reverse("meetings:ics", args=f),
        reverse("meetings:send_invitations", args=f),
        reverse("meetings:response", args=[*m, participant.pk]),
        reverse("meetings:meeting", args=m),
        reverse("meetings:waiver", args=m),
        reverse("meetings:waiver_pdf", args=m),
        reverse("meetings:guide", args=m),
        reverse("meetings:minutes", args=m),
        reverse("meetings:minutes_pdf", args=m),
        reverse("actions:plan", args=[series.case_id, series.measure_id]),
        reverse("actions:action_new", args=[series.case_id, series.measure_id]),
        reverse("actions:action_edit", args=[series.case_id, series.measure_id, action.pk]),
        reverse("actions:review", args=f),
    ]


@pytest.mark.usefixtures("demo")
def test_the_neighbour_service_reaches_none_of_the_pages(page: Page, sign_in: SignIn) -> None:
    urls = demo_urls()
    sign_in(page, "nabo")
    for url in urls:
        assert page.request.get(url).status == 404, url
        response = page.request.post(url, form={"csrfmiddlewaretoken": csrf_token(page)})
        assert response.status == 404, f"POST {url}"
    page.goto(reverse("actions:overview"))
    expect(page.locator("main")).not_to_contain_text("Emma")


@pytest.mark.usefixtures("demo")
def test_the_shared_leader_sees_only_the_measure_they_lead(
    page: Page, sign_in: SignIn, assert_accessible: AxeCheck
) -> None:
    led = Series.objects.get(leader__username="nabokonsulent")
    meeting = led.meetings.get()
    urls = demo_urls()
    sign_in(page, "nabokonsulent")
    page.goto(reverse("meetings:detail", args=[led.case_id, led.measure_id]))
    expect(page.locator("main h1")).to_contain_text(led.case.child_given_name)
    page.goto(reverse("meetings:meeting", args=[led.case_id, led.measure_id, meeting.pk]))
    expect(page.locator("main h1")).to_be_visible()
    for url in (
        reverse("cases:detail", args=[led.case_id]),
        reverse("network:page", args=[led.case_id]),
        *urls,
    ):
        assert page.request.get(url).status == 404, url
    for other in Series.objects.exclude(pk=led.pk):
        assert (
            page.request.get(reverse("meetings:detail", args=[other.case_id, other.measure_id])).status == 404
        )
