"""With the demo data: `nabo` (the neighbouring service) reaches none of the decision and plan pages of the
demo service, by GET or POST, and nothing is written or recorded as read for them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sirkel.accounts.models import User
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.cases.models import Case, Decision, PlanVersion
from sirkel.demo.loader import load_demo


@pytest.mark.django_db
def test_nabo_gets_404_on_every_decision_and_plan_page_of_the_demo_service() -> None:
    load_demo()
    cases = Case.objects.filter(service__name="Demo barneverntjeneste", decisions__isnull=False).distinct()
    assert cases.exists()
    client = Client()
    client.force_login(User.objects.get(username="nabo"))
    decisions_before, versions_before = Decision.objects.count(), PlanVersion.objects.count()
    for case in cases:
        c = case.pk
        urls = [
            reverse("cases:decision_new", args=[c]),
            reverse("cases:plan", args=[c]),
            reverse("cases:plan_edit", args=[c]),
            reverse("cases:plan_pdf", args=[c]),
            reverse("cases:plan_print", args=[c]),
        ]
        urls += [reverse("cases:decision", args=[c, d.pk]) for d in Decision.objects.filter(case=case)]
        urls += [
            reverse("cases:plan_version", args=[c, v.number])
            for v in PlanVersion.objects.filter(plan__case=case)
        ]
        for url in urls:
            assert client.get(url).status_code == 404, url
            assert client.post(url, {"version": "0", "justification": "X"}).status_code == 404, url
    assert (Decision.objects.count(), PlanVersion.objects.count()) == (decisions_before, versions_before)
    assert not AuditEvent.objects.filter(actor__username="nabo", action=AuditAction.VIEW).exists()
