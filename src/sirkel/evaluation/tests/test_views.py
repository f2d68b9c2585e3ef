"""The staff evaluation pages: goal scales, scheduling from the plan, the evaluation page with its levels
and four perspectives, the reviewer's read-only access (gone when the evaluation closes), the chart."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sirkel.accounts.models import User
from sirkel.audit.models import AuditEvent
from sirkel.cases.access import Basis, case_access, visible_cases_q
from sirkel.cases.models import Case, Goal, Measure, MeasurePlan, PlanVersion
from sirkel.cases.plans import set_goals
from sirkel.evaluation.models import Evaluation, EvaluationStatus, GoalScale, Judgement, Perspective
from sirkel.evaluation.services import (
    choose_reviewer,
    close_evaluation,
    record_judgement,
    record_levels,
    save_scale,
    schedule_evaluation,
)
from sirkel.network.services import add_member
from sirkel.testing.factories import decide, make_series
from sirkel.testing.fixtures import client_for


@pytest.fixture(autouse=True)
def english(settings: object) -> None:
    settings.LANGUAGE_CODE = "en"  # type: ignore[attr-defined]


def en(user: User) -> Client:
    client = client_for(user)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def measure(case: Case) -> Measure:
    measure = decide(case=case, kind="network_meeting")
    set_goals(acting_user=case.caseworker, measure=measure, texts=["Går på skolen", "Sover godt"])
    return measure


@pytest.fixture
def goals(measure: Measure) -> list[Goal]:
    return list(Goal.objects.filter(measure=measure).order_by("position"))


@pytest.fixture
def evaluation(case: Case, measure: Measure, goals: list[Goal]) -> Evaluation:
    for goal, weight in zip(goals, (2, 1), strict=True):
        save_scale(
            acting_user=case.caseworker, goal=goal, texts={"expected": f"Forventet {goal.pk}"}, weight=weight
        )
    return schedule_evaluation(acting_user=case.caseworker, measure=measure, due_on=timezone.localdate())


def detail_url(e: Evaluation) -> str:
    return reverse("evaluation:detail", args=[e.measure.case_id, e.pk])


def post_url(e: Evaluation, name: str) -> str:
    return reverse(f"evaluation:{name}", args=[e.measure.case_id, e.pk])


# --- Goal scales ------------------------------------------------------------------------------------------


def test_the_plan_links_each_goal_to_its_scale_and_offers_to_schedule(
    case: Case, measure: Measure, goals: list[Goal]
) -> None:
    response = en(case.caseworker).get(reverse("cases:plan", args=[case.pk]))
    html = response.content.decode()
    scales = reverse("evaluation:scales", args=[case.pk, measure.pk])
    assert f'href="{scales}#goal-{goals[0].pk}"' in html
    assert reverse("evaluation:schedule", args=[case.pk, measure.pk]) in html
    assert f'id="due-on-{measure.pk}"' in html


def test_a_goal_is_scaled_on_the_scale_page(case: Case, measure: Measure, goals: list[Goal]) -> None:
    client = en(case.caseworker)
    url = reverse("evaluation:scales", args=[case.pk, measure.pk])
    assert client.get(url).status_code == 200
    prefix = f"g{goals[0].pk}"
    response = client.post(
        url,
        {
            "goal": goals[0].pk,
            f"{prefix}-version": 0,
            f"{prefix}-expected": "Går på skolen 4 av 5 dager",
            f"{prefix}-less": "2 av 5",
            f"{prefix}-weight": 3,
        },
    )
    assert response.status_code == 302
    scale = GoalScale.objects.get(goal=goals[0])
    assert (scale.expected, scale.less, scale.weight, scale.version) == (
        "Går på skolen 4 av 5 dager",
        "2 av 5",
        3,
        1,
    )
    page = client.get(url).content.decode()
    assert "Går på skolen 4 av 5 dager" in page


def test_a_refused_scale_keeps_what_was_typed(case: Case, measure: Measure, goals: list[Goal]) -> None:
    prefix = f"g{goals[0].pk}"
    response = en(case.caseworker).post(
        reverse("evaluation:scales", args=[case.pk, measure.pk]),
        {"goal": goals[0].pk, f"{prefix}-version": 0, f"{prefix}-less": "Bare litt", f"{prefix}-weight": 11},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "Bare litt" in html
        and f'id="id_{prefix}-expected_error"' in html
        and f'id="id_{prefix}-weight_error"' in html
    )
    assert not GoalScale.objects.exists()


def test_a_scale_saved_by_someone_else_in_between_is_a_conflict(
    case: Case, measure: Measure, goals: list[Goal]
) -> None:
    save_scale(acting_user=case.caseworker, goal=goals[0], texts={"expected": "Først"}, weight=1)
    prefix = f"g{goals[0].pk}"
    response = en(case.caseworker).post(
        reverse("evaluation:scales", args=[case.pk, measure.pk]),
        {"goal": goals[0].pk, f"{prefix}-version": 0, f"{prefix}-expected": "Mitt", f"{prefix}-weight": 2},
    )
    assert response.status_code == 200
    assert GoalScale.objects.get(goal=goals[0]).expected == "Først"
    assert f'name="{prefix}-version" value="1"' in response.content.decode()


def test_a_post_naming_no_goal_of_the_measure_is_a_bad_request(case: Case, measure: Measure) -> None:
    url = reverse("evaluation:scales", args=[case.pk, measure.pk])
    assert en(case.caseworker).post(url, {"goal": "999999"}).status_code == 400


# --- Scheduling and the list ----------------------------------------------------------------------------


def test_scheduling_from_the_plan_opens_the_evaluation(case: Case, measure: Measure) -> None:
    due = timezone.localdate() + timedelta(days=10)
    response = en(case.caseworker).post(
        reverse("evaluation:schedule", args=[case.pk, measure.pk]), {"due_on": due.isoformat()}
    )
    evaluation = Evaluation.objects.get(measure=measure)
    assert response.status_code == 302 and response["Location"] == detail_url(evaluation)
    assert evaluation.due_on == due


def test_the_schedule_form_proposes_the_plan_s_next_evaluation(case: Case, measure: Measure) -> None:
    plan = MeasurePlan.objects.get(case=case)
    assert plan.next_evaluation_on is not None
    response = en(case.caseworker).get(reverse("evaluation:schedule", args=[case.pk, measure.pk]))
    assert f'value="{plan.next_evaluation_on.isoformat()}"' in response.content.decode()


def test_the_list_marks_overdue_and_draws_the_t_score_with_its_table(
    case: Case, measure: Measure, goals: list[Goal]
) -> None:
    user = case.caseworker
    for goal in goals:
        save_scale(acting_user=user, goal=goal, texts={"expected": "Ok"}, weight=1)
    first = schedule_evaluation(
        acting_user=user, measure=measure, due_on=timezone.localdate() - timedelta(days=40)
    )
    first = record_levels(acting_user=user, evaluation=first, levels={goals[0].pk: 1, goals[1].pk: 1})
    close_evaluation(
        acting_user=user,
        evaluation=first,
        held_on=timezone.localdate() - timedelta(days=30),
        next_step="continue",
        requested_by="parents",
        reason="Det går bedre",
        expected_version=first.version,
    )
    late = schedule_evaluation(
        acting_user=user, measure=measure, due_on=timezone.localdate() - timedelta(days=2)
    )
    record_levels(acting_user=user, evaluation=late, levels={goals[0].pk: -1})
    html = (
        en(user).get(reverse("evaluation:measure_evaluations", args=[case.pk, measure.pk])).content.decode()
    )
    assert (
        f'data-evaluation="{late.pk}" data-status="scheduled" class="row--overdue" data-overdue="true"'
        in html
    )
    assert 'role="img" aria-labelledby="t-score-chart-title"' in html and 'id="t-score-table"' in html
    first.refresh_from_db()
    assert first.t_score == 62.4  # two goals at +1, equal weights: 50 + 10·2/√(0.7·2 + 0.3·4) = 62.40
    assert 'data-t-score="62.4"' in html and 'data-t-score="40.0"' in html
    assert ">62.4<" in html and ">40.0<" in html  # the table beside the chart


# --- The evaluation page ---------------------------------------------------------------------------------


def test_levels_are_recorded_and_the_t_score_shown(
    case: Case, evaluation: Evaluation, goals: list[Goal]
) -> None:
    client = en(case.caseworker)
    response = client.post(
        post_url(evaluation, "levels"),
        {f"levels-goal_{goals[0].pk}": "2", f"levels-goal_{goals[1].pk}": "-1"},
    )
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.t_score == 62.0  # 50 + 10·(2·2 − 1)/√(0.7·5 + 0.3·9) = 50 + 30/√6.2 = 62.048
    assert 'data-t-score="62.0"' in client.get(detail_url(evaluation)).content.decode()


def test_no_level_chosen_is_said_plainly(case: Case, evaluation: Evaluation) -> None:
    response = en(case.caseworker).post(post_url(evaluation, "levels"), {})
    assert (
        response.status_code == 200 and "Choose the level of at least one goal." in response.content.decode()
    )


def test_the_four_perspectives_are_recorded_each_on_its_own(
    case: Case, evaluation: Evaluation, leader: User, teammate: User
) -> None:
    mother = add_member(acting_user=case.caseworker, case=case, name="Mona Mor", relation="Mor")
    father = add_member(acting_user=case.caseworker, case=case, name="Frank Far", relation="Far")
    client = en(case.caseworker)
    assert (
        client.post(post_url(evaluation, "service_judgement"), {"service-effect": "partly"}).status_code
        == 302
    )
    for member, effect in ((mother, "yes"), (father, "no")):
        response = client.post(
            post_url(evaluation, "parent_judgement"),
            {
                "which": "new",
                "parent-new-member": member.pk,
                "parent-new-effect": effect,
                "parent-new-text": "Hm",
            },
        )
        assert response.status_code == 302
    response = client.post(
        post_url(evaluation, "parent_judgement"),
        {
            "which": str(father.pk),
            f"parent-{father.pk}-member": father.pk,
            f"parent-{father.pk}-effect": "partly",
        },
    )
    assert response.status_code == 302
    response = client.post(
        post_url(evaluation, "child_view"),
        {
            "child-scale": "5",
            "child-words": "Bra",
            "child-wants_next": "Mer fotball",
            "child-helped_by": "Mamma",
        },
    )
    assert response.status_code == 302
    choose_reviewer(acting_user=leader, evaluation=evaluation, reviewer=teammate)
    response = en(teammate).post(post_url(evaluation, "reviewer_judgement"), {"reviewer-effect": "yes"})
    assert response.status_code == 302
    rows = {(j.perspective, j.member_id): j for j in Judgement.objects.filter(evaluation=evaluation)}
    assert (
        rows[("service", None)].effect == "partly" and rows[("service", None)].recorded_by == case.caseworker
    )
    assert rows[("parent", mother.pk)].effect == "yes" and rows[("parent", father.pk)].effect == "partly"
    assert rows[("child", None)].child_scale == 5 and rows[("child", None)].child_wants_next == "Mer fotball"
    assert rows[("reviewer", None)].recorded_by == teammate
    html = client.get(detail_url(evaluation)).content.decode()
    assert html.count('class="card parent-judgement"') == 2 and 'data-scale="5"' in html


def test_the_child_form_shows_five_faces_with_words(case: Case, evaluation: Evaluation) -> None:
    html = en(case.caseworker).get(detail_url(evaluation)).content.decode()
    for n in range(1, 6):
        assert f'id="id_child-scale_{n}" value="{n}"' in html
    assert (
        '<span class="face__symbol" aria-hidden="true">😄</span> <span class="face__label">Very good</span>'
        in html
    )


def test_a_child_s_view_without_a_face_or_a_no_is_refused_and_kept(
    case: Case, evaluation: Evaluation
) -> None:
    response = en(case.caseworker).post(post_url(evaluation, "child_view"), {"child-words": "Vet ikke"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_child-scale_error"' in html and "Vet ikke" in html
    assert not Judgement.objects.filter(evaluation=evaluation).exists()


def test_the_leader_is_told_plainly_why_someone_on_the_case_cannot_review(
    case: Case, evaluation: Evaluation, leader: User
) -> None:
    response = en(leader).post(
        post_url(evaluation, "choose_reviewer"), {"choose-reviewer": case.caseworker.pk}
    )
    assert response.status_code == 200
    assert "works on this case and cannot be its independent reviewer" in response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.reviewer_id is None


def test_only_the_leader_chooses_and_only_the_reviewer_judges(
    case: Case, evaluation: Evaluation, teammate: User
) -> None:
    client = en(case.caseworker)
    assert (
        client.post(post_url(evaluation, "choose_reviewer"), {"choose-reviewer": teammate.pk}).status_code
        == 404
    )
    assert (
        client.post(post_url(evaluation, "reviewer_judgement"), {"reviewer-effect": "yes"}).status_code == 404
    )
    assert not Judgement.objects.exists()


def test_closing_writes_the_next_step_and_links_the_plan_s_new_version(
    case: Case, evaluation: Evaluation
) -> None:
    client = en(case.caseworker)
    before = PlanVersion.objects.filter(plan__case=case).count()
    response = client.post(
        post_url(evaluation, "close"),
        {
            "close-version": evaluation.version,
            "close-held_on": timezone.localdate().isoformat(),
            "close-next_step": "continue",
            "close-requested_by": "parents",
            "close-reason": "Foreldrene vil fortsette",
        },
    )
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.CLOSED and evaluation.next_step == "continue"
    version = PlanVersion.objects.filter(plan__case=case).order_by("-number").first()
    assert version is not None and version.number == before + 1
    html = client.get(detail_url(evaluation)).content.decode()
    assert reverse("cases:plan_version", args=[case.pk, version.number]) in html
    assert 'id="save-close"' not in html  # closed: no forms any more


def test_closing_without_a_reason_keeps_the_form(case: Case, evaluation: Evaluation) -> None:
    response = en(case.caseworker).post(
        post_url(evaluation, "close"),
        {"close-version": evaluation.version, "close-held_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 200 and 'id="id_close-reason_error"' in response.content.decode()


# --- The reviewer ----------------------------------------------------------------------------------------


def test_the_reviewer_reads_the_case_only_while_the_evaluation_is_open(
    case: Case, evaluation: Evaluation, leader: User, teammate: User
) -> None:
    client = en(teammate)
    assert client.get(detail_url(evaluation)).status_code == 404  # not yet named
    assert not Case.objects.filter(visible_cases_q(user=teammate)).exists()
    choose_reviewer(acting_user=leader, evaluation=evaluation, reviewer=teammate)
    access = case_access(user=teammate, case=case)
    assert (access.can_view, access.can_edit, access.basis) == (True, False, Basis.REVIEWER)
    assert list(Case.objects.filter(visible_cases_q(user=teammate))) == [case]
    assert client.get(detail_url(evaluation)).status_code == 200
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    event = AuditEvent.objects.filter(actor=teammate, object_type="case").latest("id")
    assert event.detail.get("basis") == "reviewer"
    # Read-only: none of the case's writes.
    assert client.get(reverse("cases:edit", args=[case.pk])).status_code == 404
    assert (
        client.post(post_url(evaluation, "service_judgement"), {"service-effect": "yes"}).status_code == 404
    )
    assert client.post(post_url(evaluation, "levels"), {}).status_code == 404
    close_evaluation(
        acting_user=case.caseworker,
        evaluation=evaluation,
        held_on=timezone.localdate(),
        next_step="end",
        requested_by="service",
        reason="Målene er nådd",
        expected_version=Evaluation.objects.get(pk=evaluation.pk).version,
    )
    assert client.get(detail_url(evaluation)).status_code == 404
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert not case_access(user=teammate, case=case).can_view


def test_the_reviewer_is_blind_until_their_own_judgement(
    case: Case, evaluation: Evaluation, leader: User, teammate: User
) -> None:
    record_judgement(
        acting_user=case.caseworker,
        evaluation=evaluation,
        perspective=Perspective.SERVICE,
        effect="partly",
        text="Skolefravær ned fra 40 % til 10 %",
    )
    choose_reviewer(acting_user=leader, evaluation=evaluation, reviewer=teammate)
    client = en(teammate)
    html = client.get(detail_url(evaluation)).content.decode()
    assert (
        'id="blind-note"' in html and "Skolefravær" not in html and 'data-perspective="service"' not in html
    )
    first_goal = Goal.objects.filter(measure=evaluation.measure).order_by("position").first()
    assert first_goal is not None and f"Forventet {first_goal.pk}" in html  # the goals and their scales
    assert 'id="save-reviewer"' in html and 'id="save-service"' not in html
    client.post(
        post_url(evaluation, "reviewer_judgement"), {"reviewer-effect": "no", "reviewer-text": "Uklart"}
    )
    html = client.get(detail_url(evaluation)).content.decode()
    assert 'id="blind-note"' not in html and "Skolefravær" in html and 'data-perspective="reviewer"' in html


def test_reviews_for_me_lists_the_open_reviews(
    case: Case, evaluation: Evaluation, leader: User, teammate: User
) -> None:
    client = en(teammate)
    assert 'id="no-reviews"' in client.get(reverse("reviews:mine")).content.decode()
    choose_reviewer(acting_user=leader, evaluation=evaluation, reviewer=teammate)
    html = client.get(reverse("reviews:mine")).content.decode()
    assert f'data-evaluation="{evaluation.pk}"' in html and detail_url(evaluation) in html
    assert AuditEvent.objects.filter(actor=teammate, action="list", object_type="evaluation").exists()


# --- Who may not -----------------------------------------------------------------------------------------


def test_outsiders_get_404_everywhere(
    case: Case, evaluation: Evaluation, teammate: User, outsider: User, researcher: User
) -> None:
    measure = evaluation.measure
    urls = [
        reverse("evaluation:scales", args=[case.pk, measure.pk]),
        reverse("evaluation:measure_evaluations", args=[case.pk, measure.pk]),
        reverse("evaluation:schedule", args=[case.pk, measure.pk]),
        detail_url(evaluation),
    ]
    for user in (teammate, outsider, researcher):
        client = en(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user.username, url)
        assert client.post(post_url(evaluation, "close"), {}).status_code == 404


def test_an_evaluation_of_another_case_is_404(
    case: Case, evaluation: Evaluation, make_case: object, caseworker: User, service: object
) -> None:
    other = make_case(owner=caseworker, service=service)  # type: ignore[operator]
    url = reverse("evaluation:detail", args=[other.pk, evaluation.pk])
    assert en(caseworker).get(url).status_code == 404


# --- Query counts ----------------------------------------------------------------------------------------


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_evaluation_page_s_queries_do_not_grow_with_parents_and_goals(
    case: Case, evaluation: Evaluation, measure: Measure, goals: list[Goal]
) -> None:
    user = case.caseworker
    client = en(user)
    first = add_member(acting_user=user, case=case, name="Mona Mor", relation="Mor")
    record_judgement(
        acting_user=user,
        evaluation=evaluation,
        perspective=Perspective.PARENT,
        effect="yes",
        member_id=first.pk,
    )
    record_levels(acting_user=user, evaluation=evaluation, levels={goals[0].pk: 1})
    few = _queries(client, detail_url(evaluation))
    for name in ("Frank Far", "Siri Stemor", "Per Stefar"):
        member = add_member(acting_user=user, case=case, name=name, relation="Forelder")
        record_judgement(
            acting_user=user,
            evaluation=evaluation,
            perspective=Perspective.PARENT,
            effect="no",
            member_id=member.pk,
        )
    record_levels(acting_user=user, evaluation=evaluation, levels={goals[1].pk: -1})
    assert _queries(client, detail_url(evaluation)) == few


def test_the_evaluations_list_s_queries_do_not_grow_with_evaluations(
    case: Case, evaluation: Evaluation, measure: Measure, goals: list[Goal]
) -> None:
    user = case.caseworker
    client = en(user)
    url = reverse("evaluation:measure_evaluations", args=[case.pk, measure.pk])
    few = _queries(client, url)
    for _n in range(3):
        current = Evaluation.objects.get(measure=measure, status=EvaluationStatus.SCHEDULED)
        current = record_levels(acting_user=user, evaluation=current, levels={goals[0].pk: 1})
        close_evaluation(
            acting_user=user,
            evaluation=current,
            held_on=timezone.localdate(),
            next_step="continue",
            requested_by="service",
            reason="Videre",
            expected_version=current.version,
        )
        schedule_evaluation(acting_user=user, measure=measure, due_on=timezone.localdate())
    assert _queries(client, url) == few


def test_a_network_measure_s_evaluation_offers_links_for_parents_and_the_child(case: Case) -> None:
    series = make_series(case=case, kind="network_meeting", caseworker=case.caseworker)
    set_goals(acting_user=case.caseworker, measure=series.measure, texts=["Går på skolen"])
    evaluation = schedule_evaluation(
        acting_user=case.caseworker, measure=series.measure, due_on=timezone.localdate()
    )
    page = en(case.caseworker).get(detail_url(evaluation)).content.decode()
    links = reverse("links:links", args=[case.pk, series.measure_id])
    assert f'href="{links}?purpose=evaluation&amp;evaluation={evaluation.pk}"' in page
    assert f"evaluation={evaluation.pk}&amp;participant=child" in page


def test_a_measure_without_a_network_process_offers_no_link(case: Case) -> None:
    measure = decide(case=case, kind="support_contact")
    set_goals(acting_user=case.caseworker, measure=measure, texts=["Har en fast aktivitet"])
    evaluation = schedule_evaluation(
        acting_user=case.caseworker, measure=measure, due_on=timezone.localdate()
    )
    page = en(case.caseworker).get(detail_url(evaluation)).content.decode()
    assert 'id="parent-link"' not in page and 'id="child-link"' not in page
    assert 'id="save-service"' in page  # the page itself is drawn, editable
