"""Follow-up meetings review every open action from earlier meetings before new ones are added."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sirkel.accounts.models import User
from sirkel.actions import services
from sirkel.actions.models import Action, ActionReview, ActionStatus
from sirkel.actions.selectors.review import unreviewed_actions
from sirkel.actions.tests.conftest import days
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.meetings.models import Meeting, MeetingStatus, Series
from sirkel.testing.fixtures import client_for


@pytest.fixture
def followup(series: Series, make_meeting: Callable[..., Meeting]) -> Meeting:
    return make_meeting(series, sequence=2, status=MeetingStatus.PLANNED)


def new_action(user: User, series: Series, meeting: Meeting) -> Action:
    return services.add_action(
        acting_user=user, series=series, meeting=meeting, what="Nytt", due_on=days(20), owner_user=user
    )


@pytest.mark.django_db
def test_new_actions_at_a_follow_up_are_refused_until_earlier_open_actions_are_reviewed(
    series: Series,
    first_meeting: Meeting,
    followup: Meeting,
    make_action: Callable[..., Action],
    caseworker: User,
) -> None:
    open_one = make_action(series, first_meeting, due_in=-2)
    make_action(series, first_meeting, due_in=-2, status=ActionStatus.DONE)  # closed: nothing to review

    with pytest.raises(ValidationError, match="1"):
        new_action(caseworker, series, followup)
    # The first meeting itself is not a follow-up: it may still get actions.
    assert new_action(caseworker, series, first_meeting).pk

    services.review_action(
        acting_user=caseworker, action=open_one, meeting=followup, outcome=ActionStatus.DONE, note="Gikk fint"
    )
    Action.objects.filter(meeting=first_meeting, what="Nytt").update(status=ActionStatus.DROPPED)
    assert new_action(caseworker, series, followup).meeting == followup


@pytest.mark.django_db
def test_review_page_records_outcomes_and_keeps_partly_done_open_with_a_new_date(
    series: Series,
    first_meeting: Meeting,
    followup: Meeting,
    make_action: Callable[..., Action],
    consultant: User,
) -> None:
    done = make_action(series, first_meeting, due_in=-2, what="Handling A")
    partly = make_action(series, first_meeting, due_in=-2, what="Handling B")
    dropped = make_action(series, first_meeting, due_in=5, what="Handling C")
    client = client_for(consultant)  # the meeting leader runs the review
    url = reverse("actions:review", args=[series.case_id, series.measure_id, followup.pk])
    page = client.get(url).content.decode()
    assert all(name in page for name in ("Handling A", "Handling B", "Handling C"))

    response = client.post(
        url,
        {
            f"a{done.pk}-outcome": "done",
            f"a{partly.pk}-outcome": "partly",
            f"a{partly.pk}-note": "Kom halvveis",
            f"a{partly.pk}-keep_open": "on",
            f"a{partly.pk}-new_due_on": days(21).isoformat(),
            f"a{dropped.pk}-outcome": "dropped",
        },
    )

    assert response.status_code == 302
    statuses = dict(Action.objects.values_list("pk", "status"))
    assert statuses == {done.pk: "done", partly.pk: "open", dropped.pk: "dropped"}
    partly.refresh_from_db()
    assert partly.due_on == days(21)
    review = ActionReview.objects.get(action=partly)
    assert (review.outcome, review.note, review.meeting, review.reviewed_by) == (
        "partly",
        "Kom halvveis",
        followup,
        consultant,
    )
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="action_review").count() == 3
    assert not unreviewed_actions(meeting=followup).exists()
    # The kept action is on the plan and reviewed here: new actions can now be added.
    assert new_action(consultant, series, followup).pk


@pytest.mark.django_db
def test_review_form_explains_what_is_missing_and_saves_nothing(
    series: Series,
    first_meeting: Meeting,
    followup: Meeting,
    make_action: Callable[..., Action],
    caseworker: User,
) -> None:
    a = make_action(series, first_meeting, due_in=-2)
    b = make_action(series, first_meeting, due_in=-2)
    response = client_for(caseworker).post(
        reverse("actions:review", args=[series.case_id, series.measure_id, followup.pk]),
        {
            f"a{a.pk}-outcome": "done",
            f"a{b.pk}-outcome": "done",
            f"a{b.pk}-keep_open": "on",  # only partly / not done may stay open, and it needs a date
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and "error-summary" in html
    assert f"id_a{b.pk}-keep_open" in html
    assert not ActionReview.objects.exists()
    assert Action.objects.filter(status=ActionStatus.OPEN).count() == 2


@pytest.mark.django_db
def test_an_action_is_reviewed_once_per_meeting_and_only_at_later_follow_ups(
    series: Series,
    first_meeting: Meeting,
    followup: Meeting,
    make_action: Callable[..., Action],
    caseworker: User,
) -> None:
    action = make_action(series, first_meeting, due_in=-2)
    services.review_action(
        acting_user=caseworker,
        action=action,
        meeting=followup,
        outcome=ActionStatus.NOT_DONE,
        keep_open=True,
        new_due_on=days(10),
    )
    with pytest.raises(ValidationError):
        services.review_action(
            acting_user=caseworker, action=action, meeting=followup, outcome=ActionStatus.DONE
        )
    with pytest.raises(ValidationError):  # the first meeting is not a follow-up
        services.review_action(
            acting_user=caseworker, action=action, meeting=first_meeting, outcome=ActionStatus.DONE
        )
    with pytest.raises(ValidationError):  # "open" is not an outcome
        services.review_action(
            acting_user=caseworker, action=action, meeting=followup, outcome=ActionStatus.OPEN
        )
    assert ActionReview.objects.count() == 1


@pytest.mark.django_db
def test_review_page_is_only_for_follow_up_meetings(
    series: Series, first_meeting: Meeting, caseworker: User
) -> None:
    response = client_for(caseworker).get(
        reverse("actions:review", args=[series.case_id, series.measure_id, first_meeting.pk])
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_plan_page_links_to_reviews_that_are_still_due(
    series: Series,
    first_meeting: Meeting,
    followup: Meeting,
    make_action: Callable[..., Action],
    caseworker: User,
) -> None:
    make_action(series, first_meeting, due_in=-2)
    html = (
        client_for(caseworker)
        .get(reverse("actions:plan", args=[series.case_id, series.measure_id]))
        .content.decode()
    )
    assert reverse("actions:review", args=[series.case_id, series.measure_id, followup.pk]) in html
    page = (
        client_for(caseworker)
        .get(reverse("actions:action_new", args=[series.case_id, series.measure_id]), {"mote": followup.pk})
        .content.decode()
    )
    assert reverse("actions:review", args=[series.case_id, series.measure_id, followup.pk]) in page


@pytest.mark.django_db
def test_review_page_query_count_does_not_grow_with_actions(
    series: Series,
    first_meeting: Meeting,
    followup: Meeting,
    make_action: Callable[..., Action],
    caseworker: User,
) -> None:
    client = client_for(caseworker)
    url = reverse("actions:review", args=[series.case_id, series.measure_id, followup.pk])
    first = make_action(series, first_meeting, due_in=-2)
    services.review_action(acting_user=caseworker, action=first, meeting=followup, outcome=ActionStatus.DONE)
    make_action(series, first_meeting, due_in=-1)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(6):
        make_action(series, first_meeting, due_in=3)
    with CaptureQueriesContext(connection) as large:
        html = client.get(url).content.decode()
    assert html.count('class="card review-item"') == 8
    assert len(large.captured_queries) == len(small.captured_queries)
