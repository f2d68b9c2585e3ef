"""The REST API's action plan: listing and filtering actions, recording and changing them without lost
updates, reviews at follow-up meetings, and the pages' access and audit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from sirkel.accounts.models import User
from sirkel.actions.models import Action, ActionReview, ActionStatus
from sirkel.actions.tests.conftest import days
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.cases.models import MeasureKind
from sirkel.meetings.models import Meeting, MeetingStatus, Participant, ParticipantRole, Series, SeriesStatus
from sirkel.network.models import NetworkMember
from sirkel.testing.factories import make_series
from sirkel.testing.fixtures import api_client_for

PROBLEM = "application/problem+json"
JSON = "application/json"


def actions_url(series: Series, rest: str = "") -> str:
    return f"/api/v1/cases/{series.case_id}/measures/{series.measure_id}/actions/{rest}"


def action_url(action: Action, rest: str = "") -> str:
    return actions_url(action.series, f"{action.pk}/{rest}")


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def new_action(at: Meeting, **values: Any) -> dict[str, Any]:
    return {
        "what": "Ringer skolen hver fredag",
        "meeting": at.pk,
        "due_on": days(14).isoformat(),
        "support_type": "practical",
        **values,
    }


@pytest.fixture
def followup(series: Series, make_meeting: Callable[..., Meeting]) -> Meeting:
    return make_meeting(series, sequence=2, status=MeetingStatus.PLANNED)


# --- Reading the plan -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_plan_lists_actions_by_due_date_with_owner_and_flags(
    series: Series,
    first_meeting: Meeting,
    make_action: Callable[..., Action],
    grandma: NetworkMember,
    caseworker: User,
) -> None:
    late = make_action(series, first_meeting, due_in=-3, owner_member=grandma)
    soon = make_action(series, first_meeting, due_in=2)
    later = make_action(series, first_meeting, due_in=30, status=ActionStatus.DONE)

    body = api_client_for(caseworker).get(actions_url(series)).json()

    assert body["count"] == 3
    assert [a["id"] for a in body["results"]] == [late.pk, soon.pk, later.pk]
    first = body["results"][0]
    assert first["owner_member"] == grandma.pk
    assert first["owner_user"] is None
    assert first["owner_name"] == "Mormor Berit"
    assert first["meeting"] == first_meeting.pk
    assert first["due_on"] == days(-3).isoformat()
    assert first["status"] == "open"
    assert first["is_overdue"] is True
    assert first["is_due_soon"] is False
    assert first["latest_review"] is None
    assert first["version"] == late.version
    assert body["results"][1]["is_due_soon"] is True
    assert body["results"][1]["owner_user"] == caseworker.pk


@pytest.mark.django_db
def test_the_plan_filters_by_status_overdue_and_owner(
    series: Series,
    first_meeting: Meeting,
    make_action: Callable[..., Action],
    grandma: NetworkMember,
    caseworker: User,
) -> None:
    late = make_action(series, first_meeting, due_in=-3, owner_member=grandma)
    soon = make_action(series, first_meeting, due_in=2)
    done = make_action(series, first_meeting, due_in=-10, status=ActionStatus.DONE)
    client = api_client_for(caseworker)

    def ids(**query: Any) -> list[int]:
        return [a["id"] for a in client.get(actions_url(series), query).json()["results"]]

    assert ids(status="done") == [done.pk]
    assert ids(overdue="true") == [late.pk]
    assert ids(overdue="false") == [done.pk, soon.pk]
    assert ids(owner_member=grandma.pk) == [late.pk]
    assert ids(owner_user=caseworker.pk) == [done.pk, soon.pk]
    assert ids(status="open", owner_user=caseworker.pk) == [soon.pk]
    body = problem(client.get(actions_url(series), {"status": "late"}), 400)
    assert list(body["errors"]) == ["status"]


@pytest.mark.django_db
def test_one_action_carries_its_latest_review(
    series: Series,
    first_meeting: Meeting,
    followup: Meeting,
    make_action: Callable[..., Action],
    caseworker: User,
) -> None:
    action = make_action(series, first_meeting, due_in=-3)
    client = api_client_for(caseworker)
    client.post(
        action_url(action, "reviews/"),
        {"meeting": followup.pk, "outcome": "partly", "keep_open": True, "new_due_on": days(20).isoformat()},
        content_type=JSON,
    )

    body = client.get(action_url(action)).json()

    assert body["id"] == action.pk
    assert body["status"] == "open"
    assert body["due_on"] == days(20).isoformat()
    assert body["latest_review"]["meeting"] == followup.pk
    assert body["latest_review"]["outcome"] == "partly"


@pytest.mark.django_db
def test_an_action_of_another_measure_is_not_found(
    series: Series, first_meeting: Meeting, make_action: Callable[..., Action], caseworker: User
) -> None:
    other = make_series(
        case=series.case, kind=MeasureKind.NTT, status=SeriesStatus.ACTIVE, caseworker=caseworker
    )
    action = make_action(series, first_meeting, due_in=5)

    problem(api_client_for(caseworker).get(actions_url(other, f"{action.pk}/")), 404)
    problem(api_client_for(caseworker).get(actions_url(other, f"{action.pk}/reviews/")), 404)


# --- Recording an action ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_recording_an_action_goes_through_the_service_and_is_audited(
    series: Series, first_meeting: Meeting, grandma: NetworkMember, caseworker: User
) -> None:
    response = api_client_for(caseworker).post(
        actions_url(series), new_action(first_meeting, owner_member=grandma.pk), content_type=JSON
    )

    assert response.status_code == 201, response.content
    action = Action.objects.get(series=series)
    body = response.json()
    assert body["id"] == action.pk
    assert body["owner_member"] == grandma.pk
    assert body["version"] == 1
    assert action.what == "Ringer skolen hver fredag"
    assert action.owner_member == grandma
    assert action.meeting == first_meeting
    assert action.support_type == "practical"
    event = AuditEvent.objects.get(object_type="action", object_id=str(action.pk))
    assert event.action == AuditAction.CREATE
    assert event.actor == caseworker
    assert event.detail["via"] == "api"
    assert event.detail["meeting"] == first_meeting.pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"what": ""}, "what"),
        ({"what": "   "}, "what"),
        ({"due_on": "tomorrow"}, "due_on"),
        ({"support_type": "money"}, "support_type"),
        ({"meeting": 999_999}, "meeting"),
        ({}, "owner"),  # nobody carries it
        ({"owner_member": 999_999}, "owner_member"),
        ({"owner_user": 999_999}, "owner_user"),
    ],
)
def test_bad_action_input_is_a_problem_naming_the_field(
    series: Series, first_meeting: Meeting, caseworker: User, values: dict[str, Any], field: str
) -> None:
    response = api_client_for(caseworker).post(
        actions_url(series), new_action(first_meeting, **values), content_type=JSON
    )

    body = problem(response, 400)
    assert list(body["errors"]) == [field], body
    assert not Action.objects.exists()


@pytest.mark.django_db
def test_an_action_due_before_its_meeting_is_refused_in_plain_english(
    series: Series, first_meeting: Meeting, caseworker: User
) -> None:
    response = api_client_for(caseworker).post(
        actions_url(series),
        new_action(first_meeting, owner_user=caseworker.pk, due_on=days(-100).isoformat()),
        content_type=JSON,
    )

    body = problem(response, 400)
    assert body["errors"] == {
        "due_on": ["The due date cannot be before the meeting where the action was agreed."]
    }


@pytest.mark.django_db
def test_a_follow_up_meeting_reviews_open_actions_before_new_ones_are_added(
    series: Series,
    first_meeting: Meeting,
    followup: Meeting,
    make_action: Callable[..., Action],
    caseworker: User,
) -> None:
    make_action(series, first_meeting, due_in=-3)

    response = api_client_for(caseworker).post(
        actions_url(series), new_action(followup, owner_user=caseworker.pk), content_type=JSON
    )

    body = problem(response, 400)
    assert "Review the open actions from earlier meetings first" in body["detail"]
    assert list(body["errors"]) == ["__all__"]
    assert Action.objects.count() == 1


@pytest.mark.django_db
def test_a_leader_from_another_service_may_only_give_actions_to_people_invited_to_their_meetings(
    series: Series,
    first_meeting: Meeting,
    grandma: NetworkMember,
    make_member: Callable[..., NetworkMember],
    foreign_leader: User,
) -> None:
    Series.objects.filter(pk=series.pk).update(leader=foreign_leader)
    aunt = make_member(series.case, "Tante Tove", relation="tante")
    Participant.objects.create(
        meeting=first_meeting, member=aunt, name=aunt.name, role=ParticipantRole.PRIVATE
    )
    client = api_client_for(foreign_leader)

    refused = client.post(
        actions_url(series), new_action(first_meeting, owner_member=grandma.pk), content_type=JSON
    )
    assert problem(refused, 400)["errors"] == {
        "owner_member": ["Choose someone from this child's network register."]
    }

    given = client.post(
        actions_url(series), new_action(first_meeting, owner_member=aunt.pk), content_type=JSON
    )
    assert given.status_code == 201, given.content
    assert client.get(actions_url(series)).json()["count"] == 1
    problem(client.get(f"/api/v1/cases/{series.case_id}/"), 404)


@pytest.mark.django_db
def test_a_stopped_measure_takes_no_new_actions(
    series: Series, first_meeting: Meeting, caseworker: User
) -> None:
    Series.objects.filter(pk=series.pk).update(status=SeriesStatus.STOPPED)

    response = api_client_for(caseworker).post(
        actions_url(series), new_action(first_meeting, owner_user=caseworker.pk), content_type=JSON
    )

    assert "stopped" in problem(response, 400)["detail"]
    assert not Action.objects.exists()


# --- Changing an action ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_changing_an_action_with_the_version_read_saves_it_and_moves_the_version(
    series: Series, first_meeting: Meeting, make_action: Callable[..., Action], caseworker: User
) -> None:
    action = make_action(series, first_meeting, due_in=5)

    response = api_client_for(caseworker).patch(
        action_url(action),
        {"version": action.version, "what": "Henter på skolen torsdager", "status": "done"},
        content_type=JSON,
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["what"] == "Henter på skolen torsdager"
    assert body["status"] == "done"
    assert body["version"] == action.version + 1
    stored = Action.objects.get(pk=action.pk)
    assert (stored.what, stored.status, stored.version) == ("Henter på skolen torsdager", "done", 2)
    assert stored.due_on == action.due_on  # left out: unchanged
    assert stored.support_type == action.support_type
    event = AuditEvent.objects.filter(object_type="action", action=AuditAction.UPDATE).get()
    assert event.detail["fields"] == ["status", "what"]
    assert event.detail["via"] == "api"


@pytest.mark.django_db
def test_naming_a_new_owner_hands_the_action_over(
    series: Series,
    first_meeting: Meeting,
    make_action: Callable[..., Action],
    grandma: NetworkMember,
    caseworker: User,
) -> None:
    action = make_action(series, first_meeting, due_in=5, owner_user=caseworker)

    response = api_client_for(caseworker).patch(
        action_url(action), {"version": action.version, "owner_member": grandma.pk}, content_type=JSON
    )

    assert response.status_code == 200, response.content
    stored = Action.objects.get(pk=action.pk)
    assert (stored.owner_member, stored.owner_user) == (grandma, None)


@pytest.mark.django_db
def test_a_change_from_a_stale_version_is_a_conflict_and_writes_nothing(
    series: Series, first_meeting: Meeting, make_action: Callable[..., Action], caseworker: User
) -> None:
    action = make_action(series, first_meeting, due_in=5)
    client = api_client_for(caseworker)
    first = client.patch(action_url(action), {"version": 1, "what": "Min versjon"}, content_type=JSON)
    assert first.status_code == 200

    late = client.patch(action_url(action), {"version": 1, "what": "Kollegaens versjon"}, content_type=JSON)

    body = problem(late, 409)
    assert body["title"] == "Changed by someone else"
    assert "Nothing was written" in body["detail"]
    stored = Action.objects.get(pk=action.pk)
    assert (stored.what, stored.version) == ("Min versjon", 2)
    assert AuditEvent.objects.filter(object_type="action", action=AuditAction.UPDATE).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({}, "version"),
        ({"version": 0}, "version"),
        ({"version": 1, "status": "finished"}, "status"),
        ({"version": 1, "what": ""}, "what"),
        ({"version": 1, "owner_member": None}, "owner"),
        ({"version": 1, "meeting": 999_999}, "meeting"),
    ],
)
def test_a_bad_change_is_a_problem_naming_the_field_and_writes_nothing(
    series: Series,
    first_meeting: Meeting,
    make_action: Callable[..., Action],
    caseworker: User,
    values: dict[str, Any],
    field: str,
) -> None:
    action = make_action(series, first_meeting, due_in=5)

    body = problem(api_client_for(caseworker).patch(action_url(action), values, content_type=JSON), 400)

    assert list(body["errors"]) == [field], body
    assert Action.objects.get(pk=action.pk).version == 1


# --- Reviews -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_follow_up_meeting_records_how_an_action_went(
    series: Series,
    first_meeting: Meeting,
    followup: Meeting,
    make_action: Callable[..., Action],
    caseworker: User,
) -> None:
    action = make_action(series, first_meeting, due_in=-3)
    client = api_client_for(caseworker)

    response = client.post(
        action_url(action, "reviews/"),
        {"meeting": followup.pk, "outcome": "done", "note": "Gikk fint"},
        content_type=JSON,
    )

    assert response.status_code == 201, response.content
    review = ActionReview.objects.get(action=action)
    assert response.json() == {
        "id": review.pk,
        "action": action.pk,
        "meeting": followup.pk,
        "outcome": "done",
        "note": "Gikk fint",
        "reviewed_by": caseworker.pk,
        "reviewed_at": response.json()["reviewed_at"],
    }
    stored = Action.objects.get(pk=action.pk)
    assert (stored.status, stored.version) == (ActionStatus.DONE, action.version + 1)
    listed = client.get(action_url(action, "reviews/")).json()
    assert listed["count"] == 1
    assert listed["results"][0]["id"] == review.pk
    event = AuditEvent.objects.get(object_type="action_review")
    assert event.detail["via"] == "api"
    assert event.detail["outcome"] == "done"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"outcome": "open"}, "outcome"),
        ({"outcome": "done", "keep_open": True, "new_due_on": "2030-01-01"}, "keep_open"),
        ({"outcome": "partly", "keep_open": True}, "new_due_on"),
        ({"outcome": "done", "meeting": 999_999}, "meeting"),
    ],
)
def test_a_bad_review_is_a_problem_naming_the_field(
    series: Series,
    first_meeting: Meeting,
    followup: Meeting,
    make_action: Callable[..., Action],
    caseworker: User,
    values: dict[str, Any],
    field: str,
) -> None:
    action = make_action(series, first_meeting, due_in=-3)

    response = api_client_for(caseworker).post(
        action_url(action, "reviews/"), {"meeting": followup.pk, **values}, content_type=JSON
    )

    body = problem(response, 400)
    assert list(body["errors"]) == [field], body
    assert not ActionReview.objects.exists()


@pytest.mark.django_db
def test_actions_are_reviewed_only_at_a_follow_up_meeting(
    series: Series, first_meeting: Meeting, make_action: Callable[..., Action], caseworker: User
) -> None:
    action = make_action(series, first_meeting, due_in=-3)

    response = api_client_for(caseworker).post(
        action_url(action, "reviews/"), {"meeting": first_meeting.pk, "outcome": "done"}, content_type=JSON
    )

    body = problem(response, 400)
    assert body["detail"] == "Actions are reviewed at a follow-up meeting of the same measure."
    assert not ActionReview.objects.exists()


@pytest.mark.django_db
def test_an_action_is_reviewed_once_per_meeting(
    series: Series,
    first_meeting: Meeting,
    followup: Meeting,
    make_action: Callable[..., Action],
    caseworker: User,
) -> None:
    action = make_action(series, first_meeting, due_in=-3)
    client = api_client_for(caseworker)
    review = {
        "meeting": followup.pk,
        "outcome": "not_done",
        "keep_open": True,
        "new_due_on": days(9).isoformat(),
    }
    assert client.post(action_url(action, "reviews/"), review, content_type=JSON).status_code == 201

    again = client.post(action_url(action, "reviews/"), review, content_type=JSON)

    assert problem(again, 400)["detail"] == "This action has already been reviewed at this meeting."
    assert ActionReview.objects.count() == 1


# --- Who may do what ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_someone_from_another_service_finds_nothing_at_any_url(
    series: Series,
    first_meeting: Meeting,
    followup: Meeting,
    make_action: Callable[..., Action],
    outsider: User,
) -> None:
    action = make_action(series, first_meeting, due_in=-3)
    client = api_client_for(outsider)

    for url in (actions_url(series), action_url(action), action_url(action, "reviews/")):
        assert problem(client.get(url), 404)["detail"] == "There is nothing here, or you may not see it."
    problem(client.post(actions_url(series), new_action(first_meeting), content_type=JSON), 404)
    problem(client.patch(action_url(action), {"version": 1, "what": "Nei"}, content_type=JSON), 404)
    problem(
        client.post(
            action_url(action, "reviews/"), {"meeting": followup.pk, "outcome": "done"}, content_type=JSON
        ),
        404,
    )
    stored = Action.objects.get(pk=action.pk)
    assert (Action.objects.count(), stored.what, stored.version) == (1, action.what, 1)
    assert not ActionReview.objects.exists()


@pytest.mark.django_db
def test_a_colleague_without_need_to_know_and_a_researcher_find_nothing(
    series: Series,
    first_meeting: Meeting,
    make_action: Callable[..., Action],
    teammate: User,
    researcher: User,
) -> None:
    action = make_action(series, first_meeting, due_in=-3)
    for user in (teammate, researcher):
        client: Client = api_client_for(user)
        for url in (actions_url(series), action_url(action), action_url(action, "reviews/")):
            problem(client.get(url), 404)
        problem(client.patch(action_url(action), {"version": 1, "what": "Nei"}, content_type=JSON), 404)


@pytest.mark.django_db
def test_a_read_only_token_may_read_the_plan_but_not_write_it(
    series: Series,
    first_meeting: Meeting,
    followup: Meeting,
    make_action: Callable[..., Action],
    caseworker: User,
) -> None:
    action = make_action(series, first_meeting, due_in=-3)
    client = api_client_for(caseworker, read_only=True)

    assert client.get(actions_url(series)).status_code == 200
    writes = [
        client.post(
            actions_url(series), new_action(first_meeting, owner_user=caseworker.pk), content_type=JSON
        ),
        client.patch(action_url(action), {"version": 1, "what": "Nei"}, content_type=JSON),
        client.post(
            action_url(action, "reviews/"), {"meeting": followup.pk, "outcome": "done"}, content_type=JSON
        ),
    ]

    for response in writes:
        assert (
            problem(response, 403)["detail"]
            == "This token may only read. Create a token that may also write."
        )
    stored = Action.objects.get(pk=action.pk)
    assert (Action.objects.count(), stored.what, stored.version) == (1, action.what, 1)
    assert not ActionReview.objects.exists()


@pytest.mark.django_db
def test_the_meeting_leader_writes_the_plan_they_lead(
    series: Series, first_meeting: Meeting, make_action: Callable[..., Action], consultant: User
) -> None:
    action = make_action(series, first_meeting, due_in=5)

    response = api_client_for(consultant).patch(
        action_url(action), {"version": 1, "due_on": days(12).isoformat()}, content_type=JSON
    )

    assert response.status_code == 200, response.content
    assert Action.objects.get(pk=action.pk).due_on == days(12)
