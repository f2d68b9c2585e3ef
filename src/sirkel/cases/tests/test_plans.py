"""The measure plan: versions, goals that keep their identity, the evaluation date, and its pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from sirkel.accounts.models import User
from sirkel.cases.decisions import add_months
from sirkel.cases.models import Case, Goal, Measure, PlanVersion
from sirkel.cases.plans import EntryInput, GoalInput, is_overdue, plan_of, save_plan, set_goals
from sirkel.core.versioning import ConflictError
from sirkel.testing.factories import decide
from sirkel.testing.fixtures import client_for

GOAL = "Gutten har en god skoledag og mestrer samspill med andre."


def first_version(case: Case, measure: Measure) -> None:
    save_plan(
        acting_user=case.caseworker,
        case=case,
        expected_version=0,
        entries=[
            EntryInput(
                measure_id=measure.pk,
                goals=[GoalInput(text=GOAL, sub_goals=[GoalInput(text="Møter på skolen hver dag.")])],
                content="Støttekontakt to ettermiddager i uka.",
                responsibilities="Skolen melder fravær samme dag.",
                expected_duration="6 måneder",
                internal_note="Far er skeptisk.",
            )
        ],
        change_note="Første plan",
    )


@pytest.mark.django_db
def test_each_save_is_a_new_version_and_earlier_ones_stay_readable(case: Case) -> None:
    measure = decide(case=case, kind="support_contact")
    first_version(case, measure)
    plan = plan_of(case)
    assert plan is not None and plan.version == 1
    goal = Goal.objects.get(measure=measure, parent=None)
    save_plan(
        acting_user=case.caseworker,
        case=case,
        expected_version=1,
        entries=[
            EntryInput(
                measure_id=measure.pk,
                goals=[
                    GoalInput(text="Gutten har en god skoledag.", id=goal.pk),
                    GoalInput(text="Mor får avlastning."),
                ],
            )
        ],
        change_note="Nytt mål",
    )
    plan.refresh_from_db()
    assert plan.version == 2
    goal.refresh_from_db()
    assert goal.text == "Gutten har en god skoledag." and goal.retired_at is None  # same goal, new words
    assert Goal.objects.get(text="Møter på skolen hver dag.").retired_at is not None  # left out: retired
    first, second = PlanVersion.objects.filter(plan=plan).order_by("number")
    assert first.content["measures"][0]["goals"][0]["text"] == GOAL
    assert first.content["measures"][0]["goals"][0]["sub_goals"][0]["text"] == "Møter på skolen hver dag."
    assert [g["text"] for g in second.content["measures"][0]["goals"]] == [
        "Gutten har en god skoledag.",
        "Mor får avlastning.",
    ]
    assert second.created_by == case.caseworker and second.change_note == "Nytt mål"


@pytest.mark.django_db
def test_a_stale_plan_is_refused_and_nothing_is_written(case: Case) -> None:
    measure = decide(case=case, kind="support_contact")
    first_version(case, measure)
    with pytest.raises(ConflictError):
        save_plan(acting_user=case.caseworker, case=case, expected_version=0, entries=[])
    assert PlanVersion.objects.count() == 1


@pytest.mark.django_db
def test_the_next_evaluation_follows_the_interval_and_becomes_overdue(case: Case) -> None:
    measure = decide(case=case, kind="support_contact")
    today = timezone.localdate()
    save_plan(acting_user=case.caseworker, case=case, expected_version=0, entries=[])
    plan = plan_of(case)
    assert plan is not None
    assert plan.evaluation_months == 3 and plan.next_evaluation_on == add_months(today, 3)
    assert not is_overdue(plan)
    evaluated = today - timedelta(days=130)
    save_plan(
        acting_user=case.caseworker, case=case, expected_version=1, entries=[], last_evaluated_on=evaluated
    )
    plan.refresh_from_db()
    assert plan.next_evaluation_on == add_months(evaluated, 3)
    assert is_overdue(plan)
    page = client_for(case.caseworker).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="evaluation-overdue"' in page
    assert measure.pk  # the case has a measure that has not ended: the overdue evaluation matters


@pytest.mark.django_db
def test_the_interval_is_set_per_plan_within_a_year(case: Case) -> None:
    decide(case=case, kind="support_contact")
    with pytest.raises(ValidationError):
        save_plan(
            acting_user=case.caseworker, case=case, expected_version=0, entries=[], evaluation_months=13
        )
    save_plan(acting_user=case.caseworker, case=case, expected_version=0, entries=[], evaluation_months=6)
    plan = plan_of(case)
    assert plan is not None and plan.evaluation_months == 6


@pytest.mark.django_db
def test_set_goals_keeps_unchanged_goals(case: Case) -> None:
    measure = decide(case=case, kind="network_meeting")
    set_goals(
        acting_user=case.caseworker, measure=measure, texts=["Emma trives på skolen.", "Mor får hjelp."]
    )
    kept = Goal.objects.get(text="Emma trives på skolen.")
    set_goals(acting_user=case.caseworker, measure=measure, texts=["Emma trives på skolen.", "Far er med."])
    assert Goal.objects.get(text="Emma trives på skolen.").pk == kept.pk
    active = Goal.objects.filter(measure=measure, retired_at__isnull=True).values_list("text", flat=True)
    assert sorted(active) == ["Emma trives på skolen.", "Far er med."]
    assert PlanVersion.objects.count() == 2


@pytest.mark.django_db
def test_the_plan_pages_write_a_version_and_show_the_earlier_one(case: Case) -> None:
    measure = decide(case=case, kind="support_contact")
    client = client_for(case.caseworker)
    client.cookies["django_language"] = "en"
    edit = reverse("cases:plan_edit", args=[case.pk])
    assert client.get(edit).status_code == 200
    response = client.post(
        edit,
        {
            "version": "0",
            "evaluation_months": "3",
            f"m{measure.pk}_new_goal_1": GOAL,
            f"m{measure.pk}_content": "To ettermiddager i uka.",
            f"m{measure.pk}_note": "Intern merknad.",
            "change_note": "Første versjon",
        },
    )
    assert response.status_code == 302
    goal = Goal.objects.get(measure=measure)
    response = client.post(
        edit,
        {
            "version": "1",
            "evaluation_months": "3",
            f"g{goal.pk}": "Gutten har en god skoledag.",
            f"g{goal.pk}_new_sub": "Ingen fravær uten avtale.",
            "change_note": "Endret mål",
        },
    )
    assert response.status_code == 302
    plan_page = client.get(reverse("cases:plan", args=[case.pk])).content.decode()
    assert "Gutten har en god skoledag." in plan_page and "Ingen fravær uten avtale." in plan_page
    old = client.get(reverse("cases:plan_version", args=[case.pk, 1])).content.decode()
    assert GOAL in old and "This is an earlier version" in old
    # A stale form gets the conflict message and keeps its text.
    stale = client.post(edit, {"version": "1", "evaluation_months": "3", f"g{goal.pk}": "Gammel tekst"})
    assert stale.status_code == 200 and "Gammel tekst" in stale.content.decode()
    assert "Someone else saved the plan" in stale.content.decode()


@pytest.mark.django_db
def test_plan_pages_are_404_without_need_to_know(case: Case, outsider: User, researcher: User) -> None:
    measure = decide(case=case, kind="support_contact")
    first_version(case, measure)
    for user in (outsider, researcher):
        client = client_for(user)
        for url in (
            reverse("cases:plan", args=[case.pk]),
            reverse("cases:plan_edit", args=[case.pk]),
            reverse("cases:plan_version", args=[case.pk, 1]),
        ):
            assert client.get(url).status_code == 404
    assert (
        client_for(case.caseworker).get(reverse("cases:plan_version", args=[case.pk, 9])).status_code == 404
    )


@pytest.mark.django_db
def test_the_plan_page_queries_do_not_grow_with_measures_goals_or_versions(case: Case) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(case.caseworker)
    url = reverse("cases:plan", args=[case.pk])
    first_version(case, decide(case=case, kind="support_contact"))
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for number, kind in enumerate(("pmto", "visiting_home", "kindergarten"), start=2):
        measure = decide(case=case, kind=kind)
        goals = [
            GoalInput(text=f"Mål {kind}", sub_goals=[GoalInput(text="Delmål")]),
            GoalInput(text="Nummer to"),
        ]
        save_plan(
            acting_user=case.caseworker,
            case=case,
            expected_version=number - 1,
            entries=[EntryInput(measure_id=measure.pk, goals=goals)],
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
