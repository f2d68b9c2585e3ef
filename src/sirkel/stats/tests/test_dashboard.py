"""The service dashboard: every figure equals the length of its drill-down list, with data for each; who
sees which cases' figures; one audit event a page; a bounded number of queries."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sirkel.accounts.models import Role, Service, User
from sirkel.actions.models import Action, ActionStatus
from sirkel.actions.selectors.overviews import unscheduled_followups_q, with_followup_state
from sirkel.audit.models import AuditEvent
from sirkel.cases.models import Case, MeasureKind
from sirkel.evaluation.models import Evaluation, EvaluationStatus, Judgement
from sirkel.meetings.models import (
    Consent,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Participant,
    Series,
    SeriesStatus,
)
from sirkel.network.models import NetworkSnapshot
from sirkel.stats import dashboard
from sirkel.stats.dashboard_selectors import load_rows, scope_for
from sirkel.testing.factories import make_series
from sirkel.testing.fixtures import client_for, make_user

URL = reverse("stats:dashboard")
LINK = re.compile(r'<a href="([^"]+)"[^>]*data-count="(\d+)"')


def _at(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def _meeting(
    series: Series, seq: int, *, days_ago: int, status: str = MeetingStatus.HELD, **fields: Any
) -> Meeting:
    day = timezone.localdate() - timedelta(days=days_ago)
    return Meeting.objects.create(
        series=series,
        sequence=seq,
        kind=MeetingKind.FIRST if seq == 1 else MeetingKind.FOLLOW_UP,
        status=status,
        starts_at=_at(day),
        held_on=day if status == MeetingStatus.HELD else None,
        **fields,
    )


def _present(meeting: Meeting, role: str, *, public: bool = False) -> None:
    Participant.objects.create(
        meeting=meeting, name=f"{role} {meeting.pk}", role=role, is_public=public, attendance="in_person"
    )


def build(case: Case, owner: User) -> dict[str, Series]:
    """Three network measures on `case` that between them meet and miss every marker and give every
    figure something to count (see each line)."""
    today = timezone.localdate()
    # A map of the network 60 days ago: before S1's and S2's first meeting, after S3's.
    NetworkSnapshot.objects.create(case=case, taken_at=_at(today - timedelta(days=60)))
    # S1, a network meeting in progress that does everything right, but has an overdue action nobody
    # reviewed, and its last meeting was held with no follow-up planned.
    s1 = make_series(
        case=case, kind=MeasureKind.NETWORK_MEETING, caseworker=owner, status=SeriesStatus.ACTIVE
    )
    m1 = _meeting(
        s1,
        1,
        days_ago=40,
        child_participation="full",
        interpreter_needed=True,
        interpreter_booked=True,
        waiver_signed_at=_at(today - timedelta(days=40)),
        reflecting_team_notes="De reflekterte.",
    )
    Participant.objects.create(meeting=m1, name="Far", role="father", attendance="in_person")
    _present(m1, "mother")
    _present(m1, "staff")
    _present(m1, "public", public=True)
    _present(m1, "interpreter")
    Consent.objects.create(
        series=s1,
        party="mother",
        party_name="Mor",
        informed_about=["purpose"],
        informed_on=today - timedelta(days=50),
        informed_by=owner,
        given_as="written",
    )
    Action.objects.create(
        series=s1, meeting=m1, what="Ringe skolen", owner_user=owner, due_on=today - timedelta(days=5)
    )
    closed = Evaluation.objects.create(
        measure=s1.measure,
        due_on=today - timedelta(days=3),
        held_on=today - timedelta(days=3),
        status=EvaluationStatus.CLOSED,
        next_step="continue",
        created_by=owner,
    )
    Judgement.objects.create(evaluation=closed, perspective="child", declined=True)
    # S2, a family group conference being prepared that misses most: only helpers present, no father, no
    # plan for the child, interpreter needed and not booked, no waiver, no consent; a follow-up is planned;
    # its action is done; its closed evaluation has no word from the child, and one is overdue.
    s2 = make_series(
        case=case, kind=MeasureKind.FAMILY_GROUP_CONFERENCE, caseworker=owner, status=SeriesStatus.PREPARING
    )
    m2 = _meeting(s2, 1, days_ago=10, interpreter_needed=True)
    _present(m2, "staff")
    _present(m2, "public", public=True)
    _meeting(s2, 2, days_ago=-14, status=MeetingStatus.PLANNED)
    Action.objects.create(
        series=s2,
        meeting=m2,
        what="Finne en støtteperson",
        owner_user=owner,
        due_on=today - timedelta(days=1),
        status=ActionStatus.DONE,
    )
    Evaluation.objects.create(
        measure=s2.measure,
        due_on=today - timedelta(days=20),
        held_on=today - timedelta(days=20),
        status=EvaluationStatus.CLOSED,
        next_step="continue",
        created_by=owner,
    )
    Evaluation.objects.create(measure=s2.measure, due_on=today - timedelta(days=2), created_by=owner)
    # S3, a completed start meeting whose meeting, 100 days ago, had no reflecting team (and the map came
    # after it).
    s3 = make_series(
        case=case, kind=MeasureKind.START_MEETING, caseworker=owner, status=SeriesStatus.COMPLETED
    )
    _meeting(s3, 1, days_ago=100)
    return {"s1": s1, "s2": s2, "s3": s3}


@pytest.fixture
def world(case: Case, caseworker: User) -> dict[str, Series]:
    return build(case, caseworker)


def _links(client: Client, url: str) -> list[tuple[str, int]]:
    response = client.get(url)
    assert response.status_code == 200
    return [(href.replace("&amp;", "&"), int(n)) for href, n in LINK.findall(response.content.decode())]


def _listed(client: Client, url: str) -> tuple[int, int]:
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    count = re.search(r'id="drilldown-count" data-count="(\d+)"', html)
    assert count is not None
    return int(count.group(1)), html.count("<tr data-row=")


# --- Every figure and its drill-down agree -----------------------------------------------------------------


def test_every_figure_on_the_page_equals_the_rows_of_its_drilldown(
    leader: User, world: dict[str, Series]
) -> None:
    client = client_for(leader)
    links = _links(client, URL)
    figures = {re.search(r"/liste/([\w-]+)/", href).group(1) for href, _n in links}  # type: ignore[union-attr]
    assert figures == dashboard.SLUGS  # every figure and marker links to its list
    for href, number in links:
        shown, rows = _listed(client, href)
        assert (shown, rows) == (number, number), href


def test_each_figure_has_data_and_counts_what_its_definition_says(
    leader: User, world: dict[str, Series]
) -> None:
    s1, s2, s3 = world["s1"].pk, world["s2"].pk, world["s3"].pk
    scope = scope_for(user=leader, service_id=None)
    figures = dashboard.compute(load_rows(cases=scope.cases), today=timezone.localdate())
    assert figures.active.ids == (s1, s2)
    assert dict((k, f.count) for k, f in figures.active_by_kind) == {
        "network_meeting": 1,
        "family_group_conference": 1,
    }
    assert figures.held.count == 3 and sum(f.count for _m, f in figures.per_month) == 3
    assert len(figures.actions_overdue.ids) == 1
    assert figures.followups_unscheduled.ids == (s1,)
    assert figures.evaluations_overdue.count == 1
    markers = {m.key: (m.met, m.unmet) for m in figures.markers}
    assert markers == {
        "network-mapped": ((s1, s2), (s3,)),
        "balance": ((s1,), (s2, s3)),
        "fathers-invited": ((s1,), (s2, s3)),
        "fathers-apart": ((s1,), (s2, s3)),  # the child lives with the mother
        "child-participation": ((s1,), (s2, s3)),
        "child-heard": ((s1,), (s2,)),  # a child asked who did not want to answer was heard
        "interpreter": ((s1,), (s2,)),
        "consent": ((s1,), (s2, s3)),
        "waivers": ((s1,), (s2, s3)),
        "reflecting-team": ((s1,), (s3,)),  # a family group conference has none
        "actions-followed": ((s2,), (s1,)),
    }


def test_follow_ups_not_scheduled_are_the_follow_up_overviews(leader: User, world: dict[str, Series]) -> None:
    scope = scope_for(user=leader, service_id=None)
    figures = dashboard.compute(load_rows(cases=scope.cases), today=timezone.localdate())
    by_query = with_followup_state(Series.objects.filter(measure__case__in=scope.cases)).filter(
        unscheduled_followups_q()
    )
    assert figures.followups_unscheduled.ids == tuple(sorted(s.pk for s in by_query))


def test_the_father_apart_asks_only_where_the_child_does_not_live_with_him(
    leader: User, case: Case, world: dict[str, Series]
) -> None:
    Case.objects.filter(pk=case.pk).update(lives_with="both_parents")
    scope = scope_for(user=leader, service_id=None)
    figures = dashboard.compute(load_rows(cases=scope.cases), today=timezone.localdate())
    apart = next(m for m in figures.markers if m.key == "fathers-apart")
    assert apart.applies == ()


def test_a_case_that_needs_an_interpreter_makes_every_meeting_held_need_one(
    leader: User, case: Case, world: dict[str, Series]
) -> None:
    Case.objects.filter(pk=case.pk).update(interpreter_needed=True)
    scope = scope_for(user=leader, service_id=None)
    figures = dashboard.compute(load_rows(cases=scope.cases), today=timezone.localdate())
    interpreter = next(m for m in figures.markers if m.key == "interpreter")
    assert interpreter.met == (world["s1"].pk,)
    assert interpreter.unmet == (world["s2"].pk, world["s3"].pk)


def test_meetings_held_per_month_lists_the_month_asked_for(leader: User, world: dict[str, Series]) -> None:
    day = timezone.localdate() - timedelta(days=10)
    client = client_for(leader)
    shown, rows = _listed(
        client, reverse("stats:drilldown", args=["meetings-held"]) + f"?year={day.year}&month={day.month}"
    )
    expected = Meeting.objects.filter(
        status=MeetingStatus.HELD, held_on__year=day.year, held_on__month=day.month
    ).count()
    assert shown == rows == expected >= 1


def test_a_marker_lists_those_that_do_not_meet_it_and_on_asking_those_that_do(
    leader: User, world: dict[str, Series]
) -> None:
    client = client_for(leader)
    url = reverse("stats:drilldown", args=["balance"])
    html = client.get(url).content.decode()
    assert f'data-row="{world["s2"].pk}"' in html and f'data-row="{world["s1"].pk}"' not in html
    html = client.get(url + "?met=1").content.decode()
    assert f'data-row="{world["s1"].pk}"' in html and f'data-row="{world["s2"].pk}"' not in html


def test_an_unknown_figure_is_404(leader: User) -> None:
    assert client_for(leader).get(reverse("stats:drilldown", args=["nothing"])).status_code == 404


# --- Scope ---------------------------------------------------------------------------------------------


@pytest.fixture
def other_world(other_service: Service, make_case: Callable[..., Case]) -> dict[str, Any]:
    owner = make_user("other-owner", other_service, Role.CASEWORKER)
    other_case = make_case(owner=owner, service=other_service)
    return {
        "series": build(other_case, owner),
        "leader": make_user("other-leader", other_service, Role.LEADER),
    }


def test_a_leader_sees_their_service_only(
    leader: User, service: Service, world: dict[str, Series], other_world: dict[str, Any]
) -> None:
    client = client_for(leader)
    response = client.get(URL)
    assert response.context["whole_service"] and response.context["service"] == service
    assert response.context["active"] == 2  # not the other service's two
    assert f'href="{reverse("stats:ssb")}?service={service.pk}"' in response.content.decode()
    html = client.get(reverse("stats:drilldown", args=["active-measures"])).content.decode()
    for s in other_world["series"].values():
        assert f'data-row="{s.pk}"' not in html
    assert client.get(URL, {"service": other_world["leader"].memberships.get().service_id}).status_code == 404


def test_another_services_leader_gets_404_for_this_service(
    outsider: User, service: Service, world: dict[str, Series]
) -> None:
    client = client_for(outsider)
    assert client.get(URL, {"service": service.pk}).status_code == 404
    drill = reverse("stats:drilldown", args=["actions-overdue"])
    assert client.get(drill, {"service": service.pk}).status_code == 404


def test_a_caseworker_sees_their_own_cases_never_the_whole_service(
    caseworker: User,
    teammate: User,
    service: Service,
    world: dict[str, Series],
    make_case: Callable[..., Case],
) -> None:
    their_case = make_case(owner=teammate, service=service)
    build(their_case, teammate)
    client = client_for(caseworker)
    response = client.get(URL)
    assert response.status_code == 200
    assert not response.context["whole_service"]
    assert 'data-scope="own"' in response.content.decode()
    assert response.context["active"] == 2  # their own case's, not the teammate's
    for href, number in _links(client, URL):
        shown, rows = _listed(client, href)
        assert (shown, rows) == (number, number)
        html = client.get(href).content.decode()
        assert reverse("cases:detail", args=[their_case.pk]) not in html
    assert 'id="ssb-link"' not in response.content.decode()


def test_a_case_opened_by_breaking_the_glass_is_not_in_a_caseworkers_dashboard(
    caseworker: User, teammate: User, service: Service, make_case: Callable[..., Case]
) -> None:
    from sirkel.cases.services import break_glass

    their_case = make_case(owner=teammate, service=service)
    build(their_case, teammate)
    break_glass(
        acting_user=caseworker, service=service, number=their_case.number, reason="Akutt henvendelse i kveld"
    )
    response = client_for(caseworker).get(URL)
    assert response.context["active"] == 0
    assert response.context["held"] == 0


def test_someone_without_a_dashboard_role_gets_404(
    researcher: User, outsider: User, service: Service, world: dict[str, Series]
) -> None:
    assert client_for(researcher).get(URL).status_code == 404
    assert client_for(researcher).get(reverse("stats:drilldown", args=["balance"])).status_code == 404
    no_role = User.objects.create_user(username="nobody", password="x")  # noqa: S106
    assert client_for(no_role).get(URL).status_code == 404


# --- Audit ---------------------------------------------------------------------------------------------


def test_each_page_view_is_one_audit_event_the_list_with_its_cases(
    leader: User, service: Service, case: Case, world: dict[str, Series]
) -> None:
    client = client_for(leader)
    before = AuditEvent.objects.count()
    client.get(URL)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.filter(object_type="dashboard").get()
    assert event.object_id == str(service.pk) and event.detail["scope"] == "service"
    client.get(reverse("stats:drilldown", args=["actions-overdue"]))
    assert AuditEvent.objects.count() == before + 2
    event = AuditEvent.objects.filter(object_type="dashboard_list").get()
    assert event.detail["figure"] == "actions-overdue" and event.detail["cases"] == [case.pk]


# --- Queries -------------------------------------------------------------------------------------------


def test_the_pages_make_as_many_queries_for_many_cases_as_for_one(
    leader: User, caseworker: User, service: Service, world: dict[str, Series], make_case: Callable[..., Case]
) -> None:
    client = client_for(leader)
    pages = [
        URL,
        reverse("stats:drilldown", args=["active-measures"]),
        reverse("stats:drilldown", args=["balance"]),
    ]
    for page in pages:
        client.get(page)  # sessions and caches warm
    few = []
    for page in pages:
        with CaptureQueriesContext(connection) as queries:
            client.get(page)
        few.append(len(queries))
    for _ in range(4):
        build(make_case(owner=caseworker, service=service), caseworker)
    many = []
    for page in pages:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page)
        many.append(len(queries))
    assert response.context["count"] == 5 * 2  # balance: two of each case's three measures miss it
    assert many == few


# --- The figures from hand-made rows -------------------------------------------------------------------


def test_the_months_are_the_last_twelve_ending_with_this_one() -> None:
    from datetime import date

    assert dashboard.month_window(date(2026, 3, 15)) == [
        (2025, 4), (2025, 5), (2025, 6), (2025, 7), (2025, 8), (2025, 9),
        (2025, 10), (2025, 11), (2025, 12), (2026, 1), (2026, 2), (2026, 3),
    ]  # fmt: skip


def test_a_meeting_held_before_the_twelve_months_or_not_held_is_not_counted() -> None:
    from datetime import date

    def meeting(pk: int, day: date, status: str = MeetingStatus.HELD) -> dashboard.MeetingRow:
        return dashboard.MeetingRow(pk, 1, pk, status, day, "", False, False, False, False)

    rows = dashboard.Rows(
        meetings=[
            meeting(1, date(2025, 3, 31)),  # the month before the window
            meeting(2, date(2025, 4, 1)),
            meeting(3, date(2026, 3, 15)),
            meeting(4, date(2026, 3, 1), MeetingStatus.CANCELLED),
            meeting(5, date(2026, 2, 1), MeetingStatus.PLANNED),
        ]
    )
    figures = dashboard.compute(rows, today=date(2026, 3, 15))
    assert figures.held.ids == (2, 3)
    assert [f.count for _m, f in figures.per_month] == [1] + [0] * 10 + [1]


def test_balance_is_met_at_exactly_one_third_private() -> None:
    from datetime import date

    def rows(private: int, public: int) -> dashboard.Rows:
        people = [dashboard.ParticipantRow(1, "private", False, True, True)] * private + [
            dashboard.ParticipantRow(1, "public", True, True, True)
        ] * public
        return dashboard.Rows(
            series=[dashboard.SeriesRow(1, 1, 1, "network_meeting", "active", "mother", False)],
            meetings=[
                dashboard.MeetingRow(
                    1, 1, 1, MeetingStatus.HELD, date(2026, 1, 5), "", False, False, False, False
                )
            ],
            participants=people,
        )

    def met(private: int, public: int) -> bool:
        share = next(
            m
            for m in dashboard.compute(rows(private, public), today=date(2026, 2, 1)).markers
            if m.key == "balance"
        )
        return share.met == (1,)

    assert met(1, 2) and met(2, 2) and not met(1, 3) and not met(0, 0)
