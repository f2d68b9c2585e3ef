"""Snapshot pages: listing, taking one by hand, one snapshot's detail; access, audit and query counts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from sirkel.accounts.models import Service, User
from sirkel.audit.models import AuditEvent
from sirkel.cases.models import BreakGlassAccess, Case
from sirkel.network import services
from sirkel.network.models import NetworkSnapshot, SnapshotSource
from sirkel.testing.fixtures import client_for


@pytest.fixture
def snapshot(caseworker: User, case: Case) -> NetworkSnapshot:
    services.add_member(acting_user=caseworker, case=case, name="Mormor", ring=1, support=["emotional"])
    return services.take_snapshot(acting_user=caseworker, case=case, label="Start", perspective="child")


def _routes(case: Case, snapshot: NetworkSnapshot) -> list[str]:
    return [
        reverse("network:snapshots", args=[case.pk]),
        reverse("network:snapshot_detail", args=[case.pk, snapshot.pk]),
        reverse("network:compare", args=[case.pk]) + f"?a={snapshot.pk}&b=current",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["outsider", "teammate", "researcher"])
def test_users_who_cannot_see_the_case_get_404_everywhere(
    who: str, request: pytest.FixtureRequest, case: Case, snapshot: NetworkSnapshot
) -> None:
    user: User = request.getfixturevalue(who)
    client = client_for(user)
    for url in _routes(case, snapshot):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"label": "x"}).status_code == 404, url
    assert NetworkSnapshot.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_log_in(case: Case, snapshot: NetworkSnapshot) -> None:
    for url in _routes(case, snapshot):
        response = Client().get(url)
        assert response.status_code == 302
        assert "login" in response["Location"] or "logg-inn" in response["Location"]


@pytest.mark.django_db
def test_snapshot_ids_of_another_case_are_404(
    caseworker: User,
    service: Service,
    make_case: Callable[..., Case],
    case: Case,
    snapshot: NetworkSnapshot,
) -> None:
    other_case = make_case(owner=caseworker, service=service, child_given_name="Other")
    other = services.take_snapshot(acting_user=caseworker, case=other_case)
    client = client_for(caseworker)
    compare_url = reverse("network:compare", args=[case.pk])

    assert client.get(reverse("network:snapshot_detail", args=[case.pk, other.pk])).status_code == 404
    assert client.get(compare_url, {"a": str(other.pk), "b": "current"}).status_code == 404
    assert client.get(compare_url, {"a": str(snapshot.pk), "b": str(other.pk)}).status_code == 404
    assert client.get(compare_url, {"a": "DROP", "b": "current"}).status_code == 404
    # The same snapshot through its own case is fine.
    assert client.get(reverse("network:snapshot_detail", args=[other_case.pk, other.pk])).status_code == 200


@pytest.mark.django_db
def test_caseworker_takes_a_snapshot_with_label_and_perspective(caseworker: User, case: Case) -> None:
    services.add_member(acting_user=caseworker, case=case, name="Mormor")
    response = client_for(caseworker).post(
        reverse("network:snapshots", args=[case.pk]), {"label": "  Etter møtet ", "perspective": "mother"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("network:snapshots", args=[case.pk])
    snapshot = NetworkSnapshot.objects.get(case=case)
    assert (snapshot.label, snapshot.perspective, snapshot.source) == ("Etter møtet", "mother", "manual")
    assert snapshot.created_by == caseworker
    assert [m["name"] for m in snapshot.data["members"]] == ["Mormor"]
    assert AuditEvent.objects.filter(object_type="network_snapshot", object_id=str(snapshot.pk)).exists()


@pytest.mark.django_db
def test_an_unknown_perspective_is_refused(caseworker: User, case: Case) -> None:
    response = client_for(caseworker).post(
        reverse("network:snapshots", args=[case.pk]), {"label": "", "perspective": "neighbour"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["perspective"]
    assert not NetworkSnapshot.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_viewing_without_edit_rights_cannot_take_a_snapshot(
    teammate: User, case: Case, snapshot: NetworkSnapshot
) -> None:
    # Break-glass access lets the teammate read the case but not change it.
    BreakGlassAccess.objects.create(
        case=case, user=teammate, reason="Akutt henvendelse", expires_at=timezone.now() + timedelta(hours=1)
    )
    client = client_for(teammate)
    url = reverse("network:snapshots", args=[case.pk])

    get = client.get(url)
    assert get.status_code == 200
    assert 'name="perspective"' not in get.content.decode()  # no form to take a snapshot
    assert client.post(url, {"label": "x"}).status_code == 404
    assert NetworkSnapshot.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_list_shows_date_label_perspective_source_and_size(
    caseworker: User, case: Case, snapshot: NetworkSnapshot
) -> None:
    services.take_snapshot(
        acting_user=caseworker, case=case, label="Nettverksmøte", source=SnapshotSource.MEETING
    )
    client = client_for(caseworker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("network:snapshots", args=[case.pk]))

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r["snapshot"].label for r in rows] == ["Nettverksmøte", "Start"]  # newest first
    assert [r["size"] for r in rows] == [1, 1]
    body = response.content.decode()
    assert "Start" in body and "Nettverksmøte" in body
    assert escape("The child's") in body  # the perspective, in English as asked for
    assert "Network meeting" in body and "Saved by hand" in body  # the source
    assert reverse("network:snapshot_detail", args=[case.pk, snapshot.pk]) in body


@pytest.mark.django_db
def test_detail_shows_members_and_metrics(caseworker: User, case: Case, snapshot: NetworkSnapshot) -> None:
    # Changing the live network afterwards does not change the snapshot.
    services.add_member(acting_user=caseworker, case=case, name="Senere lagt til")
    response = client_for(caseworker).get(reverse("network:snapshot_detail", args=[case.pk, snapshot.pk]))

    assert response.status_code == 200
    assert [m.name for m in response.context["members"]] == ["Mormor"]
    assert response.context["metrics"].size == 1
    body = response.content.decode()
    assert "Mormor" in body and "Senere lagt til" not in body
    assert 'aria-labelledby="snapshot-metrics-title"' in body  # the metrics partial


@pytest.mark.django_db
def test_reads_are_audited_as_network_reads(caseworker: User, case: Case, snapshot: NetworkSnapshot) -> None:
    client = client_for(caseworker)
    for url in _routes(case, snapshot):
        before = AuditEvent.objects.count()
        assert client.get(url).status_code == 200
        event = AuditEvent.objects.order_by("-id").first()
        assert AuditEvent.objects.count() == before + 1
        assert event is not None
        assert (event.object_type, event.object_id, event.actor) == ("case", str(case.pk), caseworker)
        assert event.detail.get("part") == "network"


def _fill(caseworker: User, case: Case, *, members: int, snapshots: int) -> NetworkSnapshot:
    made = [
        services.add_member(acting_user=caseworker, case=case, name=f"Person {i}", support=["emotional"])
        for i in range(members)
    ]
    for a, b in zip(made, made[1:], strict=False):
        services.add_tie(acting_user=caseworker, case=case, a=a, b=b)
    first = services.take_snapshot(acting_user=caseworker, case=case)
    for _ in range(snapshots - 1):
        services.take_snapshot(acting_user=caseworker, case=case)
    return first


def _count_queries(client: Client, url: str, params: dict[str, str] | None = None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_page_query_counts_do_not_grow_with_members_or_snapshots(
    caseworker: User, service: Service, make_case: Callable[..., Case]
) -> None:
    small = make_case(owner=caseworker, service=service)
    large = make_case(owner=caseworker, service=service)
    small_first = _fill(caseworker, small, members=2, snapshots=2)
    large_first = _fill(caseworker, large, members=20, snapshots=20)
    client = client_for(caseworker)

    counts = {}
    for name, case, first in (("small", small, small_first), ("large", large, large_first)):
        counts[name] = (
            _count_queries(client, reverse("network:snapshots", args=[case.pk])),
            _count_queries(client, reverse("network:snapshot_detail", args=[case.pk, first.pk])),
            _count_queries(
                client, reverse("network:compare", args=[case.pk]), {"a": str(first.pk), "b": "current"}
            ),
            _count_queries(client, reverse("network:compare", args=[case.pk])),
        )

    assert counts["small"] == counts["large"]
    assert max(counts["large"]) < 20
