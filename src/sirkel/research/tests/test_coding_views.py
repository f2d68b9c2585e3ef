"""The coding pages: assigning files, a coder's own files and the blind coding page (a full registration
round-trips through the form, problems keep the input, the prefill is marked, a stale copy is refused),
who may, the audit events and the number of queries."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sirkel.accounts.models import Role, Service, User
from sirkel.audit.models import AuditEvent
from sirkel.cases.models import Case
from sirkel.research import coding_services
from sirkel.research.coding_services import FileRef, linked_case_ref
from sirkel.research.models import Assignment, Project, ProjectResearcher, Registration
from sirkel.research.services import revoke_grant
from sirkel.research.tests.helpers import make_grant
from sirkel.testing.factories import decide
from sirkel.testing.fixtures import client_for, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(leader: User, researcher: User, service: Service) -> Project:
    return make_grant(leader=leader, service=service, researchers=(researcher,)).project


@pytest.fixture
def second_coder(service: Service, project: Project) -> User:
    user = make_user("coder2", service, Role.RESEARCHER)
    ProjectResearcher.objects.create(project=project, user=user)
    return user


def _assign(project: Project, researcher: User, files: list[FileRef], coders: list[User]) -> list[Assignment]:
    return coding_services.assign_files(
        acting_user=researcher, project=project, files=files, coders=coders, double_share=100
    )


def _code_url(a: Assignment) -> str:
    return reverse("research:code", args=[a.project.slug, a.pk])


def test_the_project_page_links_to_assigning_and_my_files(project: Project, researcher: User) -> None:
    html = client_for(researcher).get(reverse("research:project", args=[project.slug])).content.decode()
    assert reverse("research:assign", args=[project.slug]) in html
    assert reverse("research:my_files", args=[project.slug]) in html


def test_assigning_lists_the_granted_files_without_names_and_assigns_them(
    project: Project,
    researcher: User,
    second_coder: User,
    case: Case,
    make_case: Callable[..., Case],
    caseworker: User,
    service: Service,
) -> None:
    other = make_case(owner=caseworker, service=service, child_given_name="Noah")
    url = reverse("research:assign", args=[project.slug])
    client = client_for(researcher)
    html = client.get(url).content.decode()
    assert linked_case_ref(case) in html and linked_case_ref(other) in html
    assert "Emma" not in html and "Noah" not in html and "Testesen" not in html  # never the child's name
    event = AuditEvent.objects.filter(actor=researcher, action="view", object_type="research_project").last()
    assert event is not None and event.detail == {"page": "assign"}
    response = client.post(
        url,
        {
            "all_cases": "on",
            "other_refs": "STUDIE-001\n\nSTUDIE-002\nSTUDIE-001",
            "coders": [researcher.pk, second_coder.pk],
            "share": "50",
        },
    )
    assert response.status_code == 302
    refs = sorted(set(Assignment.objects.values_list("case_ref", flat=True)))
    assert refs == sorted([linked_case_ref(case), linked_case_ref(other), "STUDIE-001", "STUDIE-002"])
    assert Assignment.objects.count() == 6  # 4 files, 2 of them (50 %) coded twice
    page = client.get(url).content.decode()
    assert 'id="no-cases"' in page  # nothing left to assign
    assert page.count('data-status="not_started"') == 6


def test_bad_assigning_input_answers_400_and_keeps_it(
    project: Project, researcher: User, caseworker: User
) -> None:
    url = reverse("research:assign", args=[project.slug])
    response = client_for(researcher).post(url, {"other_refs": "STUDIE-009", "share": "150"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html and "STUDIE-009" in html
    assert not Assignment.objects.exists()
    # A user who is not on the project is no coder to choose.
    response = client_for(researcher).post(
        url, {"other_refs": "X-1", "coders": [caseworker.pk], "share": "0"}
    )
    assert response.status_code == 400 and not Assignment.objects.exists()


def test_taking_a_file_back_from_its_coder(project: Project, researcher: User) -> None:
    (a,) = _assign(project, researcher, [FileRef("STUDIE-001")], [researcher])
    url = reverse("research:assign", args=[project.slug])
    assert client_for(researcher).post(url, {"unassign": str(a.pk)}).status_code == 302
    assert not Assignment.objects.exists()
    assert client_for(researcher).post(url, {"unassign": "999999"}).status_code == 404


def test_my_files_show_only_mine_with_their_status(
    project: Project, researcher: User, second_coder: User
) -> None:
    made = _assign(
        project, researcher, [FileRef("STUDIE-001"), FileRef("STUDIE-002")], [researcher, second_coder]
    )
    mine = [a for a in made if a.coder == researcher]
    theirs = [a for a in made if a.coder == second_coder]
    coding_services.save_registration(
        acting_user=second_coder, assignment=theirs[0], answers_from_post={}, finish=True, expected_version=0
    )
    coding_services.save_registration(
        acting_user=researcher, assignment=mine[1], answers_from_post={}, finish=False, expected_version=0
    )
    html = client_for(researcher).get(reverse("research:my_files", args=[project.slug])).content.decode()
    assert html.count("data-assignment=") == 2
    assert f'data-assignment="{mine[0].pk}" data-status="not_started"' in html
    assert f'data-assignment="{mine[1].pk}" data-status="draft"' in html
    assert _code_url(mine[0]) in html and _code_url(theirs[0]) not in html


def test_only_the_files_own_coder_reaches_its_page(
    project: Project, researcher: User, second_coder: User, leader: User, caseworker: User
) -> None:
    mine, theirs = sorted(
        _assign(project, researcher, [FileRef("STUDIE-001")], [researcher, second_coder]),
        key=lambda a: a.coder_id != researcher.pk,
    )
    coding_services.save_registration(
        acting_user=second_coder,
        assignment=theirs,
        answers_from_post={"sex": "boy"},
        finish=True,
        expected_version=0,
    )
    for user in (second_coder, leader, caseworker):
        assert client_for(user).get(_code_url(mine)).status_code == 404
        assert client_for(user).post(_code_url(mine), {"action": "save", "version": "0"}).status_code == 404
    response = client_for(researcher).get(_code_url(mine))
    assert response.status_code == 200
    html = response.content.decode()
    # Blind: nothing of the other coder's finished registration shows.
    assert 'data-status="not_started"' in html and "coder2" not in html
    assert 'value="boy" checked' not in html


FULL = {
    "version": "0",
    "decisions.count": "2",
    "municipality_number": "0301",
    "coder": "Researcher",
    "service_population": "1000",
    "sex": "girl",
    "birth_year": "2015",
    "lives_with": "other",
    "lives_with_other": "Grandmother",
    "children_in_household": "2",
    "birthplace": "Asia",  # a label is taken too (normalised to its key)
    "years_in_contact": "3-5",
    "target_groups": ["minority_background", "fathers"],
    "interpreter_used": "yes",
    "interpreter_experience": "Worked well",
    "decisions[1].decision_month": "2024-03",
    "decisions[1].measures": ["network_meeting"],
    "decisions[1].measure_plan_exists": "yes",
    "decisions[1].involved_in_plan": ["mother", "child"],
    "decisions[2].decision_month": "",
}


def test_a_full_registration_round_trips_through_the_form(project: Project, researcher: User) -> None:
    (a,) = _assign(project, researcher, [FileRef("STUDIE-001")], [researcher])
    client = client_for(researcher)
    response = client.post(_code_url(a), {**FULL, "action": "save"})
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.answers == {
        "municipality_number": "0301",
        "coder": "Researcher",
        "service_population": 1000,
        "sex": "girl",
        "birth_year": 2015,
        "lives_with": "other",
        "lives_with_other": "Grandmother",
        "children_in_household": 2,
        "birthplace": "asia",
        "years_in_contact": "3-5",
        "target_groups": ["minority_background", "fathers"],
        "interpreter_used": "yes",
        "interpreter_experience": "Worked well",
        "decisions": [
            {
                "decision_month": "2024-03",
                "measures": ["network_meeting"],
                "measure_plan_exists": "yes",
                "involved_in_plan": ["mother", "child"],
            }
        ],
    }
    assert registration.submitted_at is None and registration.coder_user == researcher
    # The saved page: the ticked measure's own block appears, one empty decision more, and the answers.
    html = client.get(_code_url(a)).content.decode()
    assert 'name="decisions[1].per_measure.network_meeting.evaluated"' in html
    assert 'name="decisions[2].decision_month"' in html and 'name="decisions[3].decision_month"' not in html
    assert '<fieldset class="coding-group" id="b-decisions-1">' in html  # numbered fieldsets
    assert '<fieldset class="coding-group" id="b-decisions-2">' in html
    assert 'value="asia" checked' in html and 'value="2024-03"' in html
    # The measure's block answered, and finished.
    posted = {
        **FULL,
        "version": "1",
        "birthplace": "asia",
        "decisions[1].per_measure.network_meeting.evaluated": "yes",
        "decisions[1].per_measure.network_meeting.evaluation_description": "Two meetings",
        "action": "finish",
    }
    assert client.post(_code_url(a), posted).status_code == 302
    registration.refresh_from_db()
    assert registration.submitted_at is not None and registration.version == 2
    assert registration.answers["decisions"][0]["per_measure"] == {
        "network_meeting": {"evaluated": "yes", "evaluation_description": "Two meetings"}
    }
    html = client.get(_code_url(a)).content.decode()
    assert 'value="reopen"' in html and 'value="finish"' not in html
    # Reopened by the coder.
    assert client.post(_code_url(a), {"action": "reopen"}).status_code == 302
    registration.refresh_from_db()
    assert registration.submitted_at is None
    events = AuditEvent.objects.filter(object_type="research_registration").order_by("id")
    assert [(e.action, e.detail["finished"]) for e in events] == [
        ("create", False),
        ("update", True),
        ("update", False),
    ]


def test_a_problem_keeps_the_input_beside_its_question(project: Project, researcher: User) -> None:
    (a,) = _assign(project, researcher, [FileRef("STUDIE-001")], [researcher])
    response = client_for(researcher).post(
        _code_url(a), {**FULL, "birth_year": "1850", "decisions[1].decision_month": "March", "action": "save"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        'role="alert"' in html
        and 'href="#q-birth_year"' in html
        and 'href="#q-decisions-1-decision_month"' in html
    )
    assert 'value="1850"' in html and 'value="March"' in html and "Grandmother" in html
    assert 'id="q-birth_year-error"' in html
    assert not Registration.objects.exists()


def test_the_add_button_shows_one_more_decision_without_saving(project: Project, researcher: User) -> None:
    (a,) = _assign(project, researcher, [FileRef("STUDIE-001")], [researcher])
    response = client_for(researcher).post(_code_url(a), {**FULL, "add": "decisions.count"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="decisions[3].decision_month"' in html and 'value="2024-03"' in html
    assert not Registration.objects.exists()


def test_an_empty_post_is_refused(project: Project, researcher: User) -> None:
    (a,) = _assign(project, researcher, [FileRef("STUDIE-001")], [researcher])
    assert client_for(researcher).post(_code_url(a), {}).status_code == 400


def test_a_linked_case_is_prefilled_and_marked_while_the_grant_lasts(
    project: Project, researcher: User, case: Case, leader: User
) -> None:
    decide(case=case, kind="network_meeting", decided_on=date(2025, 3, 4))
    (a,) = _assign(project, researcher, [FileRef(linked_case_ref(case), case)], [researcher])
    html = client_for(researcher).get(_code_url(a)).content.decode()
    assert 'id="q-sex-prefill"' in html and 'aria-describedby="q-sex-prefill"' in html
    assert 'class="prefill-badge"' in html and 'value="girl" checked' in html
    assert 'data-path="decisions[1].measures" data-prefilled="true"' in html
    event = AuditEvent.objects.filter(actor=researcher, object_type="research_project").last()
    assert event is not None
    assert event.detail == {"page": "coding", "assignment": a.pk, "prefilled_from_case": case.pk}
    revoke_grant(acting_user=leader, grant=project.grants.get(), reason="Ended")
    html = client_for(researcher).get(_code_url(a)).content.decode()
    assert "prefill-badge" not in html and 'value="girl" checked' not in html


def test_the_english_page_shows_from_sirkel(project: Project, researcher: User, case: Case) -> None:
    (a,) = _assign(project, researcher, [FileRef(linked_case_ref(case), case)], [researcher])
    client = client_for(researcher)
    client.cookies["django_language"] = "en"
    html = client.get(_code_url(a), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "From Sirkel" in html and "About the child" in html  # the form's English title


def test_a_stale_copy_is_refused_and_the_input_kept(project: Project, researcher: User) -> None:
    (a,) = _assign(project, researcher, [FileRef("STUDIE-001")], [researcher])
    client = client_for(researcher)
    assert client.post(_code_url(a), {**FULL, "action": "save"}).status_code == 302
    response = client.post(_code_url(a), {**FULL, "lives_with_other": "Uncle", "action": "save"})  # version 0
    assert response.status_code == 409
    html = response.content.decode()
    assert 'role="alert"' in html and "Uncle" in html
    assert Registration.objects.get().answers["lives_with_other"] == "Grandmother"


def _queries(client: Client, url: str) -> int:
    client.get(url)  # the session and caches warmed
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_query_counts_do_not_grow_with_the_files(
    project: Project,
    researcher: User,
    second_coder: User,
    make_case: Callable[..., Case],
    caseworker: User,
    service: Service,
    django_assert_max_num_queries: Callable[[int], AbstractContextManager[object]],
) -> None:
    client = client_for(researcher)
    urls = [reverse(name, args=[project.slug]) for name in ("research:assign", "research:my_files")]
    made = _assign(project, researcher, [FileRef("STUDIE-001")], [researcher, second_coder])
    first = next(a for a in made if a.coder == researcher)
    make_case(owner=caseworker, service=service)
    few = [_queries(client, url) for url in urls]
    for n in range(2, 12):
        made = _assign(project, researcher, [FileRef(f"STUDIE-{n:03d}")], [researcher, second_coder])
        mine = next(a for a in made if a.coder == researcher)
        coding_services.save_registration(
            acting_user=researcher,
            assignment=mine,
            answers_from_post={},
            finish=n % 2 == 0,
            expected_version=0,
        )
        make_case(owner=caseworker, service=service)
    assert [_queries(client, url) for url in urls] == few
    with django_assert_max_num_queries(25):
        assert client.get(urls[0]).status_code == 200
    # The coding page: as many queries for a registration with one decision as with five.
    code = _code_url(first)
    one = {**FULL, "action": "save", "decisions.count": "1"}
    assert client.post(code, one).status_code == 302
    count = _queries(client, code)
    registration = Registration.objects.get(case_ref="STUDIE-001")
    registration.answers["decisions"] = [
        {"decision_month": f"2024-0{m}", "measures": ["pmto"]} for m in range(1, 6)
    ]
    registration.save()
    assert _queries(client, code) == count
