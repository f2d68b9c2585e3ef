"""The one access policy: every kind of principal, break-glass marked in the audit, and a measure's leader
from another service limited to the people invited to the meetings they lead."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sirkel.accounts.models import Service, User
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.cases.access import Basis, Do, LinkToken, ResearchGrant, case_access, may, series_access
from sirkel.cases.models import Case
from sirkel.cases.services import break_glass
from sirkel.meetings.services import participants as participants_services
from sirkel.meetings.tests.preparation_support import member, plan, ready_series
from sirkel.meetings.tests.series_support import start, visiting_leader
from sirkel.testing.fixtures import client_for


@pytest.mark.django_db
def test_staff_by_role_and_need_to_know(
    case: Case, teammate: User, leader: User, researcher: User, outsider: User
) -> None:
    assert case_access(user=case.caseworker, case=case).basis == Basis.NEED_TO_KNOW
    assert case_access(user=leader, case=case).basis == Basis.SERVICE_LEADER
    for user in (teammate, researcher, outsider):
        assert not case_access(user=user, case=case).can_view
        assert not may(user=user, action=Do.VIEW, obj=case)
    assert may(user=case.caseworker, action=Do.EDIT, obj=case)


@pytest.mark.django_db
def test_break_glass_is_read_only_and_every_series_read_it_allows_is_marked(
    case: Case, teammate: User
) -> None:
    series = start(case)
    break_glass(
        acting_user=teammate, service=case.service, number=case.number, reason="Vakt: barnet er på legevakt"
    )
    access = series_access(user=teammate, series=series)
    assert access.can_view and not access.can_edit and not access.can_run_meetings
    assert access.basis == Basis.BREAK_GLASS
    client = client_for(teammate)
    assert client.get(reverse("meetings:detail", args=[case.pk, series.measure_id])).status_code == 200
    event = AuditEvent.objects.filter(actor=teammate, object_type="series", action=AuditAction.VIEW).last()
    assert event is not None and event.detail["basis"] == "break_glass"
    screening = reverse("meetings:screening", args=[case.pk, series.measure_id])
    assert client.post(screening, {"decision": "proceed", "reasoning": "x"}).status_code == 404


@pytest.mark.django_db
def test_principals_still_to_come_see_nothing(case: Case, researcher: User) -> None:
    series = start(case)
    grant = ResearchGrant(user=researcher, project_id=1)
    link = LinkToken(token_id=1, series_id=series.pk)
    for principal in (grant, link):
        assert not may(user=principal, action=Do.VIEW, obj=case)
        assert not may(user=principal, action=Do.VIEW, obj=series)
        assert not series_access(user=principal, series=series).can_view


@pytest.mark.django_db
def test_an_object_the_policy_does_not_know_is_refused(case: Case) -> None:
    assert not may(user=case.caseworker, action=Do.VIEW, obj=case.service)


@pytest.mark.django_db
def test_a_leader_from_another_service_is_offered_only_the_people_invited_as_action_owners(
    case: Case, other_service: Service
) -> None:
    visitor = visiting_leader(other_service)
    led = ready_series(case, visitor)
    meeting = plan(led)
    mother = member(case, "Mona Mor", relation="Mor")
    member(case, "Hemmelig Onkel", relation="Onkel")
    participants_services.add_participant(acting_user=led.caseworker, meeting=meeting, member=mother)
    url = reverse("actions:action_new", args=[case.pk, led.measure_id])

    page = client_for(visitor).get(url).content.decode()
    assert "Mona Mor" in page and "Hemmelig Onkel" not in page
    own = client_for(case.caseworker).get(url).content.decode()
    assert "Mona Mor" in own and "Hemmelig Onkel" in own
    assert not may(user=visitor, action=Do.VIEW, obj=case)
