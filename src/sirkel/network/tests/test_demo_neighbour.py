"""With the demo data: `nabo` (the neighbouring service) reaches no network page or export of the demo
service, by GET or POST, and the audit chain records no read for them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sirkel.accounts.models import User
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.cases.models import Case
from sirkel.demo.loader import load_demo
from sirkel.network.models import NetworkMember, NetworkSnapshot, NetworkTie


@pytest.mark.django_db
def test_nabo_gets_404_on_every_network_url_of_the_demo_service() -> None:
    load_demo()
    case = Case.objects.get(service__name="Demo barneverntjeneste", child_given_name="Emma")
    member = NetworkMember.objects.filter(case=case).first()
    tie = NetworkTie.objects.filter(case=case).first()
    snapshot = NetworkSnapshot.objects.filter(case=case).first()
    assert member is not None and tie is not None and snapshot is not None
    c = case.pk
    urls = [
        reverse("network:page", args=[c]),
        reverse("network:map", args=[c]),
        reverse("network:member_add", args=[c]),
        reverse("network:member_edit", args=[c, member.pk]),
        reverse("network:member_delete", args=[c, member.pk]),
        reverse("network:member_move", args=[c, member.pk]),
        reverse("network:tie_add", args=[c]),
        reverse("network:tie_delete", args=[c, tie.pk]),
        reverse("network:snapshots", args=[c]),
        reverse("network:snapshot_detail", args=[c, snapshot.pk]),
        reverse("network:compare", args=[c]) + f"?a={snapshot.pk}&b=current",
        reverse("network:compare", args=[c]) + f"?a={snapshot.pk}&b=current&audience=family",
        reverse("network:map_print", args=[c]) + "?audience=family&how=leave_out",
        reverse("network:snapshot_map", args=[c, snapshot.pk]) + "?audience=network&how=anonymise",
        reverse("network:export", args=[c]) + "?format=csv",
        reverse("network:export", args=[c]) + "?format=graphml",
        reverse("network:import", args=[c]),
    ]
    client = Client()
    client.force_login(User.objects.get(username="nabo"))
    members_before = NetworkMember.objects.filter(case=case).count()
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"ring": "1", "sector": "family", "name": "X"}).status_code == 404, url
    assert NetworkMember.objects.filter(case=case).count() == members_before
    nabo_reads = AuditEvent.objects.filter(actor__username="nabo", action=AuditAction.VIEW)
    assert not nabo_reads.exists()
    assert not AuditEvent.objects.filter(actor__username="nabo", object_type="network_map").exists()
