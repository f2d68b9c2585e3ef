"""With the demo data: `nabo` (the neighbouring service) reaches no perspective map of the demo service, by
GET or POST, and the audit chain records no read for them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sirkel.accounts.models import User
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.cases.models import Case
from sirkel.demo.loader import load_demo
from sirkel.network import perspectives
from sirkel.network.models import PerspectiveEntry


@pytest.mark.django_db
def test_nabo_gets_404_on_every_perspective_url_of_the_demo_service() -> None:
    load_demo()
    case = Case.objects.get(service__name="Demo barneverntjeneste", child_given_name="Emma")
    drawn = perspectives.start_map(
        acting_user=case.caseworker, case=case, perspective="child", drawn_by_name="Emma"
    )
    entry = perspectives.add_entry(drawer=case.caseworker, perspective_map=drawn, name="Mormor", ring=1)
    c = case.pk
    urls = [
        reverse("network:perspectives", args=[c]),
        reverse("network:perspective_draw", args=[c, drawn.pk]),
        reverse("network:perspective_compare", args=[c]) + f"?kart={drawn.pk}&kart={drawn.pk}",
    ]
    client = Client()
    client.force_login(User.objects.get(username="nabo"))
    for url in urls:
        assert client.get(url).status_code == 404, url
        for body in ({"do": "remove", "entry": str(entry.pk)}, {"from_register": "1"}):
            assert client.post(url, body).status_code in (404, 405), url
    assert PerspectiveEntry.objects.filter(pk=entry.pk).exists()
    assert drawn.case.perspective_maps.count() == 1
    assert not AuditEvent.objects.filter(actor__username="nabo", action=AuditAction.VIEW).exists()
