"""The evaluation API: a goal scaled, an evaluation scheduled, levels with the T-score, judgements with the
reviewer blind, closing with a stale version refused; ratings and instruments read; the effect overview
for leaders only; and 404 for whatever one may not see."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sirkel.accounts.models import Service, User
from sirkel.audit.models import AuditEvent
from sirkel.cases.models import Case, Goal, Measure
from sirkel.cases.plans import set_goals
from sirkel.evaluation.models import Evaluation, EvaluationStatus, Instrument, Judgement, Rating
from sirkel.network import services as network_services
from sirkel.testing.factories import decide
from sirkel.testing.fixtures import api_client_for

JSON = "application/json"


@pytest.fixture
def measure(case: Case) -> Measure:
    measure = decide(case=case, kind="network_meeting")
    set_goals(acting_user=case.caseworker, measure=measure, texts=["Går på skolen", "Sover hjemme"])
    return measure


@pytest.fixture
def goals(measure: Measure) -> list[Goal]:
    return list(Goal.objects.filter(measure=measure).order_by("position", "id"))


def base(measure: Measure) -> str:
    return f"/api/v1/cases/{measure.case_id}/measures/{measure.pk}/"


def put(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.put(url, body, content_type=JSON)


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type=JSON)


def test_a_goal_is_scaled_at_version_zero_and_a_stale_version_is_refused(
    caseworker: User, measure: Measure, goals: list[Goal]
) -> None:
    api = api_client_for(caseworker)
    url = f"{base(measure)}goals/{goals[0].pk}/scale/"
    empty = api.get(url).json()
    assert (empty["version"], empty["expected"], empty["weight"]) == (0, "", 1)
    saved = put(api, url, {"version": 0, "expected": "Fire av fem dager", "weight": 3})
    assert saved.status_code == 200, saved.json()
    assert (saved.json()["version"], saved.json()["weight"]) == (1, 3)
    stale = put(api, url, {"version": 0, "expected": "Fem dager", "weight": 3})
    assert stale.status_code == 409
    assert stale["Content-Type"] == "application/problem+json"
    missing = put(api, url, {"version": 1, "expected": " ", "weight": 3})
    assert missing.status_code == 400
    assert "expected" in missing.json()["errors"]


def test_an_evaluation_from_schedule_to_close(
    caseworker: User, leader: User, measure: Measure, goals: list[Goal], case: Case
) -> None:
    api = api_client_for(caseworker)
    for goal, weight in zip(goals, (2, 1), strict=True):
        put(api, f"{base(measure)}goals/{goal.pk}/scale/", {"version": 0, "expected": "Ok", "weight": weight})
    made = post(api, f"{base(measure)}evaluations/", {"due_on": timezone.localdate().isoformat()})
    assert made.status_code == 201, made.json()
    evaluation = made.json()
    url = f"{base(measure)}evaluations/{evaluation['id']}/"
    assert made["Location"] == url
    assert post(api, f"{base(measure)}evaluations/", {"due_on": "2026-01-01"}).status_code == 400  # one open

    levels = post(api, f"{url}levels/", {"levels": [{"goal": goals[0].pk, "level": 1}]})
    assert levels.status_code == 200, levels.json()
    assert levels.json()["t_score"] == 60.0  # one goal: 50 + 10x
    assert levels.json()["levels"][0]["level"] == 1

    judged = post(api, f"{url}judgements/", {"perspective": "service", "effect": "yes", "text": "Bedre"})
    assert judged.status_code == 201, judged.json()
    assert post(api, f"{url}judgements/", {"perspective": "child", "effect": "yes"}).status_code == 400
    mother = network_services.add_member(acting_user=caseworker, case=case, name="Mor", relation="Mor")
    parent = post(
        api, f"{url}judgements/", {"perspective": "parent", "effect": "partly", "member": mother.pk}
    )
    assert parent.status_code == 201, parent.json()
    got = api.get(url).json()
    assert sorted(j["perspective"] for j in got["judgements"]) == ["parent", "service"]
    assert got["reviewer_blind"] is False

    body = {"held_on": timezone.localdate().isoformat(), "next_step": "continue", "requested_by": "parents"}
    stale = post(api, f"{url}close/", {**body, "reason": "Foreldrene vil fortsette", "version": 1})
    assert stale.status_code == 409  # the levels changed the version
    closed = post(
        api, f"{url}close/", {**body, "reason": "Foreldrene vil fortsette", "version": got["version"]}
    )
    assert closed.status_code == 200, closed.json()
    assert closed.json()["status"] == "closed"
    listed = api.get(f"{base(measure)}evaluations/").json()
    assert [e["id"] for e in listed["results"]] == [evaluation["id"]]


def test_the_reviewer_sees_no_judgement_until_their_own_is_recorded(
    caseworker: User, leader: User, measure: Measure
) -> None:
    """The reviewer here is the service's leader (who may open the case); the rule is the selector's."""
    evaluation = Evaluation.objects.create(
        measure=measure, due_on=timezone.localdate(), created_by=caseworker, reviewer=leader
    )
    Judgement.objects.create(
        evaluation=evaluation, perspective="service", effect="no", recorded_by=caseworker
    )
    url = f"{base(measure)}evaluations/{evaluation.pk}/"
    reviewer = api_client_for(leader)
    blind = reviewer.get(url).json()
    assert (blind["judgements"], blind["reviewer_blind"]) == ([], True)
    own = post(reviewer, f"{url}judgements/", {"perspective": "reviewer", "effect": "partly"})
    assert own.status_code == 201, own.json()
    seen = reviewer.get(url).json()
    assert sorted(j["perspective"] for j in seen["judgements"]) == ["reviewer", "service"]
    # Nobody else records the reviewer's judgement.
    again = post(
        api_client_for(caseworker), f"{url}judgements/", {"perspective": "reviewer", "effect": "yes"}
    )
    assert again.status_code == 404


def test_ratings_and_instruments_are_read(
    caseworker: User, case: Case, measure: Measure, service: Service
) -> None:
    generic = Instrument.objects.create(
        key="generic-outcome",
        name="Generisk",
        kind="outcome",
        items=[{"key": "a", "label": "A"}],
        sd=2,
        reliability=0.8,
    )
    Instrument.objects.create(
        service=Service.objects.create(name="Annen", municipality_numbers="5001", population=1),
        key="theirs",
        name="Deres",
        kind="outcome",
        items=[],
        sd=1,
        reliability=0.5,
    )
    Rating.objects.create(
        case=case,
        measure=measure,
        instrument=generic,
        respondent="Mor",
        rated_on=date(2026, 1, 5),
        scores={"a": 6},
        total=6,
    )
    api = api_client_for(caseworker)
    ratings = api.get(f"/api/v1/cases/{case.pk}/ratings/").json()
    assert [(r["instrument_key"], r["total"]) for r in ratings["results"]] == [("generic-outcome", 6.0)]
    assert api.get(f"/api/v1/cases/{case.pk}/ratings/", {"measure": measure.pk + 1000}).json()["count"] == 0
    instruments = api.get("/api/v1/instruments/").json()
    assert "generic-outcome" in [i["key"] for i in instruments["results"]]
    assert "theirs" not in [i["key"] for i in instruments["results"]]  # not another service's


def test_a_rating_is_recorded_through_the_rating_service(
    caseworker: User, case: Case, measure: Measure, outsider: User
) -> None:
    instrument = Instrument.objects.create(
        key="api-outcome",
        name="Generisk",
        kind="outcome",
        items=[{"key": "a", "label": "A"}, {"key": "b", "label": "B"}],
        sd=2,
        reliability=0.8,
    )
    url = f"/api/v1/cases/{case.pk}/ratings/"
    body = {
        "instrument": instrument.pk,
        "measure": measure.pk,
        "respondent": "Mor",
        "rated_on": "2026-01-05",
        "scores": {"a": 6, "b": 9},
    }
    made = post(api_client_for(caseworker), url, body)
    assert made.status_code == 201, made.json()
    assert (made.json()["total"], made.json()["instrument_key"]) == (7.5, "api-outcome")
    assert Rating.objects.get(case=case).scores == {"a": 6, "b": 9}
    missing = post(api_client_for(caseworker), url, {**body, "scores": {"a": 6}})
    assert missing.status_code == 400
    too_high = post(api_client_for(caseworker), url, {**body, "scores": {"a": 6, "b": 11}})
    assert too_high.status_code == 400
    assert post(api_client_for(outsider), url, body).status_code == 404
    assert Rating.objects.filter(case=case).count() == 1


def test_the_effect_overview_is_for_the_services_leaders(
    leader: User, caseworker: User, outsider: User, service: Service, measure: Measure
) -> None:
    for i in range(3):
        evaluation = Evaluation.objects.create(
            measure=measure,
            due_on=date(2025, 2, 1 + i),
            held_on=date(2025, 2, 1 + i),
            status=EvaluationStatus.CLOSED,
            next_step="continue",
            next_step_requested_by="service",
            next_step_reason="Bra",
            created_by=caseworker,
            t_score=50.0,
        )
        Judgement.objects.create(evaluation=evaluation, perspective="service", effect="yes")
    Evaluation.objects.create(
        measure=measure, due_on=timezone.localdate() - timedelta(days=1), created_by=caseworker
    )
    url = f"/api/v1/services/{service.pk}/effect/"
    got = api_client_for(leader).get(url, {"year": 2025})
    assert got.status_code == 200, got.json()
    data = got.json()
    assert data["effects"][0]["judged"] == 3
    assert data["effects"][0]["yes"] is None  # 3 yes, 0 partly, 0 no: the zeros would tell the 3
    assert data["t_scores"]["total"] == 3 and data["t_scores"]["median"] == 50.0
    assert [o["measure"] for o in data["overdue"]] == [measure.pk]
    assert AuditEvent.objects.filter(object_type="effect_overview", object_id=str(service.pk)).count() == 1
    for other in (caseworker, outsider):
        refused = api_client_for(other).get(url)
        assert refused.status_code == 404
        assert refused["Content-Type"] == "application/problem+json"


def test_another_services_case_answers_404_everywhere(
    outsider: User, measure: Measure, goals: list[Goal]
) -> None:
    evaluation = Evaluation.objects.create(
        measure=measure, due_on=timezone.localdate(), created_by=measure.case.caseworker
    )
    api = api_client_for(outsider)
    url = f"{base(measure)}evaluations/{evaluation.pk}/"
    assert api.get(url).status_code == 404
    assert api.get(f"{base(measure)}goals/{goals[0].pk}/scale/").status_code == 404
    assert post(api, f"{url}judgements/", {"perspective": "service", "effect": "yes"}).status_code == 404
    assert api.get(f"/api/v1/cases/{measure.case_id}/ratings/").status_code == 404


def test_an_evaluation_of_another_measure_is_not_found_under_this_one(
    caseworker: User, case: Case, measure: Measure
) -> None:
    other = decide(case=case, kind="support_contact")
    evaluation = Evaluation.objects.create(measure=other, due_on=timezone.localdate(), created_by=caseworker)
    assert api_client_for(caseworker).get(f"{base(measure)}evaluations/{evaluation.pk}/").status_code == 404


def test_closing_twice_with_the_same_idempotency_key_closes_once(caseworker: User, measure: Measure) -> None:
    evaluation = Evaluation.objects.create(
        measure=measure, due_on=timezone.localdate(), created_by=caseworker
    )
    url = f"{base(measure)}evaluations/{evaluation.pk}/"
    body = {
        "held_on": timezone.localdate().isoformat(),
        "next_step": "change",
        "requested_by": "service",
        "reason": "Mer støtte i skolen",
        "version": evaluation.version,
    }
    api = api_client_for(caseworker)
    first = api.post(f"{url}close/", body, content_type=JSON, HTTP_IDEMPOTENCY_KEY="close-1")
    assert first.status_code == 200, first.json()
    again = api.post(f"{url}close/", body, content_type=JSON, HTTP_IDEMPOTENCY_KEY="close-1")
    assert (again.status_code, again["Location"]) == (303, url)
    assert Evaluation.objects.get(pk=evaluation.pk).status == EvaluationStatus.CLOSED
