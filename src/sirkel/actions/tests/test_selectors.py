"""The one definition of overdue and due soon, plan progress and participation over a series."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.template.loader import render_to_string

from sirkel.actions.models import Action, ActionStatus
from sirkel.actions.selectors.due import DUE_SOON_DAYS
from sirkel.actions.selectors.plan import actions_for_series
from sirkel.actions.selectors.progress import participation_over_time, plan_summary
from sirkel.actions.tests.conftest import add_participants
from sirkel.meetings.models import Meeting, Series


@pytest.mark.django_db
def test_overdue_is_open_and_past_due_and_due_soon_is_within_seven_days(
    series: Series, first_meeting: Meeting, make_action: Callable[..., Action]
) -> None:
    assert DUE_SOON_DAYS == 7
    made = {
        "open_past": make_action(series, first_meeting, due_in=-1),
        "done_past": make_action(series, first_meeting, due_in=-1, status=ActionStatus.DONE),
        "partly_past": make_action(series, first_meeting, due_in=-3, status=ActionStatus.PARTLY),
        "today": make_action(series, first_meeting, due_in=0),
        "in_seven": make_action(series, first_meeting, due_in=7),
        "in_eight": make_action(series, first_meeting, due_in=8),
    }
    flags = {a.pk: (a.is_overdue, a.is_due_soon) for a in actions_for_series(series=series)}  # type: ignore[attr-defined]
    assert flags[made["open_past"].pk] == (True, False)
    assert flags[made["done_past"].pk] == (False, False)
    assert flags[made["partly_past"].pk] == (False, False)
    assert flags[made["today"].pk] == (False, True)
    assert flags[made["in_seven"].pk] == (False, True)
    assert flags[made["in_eight"].pk] == (False, False)


@pytest.mark.django_db
def test_plan_summary_counts_statuses_overdue_and_done_share_per_meeting(
    series: Series,
    first_meeting: Meeting,
    make_meeting: Callable[..., Meeting],
    make_action: Callable[..., Action],
) -> None:
    make_action(series, first_meeting, due_in=-5)
    make_action(series, first_meeting, due_in=-5, status=ActionStatus.DONE)
    make_action(series, first_meeting, due_in=-5, status=ActionStatus.DONE)
    make_action(series, first_meeting, due_in=-5, status=ActionStatus.DROPPED)
    second = make_meeting(series, sequence=2, held_days_ago=5)
    Action.objects.filter(series=series, status=ActionStatus.OPEN).update(status=ActionStatus.NOT_DONE)
    make_action(series, second, due_in=10)

    summary = plan_summary(series=series)

    assert (summary.totals.total, summary.totals.done, summary.totals.dropped) == (5, 2, 1)
    assert summary.totals.not_done == 1 and summary.totals.open == 1
    assert summary.totals.overdue == 0  # the open one is not due yet; the old one is closed as not done
    assert summary.totals.done_share == 50  # 2 done of the 4 not dropped
    assert [p.meeting for p in summary.per_meeting] == [first_meeting, second]
    assert summary.per_meeting[0].counts.total == 4 and summary.per_meeting[1].counts.open == 1
    assert summary.has_followup_owner is False


@pytest.mark.django_db
def test_participation_shows_private_participants_thinning_out_in_plain_words(
    series: Series, make_meeting: Callable[..., Meeting]
) -> None:
    first = make_meeting(series, sequence=1, held_days_ago=60)
    add_participants(first, private=6, public=3, absent=1)
    second = make_meeting(series, sequence=2, held_days_ago=30)
    add_participants(second, private=2, public=3)
    make_meeting(series, sequence=3, status="planned")  # not held: not counted

    participation = participation_over_time(series=series)

    rows = [(r.invited, r.attended, r.private_present, r.public_present) for r in participation.rows]
    assert rows == [(10, 9, 6, 3), (5, 5, 2, 3)]
    assert participation.thinning and "(2)" in participation.note and "(6)" in participation.note


@pytest.mark.django_db
def test_participation_has_no_note_when_the_private_network_keeps_coming(
    series: Series, make_meeting: Callable[..., Meeting]
) -> None:
    for seq in (1, 2):
        add_participants(make_meeting(series, sequence=seq, held_days_ago=60 - seq), private=4, public=2)
    assert participation_over_time(series=series).note == ""


@pytest.mark.django_db
def test_partials_render_accessible_tables_with_captions(
    series: Series, first_meeting: Meeting, make_action: Callable[..., Action]
) -> None:
    make_action(series, first_meeting, due_in=-2)
    add_participants(first_meeting, private=3, public=1)
    html = render_to_string(
        "actions/partials/plan_summary.html",
        {"series": series, "plan_summary": plan_summary(series=series)},
    )
    assert "<caption id=" in html and 'scope="col"' in html
    assert "flag--overdue" in html and "plan-summary__no-owner" in html
    html = render_to_string(
        "actions/partials/participation.html", {"participation": participation_over_time(series=series)}
    )
    assert "<caption id=" in html and "<td>3</td>" in html
