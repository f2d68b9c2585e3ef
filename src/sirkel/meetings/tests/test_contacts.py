"""NTT's contacts between steering group meetings: recorded against the measure's goals by the
environmental therapist (or the caseworker), audited, refused for other goals, future days and other
kinds, and followed up by the next meeting per goal."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from sirkel.accounts.models import Role, User
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.cases.models import Case, Goal
from sirkel.cases.plans import set_goals
from sirkel.meetings.models import Series, TherapistContact
from sirkel.meetings.services import contacts
from sirkel.meetings.tests.ntt_support import (
    contact,
    days_ago,
    goals_of,
    held,
    ntt_series,
    therapist_of,
)
from sirkel.meetings.tests.preparation_support import go_ahead
from sirkel.meetings.tests.series_support import assert_404_for, start
from sirkel.testing.fixtures import client_for, make_user

INTERNAL = "Intern: mor nevnte økonomiske bekymringer."


@pytest.fixture
def therapist(case: Case) -> User:
    return therapist_of(case)


@pytest.fixture
def series(case: Case, therapist: User) -> Series:
    return ntt_series(case, therapist=therapist)


class TestRecording:
    @pytest.fixture(autouse=True)
    def _english(self) -> Iterator[None]:
        with translation.override("en"):
            yield

    @pytest.mark.django_db
    def test_the_therapist_records_a_contact_against_a_goal_and_it_is_audited(
        self, series: Series, therapist: User
    ) -> None:
        goal = goals_of(series)[0]
        saved = contact(series, goal, by=therapist, days=2, note="Leggetid med bok.", internal=INTERNAL)

        row = TherapistContact.objects.get(pk=saved.pk)
        assert (row.goal_id, row.by_id, row.on, row.minutes) == (goal.pk, therapist.pk, days_ago(2), 60)
        assert row.internal_notes == INTERNAL
        event = AuditEvent.objects.get(object_type="therapist_contact", object_id=str(row.pk))
        assert event.action == AuditAction.CREATE and event.actor_id == therapist.pk
        assert event.detail["goal"] == goal.pk and event.detail["series"] == series.pk
        assert INTERNAL not in str(event.detail)  # what was said stays out of the audit

    @pytest.mark.django_db
    def test_the_caseworker_may_record_one_too(self, series: Series) -> None:
        saved = contact(series, goals_of(series)[1], by=series.caseworker, days=0)
        assert saved.by_id == series.caseworker_id

    @pytest.mark.django_db
    def test_someone_who_neither_leads_nor_works_on_the_case_is_refused(self, series: Series) -> None:
        colleague = make_user("kollega", series.case.service, Role.CASEWORKER)
        with pytest.raises(PermissionDenied):
            contact(series, goals_of(series)[0], by=colleague, days=1)
        assert not TherapistContact.objects.exists()

    @pytest.mark.django_db
    def test_a_goal_of_another_case_is_refused(
        self, series: Series, therapist: User, make_case: object, caseworker: User
    ) -> None:
        other_case = make_case(owner=caseworker, service=series.case.service)  # type: ignore[operator]
        other = ntt_series(other_case)
        with pytest.raises(ValidationError) as exc:
            contact(series, goals_of(other)[0], by=therapist, days=1)
        assert "goal" in exc.value.message_dict
        assert not TherapistContact.objects.filter(series=series).exists()

    @pytest.mark.django_db
    def test_a_retired_goal_is_refused(self, series: Series, therapist: User) -> None:
        first, second = goals_of(series)
        set_goals(acting_user=series.caseworker, measure=series.measure, texts=[second.text])
        assert Goal.objects.get(pk=first.pk).retired_at is not None
        with pytest.raises(ValidationError) as exc:
            contact(series, first, by=therapist, days=1)
        assert "goal" in exc.value.message_dict

    @pytest.mark.django_db
    def test_a_day_in_the_future_is_refused(self, series: Series, therapist: User) -> None:
        with pytest.raises(ValidationError) as exc:
            contacts.record_contact(
                acting_user=therapist,
                series=series,
                goal=goals_of(series)[0],
                on=timezone.localdate() + timedelta(days=1),
                with_whom="Mor",
                minutes=None,
                note="",
            )
        assert "on" in exc.value.message_dict

    @pytest.mark.django_db
    def test_a_kind_without_contacts_between_meetings_is_refused(self, case: Case) -> None:
        network_meeting = go_ahead(start(case))
        goal = Goal.objects.filter(measure=network_meeting.measure).first()
        with pytest.raises(ValidationError, match="not recorded for this measure"):
            contacts.record_contact(
                acting_user=case.caseworker,
                series=network_meeting,
                goal=goal,
                on=timezone.localdate(),
                with_whom="",
                minutes=None,
                note="",
            )

    @pytest.mark.django_db
    def test_a_measure_still_in_screening_takes_no_contacts(self, case: Case, therapist: User) -> None:
        from sirkel.cases.models import MeasureKind

        screening = start(case, kind=MeasureKind.NTT, leader=therapist)
        goal = Goal.objects.filter(measure=screening.measure).first()
        with pytest.raises(ValidationError, match="screening"):
            contact(screening, goal, by=therapist, days=0)  # type: ignore[arg-type]

    @pytest.mark.django_db
    def test_its_author_may_remove_a_contact_and_another_leader_side_user_may_not(
        self, series: Series, therapist: User
    ) -> None:
        mine = contact(series, goals_of(series)[0], by=series.caseworker, days=1)
        with pytest.raises(PermissionDenied):  # the therapist runs the meetings, but did not write it
            contacts.delete_contact(acting_user=therapist, contact=mine)
        theirs = contact(series, goals_of(series)[0], by=therapist, days=1)
        theirs_pk = theirs.pk
        contacts.delete_contact(acting_user=therapist, contact=theirs)
        assert list(TherapistContact.objects.values_list("pk", flat=True)) == [mine.pk]
        event = AuditEvent.objects.get(object_type="therapist_contact", action=AuditAction.DELETE)
        assert event.object_id == str(theirs_pk)


class TestReadings:
    @pytest.mark.django_db
    def test_contacts_per_goal_list_every_goal_with_its_count_and_last_day(
        self, series: Series, therapist: User
    ) -> None:
        bedtime, mornings = goals_of(series)
        contact(series, bedtime, by=therapist, days=9)
        contact(series, bedtime, by=therapist, days=3)
        groups = contacts.contacts_by_goal(series=series)
        assert [(g.goal, g.count, g.last_on) for g in groups] == [
            (bedtime, 2, days_ago(3)),
            (mornings, 0, None),
        ]

    @pytest.mark.django_db
    def test_since_the_last_meeting_are_the_contacts_after_the_meeting_before(
        self, series: Series, therapist: User
    ) -> None:
        bedtime, mornings = goals_of(series)
        first = held(series, days=30, sequence=1)
        before = contact(series, bedtime, by=therapist, days=40)
        between = [
            contact(series, bedtime, by=therapist, days=20),
            contact(series, mornings, by=therapist, days=15),
            contact(series, mornings, by=therapist, days=10),
        ]
        second = held(series, days=7, sequence=2)
        after = contact(series, bedtime, by=therapist, days=2)

        at_second = contacts.contacts_since_last_meeting(series=series, meeting=second)
        assert at_second.previous == first and at_second.count == 3
        assert [(g.goal, [c.pk for c in g.contacts]) for g in at_second.groups] == [
            (bedtime, [between[0].pk]),
            (mornings, [between[2].pk, between[1].pk]),
        ]
        at_first = contacts.contacts_since_last_meeting(series=series, meeting=first)
        assert at_first.previous is None and [c.pk for g in at_first.groups for c in g.contacts] == [
            before.pk
        ]
        now = contacts.contacts_since_last_meeting(series=series)
        assert now.previous == second and [c.pk for g in now.groups for c in g.contacts] == [after.pk]


# --- The pages --------------------------------------------------------------------------------------------


def _contacts_url(series: Series) -> str:
    return reverse("meetings:contacts", args=[series.case_id, series.measure_id])


def _add_url(series: Series) -> str:
    return reverse("meetings:contact_add", args=[series.case_id, series.measure_id])


@pytest.mark.django_db
def test_the_contacts_page_lists_the_goals_and_offers_the_form_to_the_therapist(
    series: Series, therapist: User
) -> None:
    contact(series, goals_of(series)[0], by=therapist, days=1, note="Leste bok sammen.", internal=INTERNAL)
    response = client_for(therapist).get(_contacts_url(series))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Kontakter mellom møtene" in html
    assert "Leste bok sammen." in html and INTERNAL in html  # the service's own page
    assert 'name="goal"' in html and "Lagre kontakten" in html
    for goal in goals_of(series):
        assert goal.text in html


@pytest.mark.django_db
def test_adding_a_contact_without_javascript_saves_it_and_goes_back_to_the_list(
    series: Series, therapist: User
) -> None:
    goal = goals_of(series)[1]
    response = client_for(therapist).post(
        _add_url(series),
        {
            "goal": goal.pk,
            "on": days_ago(1).isoformat(),
            "with_whom": "Mor",
            "minutes": "45",
            "note": "Morgen",
        },
    )
    assert response.status_code == 302 and response["Location"] == _contacts_url(series)
    saved = TherapistContact.objects.get()
    assert (saved.goal_id, saved.by_id, saved.minutes, saved.note) == (goal.pk, therapist.pk, 45, "Morgen")


@pytest.mark.django_db
def test_a_contact_without_a_goal_is_drawn_again_with_the_error(series: Series, therapist: User) -> None:
    response = client_for(therapist).post(_add_url(series), {"on": days_ago(1).isoformat(), "note": "Uten"})
    assert response.status_code == 400
    assert 'id="id_goal_error"' in response.content.decode()
    assert not TherapistContact.objects.exists()


@pytest.mark.django_db
def test_a_goal_of_another_measure_posted_is_refused(series: Series, therapist: User, case: Case) -> None:
    other = Goal.objects.create(measure=start(case).measure, text="Et annet tiltaks mål")
    response = client_for(therapist).post(_add_url(series), {"goal": other.pk, "on": days_ago(1).isoformat()})
    assert response.status_code == 400 and not TherapistContact.objects.exists()


@pytest.mark.django_db
def test_the_contacts_pages_answer_404_to_whoever_may_not_see_the_measure(
    series: Series, outsider: User, researcher: User, service: object
) -> None:
    coordinator = make_user("koordinator", series.case.service, Role.COORDINATOR)
    colleague = make_user("kollega", series.case.service, Role.CASEWORKER)
    clients = [client_for(u) for u in (outsider, researcher, coordinator, colleague)]
    assert_404_for(clients, _contacts_url(series))
    assert_404_for(clients, _add_url(series), {"goal": str(goals_of(series)[0].pk)})
    assert not TherapistContact.objects.exists()


@pytest.mark.django_db
def test_a_network_meeting_has_no_contacts_page(case: Case) -> None:
    network_meeting = go_ahead(start(case))
    assert client_for(case.caseworker).get(_contacts_url(network_meeting)).status_code == 404


@pytest.mark.django_db
def test_the_series_page_shows_per_goal_the_count_and_the_last_contact(
    series: Series, therapist: User
) -> None:
    bedtime, _mornings = goals_of(series)
    contact(series, bedtime, by=therapist, days=8)
    contact(series, bedtime, by=therapist, days=1)
    response = client_for(therapist).get(reverse("meetings:detail", args=[series.case_id, series.measure_id]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="contacts-heading">Kontakter mellom møtene' in html
    row = html.split(bedtime.text, 2)[-1].split("</tr>")[0]
    assert "<td>2</td>" in row
    assert _contacts_url(series) in html


@pytest.mark.django_db
def test_the_steering_group_meeting_shows_the_contacts_since_the_last_meeting_without_internal_notes(
    series: Series, therapist: User
) -> None:
    bedtime, mornings = goals_of(series)
    held(series, days=30, sequence=1)
    contact(series, bedtime, by=therapist, days=40, note="Før første møte")
    contact(series, bedtime, by=therapist, days=20, note="Leggetid gikk bedre", internal=INTERNAL)
    contact(series, mornings, by=therapist, days=10, note="Frokost sammen")
    second = held(series, days=1, sequence=2)
    url = reverse("meetings:meeting", args=[series.case_id, series.measure_id, second.pk])
    html = client_for(therapist).get(url).content.decode()
    section = html.split('id="since-last-heading"')[1].split("</section>")[0]
    assert "Siden forrige møte" in html
    assert "Leggetid gikk bedre" in section and "Frokost sammen" in section
    assert "Før første møte" not in section
    assert INTERNAL not in html
    minutes = reverse("meetings:minutes", args=[series.case_id, series.measure_id, second.pk])
    printed = client_for(therapist).get(minutes).content.decode()
    assert INTERNAL not in printed


@pytest.mark.django_db
def test_the_contacts_pages_queries_do_not_grow_with_the_contacts(series: Series, therapist: User) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    bedtime, mornings = goals_of(series)
    held(series, days=30, sequence=1)
    second = held(series, days=1, sequence=2)
    args = [series.case_id, series.measure_id]
    pages = [
        _contacts_url(series),
        reverse("meetings:detail", args=args),
        reverse("meetings:meeting", args=[*args, second.pk]),
    ]
    client = client_for(therapist)
    contact(series, bedtime, by=therapist, days=20)
    with CaptureQueriesContext(connection) as few:
        for url in pages:
            assert client.get(url).status_code == 200
    for days in range(2, 29, 3):
        contact(series, mornings if days % 2 else bedtime, by=series.caseworker, days=days)
    with CaptureQueriesContext(connection) as many:
        for url in pages:
            assert client.get(url).status_code == 200
    assert len(many) <= len(few)
