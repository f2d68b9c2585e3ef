"""The action plan page, adding and editing actions, who answers for follow-up, and who may do what."""

from __future__ import annotations

import inspect
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sirkel.accounts.models import Role, Service, User
from sirkel.actions import services
from sirkel.actions.models import Action, ActionStatus
from sirkel.actions.tests.conftest import add_participants, days
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.cases.models import Case, MeasureKind
from sirkel.meetings.models import (
    Meeting,
    MeetingStatus,
    Participant,
    Series,
    SeriesStatus,
)
from sirkel.network.models import NetworkMember, Side
from sirkel.testing.factories import make_series
from sirkel.testing.fixtures import client_for, make_user


def plan_urls(series: Series, action: Action, meeting: Meeting) -> list[str]:
    return [
        reverse("actions:plan", args=[series.case_id, series.measure_id]),
        reverse("actions:action_new", args=[series.case_id, series.measure_id]),
        reverse("actions:action_edit", args=[series.case_id, series.measure_id, action.pk]),
        reverse("actions:review", args=[series.case_id, series.measure_id, meeting.pk]),
    ]


def action_post(meeting: Meeting, owner: str, **extra: str) -> dict[str, str]:
    return {
        "meeting": str(meeting.pk),
        "what": "Ringer skolen hver fredag",
        "owner": owner,
        "due_on": days(14).isoformat(),
        "support_type": "practical",
        **extra,
    }


@pytest.mark.django_db
def test_others_get_404_on_every_plan_route_get_and_post(
    series: Series,
    first_meeting: Meeting,
    make_meeting: Callable[..., Meeting],
    make_action: Callable[..., Action],
    outsider: User,
    teammate: User,
    researcher: User,
) -> None:
    action = make_action(series, first_meeting, due_in=-3)
    followup = make_meeting(series, sequence=2, held_days_ago=1)
    for user in (outsider, teammate, researcher):
        client = client_for(user)
        for url in plan_urls(series, action, followup):
            assert client.get(url).status_code == 404, (user.username, url)
            assert client.post(url, {"owner": "", "what": "x"}).status_code == 404, (user.username, url)
    assert Action.objects.count() == 1
    assert Series.objects.get(pk=series.pk).followup_owner_id is None


@pytest.mark.django_db
def test_plan_shows_each_action_with_who_when_support_and_overdue_label(
    series: Series,
    first_meeting: Meeting,
    make_action: Callable[..., Action],
    grandma: NetworkMember,
    caseworker: User,
) -> None:
    make_action(series, first_meeting, due_in=-2, what="Følger Emma til fotball", owner_member=grandma)
    make_action(series, first_meeting, due_in=3, what="Ringer BUP")
    make_action(series, first_meeting, due_in=30, what="Nytt møte med skolen")
    Action.objects.filter(what="Følger Emma til fotball").update(support_type="practical")

    html = (
        client_for(caseworker)
        .get(reverse("actions:plan", args=[series.case_id, series.measure_id]))
        .content.decode()
    )

    assert "Følger Emma til fotball" in html and "Mormor Berit" in html
    assert html.count("flag--overdue") >= 1 and html.count("flag--soon") == 1
    assert "1. " in html  # the meeting the action was agreed at
    assert 'id="no-followup-owner"' in html
    assert reverse("actions:action_new", args=[series.case_id, series.measure_id]) in html


@pytest.mark.django_db
def test_setting_who_is_accountable_for_follow_up_removes_the_warning(
    series: Series, grandma: NetworkMember, caseworker: User
) -> None:
    client = client_for(caseworker)
    url = reverse("actions:plan", args=[series.case_id, series.measure_id])
    response = client.post(url, {"owner": f"m:{grandma.pk}"})
    assert response.status_code == 302
    series.refresh_from_db()
    assert series.followup_owner_member == grandma and series.followup_owner is None
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="series").exists()
    html = client.get(url).content.decode()
    assert 'id="no-followup-owner"' not in html and "Mormor Berit" in html

    client.post(url, {"owner": f"u:{caseworker.pk}"})
    series.refresh_from_db()
    assert series.followup_owner == caseworker and series.followup_owner_member is None


@pytest.mark.django_db
def test_follow_up_owner_from_another_case_is_refused(
    series: Series,
    caseworker: User,
    make_case: Callable[..., Case],
    make_member: Callable[..., NetworkMember],
    service: Service,
) -> None:
    other_case = make_case(owner=caseworker, service=service)
    stranger = make_member(other_case, "Fremmed")
    with pytest.raises(ValidationError):
        services.set_followup_owner(acting_user=caseworker, series=series, owner_member=stranger)
    response = client_for(caseworker).post(
        reverse("actions:plan", args=[series.case_id, series.measure_id]), {"owner": f"m:{stranger.pk}"}
    )
    assert response.status_code == 200 and "error-summary" in response.content.decode()


@pytest.mark.django_db
def test_caseworker_adds_an_action_carried_by_someone_in_the_network(
    series: Series, first_meeting: Meeting, grandma: NetworkMember, caseworker: User
) -> None:
    client = client_for(caseworker)
    url = reverse("actions:action_new", args=[series.case_id, series.measure_id])
    page = client.get(url).content.decode()
    assert "Mormor Berit" in page and reverse("network:page", args=[series.case_id]) in page

    response = client.post(url, action_post(first_meeting, f"m:{grandma.pk}"))

    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.owner_member, action.owner_user, action.meeting) == (grandma, None, first_meeting)
    assert action.support_type == "practical" and action.status == ActionStatus.OPEN
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="action", object_id=str(action.pk)
    ).exists()


@pytest.mark.django_db
def test_action_owner_may_be_a_staff_member_but_not_someone_outside_the_service(
    series: Series, first_meeting: Meeting, caseworker: User, teammate: User, outsider: User
) -> None:
    client = client_for(caseworker)
    url = reverse("actions:action_new", args=[series.case_id, series.measure_id])
    assert client.post(url, action_post(first_meeting, f"u:{teammate.pk}")).status_code == 302
    assert Action.objects.get().owner_user == teammate
    response = client.post(url, action_post(first_meeting, f"u:{outsider.pk}"))
    assert response.status_code == 200 and Action.objects.count() == 1
    with pytest.raises(ValidationError):
        services.add_action(
            acting_user=caseworker,
            series=series,
            meeting=first_meeting,
            what="x",
            due_on=days(3),
            owner_user=outsider,
        )
    with pytest.raises(ValidationError):
        services.add_action(
            acting_user=caseworker, series=series, meeting=first_meeting, what="x", due_on=days(3)
        )


@pytest.mark.django_db
def test_action_needs_a_meeting_of_the_measure_and_a_due_date_after_it(
    series: Series, first_meeting: Meeting, caseworker: User, make_meeting: Callable[..., Meeting]
) -> None:
    other = make_series(
        case=series.case, kind=MeasureKind.NTT, status=SeriesStatus.ACTIVE, caseworker=caseworker
    )
    foreign_meeting = make_meeting(other, sequence=1)
    for meeting, due in ((None, days(3)), (foreign_meeting, days(3)), (first_meeting, days(-60))):
        with pytest.raises(ValidationError):
            services.add_action(
                acting_user=caseworker,
                series=series,
                meeting=meeting,
                what="x",
                due_on=due,
                owner_user=caseworker,
            )
    assert not Action.objects.exists()


@pytest.mark.django_db
def test_meeting_leader_records_actions_agreed_in_the_meeting(
    series: Series, first_meeting: Meeting, consultant: User, grandma: NetworkMember
) -> None:
    client = client_for(consultant)  # leads the meeting, not assigned to the case
    assert client.get(reverse("cases:detail", args=[series.case_id])).status_code == 404
    # Without the case, the leader is offered the people invited to their meetings: grandma is.
    Participant.objects.create(meeting=first_meeting, member=grandma, name=grandma.name, role="private")
    response = client.post(
        reverse("actions:action_new", args=[series.case_id, series.measure_id]),
        action_post(first_meeting, f"m:{grandma.pk}"),
    )
    assert response.status_code == 302 and Action.objects.count() == 1


@pytest.mark.django_db
def test_leader_from_another_service_sees_only_the_measures_they_lead(
    series: Series,
    first_meeting: Meeting,
    make_action: Callable[..., Action],
    foreign_leader: User,
    caseworker: User,
) -> None:
    Series.objects.filter(pk=series.pk).update(leader=foreign_leader)
    action = make_action(series, first_meeting, due_in=-1)
    other = make_series(
        case=series.case, kind=MeasureKind.NTT, status=SeriesStatus.ACTIVE, caseworker=caseworker
    )
    client = client_for(foreign_leader)

    page = client.get(reverse("actions:plan", args=[series.case_id, series.measure_id]))
    assert page.status_code == 200
    # No way into the case from here: the network register belongs to the case.
    assert reverse("network:page", args=[series.case_id]) not in page.content.decode()
    assert (
        client.get(
            reverse("actions:action_edit", args=[series.case_id, series.measure_id, action.pk])
        ).status_code
        == 200
    )
    assert client.get(reverse("actions:plan", args=[other.case_id, other.measure_id])).status_code == 404
    assert (
        client.get(reverse("actions:action_new", args=[other.case_id, other.measure_id])).status_code == 404
    )
    assert client.get(reverse("cases:detail", args=[series.case_id])).status_code == 404
    overview = client.get(reverse("actions:overview")).content.decode()
    assert action.what in overview


@pytest.mark.django_db
def test_stopped_measure_refuses_new_and_changed_actions(
    series: Series, first_meeting: Meeting, make_action: Callable[..., Action], caseworker: User
) -> None:
    action = make_action(series, first_meeting, due_in=5)
    Series.objects.filter(pk=series.pk).update(status=SeriesStatus.STOPPED)
    series.refresh_from_db()
    with pytest.raises(ValidationError):
        services.add_action(
            acting_user=caseworker,
            series=series,
            meeting=first_meeting,
            what="x",
            due_on=days(3),
            owner_user=caseworker,
        )
    with pytest.raises(ValidationError):
        services.update_action(acting_user=caseworker, action=Action.objects.get(pk=action.pk), what="y")
    client = client_for(caseworker)
    response = client.post(
        reverse("actions:action_new", args=[series.case_id, series.measure_id]),
        action_post(first_meeting, f"u:{caseworker.pk}"),
    )
    assert response.status_code == 302 and Action.objects.count() == 1
    html = client.get(reverse("actions:plan", args=[series.case_id, series.measure_id])).content.decode()
    assert reverse("actions:action_new", args=[series.case_id, series.measure_id]) not in html


@pytest.mark.django_db
def test_read_only_access_cannot_write(
    series: Series, first_meeting: Meeting, caseworker: User, service: Service
) -> None:
    """Break-glass access lets a colleague read the case, not change the plan."""
    reader = make_user("reader", service, Role.CASEWORKER)
    client_for(reader).post(
        reverse("cases:break_glass"),
        {"service": service.pk, "number": series.case.number, "reason": "Akutt henvendelse på vakt"},
    )
    client = client_for(reader)
    assert client.get(reverse("actions:plan", args=[series.case_id, series.measure_id])).status_code == 200
    assert (
        client.get(reverse("actions:action_new", args=[series.case_id, series.measure_id])).status_code == 404
    )
    with pytest.raises(PermissionDenied):
        services.add_action(
            acting_user=reader,
            series=series,
            meeting=first_meeting,
            what="x",
            due_on=days(3),
            owner_user=caseworker,
        )


@pytest.mark.django_db
def test_editing_an_action_someone_else_changed_is_refused_not_overwritten(
    series: Series,
    first_meeting: Meeting,
    make_action: Callable[..., Action],
    caseworker: User,
    leader: User,
) -> None:
    action = make_action(series, first_meeting, due_in=5)
    url = reverse("actions:action_edit", args=[series.case_id, series.measure_id, action.pk])
    services.update_action(
        acting_user=leader, action=action, expected_version=action.version, what="Lederens endring"
    )
    stale = action_post(first_meeting, f"u:{caseworker.pk}", status="done", version=str(action.version))
    response = client_for(caseworker).post(url, stale)
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    action.refresh_from_db()
    assert action.what == "Lederens endring" and action.status == ActionStatus.OPEN

    fresh = {**stale, "version": str(action.version)}
    assert client_for(caseworker).post(url, fresh).status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE and action.what == "Ringer skolen hver fredag"
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="action").count() == 2


@pytest.mark.django_db
def test_plan_page_query_count_does_not_grow_with_actions_meetings_and_participants(
    series: Series,
    first_meeting: Meeting,
    make_meeting: Callable[..., Meeting],
    make_action: Callable[..., Action],
    make_member: Callable[..., NetworkMember],
    caseworker: User,
) -> None:
    client = client_for(caseworker)
    url = reverse("actions:plan", args=[series.case_id, series.measure_id])
    member = make_member(series.case, "Tante", side=Side.PUBLIC)
    make_action(series, first_meeting, due_in=-1, owner_member=member)
    add_participants(first_meeting, private=2, public=1)
    make_meeting(series, sequence=2, status=MeetingStatus.PLANNED)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200

    for _ in range(8):
        make_action(series, first_meeting, due_in=4, owner_member=make_member(series.case, "Nabo"))
    Meeting.objects.filter(series=series, sequence=2).update(status=MeetingStatus.HELD, held_on=days(-5))
    add_participants(Meeting.objects.get(series=series, sequence=2), private=3, public=2)
    for seq in (3, 4):
        meeting = make_meeting(series, sequence=seq, held_days_ago=5 - seq)
        add_participants(meeting, private=3, public=2)
    make_meeting(series, sequence=5, status=MeetingStatus.PLANNED)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200

    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.mark.django_db
def test_case_page_flags_overdue_actions_with_constant_queries(
    series: Series, first_meeting: Meeting, make_action: Callable[..., Action], caseworker: User
) -> None:
    client = client_for(caseworker)
    url = reverse("cases:detail", args=[series.case_id])
    make_action(series, first_meeting, due_in=5, what="Ikke forfalt ennå")
    html = client.get(url).content.decode()
    assert "overdue-actions-heading" not in html

    make_action(series, first_meeting, due_in=-2, what="Forfalt handling")
    with CaptureQueriesContext(connection) as small:
        html = client.get(url).content.decode()
    assert "overdue-actions-heading" in html and "Forfalt handling" in html
    assert "Ikke forfalt ennå" not in html
    assert reverse("actions:plan", args=[series.case_id, series.measure_id]) in html

    for i in range(6):
        make_action(series, first_meeting, due_in=-3 - i, what=f"Forfalt {i}")
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.mark.django_db
def test_main_menu_has_follow_up_for_staff_but_not_researchers(caseworker: User, researcher: User) -> None:
    url = reverse("actions:overview")
    assert url in client_for(caseworker).get(reverse("cases:list")).content.decode()
    assert url not in client_for(researcher).get(reverse("cases:list")).content.decode()


def test_every_action_field_is_its_own_keyword_of_update_action() -> None:
    assert set(services.ACTION_FIELDS) <= set(inspect.signature(services.update_action).parameters)
