"""Measure plans whose evaluation is overdue: in the follow-up overview and in `sirkel remind`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone

from sirkel.accounts.models import Service, User
from sirkel.actions.models import ReminderLog
from sirkel.actions.selectors.overviews import overdue_plans, overview_for_user
from sirkel.audit.models import AuditEvent
from sirkel.cases.models import Case, MeasurePlan, Phase
from sirkel.cases.plans import EntryInput, GoalInput, save_plan
from sirkel.testing.factories import decide
from sirkel.testing.fixtures import client_for

LOCMEM = override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")


def planned(case: Case, *, evaluated_days_ago: int, months: int = 3) -> MeasurePlan:
    """A plan with one decided measure, last evaluated `evaluated_days_ago` days ago."""
    measure = decide(case=case, kind="pmto", decided_on=timezone.localdate() - timedelta(days=300))
    return save_plan(
        acting_user=case.caseworker,
        case=case,
        expected_version=0,
        evaluation_months=months,
        last_evaluated_on=timezone.localdate() - timedelta(days=evaluated_days_ago),
        entries=[EntryInput(measure_id=measure.pk, goals=[GoalInput("Færre konflikter hjemme.")])],
    )


def short(day: date | None) -> str:
    assert day is not None
    return formats.date_format(day, "SHORT_DATE_FORMAT")


@pytest.fixture
def cases(
    make_case: Callable[..., Case], caseworker: User, teammate: User, service: Service
) -> dict[str, Case]:
    return {
        "mine": make_case(
            owner=caseworker, service=service, child_given_name="Sofie", child_family_name="Lund"
        ),
        "not_due": make_case(
            owner=caseworker, service=service, child_given_name="Ida", child_family_name="Berg"
        ),
        "teammates": make_case(
            owner=teammate, service=service, child_given_name="Theo", child_family_name="Moe"
        ),
    }


@pytest.mark.django_db
def test_the_overview_lists_overdue_evaluations_of_the_cases_the_user_may_see(
    cases: dict[str, Case], caseworker: User, leader: User
) -> None:
    mine = planned(cases["mine"], evaluated_days_ago=120)
    planned(cases["not_due"], evaluated_days_ago=30)
    teammates = planned(cases["teammates"], evaluated_days_ago=200)

    client = client_for(caseworker)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("actions:overview")).content.decode()
    assert "Evaluations overdue (1)" in html
    assert f'href="{reverse("cases:detail", args=[cases["mine"].pk])}"' in html
    assert short(mine.next_evaluation_on) in html
    assert "Ida Berg" not in html and "Theo Moe" not in html

    # The leader sees every case in the service, the oldest due first; "mine" leaves out others' cases.
    assert list(overview_for_user(user=leader).plans_overdue) == [teammates, mine]
    event = AuditEvent.objects.filter(object_type="action", actor=leader).latest("id")
    assert event.detail["plans"] == [teammates.pk, mine.pk]
    assert overview_for_user(user=leader).plans_overdue_total == 2
    assert overview_for_user(user=leader, mine=True).plans_overdue == []
    assert overview_for_user(user=caseworker, mine=True).plans_overdue == [mine]


@pytest.mark.django_db
def test_a_plan_of_a_closed_case_or_without_running_measures_is_not_overdue(
    cases: dict[str, Case], caseworker: User
) -> None:
    plan = planned(cases["mine"], evaluated_days_ago=120)
    decide(case=cases["mine"], kind="support_contact")  # two running measures: the plan is listed once
    assert list(overdue_plans(user=caseworker, on=timezone.localdate())) == [plan]
    Case.objects.filter(pk=cases["mine"].pk).update(phase=Phase.CLOSED)
    assert list(overdue_plans(user=caseworker, on=timezone.localdate())) == []


@pytest.mark.django_db
def test_overview_queries_do_not_grow_with_the_number_of_overdue_plans(
    make_case: Callable[..., Case], caseworker: User, leader: User, service: Service
) -> None:
    client = client_for(leader)
    url = reverse("actions:overview")
    first = make_case(owner=caseworker, service=service)
    planned(first, evaluated_days_ago=120)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    more = [make_case(owner=caseworker, service=service, child_given_name=f"Barn{i}") for i in range(5)]
    for case in more:
        planned(case, evaluated_days_ago=100)
    with CaptureQueriesContext(connection) as large:
        html = client.get(url).content.decode()
    for case in [first, *more]:
        assert f'href="{reverse("cases:detail", args=[case.pk])}"' in html
    assert len(large.captured_queries) == len(small.captured_queries)
    assert overview_for_user(user=leader).plans_overdue_total == 6


def run(*args: str) -> str:
    out = StringIO()
    call_command("remind", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@LOCMEM
@pytest.mark.django_db
def test_remind_tells_the_caseworker_once_a_day_with_only_the_childs_first_name(
    cases: dict[str, Case], caseworker: User, teammate: User
) -> None:
    User.objects.filter(pk=caseworker.pk).update(email="caseworker@example.org")
    plan = planned(cases["mine"], evaluated_days_ago=120)
    planned(cases["not_due"], evaluated_days_ago=30)
    teammates = planned(cases["teammates"], evaluated_days_ago=200)  # the teammate has no e-mail address

    dry = run("--dry-run")
    assert f"Would send to caseworker@example.org (user:{caseworker.pk}" in dry
    assert f"[plan:{plan.pk}] Sofie:" in dry and short(plan.next_evaluation_on) in dry
    assert (
        f"Skipped {teammate.display_name()} (user:{teammate.pk})" in dry and f"[plan:{teammates.pk}]" in dry
    )
    assert "Ida" not in dry and not mail.outbox

    run()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["caseworker@example.org"]
    assert "Sofie" in message.body and short(plan.next_evaluation_on) in message.body
    assert "Lund" not in message.body and str(cases["mine"].birth_date.year) not in message.body
    assert ReminderLog.objects.filter(recipient=f"user:{caseworker.pk}", item=f"plan:{plan.pk}").exists()

    run()
    assert len(mail.outbox) == 1  # once a day
