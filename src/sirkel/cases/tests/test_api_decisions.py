"""The REST API's decisions, measure plan and goals: a decision starts, extends and ends measures and is
never changed; the plan is saved in versions with optimistic locking, and an earlier version stays
readable as it was; the services' refusals answer 400 by field; access and the audit as everywhere."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sirkel.accounts.models import Service, User
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.cases.decisions import add_months
from sirkel.cases.models import Case, Decision, Goal, Measure, MeasureStatus, PlanVersion
from sirkel.testing.factories import decide
from sirkel.testing.fixtures import api_client_for

JSON = "application/json"


def base(case: Case) -> str:
    return f"/api/v1/cases/{case.pk}/"


def decision_body(**fields: Any) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "decided_on": today.isoformat(),
        "legal_basis": "voluntary",
        "justification": "Familien ønsker hjelp med rutiner, og skolen melder bekymring.",
        "reasons": [{"group": "child", "key": "school"}],
        "measures": [{"change": "start", "kind": "pmto", "expected_months": 6}],
        "child_told": "Hva tiltaket er og hvem som kommer.",
        "child_said": "Vil gjerne ha hjelp med lekser.",
        "child_agreed": "yes",
        **fields,
    }


def post_decision(client: Client, case: Case, **fields: Any) -> Any:
    return client.post(f"{base(case)}decisions/", decision_body(**fields), content_type=JSON)


@pytest.mark.django_db
def test_a_decision_starts_measures_and_a_later_one_extends_one_and_ends_the_other(
    caseworker: User, case: Case
) -> None:
    client = api_client_for(caseworker)
    start = timezone.localdate() - datetime.timedelta(days=60)
    first = post_decision(
        client,
        case,
        decided_on=start.isoformat(),
        reasons=[
            {"group": "child", "key": "school"},
            {"group": "parents_care", "key": "other", "text": "Mor er mye borte på jobb om kvelden."},
        ],
        measures=[
            {"change": "start", "kind": "pmto", "expected_months": 6, "planned_start": start.isoformat()},
            {"change": "start", "kind": "support_contact", "expected_months": 12},
        ],
    )
    assert first.status_code == 201, first.json()
    one = first.json()
    assert first["Location"] == f"{base(case)}decisions/{one['id']}/"
    assert (one["legal_basis"], one["source"], one["decided_by"]) == ("voluntary", "recorded", caseworker.pk)
    assert one["reasons"] == [
        {
            "group": "child",
            "key": "school",
            "label": "Child's functioning at school/kindergarten",
            "text": "",
        },
        {
            "group": "parents_care",
            "key": "other",
            "label": "Other",
            "text": "Mor er mye borte på jobb om kvelden.",
        },
    ]
    pmto, support = one["items"]
    assert (pmto["kind"], pmto["ssb_code"], pmto["change"], pmto["expected_months"]) == (
        "pmto",
        "3.2",
        "start",
        6,
    )
    assert (support["kind"], support["ssb_code"], support["planned_start"]) == (
        "support_contact",
        "4.6",
        start.isoformat(),  # defaults to the decision's date
    )
    assert (one["child_agreed"], one["youth_consent"]) == ("yes", "not_applicable")

    today = timezone.localdate()
    second = post_decision(
        client,
        case,
        reasons=[{"group": "child", "key": "behaviour"}],
        measures=[
            {"change": "extend", "measure": pmto["measure"], "expected_months": 3},
            {"change": "end", "measure": support["measure"], "ends_on": today.isoformat()},
        ],
    )
    assert second.status_code == 201, second.json()
    two = second.json()
    assert [(i["measure"], i["change"]) for i in two["items"]] == [
        (pmto["measure"], "extend"),
        (support["measure"], "end"),
    ]

    extended = Measure.objects.get(pk=pmto["measure"])
    assert extended.expected_end == add_months(start, 6 + 3)
    measure = client.get(f"{base(case)}measures/{pmto['measure']}/").json()
    assert measure["decided_in"] == [one["id"], two["id"]]
    assert measure["expected_end"] == extended.expected_end.isoformat()
    assert Measure.objects.get(pk=support["measure"]).status == MeasureStatus.ENDED

    listed = client.get(f"{base(case)}decisions/").json()
    assert [d["id"] for d in listed["results"]] == [two["id"], one["id"]]  # newest first
    detail = client.get(f"{base(case)}decisions/{one['id']}/")
    assert detail.status_code == 200 and detail.json() == one
    event = AuditEvent.objects.get(
        action=AuditAction.CREATE, object_type="decision", object_id=str(two["id"])
    )
    assert event.detail["via"] == "api"


@pytest.mark.django_db
def test_extending_adds_the_months_to_the_expected_end(caseworker: User, case: Case) -> None:
    measure = decide(case=case, kind="pmto", decided_on=datetime.date(2026, 1, 31), expected_months=6)
    assert measure.expected_end == datetime.date(2026, 7, 31)
    response = post_decision(
        api_client_for(caseworker),
        case,
        measures=[{"change": "extend", "measure": measure.pk, "expected_months": 1}],
    )
    assert response.status_code == 201, response.json()
    measure.refresh_from_db()
    assert measure.expected_end == datetime.date(2026, 8, 31)


@pytest.mark.django_db
def test_a_decision_is_never_changed_only_followed_by_another(caseworker: User, case: Case) -> None:
    decide(case=case, kind="pmto")
    decision = Decision.objects.get(case=case)
    client = api_client_for(caseworker)
    url = f"{base(case)}decisions/{decision.pk}/"
    for method in ("patch", "put", "delete"):
        response = getattr(client, method)(url, {"justification": "Endret"}, content_type=JSON)
        assert response.status_code == 405, method
        assert response["Content-Type"] == "application/problem+json"
    decision.refresh_from_db()
    assert decision.justification != "Endret"


@pytest.mark.django_db
def test_the_services_refusals_answer_400_by_field_and_record_nothing(
    caseworker: User, case: Case, make_case: Callable[..., Case], service: Service
) -> None:
    client = api_client_for(caseworker)

    imposed = post_decision(
        client, case, legal_basis="imposed", measures=[{"change": "start", "kind": "mst"}]
    )
    assert imposed.status_code == 400
    assert "cannot be imposed" in imposed.json()["errors"]["measures"][0]

    other = post_decision(client, case, reasons=[{"group": "child", "key": "other", "text": "  "}])
    assert other.status_code == 400
    assert other.json()["errors"]["reasons_child_other"] == ["Write the other reason."]

    youth = make_case(owner=caseworker, service=service, birth_date=datetime.date(2009, 6, 1))
    unconsented = post_decision(client, youth)
    assert unconsented.status_code == 400
    assert "15 or older" in unconsented.json()["errors"]["youth_consent"][0]
    consented = post_decision(client, youth, youth_consent="written")
    assert consented.status_code == 201, consented.json()
    assert consented.json()["youth_consent"] == "written"

    missing = client.post(f"{base(case)}decisions/", {}, content_type=JSON).json()["errors"]
    assert {"decided_on", "legal_basis", "justification", "reasons", "measures"} <= set(missing)
    far_off = post_decision(
        client, case, measures=[{"change": "start", "kind": "pmto", "planned_start": "9999-12-01"}]
    )
    assert far_off.json()["errors"]["measures"] == ["A measure must start within ten years of the decision."]
    bad_line = post_decision(client, case, measures=[{"change": "start", "kind": "nonsense"}])
    assert "measures.0.kind" in bad_line.json()["errors"]
    assert Decision.objects.filter(case=case).count() == 0


@pytest.mark.django_db
def test_a_measure_of_another_case_cannot_be_extended(
    caseworker: User, case: Case, make_case: Callable[..., Case], service: Service
) -> None:
    elsewhere = decide(case=make_case(owner=caseworker, service=service), kind="pmto")
    response = post_decision(
        api_client_for(caseworker),
        case,
        measures=[{"change": "extend", "measure": elsewhere.pk, "expected_months": 3}],
    )
    assert response.status_code == 400
    assert response.json()["errors"]["measures"] == ["Choose one of the case's measures."]


@pytest.mark.django_db
def test_a_decision_sent_twice_with_one_idempotency_key_is_recorded_once(
    caseworker: User, case: Case
) -> None:
    client = api_client_for(caseworker)
    body = decision_body()
    url = f"{base(case)}decisions/"
    first = client.post(url, body, content_type=JSON, headers={"Idempotency-Key": "vedtak-1"})
    assert first.status_code == 201, first.json()
    again = client.post(url, body, content_type=JSON, headers={"Idempotency-Key": "vedtak-1"})
    assert again.status_code == 303
    assert again["Location"] == first["Location"]
    assert Decision.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_a_read_only_token_cannot_decide_and_other_services_see_nothing(
    caseworker: User, outsider: User, researcher: User, case: Case
) -> None:
    measure = decide(case=case, kind="pmto")
    decision = Decision.objects.get(case=case)
    read_only = api_client_for(caseworker, read_only=True)
    assert read_only.get(f"{base(case)}decisions/").status_code == 200
    refused = post_decision(read_only, case)
    assert refused.status_code == 403
    refused_plan = read_only.put(f"{base(case)}plan/", {"version": 0}, content_type=JSON)
    assert refused_plan.status_code == 403
    for user in (outsider, researcher):
        client = api_client_for(user)
        for url in (
            f"{base(case)}decisions/",
            f"{base(case)}decisions/{decision.pk}/",
            f"{base(case)}plan/",
            f"{base(case)}plan/versions/",
            f"{base(case)}plan/versions/1/",
            f"{base(case)}measures/{measure.pk}/goals/",
        ):
            response = client.get(url)
            assert response.status_code == 404, url
            assert response["Content-Type"] == "application/problem+json"
        assert post_decision(client, case).status_code == 404
        assert client.put(f"{base(case)}plan/", {"version": 0}, content_type=JSON).status_code == 404
    assert Decision.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_a_decision_of_another_case_is_not_found_under_this_one(
    caseworker: User, case: Case, make_case: Callable[..., Case], service: Service
) -> None:
    other = make_case(owner=caseworker, service=service)
    decide(case=other, kind="pmto")
    response = api_client_for(caseworker).get(f"{base(case)}decisions/{Decision.objects.get(case=other).pk}/")
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_decision_list_reads_the_same_number_of_queries_for_2_and_10_decisions(
    caseworker: User, case: Case
) -> None:
    client = api_client_for(caseworker)
    url = f"{base(case)}decisions/"
    client.get(url)  # the token's first use is written down once

    def queries_with(n: int) -> int:
        while Decision.objects.filter(case=case).count() < n:
            decide(case=case, kind="support_contact")
        with CaptureQueriesContext(connection) as captured:
            body = client.get(url).json()
        assert body["count"] == n and len(body["results"]) == n
        return len(captured.captured_queries)

    assert queries_with(2) == queries_with(10)


# --- The plan ---------------------------------------------------------------------------------------------


def put_plan(client: Client, case: Case, **body: Any) -> Any:
    return client.put(f"{base(case)}plan/", body, content_type=JSON)


@pytest.mark.django_db
def test_a_case_without_a_plan_answers_an_empty_plan_at_version_0(caseworker: User, case: Case) -> None:
    measure = decide(case=case, kind="pmto")
    client = api_client_for(caseworker)
    plan = client.get(f"{base(case)}plan/").json()
    assert (plan["version"], plan["evaluation_months"], plan["next_evaluation_on"], plan["overdue"]) == (
        0,
        3,
        None,
        False,
    )
    assert [(m["measure"], m["kind"], m["label"], m["ssb_code"], m["goals"]) for m in plan["measures"]] == [
        (measure.pk, "pmto", "PMTO (Parent Management Training Oregon)", "3.2", [])
    ]
    assert client.get(f"{base(case)}plan/versions/").json() == {"count": 0, "next": None, "results": []}
    assert client.get(f"{base(case)}plan/versions/1/").status_code == 404


@pytest.mark.django_db
def test_the_plan_is_saved_in_versions_and_an_earlier_one_stays_as_it_was(
    caseworker: User, case: Case
) -> None:
    pmto = decide(case=case, kind="pmto")
    support = decide(case=case, kind="support_contact")
    client = api_client_for(caseworker)

    first = put_plan(
        client,
        case,
        version=0,
        evaluation_months=2,
        change_note="Første plan",
        measures=[
            {
                "measure": pmto.pk,
                "content": "Ukentlige økter hjemme.",
                "responsibilities": "Terapeut og mor.",
                "expected_duration": "Et halvt år",
                "goals": [
                    {"text": "Roligere morgener", "sub_goals": [{"text": "Kommer på skolen til tiden"}]},
                    {"text": "Mor setter grenser uten å rope"},
                ],
            }
        ],
    )
    assert first.status_code == 200, first.json()
    plan = first.json()
    assert (plan["version"], plan["evaluation_months"]) == (1, 2)
    assert plan["next_evaluation_on"] is not None and plan["overdue"] is False
    entry = next(m for m in plan["measures"] if m["measure"] == pmto.pk)
    assert entry["content"] == "Ukentlige økter hjemme."
    mornings, limits = entry["goals"]
    assert [s["text"] for s in mornings["sub_goals"]] == ["Kommer på skolen til tiden"]

    # Keep one goal (by id, with a new text), drop the other, add one; evaluated a year ago: overdue.
    year_ago = (timezone.localdate() - datetime.timedelta(days=365)).isoformat()
    second = put_plan(
        client,
        case,
        version=1,
        last_evaluated_on=year_ago,
        change_note="Etter evaluering",
        measures=[
            {
                "measure": pmto.pk,
                "content": "Ukentlige økter hjemme.",
                "goals": [
                    {"id": mornings["id"], "text": "Rolige morgener", "sub_goals": mornings["sub_goals"]},
                    {"text": "Emma sover hele natten"},
                ],
            },
            {"measure": support.pk, "goals": [{"text": "Emma har en fast fritidsaktivitet"}]},
        ],
    )
    assert second.status_code == 200, second.json()
    plan = second.json()
    assert (plan["version"], plan["evaluation_months"], plan["overdue"]) == (2, 2, True)
    goals = next(m for m in plan["measures"] if m["measure"] == pmto.pk)["goals"]
    assert [(g["id"] == mornings["id"], g["text"]) for g in goals] == [
        (True, "Rolige morgener"),
        (False, "Emma sover hele natten"),
    ]

    versions = client.get(f"{base(case)}plan/versions/").json()
    assert [(v["number"], v["change_note"], v["created_by"]) for v in versions["results"]] == [
        (2, "Etter evaluering", caseworker.pk),
        (1, "Første plan", caseworker.pk),
    ]
    old = client.get(f"{base(case)}plan/versions/1/").json()
    old_goals = next(m for m in old["content"]["measures"] if m["measure"] == pmto.pk)["goals"]
    assert [g["text"] for g in old_goals] == ["Roligere morgener", "Mor setter grenser uten å rope"]
    assert old["content"]["last_evaluated_on"] is None

    goals_url = f"{base(case)}measures/{pmto.pk}/goals/"
    active = client.get(goals_url).json()["results"]
    assert [(g["text"], g["retired_at"]) for g in active] == [
        ("Rolige morgener", None),
        ("Emma sover hele natten", None),
    ]
    assert [s["text"] for s in active[0]["sub_goals"]] == ["Kommer på skolen til tiden"]
    everything = client.get(goals_url, {"include_retired": "true"}).json()["results"]
    retired = [g for g in everything if g["retired_at"]]
    assert [(g["id"], g["text"]) for g in retired] == [(limits["id"], "Mor setter grenser uten å rope")]


@pytest.mark.django_db
def test_a_stale_plan_version_is_409_and_writes_nothing(caseworker: User, case: Case) -> None:
    measure = decide(case=case, kind="pmto")
    client = api_client_for(caseworker)
    goal = [{"measure": measure.pk, "goals": [{"text": "Roligere morgener"}]}]
    assert put_plan(client, case, version=0, measures=goal).status_code == 200
    stale = put_plan(
        client, case, version=0, measures=[{"measure": measure.pk, "goals": [{"text": "Annet"}]}]
    )
    assert stale.status_code == 409
    assert stale["Content-Type"] == "application/problem+json"
    assert list(Goal.objects.filter(measure=measure).values_list("text", flat=True)) == ["Roligere morgener"]
    assert PlanVersion.objects.filter(plan__case=case).count() == 1
    assert "version" in put_plan(client, case, measures=goal).json()["errors"]


@pytest.mark.django_db
def test_the_plan_covers_only_the_cases_measures_that_have_not_ended(
    caseworker: User, case: Case, make_case: Callable[..., Case], service: Service
) -> None:
    measure = decide(case=case, kind="pmto")
    elsewhere = decide(case=make_case(owner=caseworker, service=service), kind="pmto")
    client = api_client_for(caseworker)
    foreign = put_plan(client, case, version=0, measures=[{"measure": elsewhere.pk}])
    assert foreign.status_code == 400
    assert "measures" in foreign.json()["errors"]
    twice = put_plan(client, case, version=0, measures=[{"measure": measure.pk}, {"measure": measure.pk}])
    assert twice.status_code == 400
    assert twice.json()["errors"]["measures"] == ["Each measure can appear only once in the plan."]
    months = put_plan(client, case, version=0, evaluation_months=13)
    assert "evaluation_months" in months.json()["errors"]
    assert not PlanVersion.objects.exists()


@pytest.mark.django_db
def test_the_goals_of_a_measure_of_another_case_are_not_found(
    caseworker: User, case: Case, make_case: Callable[..., Case], service: Service
) -> None:
    elsewhere = decide(case=make_case(owner=caseworker, service=service), kind="pmto")
    assert api_client_for(caseworker).get(f"{base(case)}measures/{elsewhere.pk}/goals/").status_code == 404
