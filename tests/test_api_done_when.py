"""The API issue's "done when", on the demo data: with a token from `sirkel api token`, the demo
caseworker lists their cases, reads a case's network, adds a network member, records an action and gets
409 on a stale update; `nabo`'s token gets 404 for the same calls; a revoked token gets 401."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from sirkel.accounts.models import ApiToken
from sirkel.accounts.tokens import revoke_token
from sirkel.audit.models import AuditEvent
from sirkel.cases.models import Case, MeasureKind
from sirkel.demo.loader import load_demo
from sirkel.meetings.models import SeriesStatus


def token_for(username: str) -> str:
    out = io.StringIO()
    call_command("api", "token", "--user", username, "--name", "done-when", stdout=out, stderr=io.StringIO())
    return out.getvalue().splitlines()[-1]


def client(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def demo(db: None, settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo()


@pytest.mark.usefixtures("demo")
def test_the_demo_caseworker_works_through_the_api_and_nabo_sees_nothing() -> None:
    emma = Case.objects.get(service__name="Demo barneverntjeneste", child_given_name="Emma")
    series_measure = emma.measures.get(kind=MeasureKind.NETWORK_MEETING, series__status=SeriesStatus.ACTIVE)
    mine = client(token_for("saksbehandler"))
    base = f"/api/v1/cases/{emma.pk}/"
    process = f"{base}measures/{series_measure.pk}/"

    listed = mine.get("/api/v1/cases/", {"q": "Emma"}).json()
    assert emma.pk in [c["id"] for c in listed["results"]]

    network = mine.get(f"{base}network/members/").json()
    assert network["count"] > 0

    added = mine.post(
        f"{base}network/members/",
        {"name": "Tante Randi", "side": "private", "sector": "family", "ring": 2, "relation": "Tante"},
        content_type="application/json",
    )
    assert added.status_code == 201, added.json()
    member = added.json()

    meetings = mine.get(f"{process}meetings/").json()["results"]
    first = min(meetings, key=lambda m: m["sequence"])
    due = (first["held_on"] or first["starts_at"][:10])[:10]
    recorded = mine.post(
        f"{process}actions/",
        {
            "what": "Randi henter Emma på skolen tirsdager",
            "meeting": first["id"],
            "owner_member": member["id"],
            "due_on": due,
        },
        content_type="application/json",
    )
    assert recorded.status_code == 201, recorded.json()
    action = recorded.json()

    url = f"{process}actions/{action['id']}/"
    changed = mine.patch(
        url,
        {"version": action["version"], "what": "Randi henter tirsdag og torsdag"},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.json()
    stale = mine.patch(
        url, {"version": action["version"], "what": "for sent"}, content_type="application/json"
    )
    assert stale.status_code == 409
    assert stale["Content-Type"] == "application/problem+json"

    # Everything above is in the audit chain as the caseworker's, through the API.
    assert AuditEvent.objects.filter(actor__username="saksbehandler", detail__via="api").count() >= 6

    nabo = client(token_for("nabo"))
    assert emma.pk not in [c["id"] for c in nabo.get("/api/v1/cases/").json()["results"]]
    for path in (base, f"{base}network/members/", f"{process}meetings/", url):
        assert nabo.get(path).status_code == 404, path
    denied = nabo.post(
        f"{base}network/members/",
        {"name": "X", "side": "private", "sector": "family"},
        content_type="application/json",
    )
    assert denied.status_code == 404
    assert nabo.post(f"{process}actions/", {}, content_type="application/json").status_code == 404
    assert nabo.patch(url, {"version": 1, "what": "x"}, content_type="application/json").status_code == 404

    token = ApiToken.objects.filter(user__username="saksbehandler").latest("created_at")
    revoke_token(user=token.user, token_id=token.pk)
    assert mine.get("/api/v1/cases/").status_code == 401
