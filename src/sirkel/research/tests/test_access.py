"""A researcher reads the case files their project's active grants cover, read-only and without contact
details, through the one access policy; nothing without a grant, nothing after it ends or is revoked."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from sirkel.accounts.models import Service, User
from sirkel.audit.models import AuditEvent
from sirkel.cases.access import Basis, Do, ResearchGrant, case_access, may, visible_cases_q
from sirkel.cases.models import Case
from sirkel.cases.selectors import list_cases
from sirkel.network import services as network_services
from sirkel.research import services
from sirkel.research.tests.helpers import make_grant
from sirkel.testing.fixtures import api_client_for, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def second(make_case: Callable[..., Case], caseworker: User, service: Service) -> Case:
    return make_case(owner=caseworker, service=service)


def test_without_a_grant_a_researcher_sees_no_case(researcher: User, case: Case) -> None:
    assert not case_access(user=researcher, case=case).can_view
    assert not Case.objects.filter(visible_cases_q(user=researcher)).exists()
    assert client_for(researcher).get(reverse("cases:detail", args=[case.pk])).status_code == 404


def test_being_named_on_a_project_without_a_grant_opens_nothing(
    researcher: User, leader: User, case: Case, other_service: Service, outsider: User
) -> None:
    # A grant on another service (the outsider leads it) does not reach this one.
    make_grant(leader=outsider, service=other_service, researchers=(researcher,))
    assert not case_access(user=researcher, case=case).can_view


def test_an_active_grant_lets_the_researcher_read_every_case_of_the_service_read_only(
    researcher: User,
    leader: User,
    case: Case,
    second: Case,
    make_case: Callable[..., Case],
    outsider: User,
    other_service: Service,
) -> None:
    elsewhere = make_case(owner=outsider, service=other_service)
    grant = make_grant(leader=leader, service=case.service, researchers=(researcher,))
    access = case_access(user=researcher, case=case)
    assert (access.can_view, access.can_edit, access.basis) == (True, False, Basis.RESEARCH_GRANT)
    assert access.research_project_id == grant.project_id
    assert may(user=researcher, action=Do.VIEW, obj=case)
    assert not may(user=researcher, action=Do.EDIT, obj=case)
    assert set(Case.objects.filter(visible_cases_q(user=researcher))) == {case, second}
    assert set(list_cases(user=researcher)) == {case, second}
    assert not case_access(user=researcher, case=elsewhere).can_view
    assert case_access(user=ResearchGrant(researcher, grant.project_id), case=case).can_view
    assert not case_access(user=ResearchGrant(researcher, grant.project_id + 1), case=case).can_view


def test_a_listed_grant_covers_only_the_cases_listed(
    researcher: User, leader: User, case: Case, second: Case
) -> None:
    make_grant(leader=leader, service=case.service, researchers=(researcher,), case_numbers=(case.number,))
    assert case_access(user=researcher, case=case).can_view
    assert not case_access(user=researcher, case=second).can_view
    assert list(Case.objects.filter(visible_cases_q(user=researcher))) == [case]
    assert client_for(researcher).get(reverse("cases:detail", args=[second.pk])).status_code == 404


def test_the_read_is_audited_with_the_research_basis_and_the_project(
    researcher: User, leader: User, case: Case
) -> None:
    grant = make_grant(leader=leader, service=case.service, researchers=(researcher,))
    response = client_for(researcher).get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    event = AuditEvent.objects.filter(actor=researcher, object_type="case").latest("id")
    assert event.object_id == str(case.pk)
    assert event.detail["basis"] == "research_grant"
    assert event.detail["project"] == grant.project_id


def test_the_researcher_never_edits(researcher: User, leader: User, case: Case) -> None:
    make_grant(leader=leader, service=case.service, researchers=(researcher,))
    client = client_for(researcher)
    assert client.get(reverse("cases:edit", args=[case.pk])).status_code == 404
    assert client.post(reverse("cases:edit", args=[case.pk]), {}).status_code == 404
    assert client.post(reverse("network:member_add", args=[case.pk]), {"name": "X"}).status_code == 404
    assert client.get(reverse("network:export", args=[case.pk]), {"format": "csv"}).status_code == 404


def test_no_access_after_the_last_day(researcher: User, leader: User, case: Case) -> None:
    grant = make_grant(leader=leader, service=case.service, researchers=(researcher,), days=0)
    assert case_access(user=researcher, case=case).can_view  # the last day is included
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with mock.patch("django.utils.timezone.localdate", return_value=tomorrow):
        assert not case_access(user=researcher, case=case).can_view
        assert not Case.objects.filter(visible_cases_q(user=researcher)).exists()
    grant.valid_until = timezone.localdate() - datetime.timedelta(days=1)
    grant.save()
    assert client_for(researcher).get(reverse("cases:detail", args=[case.pk])).status_code == 404


def test_no_access_after_the_grant_is_revoked(researcher: User, leader: User, case: Case) -> None:
    grant = make_grant(leader=leader, service=case.service, researchers=(researcher,))
    client = client_for(researcher)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    services.revoke_grant(acting_user=leader, grant=grant, reason="Project ended")
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert not Case.objects.filter(visible_cases_q(user=researcher)).exists()


def test_contact_details_are_never_shown_to_the_researcher(
    researcher: User, leader: User, caseworker: User, case: Case
) -> None:
    member = network_services.add_member(
        acting_user=caseworker,
        case=case,
        name="Mormor Kari",
        phone="+47 912 34 567",
        email="kari@example.no",
        address="Storgata 1, 0155 Oslo",
    )
    make_grant(leader=leader, service=case.service, researchers=(researcher,))
    page = client_for(researcher).get(reverse("network:page", args=[case.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Mormor Kari" in html
    for contact in ("912 34 567", "kari@example.no", "Storgata"):
        assert contact not in html
    assert (
        client_for(researcher).get(reverse("network:member_edit", args=[case.pk, member.pk])).status_code
        == 404
    )
    api = api_client_for(researcher, read_only=True).get(reverse("api:network_members", args=[case.pk]))
    assert api.status_code == 200
    row = next(m for m in api.json()["results"] if m["id"] == member.pk)
    assert (row["phone"], row["email"], row["address"]) == (None, None, None)
    # The caseworker, who may edit, still sees them.
    mine = api_client_for(caseworker).get(reverse("api:network_members", args=[case.pk])).json()
    assert next(m for m in mine["results"] if m["id"] == member.pk)["phone"] == "+47 912 34 567"


def test_an_inactive_researcher_reads_nothing(researcher: User, leader: User, case: Case) -> None:
    make_grant(leader=leader, service=case.service, researchers=(researcher,))
    researcher.is_active = False
    researcher.save()
    fresh = User.objects.get(pk=researcher.pk)
    assert not case_access(user=fresh, case=case).can_view
    assert not Case.objects.filter(visible_cases_q(user=fresh)).exists()
