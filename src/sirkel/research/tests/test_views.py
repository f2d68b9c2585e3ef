"""The leaders' grant pages and the researcher's page: who may, what is written and audited, and the
number of queries."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import timezone

from sirkel.accounts.models import Role, Service, User
from sirkel.audit.models import AuditEvent
from sirkel.cases.models import Case
from sirkel.research.models import Grant, Project
from sirkel.research.tests.helpers import make_grant
from sirkel.testing.fixtures import client_for, make_user

pytestmark = pytest.mark.django_db

GRANTS = reverse("research:grants")
REVOKE = reverse("research:revoke")
MINE = reverse("research:mine")


def _post(service: Service, **over: object) -> dict[str, object]:
    return {
        "service": service.pk,
        "project": "__new__",
        "new_slug": "nettverk-2026",
        "new_name": "Networks in child welfare",
        "scope": "all",
        "case_numbers": "",
        "valid_until": (timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
        "legal_basis": "Exemption from confidentiality (Bufdir, 2026-01-10)",
        "dpia_ref": "DPIA-7",
        "reason": "Case-file review",
        **over,
    }


def test_only_the_services_leaders_reach_the_grant_pages(
    caseworker: User, consultant: User, researcher: User, outsider: User, leader: User, service: Service
) -> None:
    for user in (caseworker, consultant, researcher):
        client = client_for(user)
        assert client.get(GRANTS).status_code == 404
        assert client.post(GRANTS, _post(service)).status_code == 404
        assert client.post(REVOKE, {"grant": 1, "reason": "x"}).status_code == 404
    grant = make_grant(leader=leader, service=service)
    assert f'data-grant="{grant.pk}"' in client_for(leader).get(GRANTS).content.decode()
    # The leader of another service sees their own service's grants only, and cannot grant on this one.
    theirs = client_for(outsider).get(GRANTS)
    assert theirs.status_code == 200 and f'data-grant="{grant.pk}"' not in theirs.content.decode()
    assert client_for(outsider).post(GRANTS, _post(service, new_slug="x-y")).status_code == 400
    assert client_for(outsider).post(REVOKE, {"grant": grant.pk, "reason": "x"}).status_code == 404
    assert list(Grant.objects.all()) == [grant]


def test_a_leader_grants_a_new_project_with_researchers_and_it_is_audited(
    leader: User, researcher: User, service: Service, case: Case
) -> None:
    response = client_for(leader).post(GRANTS, _post(service, researchers=[researcher.pk]))
    assert response.status_code == 302
    grant = Grant.objects.get()
    assert (grant.project.slug, grant.project.name, grant.all_cases) == (
        "nettverk-2026",
        "Networks in child welfare",
        True,
    )
    assert grant.project.form_version.key == "study-2023"
    assert list(grant.project.researchers.values_list("user", flat=True)) == [researcher.pk]
    assert (grant.legal_basis, grant.dpia_ref, grant.granted_by) == (
        "Exemption from confidentiality (Bufdir, 2026-01-10)",
        "DPIA-7",
        leader,
    )
    events = AuditEvent.objects.filter(actor=leader, action="create").order_by("id")
    assert [e.object_type for e in events] == ["research_project", "research_grant"]
    assert events.last().detail["researchers_added"] == [researcher.pk]  # type: ignore[union-attr]
    page = client_for(leader).get(GRANTS)
    assert f'data-grant="{grant.pk}"' in page.content.decode()


def test_a_grant_for_listed_cases_and_an_existing_project(
    leader: User, service: Service, case: Case, make_case: Callable[..., Case], caseworker: User
) -> None:
    other = make_case(owner=caseworker, service=service)
    make_grant(leader=leader, service=service, slug="p-one")
    response = client_for(leader).post(
        GRANTS, _post(service, project="p-one", scope="listed", case_numbers=f"{case.number}")
    )
    assert response.status_code == 302
    grant = Grant.objects.latest("id")
    assert grant.project.slug == "p-one" and not grant.all_cases
    assert list(grant.cases.all()) == [case]
    assert other not in grant.cases.all()
    assert Project.objects.count() == 1


@pytest.mark.parametrize(
    "over",
    [
        {"valid_until": "2000-01-01"},
        {"legal_basis": ""},
        {"reason": ""},
        {"new_slug": "Not A Slug"},
        {"scope": "listed", "case_numbers": ""},
        {"scope": "listed", "case_numbers": "999999"},
        {"scope": "listed", "case_numbers": "twelve"},
    ],
)
def test_a_bad_grant_is_refused_and_nothing_is_written(
    over: dict[str, object], leader: User, service: Service, case: Case
) -> None:
    response = client_for(leader).post(GRANTS, _post(service, **over))
    assert response.status_code == 400
    assert not Grant.objects.exists() and not Project.objects.exists()


def test_a_leader_cannot_grant_on_another_service(
    leader: User, service: Service, other_service: Service
) -> None:
    response = client_for(leader).post(GRANTS, _post(other_service))
    assert response.status_code == 400  # not a choice of theirs
    assert not Grant.objects.exists()


def test_a_leader_revokes_and_it_is_audited(
    leader: User, researcher: User, service: Service, case: Case
) -> None:
    grant = make_grant(leader=leader, service=service, researchers=(researcher,))
    assert client_for(researcher).get(reverse("cases:detail", args=[case.pk])).status_code == 200
    response = client_for(leader).post(REVOKE, {"grant": grant.pk, "reason": "Project ended"})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_by == leader and grant.revoke_reason == "Project ended"
    event = AuditEvent.objects.filter(object_type="research_grant", action="update").get()
    assert event.object_id == str(grant.pk) and event.reason == "Project ended"
    assert client_for(researcher).get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert client_for(leader).post(REVOKE, {"grant": grant.pk}).status_code == 400  # no reason


def test_a_leader_cannot_revoke_another_services_grant(
    leader: User, service: Service, other_service: Service, outsider: User
) -> None:
    theirs = make_grant(leader=outsider, service=other_service)
    assert client_for(leader).post(REVOKE, {"grant": theirs.pk, "reason": "x"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_the_leaders_page_is_read_with_one_audit_event(leader: User, service: Service) -> None:
    make_grant(leader=leader, service=service)
    before = AuditEvent.objects.count()
    client_for(leader).get(GRANTS)
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.latest("id").object_type == "research_grant"


def _count_queries(client: object, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)  # type: ignore[attr-defined]
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_leaders_page_queries_do_not_grow_with_grants(
    leader: User, service: Service, case: Case, make_case: Callable[..., Case], caseworker: User
) -> None:
    researchers = tuple(make_user(f"forsker{i}", service, Role.RESEARCHER) for i in range(3))
    make_grant(leader=leader, service=service, slug="p-0", researchers=researchers[:1])
    client = client_for(leader)
    few = _count_queries(client, GRANTS)
    for i in range(1, 6):
        numbers = (make_case(owner=caseworker, service=service).number, case.number)
        make_grant(
            leader=leader, service=service, slug=f"p-{i}", researchers=researchers, case_numbers=numbers
        )
    assert _count_queries(client, GRANTS) == few


def test_the_researchers_page_lists_projects_and_granted_cases(
    researcher: User,
    leader: User,
    service: Service,
    case: Case,
    make_case: Callable[..., Case],
    caseworker: User,
) -> None:
    other = make_case(owner=caseworker, service=service)
    make_grant(leader=leader, service=service, researchers=(researcher,), case_numbers=(case.number,))
    page = client_for(researcher).get(MINE).content.decode()
    assert 'data-project="nettverk-2026"' in page
    assert f'data-case="{case.pk}"' in page
    assert f'data-case="{other.pk}"' not in page
    assert reverse("cases:detail", args=[case.pk]) in page


def test_the_researchers_page_is_for_researchers_only(
    researcher: User, caseworker: User, leader: User, outsider: User
) -> None:
    assert client_for(researcher).get(MINE).status_code == 200  # no project yet: an empty page
    for user in (caseworker, leader, outsider):
        assert client_for(user).get(MINE).status_code == 404


def test_the_researchers_page_queries_do_not_grow(
    researcher: User,
    leader: User,
    service: Service,
    case: Case,
    make_case: Callable[..., Case],
    caseworker: User,
) -> None:
    make_grant(
        leader=leader, service=service, slug="p-0", researchers=(researcher,), case_numbers=(case.number,)
    )
    client = client_for(researcher)
    client.get(MINE)  # the page's first event begins the global audit chain: not per project
    few = _count_queries(client, MINE)
    for i in range(1, 5):
        numbers = (make_case(owner=caseworker, service=service).number,)
        make_grant(
            leader=leader, service=service, slug=f"p-{i}", researchers=(researcher,), case_numbers=numbers
        )
    make_grant(leader=leader, service=service, slug="p-all", researchers=(researcher,))
    assert _count_queries(client, MINE) == few


def test_a_projects_page_is_for_its_researchers_and_its_opening_is_audited(
    researcher: User, caseworker: User, leader: User, service: Service
) -> None:
    grant = make_grant(leader=leader, service=service, researchers=(researcher,))
    url = reverse("research:project", args=[grant.project.slug])
    page = client_for(researcher).get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert grant.project.name in body and service.name in body
    assert f'href="{url}"' in client_for(researcher).get(MINE).content.decode()
    event = AuditEvent.objects.filter(object_type="research_project", object_id=str(grant.project.pk)).last()
    assert event is not None and event.actor_id == researcher.pk and event.detail == {"page": "project"}
    # Anyone not on the project, the granting leader too, gets 404 – as for a project that does not exist.
    for user in (caseworker, leader):
        assert client_for(user).get(url).status_code == 404
    assert client_for(researcher).get(reverse("research:project", args=["no-such"])).status_code == 404
