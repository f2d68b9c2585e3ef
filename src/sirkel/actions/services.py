"""Writes to action actions: agreed actions, who answers for follow-up, and reviews at follow-up meetings.

Every write requires edit access to the measure, or run access for its meeting leader (who records what
the meeting agreed), is refused on a stopped measure, and is audited in the same transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from sirkel.accounts.models import User
from sirkel.actions.models import Action, ActionReview, ActionStatus
from sirkel.actions.selectors.plan import meeting_date
from sirkel.actions.selectors.review import unreviewed_actions
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event
from sirkel.cases.access import Do, LinkToken, may
from sirkel.core.types import UNCHANGED, Unchanged
from sirkel.core.versioning import update_versioned
from sirkel.meetings.kinds import kind_config
from sirkel.meetings.models import Meeting, MeetingKind, MeetingStatus, Series
from sirkel.meetings.services import guards
from sirkel.meetings.services.owners import check_owner
from sirkel.network.models import NetworkMember, SupportType

# What a follow-up meeting can conclude about an action.
REVIEW_OUTCOMES = (ActionStatus.DONE, ActionStatus.PARTLY, ActionStatus.NOT_DONE, ActionStatus.DROPPED)
# Outcomes after which the action may stay on the plan with a new due date.
KEEP_OPEN_OUTCOMES = (ActionStatus.PARTLY, ActionStatus.NOT_DONE)

ACTION_FIELDS = ("what", "owner_member", "owner_user", "due_on", "support_type", "status", "meeting")


def _check_writable(*, user: User, series: Series) -> None:
    guards.require(user=user, series=series, what="run")
    guards.ensure_open(series=series)


def _check_followup_owner(
    *, series: Series, owner_member: NetworkMember | None, owner_user: User | None
) -> None:
    if owner_member is not None and owner_user is not None:
        raise ValidationError({"owner": _("Choose one person, not two.")})
    if owner_member is None and owner_user is None:
        return
    check_owner(series=series, owner_member=owner_member, owner_user=owner_user)


def _check_meeting(*, series: Series, meeting: Meeting | None) -> None:
    if meeting is None:
        # A kind that does not run as meetings (kinds.py: the natural mentor, the resource person) agrees
        # on its actions outside a meeting.
        if not kind_config(series.kind).has_meetings:
            return
        raise ValidationError({"meeting": _("Choose the meeting where the action was agreed.")})
    if meeting.series_id != series.pk:
        raise ValidationError({"meeting": _("Choose a meeting of this measure.")})
    if meeting.status not in (MeetingStatus.HELD, MeetingStatus.PLANNED):
        raise ValidationError({"meeting": _("A cancelled meeting cannot agree on actions.")})


def _check_due(*, due_on: datetime.date, meeting: Meeting) -> None:
    held = meeting_date(meeting)
    if held is not None and due_on < held:
        raise ValidationError(
            {"due_on": _("The due date cannot be before the meeting where the action was agreed.")}
        )


def _check_support(support_type: str) -> None:
    if support_type and support_type not in SupportType.values:
        raise ValidationError({"support_type": _("Unknown support type.")})


def _check_reviewed_first(*, meeting: Meeting) -> None:
    """A follow-up meeting reviews every earlier open action before adding new ones."""
    if meeting.kind != MeetingKind.FOLLOW_UP:
        return
    left = unreviewed_actions(meeting=meeting).count()
    if left:
        raise ValidationError(
            _(
                "Review the open actions from earlier meetings first: %(count)s not reviewed yet at this "
                "follow-up meeting. New actions can be added when they are reviewed."
            )
            % {"count": left}
        )


@transaction.atomic
def add_action(
    *,
    acting_user: User,
    series: Series,
    what: str,
    due_on: datetime.date,
    meeting: Meeting | None,
    owner_member: NetworkMember | None = None,
    owner_user: User | None = None,
    support_type: str = "",
) -> Action:
    """Record an action agreed at a meeting of the measure."""
    _check_writable(user=acting_user, series=series)
    what = what.strip()
    if not what:
        raise ValidationError({"what": _("Say what is to be done.")})
    check_owner(series=series, owner_member=owner_member, owner_user=owner_user)
    _check_meeting(series=series, meeting=meeting)
    if meeting is not None:
        _check_due(due_on=due_on, meeting=meeting)
    _check_support(support_type)
    if meeting is not None:
        _check_reviewed_first(meeting=meeting)
    action = Action.objects.create(
        series=series,
        meeting=meeting,
        what=what,
        owner_member=owner_member,
        owner_user=owner_user,
        due_on=due_on,
        support_type=support_type,
    )
    guards.audit(
        user=acting_user,
        series=series,
        action=AuditAction.CREATE,
        object_type="action",
        object_id=action.pk,
        meeting=meeting.pk if meeting else None,
    )
    return action


@transaction.atomic
def update_action(
    *,
    acting_user: User,
    action: Action,
    expected_version: int | None = None,
    what: str | Unchanged = UNCHANGED,
    owner_member: NetworkMember | None | Unchanged = UNCHANGED,
    owner_user: User | None | Unchanged = UNCHANGED,
    due_on: date | Unchanged = UNCHANGED,
    support_type: str | Unchanged = UNCHANGED,
    status: str | Unchanged = UNCHANGED,
    meeting: Meeting | Unchanged = UNCHANGED,
) -> Action:
    """Change an action; with `expected_version`, refuse if someone saved in between. A keyword left out
    (UNCHANGED) keeps its stored value."""
    given: dict[str, Any] = {
        "what": what,
        "owner_member": owner_member,
        "owner_user": owner_user,
        "due_on": due_on,
        "support_type": support_type,
        "status": status,
        "meeting": meeting,
    }
    fields = {k: v for k, v in given.items() if not isinstance(v, Unchanged)}
    series = action.series
    _check_writable(user=acting_user, series=series)
    stored = Action.objects.select_for_update().get(pk=action.pk)
    if expected_version is None:
        expected_version = stored.version
    if "what" in fields:
        fields["what"] = (fields["what"] or "").strip()
        if not fields["what"]:
            raise ValidationError({"what": _("Say what is to be done.")})
    if "owner_member" in fields or "owner_user" in fields:
        check_owner(
            series=series,
            owner_member=fields.get("owner_member", stored.owner_member),
            owner_user=fields.get("owner_user", stored.owner_user),
        )
        if stored.former_owner_name:
            fields["former_owner_name"] = ""  # someone carries it again
    target = fields.get("meeting", stored.meeting)
    if "meeting" in fields and fields["meeting"] != stored.meeting:
        _check_meeting(series=series, meeting=target)
    if "due_on" in fields and target is not None:
        _check_due(due_on=fields["due_on"], meeting=target)
    if "support_type" in fields:
        _check_support(fields["support_type"])
    if "status" in fields and fields["status"] not in ActionStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    changed = sorted(k for k, v in fields.items() if getattr(stored, k) != v)
    for k, v in fields.items():
        setattr(stored, k, v)
    update_versioned(stored, expected_version=expected_version, fields=list(fields))
    guards.audit(
        user=acting_user,
        series=series,
        action=AuditAction.UPDATE,
        object_type="action",
        object_id=stored.pk,
        fields=changed,
    )
    return stored


@transaction.atomic
def set_followup_owner(
    *,
    acting_user: User,
    series: Series,
    owner_user: User | None = None,
    owner_member: NetworkMember | None = None,
) -> Series:
    """Who is accountable for checking that the plan is carried out (a staff member or someone in the
    network); both empty clears it."""
    _check_writable(user=acting_user, series=series)
    _check_followup_owner(series=series, owner_member=owner_member, owner_user=owner_user)
    Series.objects.filter(pk=series.pk).update(
        followup_owner=owner_user, followup_owner_member=owner_member, version=F("version") + 1
    )
    series.refresh_from_db(fields=["followup_owner", "followup_owner_member", "version", "updated_at"])
    guards.audit(
        user=acting_user,
        series=series,
        action=AuditAction.UPDATE,
        object_type="series",
        object_id=series.pk,
        fields=["followup_owner"],
    )
    return series


@transaction.atomic
def review_action(
    *,
    acting_user: User,
    action: Action,
    meeting: Meeting,
    outcome: str,
    note: str = "",
    keep_open: bool = False,
    new_due_on: datetime.date | None = None,
) -> ActionReview:
    """Record at a follow-up meeting how an earlier action went, and update the action.

    Partly done or not done actions may stay on the plan with a new due date (`keep_open`).
    """
    series = action.series
    _check_writable(user=acting_user, series=series)
    if meeting.series_id != series.pk or meeting.kind != MeetingKind.FOLLOW_UP:
        raise ValidationError(_("Actions are reviewed at a follow-up meeting of the same measure."))
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("The meeting was cancelled."))
    stored = Action.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=action.pk)
    if ActionReview.objects.filter(action=stored, meeting=meeting).exists():
        raise ValidationError(_("This action has already been reviewed at this meeting."))
    if stored.status != ActionStatus.OPEN or (
        stored.meeting is not None and stored.meeting.sequence >= meeting.sequence
    ):
        raise ValidationError(_("Only open actions from earlier meetings are reviewed here."))
    if outcome not in REVIEW_OUTCOMES:
        raise ValidationError({"outcome": _("Choose how it went.")})
    if keep_open:
        if outcome not in KEEP_OPEN_OUTCOMES:
            raise ValidationError(
                {"keep_open": _("Only actions that are partly done or not done can stay on the plan.")}
            )
        if new_due_on is None:
            raise ValidationError({"new_due_on": _("Give a new due date for the action that stays open.")})
        held = meeting_date(meeting)
        if held is not None and new_due_on < held:
            raise ValidationError({"new_due_on": _("The new due date cannot be before this meeting.")})
    try:
        with transaction.atomic():
            review = ActionReview.objects.create(
                action=stored, meeting=meeting, outcome=outcome, note=note.strip(), reviewed_by=acting_user
            )
    except IntegrityError as exc:
        raise ValidationError(_("This action has already been reviewed at this meeting.")) from exc
    if keep_open:
        assert new_due_on is not None  # noqa: S101 (checked above; for the type checker)
        stored.due_on = new_due_on
    else:
        stored.status = outcome
    stored.version += 1
    stored.save(update_fields=["status", "due_on", "version", "updated_at"])
    guards.audit(
        user=acting_user,
        series=series,
        action=AuditAction.CREATE,
        object_type="action_review",
        object_id=review.pk,
        action_id=stored.pk,
        meeting=meeting.pk,
        outcome=outcome,
        kept_open=keep_open,
    )
    return review


@transaction.atomic
def release_member(
    *,
    acting_user: User,
    member: NetworkMember,
    reassign_to: Mapping[int, NetworkMember | User | None],
) -> None:
    """Before a network member is removed: give each action they carry to someone else
    (`reassign_to[action id]`), or, when None or left out, keep it with their name as its former owner."""
    carried = list(
        Action.objects.select_for_update()
        .filter(owner_member=member)
        .select_related("series__measure__case")
        .order_by("id")
    )
    for action in carried:
        series = action.series
        guards.require(user=acting_user, series=series, what="edit")
        target = reassign_to.get(action.pk)
        if isinstance(target, NetworkMember):
            if target.pk == member.pk:
                raise ValidationError({"owner": _("Choose someone who stays in the network.")})
            check_owner(series=series, owner_member=target, owner_user=None)
            action.owner_member, action.owner_user, action.former_owner_name = target, None, ""
        elif target is not None:
            check_owner(series=series, owner_member=None, owner_user=target)
            action.owner_member, action.owner_user, action.former_owner_name = None, target, ""
        else:
            action.owner_member, action.former_owner_name = None, member.name
        action.version += 1
        action.save(
            update_fields=["owner_member", "owner_user", "former_owner_name", "version", "updated_at"]
        )
        guards.audit(
            user=acting_user,
            series=series,
            action=AuditAction.UPDATE,
            object_type="action",
            object_id=action.pk,
            fields=["owner"],
            released_member=member.pk,
            kept_as_former_owner=target is None,
        )


@transaction.atomic
def mark_done_via_link(*, principal: LinkToken, link_id: int, action: Action) -> Action:
    """A participant holding a link (`LinkToken`) marks one of their own actions done. The access policy
    decides which actions the link reaches; the write is audited without an actor, naming the link."""
    if not may(user=principal, action=Do.EDIT, obj=action):
        raise PermissionDenied
    series = action.series
    guards.ensure_running(series=series)
    stored = Action.objects.select_for_update().get(pk=action.pk)
    if stored.status != ActionStatus.DONE:
        stored.status = ActionStatus.DONE
        stored.version += 1
        stored.save(update_fields=["status", "version", "updated_at"])
        record_event(
            actor=None,
            service=series.case.service_id,
            action=AuditAction.UPDATE,
            object_type="action",
            object_id=stored.pk,
            detail={
                "case": series.case_id,
                "series": series.pk,
                "fields": ["status"],
                "via": "link",
                "link": link_id,
            },
        )
    return stored
