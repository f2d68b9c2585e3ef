"""The follow-up overview: overdue and due-soon actions, and follow-up meetings not scheduled."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sirkel.accounts.models import Service, User
from sirkel.actions.models import Action, ActionStatus
from sirkel.actions.selectors.overviews import overview_for_user, unscheduled_followups
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.cases.models import Case, MeasureKind
from sirkel.meetings.models import (
    Meeting,
    MeetingStatus,
    Series,
    SeriesStatus,
)
from sirkel.network.models import NetworkMember
from sirkel.testing.factories import make_series
from sirkel.testing.fixtures import client_for


@pytest.mark.django_db
def test_caseworker_sees_overdue_and_due_soon_on_own_cases_and_actions_they_carry(
    series: Series,
    first_meeting: Meeting,
    make_action: Callable[..., Action],
    make_case: Callable[..., Case],
    make_meeting: Callable[..., Meeting],
    caseworker: User,
    teammate: User,
    service: Service,
) -> None:
    make_action(series, first_meeting, due_in=-4, what="Forfalt på min sak")
    make_action(series, first_meeting, due_in=2, what="Snart på min sak")
    make_action(series, first_meeting, due_in=20, what="Langt fram")
    make_action(series, first_meeting, due_in=-4, what="Ferdig", status=ActionStatus.DONE)
    # A teammate's case where the caseworker carries one action but is not assigned.
    other_case = make_case(
        owner=teammate, service=service, child_given_name="Jonas", child_family_name="Hansen"
    )
    other = make_series(
        case=other_case, kind=MeasureKind.NETWORK_MEETING, status=SeriesStatus.ACTIVE, caseworker=teammate
    )
    other_meeting = make_meeting(other, sequence=1)
    make_action(other, other_meeting, due_in=-1, what="Jeg har tatt på meg dette", owner_user=caseworker)
    make_action(other, other_meeting, due_in=-1, what="Kollegaens egen", owner_user=teammate)

    response = client_for(caseworker).get(reverse("actions:overview"))
    html = response.content.decode()

    assert response.status_code == 200
    assert "Forfalt på min sak" in html and "Snart på min sak" in html
    assert "Langt fram" not in html and "Ferdig" not in html
    assert "Jeg har tatt på meg dette" in html and "Kollegaens egen" not in html
    # No link into a plan the caseworker may not open; only the child's first name.
    assert (
        reverse("actions:plan", args=[other.case_id, other.measure_id]) not in html
        and other_case.child_family_name not in html
    )
    assert reverse("actions:plan", args=[series.case_id, series.measure_id]) in html
    assert "flag--overdue" in html and "flag--soon" in html
    assert AuditEvent.objects.filter(action=AuditAction.LIST, object_type="action", actor=caseworker).exists()


@pytest.mark.django_db
def test_leader_sees_every_measure_in_the_service_and_mine_narrows_it(
    series: Series,
    first_meeting: Meeting,
    make_action: Callable[..., Action],
    leader: User,
    caseworker: User,
) -> None:
    make_action(series, first_meeting, due_in=-1, what="Saksbehandlers ansvar")
    make_action(series, first_meeting, due_in=-1, what="Lederens ansvar", owner_user=leader)
    client = client_for(leader)
    html = client.get(reverse("actions:overview")).content.decode()
    assert "Saksbehandlers ansvar" in html and "Lederens ansvar" in html
    assert caseworker.display_name() in html  # the leader's view names the caseworker
    mine = client.get(reverse("actions:overview"), {"mine": "on"}).content.decode()
    assert "Lederens ansvar" in mine and "Saksbehandlers ansvar" not in mine


@pytest.mark.django_db
def test_others_do_not_see_the_actions_and_researchers_get_404(
    series: Series,
    first_meeting: Meeting,
    make_action: Callable[..., Action],
    outsider: User,
    teammate: User,
    researcher: User,
) -> None:
    make_action(series, first_meeting, due_in=-1, what="Hemmelig handling")
    for user in (outsider, teammate):
        response = client_for(user).get(reverse("actions:overview"))
        assert response.status_code == 200 and "Hemmelig handling" not in response.content.decode()
    assert client_for(researcher).get(reverse("actions:overview")).status_code == 404


@pytest.mark.django_db
def test_follow_up_not_scheduled_when_last_meeting_held_with_open_actions_and_none_planned(
    series: Series,
    first_meeting: Meeting,
    make_meeting: Callable[..., Meeting],
    make_action: Callable[..., Action],
    caseworker: User,
) -> None:
    assert list(unscheduled_followups(user=caseworker)) == []  # no open actions yet
    make_action(series, first_meeting, due_in=10)
    found = list(unscheduled_followups(user=caseworker))
    assert found == [series] and found[0].open_action_count == 1  # type: ignore[attr-defined]
    html = client_for(caseworker).get(reverse("actions:overview")).content.decode()
    assert (
        'id="unscheduled-caption"' in html
        and reverse("actions:plan", args=[series.case_id, series.measure_id]) in html
    )

    planned = make_meeting(series, sequence=2, status=MeetingStatus.PLANNED)
    assert list(unscheduled_followups(user=caseworker)) == []
    Meeting.objects.filter(pk=planned.pk).update(status=MeetingStatus.CANCELLED)
    assert list(unscheduled_followups(user=caseworker)) == [series]  # a cancelled meeting does not count
    Series.objects.filter(pk=series.pk).update(status=SeriesStatus.STOPPED)
    assert list(unscheduled_followups(user=caseworker)) == []


@pytest.mark.django_db
def test_overview_query_count_does_not_grow_with_the_number_of_actions(
    series: Series,
    first_meeting: Meeting,
    make_action: Callable[..., Action],
    make_member: Callable[..., NetworkMember],
    make_case: Callable[..., Case],
    make_meeting: Callable[..., Meeting],
    leader: User,
    caseworker: User,
    service: Service,
) -> None:
    client = client_for(leader)
    url = reverse("actions:overview")
    make_action(series, first_meeting, due_in=-1, owner_member=make_member(series.case, "A"))
    make_action(series, first_meeting, due_in=2)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)

    for i in range(5):
        case = make_case(owner=caseworker, service=service)
        other = make_series(
            case=case, kind=MeasureKind.NETWORK_MEETING, status=SeriesStatus.ACTIVE, caseworker=caseworker
        )
        meeting = make_meeting(other, sequence=1)
        make_action(other, meeting, due_in=-i - 1, owner_member=make_member(case, f"M{i}"))
        make_action(other, meeting, due_in=i + 1, owner_user=leader)
    with CaptureQueriesContext(connection) as large:
        html = client.get(url).content.decode()

    assert html.count("flag--overdue") >= 6
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(overview_for_user(user=leader).unscheduled) == 6
