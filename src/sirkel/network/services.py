"""Writes to a case's network: validated, atomic, audited in the same transaction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sirkel.accounts.models import User
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event
from sirkel.cases.access import case_access
from sirkel.cases.models import Case
from sirkel.core.types import UNCHANGED, Unchanged
from sirkel.core.versioning import update_versioned
from sirkel.network.models import (
    NetworkMember,
    NetworkSnapshot,
    NetworkTie,
    SnapshotSource,
    SupportType,
)

MEMBER_FIELDS = (
    "name",
    "side",
    "sector",
    "relation",
    "ring",
    "support",
    "valence",
    "direction",
    "contact_frequency",
    "lives_abroad",
    "language",
    "interpreter_needed",
    "phone",
    "email",
    "address",
    "may_contact",
    "contact_consent_by",
    "hide_in_prints",
    "protected_address",
    "no_contact",
    "note",
    "map_offset",
)


def _require_edit(*, user: User, case: Case) -> None:
    if not case_access(user=user, case=case).can_edit:
        raise PermissionDenied


def _audit(*, user: User, case: Case, action: str, object_type: str, object_id: int, **detail: Any) -> None:
    record_event(
        actor=user,
        service=case.service_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail={"case": case.pk, **detail},
    )


def _clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(MEMBER_FIELDS)
    if unknown:
        raise TypeError(f"unknown member fields: {sorted(unknown)}")
    if "support" in fields:
        support = list(dict.fromkeys(fields["support"] or []))
        valid = {s.value for s in SupportType}
        if any(s not in valid for s in support):
            raise ValidationError({"support": _("Unknown support type.")})
        fields["support"] = [s.value for s in SupportType if s.value in support]
    if fields.get("may_contact") and not (fields.get("contact_consent_by") or "").strip():
        raise ValidationError({"contact_consent_by": _("Say who agreed that this person may be contacted.")})
    return fields


def _given(values: dict[str, Any]) -> dict[str, Any]:
    """The member fields a caller gave: a field left out (UNCHANGED) keeps its default or stored value."""
    return {k: v for k, v in values.items() if v is not UNCHANGED}


@transaction.atomic
def add_member(
    *,
    acting_user: User,
    case: Case,
    name: str,
    side: str | Unchanged = UNCHANGED,
    sector: str | Unchanged = UNCHANGED,
    relation: str | Unchanged = UNCHANGED,
    ring: int | Unchanged = UNCHANGED,
    support: list[str] | Unchanged = UNCHANGED,
    valence: str | Unchanged = UNCHANGED,
    direction: str | Unchanged = UNCHANGED,
    contact_frequency: str | Unchanged = UNCHANGED,
    lives_abroad: bool | Unchanged = UNCHANGED,
    language: str | Unchanged = UNCHANGED,
    interpreter_needed: bool | Unchanged = UNCHANGED,
    phone: str | Unchanged = UNCHANGED,
    email: str | Unchanged = UNCHANGED,
    address: str | Unchanged = UNCHANGED,
    may_contact: bool | Unchanged = UNCHANGED,
    contact_consent_by: str | Unchanged = UNCHANGED,
    hide_in_prints: bool | Unchanged = UNCHANGED,
    protected_address: bool | Unchanged = UNCHANGED,
    no_contact: bool | Unchanged = UNCHANGED,
    note: str | Unchanged = UNCHANGED,
    map_offset: float | None | Unchanged = UNCHANGED,
) -> NetworkMember:
    """Add a person or institution to the case's network register; fields left out take the defaults."""
    _require_edit(user=acting_user, case=case)
    fields = _given(
        {
            "name": name,
            "side": side,
            "sector": sector,
            "relation": relation,
            "ring": ring,
            "support": support,
            "valence": valence,
            "direction": direction,
            "contact_frequency": contact_frequency,
            "lives_abroad": lives_abroad,
            "language": language,
            "interpreter_needed": interpreter_needed,
            "phone": phone,
            "email": email,
            "address": address,
            "may_contact": may_contact,
            "contact_consent_by": contact_consent_by,
            "hide_in_prints": hide_in_prints,
            "protected_address": protected_address,
            "no_contact": no_contact,
            "note": note,
            "map_offset": map_offset,
        }
    )
    member = NetworkMember(case=case, **_clean_fields(fields))
    member.full_clean()
    member.save()
    _audit(
        user=acting_user,
        case=case,
        action=AuditAction.CREATE,
        object_type="network_member",
        object_id=member.pk,
    )
    return member


@transaction.atomic
def update_member(
    *,
    acting_user: User,
    member: NetworkMember,
    expected_version: int | None = None,
    name: str | Unchanged = UNCHANGED,
    side: str | Unchanged = UNCHANGED,
    sector: str | Unchanged = UNCHANGED,
    relation: str | Unchanged = UNCHANGED,
    ring: int | Unchanged = UNCHANGED,
    support: list[str] | Unchanged = UNCHANGED,
    valence: str | Unchanged = UNCHANGED,
    direction: str | Unchanged = UNCHANGED,
    contact_frequency: str | Unchanged = UNCHANGED,
    lives_abroad: bool | Unchanged = UNCHANGED,
    language: str | Unchanged = UNCHANGED,
    interpreter_needed: bool | Unchanged = UNCHANGED,
    phone: str | Unchanged = UNCHANGED,
    email: str | Unchanged = UNCHANGED,
    address: str | Unchanged = UNCHANGED,
    may_contact: bool | Unchanged = UNCHANGED,
    contact_consent_by: str | Unchanged = UNCHANGED,
    hide_in_prints: bool | Unchanged = UNCHANGED,
    protected_address: bool | Unchanged = UNCHANGED,
    no_contact: bool | Unchanged = UNCHANGED,
    note: str | Unchanged = UNCHANGED,
    map_offset: float | None | Unchanged = UNCHANGED,
) -> NetworkMember:
    """Change a member; with `expected_version`, refuse if someone saved in between. Each field is its own
    keyword; a field left out keeps its stored value."""
    case = member.case
    _require_edit(user=acting_user, case=case)
    fields = _clean_fields(
        _given(
            {
                "name": name,
                "side": side,
                "sector": sector,
                "relation": relation,
                "ring": ring,
                "support": support,
                "valence": valence,
                "direction": direction,
                "contact_frequency": contact_frequency,
                "lives_abroad": lives_abroad,
                "language": language,
                "interpreter_needed": interpreter_needed,
                "phone": phone,
                "email": email,
                "address": address,
                "may_contact": may_contact,
                "contact_consent_by": contact_consent_by,
                "hide_in_prints": hide_in_prints,
                "protected_address": protected_address,
                "no_contact": no_contact,
                "note": note,
                "map_offset": map_offset,
            }
        )
    )
    stored = NetworkMember.objects.select_for_update().get(pk=member.pk)
    if expected_version is None:
        expected_version = stored.version
    changed = sorted(k for k, v in fields.items() if getattr(stored, k) != v)
    for k, v in fields.items():
        setattr(stored, k, v)
    stored.full_clean()
    update_versioned(stored, expected_version=expected_version, fields=list(fields))
    _audit(
        user=acting_user,
        case=case,
        action=AuditAction.UPDATE,
        object_type="network_member",
        object_id=member.pk,
        fields=changed,
    )
    return stored


@transaction.atomic
def move_member(
    *, acting_user: User, member: NetworkMember, ring: int, sector: str, map_offset: float | None = None
) -> NetworkMember:
    """Place a member on the map (drag or arrow keys): ring, sector and position within the sector."""
    if map_offset is not None:
        map_offset = min(1.0, max(0.0, float(map_offset)))
    return update_member(
        acting_user=acting_user, member=member, ring=ring, sector=sector, map_offset=map_offset
    )


@transaction.atomic
def remove_member(*, acting_user: User, member: NetworkMember) -> None:
    case = member.case
    _require_edit(user=acting_user, case=case)
    member_id = member.pk
    member.delete()
    _audit(
        user=acting_user,
        case=case,
        action=AuditAction.DELETE,
        object_type="network_member",
        object_id=member_id,
    )


@transaction.atomic
def add_tie(
    *, acting_user: User, case: Case, a: NetworkMember, b: NetworkMember, kind: str = ""
) -> NetworkTie:
    """Tie two members together (undirected; stored once with the lower id first)."""
    _require_edit(user=acting_user, case=case)
    if a.case_id != case.pk or b.case_id != case.pk:
        raise ValidationError(_("Both people must be in this case's network."))
    if a.pk == b.pk:
        raise ValidationError(_("A tie needs two different people."))
    low, high = (a, b) if a.pk < b.pk else (b, a)
    tie, created = NetworkTie.objects.get_or_create(case=case, a=low, b=high, defaults={"kind": kind})
    if not created and tie.kind != kind:
        tie.kind = kind
        tie.save(update_fields=["kind"])
    _audit(
        user=acting_user,
        case=case,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        object_type="network_tie",
        object_id=tie.pk,
    )
    return tie


@transaction.atomic
def remove_tie(*, acting_user: User, tie: NetworkTie) -> None:
    case = tie.case
    _require_edit(user=acting_user, case=case)
    tie_id = tie.pk
    tie.delete()
    _audit(
        user=acting_user, case=case, action=AuditAction.DELETE, object_type="network_tie", object_id=tie_id
    )


def snapshot_data(*, members: list[NetworkMember], ties: list[NetworkTie]) -> dict[str, Any]:
    return {
        "members": [m.as_snapshot() for m in members],
        "ties": [[t.a_id, t.b_id, t.kind] for t in ties],
    }


@transaction.atomic
def take_snapshot(
    *,
    acting_user: User,
    case: Case,
    label: str = "",
    perspective: str = "",
    source: str = SnapshotSource.MANUAL,
) -> NetworkSnapshot:
    """Save a dated copy of the network (by hand, and automatically at each network meeting)."""
    _require_edit(user=acting_user, case=case)
    return _take_snapshot_unchecked(
        acting_user=acting_user, case=case, label=label, perspective=perspective, source=source
    )


def _take_snapshot_unchecked(
    *,
    acting_user: User,
    case: Case,
    label: str = "",
    perspective: str = "",
    source: str = SnapshotSource.MANUAL,
) -> NetworkSnapshot:
    """Save and audit the snapshot without checking case access: only for callers that checked the user's
    right themselves (a meeting leader from another service closing the meeting they lead may not edit the
    case, but the snapshot at the meeting is theirs to take). Runs in the caller's transaction."""
    members = list(NetworkMember.objects.filter(case=case).order_by("id"))
    ties = list(NetworkTie.objects.filter(case=case).order_by("a_id", "b_id"))
    snapshot = NetworkSnapshot.objects.create(
        case=case,
        taken_at=timezone.now(),
        label=label,
        perspective=perspective,
        source=source,
        data=snapshot_data(members=members, ties=ties),
        created_by=acting_user,
    )
    _audit(
        user=acting_user,
        case=case,
        action=AuditAction.CREATE,
        object_type="network_snapshot",
        object_id=snapshot.pk,
        source=source,
    )
    return snapshot
