"""The effect overview page: for the leaders of a service only, the numbers from its closed evaluations
with small cells hidden, the overdue ones listed, and the read audited as aggregated data."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from sirkel.accounts.models import Role, Service, User
from sirkel.audit.models import AuditEvent
from sirkel.cases.models import Case, Measure
from sirkel.evaluation.models import Evaluation, EvaluationStatus, Judgement
from sirkel.evaluation.selectors import effect_overview
from sirkel.testing.factories import make_measure
from sirkel.testing.fixtures import client_for

URL = "/effekt/"


def closed(measure: Measure, *, held_on: date, by: User, t_score: float | None = None) -> Evaluation:
    """A closed evaluation, made directly in the state wanted (as the factories do)."""
    return Evaluation.objects.create(
        measure=measure,
        due_on=held_on,
        held_on=held_on,
        status=EvaluationStatus.CLOSED,
        next_step="continue",
        next_step_requested_by="service",
        next_step_reason="Det går bra.",
        t_score=t_score,
        created_by=by,
    )


@pytest.fixture
def measure(case: Case) -> Measure:
    return make_measure(case=case, kind="network_meeting")


@pytest.fixture
def judged(measure: Measure, caseworker: User) -> list[Evaluation]:
    """Seven evaluations in 2025: the service said yes four times and no three; the reviewer agreed each
    time but once; the T-scores 45, 50, 50, 55, 55, 60, 65. One in 2024 with a no from the service."""
    out = []
    effects = ["yes", "yes", "yes", "yes", "no", "no", "no"]
    reviewer = ["yes", "yes", "yes", "yes", "no", "no", "yes"]
    scores = [45.0, 50.0, 50.0, 55.0, 55.0, 60.0, 65.0]
    for i, (effect, review, score) in enumerate(zip(effects, reviewer, scores, strict=True)):
        evaluation = closed(measure, held_on=date(2025, 1, 10 + i), by=caseworker, t_score=score)
        Judgement.objects.create(evaluation=evaluation, perspective="service", effect=effect)
        Judgement.objects.create(evaluation=evaluation, perspective="reviewer", effect=review)
        out.append(evaluation)
    old = closed(measure, held_on=date(2024, 6, 1), by=caseworker)
    Judgement.objects.create(evaluation=old, perspective="service", effect="no")
    return out


def test_a_leader_sees_the_service_numbers_and_the_read_is_audited(
    leader: User, service: Service, judged: list[Evaluation]
) -> None:
    with override("en"):
        response = client_for(leader).get(URL, {"year": "2025"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="effect-chart"' in html and 'role="img"' in html and 'id="t-table"' in html
    row = response.context["effects"][0]["row"]
    assert (row.kind, row.perspective, row.judged) == ("network_meeting", "service", 7)
    assert row.counts == {"yes": 4, "partly": None, "no": None}  # 0 partly, and the 3 no with it
    t = response.context["t"]
    assert (t.total, t.median) == (7, 55.0)
    assert t.bands == {"lt40": None, "40-49": None, "50-59": 4, "ge60": None}
    event = AuditEvent.objects.filter(object_type="effect_overview").get()
    assert (event.object_id, event.service_id, event.detail["year"]) == (str(service.pk), service.pk, 2025)


def test_all_years_by_default(leader: User, judged: list[Evaluation]) -> None:
    response = client_for(leader).get(URL)
    assert response.context["effects"][0]["row"].judged == 8
    assert response.context["data"].years == [2025, 2024]


def test_a_suppressed_cell_shows_a_colon_not_its_number(leader: User, judged: list[Evaluation]) -> None:
    html = client_for(leader).get(URL, {"year": "2025"}).content.decode()
    assert 'data-cell="partly">:</td>' in html
    assert 'data-cell="no">:</td>' in html
    assert 'data-cell="yes">4</td>' in html


def test_overdue_evaluations_are_listed_with_a_link_to_the_case(
    leader: User, case: Case, measure: Measure, caseworker: User
) -> None:
    late = Evaluation.objects.create(
        measure=measure, due_on=timezone.localdate() - timedelta(days=3), created_by=caseworker
    )
    other = make_measure(case=case, kind="support_contact")
    Evaluation.objects.create(
        measure=other, due_on=timezone.localdate() + timedelta(days=3), created_by=caseworker
    )
    response = client_for(leader).get(URL)
    assert [o["evaluation"].pk for o in response.context["overdue"]] == [late.pk]
    assert reverse("cases:detail", args=[case.pk]) in response.content.decode()
    event = AuditEvent.objects.filter(object_type="effect_overview").get()
    assert event.detail["overdue_cases"] == [case.pk]


@pytest.mark.parametrize("who", ["caseworker", "teammate", "consultant", "researcher"])
def test_anyone_but_a_leader_gets_404(
    who: str, request: pytest.FixtureRequest, judged: list[Evaluation]
) -> None:
    user = request.getfixturevalue(who)
    assert client_for(user).get(URL).status_code == 404
    assert not AuditEvent.objects.filter(object_type="effect_overview").exists()


def test_a_leader_of_another_service_sees_only_their_own(
    outsider: User, other_service: Service, service: Service, judged: list[Evaluation]
) -> None:
    assert client_for(outsider).get(URL, {"service": service.pk}).status_code == 404
    response = client_for(outsider).get(URL)
    assert response.status_code == 200
    assert response.context["data"].service == other_service
    assert response.context["effects"] == []


def test_a_leader_of_two_services_chooses_one(
    leader: User, service: Service, other_service: Service, judged: list[Evaluation]
) -> None:
    from sirkel.accounts.models import Membership

    Membership.objects.create(user=leader, service=other_service, role=Role.LEADER)
    client = client_for(leader)
    assert 'id="effect-service"' in client.get(URL).content.decode()
    assert client.get(URL, {"service": other_service.pk}).context["effects"] == []
    assert client.get(URL, {"service": service.pk}).context["effects"] != []


def test_the_child_and_parents_counted_by_the_selector(
    leader: User, measure: Measure, caseworker: User, case: Case
) -> None:
    for i, face in enumerate([5, 4, 4, 3, 3, 3, 1, 2, 2]):
        evaluation = closed(measure, held_on=date(2025, 3, 1 + i), by=caseworker)
        Judgement.objects.create(evaluation=evaluation, perspective="child", child_scale=face)
        Judgement.objects.create(evaluation=evaluation, perspective="parent", effect="yes")
    data = effect_overview(user=leader)
    rows = {r.perspective: r for r in data.overview.effects}
    assert rows["child"].counts == {"yes": 3, "partly": 3, "no": 3}
    assert rows["parent"].judged == 9
    assert rows["parent"].counts == {"yes": None, "partly": None, "no": None}  # 9 yes would tell all
    agree = next(a for a in data.overview.agreement if (a.first, a.second) == ("parent", "child"))
    assert (agree.pairs, agree.agree, agree.disagree, agree.share) == (9, 3, 6, 33.3)


def test_the_page_makes_as_many_queries_for_many_evaluations_as_for_few(
    leader: User, measure: Measure, caseworker: User, judged: list[Evaluation]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(leader)
    client.get(URL)  # sessions and caches warm
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for i in range(10):
        evaluation = closed(measure, held_on=date(2023, 1, 1 + i), by=caseworker, t_score=50.0)
        Judgement.objects.create(evaluation=evaluation, perspective="parent", effect="yes")
        Evaluation.objects.create(
            measure=make_measure(case=measure.case, kind="support_contact"),
            due_on=timezone.localdate() - timedelta(days=1 + i),
            created_by=caseworker,
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert len(response.context["overdue"]) == 10
    assert len(many) == len(few)
