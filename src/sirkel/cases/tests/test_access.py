"""Need to know: who may open, list and change a case, and that everyone else gets a 404."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from sirkel.accounts.models import Membership, Role, Service, User
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.cases.models import Case
from sirkel.testing.fixtures import client_for, make_user

CASE_ROUTES = ["cases:detail", "cases:edit", "cases:access_log"]


def case_urls(case: Case) -> list[str]:
    return [reverse(name, args=[case.pk]) for name in CASE_ROUTES]


@pytest.mark.django_db
def test_every_case_route_answers_404_to_another_service(case: Case, outsider: User) -> None:
    client = client_for(outsider)
    for url in case_urls(case):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url


@pytest.mark.django_db
def test_unassigned_colleague_gets_404_on_every_case_route(
    case: Case, teammate: User, consultant: User
) -> None:
    for user in (teammate, consultant):
        client = client_for(user)
        for url in case_urls(case):
            assert client.get(url).status_code == 404, (user, url)


@pytest.mark.django_db
def test_researcher_sees_no_case_even_in_own_service(case: Case, researcher: User) -> None:
    client = client_for(researcher)
    for url in case_urls(case):
        assert client.get(url).status_code == 404
    assert case.child_family_name not in client.get(reverse("cases:list")).content.decode()


@pytest.mark.django_db
def test_a_case_id_that_does_not_exist_is_also_404(caseworker: User) -> None:
    assert client_for(caseworker).get(reverse("cases:detail", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_owner_assigned_colleague_and_leader_can_open(
    make_case: Callable[..., Case], caseworker: User, consultant: User, leader: User, service: Service
) -> None:
    case = make_case(owner=caseworker, service=service, assigned=[consultant])
    for user in (caseworker, consultant, leader):
        response = client_for(user).get(reverse("cases:detail", args=[case.pk]))
        assert response.status_code == 200, user
        assert case.child_given_name in response.content.decode()


@pytest.mark.django_db
def test_only_leader_sees_the_access_log(case: Case, caseworker: User, leader: User) -> None:
    url = reverse("cases:access_log", args=[case.pk])
    assert client_for(caseworker).get(url).status_code == 404
    response = client_for(leader).get(url)
    assert response.status_code == 200
    assert "Caseworker" in response.content.decode()  # the owner's display name (first name)


@pytest.mark.django_db
def test_membership_removed_ends_access_to_own_cases(case: Case, caseworker: User) -> None:
    Membership.objects.filter(user=caseworker).delete()
    assert client_for(caseworker).get(reverse("cases:detail", args=[case.pk])).status_code == 404


@pytest.mark.django_db
def test_case_list_shows_only_cases_the_user_may_see(
    make_case: Callable[..., Case],
    caseworker: User,
    teammate: User,
    leader: User,
    outsider: User,
    service: Service,
    other_service: Service,
) -> None:
    mine = make_case(owner=caseworker, service=service, child_family_name="Minsen")
    theirs = make_case(owner=teammate, service=service, child_family_name="Dinsen")
    foreign_owner = make_user("foreign", other_service, Role.CASEWORKER)
    foreign = make_case(owner=foreign_owner, service=other_service, child_family_name="Fremmedsen")

    def names(user: User) -> str:
        return client_for(user).get(reverse("cases:list")).content.decode()

    page = names(caseworker)
    assert mine.child_family_name in page and theirs.child_family_name not in page
    page = names(leader)
    assert mine.child_family_name in page and theirs.child_family_name in page
    assert foreign.child_family_name not in page
    page = names(outsider)
    assert foreign.child_family_name in page and mine.child_family_name not in page


@pytest.mark.django_db
def test_opening_a_case_is_audited(case: Case, leader: User) -> None:
    before = AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(case.pk)).count()
    client_for(leader).get(reverse("cases:detail", args=[case.pk]))
    events = AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(case.pk))
    assert events.count() == before + 1
    event = events.last()
    assert event is not None and event.actor_id == leader.pk and event.service_id == case.service_id


@pytest.mark.django_db
def test_a_refused_open_is_not_recorded_as_a_view(case: Case, outsider: User) -> None:
    client_for(outsider).get(reverse("cases:detail", args=[case.pk]))
    assert not AuditEvent.objects.filter(actor=outsider, action=AuditAction.VIEW).exists()


@pytest.mark.django_db
def test_anonymous_user_is_sent_to_login(case: Case) -> None:
    from django.test import Client

    response = Client().get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
