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
from sirkel.network.models import PerspectiveEntry, PerspectiveMap


@pytest.mark.django_db
def test_nabo_gets_404_on_every_perspective_url_of_the_demo_service() -> None:
    load_demo()
    case = Case.objects.get(service__name="Demo barneverntjeneste", child_given_name="Emma")
    maps = {m.perspective: m for m in PerspectiveMap.objects.filter(case=case)}
    assert set(maps) == {"child", "mother", "caseworker"}  # the demo has maps to compare
    drawn = maps["child"]
    entry = drawn.entries.get(name="Mormor")
    c = case.pk
    urls = [
        reverse("network:perspectives", args=[c]),
        reverse("network:perspective_draw", args=[c, drawn.pk]),
        reverse("network:perspective_compare", args=[c]) + f"?kart={drawn.pk}&kart={maps['mother'].pk}",
    ]
    client = Client()
    client.force_login(User.objects.get(username="nabo"))
    for url in urls:
        assert client.get(url).status_code == 404, url
        for body in ({"do": "remove", "entry": str(entry.pk)}, {"from_register": "1"}):
            assert client.post(url, body).status_code in (404, 405), url
    assert PerspectiveEntry.objects.filter(pk=entry.pk).exists()
    assert PerspectiveMap.objects.filter(case=case).count() == 3
    assert not AuditEvent.objects.filter(actor__username="nabo", action=AuditAction.VIEW).exists()
    # The demo's own caseworker sees the differences named.
    own = Client()
    own.force_login(case.caseworker)
    own.cookies["django_language"] = "en"
    html = own.get(urls[2]).content.decode()
    assert "Only Emma names Trude Moe." in html
    assert "Randi Hansen: ring 2 for Emma, ring 1 for the mother." in html
    assert "Sara i klassen" not in html
