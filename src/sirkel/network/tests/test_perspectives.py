"""Perspective maps: a child's or a parent's own map, drawn through a participant link or beside the
caseworker, linked person by person to the register and compared side by side with the differences named.
Access: edit rights on the case for staff, the link for its own map only; everyone else gets 404."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django import DjangoAssertNumQueries

from sirkel.accounts.models import User
from sirkel.audit.models import AuditEvent
from sirkel.cases.access import Do, may
from sirkel.cases.innsyn import Recipient
from sirkel.cases.models import Case, RecipientRole
from sirkel.evaluation import links
from sirkel.evaluation.models import ParticipantLink
from sirkel.evaluation.tests.links_world import LinkWorld, link_world
from sirkel.network import perspectives
from sirkel.network import services as network_services
from sirkel.network.innsyn import sections
from sirkel.network.models import Perspective, PerspectiveEntry, PerspectiveMap
from sirkel.testing.fixtures import client_for


@pytest.fixture
def world(case: Case) -> Iterator[LinkWorld]:
    yield from link_world(case)


def _child_link(w: LinkWorld) -> tuple[ParticipantLink, str]:
    link, token = links.create_link(acting_user=w.owner, series=w.series, purpose="map", for_child=True)
    return link, reverse("participant:page", args=[token])


def _mothers_map(w: LinkWorld) -> PerspectiveMap:
    link, _token = links.create_link(
        acting_user=w.owner, series=w.series, purpose="map", member=w.mother, map_perspective="mother"
    )
    return perspectives.map_for_link(link=link)


# --- Comparison: linking and the differences named ---------------------------------------------------


def _entry(
    name: str, ring: int, *, member_id: int | None = None, support: list[str] | None = None
) -> PerspectiveEntry:
    return PerspectiveEntry(name=name, ring=ring, member_id=member_id, support=support or [])


def _side(label: str, *entries: PerspectiveEntry) -> perspectives.Side:
    return perspectives.Side(label=label, entries={perspectives.person_key(e): e for e in entries})


def test_the_differences_are_named_as_in_the_issue() -> None:
    mother = _side("the mother", _entry("Bestemor", 1, member_id=7))
    nora = _side("Nora", _entry("Mormor", 3, member_id=7), _entry("Fotballtreneren", 2))
    with translation.override("en"):
        result = perspectives.compare_sides([mother, nora], names={"member:7": "Grandmother"})
    assert "Grandmother: ring 1 for the mother, ring 3 for Nora." in result.differences
    assert "Only Nora names Fotballtreneren." in result.differences
    # Linked by register member, not by the name each of them used: one row for the grandmother.
    assert [r.name for r in result.rows] == ["Grandmother", "Fotballtreneren"]
    assert [c.ring if c else None for c in result.rows[1].cells] == [None, 2]


def test_people_without_a_register_link_are_matched_by_name_and_help_differences_named() -> None:
    a = _side("the mother", _entry("Kari  Nabo", 2, support=["practical"]))
    b = _side("the father", _entry("kari nabo", 2, support=["emotional"]))
    c = _side("Nora", _entry("Per", 1))
    with translation.override("en"):
        result = perspectives.compare_sides([a, b, c])
    assert "Only the mother and the father name Kari  Nabo." in result.differences
    assert (
        "Kari  Nabo helps with: helps me with things for the mother; comforts me for the father."
        in result.differences
    )
    assert not any("ring" in d for d in result.differences)  # same ring for both


def test_maps_that_agree_have_no_differences() -> None:
    a = _side("the mother", _entry("Per", 1, support=["emotional"]))
    b = _side("Nora", _entry("Per", 1, support=["emotional"]))
    assert perspectives.compare_sides([a, b]).differences == []


def test_a_written_name_is_linked_to_the_one_register_member_it_names(world: LinkWorld) -> None:
    w = world
    assert perspectives.match_member(case_id=w.case.pk, name="mona mor") == w.mother
    assert perspectives.match_member(case_id=w.case.pk, name="Tove") == w.aunt
    network_services.add_member(acting_user=w.owner, case=w.case, name="Tove Annen")
    assert perspectives.match_member(case_id=w.case.pk, name="Tove") is None  # two Toves: no guess
    assert perspectives.match_member(case_id=w.case.pk, name="Fotballtreneren") is None


# --- The link: its own map only ------------------------------------------------------------------------


def test_a_child_draws_through_the_link_and_it_is_saved_as_the_childs_perspective(world: LinkWorld) -> None:
    w = world
    link, url = _child_link(w)
    client = Client()
    page = client.get(url + "?lang=en")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Who matters to you?" in html
    assert "Close to me" in html and "A bit further away" in html
    # No case data: no register names, no staff name, no case reference.
    for secret in (w.mother.name, w.aunt.name, w.owner.display_name(), w.case.reference):
        assert secret not in html
    assert client.post(url, {"do": "add", "name": "Mormor", "ring": "1"}).status_code == 302
    assert client.post(url, {"do": "add", "name": "Tove", "ring": "3"}).status_code == 302
    drawn = PerspectiveMap.objects.get(link=link)
    assert drawn.perspective == Perspective.CHILD
    assert drawn.drawn_by_name == "Emma"
    assert drawn.drawn_by_user is None
    mormor, tove = drawn.entries.order_by("position")
    assert (mormor.name, mormor.ring, mormor.member_id) == ("Mormor", 1, None)
    assert tove.member_id == w.aunt.pk  # matched by first name, not shown to the child
    client.post(url, {"do": "further", "entry": str(mormor.pk)})
    client.post(url, {"do": "help:emotional", "entry": str(mormor.pk)})
    client.post(url, {"do": "hide", "entry": str(tove.pk)})
    mormor.refresh_from_db()
    tove.refresh_from_db()
    assert (mormor.ring, mormor.support) == (2, ["emotional"])
    assert tove.hidden
    after = client.get(url).content.decode()
    assert 'aria-pressed="true"' in after and w.aunt.name not in after
    events = AuditEvent.objects.filter(object_type="perspective_map", object_id=str(drawn.pk))
    assert events.count() == 6  # made, two added, three changes
    assert all(e.actor_id is None and e.detail["via"] == "link" for e in events)


def test_a_link_reaches_only_its_own_map(world: LinkWorld) -> None:
    w = world
    link, url = _child_link(w)
    Client().get(url)
    mothers = _mothers_map(w)
    other = perspectives.add_entry(drawer=w.owner, perspective_map=mothers, name="Bestemor", ring=1)
    response = Client().post(url, {"do": "remove", "entry": str(other.pk)})
    assert response.status_code == 404  # the other map's person is not this link's: the plain page
    assert PerspectiveEntry.objects.filter(pk=other.pk).exists()
    principal = links.principal_of(link)
    assert not may(user=principal, action=Do.VIEW, obj=mothers)
    assert may(user=principal, action=Do.VIEW, obj=PerspectiveMap.objects.get(link=link))
    assert not may(user=principal, action=Do.VIEW, obj=w.case)
    with pytest.raises(PermissionDenied):
        perspectives.add_entry(drawer=link, perspective_map=mothers, name="X")
    with pytest.raises(PermissionDenied):  # a link is offered no register list
        perspectives.add_entry(
            drawer=link, perspective_map=PerspectiveMap.objects.get(link=link), member_id=w.mother.pk
        )


def test_a_revoked_link_draws_no_more(world: LinkWorld) -> None:
    w = world
    link, url = _child_link(w)
    Client().get(url)
    links.revoke_link(acting_user=w.owner, link=link)
    assert Client().post(url, {"do": "add", "name": "Mormor", "ring": "1"}).status_code == 404
    assert not PerspectiveEntry.objects.exists()


def test_a_parents_map_link_needs_to_say_whose_map(world: LinkWorld) -> None:
    w = world
    with translation.override("en"), pytest.raises(ValidationError, match="mother"):
        links.create_link(acting_user=w.owner, series=w.series, purpose="map", member=w.mother)
    assert _mothers_map(w).perspective == Perspective.MOTHER


def test_the_link_page_has_a_bounded_number_of_queries(
    world: LinkWorld, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    w = world
    _link, url = _child_link(w)
    client = Client()
    for i in range(6):
        client.post(url, {"do": "add", "name": f"Venn {i}", "ring": str(i % 3 + 1)})
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200


# --- Staff pages ----------------------------------------------------------------------------------------


def test_staff_start_a_map_on_the_tablet_and_place_register_members(world: LinkWorld) -> None:
    w = world
    client = client_for(w.owner)
    page = reverse("network:perspectives", args=[w.case.pk])
    assert client.get(page).status_code == 200
    response = client.post(page, {"perspective": "father", "drawn_by_name": "Frank"})
    drawn = PerspectiveMap.objects.get()
    assert response.status_code == 302
    draw_url = response["Location"]
    assert draw_url == reverse("network:perspective_draw", args=[w.case.pk, drawn.pk])
    assert (drawn.perspective, drawn.drawn_by_name, drawn.drawn_by_user) == ("father", "Frank", w.owner)
    draw = client.get(draw_url).content.decode()
    assert w.mother.name in draw  # the register's names are offered beside the caseworker
    client.post(draw_url, {"do": "add", "member": str(w.mother.pk), "ring": "2"})
    entry = drawn.entries.get()
    assert (entry.member_id, entry.name) == (w.mother.pk, w.mother.name)


def test_perspectives_side_by_side_with_the_differences_named_and_hidden_people_left_out(
    world: LinkWorld, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    w = world
    _link, url = _child_link(w)
    child = Client()
    child.post(url, {"do": "add", "name": "Mona", "ring": "3"})
    child.post(url, {"do": "add", "name": "Fotballtreneren", "ring": "2"})
    child.post(url, {"do": "add", "name": "Hemmelig venn", "ring": "1"})
    childs = PerspectiveMap.objects.get(link__isnull=False)
    secret = childs.entries.get(name="Hemmelig venn")
    perspectives.change_entry(drawer=w.owner, perspective_map=childs, entry_id=secret.pk, op="hide")
    mothers = _mothers_map(w)
    perspectives.add_entry(drawer=w.owner, perspective_map=mothers, name="Mona Mor", ring=1)
    compare = (
        reverse("network:perspective_compare", args=[w.case.pk]) + f"?kart={mothers.pk}&kart={childs.pk}"
    )
    client = client_for(w.owner)
    client.cookies["django_language"] = "en"
    with django_assert_max_num_queries(20):
        response = client.get(compare)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mona Mor: ring 1 for the mother, ring 3 for Emma." in html
    assert "Only Emma names Fotballtreneren." in html
    assert "Hemmelig venn" not in html
    assert "1 person the drawer did not want shown to others is left out." in html
    shown = client.get(compare + "&skjulte=1").content.decode()
    assert "Hemmelig venn" in shown
    assert AuditEvent.objects.filter(object_type="perspective_map", detail__show_hidden=True).count() == 1
    assert (
        client.get(
            reverse("network:perspective_compare", args=[w.case.pk]) + f"?kart={childs.pk}"
        ).status_code
        == 400
    )


def test_others_get_404_on_every_perspective_page(
    world: LinkWorld, teammate: User, outsider: User, researcher: User
) -> None:
    w = world
    made = perspectives.start_map(acting_user=w.owner, case=w.case, perspective="child", drawn_by_name="Emma")
    c = w.case.pk
    urls = [
        reverse("network:perspectives", args=[c]),
        reverse("network:perspective_draw", args=[c, made.pk]),
        reverse("network:perspective_compare", args=[c]) + f"?kart={made.pk}&kart={made.pk}",
    ]
    for user in (teammate, outsider, researcher):
        client = client_for(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
            assert client.post(
                url, {"do": "add", "name": "X", "ring": "1", "perspective": "child", "drawn_by_name": "X"}
            ).status_code in (404, 405), (user, url)
    assert not made.entries.exists()
    assert PerspectiveMap.objects.count() == 1


def test_a_map_of_another_case_is_404(world: LinkWorld, make_case: Any) -> None:
    w = world
    other_case = make_case(owner=w.owner, service=w.case.service)
    theirs = perspectives.start_map(
        acting_user=w.owner, case=other_case, perspective="child", drawn_by_name="X"
    )
    client = client_for(w.owner)
    assert client.get(reverse("network:perspective_draw", args=[w.case.pk, theirs.pk])).status_code == 404
    compare = reverse("network:perspective_compare", args=[w.case.pk]) + f"?kart={theirs.pk}&kart={theirs.pk}"
    assert client.get(compare).status_code == 404


def test_the_caseworkers_map_from_the_register(world: LinkWorld) -> None:
    w = world
    client = client_for(w.owner)
    client.post(reverse("network:perspectives", args=[w.case.pk]), {"from_register": "1"})
    made = PerspectiveMap.objects.get()
    assert made.perspective == Perspective.CASEWORKER
    assert {e.member_id for e in made.entries.all()} == {w.mother.pk, w.aunt.pk}
    client.cookies["django_language"] = "en"
    html = client.get(reverse("network:perspectives", args=[w.case.pk])).content.decode()
    assert re.search(r"Map: The caseworker \(drawn by [^)]+\)", html)


def test_the_links_page_makes_a_map_link_for_the_child_and_for_a_parent(world: LinkWorld) -> None:
    w = world
    client = client_for(w.owner)
    page = reverse("links:links", args=[w.case.pk, w.series.measure_id])
    base = {"purpose": "map", "language": "nb", "days": "7"}
    assert client.post(page, {**base, "participant": "child"}).status_code == 200
    assert ParticipantLink.objects.get().map_perspective == "child"
    refused = client.post(page, {**base, "participant": f"member:{w.mother.pk}"})
    with translation.override("nb"):  # the page's language: no language chosen
        message = translation.gettext("Choose whether it is the mother's or the father's map.")
    assert html.escape(message) in refused.content.decode()
    assert ParticipantLink.objects.count() == 1
    client.post(page, {**base, "participant": f"member:{w.mother.pk}", "map_perspective": "mother"})
    assert ParticipantLink.objects.filter(member=w.mother, map_perspective="mother", purpose="map").exists()


def test_innsyn_holds_the_maps_and_flags_what_the_child_did_not_want_shown_to_others(
    world: LinkWorld,
) -> None:
    w = world
    drawn = perspectives.start_map(
        acting_user=w.owner, case=w.case, perspective="child", drawn_by_name="Emma"
    )
    perspectives.add_entry(drawer=w.owner, perspective_map=drawn, name="Mormor", ring=1)
    secret = perspectives.add_entry(drawer=w.owner, perspective_map=drawn, name="Hemmelig venn", ring=2)
    perspectives.change_entry(drawer=w.owner, perspective_map=drawn, entry_id=secret.pk, op="hide")

    def items(recipient: Recipient) -> dict[str, str]:
        entry = next(e for e in sections(w.case, recipient)[0].entries if "Emma" in e.heading)
        return {i.label: i.reason for i in entry.items}

    for_mother = items(Recipient(RecipientRole.PARENT, w.mother.name, w.mother.pk))
    assert for_mother["Mormor"] == ""
    assert for_mother["Hemmelig venn"] != ""  # flagged: withheld unless the caseworker keeps it
    assert items(Recipient(RecipientRole.YOUTH, "Emma"))["Hemmelig venn"] == ""  # her own map


def test_the_list_shows_the_wishes_not_to_be_shown_and_how_the_register_prints_them(
    world: LinkWorld, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    w = world
    drawn = perspectives.start_map(
        acting_user=w.owner, case=w.case, perspective="child", drawn_by_name="Emma"
    )
    for name in ("Tove", "Hemmelig venn"):
        entry = perspectives.add_entry(drawer=w.owner, perspective_map=drawn, name=name, ring=2)
        perspectives.change_entry(drawer=w.owner, perspective_map=drawn, entry_id=entry.pk, op="hide")
    perspectives.map_from_register(acting_user=w.owner, case=w.case)
    client = client_for(w.owner)
    client.cookies["django_language"] = "en"
    with django_assert_max_num_queries(16):
        html = client.get(reverse("network:perspectives", args=[w.case.pk])).content.decode()
    assert reverse("network:member_edit", args=[w.case.pk, w.aunt.pk]) in html  # Tove is the aunt
    assert "shown in prints in the register" in html
    assert "not in the register" in html  # the secret friend
    draw = reverse("network:perspective_draw", args=[w.case.pk, drawn.pk])
    with django_assert_max_num_queries(16):
        assert client.get(draw).status_code == 200
