"""Preparing a meeting: creating it, the checklist of what is missing, participants and the balance
between them, and invitations with the answers they bring back.

The two readings every page relies on are pure functions over rows already loaded: `preparation_checklist`
(what is still missing before the meeting) and `balance` (private vs public, close to vs further from the
problem). Every write checks access, refuses stopped measures, and is audited in the same transaction.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sirkel.accounts.models import User
from sirkel.audit.models import AuditAction
from sirkel.cases.models import LivesWith
from sirkel.meetings.kinds import kind_config
from sirkel.meetings.models import (
    ChildParticipation,
    InterpreterKind,
    Meeting,
    MeetingKind,
    MeetingMode,
    MeetingStatus,
    Participant,
    ParticipantRole,
    Response,
    Series,
    SeriesStatus,
)
from sirkel.meetings.services import guards
from sirkel.meetings.services.series import YOUTH_CONSENT_AGE, consent_status
from sirkel.network import services as network_services
from sirkel.network.models import NetworkMember, Side

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------------------
# Balance

# The study (and the method descriptions it cites: Forsberg & Wallmark 2021; Fyrand 2005; Hjort 2019) finds
# that network meetings work best with a good balance between the private and the public network, and
# between people closely involved in the problem and people further from it: it evens out power and helps
# the group find shared solutions. It gives no numbers, so the thresholds below are rules of thumb that only
# trigger a hint, never a block.

PUBLIC_SHARE_HIGH = 0.60
"""Above this share of professionals, the family's own network is outnumbered: suggest inviting more of it."""

PRIVATE_SHARE_HIGH = 0.85
"""Above this share of private network, no trusted public actor is there to bring a view from outside."""

CLOSE_SHARE_HIGH = 2 / 3
"""Above this share of people close to the problem, nobody brings distance: invite someone further from it."""

# Roles that take no part in the balance: interpreters translate, they are not part of the network.
NOT_COUNTED_ROLES = frozenset({ParticipantRole.INTERPRETER.value})

# Roles that are always on one side.
PRIVATE_ROLES = frozenset(
    {
        ParticipantRole.MOTHER.value,
        ParticipantRole.FATHER.value,
        ParticipantRole.CHILD.value,
        ParticipantRole.PRIVATE.value,
    }
)
PUBLIC_ROLES = frozenset({ParticipantRole.PUBLIC.value, ParticipantRole.STAFF.value})


@dataclass(frozen=True)
class Balance:
    private: int
    public: int
    close: int
    further: int
    hints: list[str] = field(default_factory=list)

    @property
    def counted(self) -> int:
        return self.private + self.public

    @property
    def public_share(self) -> float:
        return self.public / self.counted if self.counted else 0.0

    @property
    def private_share(self) -> float:
        return self.private / self.counted if self.counted else 0.0

    @property
    def close_share(self) -> float:
        return self.close / self.counted if self.counted else 0.0

    @property
    def private_percent(self) -> int:
        return round(self.private_share * 100)

    @property
    def public_percent(self) -> int:
        return 100 - self.private_percent if self.counted else 0

    @property
    def close_percent(self) -> int:
        return round(self.close_share * 100)

    @property
    def further_percent(self) -> int:
        return 100 - self.close_percent if self.counted else 0

    @property
    def lopsided(self) -> bool:
        return bool(self.hints)


def balance(participants: Iterable[Participant], *, leader_id: int | None = None) -> Balance:
    """Private vs public and close vs further from the problem, among those invited who have not said no.

    Interpreters are not counted, nor the meeting leader (`leader_id`): they lead, they are not part of the
    network. Pure: works on rows already loaded.
    """
    private = public = close = 0
    for p in participants:
        if not p.invited or p.response == Response.DECLINED or p.role in NOT_COUNTED_ROLES:
            continue
        if leader_id is not None and p.user_id == leader_id:
            continue
        if p.is_public:
            public += 1
        else:
            private += 1
        if p.close_to_problem:
            close += 1
    counted = private + public
    hints: list[str] = []
    if counted:
        if public / counted > PUBLIC_SHARE_HIGH:
            hints.append(_("Mostly professionals: think about who in the family's own network could come."))
        if private / counted > PRIVATE_SHARE_HIGH:
            hints.append(
                _(
                    "Almost only the family's own network: consider inviting a public actor the family "
                    "trusts, such as a teacher or the health nurse."
                )
            )
        if close / counted > CLOSE_SHARE_HIGH:
            hints.append(
                _(
                    "Most of those invited are close to the problem: invite someone further from it, who can "
                    "bring a fresh view."
                )
            )
    return Balance(private=private, public=public, close=close, further=counted - close, hints=hints)


def side_for_role(role: str, *, fallback_public: bool) -> bool:
    """Whether a participant in this role counts as public network (support persons keep their side)."""
    if role in PRIVATE_ROLES:
        return False
    if role in PUBLIC_ROLES:
        return True
    return fallback_public


# ---------------------------------------------------------------------------------------------------------
# The checklist


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    done: bool
    hint: str = ""
    link: str = ""


def _section_link(meeting: Meeting, section: str) -> str:
    return (
        reverse("meetings:prepare", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk])
        + f"#section-{section}"
    )


def _todo_item(*, meeting: Meeting, key: str, label: str, missing: list[str], section: str) -> ChecklistItem:
    """A checklist item that is done when nothing is missing, and otherwise says what is left."""
    hint = _("Still to do: %(what)s.") % {"what": "; ".join(missing)} if missing else ""
    return ChecklistItem(key, label, not missing, hint, _section_link(meeting, section))


def _participants_link(meeting: Meeting) -> str:
    return reverse(
        "meetings:participants", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk]
    )


def preparation_checklist(
    meeting: Meeting, *, participants: Sequence[Participant] | None = None
) -> list[ChecklistItem]:
    """What is still missing before the meeting, in the order it is usually done.

    `participants` may be passed when the caller has loaded them already (saves a query). Uses
    `meeting.measure` and `meeting.measure.case` (select them with the meeting) and one query for consents.
    """
    series = meeting.series
    case = series.case
    if participants is None:
        participants = list(meeting.participants.all())
    invited = [p for p in participants if p.invited]
    items: list[ChecklistItem] = []

    # Purpose / problem formulation, agreed with the parents.
    missing: list[str] = []
    if not series.purpose.strip():
        missing.append(_("write the purpose / problem formulation of the measure"))
    elif not series.purpose_agreed_with_parents:
        missing.append(_("agree on the purpose with the parents"))
    if not meeting.purpose.strip():
        missing.append(_("write the purpose of this meeting"))
    items.append(
        _todo_item(
            meeting=meeting,
            key="purpose",
            label=_("Purpose agreed with the parents"),
            missing=missing,
            section="purpose",
        )
    )

    # Consent from each parent, and the youth from 15.
    consent = consent_status(series)
    consent_hint = ""
    if consent.withdrawn:
        consent_hint = _("Consent has been withdrawn.")
    elif consent.missing:
        consent_hint = _("Consent still missing from: %(who)s.") % {"who": ", ".join(consent.missing)}
    items.append(
        ChecklistItem(
            "consent",
            _("Consent from the parents and a youth from 15"),
            consent.complete,
            consent_hint,
            reverse("meetings:detail", args=[series.case_id, series.measure_id]) + "#consent-heading",
        )
    )

    # Invitations: at least someone from each side.
    sides = balance(invited, leader_id=series.leader_id)
    chosen_missing: list[str] = []
    if not sides.private:
        chosen_missing.append(_("no one from the private network"))
    if not sides.public:
        chosen_missing.append(_("no one from the public network"))
    items.append(
        ChecklistItem(
            "invitations",
            _("Who to invite is chosen"),
            not chosen_missing,
            _("So far: %(what)s.") % {"what": ", ".join(chosen_missing)} if chosen_missing else "",
            _participants_link(meeting),
        )
    )
    items.append(
        ChecklistItem(
            "balance",
            _("A good balance among those invited"),
            bool(sides.counted) and not sides.lopsided,
            " ".join(sides.hints) if sides.counted else _("No one is invited yet."),
            _participants_link(meeting),
        )
    )

    # Both parents invited, also a father the child does not live with, or a reason why not.
    roles = {p.role for p in invited}
    absent: list[str] = []
    if ParticipantRole.MOTHER not in roles:
        absent.append(_("the mother"))
    if ParticipantRole.FATHER not in roles:
        absent.append(_("the father"))
    parents_done = not absent or bool(meeting.parents_not_invited_reason.strip())
    parents_hint = ""
    if not parents_done:
        who = (
            _("%(first)s and %(second)s") % {"first": absent[0], "second": absent[1]}
            if len(absent) == 2
            else absent[0]
        )
        parents_hint = _("Not invited: %(who)s. Invite them, or write down why not.") % {"who": who}
        if ParticipantRole.FATHER not in roles and case.lives_with == LivesWith.MOTHER:
            parents_hint += " " + _("Remember the father even if the child does not live with him.")
        elif ParticipantRole.MOTHER not in roles and case.lives_with == LivesWith.FATHER:
            parents_hint += " " + _("Remember the mother even if the child does not live with her.")
    items.append(
        ChecklistItem(
            "parents",
            _("Both parents invited, or a reason recorded"),
            parents_done,
            parents_hint,
            _section_link(meeting, "parents") if absent else _participants_link(meeting),
        )
    )

    # The child's participation plan.
    child_missing: list[str] = []
    if not meeting.child_talked_with:
        child_missing.append(_("talk with the child beforehand"))
    if not meeting.child_participation:
        child_missing.append(_("decide whether and how the child takes part"))
    elif meeting.child_participation != ChildParticipation.NONE and not meeting.child_support_person.strip():
        child_missing.append(_("name a support person for the child"))
    items.append(
        _todo_item(
            meeting=meeting,
            key="child",
            label=_("The child's participation is planned"),
            missing=child_missing,
            section="child",
        )
    )

    # Interpreter booked when needed.
    if meeting.interpreter_needed:
        interpreter_done = meeting.interpreter_booked and bool(meeting.interpreter_name.strip())
        what = (
            InterpreterKind(meeting.interpreter_kind).label
            if meeting.interpreter_kind
            else InterpreterKind.INTERPRETER.label
        )
        interpreter_hint = (
            ""
            if interpreter_done
            else _("%(what)s needed (%(language)s): book one and write down who.")
            % {"what": what, "language": meeting.interpreter_language or _("language not given")}
        )
    else:
        interpreter_done, interpreter_hint = True, _("No interpreter needed.")
    items.append(
        ChecklistItem(
            "interpreter",
            _("Interpreter booked, if needed"),
            interpreter_done,
            interpreter_hint,
            _section_link(meeting, "interpreter"),
        )
    )

    # The opening network speech, drafted with the family, and who delivers it.
    speech_missing: list[str] = []
    if not meeting.network_speech.strip():
        speech_missing.append(_("draft it with the family"))
    if not meeting.network_speech_by.strip():
        speech_missing.append(_("agree who delivers it"))
    items.append(
        _todo_item(
            meeting=meeting,
            key="speech",
            label=_("The network speech is ready"),
            missing=speech_missing,
            section="speech",
        )
    )

    # Date, place, form.
    when_missing = time_place_missing(meeting)
    items.append(
        _todo_item(
            meeting=meeting, key="time", label=_("Time and place"), missing=when_missing, section="time"
        )
    )

    # Invitations sent (by e-mail or on paper) to everyone outside the service.
    to_invite = [p for p in invited if p.role != ParticipantRole.STAFF]
    not_sent = [p for p in to_invite if p.invitation_sent_at is None]
    items.append(
        ChecklistItem(
            "sent",
            _("Invitations sent"),
            bool(to_invite) and not not_sent,
            _("%(count)s of %(total)s have not been sent an invitation yet.")
            % {"count": len(not_sent), "total": len(to_invite)}
            if to_invite and not_sent
            else ("" if to_invite else _("No one is invited yet.")),
            reverse(
                "meetings:send_invitations",
                args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk],
            ),
        )
    )
    return items


def time_place_missing(meeting: Meeting) -> list[str]:
    """What stops the invitation from saying when and where (empty when complete)."""
    missing: list[str] = []
    if meeting.starts_at is None:
        missing.append(_("set the date and time"))
    if meeting.mode in (MeetingMode.IN_PERSON, MeetingMode.HYBRID) and not meeting.place.strip():
        missing.append(_("set the place"))
    if meeting.mode in (MeetingMode.DIGITAL, MeetingMode.HYBRID) and not meeting.video_link.strip():
        missing.append(_("add the video link"))
    return missing


# ---------------------------------------------------------------------------------------------------------
# Checks


class ConflictError(Exception):
    """Someone else saved the meeting since it was opened."""


def _ensure_can_plan(*, series: Series) -> None:
    guards.ensure_open(series=series)
    if series.status == SeriesStatus.SCREENING:
        raise ValidationError(_("Finish the screening first: record the decision to go ahead."))
    if series.status == SeriesStatus.NOT_STARTED:
        raise ValidationError(_("The screening concluded that this measure should not go ahead now."))
    if not series.is_open:
        raise ValidationError(_("This measure has ended and cannot be changed."))


def _ensure_planned(*, meeting: Meeting) -> None:
    _ensure_can_plan(series=meeting.series)
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(
            _("This meeting is %(status)s: its preparation can no longer be changed.")
            % {"status": str(MeetingStatus(meeting.status).label).lower()}
        )


def _check_mode(*, mode: str, video_link: str) -> None:
    if mode not in MeetingMode.values:
        raise ValidationError({"mode": _("Choose how the meeting is held.")})
    if video_link:
        try:
            URLValidator(schemes=["https", "http"])(video_link)
        except ValidationError as exc:
            raise ValidationError({"video_link": _("Give the whole address of the video meeting.")}) from exc
    if mode in (MeetingMode.DIGITAL, MeetingMode.HYBRID) and not video_link:
        raise ValidationError(
            {"video_link": _("A digital or hybrid meeting needs a video link for those who join remotely.")}
        )


def _lock_meeting(*, meeting: Meeting, version: int | None) -> Meeting:
    """Reload the meeting for update; refuse when someone else saved it in the meantime.

    The version covers the meeting's own fields. Participants are rows of their own and do not bump it, so
    someone adding an invitee does not make a colleague's open preparation form conflict.
    """
    current = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("series__measure__case")
        .get(pk=meeting.pk)
    )
    if version is not None and current.version != version:
        raise ConflictError
    return current


# ---------------------------------------------------------------------------------------------------------
# Writes: the meeting


@transaction.atomic
def create_meeting(
    *,
    acting_user: User,
    series: Series,
    starts_at: datetime | None = None,
    place: str = "",
    mode: str = MeetingMode.IN_PERSON,
    video_link: str = "",
    purpose: str = "",
    copy_participants: bool = True,
) -> Meeting:
    """Plan the measure's next meeting: the first, or a follow-up with the next number.

    The length defaults to the measure kind's usual length; the interpreter needs are prefilled from the
    case (a follow-up copies them from the meeting before, and its participants when `copy_participants`).
    """
    guards.require(user=acting_user, series=series)
    series = Series.objects.select_for_update(of=("self",)).select_related("measure__case").get(pk=series.pk)
    _ensure_can_plan(series=series)
    config = kind_config(series.kind)
    if config.needs_leader and series.leader_id is None:
        raise ValidationError(
            _("Choose the %(leader)s before the meeting is planned.")
            % {"leader": str(config.leader_label).lower()}
        )
    place, video_link, purpose = place.strip(), video_link.strip(), purpose.strip()
    if mode in (MeetingMode.DIGITAL, MeetingMode.HYBRID) or video_link:
        _check_mode(mode=mode, video_link=video_link)
    elif mode not in MeetingMode.values:
        raise ValidationError({"mode": _("Choose how the meeting is held.")})

    previous = Meeting.objects.filter(series=series).order_by("-sequence").first()
    last = Meeting.objects.filter(series=series).aggregate(m=Max("sequence"))["m"] or 0
    case = series.case
    meeting = Meeting(
        series=series,
        sequence=last + 1,
        kind=MeetingKind.FIRST if previous is None else MeetingKind.FOLLOW_UP,
        starts_at=starts_at,
        duration_minutes=config.default_minutes,
        place=place,
        mode=mode,
        video_link=video_link,
        purpose=purpose,
    )
    if previous is None:
        meeting.interpreter_needed = case.interpreter_needed or case.cultural_interpreter_needed
        if case.interpreter_needed and case.cultural_interpreter_needed:
            meeting.interpreter_kind = InterpreterKind.BOTH
        elif case.cultural_interpreter_needed:
            meeting.interpreter_kind = InterpreterKind.CULTURAL
        elif case.interpreter_needed:
            meeting.interpreter_kind = InterpreterKind.INTERPRETER
        meeting.interpreter_language = case.language if meeting.interpreter_needed else ""
    else:
        meeting.interpreter_needed = previous.interpreter_needed
        meeting.interpreter_kind = previous.interpreter_kind
        meeting.interpreter_language = previous.interpreter_language
        meeting.parents_not_invited_reason = previous.parents_not_invited_reason
        meeting.network_speech_by = previous.network_speech_by
        meeting.child_support_person = previous.child_support_person
        meeting.child_may_leave = previous.child_may_leave
        meeting.youth_leads = previous.youth_leads
    meeting.full_clean()
    meeting.save()

    copied = 0
    if previous is not None and copy_participants:
        fresh = [
            Participant(
                meeting=meeting,
                member_id=p.member_id,
                user_id=p.user_id,
                name=p.name,
                role=p.role,
                relation=p.relation,
                is_public=p.is_public,
                close_to_problem=p.close_to_problem,
                email=p.email,
            )
            for p in Participant.objects.filter(meeting=previous, invited=True).order_by("id")
        ]
        Participant.objects.bulk_create(fresh)
        copied = len(fresh)
    guards.audit(
        user=acting_user,
        series=series,
        action=AuditAction.CREATE,
        object_type="meeting",
        object_id=meeting.pk,
        sequence=meeting.sequence,
        kind=meeting.kind,
        copied_participants=copied,
    )
    return meeting


# Which fields each section of the preparation page saves. "purpose" also writes the measure's purpose.
SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    "purpose": ("measure_purpose", "purpose_agreed_with_parents", "purpose"),
    "time": ("starts_at", "duration_minutes", "place", "mode", "video_link"),
    "parents": ("parents_not_invited_reason",),
    "child": (
        "child_talked_with",
        "child_talked_on",
        "child_participation",
        "child_support_person",
        "child_wants_said",
        "child_may_leave",
        "youth_leads",
    ),
    "interpreter": (
        "interpreter_needed",
        "interpreter_kind",
        "interpreter_language",
        "interpreter_booked",
        "interpreter_name",
    ),
    "speech": ("network_speech", "network_speech_by"),
}

MIN_MINUTES, MAX_MINUTES = 15, 600


def _clean_section(section: str, values: Mapping[str, Any], *, meeting: Meeting) -> dict[str, Any]:
    fields = SECTION_FIELDS.get(section)
    if fields is None:
        raise ValidationError(_("Unknown part of the preparation."))
    unknown = set(values) - set(fields)
    if unknown:
        raise TypeError(f"unknown fields for section {section}: {sorted(unknown)}")
    data = {name: values[name] for name in fields if name in values}
    for name, value in data.items():
        if isinstance(value, str):
            data[name] = value.strip()
    if section == "time":
        minutes = data.get("duration_minutes", meeting.duration_minutes)
        if not MIN_MINUTES <= int(minutes) <= MAX_MINUTES:
            raise ValidationError(
                {
                    "duration_minutes": _("The length must be between %(min)s and %(max)s minutes.")
                    % {"min": MIN_MINUTES, "max": MAX_MINUTES}
                }
            )
        _check_mode(
            mode=data.get("mode", meeting.mode), video_link=data.get("video_link", meeting.video_link)
        )
    if section == "child":
        talked_on: date | None = data.get("child_talked_on")
        if talked_on is not None and talked_on > timezone.localdate():
            raise ValidationError({"child_talked_on": _("The date cannot be in the future.")})
        if talked_on is not None and not data.get("child_talked_with", meeting.child_talked_with):
            data["child_talked_with"] = True
        participation = data.get("child_participation", meeting.child_participation)
        if participation and participation not in ChildParticipation.values:
            raise ValidationError({"child_participation": _("Choose how the child takes part.")})
        if data.get("youth_leads") and meeting.series.case.age < YOUTH_CONSENT_AGE:
            raise ValidationError(
                {"youth_leads": _("Only a youth from 15 can lead their own meeting, after training.")}
            )
    if section == "interpreter":
        kind = data.get("interpreter_kind", meeting.interpreter_kind)
        if kind and kind not in InterpreterKind.values:
            raise ValidationError({"interpreter_kind": _("Choose the kind of interpreter.")})
        if not data.get("interpreter_needed", meeting.interpreter_needed):
            data.update(interpreter_booked=False)
        elif data.get("interpreter_booked") and not data.get("interpreter_name", meeting.interpreter_name):
            raise ValidationError({"interpreter_name": _("Write who is booked.")})
    return data


@transaction.atomic
def save_preparation_section(
    *, acting_user: User, meeting: Meeting, section: str, values: Mapping[str, Any], version: int | None
) -> Meeting:
    """Save one section of the preparation page. `version` is the meeting version the form was opened at:
    a mismatch raises ConflictError so nobody overwrites a colleague's changes unseen."""
    guards.require(user=acting_user, series=meeting.series)
    meeting = _lock_meeting(meeting=meeting, version=version)
    _ensure_planned(meeting=meeting)
    data = _clean_section(section, values, meeting=meeting)
    series = meeting.series
    changed: list[str] = []
    if section == "purpose":
        series_changed = False
        if "measure_purpose" in data and data["measure_purpose"] != series.purpose:
            series.purpose = data.pop("measure_purpose")
            series_changed = True
        else:
            data.pop("measure_purpose", None)
        agreed = data.pop("purpose_agreed_with_parents", series.purpose_agreed_with_parents)
        if agreed and not series.purpose:
            raise ValidationError(
                {"purpose_agreed_with_parents": _("Write the purpose before marking it as agreed.")}
            )
        if bool(agreed) != series.purpose_agreed_with_parents:
            series.purpose_agreed_with_parents = bool(agreed)
            series_changed = True
        if series_changed:
            series.version += 1
            series.save(update_fields=["purpose", "purpose_agreed_with_parents", "version", "updated_at"])
            changed += ["measure.purpose"]
    for name, value in data.items():
        if getattr(meeting, name) != value:
            setattr(meeting, name, value)
            changed.append(name)
    meeting.version += 1
    meeting.full_clean()
    meeting.save()
    guards.audit(
        user=acting_user,
        series=series,
        action=AuditAction.UPDATE,
        object_type="meeting",
        object_id=meeting.pk,
        section=section,
        fields=changed,
    )
    return meeting


# ---------------------------------------------------------------------------------------------------------
# Writes: participants


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
    meeting = _lock_meeting(meeting=meeting, version=None)
    _ensure_planned(meeting=meeting)
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
    meeting = _lock_meeting(meeting=meeting, version=None)
    _ensure_planned(meeting=meeting)
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
    """Someone new: add them to the case's network register (through the network services) and invite them."""
    guards.require(user=acting_user, series=meeting.series)
    _ensure_planned(meeting=meeting)
    member = network_services.add_member(acting_user=acting_user, case=meeting.series.case, **member_fields)
    return add_participant(
        acting_user=acting_user, meeting=meeting, member=member, role=role, close_to_problem=close_to_problem
    )


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
    _lock_meeting(meeting=meeting, version=None)
    _ensure_planned(meeting=meeting)
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
    meeting = _lock_meeting(meeting=meeting, version=None)
    _ensure_planned(meeting=meeting)
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


@transaction.atomic
def set_response(
    *, acting_user: User, participant: Participant, response: str, note: str = ""
) -> Participant:
    """Record an invitee's answer (coming, not coming, not sure). The meeting leader may record it too:
    invitees often call the leader to ask what to expect."""
    meeting = participant.meeting
    guards.require(user=acting_user, series=meeting.series, what="run")
    _ensure_planned(meeting=meeting)
    if response not in Response.values:
        raise ValidationError({"response": _("Choose an answer.")})
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    previous = participant.response
    participant.response = response
    participant.response_note = note.strip()
    participant.full_clean()
    participant.save(update_fields=["response", "response_note"])
    guards.audit(
        user=acting_user,
        series=meeting.series,
        action=AuditAction.UPDATE,
        object_type="participant",
        object_id=participant.pk,
        meeting=meeting.pk,
        response=response,
        previous=previous,
    )
    return participant


# ---------------------------------------------------------------------------------------------------------
# Writes: invitations


def may_email(participant: Participant) -> bool:
    """E-mail only to an address we have and, for the family's network, with their agreement to be contacted.
    Staff may always be e-mailed; anyone else outside the register is not (no recorded agreement)."""
    if not participant.invited or not participant.email:
        return False
    if participant.user_id is not None:
        return True
    return participant.member is not None and participant.member.may_contact


def no_email_reason(participant: Participant) -> str:
    if not participant.email:
        return _("No e-mail address")
    if participant.user_id is None and (participant.member is None or not participant.member.may_contact):
        return _("Not agreed to be contacted")
    return ""


@transaction.atomic
def mark_invitations_sent(
    *, acting_user: User, meeting: Meeting, participants: Sequence[Participant], how: str = "letter"
) -> int:
    """Record that these participants were sent (or handed) their invitation."""
    guards.require(user=acting_user, series=meeting.series)
    meeting = _lock_meeting(meeting=meeting, version=None)
    _ensure_planned(meeting=meeting)
    ids = [p.pk for p in participants if p.meeting_id == meeting.pk]
    count = Participant.objects.filter(meeting=meeting, pk__in=ids).update(invitation_sent_at=timezone.now())
    guards.audit(
        user=acting_user,
        series=meeting.series,
        action=AuditAction.UPDATE,
        object_type="invitation",
        object_id=meeting.pk,
        participants=ids,
        how=how,
    )
    return count


@dataclass(frozen=True)
class SendResult:
    sent: list[Participant]
    not_sent: list[tuple[Participant, str]]  # with the reason, for the caseworker to print their letters


def send_invitations(
    *,
    acting_user: User,
    meeting: Meeting,
    participants: Sequence[Participant],
    only_unsent: bool = False,
) -> SendResult:
    """E-mail the invitation with the calendar file to everyone who may be e-mailed; list the rest.

    Each e-mail is sent first and recorded afterwards, so a failure midway records only what went out.
    """
    # Imported here: the documents module imports this one for its readings.
    from sirkel.meetings import invitations

    guards.require(user=acting_user, series=meeting.series)
    _ensure_planned(meeting=meeting)
    missing = time_place_missing(meeting)
    if missing:
        raise ValidationError(
            _("The invitation cannot be sent yet: %(what)s.") % {"what": "; ".join(missing)}
        )
    sent: list[Participant] = []
    not_sent: list[tuple[Participant, str]] = []
    for p in participants:
        if not p.invited:
            continue
        if only_unsent and p.invitation_sent_at is not None:
            continue
        if not may_email(p):
            if p.user_id is None:
                not_sent.append((p, no_email_reason(p)))
            continue
        message = invitations.invitation_email(meeting=meeting, participant=p)
        try:
            message.send()
        except (smtplib.SMTPException, OSError):
            logger.exception("invitation e-mail failed for participant %s", p.pk)
            not_sent.append((p, _("Sending failed")))
            continue
        sent.append(p)
    if sent:
        mark_invitations_sent(acting_user=acting_user, meeting=meeting, participants=sent, how="email")
    return SendResult(sent=sent, not_sent=not_sent)
