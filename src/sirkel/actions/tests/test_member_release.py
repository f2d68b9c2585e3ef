"""Removing a network member who carries actions: the delete page says so, and the actions are given to
someone else or kept with the person's name as former owner."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import translation

from sirkel.accounts.models import User
from sirkel.actions.meeting_page import actions_for_minutes
from sirkel.actions.models import Action
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.cases.models import Case
from sirkel.meetings.models import Meeting, Series
from sirkel.network.models import NetworkMember
from sirkel.testing.fixtures import client_for


@pytest.fixture
def carried(
    series: Series, first_meeting: Meeting, grandma: NetworkMember, make_action: Callable[..., Action]
) -> Action:
    return make_action(series, first_meeting, due_in=10, what="Henter Emma tirsdager", owner_member=grandma)


def delete_url(case: Case, member: NetworkMember) -> str:
    return reverse("network:member_delete", args=[case.pk, member.pk])


@pytest.mark.django_db
def test_the_delete_page_says_which_actions_the_person_carries(
    case: Case, caseworker: User, grandma: NetworkMember, carried: Action
) -> None:
    page = client_for(caseworker).get(delete_url(case, grandma)).content.decode()
    assert "Henter Emma tirsdager" in page
    assert f'name="release-action_{carried.pk}"' in page
    assert caseworker.display_name() in page  # staff are offered as new owners


@pytest.mark.django_db
def test_deleting_a_member_who_carries_an_action_keeps_it_with_their_name(
    case: Case, caseworker: User, grandma: NetworkMember, carried: Action, first_meeting: Meeting
) -> None:
    response = client_for(caseworker).post(
        delete_url(case, grandma), {f"release-action_{carried.pk}": "keep"}
    )
    assert response.status_code == 302
    assert not NetworkMember.objects.filter(pk=grandma.pk).exists()
    action = Action.objects.get(pk=carried.pk)
    assert (action.owner_member_id, action.owner_user_id) == (None, None)
    assert action.former_owner_name == "Mormor Berit"
    with translation.override("en"):
        assert action.owner_display == "Mormor Berit (removed from the network)"
        minutes = actions_for_minutes(first_meeting)
        owners = [str(a.owner_name) for a in minutes.all]  # type: ignore[attr-defined]
    assert owners == ["Mormor Berit (removed from the network)"]
    event = AuditEvent.objects.get(object_type="action", object_id=carried.pk, action=AuditAction.UPDATE)
    assert event.detail["kept_as_former_owner"] is True
    assert AuditEvent.objects.filter(object_type="network_member", action=AuditAction.DELETE).count() == 1


@pytest.mark.django_db
def test_deleting_a_member_can_give_their_action_to_someone_else(
    case: Case,
    caseworker: User,
    grandma: NetworkMember,
    carried: Action,
    make_member: Callable[..., NetworkMember],
) -> None:
    aunt = make_member(case, "Tante Lise")
    client = client_for(caseworker)
    response = client.post(delete_url(case, grandma), {f"release-action_{carried.pk}": f"m:{aunt.pk}"})
    assert response.status_code == 302
    action = Action.objects.get(pk=carried.pk)
    assert action.owner_member_id == aunt.pk
    assert action.former_owner_name == ""
    event = AuditEvent.objects.get(object_type="action", object_id=carried.pk, action=AuditAction.UPDATE)
    assert event.detail["released_member"] == grandma.pk


@pytest.mark.django_db
def test_the_person_being_removed_is_not_offered_as_new_owner(
    case: Case, caseworker: User, grandma: NetworkMember, carried: Action
) -> None:
    response = client_for(caseworker).post(
        delete_url(case, grandma), {f"release-action_{carried.pk}": f"m:{grandma.pk}"}
    )
    assert response.status_code == 400
    assert NetworkMember.objects.filter(pk=grandma.pk).exists()
    assert Action.objects.get(pk=carried.pk).owner_member_id == grandma.pk
