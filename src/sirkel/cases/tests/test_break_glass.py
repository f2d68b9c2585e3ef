"""Break-glass: opening a case outside need-to-know, with a reason that is audited and shown to leaders."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from sirkel.accounts.models import User
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.cases.models import BreakGlassAccess, Case
from sirkel.testing.fixtures import client_for

REASON = "Barnevernvakt: politiet ringte om barnet i natt."


@pytest.mark.django_db
def test_break_glass_grants_read_access_and_is_audited_with_reason(case: Case, teammate: User) -> None:
    client = client_for(teammate)
    detail = reverse("cases:detail", args=[case.pk])
    assert client.get(detail).status_code == 404
    response = client.post(
        reverse("cases:break_glass"),
        {"service": case.service_id, "number": case.number, "reason": REASON},
    )
    assert response.status_code == 302 and response["Location"] == detail
    event = AuditEvent.objects.get(action=AuditAction.BREAK_GLASS, actor=teammate)
    assert event.reason == REASON and event.object_id == str(case.pk)
    page = client.get(detail)
    assert page.status_code == 200
    view = AuditEvent.objects.filter(action=AuditAction.VIEW, actor=teammate).last()
    assert view is not None and view.detail == {"basis": "break_glass"}
    # Read only: the edit form stays closed.
    assert client.get(reverse("cases:edit", args=[case.pk])).status_code == 404


@pytest.mark.django_db
def test_break_glass_requires_a_real_reason(case: Case, teammate: User) -> None:
    response = client_for(teammate).post(
        reverse("cases:break_glass"), {"service": case.service_id, "number": case.number, "reason": "fordi"}
    )
    assert response.status_code == 200
    assert not BreakGlassAccess.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.BREAK_GLASS).exists()


@pytest.mark.django_db
def test_break_glass_cannot_reach_another_service(case: Case, outsider: User) -> None:
    response = client_for(outsider).post(
        reverse("cases:break_glass"), {"service": case.service_id, "number": case.number, "reason": REASON}
    )
    # The other service is not among the outsider's choices: the form refuses it.
    assert response.status_code in (200, 404)
    assert not BreakGlassAccess.objects.exists()
    assert client_for(outsider).get(reverse("cases:detail", args=[case.pk])).status_code == 404


@pytest.mark.django_db
def test_researcher_cannot_break_glass(case: Case, researcher: User) -> None:
    assert client_for(researcher).get(reverse("cases:break_glass")).status_code == 404


@pytest.mark.django_db
def test_break_glass_expires(case: Case, teammate: User) -> None:
    client = client_for(teammate)
    client.post(
        reverse("cases:break_glass"), {"service": case.service_id, "number": case.number, "reason": REASON}
    )
    grant = BreakGlassAccess.objects.get()
    BreakGlassAccess.objects.filter(pk=grant.pk).update(expires_at=grant.created_at - timedelta(seconds=1))
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404


@pytest.mark.django_db
def test_leader_sees_break_glass_with_reason(
    case: Case, teammate: User, leader: User, outsider: User
) -> None:
    client_for(teammate).post(
        reverse("cases:break_glass"), {"service": case.service_id, "number": case.number, "reason": REASON}
    )
    overview = reverse("cases:break_glass_overview")
    page = client_for(leader).get(overview)
    assert page.status_code == 200 and REASON in page.content.decode()
    log = client_for(leader).get(reverse("cases:access_log", args=[case.pk])).content.decode()
    assert REASON in log
    # A leader of another service sees nothing of it; a caseworker has no overview.
    assert REASON not in client_for(outsider).get(overview).content.decode()
    assert client_for(teammate).get(overview).status_code == 404
