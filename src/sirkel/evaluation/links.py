"""Participant links: making, revoking and resolving them, and what a link's holder may write.

A link lets one participant do one thing without an account (`ParticipantLink`). Its token is made here
with `secrets.token_urlsafe(32)` and shown once; only its SHA-256 is stored, and a token is looked up by
its hash (an index lookup, so an unknown token costs the same as a known one). A link that is expired,
revoked or unknown resolves to None, and so does one whose measure was stopped (consent withdrawn) or,
for an evaluation, whose evaluation is no longer open: the public page then says the same for all.

Staff make and revoke links with run rights on the series (the caseworker side or the meeting leader).
The holder's writes (`mark_action_done`, `save_feedback`, `save_parent_view`, `save_child_view`) ask the
access policy as the `LinkToken` principal and are audited with no actor and `{"via": "link"}`. No token
ever reaches the audit chain or a log.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sirkel.accounts.models import User
from sirkel.actions.models import Action
from sirkel.actions.services import mark_done_via_link
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event
from sirkel.cases.access import Do, LinkToken, may, member_visible, series_access
from sirkel.evaluation.models import (
    Effect,
    Evaluation,
    EvaluationStatus,
    Judgement,
    LinkPurpose,
    MeetingFeedback,
    ParticipantLink,
    Perspective,
)
from sirkel.meetings.models import Meeting, MeetingStatus, Series
from sirkel.network.models import NetworkMember
from sirkel.network.models import Perspective as MapPerspective

DEFAULT_DAYS = 30
MAX_DAYS = 90
LANGUAGES = ("nb", "en")
TOKEN_MAX_LENGTH = 100  # token_urlsafe(32) is 43 characters; anything far longer is not one of ours
FEEDBACK_RANGE = range(1, 6)
CHILD_SCALE = range(1, 6)
PARENT_EFFECTS = (Effect.YES, Effect.PARTLY, Effect.NO)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def principal_of(link: ParticipantLink) -> LinkToken:
    return LinkToken(token_id=link.pk, series_id=link.series_id)


def _audit_staff(*, user: User, link: ParticipantLink, action: str, **detail: object) -> None:
    record_event(
        actor=user,
        service=link.series.case.service_id,
        action=action,
        object_type="participant_link",
        object_id=link.pk,
        detail={"case": link.series.case_id, "series": link.series_id, "purpose": link.purpose, **detail},
    )


def _audit_link(*, link: ParticipantLink, action: str, object_type: str, object_id: int) -> None:
    """An event written by a link's holder: no actor, the link named by its id (never its token)."""
    record_event(
        actor=None,
        service=link.series.case.service_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail={"via": "link", "link": link.pk, "case": link.series.case_id},
    )


def _require_run(*, user: User, series: Series) -> None:
    if not series_access(user=user, series=series).can_run_meetings:
        raise PermissionDenied


@transaction.atomic
def create_link(
    *,
    acting_user: User,
    series: Series,
    purpose: str,
    member: NetworkMember | None = None,
    for_child: bool = False,
    meeting: Meeting | None = None,
    evaluation: Evaluation | None = None,
    language: str = "nb",
    days: int = DEFAULT_DAYS,
    map_perspective: str = "",
) -> tuple[ParticipantLink, str]:
    """Make a link for one participant (a network member, or the child) and one purpose; the link and its
    token, which is not stored and cannot be shown again."""
    _require_run(user=acting_user, series=series)
    if series.is_stopped:
        raise ValidationError(_("Consent has been withdrawn: this measure is stopped and cannot be changed."))
    if purpose not in LinkPurpose.values:
        raise ValidationError({"purpose": _("Choose what the link is for.")})
    if for_child == (member is not None):
        raise ValidationError({"member": _("Choose one participant: a person in the network, or the child.")})
    if member is not None and (
        member.case_id != series.case_id or not member_visible(user=acting_user, member=member, series=series)
    ):
        raise ValidationError({"member": _("Choose a person in the case's network.")})
    if language not in LANGUAGES:
        raise ValidationError({"language": _("Choose Norwegian or English.")})
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError({"days": _("A link lasts from 1 to %(max)d days.") % {"max": MAX_DAYS}})
    if purpose == LinkPurpose.ACTIONS:
        meeting = evaluation = None
        if member is None or not Action.objects.filter(series=series, owner_member=member).exists():
            raise ValidationError({"member": _("This person has no actions in this measure.")})
    elif purpose == LinkPurpose.MAP:
        meeting = evaluation = None
        if for_child:
            map_perspective = MapPerspective.CHILD
        elif map_perspective not in (MapPerspective.MOTHER, MapPerspective.FATHER):
            raise ValidationError(
                {"map_perspective": _("Choose whether it is the mother's or the father's map.")}
            )
    elif purpose == LinkPurpose.FEEDBACK:
        evaluation = None
        if meeting is None or meeting.series_id != series.pk:
            raise ValidationError({"meeting": _("Choose a meeting of this measure.")})
        if meeting.status == MeetingStatus.CANCELLED:
            raise ValidationError({"meeting": _("The meeting was cancelled.")})
    else:
        meeting = None
        if evaluation is None or evaluation.measure_id != series.measure_id:
            raise ValidationError({"evaluation": _("Choose an evaluation of this measure.")})
        if evaluation.status != EvaluationStatus.SCHEDULED:
            raise ValidationError({"evaluation": _("The evaluation is closed.")})
    token = secrets.token_urlsafe(32)
    link = ParticipantLink.objects.create(
        token_hash=hash_token(token),
        series=series,
        purpose=purpose,
        member=member,
        for_child=for_child,
        meeting=meeting,
        evaluation=evaluation,
        map_perspective=map_perspective if purpose == LinkPurpose.MAP else "",
        language=language,
        created_by=acting_user,
        expires_at=timezone.now() + timedelta(days=days),
    )
    _audit_staff(user=acting_user, link=link, action=AuditAction.CREATE, days=days)
    return link, token


@transaction.atomic
def revoke_link(*, acting_user: User, link: ParticipantLink) -> ParticipantLink:
    """Stop a link at once; revoking a revoked link changes nothing."""
    _require_run(user=acting_user, series=link.series)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.revoked_by = acting_user
        link.save(update_fields=["revoked_at", "revoked_by"])
        _audit_staff(user=acting_user, link=link, action=AuditAction.UPDATE, revoked=True)
    return link


def is_live(link: ParticipantLink) -> bool:
    """Whether the link still works: not revoked, not expired, its measure not stopped, and for an
    evaluation, the evaluation still open."""
    if link.revoked_at is not None or link.expires_at <= timezone.now() or link.series.is_stopped:
        return False
    return link.evaluation is None or link.evaluation.status == EvaluationStatus.SCHEDULED


def resolve(token: str) -> ParticipantLink | None:
    """The live link a token is for, or None (unknown, expired, revoked, stopped: all alike)."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    link = (
        ParticipantLink.objects.select_related("series__measure__case", "member", "meeting", "evaluation")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if link is None or not is_live(link):
        return None
    return link


@transaction.atomic
def record_use(*, link: ParticipantLink) -> None:
    """Count one opening of the link, audited as the link's (no actor)."""
    now = timezone.now()
    ParticipantLink.objects.filter(pk=link.pk).update(uses=F("uses") + 1, last_used_at=now)
    link.uses += 1
    link.last_used_at = now
    _audit_link(link=link, action=AuditAction.VIEW, object_type="participant_link", object_id=link.pk)


def links_for_series(*, series: Series) -> QuerySet[ParticipantLink]:
    """The series' links, newest first (for the staff page, which has already asked for run rights)."""
    return ParticipantLink.objects.filter(series=series).select_related("member", "meeting", "evaluation")


# --- What the holder reads and writes ---------------------------------------------------------------------


def first_name(link: ParticipantLink) -> str:
    """The only name a link's pages show: the participant's own first name (the child's given name on the
    child's link)."""
    if link.member is None:
        return (
            link.series.case.child_given_name.split()[0] if link.series.case.child_given_name.strip() else ""
        )
    return link.member.name.split()[0] if link.member.name.strip() else ""


def actions_for(*, link: ParticipantLink) -> list[Action]:
    """The link's participant's own actions in its series, as the policy allows them to the link."""
    if link.purpose != LinkPurpose.ACTIONS or link.member_id is None:
        return []
    principal = principal_of(link)
    rows = list(
        Action.objects.filter(series_id=link.series_id, owner_member_id=link.member_id).order_by(
            "due_on", "id"
        )
    )
    # The query is the policy's own rule for a link (its member's actions in its series), so the policy is
    # asked once, whether the link still reaches them, not once per action (it reads the link each time).
    if rows and not may(user=principal, action=Do.VIEW, obj=rows[0]):
        return []
    return rows


def mark_action_done(*, link: ParticipantLink, action_id: int) -> Action:
    """The holder marks one of their actions done (the actions app's service, as the link)."""
    action = Action.objects.select_related("series__measure__case").filter(pk=action_id).first()
    if action is None:
        raise PermissionDenied
    return mark_done_via_link(principal=principal_of(link), link_id=link.pk, action=action)


def feedback_of(link: ParticipantLink) -> MeetingFeedback | None:
    return MeetingFeedback.objects.filter(link=link).first()


def _check_scale(value: int | None, field: str, message: str) -> int:
    if value is None or value not in FEEDBACK_RANGE:
        raise ValidationError({field: message})
    return value


@transaction.atomic
def save_feedback(
    *, link: ParticipantLink, felt_heard: int | None, useful: int | None, comment: str = ""
) -> MeetingFeedback:
    """The holder's feedback on the link's meeting: one per link, changed while the link lives."""
    meeting = link.meeting
    if meeting is None or not may(user=principal_of(link), action=Do.EDIT, obj=meeting):
        raise PermissionDenied
    heard = _check_scale(felt_heard, "felt_heard", _("Choose a number from 1 to 5."))
    use = _check_scale(useful, "useful", _("Choose a number from 1 to 5."))
    feedback, created = MeetingFeedback.objects.update_or_create(
        link=link,
        defaults={"meeting": meeting, "felt_heard": heard, "useful": use, "comment": comment.strip()},
    )
    _audit_link(
        link=link,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        object_type="meeting_feedback",
        object_id=feedback.pk,
    )
    return feedback


def _open_evaluation(link: ParticipantLink) -> Evaluation:
    evaluation = link.evaluation
    if evaluation is None or not may(user=principal_of(link), action=Do.EDIT, obj=evaluation):
        raise PermissionDenied
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.status != EvaluationStatus.SCHEDULED:
        raise ValidationError(_("The evaluation is closed."))
    return evaluation


def judgement_of(link: ParticipantLink) -> Judgement | None:
    """The judgement this link recorded, if any (the parent's own, or the child's)."""
    return Judgement.objects.filter(via_link=link).first()


@transaction.atomic
def save_parent_view(*, link: ParticipantLink, effect: str, text: str = "") -> Judgement:
    """A parent's own view at the link's evaluation: did it help (yes, partly, no), and in words."""
    if link.member_id is None:
        raise PermissionDenied
    evaluation = _open_evaluation(link)
    if effect not in PARENT_EFFECTS:
        raise ValidationError({"effect": _("Choose yes, partly or no.")})
    judgement, created = Judgement.objects.update_or_create(
        evaluation=evaluation,
        perspective=Perspective.PARENT,
        member_id=link.member_id,
        defaults={"effect": effect, "text": text.strip(), "via_link": link, "recorded_by": None},
    )
    _audit_link(
        link=link,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        object_type="judgement",
        object_id=judgement.pk,
    )
    return judgement


@dataclass(frozen=True)
class ChildView:
    scale: int | None = None
    words: str = ""
    wants_next: str = ""
    helped_by: str = ""
    declined: bool = False


@transaction.atomic
def save_child_view(*, link: ParticipantLink, view: ChildView) -> Judgement:
    """The child's own view at the link's evaluation: a face on the five-step scale and their own words,
    or that they did not want to answer (then nothing else is kept)."""
    if not link.for_child:
        raise PermissionDenied
    evaluation = _open_evaluation(link)
    values: dict[str, object]
    if view.declined:
        values = {
            "child_scale": None,
            "text": "",
            "child_wants_next": "",
            "child_helped_by": "",
            "declined": True,
        }
    else:
        if view.scale is None or view.scale not in CHILD_SCALE:
            raise ValidationError({"scale": _("Choose one of the faces.")})
        values = {
            "child_scale": view.scale,
            "text": view.words.strip(),
            "child_wants_next": view.wants_next.strip(),
            "child_helped_by": view.helped_by.strip()[:200],
            "declined": False,
        }
    judgement, created = Judgement.objects.update_or_create(
        evaluation=evaluation,
        perspective=Perspective.CHILD,
        defaults={**values, "effect": "", "via_link": link, "recorded_by": None},
    )
    _audit_link(
        link=link,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        object_type="judgement",
        object_id=judgement.pk,
    )
    return judgement
