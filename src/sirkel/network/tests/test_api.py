"""The REST API's network: members, ties and snapshots through the pages' services, with the pages' access
rules (404 for anyone without access to the case), optimistic locking and audit trail."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sirkel.accounts.models import Service, User
from sirkel.actions import services as action_services
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.cases.models import BreakGlassAccess, Case, MeasureKind
from sirkel.meetings.models import Meeting, MeetingKind, MeetingStatus, SeriesStatus
from sirkel.network import services
from sirkel.network.models import NetworkMember, NetworkSnapshot, NetworkTie
from sirkel.testing.factories import make_series
from sirkel.testing.fixtures import api_client_for

PROBLEM = "application/problem+json"


def add(case: Case, user: User, name: str, **fields: Any) -> NetworkMember:
    return services.add_member(acting_user=user, case=case, name=name, **fields)


@pytest.fixture
def kari(case: Case, caseworker: User) -> NetworkMember:
    return add(
        case,
        caseworker,
        "Kari Nilsen",
        relation="Mormor",
        ring=1,
        support=["emotional", "practical"],
        phone="99 88 77 66",
        may_contact=True,
        contact_consent_by="Mor",
    )


@pytest.fixture
def ola(case: Case, caseworker: User) -> NetworkMember:
    return add(case, caseworker, "Ola Lærer", side="public", sector="school", relation="Skole", ring=2)


@pytest.fixture
def tie(case: Case, caseworker: User, kari: NetworkMember, ola: NetworkMember) -> NetworkTie:
    return services.add_tie(acting_user=caseworker, case=case, a=kari, b=ola, kind="conflict")


@pytest.fixture
def snapshot(case: Case, caseworker: User, tie: NetworkTie) -> NetworkSnapshot:
    return services.take_snapshot(acting_user=caseworker, case=case, label="Før første møte")


def members_url(case: Case) -> str:
    return reverse("api:network_members", args=[case.pk])


def member_url(case: Case, member: NetworkMember) -> str:
    return reverse("api:network_member", args=[case.pk, member.pk])


def ties_url(case: Case) -> str:
    return reverse("api:network_ties", args=[case.pk])


def tie_url(case: Case, tie: NetworkTie) -> str:
    return reverse("api:network_tie", args=[case.pk, tie.pk])


def snapshots_url(case: Case) -> str:
    return reverse("api:network_snapshots", args=[case.pk])


def snapshot_url(case: Case, snapshot: NetworkSnapshot) -> str:
    return reverse("api:network_snapshot", args=[case.pk, snapshot.pk])


def send(client: Client, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    call = getattr(client, method)
    if body is None:
        return call(url)
    return call(url, data=json.dumps(body), content_type="application/json")


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def every_call(
    case: Case, member: NetworkMember, tie: NetworkTie, snapshot: NetworkSnapshot
) -> list[tuple[str, str, dict[str, Any] | None]]:
    """Every method on every network URL, with a body that would change something if it were allowed."""
    return [
        ("get", members_url(case), None),
        ("post", members_url(case), {"name": "Inntrenger"}),
        ("get", member_url(case, member), None),
        ("patch", member_url(case, member), {"version": member.version, "name": "Inntrenger"}),
        ("delete", member_url(case, member), None),
        ("get", ties_url(case), None),
        ("post", ties_url(case), {"a": tie.a_id, "b": tie.b_id, "kind": "close"}),
        ("get", tie_url(case, tie), None),
        ("delete", tie_url(case, tie), None),
        ("get", snapshots_url(case), None),
        ("post", snapshots_url(case), {"label": "Inntrenger"}),
        ("get", snapshot_url(case, snapshot), None),
    ]


def state(case: Case) -> tuple[list[tuple[int, str, int]], list[tuple[int, int, str]], int]:
    """What a write could change: the members (with their versions), the ties and the snapshot count."""
    members = list(
        NetworkMember.objects.filter(case=case).order_by("id").values_list("id", "name", "version")
    )
    ties = list(NetworkTie.objects.filter(case=case).order_by("id").values_list("a_id", "b_id", "kind"))
    return members, ties, NetworkSnapshot.objects.filter(case=case).count()


# --- Members ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_lists_the_members_in_the_registers_order(
    case: Case, caseworker: User, kari: NetworkMember, ola: NetworkMember
) -> None:
    response = api_client_for(caseworker).get(members_url(case))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and body["next"] is None
    assert [m["name"] for m in body["results"]] == ["Kari Nilsen", "Ola Lærer"]
    first = body["results"][0]
    assert first["id"] == kari.pk and first["version"] == kari.version
    assert first["support"] == ["emotional", "practical"]
    assert first["phone"] == "99 88 77 66"  # the caseworker may edit the case: contact details shown
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ring=1", ["Kari Nilsen"]),
        ("side=public", ["Ola Lærer"]),
        ("sector=school", ["Ola Lærer"]),
        ("q=mormor", ["Kari Nilsen"]),
        ("q=ola lærer", ["Ola Lærer"]),
        ("support=practical", ["Kari Nilsen"]),
        ("may_contact=true", ["Kari Nilsen"]),
        ("may_contact=false", ["Ola Lærer"]),
        ("valence=stress", []),
    ],
)
def test_filters_the_members(
    case: Case, caseworker: User, kari: NetworkMember, ola: NetworkMember, query: str, expected: list[str]
) -> None:
    response = api_client_for(caseworker).get(f"{members_url(case)}?{query}")
    assert response.status_code == 200
    assert [m["name"] for m in response.json()["results"]] == expected


@pytest.mark.django_db
def test_an_unknown_filter_value_is_a_problem_naming_the_filter(case: Case, caseworker: User) -> None:
    body = assert_problem(api_client_for(caseworker).get(f"{members_url(case)}?ring=7"), 400)
    assert list(body["errors"]) == ["ring"]


@pytest.mark.django_db
def test_a_reader_without_edit_rights_sees_members_but_not_their_contact_details(
    case: Case, kari: NetworkMember, teammate: User
) -> None:
    BreakGlassAccess.objects.create(
        case=case, user=teammate, reason="Akutt", expires_at=timezone.now() + timedelta(hours=1)
    )
    client = api_client_for(teammate)
    listed = client.get(members_url(case)).json()["results"][0]
    one = client.get(member_url(case, kari)).json()
    for shown in (listed, one):
        assert shown["name"] == "Kari Nilsen"
        assert (shown["phone"], shown["email"], shown["address"]) == (None, None, None)
    # Read-only access: every write is a 404, as on the pages.
    response = send(client, "patch", member_url(case, kari), {"version": kari.version, "name": "X"})
    assert_problem(response, 404)
    assert NetworkMember.objects.get(pk=kari.pk).name == "Kari Nilsen"


@pytest.mark.django_db
def test_creates_a_member_through_the_service_and_audits_it_as_coming_through_the_api(
    case: Case, caseworker: User
) -> None:
    response = send(
        api_client_for(caseworker),
        "post",
        members_url(case),
        {"name": "  Per   Hansen ", "relation": "Nabo", "ring": 3, "support": ["practical", "emotional"]},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    member = NetworkMember.objects.get(pk=body["id"])
    assert (member.name, member.relation, member.ring, member.side) == ("Per Hansen", "Nabo", 3, "private")
    assert member.support == ["emotional", "practical"]  # the service's order
    assert body["version"] == 1 and body["name"] == "Per Hansen"
    event = AuditEvent.objects.get(
        object_type="network_member", object_id=str(member.pk), action=AuditAction.CREATE
    )
    assert event.detail["via"] == "api" and event.detail["case"] == case.pk


@pytest.mark.django_db
def test_a_relation_sirkel_knows_places_the_new_member_as_on_the_page(case: Case, caseworker: User) -> None:
    response = send(
        api_client_for(caseworker), "post", members_url(case), {"name": "Lise", "relation": "Skole"}
    )
    assert response.status_code == 201, response.content
    assert (response.json()["side"], response.json()["sector"]) == ("public", "school")


@pytest.mark.django_db
def test_a_relation_sirkel_does_not_know_needs_side_and_sector(case: Case, caseworker: User) -> None:
    client = api_client_for(caseworker)
    body = assert_problem(
        send(client, "post", members_url(case), {"name": "Trond", "relation": "Trener, håndball"}), 400
    )
    assert set(body["errors"]) == {"__all__", "side", "sector"}
    assert "does not know the relation “Trener, håndball”" in body["detail"]
    assert not NetworkMember.objects.filter(case=case).exists()
    chosen = {"name": "Trond", "relation": "Trener, håndball", "side": "private", "sector": "friends"}
    assert send(client, "post", members_url(case), chosen).status_code == 201


@pytest.mark.django_db
def test_bad_member_input_is_a_problem_naming_each_field_and_nothing_is_written(
    case: Case, caseworker: User
) -> None:
    response = send(
        api_client_for(caseworker),
        "post",
        members_url(case),
        {"name": "   ", "ring": 5, "email": "not-an-address", "support": ["money"]},
    )
    body = assert_problem(response, 400)
    assert set(body["errors"]) == {"name", "ring", "email", "support.0"}
    assert body["errors"]["name"] == ["Write the name of the person or institution."]
    assert body["errors"]["email"] == ["Write a valid e-mail address, e.g. kari@example.no."]
    assert body["detail"] == "Some fields need attention: see errors."
    assert not NetworkMember.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_the_services_own_refusal_names_its_field(case: Case, caseworker: User) -> None:
    body = assert_problem(
        send(api_client_for(caseworker), "post", members_url(case), {"name": "Berit", "may_contact": True}),
        400,
    )
    assert body["errors"] == {"contact_consent_by": ["Say who agreed that this person may be contacted."]}
    assert not NetworkMember.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_reads_one_member_and_404s_for_a_member_of_another_case(
    case: Case, caseworker: User, kari: NetworkMember, make_case: Any, service: Service
) -> None:
    client = api_client_for(caseworker)
    response = client.get(member_url(case, kari))
    assert response.status_code == 200
    assert response.json()["name"] == "Kari Nilsen" and response.json()["case"] == case.pk
    other = make_case(owner=caseworker, service=service, child_given_name="Jonas")
    assert_problem(client.get(member_url(other, kari)), 404)  # the caseworker's own case, not kari's
    assert_problem(client.get(reverse("api:network_member", args=[case.pk, 999_999])), 404)


@pytest.mark.django_db
def test_patch_changes_only_the_fields_sent_and_raises_the_version(
    case: Case, caseworker: User, kari: NetworkMember
) -> None:
    response = send(
        api_client_for(caseworker),
        "patch",
        member_url(case, kari),
        {"version": kari.version, "ring": 2, "note": "Henter på skolen\r\ntirsdager"},
    )
    assert response.status_code == 200, response.content
    stored = NetworkMember.objects.get(pk=kari.pk)
    assert (stored.ring, stored.note, stored.relation) == (2, "Henter på skolen\ntirsdager", "Mormor")
    assert stored.support == ["emotional", "practical"]
    assert stored.version == kari.version + 1 == response.json()["version"]
    event = AuditEvent.objects.get(
        object_type="network_member", object_id=str(kari.pk), action=AuditAction.UPDATE
    )
    assert event.detail["fields"] == ["note", "ring"] and event.detail["via"] == "api"


@pytest.mark.django_db
def test_patch_with_a_stale_version_is_a_409_and_writes_nothing(
    case: Case, caseworker: User, teammate: User, kari: NetworkMember
) -> None:
    services.update_member(acting_user=caseworker, member=kari, relation="Bestemor")  # someone else saves
    before = NetworkMember.objects.get(pk=kari.pk)
    response = send(
        api_client_for(caseworker), "patch", member_url(case, kari), {"version": kari.version, "ring": 3}
    )
    body = assert_problem(response, 409)
    assert "Nothing was written" in body["detail"]
    after = NetworkMember.objects.get(pk=kari.pk)
    assert (after.ring, after.relation, after.version) == (before.ring, "Bestemor", before.version)
    assert not AuditEvent.objects.filter(
        object_type="network_member", action=AuditAction.UPDATE, detail__via="api"
    ).exists()


@pytest.mark.django_db
def test_patch_needs_the_version(case: Case, caseworker: User, kari: NetworkMember) -> None:
    body = assert_problem(send(api_client_for(caseworker), "patch", member_url(case, kari), {"ring": 3}), 400)
    assert list(body["errors"]) == ["version"]
    assert NetworkMember.objects.get(pk=kari.pk).ring == 1


@pytest.mark.django_db
def test_patch_checks_contact_consent_against_what_is_stored(
    case: Case, caseworker: User, kari: NetworkMember, ola: NetworkMember
) -> None:
    client = api_client_for(caseworker)
    # Kari's consent is stored: switching contact off and on again needs no new consent text.
    off = send(client, "patch", member_url(case, kari), {"version": kari.version, "may_contact": False})
    assert off.status_code == 200, off.content
    on = send(
        client, "patch", member_url(case, kari), {"version": off.json()["version"], "may_contact": True}
    )
    assert on.status_code == 200, on.content
    # Ola has none: contact needs one.
    body = assert_problem(
        send(client, "patch", member_url(case, ola), {"version": ola.version, "may_contact": True}), 400
    )
    assert list(body["errors"]) == ["contact_consent_by"]
    assert NetworkMember.objects.get(pk=ola.pk).may_contact is False


@pytest.mark.django_db
def test_delete_removes_the_member_and_their_ties(
    case: Case, caseworker: User, kari: NetworkMember, tie: NetworkTie
) -> None:
    response = api_client_for(caseworker).delete(member_url(case, kari))
    assert response.status_code == 204
    assert not NetworkMember.objects.filter(pk=kari.pk).exists()
    assert not NetworkTie.objects.filter(pk=tie.pk).exists()
    event = AuditEvent.objects.get(
        object_type="network_member", object_id=str(kari.pk), action=AuditAction.DELETE
    )
    assert event.detail["via"] == "api"


@pytest.mark.django_db
def test_delete_refuses_a_member_who_carries_an_action_and_says_where_to_decide(
    case: Case, caseworker: User, consultant: User, kari: NetworkMember
) -> None:
    series = make_series(
        case=case,
        kind=MeasureKind.NETWORK_MEETING,
        status=SeriesStatus.ACTIVE,
        caseworker=caseworker,
        leader=consultant,
    )
    meeting = Meeting.objects.create(
        series=series,
        sequence=1,
        kind=MeetingKind.FIRST,
        status=MeetingStatus.HELD,
        held_on=timezone.localdate() - timedelta(days=7),
    )
    action = action_services.add_action(
        acting_user=caseworker,
        series=series,
        meeting=meeting,
        what="Henter Emma tirsdager",
        due_on=timezone.localdate() + timedelta(days=7),
        owner_member=kari,
    )
    body = assert_problem(api_client_for(caseworker).delete(member_url(case, kari)), 400)
    assert body["detail"] == (
        "Kari Nilsen still carries agreed actions or other tasks in the case, and someone must decide who "
        "takes them over. Remove the person on the network page, where you can choose."
    )
    assert list(body["errors"]) == ["__all__"]
    assert NetworkMember.objects.filter(pk=kari.pk).exists()
    action.refresh_from_db()
    assert action.owner_member_id == kari.pk


# --- Ties ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_lists_and_filters_ties(
    case: Case, caseworker: User, kari: NetworkMember, ola: NetworkMember, tie: NetworkTie
) -> None:
    third = add(case, caseworker, "Nabo Nils", sector="friends")
    services.add_tie(acting_user=caseworker, case=case, a=third, b=ola)
    client = api_client_for(caseworker)
    body = client.get(ties_url(case)).json()
    assert body["count"] == 2
    first = body["results"][0]
    assert (first["id"], first["a"], first["b"], first["kind"]) == (tie.pk, kari.pk, ola.pk, "conflict")
    assert [t["id"] for t in client.get(f"{ties_url(case)}?member={kari.pk}").json()["results"]] == [tie.pk]
    assert client.get(f"{ties_url(case)}?kind=").json()["count"] == 1
    assert client.get(f"{ties_url(case)}?kind=close").json()["count"] == 0


@pytest.mark.django_db
def test_creates_a_tie_and_a_second_post_for_the_pair_changes_its_kind(
    case: Case, caseworker: User, kari: NetworkMember, ola: NetworkMember
) -> None:
    client = api_client_for(caseworker)
    created = send(client, "post", ties_url(case), {"a": ola.pk, "b": kari.pk})
    assert created.status_code == 201, created.content
    tie = NetworkTie.objects.get(pk=created.json()["id"])
    assert (tie.a_id, tie.b_id, tie.kind) == (min(kari.pk, ola.pk), max(kari.pk, ola.pk), "")
    again = send(client, "post", ties_url(case), {"a": kari.pk, "b": ola.pk, "kind": "close"})
    assert again.status_code == 200
    assert again.json()["id"] == tie.pk and again.json()["kind"] == "close"
    assert NetworkTie.objects.filter(case=case).count() == 1
    event = AuditEvent.objects.get(
        object_type="network_tie", object_id=str(tie.pk), action=AuditAction.CREATE
    )
    assert event.detail["via"] == "api"


@pytest.mark.django_db
def test_a_tie_needs_two_different_people_of_this_case(
    case: Case, caseworker: User, kari: NetworkMember, make_case: Any, service: Service
) -> None:
    other = make_case(owner=caseworker, service=service, child_given_name="Jonas")
    stranger = add(other, caseworker, "Fremmed")
    client = api_client_for(caseworker)
    body = assert_problem(send(client, "post", ties_url(case), {"a": stranger.pk, "b": kari.pk}), 400)
    assert body["errors"] == {"a": ["Choose a person in this case's network."]}
    body = assert_problem(send(client, "post", ties_url(case), {"a": kari.pk, "b": kari.pk}), 400)
    assert body["errors"] == {"b": ["Choose two different people."]}
    body = assert_problem(send(client, "post", ties_url(case), {"a": kari.pk, "kind": "enemies"}), 400)
    assert set(body["errors"]) == {"b", "kind"}
    assert not NetworkTie.objects.exists()


@pytest.mark.django_db
def test_reads_and_deletes_a_tie(case: Case, caseworker: User, tie: NetworkTie) -> None:
    client = api_client_for(caseworker)
    response = client.get(tie_url(case, tie))
    assert response.status_code == 200 and response.json()["kind"] == "conflict"
    assert client.delete(tie_url(case, tie)).status_code == 204
    assert not NetworkTie.objects.filter(pk=tie.pk).exists()
    assert (
        AuditEvent.objects.get(
            object_type="network_tie", object_id=str(tie.pk), action=AuditAction.DELETE
        ).detail["via"]
        == "api"
    )
    assert_problem(client.get(tie_url(case, tie)), 404)


# --- Snapshots ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_takes_a_snapshot_and_reads_it_back_with_its_data(
    case: Case, caseworker: User, kari: NetworkMember, ola: NetworkMember, tie: NetworkTie
) -> None:
    client = api_client_for(caseworker)
    response = send(client, "post", snapshots_url(case), {"label": " Etter møtet ", "perspective": "child"})
    assert response.status_code == 201, response.content
    created = response.json()
    snapshot = NetworkSnapshot.objects.get(pk=created["id"])
    assert (snapshot.label, snapshot.perspective, snapshot.source) == ("Etter møtet", "child", "manual")
    assert snapshot.created_by == caseworker
    event = AuditEvent.objects.get(
        object_type="network_snapshot", object_id=str(snapshot.pk), action=AuditAction.CREATE
    )
    assert event.detail["via"] == "api"

    listed = client.get(snapshots_url(case)).json()
    assert [s["id"] for s in listed["results"]] == [snapshot.pk]
    assert "data" not in listed["results"][0]
    one = client.get(snapshot_url(case, snapshot)).json()
    assert one["label"] == "Etter møtet"
    assert [m["name"] for m in one["data"]["members"]] == ["Kari Nilsen", "Ola Lærer"]
    assert "phone" not in one["data"]["members"][0]  # a snapshot keeps no contact details
    assert one["data"]["ties"] == [[kari.pk, ola.pk, "conflict"]]
    # Two people whose only tie is a conflict: no positive tie, density 0 / 1, both isolated, two
    # components, and every tie in contact a conflict (1 / 1).
    metrics = one["metrics"]
    assert (metrics["size"], metrics["tie_count"], metrics["conflict_ties"]) == (2, 0, 1)
    assert (metrics["density"], metrics["isolated"], metrics["components"]) == (0.0, 2, 2)
    assert metrics["conflict_share"] == 1.0 and metrics["ei_index"] is None
    assert one == created


@pytest.mark.django_db
def test_filters_snapshots_and_refuses_a_bad_perspective(
    case: Case, caseworker: User, snapshot: NetworkSnapshot
) -> None:
    client = api_client_for(caseworker)
    assert client.get(f"{snapshots_url(case)}?source=manual").json()["count"] == 1
    assert client.get(f"{snapshots_url(case)}?source=meeting").json()["count"] == 0
    body = assert_problem(send(client, "post", snapshots_url(case), {"perspective": "grandmother"}), 400)
    assert list(body["errors"]) == ["perspective"]
    assert NetworkSnapshot.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_a_snapshot_of_another_case_is_not_found(
    case: Case, caseworker: User, snapshot: NetworkSnapshot, make_case: Any, service: Service
) -> None:
    other = make_case(owner=caseworker, service=service, child_given_name="Jonas")
    assert_problem(api_client_for(caseworker).get(snapshot_url(other, snapshot)), 404)


# --- Access, tokens and audit -------------------------------------------------------------------------


@pytest.mark.django_db
def test_someone_from_another_service_gets_404_on_every_url_and_changes_nothing(
    case: Case, outsider: User, kari: NetworkMember, tie: NetworkTie, snapshot: NetworkSnapshot
) -> None:
    before = state(case)
    client = api_client_for(outsider)
    for method, url, body in every_call(case, kari, tie, snapshot):
        response = send(client, method, url, body)
        problem = assert_problem(response, 404)
        assert problem["detail"] == "There is nothing here, or you may not see it.", (method, url)
        assert "Kari" not in response.content.decode()
    assert state(case) == before
    assert not AuditEvent.objects.filter(actor=outsider, object_type="case", object_id=str(case.pk)).exists()


@pytest.mark.django_db
def test_a_read_only_token_may_read_but_gets_403_on_every_write(
    case: Case, caseworker: User, kari: NetworkMember, tie: NetworkTie, snapshot: NetworkSnapshot
) -> None:
    before = state(case)
    client = api_client_for(caseworker, read_only=True)
    for method, url, body in every_call(case, kari, tie, snapshot):
        response = send(client, method, url, body)
        if method == "get":
            assert response.status_code == 200, url
        else:
            problem = assert_problem(response, 403)
            assert problem["detail"] == "This token may only read. Create a token that may also write."
    assert state(case) == before


@pytest.mark.django_db
def test_without_a_token_every_url_answers_401(
    case: Case, kari: NetworkMember, tie: NetworkTie, snapshot: NetworkSnapshot
) -> None:
    before = state(case)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for method, url, body in every_call(case, kari, tie, snapshot):
        response = send(client, method, url, body)
        problem = assert_problem(response, 401)
        assert problem["detail"] == "Send a personal access token: Authorization: Bearer <token>."
        assert response["WWW-Authenticate"].startswith("Bearer")
    assert state(case) == before


@pytest.mark.django_db
def test_every_read_is_audited_as_the_network_pages_are_and_marked_as_through_the_api(
    case: Case, caseworker: User, kari: NetworkMember, tie: NetworkTie, snapshot: NetworkSnapshot
) -> None:
    client = api_client_for(caseworker)
    urls = [
        members_url(case),
        member_url(case, kari),
        ties_url(case),
        tie_url(case, tie),
        snapshots_url(case),
        snapshot_url(case, snapshot),
    ]
    for url in urls:
        before = AuditEvent.objects.count()
        assert client.get(url).status_code == 200, url
        assert AuditEvent.objects.count() == before + 1, url
        event = AuditEvent.objects.order_by("-id").first()
        assert event is not None
        assert (event.actor, event.action, event.object_type) == (caseworker, AuditAction.VIEW, "case")
        assert event.object_id == str(case.pk)
        assert event.detail["part"] == "network" and event.detail["via"] == "api", url
        assert isinstance(event.detail["token"], int)


@pytest.mark.django_db
def test_the_service_leader_may_work_on_the_network_and_a_researcher_may_not_see_it(
    case: Case, leader: User, researcher: User, kari: NetworkMember
) -> None:
    response = send(
        api_client_for(leader), "patch", member_url(case, kari), {"version": kari.version, "ring": 3}
    )
    assert response.status_code == 200, response.content
    assert_problem(api_client_for(researcher).get(members_url(case)), 404)


@pytest.mark.django_db
def test_a_teammate_without_need_to_know_gets_404(case: Case, teammate: User, kari: NetworkMember) -> None:
    assert_problem(api_client_for(teammate).get(members_url(case)), 404)
    assert_problem(api_client_for(teammate).get(member_url(case, kari)), 404)
