"""The steps every demo measure is built from, each through the services (so audited)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from sirkel.accounts.models import User
from sirkel.actions import services as plan_services
from sirkel.actions.models import Action
from sirkel.cases.models import Case, Measure, MeasureKind
from sirkel.demo.decisions_demo import DecisionStory, decide
from sirkel.demo.network_demo import backdate_snapshot
from sirkel.meetings.kinds import kind_config
from sirkel.meetings.models import (
    Attendance,
    ConsentGivenAs,
    ConsentParty,
    Meeting,
    Participant,
    ParticipantRole,
    Response,
    Screening,
    ScreeningDecision,
    Series,
)
from sirkel.meetings.services import consent, invitations, preparation
from sirkel.meetings.services import meeting as meeting_services
from sirkel.meetings.services import participants as participants_services
from sirkel.meetings.services import screening as screening_services
from sirkel.meetings.services import series as series_services
from sirkel.network.models import NetworkMember

EVERYTHING_TOLD = [i.value for i in consent.InformedAbout]
PLACE = "Familiens hus, Storgata 12, møterom Sirkelen"
# How many days before the load the active series' first meeting was held, and when its overdue action
# was due (the brief for the demo: a meeting three to five weeks ago, an action due a week ago).
ACTIVE_MEETING_DAYS_AGO = 28
OVERDUE_DAYS_AGO = 7
# When the one plan whose evaluation is overdue was last evaluated (every three months: due a month ago).
OVERDUE_PLAN_EVALUATED_DAYS_AGO = 122

Members = dict[str, NetworkMember]


def local_time(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _backdate_series(series: Series, *, started_on: date) -> None:
    """Date the measure's start and its screening decision to the day they stand for (the services stamp
    the day of the load)."""
    created = local_time(started_on - timedelta(days=2), 10)
    Series.objects.filter(pk=series.pk).update(created_at=created)
    Measure.objects.filter(pk=series.measure_id).update(started_on=started_on, created_at=created)
    series.measure.refresh_from_db()
    Screening.objects.filter(series=series, decided_at__isnull=False).update(
        decided_at=local_time(started_on, 14)
    )


def complete_series(*, user: User, series: Series, ended_on: date, reason: str) -> None:
    """End a series whose goals were reached, as the caseworker does on the measure page."""
    series_services.end_series(acting_user=user, series=series, reason=reason, ended_on=ended_on)


def decided_measure(*, case: Case, kind: str, decided_on: date, story: DecisionStory) -> Measure | None:
    """The measure of `kind` a decision of `decided_on` started, with the family's reasons, justification
    and the child's participation from `story` (None for a start meeting, which needs no decision)."""
    if kind == MeasureKind.START_MEETING:
        return None
    decision = decide(case=case, decided_on=decided_on, story=story, starts=[(kind, story.expected_months)])
    return decision.items.get(measure__kind=kind).measure


def start_measure(
    *,
    case: Case,
    kind: str,
    leader: User | None,
    purpose: str,
    started_on: date,
    story: DecisionStory | None = None,
    **screening: object,
) -> Series:
    """Decide the measure (a week before it starts: `story` says why; a start meeting needs none), start
    it and decide the screening (go ahead, or with adaptations when `adaptations`) if its kind is screened
    (kinds.py; a kind that is not is under way as soon as it is started)."""
    user = case.caseworker
    if story is None and kind != MeasureKind.START_MEETING:
        raise ValueError("a network measure other than a start meeting is started from a decision")
    series = series_services.start_series(
        acting_user=user,
        case=case,
        kind=kind,
        measure=decided_measure(case=case, kind=kind, decided_on=started_on - timedelta(days=7), story=story)
        if story is not None
        else None,
        caseworker=user,
        leader=leader,
        purpose=purpose,
    )
    if not kind_config(kind).screening:
        _backdate_series(series, started_on=started_on)
        return series
    adaptations = str(screening.pop("adaptations", ""))
    flags = {
        "violence_unacknowledged": False,
        "severe_conflict": False,
        "parent_cognitive_difficulties": case.parent_cognitive_difficulties,
        "minority_background": case.minority_background,
        "small_network": False,
        **screening,
    }
    screening_services.save_screening(
        acting_user=user,
        series=series,
        violence_unacknowledged=bool(flags["violence_unacknowledged"]),
        severe_conflict=bool(flags["severe_conflict"]),
        parent_cognitive_difficulties=bool(flags["parent_cognitive_difficulties"]),
        minority_background=bool(flags["minority_background"]),
        small_network=bool(flags["small_network"]),
        other_concerns=str(flags.get("other_concerns", "")),
        decision=ScreeningDecision.ADAPT if adaptations else ScreeningDecision.PROCEED,
        reasoning=str(
            flags.get(
                "reasoning",
                "Familien har et nettverk som vil hjelpe, og foreldrene ønsker møtet. Ingenting i "
                "kartleggingen taler imot.",
            )
        ),
        adaptations=adaptations,
    )
    series.refresh_from_db()
    _backdate_series(series, started_on=started_on)
    return series


def give_consents(
    *,
    series: Series,
    parties: Sequence[tuple[str, str]],
    informed_on: date,
    note: str = "",
    given_as: str = ConsentGivenAs.WRITTEN,
) -> None:
    user = series.caseworker
    for party, name in parties:
        consent.add_consent(
            acting_user=user,
            series=series,
            party=party,
            party_name=name,
            informed_about=EVERYTHING_TOLD,
            informed_on=informed_on,
            informed_by=user,
            given_as=given_as,
            information_note=note,
        )


def invite(
    *,
    meeting: Meeting,
    members: Members,
    names: Sequence[str],
    close: Sequence[str] = (),
    staff: Sequence[User] = (),
) -> dict[str, Participant]:
    """Invite these people from the register (and staff); participants by name."""
    user = meeting.series.caseworker
    found: dict[str, Participant] = {}
    for name in names:
        found[name] = participants_services.add_participant(
            acting_user=user, meeting=meeting, member=members[name], close_to_problem=name in close
        )
    for p in participants_services.add_participants(acting_user=user, meeting=meeting, users=staff):
        found[p.name] = p
    return found


def prepare(*, meeting: Meeting, sections: dict[str, dict[str, object]]) -> Meeting:
    user = meeting.series.caseworker
    for section, values in sections.items():
        meeting = preparation.save_preparation_section(
            acting_user=user, meeting=meeting, section=section, values=values, version=None
        )
    return meeting


def send_out(*, meeting: Meeting, participants: dict[str, Participant], declined: Sequence[str] = ()) -> None:
    """Invitations handed out, and the answers that came back."""
    user = meeting.series.caseworker
    outside = [p for p in participants.values() if p.role != ParticipantRole.STAFF]
    invitations.mark_invitations_sent(acting_user=user, meeting=meeting, participants=outside, how="letter")
    for p in outside:
        answer = Response.DECLINED if p.name in declined else Response.ACCEPTED
        invitations.set_response(acting_user=user, participant=p, response=answer)


def hold_meeting(
    *,
    meeting: Meeting,
    participants: dict[str, Participant],
    held_on: date,
    absent: Sequence[str] = (),
    digital: Sequence[str] = (),
    released: Sequence[str] = (),
    signed_by: Sequence[str] = (ConsentParty.MOTHER, ConsentParty.FATHER),
    notes: str,
    reflecting: str,
    decisions: str,
    internal: str = "",
) -> Meeting:
    """Run the meeting: attendance, the waiver, notes; then mark it held (which saves the snapshot)."""
    leader = meeting.series.leader
    assert leader is not None  # noqa: S101 (every demo measure has a leader)
    attendance = {
        p.pk: Attendance.ABSENT
        if name in absent
        else (Attendance.DIGITAL if name in digital else Attendance.IN_PERSON)
        for name, p in participants.items()
    }
    meeting_services.record_attendance(acting_user=leader, meeting=meeting, attendance=attendance)
    if released:
        meeting_services.record_waiver(
            acting_user=leader,
            meeting=meeting,
            released=[participants[name].pk for name in released],
            signed_by=list(signed_by),
            signed_at=meeting.starts_at + timedelta(minutes=20) if meeting.starts_at else None,
        )
    meeting.refresh_from_db()
    meeting_services.save_meeting_notes(
        acting_user=leader,
        meeting=meeting,
        version=meeting.version,
        reflecting_team_notes=reflecting,
        decisions=decisions,
        internal_notes="\n\n".join(text for text in (notes, internal) if text),  # one internal note
    )
    held = meeting_services.close_meeting(acting_user=leader, meeting=meeting, held_on=held_on)
    assert held.snapshot is not None  # noqa: S101 (closing a meeting always saves one)
    backdate_snapshot(held.snapshot, held_on)
    return held


def add_action(
    *,
    meeting: Meeting,
    what: str,
    due_on: date,
    support: str,
    member: NetworkMember | None = None,
    user: User | None = None,
) -> Action:
    return plan_services.add_action(
        acting_user=meeting.series.caseworker,
        series=meeting.series,
        what=what,
        due_on=due_on,
        meeting=meeting,
        owner_member=member,
        owner_user=user,
        support_type=support,
    )
