"""Writes about users: sign out everywhere, two-factor enrolment, the audit of membership changes."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.db.models import Q
from django_otp.plugins.otp_totp.models import TOTPDevice

from sirkel.accounts.models import Membership, User
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event

# A membership as the audit sees it: (user id, service id, role), by membership id.
MembershipState = dict[int, tuple[int, int, str]]


@transaction.atomic
def logout_everywhere(*, user: User) -> None:
    """Invalidate every session of the user by rotating the token their session hash depends on."""
    user.session_token = uuid.uuid4()
    user.save(update_fields=["session_token"])


def pending_totp_device(*, user: User) -> TOTPDevice:
    """The user's unconfirmed authenticator, created on first visit to the set-up page."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Sirkel", confirmed=False)
    return device


def confirmed_totp_device(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def confirm_totp_device(*, device: TOTPDevice) -> None:
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()


def membership_state(
    *,
    user_ids: list[int] | None = None,
    membership_ids: list[int] | None = None,
    service_ids: list[int] | None = None,
) -> MembershipState:
    """The memberships of these users, these services and these memberships, to compare before and after
    a change."""
    condition = Q(pk__in=[])
    if user_ids:
        condition |= Q(user_id__in=user_ids)
    if service_ids:
        condition |= Q(service_id__in=service_ids)
    if membership_ids:
        condition |= Q(pk__in=membership_ids)
    rows = Membership.objects.filter(condition).values_list("pk", "user_id", "service_id", "role")
    return {pk: (user_id, service_id, role) for pk, user_id, service_id, role in rows}


def record_membership_changes(
    *, acting_user: User, before: MembershipState, after: MembershipState, global_chain: bool = False
) -> int:
    """Record in each service's audit chain the memberships made, changed or removed between `before` and
    `after` (ids and roles only). A membership moved to another user or service leaves the one and joins the
    other. `global_chain` records them in the global chain instead: for the memberships of a service being
    deleted, whose own chain must be empty for it to go. Call it in the transaction of the change. Returns
    the number of events."""
    events: list[tuple[int, str, int, dict[str, object]]] = []  # (service, action, membership, detail)
    for pk in sorted(before.keys() | after.keys()):
        old, new = before.get(pk), after.get(pk)
        if old == new:
            continue
        if old is not None and new is not None and old[:2] == new[:2]:
            user_id, service_id, _role = new
            detail = {"user": user_id, "service": service_id, "old_role": old[2], "new_role": new[2]}
            events.append((service_id, AuditAction.UPDATE, pk, detail))
            continue
        if old is not None:
            user_id, service_id, role = old
            detail = {"user": user_id, "service": service_id, "old_role": role, "new_role": None}
            events.append((service_id, AuditAction.DELETE, pk, detail))
        if new is not None:
            user_id, service_id, role = new
            detail = {"user": user_id, "service": service_id, "old_role": None, "new_role": role}
            events.append((service_id, AuditAction.CREATE, pk, detail))
    # One order for every writer (by service), so that two changes spanning the same chains never wait
    # for each other's chain heads in opposite orders.
    events.sort(key=lambda event: (event[0], event[2]))
    for service_id, action, pk, detail in events:
        record_event(
            actor=acting_user,
            service=None if global_chain else service_id,
            action=action,
            object_type="membership",
            object_id=pk,
            detail=detail,
        )
    return len(events)


# What a user account may do beyond its memberships, set in the administration: recorded when it changes.
ACCOUNT_FLAGS = ("is_active", "is_staff", "is_superuser")
AccountState = dict[str, object]


def account_state(user_id: int | None) -> AccountState:
    """A user's account flags, group ids and permission ids (empty for a user not saved yet)."""
    if user_id is None:
        return {}
    row = User.objects.filter(pk=user_id).values(*ACCOUNT_FLAGS).first()
    if row is None:
        return {}
    user = User(pk=user_id)
    return {
        **row,
        "groups": sorted(user.groups.values_list("pk", flat=True)),
        "user_permissions": sorted(user.user_permissions.values_list("pk", flat=True)),
    }


def record_account_changes(
    *, acting_user: User, user_id: int, before: AccountState, after: AccountState
) -> bool:
    """Record in the global audit chain a change of a user's account flags, groups or permissions
    (old and new values, ids only). Call it in the transaction of the change. Whether it recorded one."""
    changed = {
        key: {"old": before.get(key), "new": after.get(key)} for key in after if before.get(key) != after[key]
    }
    if not changed or not before:
        return False  # nothing changed, or a new user (its memberships are recorded; its flags are defaults)
    record_event(
        actor=acting_user,
        service=None,
        action=AuditAction.UPDATE,
        object_type="user_account",
        object_id=user_id,
        detail={"changes": changed},
    )
    return True
