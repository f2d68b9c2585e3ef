"""Who is invited to a meeting: adding, changing and removing participants."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sirkel.accounts.models import User
from sirkel.audit.models import AuditAction
from sirkel.meetings.kinds import kind_config
from sirkel.meetings.models import Meeting, Participant, ParticipantRole, Series
from sirkel.meetings.services import guards
from sirkel.meetings.services.balance import side_for_role
from sirkel.meetings.services.preparation import ensure_planned, lock_meeting
from sirkel.network import services as network_services
from sirkel.network.models import NetworkMember, Side


def guess_role(member: NetworkMember) -> str:
    """A starting role from the register's relation text; the caseworker can change it."""
    words = {w.strip(".,()").lower() for w in member.relation.split()}
    if member.side == Side.PUBLIC:
        return ParticipantRole.PUBLIC
    if words & {"mor", "mamma", "mother", "mum"}:
        return ParticipantRole.MOTHER
    if words & {"far", "pappa", "father", "dad"}:
        return ParticipantRole.FATHER
    return ParticipantRole.PRIVATE


def _participant_from_member(meeting: Meeting, member: NetworkMember, role: str = "") -> Participant:
    role = role or guess_role(member)
    return Participant(
        meeting=meeting,
        member=member,
        name=member.name,
        role=role,
        relation=member.relation,
        is_public=side_for_role(role, fallback_public=member.side == Side.PUBLIC),
        email=member.email,
    )


def _staff_relation(series: Series, user: User) -> str:
    if user.pk == series.caseworker_id:
        return _("Responsible caseworker")
    if user.pk == series.leader_id:
        return str(kind_config(series.kind).leader_label)
    return _("Child welfare service")


@transaction.atomic
def add_participants(
    *,
    acting_user: User,
    meeting: Meeting,
    members: Sequence[NetworkMember] = (),
    users: Sequence[User] = (),
) -> list[Participant]:
    """Invite people from the case's network register and staff. Anyone already invited is skipped."""
    guards.require(user=acting_user, series=meeting.series)
    meeting = lock_meeting(meeting=meeting, version=None)
    ensure_planned(meeting=meeting)
    series = meeting.series
    if any(m.case_id != series.case_id for m in members):
        raise PermissionDenied
    existing = Participant.objects.filter(meeting=meeting)
    have_members = set(existing.exclude(member=None).values_list("member_id", flat=True))
    have_users = set(existing.exclude(user=None).values_list("user_id", flat=True))
    new = [_participant_from_member(meeting, m) for m in members if m.pk not in have_members]
    new += [
        Participant(
            meeting=meeting,
            user=u,
            name=u.display_name(),
            role=ParticipantRole.STAFF,
            relation=_staff_relation(series, u),
            is_public=True,
            email=u.email,
        )
        for u in users
        if u.pk not in have_users
    ]
    for p in new:
        p.full_clean(exclude=["meeting", "member", "user"])
    created = Participant.objects.bulk_create(new)
    guards.audit(
        user=acting_user,
        series=series,
        action=AuditAction.CREATE,
        object_type="participant",
        object_id=meeting.pk,
        meeting=meeting.pk,
        members=[p.member_id for p in created if p.member_id],
        users=[p.user_id for p in created if p.user_id],
    )
    return created


@transaction.atomic
def add_participant(
    *,
    acting_user: User,
    meeting: Meeting,
    member: NetworkMember,
    role: str = "",
    close_to_problem: bool = False,
) -> Participant:
    """Invite one person from the register, with the role and closeness given."""
    guards.require(user=acting_user, series=meeting.series)
    meeting = lock_meeting(meeting=meeting, version=None)
    ensure_planned(meeting=meeting)
    if member.case_id != meeting.series.case_id:
        raise PermissionDenied
    if role and role not in ParticipantRole.values:
        raise ValidationError({"role": _("Choose a role.")})
    if Participant.objects.filter(meeting=meeting, member=member).exists():
        raise ValidationError(_("%(name)s is already invited.") % {"name": member.name})
    participant = _participant_from_member(meeting, member, role)
    participant.close_to_problem = close_to_problem
    participant.full_clean()
    participant.save()
    guards.audit(
        user=acting_user,
        series=meeting.series,
        action=AuditAction.CREATE,
        object_type="participant",
        object_id=participant.pk,
        meeting=meeting.pk,
        member=member.pk,
        role=participant.role,
    )
    return participant


@transaction.atomic
def add_member_and_invite(
    *,
    acting_user: User,
    meeting: Meeting,
    role: str,
    close_to_problem: bool = False,
    **member_fields: Any,
) -> Participant:
    """Someone new: add them to the case's network register (through the network services) and invite them.

    The child is the centre of their own network map, not a member of it: inviting "the child" invites
    them by the case's name and adds no one to the register."""
    guards.require(user=acting_user, series=meeting.series)
    ensure_planned(meeting=meeting)
    if role == ParticipantRole.CHILD:
        return invite_child(acting_user=acting_user, meeting=meeting, close_to_problem=close_to_problem)
    member = network_services.add_member(acting_user=acting_user, case=meeting.series.case, **member_fields)
    return add_participant(
        acting_user=acting_user, meeting=meeting, member=member, role=role, close_to_problem=close_to_problem
    )


@transaction.atomic
def invite_child(*, acting_user: User, meeting: Meeting, close_to_problem: bool = False) -> Participant:
    """Invite the child themself, by the name on the case; no network member."""
    guards.require(user=acting_user, series=meeting.series)
    meeting = lock_meeting(meeting=meeting, version=None)
    ensure_planned(meeting=meeting)
    case = meeting.series.case
    if Participant.objects.filter(meeting=meeting, role=ParticipantRole.CHILD).exists():
        raise ValidationError(_("%(name)s (the child) is already invited.") % {"name": case.child_name})
    participant = Participant(
        meeting=meeting,
        name=case.child_name,
        role=ParticipantRole.CHILD,
        relation=_("The child"),
        is_public=False,
        close_to_problem=close_to_problem,
    )
    participant.full_clean()
    participant.save()
    guards.audit(
        user=acting_user,
        series=meeting.series,
        action=AuditAction.CREATE,
        object_type="participant",
        object_id=participant.pk,
        meeting=meeting.pk,
        role=participant.role,
    )
    return participant


@transaction.atomic
def update_participant(
    *,
    acting_user: User,
    participant: Participant,
    role: str,
    close_to_problem: bool,
    email: str | None = None,
) -> Participant:
    """Mark a participant's role and whether they are close to the problem (and fix their e-mail)."""
    meeting = participant.meeting
    guards.require(user=acting_user, series=meeting.series)
    lock_meeting(meeting=meeting, version=None)
    ensure_planned(meeting=meeting)
    if role not in ParticipantRole.values:
        raise ValidationError({"role": _("Choose a role.")})
    participant = (
        Participant.objects.select_for_update(of=("self",)).select_related("member").get(pk=participant.pk)
    )
    fallback = participant.member.side == Side.PUBLIC if participant.member else participant.is_public
    participant.role = role
    participant.is_public = side_for_role(role, fallback_public=fallback)
    participant.close_to_problem = close_to_problem
    if email is not None:
        participant.email = email.strip()
    participant.full_clean()
    participant.save()
    guards.audit(
        user=acting_user,
        series=meeting.series,
        action=AuditAction.UPDATE,
        object_type="participant",
        object_id=participant.pk,
        meeting=meeting.pk,
        role=role,
        close_to_problem=close_to_problem,
    )
    return participant


@transaction.atomic
def remove_participant(*, acting_user: User, participant: Participant) -> None:
    meeting = participant.meeting
    guards.require(user=acting_user, series=meeting.series)
    meeting = lock_meeting(meeting=meeting, version=None)
    ensure_planned(meeting=meeting)
    pk = participant.pk
    Participant.objects.filter(pk=pk, meeting=meeting).delete()
    guards.audit(
        user=acting_user,
        series=meeting.series,
        action=AuditAction.DELETE,
        object_type="participant",
        object_id=pk,
        meeting=meeting.pk,
    )
