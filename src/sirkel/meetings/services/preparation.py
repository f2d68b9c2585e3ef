"""Creating a meeting and saving its preparation sections, with the checks every preparation write obeys."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sirkel.accounts.models import User
from sirkel.audit.models import AuditAction
from sirkel.cases.plans import set_goals
from sirkel.core.versioning import ConflictError, update_versioned
from sirkel.meetings.dates import check_meeting_day
from sirkel.meetings.kinds import kind_config
from sirkel.meetings.models import (
    ChildParticipation,
    InterpreterKind,
    Meeting,
    MeetingKind,
    MeetingMode,
    MeetingStatus,
    Participant,
    Series,
    SeriesStatus,
)
from sirkel.meetings.services import guards
from sirkel.meetings.services.consent import YOUTH_CONSENT_AGE

# ---------------------------------------------------------------------------------------------------------
# Checks


def _ensure_can_plan(*, series: Series) -> None:
    guards.ensure_open(series=series)
    if series.status == SeriesStatus.SCREENING:
        raise ValidationError(_("Finish the screening first: record the decision to go ahead."))
    if series.status == SeriesStatus.NOT_STARTED:
        raise ValidationError(_("The screening concluded that this measure should not go ahead now."))
    if not series.is_open:
        raise ValidationError(_("This measure has ended and cannot be changed."))


def ensure_planned(*, meeting: Meeting) -> None:
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


def lock_meeting(*, meeting: Meeting, version: int | None) -> Meeting:
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
    _check_starts_at(starts_at)
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


def _check_starts_at(starts_at: datetime | None) -> None:
    try:
        check_meeting_day(starts_at)
    except ValidationError as exc:
        raise ValidationError({"starts_at": exc.messages}) from exc


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
        _check_starts_at(data.get("starts_at"))
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
    meeting = lock_meeting(meeting=meeting, version=version)
    ensure_planned(meeting=meeting)
    data = _clean_section(section, values, meeting=meeting)
    series = meeting.series
    changed: list[str] = []
    if section == "purpose":
        series_changed = False
        if "measure_purpose" in data and data["measure_purpose"] != series.purpose:
            # The measure's purpose is its goals in the measure plan: a new version of the plan.
            set_goals(
                acting_user=acting_user,
                measure=series.measure,
                texts=str(data.pop("measure_purpose")).splitlines(),
                change_note=_("The goals were changed while preparing a meeting."),
            )
            series.__dict__.pop("purpose", None)
            changed += ["measure.purpose"]
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
            series.save(update_fields=["purpose_agreed_with_parents", "version", "updated_at"])
            changed += ["measure.purpose_agreed_with_parents"]
    for name, value in data.items():
        if getattr(meeting, name) != value:
            setattr(meeting, name, value)
            changed.append(name)
    meeting.full_clean()
    update_versioned(meeting, expected_version=meeting.version, fields=list(data))
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
