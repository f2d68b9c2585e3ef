"""Memberships made, changed or removed in the admin (on their own pages, on a user's page, or by deleting a
user or a service) are recorded in the audit chain: ids and roles only, in the service's chain."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sirkel.accounts.models import Membership, Role, Service, User
from sirkel.audit.models import GLOBAL_CHAIN, AuditAction, AuditEvent
from sirkel.audit.verification import verify_chain
from sirkel.testing.fixtures import PASSWORD, client_for


@pytest.fixture
def superuser(db: None) -> User:
    return User.objects.create_superuser(username="root", password=PASSWORD)


def membership_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="membership").order_by("id"))


def post(client: Client, url: str, data: dict[str, Any]) -> None:
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""


@pytest.mark.django_db
def test_a_membership_made_changed_and_removed_in_the_admin_is_in_the_services_chain(
    superuser: User, caseworker: User, service: Service, other_service: Service
) -> None:
    client = client_for(superuser)
    post(
        client,
        reverse("admin:accounts_membership_add"),
        {"user": caseworker.pk, "service": other_service.pk, "role": Role.CONSULTANT},
    )
    membership = Membership.objects.get(user=caseworker, service=other_service)
    post(
        client,
        reverse("admin:accounts_membership_change", args=[membership.pk]),
        {"user": caseworker.pk, "service": other_service.pk, "role": Role.LEADER},
    )
    post(client, reverse("admin:accounts_membership_delete", args=[membership.pk]), {"post": "yes"})

    made, changed, removed = membership_events()
    assert [e.action for e in (made, changed, removed)] == [
        AuditAction.CREATE,
        AuditAction.UPDATE,
        AuditAction.DELETE,
    ]
    assert {e.chain for e in (made, changed, removed)} == {other_service.pk}
    assert {e.service_id for e in (made, changed, removed)} == {other_service.pk}
    assert {e.actor_id for e in (made, changed, removed)} == {superuser.pk}
    assert {e.object_id for e in (made, changed, removed)} == {str(membership.pk)}
    base = {"user": caseworker.pk, "service": other_service.pk}
    assert made.detail == {**base, "old_role": None, "new_role": "consultant"}
    assert changed.detail == {**base, "old_role": "consultant", "new_role": "leader"}
    assert removed.detail == {**base, "old_role": "leader", "new_role": None}
    assert verify_chain(chain=other_service.pk).ok


@pytest.mark.django_db
def test_a_membership_moved_to_another_service_leaves_the_one_chain_and_joins_the_other(
    superuser: User, caseworker: User, service: Service, other_service: Service
) -> None:
    membership = Membership.objects.get(user=caseworker, service=service)
    post(
        client_for(superuser),
        reverse("admin:accounts_membership_change", args=[membership.pk]),
        {"user": caseworker.pk, "service": other_service.pk, "role": Role.CASEWORKER},
    )
    left, joined = membership_events()
    assert (left.action, left.chain, left.detail["old_role"]) == (
        AuditAction.DELETE,
        service.pk,
        "caseworker",
    )
    assert (joined.action, joined.chain, joined.detail["new_role"]) == (
        AuditAction.CREATE,
        other_service.pk,
        "caseworker",
    )


@pytest.mark.django_db
def test_memberships_deleted_from_the_list_are_recorded(
    superuser: User, caseworker: User, leader: User, service: Service
) -> None:
    ids = list(Membership.objects.filter(user__in=[caseworker, leader]).values_list("pk", flat=True))
    response = client_for(superuser).post(
        reverse("admin:accounts_membership_changelist"),
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert response.status_code == 302
    events = membership_events()
    assert sorted(int(e.object_id) for e in events) == sorted(ids)
    assert {(e.action, e.chain) for e in events} == {(AuditAction.DELETE, service.pk)}


@pytest.mark.django_db
def test_memberships_edited_on_a_users_page_are_recorded(
    superuser: User, caseworker: User, service: Service, other_service: Service
) -> None:
    membership = Membership.objects.get(user=caseworker, service=service)
    prefix = "memberships"
    post(
        client_for(superuser),
        reverse("admin:accounts_user_change", args=[caseworker.pk]),
        {
            "username": caseworker.username,
            "first_name": caseworker.first_name,
            "last_name": "",
            "email": "",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "08:00:00",
            f"{prefix}-TOTAL_FORMS": "2",
            f"{prefix}-INITIAL_FORMS": "1",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
            f"{prefix}-0-id": str(membership.pk),
            f"{prefix}-0-user": str(caseworker.pk),
            f"{prefix}-0-service": str(service.pk),
            f"{prefix}-0-role": Role.LEADER,
            f"{prefix}-1-id": "",
            f"{prefix}-1-user": str(caseworker.pk),
            f"{prefix}-1-service": str(other_service.pk),
            f"{prefix}-1-role": Role.CONSULTANT,
        },
    )
    changed, made = membership_events()
    assert (changed.action, changed.chain, changed.detail["old_role"], changed.detail["new_role"]) == (
        AuditAction.UPDATE,
        service.pk,
        "caseworker",
        "leader",
    )
    assert (made.action, made.chain, made.detail["new_role"]) == (
        AuditAction.CREATE,
        other_service.pk,
        "consultant",
    )


@pytest.mark.django_db
def test_a_page_saved_without_membership_changes_records_none(
    superuser: User, caseworker: User, service: Service
) -> None:
    membership = Membership.objects.get(user=caseworker, service=service)
    post(
        client_for(superuser),
        reverse("admin:accounts_membership_change", args=[membership.pk]),
        {"user": caseworker.pk, "service": service.pk, "role": membership.role},
    )
    assert membership_events() == []


@pytest.mark.django_db
def test_deleting_a_user_records_the_removal_of_their_memberships(
    superuser: User, service: Service, other_service: Service
) -> None:
    user = User.objects.create_user(username="leaving", password=PASSWORD)
    Membership.objects.create(user=user, service=service, role=Role.CASEWORKER)
    Membership.objects.create(user=user, service=other_service, role=Role.LEADER)
    post(client_for(superuser), reverse("admin:accounts_user_delete", args=[user.pk]), {"post": "yes"})
    events = membership_events()
    assert {(e.action, e.chain, e.detail["user"], e.detail["old_role"]) for e in events} == {
        (AuditAction.DELETE, service.pk, user.pk, "caseworker"),
        (AuditAction.DELETE, other_service.pk, user.pk, "leader"),
    }


@pytest.mark.django_db
def test_deleting_a_service_records_its_memberships_in_the_global_chain(superuser: User) -> None:
    doomed = Service.objects.create(name="Nedlagt", municipality_numbers="0301")
    user = User.objects.create_user(username="staff", password=PASSWORD)
    membership = Membership.objects.create(user=user, service=doomed, role=Role.CASEWORKER)
    post(client_for(superuser), reverse("admin:accounts_service_delete", args=[doomed.pk]), {"post": "yes"})
    (event,) = membership_events()
    assert (event.action, event.chain, event.service_id) == (AuditAction.DELETE, GLOBAL_CHAIN, None)
    assert event.object_id == str(membership.pk)
    assert event.detail == {"user": user.pk, "service": doomed.pk, "old_role": "caseworker", "new_role": None}
    assert not Service.objects.filter(pk=doomed.pk).exists()


@pytest.mark.django_db
def test_a_users_staff_and_superuser_flags_and_groups_changed_in_the_admin_are_in_the_global_chain(
    superuser: User, caseworker: User, service: Service
) -> None:
    from django.contrib.auth.models import Group

    group = Group.objects.create(name="Brukerstøtte")
    membership = Membership.objects.get(user=caseworker, service=service)
    prefix = "memberships"
    data = {
        "username": caseworker.username,
        "first_name": caseworker.first_name,
        "last_name": "",
        "email": "",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "1",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        f"{prefix}-0-id": str(membership.pk),
        f"{prefix}-0-user": str(caseworker.pk),
        f"{prefix}-0-service": str(service.pk),
        f"{prefix}-0-role": membership.role,
    }
    url = reverse("admin:accounts_user_change", args=[caseworker.pk])
    client = client_for(superuser)
    post(client, url, {**data, "is_staff": "on", "is_superuser": "on", "groups": [group.pk]})
    post(client, url, {**data, "is_staff": "on", "is_superuser": "on", "groups": [group.pk]})  # unchanged
    post(client, url, data)

    granted, taken = AuditEvent.objects.filter(object_type="user_account").order_by("id")
    assert (granted.chain, granted.action, granted.object_id, granted.actor_id) == (
        GLOBAL_CHAIN,
        AuditAction.UPDATE,
        str(caseworker.pk),
        superuser.pk,
    )
    assert granted.detail["changes"] == {
        "is_staff": {"old": False, "new": True},
        "is_superuser": {"old": False, "new": True},
        "groups": {"old": [], "new": [group.pk]},
    }
    assert taken.detail["changes"]["is_superuser"] == {"old": True, "new": False}
    assert taken.detail["changes"]["groups"] == {"old": [group.pk], "new": []}
    assert not membership_events()  # the membership itself did not change
    assert verify_chain(chain=GLOBAL_CHAIN).ok
