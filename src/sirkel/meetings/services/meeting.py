"""Running a meeting: attendance, the notes, the confidentiality waiver, and marking it held (which saves a
snapshot of the network map and moves the measure into its active phase).

Every write is keyword-only, atomic, checked (the meeting leader may run the meeting even when they come
from another service's pool), refused on a stopped measure, and audited in the same transaction. The
readings the pages and documents share (who signs the waiver, who it lists, the meeting's date) are pure
functions over rows already loaded.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from sirkel.accounts.models import User
from sirkel.audit.models import AuditAction
from sirkel.core.versioning import update_versioned
from sirkel.meetings.dates import check_meeting_day
from sirkel.meetings.models import (
    Attendance,
    Consent,
    ConsentParty,
    Meeting,
    MeetingStatus,
    Participant,
    ParticipantRole,
    Series,
    SeriesStatus,
)
from sirkel.meetings.services import guards
from sirkel.meetings.services.consent import YOUTH_CONSENT_AGE
from sirkel.network.models import SnapshotSource
from sirkel.network.services import _take_snapshot_unchecked

NOTE_FIELDS = ("reflecting_team_notes", "decisions", "internal_notes")

# Interpreters translate what others say; they bring no information of their own to release.
NOT_ON_WAIVER_ROLES = frozenset({ParticipantRole.INTERPRETER.value})


# ---------------------------------------------------------------------------------------------------------
# Readings


def meeting_day(meeting: Meeting) -> date:
    """The day the meeting was (or will be) held: the recorded day, else the planned one, else today."""
    if meeting.held_on is not None:
        return meeting.held_on
    if meeting.starts_at is not None:
        return timezone.localdate(meeting.starts_at)
    return timezone.localdate()


def child_age_at_meeting(meeting: Meeting) -> int:
    return meeting.series.case.age_on(meeting_day(meeting))


def youth_signs(meeting: Meeting) -> bool:
    """From 15 the youth releases for themself: their own signature is needed on the waiver."""
    return child_age_at_meeting(meeting) >= YOUTH_CONSENT_AGE


def on_waiver(participant: Participant, *, leader_id: int | None) -> bool:
    """The waiver lists the public participants invited to this meeting. Not the meeting leader: they lead,
    and bring no knowledge of the family to release."""
    if leader_id is not None and participant.user_id == leader_id:
        return False
    return participant.is_public and participant.invited and participant.role not in NOT_ON_WAIVER_ROLES


def waiver_participants(participants: Iterable[Participant], *, leader_id: int | None) -> list[Participant]:
    return [p for p in participants if on_waiver(p, leader_id=leader_id)]


def not_released(participant: Participant, *, leader_id: int | None) -> bool:
    """A public participant who may not share confidential information in this meeting."""
    return on_waiver(participant, leader_id=leader_id) and not participant.waiver_released


@dataclass(frozen=True)
class Signatory:
    key: str  # a ConsentParty value
    name: str  # may be empty: the sheet then has a blank line to write the name on

    @property
    def label(self) -> str:
        """Who signs, e.g. "Mother": translated when shown, so a document shows it in its own language."""
        if self.key == ConsentParty.YOUTH:
            return _("The youth")
        return str(ConsentParty(self.key).label)


SIGNATORY_PARTIES: tuple[str, ...] = (
    ConsentParty.MOTHER.value,
    ConsentParty.FATHER.value,
    ConsentParty.GUARDIAN.value,
    ConsentParty.YOUTH.value,
)
_ROLE_FOR_PARTY = {
    ConsentParty.MOTHER.value: ParticipantRole.MOTHER.value,
    ConsentParty.FATHER.value: ParticipantRole.FATHER.value,
    ConsentParty.YOUTH.value: ParticipantRole.CHILD.value,
}


def waiver_signatories(
    meeting: Meeting, *, consents: Sequence[Consent], participants: Sequence[Participant]
) -> list[Signatory]:
    """Who signs the waiver: mother and father (always a line each), another person with parental
    responsibility where one has consented, and the youth from 15. Names come from the consents, else from
    the participants in that role. Pure."""
    names: dict[str, str] = {}
    for c in consents:
        if c.is_active and c.party_name.strip():
            names.setdefault(c.party, c.party_name.strip())
    for p in participants:
        for party, role in _ROLE_FOR_PARTY.items():
            if p.role == role and p.invited:
                names.setdefault(party, p.name)
    youth = youth_signs(meeting)
    found: list[Signatory] = []
    for party in SIGNATORY_PARTIES:
        if party == ConsentParty.GUARDIAN and party not in names:
            continue
        if party == ConsentParty.YOUTH and not youth:
            continue
        found.append(Signatory(key=party, name=names.get(party, "")))
    return found


def document_language() -> str:
    """Documents and labels stored for the family are in Bokmål, whatever the reader's UI language."""
    return str(settings.LANGUAGE_CODE)


# ---------------------------------------------------------------------------------------------------------
# Checks


def _lock(*, meeting: Meeting) -> tuple[Series, Meeting]:
    """Lock the measure, then the meeting (always in this order), and reload both."""
    series = (
        Series.objects.select_for_update(of=("self",))
        .select_related("measure__case")
        .get(pk=meeting.series_id)
    )
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    current.series = series
    return series, current


def _ensure_can_run(*, series: Series, meeting: Meeting) -> None:
    guards.ensure_open(series=series)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("This meeting was cancelled: nothing can be recorded for it."))


# ---------------------------------------------------------------------------------------------------------
# Writes


@transaction.atomic
def record_attendance(*, acting_user: User, meeting: Meeting, attendance: Mapping[int, str]) -> int:
    """Record who came: in person, digitally or not at all ("" leaves it unrecorded), by participant id.

    Returns how many participants changed. Ids not in this meeting are refused.
    """
    guards.require(user=acting_user, series=meeting.series, what="run")
    series, meeting = _lock(meeting=meeting)
    _ensure_can_run(series=series, meeting=meeting)
    if any(value not in Attendance.values for value in attendance.values()):
        raise ValidationError(_("Choose present, present digitally or absent."))
    rows = {p.pk: p for p in Participant.objects.filter(meeting=meeting, pk__in=list(attendance))}
    if set(attendance) - set(rows):
        raise ValidationError(_("Someone on the list is not invited to this meeting."))
    changed = [p for pk, p in rows.items() if p.attendance != attendance[pk]]
    for p in changed:
        p.attendance = attendance[p.pk]
    Participant.objects.bulk_update(changed, ["attendance"])
    guards.audit(
        user=acting_user,
        series=series,
        action=AuditAction.UPDATE,
        object_type="attendance",
        object_id=meeting.pk,
        participants=sorted(p.pk for p in changed),
    )
    return len(changed)


@transaction.atomic
def save_meeting_notes(
    *,
    acting_user: User,
    meeting: Meeting,
    version: int,
    reflecting_team_notes: str,
    decisions: str,
    internal_notes: str,
) -> Meeting:
    """Save the reflecting team and the decisions (both printed in the minutes) and the internal notes (never
    printed).

    `version` is the meeting version the form was opened at: if a colleague saved in between, ConflictError
    is raised and nothing is written, so the caller can show the text again with the colleague's version.
    """
    guards.require(user=acting_user, series=meeting.series, what="run")
    series, current = _lock(meeting=meeting)
    _ensure_can_run(series=series, meeting=current)
    values = {
        "reflecting_team_notes": reflecting_team_notes.strip(),
        "decisions": decisions.strip(),
        "internal_notes": internal_notes.strip(),
    }
    changed = [name for name, value in values.items() if getattr(current, name) != value]
    for name, value in values.items():
        setattr(current, name, value)
    update_versioned(current, expected_version=version, fields=NOTE_FIELDS)
    guards.audit(
        user=acting_user,
        series=series,
        action=AuditAction.UPDATE,
        object_type="meeting",
        object_id=current.pk,
        part="notes",
        fields=changed,
    )
    return current


@transaction.atomic
def record_waiver(
    *,
    acting_user: User,
    meeting: Meeting,
    released: Collection[int],
    signed_by: Collection[str],
    signed_at: datetime | None,
) -> Meeting:
    """Record the signed waiver: which public participants were released from their duty of confidentiality
    in this meeting (participant ids), who signed (ConsentParty values) and when.

    Releasing anyone needs a signature, and from 15 the youth's own. Releasing nobody clears the record.
    """
    guards.require(user=acting_user, series=meeting.series, what="run")
    series, current = _lock(meeting=meeting)
    _ensure_can_run(series=series, meeting=current)
    participants = list(Participant.objects.filter(meeting=current).order_by("id"))
    listed = {p.pk: p for p in waiver_participants(participants, leader_id=series.leader_id)}
    if set(released) - set(listed):
        raise ValidationError(
            {"released": _("Only the public participants of this meeting can be released.")}
        )
    consents = list(Consent.objects.filter(series=series))
    signatories = {
        s.key: s for s in waiver_signatories(current, consents=consents, participants=participants)
    }
    if set(signed_by) - set(signatories):
        raise ValidationError({"signed_by": _("Choose who signed from the list.")})
    if released:
        if not signed_by:
            raise ValidationError({"signed_by": _("Tick who signed the waiver.")})
        if ConsentParty.YOUTH in signatories and ConsentParty.YOUTH not in signed_by:
            raise ValidationError({"signed_by": _("The youth is 15 or older and must sign the waiver too.")})
        if signed_at is None:
            raise ValidationError({"signed_at": _("Write when the waiver was signed.")})
        if signed_at > timezone.now():
            raise ValidationError({"signed_at": _("The time cannot be in the future.")})
    changed = []
    for pk, p in listed.items():
        value = pk in released
        if p.waiver_released != value:
            p.waiver_released = value
            changed.append(p)
    Participant.objects.bulk_update(changed, ["waiver_released"])
    if released:
        who = [s for key, s in signatories.items() if key in signed_by]
        with translation.override(document_language()):
            current.waiver_signed_by = ", ".join(s.name or s.label for s in who)[:300]
        current.waiver_signed_at = signed_at
    else:
        current.waiver_signed_by = ""
        current.waiver_signed_at = None
    # The waiver does not bump the version: it must not make a colleague's open notes conflict.
    current.save(update_fields=["waiver_signed_by", "waiver_signed_at", "updated_at"])
    guards.audit(
        user=acting_user,
        series=series,
        action=AuditAction.UPDATE,
        object_type="waiver",
        object_id=current.pk,
        released=sorted(released),
        signed_by=sorted(signed_by),
    )
    return current


@transaction.atomic
def close_meeting(*, acting_user: User, meeting: Meeting, held_on: date | None = None) -> Meeting:
    """Mark the meeting as held on `held_on` (default: its planned day, or today), save a snapshot of the
    network map as it stood at the meeting, and move the measure into its active phase.

    The snapshot is recorded with the meeting leader as its author even when they come from another
    service and may not open the case itself: running the meeting is what entitles them to it.
    """
    guards.require(user=acting_user, series=meeting.series, what="run")
    series, current = _lock(meeting=meeting)
    guards.ensure_open(series=series)
    if series.status not in (SeriesStatus.PREPARING, SeriesStatus.ACTIVE):
        raise ValidationError(_("This measure is not running: its meetings cannot be marked as held."))
    if current.status != MeetingStatus.PLANNED:
        raise ValidationError(
            _("This meeting is %(status)s already.")
            % {"status": str(MeetingStatus(current.status).label).lower()}
        )
    today = timezone.localdate()
    if held_on is None:
        held_on = min(meeting_day(current), today)
    if held_on > today:
        raise ValidationError({"held_on": _("A meeting cannot be marked as held on a future day.")})
    try:
        check_meeting_day(held_on)
    except ValidationError as exc:
        raise ValidationError({"held_on": exc.messages}) from exc
    if current.starts_at is not None and held_on < (planned := timezone.localdate(current.starts_at)):
        raise ValidationError(
            {
                "held_on": _(
                    "A meeting cannot be marked as held before its planned day (%(planned)s). "
                    "If it was moved, change the meeting's date first."
                )
                % {"planned": formats.date_format(planned, "SHORT_DATE_FORMAT")}
            }
        )
    with translation.override(document_language()):
        label = _("Meeting %(number)s") % {"number": current.sequence}
    snapshot = _take_snapshot_unchecked(
        acting_user=acting_user, case=series.case, label=label, source=SnapshotSource.MEETING
    )
    current.status = MeetingStatus.HELD
    current.held_on = held_on
    current.snapshot = snapshot
    current.save(update_fields=["status", "held_on", "snapshot", "updated_at"])
    activated = series.status == SeriesStatus.PREPARING
    if activated:
        series.status = SeriesStatus.ACTIVE
        series.version += 1
        series.save(update_fields=["status", "version", "updated_at"])
    guards.audit(
        user=acting_user,
        series=series,
        action=AuditAction.UPDATE,
        object_type="meeting",
        object_id=current.pk,
        part="held",
        held_on=held_on.isoformat(),
        snapshot=snapshot.pk,
        series_activated=activated,
    )
    return current
