"""A fixed series of meetings (NTT, responsibility group, individual plan): how often it meets, when the
next meeting is due (and overdue), the new meeting proposed from the last; and the collaboration
measures run without screening from start to the next meeting, with the plan's goals on their page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from sirkel.accounts.models import Role, User
from sirkel.actions.models import Action
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.cases.models import Case, MeasureKind
from sirkel.cases.plans import set_goals
from sirkel.meetings import panels
from sirkel.meetings.models import Meeting, MeetingStatus, Series, SeriesStatus
from sirkel.meetings.services import cadence, meeting, participants, preparation
from sirkel.meetings.services import leaders as leader_services
from sirkel.meetings.tests.meeting_support import day_has_come
from sirkel.meetings.tests.ntt_support import days_ago, held, ntt_series, therapist_of
from sirkel.meetings.tests.preparation_support import go_ahead, member
from sirkel.meetings.tests.series_support import start
from sirkel.network.models import Side
from sirkel.testing.fixtures import client_for, make_user


@pytest.fixture
def series(case: Case) -> Series:
    return ntt_series(case, therapist=therapist_of(case))


def _detail(series: Series) -> str:
    return reverse("meetings:detail", args=[series.case_id, series.measure_id])


def _every(series: Series, weeks: int | None) -> Series:
    return cadence.set_cadence(acting_user=series.caseworker, series=series, every_weeks=weeks)


class TestSetting:
    @pytest.fixture(autouse=True)
    def _english(self) -> Iterator[None]:
        with translation.override("en"):
            yield

    @pytest.mark.django_db
    def test_the_caseworker_sets_how_often_the_series_meets_and_it_is_audited(self, series: Series) -> None:
        _every(series, 4)
        series.refresh_from_db()
        assert series.meeting_every_weeks == 4
        event = AuditEvent.objects.filter(object_type="series", object_id=str(series.pk)).latest("id")
        assert event.action == AuditAction.UPDATE and event.detail["field"] == "meeting_every_weeks"
        assert (event.detail["previous"], event.detail["every_weeks"]) == (None, 4)
        _every(series, None)
        series.refresh_from_db()
        assert series.meeting_every_weeks is None

    @pytest.mark.django_db
    @pytest.mark.parametrize("weeks", [0, 53])
    def test_an_interval_out_of_range_is_refused(self, series: Series, weeks: int) -> None:
        with pytest.raises(ValidationError) as exc:
            _every(series, weeks)
        assert "meeting_every_weeks" in exc.value.message_dict

    @pytest.mark.django_db
    def test_a_network_meeting_has_no_fixed_interval(self, case: Case) -> None:
        with pytest.raises(ValidationError, match="fixed interval"):
            _every(go_ahead(start(case)), 4)

    @pytest.mark.django_db
    def test_the_therapist_who_leads_may_not_change_it(self, series: Series) -> None:
        assert series.leader is not None
        with pytest.raises(PermissionDenied):
            cadence.set_cadence(acting_user=series.leader, series=series, every_weeks=2)


class TestNextMeeting:
    @pytest.mark.django_db
    def test_the_next_meeting_is_due_the_interval_after_the_last_held_one(self, series: Series) -> None:
        _every(series, 3)
        series.refresh_from_db()
        held(series, days=30, sequence=1)
        last = held(series, days=10, sequence=2)
        found = cadence.next_meeting(series=series, meetings=list(series.meetings.all()))
        assert found is not None
        assert found.last_held == last and found.due_on == days_ago(10) + timedelta(weeks=3)
        assert found.planned is None and not found.overdue

    @pytest.mark.django_db
    def test_overdue_when_the_day_has_passed_and_none_is_planned(self, series: Series) -> None:
        _every(series, 2)
        series.refresh_from_db()
        held(series, days=20, sequence=1)
        found = cadence.next_meeting(series=series, meetings=list(series.meetings.all()))
        assert found is not None and found.overdue and found.due_on == days_ago(6)
        planned = Meeting.objects.create(series=series, sequence=2, status=MeetingStatus.PLANNED)
        found = cadence.next_meeting(series=series, meetings=list(series.meetings.all()))
        assert found is not None and found.planned == planned and not found.overdue

    @pytest.mark.django_db
    def test_without_an_interval_nothing_is_due(self, series: Series) -> None:
        held(series, days=20, sequence=1)
        assert cadence.next_meeting(series=series, meetings=list(series.meetings.all())) is None

    @pytest.mark.django_db
    def test_the_new_meeting_is_proposed_the_interval_after_the_last_at_the_same_time(
        self, series: Series
    ) -> None:
        _every(series, 4)
        series.refresh_from_db()
        held(series, days=3, sequence=1, hour=13)
        proposed = cadence.proposed_start(series=series, meetings=list(series.meetings.all()))
        assert proposed is not None
        local = timezone.localtime(proposed)
        assert (local.date(), local.time()) == (days_ago(3) + timedelta(weeks=4), time(13, 0))

    @pytest.mark.django_db
    def test_no_proposal_when_that_day_has_passed(self, series: Series) -> None:
        _every(series, 1)
        series.refresh_from_db()
        held(series, days=20, sequence=1)
        assert cadence.proposed_start(series=series, meetings=list(series.meetings.all())) is None


@pytest.mark.django_db
def test_the_series_page_shows_when_the_next_meeting_is_due_and_the_form(series: Series) -> None:
    _every(series, 2)
    held(series, days=20, sequence=1)
    html = client_for(series.caseworker).get(_detail(series)).content.decode()
    due = (days_ago(20) + timedelta(weeks=2)).strftime("%-d.")
    assert 'id="cadence-heading">Neste møte' in html
    part = html.split('id="next-meeting"')[1].split("</p>")[0]
    assert "Neste møte skal holdes innen" in part and due in part and "Forfalt" in part
    assert reverse("meetings:set_cadence", args=[series.case_id, series.measure_id]) in html


@pytest.mark.django_db
def test_the_cadence_form_saves_and_goes_back_to_the_series(series: Series) -> None:
    url = reverse("meetings:set_cadence", args=[series.case_id, series.measure_id])
    response = client_for(series.caseworker).post(url, {"meeting_every_weeks": "6"})
    assert response.status_code == 302 and response["Location"].startswith(_detail(series))
    series.refresh_from_db()
    assert series.meeting_every_weeks == 6
    assert series.leader is not None
    assert client_for(series.leader).post(url, {"meeting_every_weeks": "1"}).status_code == 404


@pytest.mark.django_db
def test_the_new_meeting_form_proposes_the_date_from_the_cadence(series: Series) -> None:
    _every(series, 4)
    held(series, days=2, sequence=1, hour=14)
    url = reverse("meetings:meeting_new", args=[series.case_id, series.measure_id])
    html = client_for(series.caseworker).get(url).content.decode()
    want = datetime.combine(days_ago(2) + timedelta(weeks=4), time(14, 0)).strftime("%Y-%m-%dT%H:%M")
    assert f'value="{want}"' in html


# --- Responsibility group and individual plan -------------------------------------------------------------


def _plan_soon(series: Series, days: int) -> Meeting:
    day = timezone.localdate() + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return preparation.create_meeting(
        acting_user=series.caseworker,
        series=series,
        starts_at=timezone.make_aware(datetime.combine(day, time(9, 0))),
        place="Skolen",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [MeasureKind.RESPONSIBILITY_GROUP, MeasureKind.INDIVIDUAL_PLAN])
def test_a_collaboration_measure_runs_without_screening_to_the_next_meeting(case: Case, kind: str) -> None:
    series = start(case, kind=kind)
    assert series.status == SeriesStatus.PREPARING  # not screened: under way at once
    coordinator = make_user("koordinator-stab", case.service, Role.CONSULTANT)
    leader_services.set_leader(acting_user=case.caseworker, series=series, leader=coordinator)
    _every(series, 6)
    series.refresh_from_db()
    first = _plan_soon(series, 1)
    teacher = member(case, "Lars Lærer", side=Side.PUBLIC, relation="Kontaktlærer")
    participants.add_participant(acting_user=case.caseworker, meeting=first, member=teacher, role="public")
    day_has_come(first)
    first = meeting.save_meeting_notes(
        acting_user=coordinator,
        meeting=first,
        version=first.version,
        reflecting_team_notes="",
        decisions="Skolen lager en plan for pausene.",
        internal_notes="",
    )
    action = panels.add_action(
        acting_user=coordinator,
        series=series,
        meeting=first,
        what="Lage plan for friminuttene",
        due_on=timezone.localdate() + timedelta(days=14),
        owner_member=teacher,
    )
    meeting.close_meeting(acting_user=coordinator, meeting=first)
    series.refresh_from_db()
    assert series.status == SeriesStatus.ACTIVE
    assert Action.objects.get(pk=action.pk).owner_member_id == teacher.pk
    assert Meeting.objects.get(pk=first.pk).decisions == "Skolen lager en plan for pausene."
    proposed = cadence.proposed_start(series=series, meetings=list(series.meetings.all()))
    assert proposed is not None and timezone.localtime(proposed).date() == timezone.localdate() + timedelta(
        weeks=6
    )
    second = preparation.create_meeting(acting_user=case.caseworker, series=series, starts_at=proposed)
    assert second.sequence == 2 and second.participants.filter(member=teacher).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [MeasureKind.RESPONSIBILITY_GROUP, MeasureKind.INDIVIDUAL_PLAN])
def test_the_collaboration_measures_page_shows_the_plan_goals_with_a_link_to_the_plan(
    case: Case, kind: str
) -> None:
    series = start(case, kind=kind)
    set_goals(acting_user=case.caseworker, measure=series.measure, texts=["Emma trives i friminuttene."])
    html = client_for(case.caseworker).get(_detail(series)).content.decode()
    part = html.split('id="plan-goals-heading"')[1].split("</section>")[0]
    assert "Mål i tiltaksplanen" in part and "Emma trives i friminuttene." in part
    assert reverse("cases:plan", args=[case.pk]) in part
    assert 'id="contacts-heading"' not in html  # contacts between meetings are NTT's


@pytest.mark.django_db
def test_the_network_meeting_page_shows_neither_cadence_nor_plan_goals(case: Case, caseworker: User) -> None:
    html = client_for(caseworker).get(_detail(go_ahead(start(case)))).content.decode()
    assert 'id="cadence-heading"' not in html and 'id="plan-goals-heading"' not in html


@pytest.mark.django_db
def test_the_series_page_offers_a_coordinator_from_the_services_staff(case: Case) -> None:
    """A responsibility group's coordinator comes from the kind's pool (the service's own staff), not the
    register of trained network meeting leaders."""
    from sirkel.meetings.forms_series import LeaderForm

    series = start(case, kind=MeasureKind.RESPONSIBILITY_GROUP)
    staff = make_user("ikke-trent", case.service, Role.CONSULTANT)
    offered = LeaderForm(series=series).fields["leader"].queryset  # type: ignore[attr-defined]
    assert staff in offered and case.caseworker not in offered
    network_meeting = go_ahead(start(case))
    assert staff not in LeaderForm(series=network_meeting).fields["leader"].queryset  # type: ignore[attr-defined]
