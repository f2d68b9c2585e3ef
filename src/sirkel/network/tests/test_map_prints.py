"""Maps to print for an audience (the live map, a snapshot's) and the change map on the compare page:
access, what is left out, the audit and query counts."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from sirkel.accounts.models import Service, User
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.cases.models import Case
from sirkel.network import services
from sirkel.network.models import NetworkMember, NetworkSnapshot
from sirkel.network.tests.test_register import edit_data
from sirkel.testing.fixtures import api_client_for, client_for

FAMILY = {"audience": "family", "how": "leave_out"}


def nb(message: str) -> str:
    """The message as the page shows it (in Bokmål, the default language)."""
    with translation.override("nb"):
        return gettext(message)


def left_out(count: int) -> str:
    with translation.override("nb"):
        return ngettext(
            "%(count)s person is left out of this map, because they are not to be shown to others.",
            "%(count)s people are left out of this map, because they are not to be shown to others.",
            count,
        ) % {"count": count}


@pytest.fixture
def people(caseworker: User, case: Case) -> dict[str, NetworkMember]:
    mormor = services.add_member(acting_user=caseworker, case=case, name="Mormor Kari", ring=1)
    onkel = services.add_member(acting_user=caseworker, case=case, name="Onkel Ole", ring=2)
    far = services.add_member(
        acting_user=caseworker, case=case, name="Far Frank", ring=3, hide_in_prints=True
    )
    services.add_tie(acting_user=caseworker, case=case, a=mormor, b=far)
    return {"mormor": mormor, "onkel": onkel, "far": far}


@pytest.fixture
def snapshot(caseworker: User, case: Case, people: dict[str, NetworkMember]) -> NetworkSnapshot:
    return services.take_snapshot(acting_user=caseworker, case=case, label="Start")


def _routes(case: Case, snapshot: NetworkSnapshot) -> list[str]:
    return [
        reverse("network:map_print", args=[case.pk]) + "?audience=family",
        reverse("network:snapshot_map", args=[case.pk, snapshot.pk]) + "?audience=family",
        reverse("network:compare", args=[case.pk]) + f"?a={snapshot.pk}&b=current&audience=family",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["outsider", "teammate", "researcher"])
def test_users_who_cannot_see_the_case_get_404_and_nothing_is_recorded_as_printed(
    who: str, request: pytest.FixtureRequest, case: Case, snapshot: NetworkSnapshot
) -> None:
    client = client_for(request.getfixturevalue(who))
    for url in _routes(case, snapshot):
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url
    assert not AuditEvent.objects.filter(object_type="network_map").exists()


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_log_in(case: Case, snapshot: NetworkSnapshot) -> None:
    for url in _routes(case, snapshot):
        assert Client().get(url).status_code == 302


@pytest.mark.django_db
def test_a_snapshot_of_another_case_is_404(
    caseworker: User, service: Service, make_case: Callable[..., Case], case: Case
) -> None:
    other_case = make_case(owner=caseworker, service=service)
    other = services.take_snapshot(acting_user=caseworker, case=other_case)
    url = reverse("network:snapshot_map", args=[case.pk, other.pk])
    assert client_for(caseworker).get(url, FAMILY).status_code == 404


@pytest.mark.django_db
def test_the_map_is_shown_only_once_an_audience_is_chosen(
    caseworker: User, case: Case, people: dict[str, NetworkMember]
) -> None:
    client = client_for(caseworker)
    url = reverse("network:map_print", args=[case.pk])
    html = client.get(url).content.decode()
    assert nb("Print for…") in html and 'id="network-map"' not in html
    assert not AuditEvent.objects.filter(object_type="network_map").exists()
    refused = client.get(url, {"audience": "the neighbours"}).content.decode()
    assert 'id="network-map"' not in refused and "errorlist" in refused


@pytest.mark.django_db
def test_a_map_for_the_family_leaves_out_the_hidden_person_and_says_so(
    caseworker: User, case: Case, people: dict[str, NetworkMember]
) -> None:
    client = client_for(caseworker)
    html = client.get(reverse("network:map_print", args=[case.pk]), FAMILY).content.decode()
    assert "Mormor Kari" in html and "Onkel Ole" in html
    assert "Far Frank" not in html
    assert f"node-{people['far'].pk}" not in html
    with translation.override("nb"):
        assert gettext("Printed for: %(who)s") % {"who": gettext("The family")} in html
    assert left_out(1) in html
    # The figures beside it are the family's map's: two people, no tie.
    assert 'data-a="' not in html
    [event] = AuditEvent.objects.filter(object_type="network_map")
    assert (event.action, event.actor, event.object_id) == (AuditAction.EXPORT, caseworker, str(case.pk))
    assert event.detail["audience"] == "family"
    assert (event.detail["what"], event.detail["left_out"], event.detail["by_reason"]) == (
        "map",
        1,
        {"hidden": 1},
    )


@pytest.mark.django_db
def test_a_map_for_internal_use_shows_everyone(
    caseworker: User, case: Case, people: dict[str, NetworkMember]
) -> None:
    html = (
        client_for(caseworker)
        .get(reverse("network:map_print", args=[case.pk]), {"audience": "internal"})
        .content.decode()
    )
    assert "Far Frank" in html
    assert left_out(1) not in html


@pytest.mark.django_db
def test_anonymised_for_the_network_meeting(
    caseworker: User, case: Case, people: dict[str, NetworkMember]
) -> None:
    services.update_member(acting_user=caseworker, member=people["onkel"], protected_address=True)
    html = (
        client_for(caseworker)
        .get(reverse("network:map_print", args=[case.pk]), {"audience": "network", "how": "anonymise"})
        .content.decode()
    )
    assert "Far Frank" not in html and "Onkel Ole" not in html
    assert html.count(nb("A person") + ",") == 2  # in the two nodes' accessible names
    with translation.override("nb"):
        note = ngettext(
            "%(count)s person is shown as “A person”, because they are not to be named to others.",
            "%(count)s people are shown as “A person”, because they are not to be named to others.",
            2,
        ) % {"count": 2}
    assert note in html


@pytest.mark.django_db
def test_a_snapshot_map_leaves_out_someone_hidden_after_it_was_taken(
    caseworker: User, case: Case, people: dict[str, NetworkMember], snapshot: NetworkSnapshot
) -> None:
    services.update_member(acting_user=caseworker, member=people["onkel"], no_contact=True)
    client = client_for(caseworker)
    url = reverse("network:snapshot_map", args=[case.pk, snapshot.pk])
    html = client.get(url, FAMILY).content.decode()
    assert "Mormor Kari" in html
    assert "Far Frank" not in html and "Onkel Ole" not in html
    assert left_out(2) in html
    event = AuditEvent.objects.get(object_type="network_map")
    assert event.detail["snapshots"] == [snapshot.pk] and event.detail["what"] == "snapshot_map"
    # Its detail page shows the map then, to the caseworker, with everyone.
    detail = client.get(reverse("network:snapshot_detail", args=[case.pk, snapshot.pk])).content.decode()
    assert 'id="network-map"' in detail and "Far Frank" in detail
    assert url in detail


@pytest.mark.django_db
def test_the_compare_page_draws_the_change_and_lists_it(
    caseworker: User, case: Case, people: dict[str, NetworkMember], snapshot: NetworkSnapshot
) -> None:
    services.move_member(acting_user=caseworker, member=people["onkel"], ring=1, sector="family")
    mormor_id = people["mormor"].pk
    services.remove_member(acting_user=caseworker, member=people["mormor"])
    nabo = services.add_member(acting_user=caseworker, case=case, name="Nabo Nils", ring=2)
    services.add_tie(acting_user=caseworker, case=case, a=people["onkel"], b=nabo, kind="conflict")
    url = reverse("network:compare", args=[case.pk])
    html = client_for(caseworker).get(url, {"a": str(snapshot.pk), "b": "current"}).content.decode()
    assert 'id="change-map"' in html and 'aria-describedby="change-map-desc"' in html
    assert f'data-member="{nabo.pk}" data-status="joined"' in html
    assert f'data-member="{mormor_id}" data-status="left"' in html
    assert 'class="move-arrow move-arrow--closer"' in html
    assert 'data-status="ended"' in html and 'data-status="appeared"' in html
    assert f"{nb('New ties')} (1)" in html and "Onkel Ole – Nabo Nils" in html
    assert "Far Frank" in html  # internal: nobody is left out


@pytest.mark.django_db
def test_the_compare_page_for_the_family_leaves_out_the_hidden_person_on_both_sides(
    caseworker: User, case: Case, people: dict[str, NetworkMember], snapshot: NetworkSnapshot
) -> None:
    services.remove_member(acting_user=caseworker, member=people["far"])  # still in the snapshot
    url = reverse("network:compare", args=[case.pk])
    html = client_for(caseworker).get(url, {"a": str(snapshot.pk), "b": "current", **FAMILY}).content.decode()
    assert "Far Frank" not in html
    assert left_out(1) in html
    assert AuditEvent.objects.get(object_type="network_map").detail["what"] == "change_map"


@pytest.mark.django_db
def test_the_caseworker_marks_a_person_hidden_in_the_edit_form(
    caseworker: User, case: Case, people: dict[str, NetworkMember]
) -> None:
    onkel = people["onkel"]
    url = reverse("network:member_edit", args=[case.pk, onkel.pk])
    form = client_for(caseworker).get(url).content.decode()
    assert f'name="m{onkel.pk}-hide_in_prints"' in form
    data = edit_data(onkel)
    data[f"m{onkel.pk}-hide_in_prints"] = "on"
    data[f"m{onkel.pk}-no_contact"] = "on"
    assert client_for(caseworker).post(url, data).status_code == 302
    onkel.refresh_from_db()
    assert (onkel.hide_in_prints, onkel.protected_address, onkel.no_contact) == (True, False, True)


def _count(client: Client, url: str, params: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_the_network(
    caseworker: User, service: Service, make_case: Callable[..., Case]
) -> None:
    counts = {}
    for size in (2, 20):
        case = make_case(owner=caseworker, service=service)
        made = [
            services.add_member(acting_user=caseworker, case=case, name=f"P{i}", hide_in_prints=i % 3 == 0)
            for i in range(size)
        ]
        for a, b in zip(made, made[1:], strict=False):
            services.add_tie(acting_user=caseworker, case=case, a=a, b=b)
        snap = services.take_snapshot(acting_user=caseworker, case=case)
        client = client_for(caseworker)
        counts[size] = (
            _count(client, reverse("network:map_print", args=[case.pk]), FAMILY),
            _count(client, reverse("network:snapshot_map", args=[case.pk, snap.pk]), FAMILY),
            _count(
                client,
                reverse("network:compare", args=[case.pk]),
                {"a": str(snap.pk), "b": "current", **FAMILY},
            ),
        )
    assert counts[2] == counts[20]
    assert max(counts[20]) < 25


@pytest.mark.django_db
def test_the_api_reads_and_sets_who_is_left_out_of_prints(
    caseworker: User, case: Case, people: dict[str, NetworkMember]
) -> None:
    client = api_client_for(caseworker)
    onkel = people["onkel"]
    url = reverse("api:network_member", args=[case.pk, onkel.pk])
    got = client.get(url).json()
    assert (got["hide_in_prints"], got["protected_address"], got["no_contact"]) == (False, False, False)
    body = {"version": got["version"], "protected_address": True}
    response = client.patch(url, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["protected_address"] is True
    onkel.refresh_from_db()
    assert onkel.protected_address and not onkel.hide_in_prints


@pytest.mark.django_db
def test_a_person_the_child_asked_on_their_own_map_to_hide_is_left_out_of_a_print_for_the_family(
    caseworker: User, case: Case, people: dict[str, NetworkMember], snapshot: NetworkSnapshot
) -> None:
    from sirkel.network.models import PerspectiveEntry, PerspectiveMap

    childs_map = PerspectiveMap.objects.create(
        case=case, perspective="child", drawn_by_name="Nora", drawn_at=timezone.now()
    )
    PerspectiveEntry.objects.create(
        map=childs_map, member=people["onkel"], name="Onkel Ole", ring=3, hidden=True
    )
    PerspectiveEntry.objects.create(map=childs_map, member=people["mormor"], name="Mormor", ring=1)
    client = client_for(caseworker)

    for url in _routes(case, snapshot)[:2]:  # the live map and the snapshot's
        html = client.get(url + "&how=leave_out").content.decode()
        assert "Mormor Kari" in html
        assert "Onkel Ole" not in html and "Far Frank" not in html
        assert left_out(2) in html
    internal = client.get(reverse("network:map_print", args=[case.pk]), {"audience": "internal"})
    assert "Onkel Ole" in internal.content.decode()  # the service itself sees everyone
    assert not NetworkMember.objects.get(pk=people["onkel"].pk).hide_in_prints  # the register is unchanged
