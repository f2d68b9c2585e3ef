"""The network register: who may see and change it, the add/edit/delete/tie flows and their audit trail."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from sirkel.accounts.models import Service, User
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.cases.models import BreakGlassAccess, Case
from sirkel.network import services
from sirkel.network.models import MAX_NOTE_CHARS, NetworkMember, NetworkTie, note_too_long_message
from sirkel.testing.fixtures import client_for

HX = {"HX-Request": "true"}
PLAIN: dict[str, str] = {}


def add(case: Case, user: User, name: str, **fields: Any) -> NetworkMember:
    return services.add_member(acting_user=user, case=case, name=name, **fields)


@pytest.fixture
def kari(case: Case, caseworker: User) -> NetworkMember:
    return add(case, caseworker, "Kari Nilsen", relation="Mormor", ring=1, support=["emotional", "practical"])


@pytest.fixture
def ola(case: Case, caseworker: User) -> NetworkMember:
    return add(case, caseworker, "Ola Lærer", side="public", sector="school", relation="Skole", ring=2)


@pytest.fixture
def tie(case: Case, caseworker: User, kari: NetworkMember, ola: NetworkMember) -> NetworkTie:
    return services.add_tie(acting_user=caseworker, case=case, a=kari, b=ola, kind="conflict")


def all_routes(case: Case, member: NetworkMember, tie: NetworkTie) -> list[str]:
    c = case.pk
    return [
        reverse("network:page", args=[c]),
        reverse("network:map", args=[c]),
        reverse("network:member_add", args=[c]),
        reverse("network:member_edit", args=[c, member.pk]),
        reverse("network:member_delete", args=[c, member.pk]),
        reverse("network:member_move", args=[c, member.pk]),
        reverse("network:tie_add", args=[c]),
        reverse("network:tie_delete", args=[c, tie.pk]),
    ]


def post_data(member: NetworkMember, tie: NetworkTie) -> dict[str, str]:
    """A body that would change something on every route, if the user were allowed to."""
    return {
        "name": "Hacker",
        "side": "private",
        "sector": "family",
        "ring": "1",
        "valence": "resource",
        "ring_": "1",
        "map_offset": "",
        "tie-a": str(tie.a_id),
        "tie-b": str(tie.b_id),
        "tie-kind": "",
    }


def assert_nothing_changed(member: NetworkMember, tie: NetworkTie) -> None:
    stored = NetworkMember.objects.get(pk=member.pk)
    assert (stored.name, stored.ring, stored.version) == (member.name, member.ring, member.version)
    assert NetworkTie.objects.filter(pk=tie.pk).exists()
    assert not NetworkMember.objects.filter(name="Hacker").exists()


@pytest.mark.django_db
def test_every_network_route_answers_404_to_another_service(
    case: Case, kari: NetworkMember, tie: NetworkTie, outsider: User
) -> None:
    client = client_for(outsider)
    for url in all_routes(case, kari, tie):
        assert client.get(url).status_code == 404, url
        assert client.post(url, post_data(kari, tie)).status_code == 404, url
        assert client.post(url, post_data(kari, tie), headers=HX).status_code == 404, url
    assert_nothing_changed(kari, tie)


@pytest.mark.django_db
def test_every_network_route_answers_404_to_an_unassigned_colleague_and_a_researcher(
    case: Case, kari: NetworkMember, tie: NetworkTie, teammate: User, researcher: User
) -> None:
    for user in (teammate, researcher):
        client = client_for(user)
        for url in all_routes(case, kari, tie):
            assert client.get(url).status_code == 404, (user, url)
            assert client.post(url, post_data(kari, tie)).status_code == 404, (user, url)
    assert_nothing_changed(kari, tie)


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_the_login_page(case: Case, kari: NetworkMember, tie: NetworkTie) -> None:
    for url in all_routes(case, kari, tie):
        response = Client().get(url)
        assert response.status_code == 302, url
        assert reverse("accounts:login") in response["Location"]


@pytest.mark.django_db
def test_a_reader_sees_the_network_read_only_and_gets_404_on_every_change(
    case: Case, kari: NetworkMember, tie: NetworkTie, teammate: User
) -> None:
    BreakGlassAccess.objects.create(
        case=case, user=teammate, reason="Akutt", expires_at=timezone.now() + timedelta(hours=1)
    )
    client = client_for(teammate)
    response = client.get(reverse("network:page", args=[case.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kari Nilsen" in html
    assert 'id="member-add"' not in html
    assert reverse("network:member_edit", args=[case.pk, kari.pk]) not in html
    assert "data-move-url" not in html
    assert 'role="img"' in html  # map nodes are focusable but not buttons
    for url in all_routes(case, kari, tie)[2:]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, post_data(kari, tie)).status_code == 404, url
    assert_nothing_changed(kari, tie)


@pytest.mark.django_db
def test_a_member_of_another_case_is_404_even_for_an_editor(
    make_case: Callable[..., Case], case: Case, caseworker: User, service: Service, kari: NetworkMember
) -> None:
    other = make_case(owner=caseworker, service=service, child_given_name="Jonas")
    client = client_for(caseworker)
    for name in ("network:member_edit", "network:member_delete", "network:member_move"):
        url = reverse(name, args=[other.pk, kari.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"ring": "3", "sector": "family"}).status_code == 404
    assert NetworkMember.objects.get(pk=kari.pk).ring == 1


def make_network(case: Case, user: User, size: int) -> None:
    members = [
        add(
            case,
            user,
            f"Person {i}",
            side="public" if i % 4 == 3 else "private",
            sector=["family", "friends", "school", "services"][i % 4],
            ring=i % 3 + 1,
            support=["emotional", "practical", "informational", "appraisal"][: i % 5],
            valence=["resource", "stress", "both"][i % 3],
            relation="Tante" if i % 2 else "",
        )
        for i in range(size)
    ]
    for a, b in zip(members, members[1:], strict=False):
        services.add_tie(acting_user=user, case=case, a=a, b=b, kind="conflict" if a.pk % 2 else "")


def queries_for_page(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_page_and_map_query_count_does_not_grow_with_the_network(
    make_case: Callable[..., Case], caseworker: User, service: Service
) -> None:
    small = make_case(owner=caseworker, service=service)
    large = make_case(owner=caseworker, service=service)
    make_network(small, caseworker, 3)
    make_network(large, caseworker, 40)
    client = client_for(caseworker)
    for name in ("network:page", "network:map"):
        few = queries_for_page(client, reverse(name, args=[small.pk]))
        many = queries_for_page(client, reverse(name, args=[large.pk]))
        assert few == many, (name, few, many)
    html = client.get(reverse("network:page", args=[large.pk])).content.decode()
    assert html.count('class="node node--') == 40
    assert html.count(' data-a="') == 39


@pytest.mark.django_db
def test_page_shows_the_table_but_not_the_contact_details(
    case: Case, caseworker: User, kari: NetworkMember
) -> None:
    services.update_member(
        acting_user=caseworker,
        member=kari,
        phone="99887766",
        email="kari@example.no",
        address="Storgata 1",
        may_contact=True,
        contact_consent_by="Mor",
        language="Polsk",
        interpreter_needed=True,
        note="Henter på skolen",
    )
    client = client_for(caseworker)
    html = client.get(reverse("network:page", args=[case.pk])).content.decode()
    for shown in ("Kari Nilsen", "Mormor", "Polsk", "Henter på skolen", "Mor"):
        assert shown in html, shown
    for hidden in ("99887766", "kari@example.no", "Storgata 1"):
        assert hidden not in html, hidden
    edit = client.get(reverse("network:member_edit", args=[case.pk, kari.pk])).content.decode()
    for shown in ("99887766", "kari@example.no", "Storgata 1"):
        assert shown in edit, shown


@pytest.mark.django_db
def test_page_links_to_the_other_parts_of_the_network(case: Case, caseworker: User) -> None:
    html = client_for(caseworker).get(reverse("network:page", args=[case.pk])).content.decode()
    for name in ("network:map", "network:snapshots", "network:export", "network:import"):
        assert f'href="{reverse(name, args=[case.pk])}"' in html, name
    case_page = client_for(caseworker).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert f'href="{reverse("network:page", args=[case.pk])}"' in case_page


@pytest.mark.django_db
def test_relation_suggestions_come_from_the_taxonomy(case: Case, caseworker: User) -> None:
    html = client_for(caseworker).get(reverse("network:page", args=[case.pk])).content.decode()
    assert '<datalist id="relation-suggestions">' in html
    assert 'value="Mormor/morfar/farmor/farfar" data-side="private"' in html
    assert (
        'value="BUP (psykisk helsevern for barn og unge)" data-side="public" data-sector="services"' in html
    )
    assert 'value="Barnehage" data-side="public" data-sector="school"' in html
    # The texts each suggestion matches, for the script (the same the server matches).
    assert 'data-keys="mormor/morfar/farmor/farfar|mormor|morfar|farmor|farfar|grandparent"' in html
    assert 'list="relation-suggestions"' in html


def events(object_type: str, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type=object_type, action=action))


@pytest.mark.django_db
def test_adding_a_member_without_javascript_redirects_and_is_audited(case: Case, caseworker: User) -> None:
    client = client_for(caseworker)
    response = client.post(
        reverse("network:member_add", args=[case.pk]),
        {
            "name": "  Kari   Nilsen ",
            "relation": "Mormor",
            "side": "private",
            "sector": "family",
            "ring": "1",
            "support": ["practical", "emotional"],
            "valence": "both",
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("network:page", args=[case.pk]) + "?focus=add")
    member = NetworkMember.objects.get(case=case)
    assert (member.name, member.ring, member.support, member.valence) == (
        "Kari Nilsen",
        1,
        ["emotional", "practical"],
        "both",
    )
    [event] = events("network_member", AuditAction.CREATE)
    assert event.object_id == str(member.pk)
    assert event.actor_id == caseworker.pk
    assert event.detail["case"] == case.pk
    page = client.get(response["Location"]).content.decode()
    assert "autofocus" in page.split('id="id_name"')[0].rsplit("<input", 1)[1]


@pytest.mark.django_db
def test_adding_with_htmx_refreshes_map_table_and_form_and_focuses_the_name(
    case: Case, caseworker: User
) -> None:
    response = client_for(caseworker).post(
        reverse("network:member_add", args=[case.pk]),
        {
            "name": "Helsesykepleier Anne",
            "side": "public",
            "sector": "services",
            "ring": "2",
            "valence": "resource",
        },
        headers=HX,
    )
    assert response.status_code == 200
    assert response["HX-Reswap"] == "none"
    html = response.content.decode()
    assert 'id="network-map-panel" class="map-panel" aria-labelledby="map-heading" hx-swap-oob="true"' in html
    assert 'id="network-table" class="table-wrap" hx-swap-oob="true"' in html
    assert (
        'id="member-add" class="ncard add-card" aria-labelledby="member-add-heading" hx-swap-oob="true"'
        in html
    )
    assert 'id="network-status" hx-swap-oob="innerHTML"' in html
    assert "Helsesykepleier Anne" in html
    name_input = html.split('id="id_name"')[0].rsplit("<input", 1)[1]
    assert "autofocus" in name_input
    assert 'value="Helsesykepleier Anne"' not in html  # the form is empty again for the next person
    member = NetworkMember.objects.get(case=case)
    assert member.side == "public"


@pytest.mark.django_db
def test_add_form_errors_are_shown_and_nothing_is_saved(case: Case, caseworker: User) -> None:
    client = client_for(caseworker)
    url = reverse("network:member_add", args=[case.pk])
    data = {
        "name": "  ",
        "relation": "Mor",
        "side": "private",
        "sector": "nowhere",
        "ring": "7",
        "valence": "resource",
    }
    with translation.override("nb"):
        expected = gettext("Write the name of the person or institution.")
    for extra in (PLAIN, HX):
        response = client.post(url, data, headers=extra)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'id="add-errors"' in html and 'role="alert"' in html
        assert 'aria-invalid="true"' in html
        assert expected in html
        assert 'value="Mor"' in html  # what was typed is kept
    assert not NetworkMember.objects.filter(case=case).exists()


def quick_add(**fields: str) -> dict[str, str]:
    """The add form as the browser sends it when only name and relation were typed."""
    return {"side": "private", "sector": "family", "ring": "2", "valence": "resource", **fields}


@pytest.mark.django_db
def test_a_relation_the_taxonomy_does_not_know_is_asked_about_not_guessed(
    case: Case, caseworker: User
) -> None:
    client = client_for(caseworker)
    url = reverse("network:member_add", args=[case.pk])
    data = quick_add(name="Ole Sand", relation="Trener, håndball", ring="3", support="practical")
    with translation.override("nb"):
        question = gettext(
            "Sirkel does not know the relation “%(relation)s”, so it cannot tell where this person "
            "belongs. Is the person in the private or the public network, and in which sector?"
        ) % {"relation": "Trener, håndball"}
    for extra in (PLAIN, HX):
        response = client.post(url, data, headers=extra)
        assert response.status_code == 200
        html = response.content.decode()
        form = html.split('id="member-add"')[1].split("</form>")[0]
        assert question in form and 'role="alert"' in form
        assert 'value="Ole Sand"' in form and 'value="Trener, håndball"' in form  # what was typed is kept
        assert 'value="3" id="id_ring_2" required checked' in form
        assert 'value="practical" id="id_support_1" checked' in form
        assert 'name="placement" value="asked"' in form
        # Side and sector are shown, marked, and no longer pre-filled with the guess.
        side = form.split('id="id_side"')[1].split("</fieldset>")[0]
        assert "checked" not in side and 'id="id_side_error"' in form
        sector = form.split('id="id_sector"')[1].split("</select>")[0]
        assert '<option value="" selected>' in sector and 'id="id_sector_error"' in form
    assert not NetworkMember.objects.filter(case=case).exists()
    # With the question answered, the person goes in where the user said.
    answered = {**data, "placement": "asked", "side": "private", "sector": "school"}
    for extra in (PLAIN, HX):
        response = client.post(url, {**answered, "name": f"Ole Sand {len(extra)}"}, headers=extra)
        assert response.status_code in (200, 302)
        assert 'name="placement" value="asked"' not in response.content.decode()
    members = NetworkMember.objects.filter(case=case)
    assert {(m.relation, m.side, m.sector, m.ring, tuple(m.support)) for m in members} == {
        ("Trener, håndball", "private", "school", 3, ("practical",))
    }
    assert members.count() == 2


@pytest.mark.django_db
def test_the_question_is_asked_again_until_side_and_sector_are_chosen(case: Case, caseworker: User) -> None:
    data = {k: v for k, v in quick_add(name="Ole Sand", relation="Trener, håndball").items() if k != "sector"}
    response = client_for(caseworker).post(
        reverse("network:member_add", args=[case.pk]), {**data, "placement": "asked"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_sector_error"' in html and 'id="id_side_error"' not in html
    assert 'name="placement" value="asked"' in html
    assert not NetworkMember.objects.filter(case=case).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("relation", "side", "sector"),
    [
        ("BUP", "public", "services"),
        ("Barnehage", "public", "school"),
        ("  mormor ", "private", "family"),
        ("Helsesykepleier", "public", "services"),
    ],
)
def test_a_relation_the_taxonomy_knows_goes_straight_in_also_without_javascript(
    case: Case, caseworker: User, relation: str, side: str, sector: str
) -> None:
    """Without the script nothing changed side and sector while typing: the server places the person."""
    for extra in (PLAIN, HX):
        response = client_for(caseworker).post(
            reverse("network:member_add", args=[case.pk]),
            quick_add(name=f"Person {len(extra)}", relation=relation),
            headers=extra,
        )
        assert response.status_code in (200, 302)
        assert 'name="placement" value="asked"' not in response.content.decode()
    assert {(m.side, m.sector) for m in NetworkMember.objects.filter(case=case)} == {(side, sector)}
    assert NetworkMember.objects.filter(case=case).count() == 2


@pytest.mark.django_db
def test_side_and_sector_chosen_by_hand_are_kept_whatever_the_relation(case: Case, caseworker: User) -> None:
    url = reverse("network:member_add", args=[case.pk])
    client = client_for(caseworker)
    client.post(url, quick_add(name="Ole Sand", relation="Trener, håndball", side="public", sector="school"))
    client.post(url, quick_add(name="Mor", relation="Mor", sector="friends"))
    client.post(url, quick_add(name="Ola Onkel"))  # no relation: a name and Enter is enough
    placed = {m.name: (m.side, m.sector) for m in NetworkMember.objects.filter(case=case)}
    assert placed == {
        "Ole Sand": ("public", "school"),
        "Mor": ("private", "friends"),
        "Ola Onkel": ("private", "family"),
    }


@pytest.mark.django_db
def test_editing_a_member_saves_the_changes_and_is_audited(
    case: Case, caseworker: User, kari: NetworkMember
) -> None:
    client = client_for(caseworker)
    url = reverse("network:member_edit", args=[case.pk, kari.pk])
    form = client.get(url, headers=HX)
    assert form.status_code == 200
    assert form["HX-Retarget"] == f"#member-row-{kari.pk}"
    assert f'name="m{kari.pk}-version" value="{kari.version}"' in form.content.decode()
    data = edit_data(kari, name="Kari Nilsen", ring="2", note="Ringer hver søndag", may_contact="on")
    data[f"m{kari.pk}-contact_consent_by"] = "Mor, 3. mars"
    response = client.post(url, data, headers=HX)
    assert response.status_code == 200
    assert response["HX-Reswap"] == "none"
    html = response.content.decode()
    assert f'<template>\n<tr id="member-row-{kari.pk}" hx-swap-oob="true">' in html
    edit_button = html.split(f'id="edit-{kari.pk}"')[1].split(">")[0]
    assert "autofocus" in edit_button
    stored = NetworkMember.objects.get(pk=kari.pk)
    assert (stored.ring, stored.note, stored.may_contact, stored.version) == (
        2,
        "Ringer hver søndag",
        True,
        2,
    )
    [event] = events("network_member", AuditAction.UPDATE)
    assert set(event.detail["fields"]) >= {"ring", "note", "may_contact", "contact_consent_by"}


def edit_data(member: NetworkMember, **changes: str) -> dict[str, str | list[str]]:
    p = f"m{member.pk}-"
    data: dict[str, str | list[str]] = {
        p + "name": member.name,
        p + "relation": member.relation,
        p + "side": member.side,
        p + "sector": member.sector,
        p + "ring": str(member.ring),
        p + "support": list(member.support),
        p + "valence": member.valence,
        p + "direction": member.direction,
        p + "contact_frequency": member.contact_frequency,
        p + "language": member.language,
        p + "contact_consent_by": member.contact_consent_by,
        p + "phone": member.phone,
        p + "email": member.email,
        p + "address": member.address,
        p + "note": member.note,
        p + "version": str(member.version),
    }
    data.update({p + k: v for k, v in changes.items()})
    return data


@pytest.mark.django_db
def test_an_edit_conflict_keeps_the_input_and_explains(
    case: Case, caseworker: User, teammate: User, kari: NetworkMember
) -> None:
    client = client_for(caseworker)
    url = reverse("network:member_edit", args=[case.pk, kari.pk])
    stale = edit_data(kari, note="Min merknad", ring="3")
    with translation.override("nb"):
        expected = gettext(
            "Someone else saved changes to this person while you were editing. Your changes are still in "
            "the form; what is saved now is shown below it. Save again to keep your version."
        )
    services.update_member(acting_user=caseworker, member=kari, note="Noen andres merknad")  # version 2
    for extra in (PLAIN, HX):
        response = client.post(url, stale, headers=extra)
        assert response.status_code == 200
        html = response.content.decode()
        assert expected.split(".")[0] in html
        assert "Min merknad" in html  # the user's input
        assert "Noen andres merknad" in html  # what is saved now
        assert f'name="m{kari.pk}-version" value="2"' in html  # saving again overwrites
    stored = NetworkMember.objects.get(pk=kari.pk)
    assert (stored.note, stored.ring) == ("Noen andres merknad", 1)
    # Saving again from the conflict form (with the new version) goes through.
    again = edit_data(kari, note="Min merknad", ring="3")
    again[f"m{kari.pk}-version"] = "2"
    assert client.post(url, again).status_code == 302
    assert NetworkMember.objects.get(pk=kari.pk).note == "Min merknad"


@pytest.mark.django_db
def test_a_note_over_the_limit_is_refused_with_a_message_and_nothing_is_saved(
    case: Case, caseworker: User, kari: NetworkMember
) -> None:
    client = client_for(caseworker)
    url = reverse("network:member_edit", args=[case.pk, kari.pk])
    with translation.override("nb"):
        expected = note_too_long_message(MAX_NOTE_CHARS + 1)
    for extra in (PLAIN, HX):
        response = client.post(url, edit_data(kari, note="n" * (MAX_NOTE_CHARS + 1)), headers=extra)
        assert response.status_code == 200
        html = response.content.decode()
        assert f'id="id_m{kari.pk}-note_error"' in html
        assert expected in html
        assert 'role="alert"' in html  # the error summary names it too
    stored = NetworkMember.objects.get(pk=kari.pk)
    assert (stored.note, stored.version) == ("", 1)


@pytest.mark.django_db
def test_a_note_at_the_limit_is_saved_counting_line_breaks_as_the_browser_does(
    case: Case, caseworker: User, kari: NetworkMember
) -> None:
    """Browsers send a line break as CRLF but count it as one character; so does Sirkel."""
    lines = ["Ringer hver søndag."] * 500
    note = "\n".join(lines)
    note += "x" * (MAX_NOTE_CHARS - len(note))
    url = reverse("network:member_edit", args=[case.pk, kari.pk])
    sent = edit_data(kari, note=note.replace("\n", "\r\n"))
    assert client_for(caseworker).post(url, sent).status_code == 302
    assert NetworkMember.objects.get(pk=kari.pk).note == note


@pytest.mark.django_db
def test_the_services_refuse_a_note_over_the_limit_too(case: Case, caseworker: User) -> None:
    with pytest.raises(ValidationError) as refused:
        add(case, caseworker, "Kari", note="n" * (MAX_NOTE_CHARS + 1))
    assert "note" in refused.value.message_dict
    assert not NetworkMember.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_may_contact_needs_to_say_who_agreed(case: Case, caseworker: User, kari: NetworkMember) -> None:
    url = reverse("network:member_edit", args=[case.pk, kari.pk])
    response = client_for(caseworker).post(url, edit_data(kari, may_contact="on"))
    assert response.status_code == 200
    assert f'id="id_m{kari.pk}-contact_consent_by_error"' in response.content.decode()
    assert not NetworkMember.objects.get(pk=kari.pk).may_contact


@pytest.mark.django_db
def test_deleting_asks_first_then_deletes_member_and_ties_and_audits(
    case: Case, caseworker: User, kari: NetworkMember, tie: NetworkTie
) -> None:
    client = client_for(caseworker)
    url = reverse("network:member_delete", args=[case.pk, kari.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Kari Nilsen" in confirm.content.decode()
    assert 'method="post"' in confirm.content.decode()
    inline = client.get(url, headers=HX).content.decode()
    assert f'id="member-row-{kari.pk}" class="member-delete-row"' in inline
    assert NetworkMember.objects.filter(pk=kari.pk).exists()  # asking changes nothing
    response = client.post(url, headers=HX)
    assert response.status_code == 200
    assert 'id="register-heading" tabindex="-1" autofocus' in response.content.decode()
    assert not NetworkMember.objects.filter(pk=kari.pk).exists()
    assert not NetworkTie.objects.filter(pk=tie.pk).exists()
    assert len(events("network_member", AuditAction.DELETE)) == 1


@pytest.mark.django_db
def test_adding_and_removing_a_tie(
    case: Case, caseworker: User, kari: NetworkMember, ola: NetworkMember
) -> None:
    client = client_for(caseworker)
    response = client.post(
        reverse("network:tie_add", args=[case.pk]),
        {"tie-a": str(ola.pk), "tie-b": str(kari.pk), "tie-kind": "conflict"},
        headers=HX,
    )
    assert response.status_code == 200
    tie = NetworkTie.objects.get(case=case)
    assert (tie.a_id, tie.b_id, tie.kind) == (min(kari.pk, ola.pk), max(kari.pk, ola.pk), "conflict")
    html = response.content.decode()
    assert 'class="tie tie--conflict"' in html  # drawn on the map
    assert f'id="tie-{tie.pk}"' in html  # and listed
    assert len(events("network_tie", AuditAction.CREATE)) == 1

    page = client.get(reverse("network:page", args=[case.pk])).content.decode()
    assert "Kari Nilsen – Ola Lærer" in page or "Ola Lærer – Kari Nilsen" in page

    response = client.post(reverse("network:tie_delete", args=[case.pk, tie.pk]))
    assert response.status_code == 302
    assert not NetworkTie.objects.filter(pk=tie.pk).exists()
    assert len(events("network_tie", AuditAction.DELETE)) == 1


@pytest.mark.django_db
def test_a_tie_needs_two_different_people_of_this_network(
    make_case: Callable[..., Case],
    case: Case,
    caseworker: User,
    service: Service,
    kari: NetworkMember,
    ola: NetworkMember,
) -> None:
    other = make_case(owner=caseworker, service=service)
    stranger = add(other, caseworker, "Fremmed")
    client = client_for(caseworker)
    url = reverse("network:tie_add", args=[case.pk])
    same = client.post(url, {"tie-a": str(kari.pk), "tie-b": str(kari.pk)}, headers=HX)
    assert same["HX-Retarget"] == "#network-ties"
    assert 'id="tie-errors"' in same.content.decode()
    foreign = client.post(url, {"tie-a": str(kari.pk), "tie-b": str(stranger.pk)})
    assert foreign.status_code == 200
    assert 'id="tie-errors"' in foreign.content.decode()
    assert not NetworkTie.objects.exists()


@pytest.mark.django_db
def test_moving_on_the_map_saves_ring_and_sector_and_is_audited(
    case: Case, caseworker: User, ola: NetworkMember
) -> None:
    client = client_for(caseworker)
    url = reverse("network:member_move", args=[case.pk, ola.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"ring": "1", "sector": "services", "map_offset": "0.25"})
    assert response.status_code == 200
    data = json.loads(response.content)
    assert (data["ring"], data["sector"], data["map_offset"]) == (1, "services", 0.25)
    assert "Ola Lærer" in data["message"]
    stored = NetworkMember.objects.get(pk=ola.pk)
    assert (stored.ring, stored.sector, stored.map_offset) == (1, "services", 0.25)
    [event] = events("network_member", AuditAction.UPDATE)
    assert set(event.detail["fields"]) == {"ring", "sector", "map_offset"}

    # With htmx: the map and the row are swapped, the moved person keeps the focus.
    response = client.post(url, {"ring": "2", "sector": "services"}, headers=HX)
    html = response.content.decode()
    node = html.split(f'id="node-{ola.pk}"')[1].split(">")[0]
    assert "autofocus" in node
    assert f'<template>\n<tr id="member-row-{ola.pk}" hx-swap-oob="true">' in html
    assert 'id="network-table"' not in html  # only the row, not the whole table
    assert NetworkMember.objects.get(pk=ola.pk).ring == 2

    # From the map page (no table there), only the map is sent back.
    html = client.post(url, {"ring": "3", "sector": "services", "view": "map"}, headers=HX).content.decode()
    assert "member-row" not in html and 'id="network-map-panel"' in html
    assert NetworkMember.objects.get(pk=ola.pk).ring == 3


@pytest.mark.django_db
def test_a_move_to_nowhere_is_refused(case: Case, caseworker: User, ola: NetworkMember) -> None:
    client = client_for(caseworker)
    url = reverse("network:member_move", args=[case.pk, ola.pk])
    for bad in (
        {"ring": "4", "sector": "family"},
        {"ring": "x", "sector": "family"},
        {"ring": "1", "sector": "moon"},
        {"ring": "1", "sector": "family", "map_offset": "1.5"},
    ):
        response = client.post(url, bad)
        assert response.status_code == 400, bad
        assert "error" in json.loads(response.content)
    assert NetworkMember.objects.get(pk=ola.pk).ring == 2


@pytest.mark.django_db
def test_cancelling_an_edit_with_htmx_restores_the_table_and_focuses_the_edit_button(
    case: Case, caseworker: User, kari: NetworkMember
) -> None:
    response = client_for(caseworker).get(
        reverse("network:page", args=[case.pk]) + f"?focus=edit-{kari.pk}", headers=HX
    )
    assert response.status_code == 200
    assert response["HX-Reswap"] == "none"
    html = response.content.decode()
    assert 'id="network-table" class="table-wrap" hx-swap-oob="true"' in html
    assert "autofocus" in html.split(f'id="edit-{kari.pk}"')[1].split(">")[0]
    assert "<!DOCTYPE html>" not in html  # a fragment, not the page
