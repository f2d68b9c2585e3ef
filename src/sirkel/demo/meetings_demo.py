"""Demo network measures in several states, built through the meeting and plan services (so audited).

- Emma Hansen: an active network-meeting series. The first meeting was held four weeks ago (attendance,
  signed waiver, notes, reflecting team, decisions, snapshot), its action plan has one action a week
  overdue and one due soon, and the follow-up meeting is planned.
- Jonas Johansen: a completed series: the follow-up meeting reviewed every action, then the series ended.
- Filip Larsen: a start meeting in the investigation phase, held last week; no follow-up planned yet.
- Amina Ahmed: preparing, led by the neighbour service's shared leader: the checklist is partly done
  (interpreter not booked, network speech not drafted, invitations not sent).
- Lukas Andersen: stopped: the mother withdrew her consent while the first meeting was being prepared.
- Sofie Pedersen: in screening (severe conflict between the parents noted, no decision yet).
- Nora Olsen has a network but no measure: room to try it all from the start.

Dates are relative to the day of the load, so the overdue action stays overdue whenever it is loaded.
The services stamp records with the time of the load; where a date is shown as history (when the measure
started, when the network map was saved) it is set back afterwards to the day it stands for.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from sirkel.accounts.models import Service, User
from sirkel.actions import services as plan_services
from sirkel.actions.models import Action, ActionStatus
from sirkel.cases.models import Case, Measure, MeasureKind
from sirkel.demo.network_demo import backdate_snapshot
from sirkel.meetings.models import (
    Attendance,
    ChildParticipation,
    ConsentParty,
    Meeting,
    MeetingMode,
    Participant,
    ParticipantRole,
    Response,
    Screening,
    ScreeningDecision,
    Series,
    TrainedLeader,
)
from sirkel.meetings.services import consent, invitations, leaders, preparation
from sirkel.meetings.services import meeting as meeting_services
from sirkel.meetings.services import participants as participants_services
from sirkel.meetings.services import screening as screening_services
from sirkel.meetings.services import series as series_services
from sirkel.network.models import NetworkMember, SupportType

EVERYTHING_TOLD = [i.value for i in consent.InformedAbout]
PLACE = "Familiens hus, Storgata 12, møterom Sirkelen"
# How many days before the load the active series' first meeting was held, and when its overdue action
# was due (the brief for the demo: a meeting three to five weeks ago, an action due a week ago).
ACTIVE_MEETING_DAYS_AGO = 28
OVERDUE_DAYS_AGO = 7

Members = dict[str, NetworkMember]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _backdate_series(series: Series, *, started_on: date) -> None:
    """Date the measure's start and its screening decision to the day they stand for (the services stamp
    the day of the load)."""
    created = _at(started_on - timedelta(days=2), 10)
    Series.objects.filter(pk=series.pk).update(created_at=created)
    Measure.objects.filter(pk=series.measure_id).update(started_on=started_on, created_at=created)
    series.measure.refresh_from_db()
    Screening.objects.filter(series=series).update(decided_at=_at(started_on, 14))


def _complete(*, user: User, series: Series, ended_on: date, reason: str) -> None:
    """End a series whose goals were reached, as the caseworker does on the measure page."""
    series_services.end_series(acting_user=user, series=series, reason=reason, ended_on=ended_on)


def _start(
    *, case: Case, kind: str, leader: User, purpose: str, started_on: date, **screening: object
) -> Series:
    """Start the measure and decide the screening (go ahead, or with adaptations when `adaptations`)."""
    user = case.caseworker
    series = series_services.start_series(
        acting_user=user, case=case, kind=kind, caseworker=user, leader=leader, purpose=purpose
    )
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


def _consents(
    *, series: Series, parties: Sequence[tuple[str, str]], informed_on: date, note: str = ""
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
            information_note=note,
        )


def _invite(
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


def _prepare(*, meeting: Meeting, sections: dict[str, dict[str, object]]) -> Meeting:
    user = meeting.series.caseworker
    for section, values in sections.items():
        meeting = preparation.save_preparation_section(
            acting_user=user, meeting=meeting, section=section, values=values, version=None
        )
    return meeting


def _send(*, meeting: Meeting, participants: dict[str, Participant], declined: Sequence[str] = ()) -> None:
    """Invitations handed out, and the answers that came back."""
    user = meeting.series.caseworker
    outside = [p for p in participants.values() if p.role != ParticipantRole.STAFF]
    invitations.mark_invitations_sent(acting_user=user, meeting=meeting, participants=outside, how="letter")
    for p in outside:
        answer = Response.DECLINED if p.name in declined else Response.ACCEPTED
        invitations.set_response(acting_user=user, participant=p, response=answer)


def _hold(
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
        notes=notes,
        reflecting_team_notes=reflecting,
        decisions=decisions,
        internal_notes=internal,
    )
    held = meeting_services.close_meeting(acting_user=leader, meeting=meeting, held_on=held_on)
    assert held.snapshot is not None  # noqa: S101 (closing a meeting always saves one)
    backdate_snapshot(held.snapshot, held_on)
    return held


def _act(
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


# ---------------------------------------------------------------------------------------------------------
# The register of trained meeting leaders


def load_leaders(
    *, users: dict[str, User], services: dict[str, Service], demo: str, neighbour: str, today: date
) -> int:
    """Register the demo's trained leaders (once each); returns how many were added."""
    entries = [
        (
            "leder",
            demo,
            "konsulent",
            today - timedelta(days=700),
            "Videreutdanning i nettverksarbeid og nettverksmøter",
            False,
            "",
        ),
        (
            "leder",
            demo,
            "saksbehandler2",
            today - timedelta(days=420),
            "Kurs for nettverksmøteledere",
            False,
            "",
        ),
        (
            "naboleder",
            neighbour,
            "nabokonsulent",
            today - timedelta(days=900),
            "Videreutdanning i nettverksarbeid og nettverksmøter",
            True,
            "Leder gjerne møter for nabotjenestene, for et blikk utenfra.",
        ),
    ]
    added = 0
    for keeper, service, username, trained_on, training, shared, note in entries:
        if TrainedLeader.objects.filter(user=users[username]).exists():
            continue
        leaders.save_trained_leader(
            acting_user=users[keeper],
            service=services[service],
            user=users[username],
            trained_on=trained_on,
            training=training,
            shared=shared,
            note=note,
        )
        added += 1
    return added


# ---------------------------------------------------------------------------------------------------------
# The measures, one per case


def _emma(*, case: Case, m: Members, users: dict[str, User], today: date) -> None:
    """Active: first meeting held, one action overdue, follow-up planned."""
    sara, kari = case.caseworker, users["konsulent"]
    held_on = today - timedelta(days=ACTIVE_MEETING_DAYS_AGO)
    series = _start(
        case=case,
        kind=MeasureKind.NETWORK_MEETING,
        leader=kari,
        purpose="Emma skal ha trygge og forutsigbare ettermiddager, og mor skal få mer avlastning i "
        "hverdagen.",
        started_on=held_on - timedelta(days=35),
    )
    _consents(
        series=series,
        parties=[(ConsentParty.MOTHER, "Camilla Hansen"), (ConsentParty.FATHER, "Thomas Rønning")],
        informed_on=held_on - timedelta(days=30),
        note="Møteleder var med på samtalen med mor. Far ble informert på telefon.",
    )
    meeting = preparation.create_meeting(
        acting_user=sara, series=series, starts_at=_at(held_on, 17), place=PLACE
    )
    meeting = _prepare(
        meeting=meeting,
        sections={
            "purpose": {
                "purpose_agreed_with_parents": True,
                "purpose": "Hvordan kan familie, venner og skole hjelpe mor slik at Emma har det godt etter "
                "skolen?",
            },
            "child": {
                "child_talked_with": True,
                "child_talked_on": held_on - timedelta(days=9),
                "child_participation": ChildParticipation.PART,
                "child_support_person": "Randi Hansen (mormor)",
                "child_wants_said": "Jeg vil være mer hos mormor, og jeg vil at pappa ringer oftere.",
                "child_may_leave": True,
            },
            "speech": {
                "network_speech": "Takk for at dere kom. Vi er her fordi vi er glade i Emma. Jeg har hatt "
                "det tungt en stund og trenger hjelp til å få hverdagen til å gå rundt.",
                "network_speech_by": "Camilla Hansen (mor)",
            },
        },
    )
    people = _invite(
        meeting=meeting,
        members=m,
        names=[
            "Camilla Hansen",
            "Thomas Rønning",
            "Randi Hansen",
            "Kjell Hansen",
            "Marte Lien",
            "Line Aas",
            "Berit Sunde",
            "Ole Sand",
        ],
        close=["Camilla Hansen", "Thomas Rønning"],
        staff=[sara, kari],
    )
    _send(meeting=meeting, participants=people)
    meeting = _hold(
        meeting=meeting,
        participants=people,
        held_on=held_on,
        digital=["Thomas Rønning"],
        absent=["Ole Sand"],
        released=["Line Aas", "Berit Sunde", "Ole Sand"],
        notes="Mor leste nettverkstalen. I runden sa alle at de er glade i Emma og vil hjelpe. Skolen ser at "
        "Emma er sliten og har mye fravær på mandager. Mormor og morfar kan hjelpe mer enn de har gjort, "
        "men visste ikke at mor ønsket det. Far vil gjerne ha mer kontakt med Emma.",
        reflecting="Saksbehandler og møteleder snakket sammen om at nettverket rundt Emma er større enn mor "
        "trodde, og at det blir lettere for mor når hjelpen er avtalt på forhånd. De undret seg over hvordan "
        "far kan være mer med Emma selv om han bor i Bergen.",
        decisions="Mormor henter Emma på skolen tirsdager og torsdager. Skolen melder fra til mor ved "
        "fravær. Barneverntjenesten søker om støttekontakt. Oppfølgingsmøte om seks uker.",
        internal="Internt: vurder meldingen fra BUP fra i fjor på nytt ved neste evaluering.",
    )
    follow_up_day = today + timedelta(days=14)
    _act(
        meeting=meeting,
        what="Mormor henter Emma på skolen tirsdager og torsdager",
        due_on=follow_up_day,
        support=SupportType.PRACTICAL,
        member=m["Randi Hansen"],
    )
    _act(
        meeting=meeting,
        what="Skolen melder fra til mor ved fravær samme dag",
        due_on=follow_up_day,
        support=SupportType.INFORMATIONAL,
        member=m["Line Aas"],
    )
    _act(
        meeting=meeting,
        what="Far ringer Emma hver søndag kveld",
        due_on=follow_up_day,
        support=SupportType.EMOTIONAL,
        member=m["Thomas Rønning"],
    )
    _act(
        meeting=meeting,
        what="Helsesykepleier har en samtale med Emma om søvn og trivsel",
        due_on=today + timedelta(days=4),
        support=SupportType.EMOTIONAL,
        member=m["Berit Sunde"],
    )
    _act(
        meeting=meeting,
        what="Barneverntjenesten søker om støttekontakt for Emma",
        due_on=today - timedelta(days=OVERDUE_DAYS_AGO),
        support=SupportType.PRACTICAL,
        user=sara,
    )
    plan_services.set_followup_owner(acting_user=sara, series=series, owner_user=sara)
    preparation.create_meeting(
        acting_user=sara,
        series=series,
        starts_at=_at(follow_up_day, 17),
        place=PLACE,
        purpose="Hvordan har det gått siden sist, og hva trenger vi å endre?",
    )


def _jonas(*, case: Case, m: Members, users: dict[str, User], today: date) -> None:
    """Completed: two meetings, every action reviewed at the follow-up, then the series ended."""
    sara, kari = case.caseworker, users["konsulent"]
    first_day, second_day = today - timedelta(days=120), today - timedelta(days=50)
    series = _start(
        case=case,
        kind=MeasureKind.NETWORK_MEETING,
        leader=kari,
        purpose="Jonas har gode skoledager og en fritid med voksne han stoler på; hjem og skole samarbeider.",
        started_on=first_day - timedelta(days=30),
    )
    _consents(
        series=series,
        parties=[(ConsentParty.MOTHER, "Hilde Johansen"), (ConsentParty.FATHER, "Per Johansen")],
        informed_on=first_day - timedelta(days=25),
    )
    meeting = preparation.create_meeting(
        acting_user=sara, series=series, starts_at=_at(first_day, 17), place=PLACE
    )
    meeting = _prepare(
        meeting=meeting,
        sections={
            "purpose": {
                "purpose_agreed_with_parents": True,
                "purpose": "Hvordan kan vi sammen gi Jonas en bedre skolehverdag og en fast fritid?",
            },
            "child": {
                "child_talked_with": True,
                "child_talked_on": first_day - timedelta(days=7),
                "child_participation": ChildParticipation.FULL,
                "child_support_person": "Solveig Johansen (farmor)",
                "child_wants_said": "Jeg vil spille fotball og slippe å bytte skole.",
            },
            "speech": {
                "network_speech": "Vi har bedt dere hit fordi Jonas trenger flere voksne rundt seg.",
                "network_speech_by": "Hilde Johansen (mor)",
            },
        },
    )
    names = [
        "Hilde Johansen",
        "Per Johansen",
        "Solveig Johansen",
        "Geir Johansen",
        "Rune Dahl",
        "Kristin Bakke",
        "Hege Lund",
    ]
    people = _invite(
        meeting=meeting,
        members=m,
        names=names,
        close=["Hilde Johansen", "Per Johansen"],
        staff=[sara, kari],
    )
    _send(meeting=meeting, participants=people)
    meeting = _hold(
        meeting=meeting,
        participants=people,
        held_on=first_day,
        released=["Kristin Bakke", "Hege Lund"],
        notes="Alle var enige om at Jonas trives best når dagene er forutsigbare. Skolen fortalte om "
        "lesevansker. Farmor og Rune Dahl tilbød seg å hjelpe med helger og trening.",
        reflecting="Teamet la merke til hvor mange som vil stille opp for Jonas, og at foreldrene trenger "
        "hjelp til å bli enige om samværet.",
        decisions="Farmor har Jonas annenhver helg. Rune kjører til trening. PPT utreder lesevansker.",
    )
    actions = {
        "helg": _act(
            meeting=meeting,
            what="Farmor har Jonas hos seg annenhver helg",
            due_on=second_day - timedelta(days=10),
            support=SupportType.PRACTICAL,
            member=m["Solveig Johansen"],
        ),
        "trening": _act(
            meeting=meeting,
            what="Rune Dahl kjører Jonas til fotballtrening tirsdager",
            due_on=second_day - timedelta(days=10),
            support=SupportType.PRACTICAL,
            member=m["Rune Dahl"],
        ),
        "ppt": _act(
            meeting=meeting,
            what="PPT utreder lesevanskene til Jonas og gir råd til skolen",
            due_on=second_day - timedelta(days=5),
            support=SupportType.INFORMATIONAL,
            member=m["Hege Lund"],
        ),
        "samvaer": _act(
            meeting=meeting,
            what="Far tar kontakt med familievernkontoret om samværet",
            due_on=second_day - timedelta(days=20),
            support=SupportType.EMOTIONAL,
            member=m["Per Johansen"],
        ),
    }
    plan_services.set_followup_owner(acting_user=sara, series=series, owner_member=m["Hilde Johansen"])
    follow_up = preparation.create_meeting(
        acting_user=sara,
        series=Series.objects.get(pk=series.pk),
        starts_at=_at(second_day, 17),
        place=PLACE,
    )
    outcomes = [
        ("helg", ActionStatus.DONE, "Fungerer godt. Jonas gleder seg til helgene hos farmor."),
        ("trening", ActionStatus.DONE, "Jonas har vært på nesten alle treningene."),
        ("ppt", ActionStatus.PARTLY, "Utredningen er i gang; rapporten kommer i neste måned."),
        ("samvaer", ActionStatus.NOT_DONE, "Far har ikke tatt kontakt ennå. Mor og far vil prøve mekling."),
    ]
    for key, outcome, note in outcomes:
        plan_services.review_action(
            acting_user=sara, action=actions[key], meeting=follow_up, outcome=outcome, note=note
        )
    copied = {p.name: p for p in Participant.objects.filter(meeting=follow_up)}
    follow_up = _hold(
        meeting=follow_up,
        participants=copied,
        held_on=second_day,
        absent=["Geir Johansen", "Rune Dahl"],
        released=["Kristin Bakke", "Hege Lund"],
        notes="Det meste av planen er gjort. Jonas har det bedre på skolen og går på trening. Foreldrene er "
        "fortsatt uenige om samværet.",
        reflecting="Teamet mente familien nå klarer mye selv, og at skolen og farmor er gode støttespillere "
        "videre.",
        decisions="Møteserien avsluttes når PPT-rapporten er gjennomgått med skolen.",
    )
    last = _act(
        meeting=follow_up,
        what="Kontaktlærer og mor tar en kort prat hver fredag om uka som var",
        due_on=today - timedelta(days=20),
        support=SupportType.INFORMATIONAL,
        member=m["Kristin Bakke"],
    )
    plan_services.update_action(acting_user=sara, action=last, status=ActionStatus.DONE)
    _complete(
        user=sara,
        series=Series.objects.get(pk=series.pk),
        ended_on=today - timedelta(days=20),
        reason="Målene er nådd. Familien og nettverket ønsket å avslutte; skolen og farmor fortsetter "
        "som før.",
    )


def _filip(*, case: Case, m: Members, users: dict[str, User], today: date) -> None:
    """A start meeting in the investigation phase, held last week, with no follow-up planned yet."""
    sara, kari = case.caseworker, users["konsulent"]
    held_on = today - timedelta(days=6)
    series = _start(
        case=case,
        kind=MeasureKind.START_MEETING,
        leader=kari,
        purpose="Finne ut sammen med mor og nettverket hva Filip trenger mens undersøkelsen pågår.",
        started_on=held_on - timedelta(days=14),
        adaptations="Kortere møte med pauser. Enkelt språk, og det som avtales skrives ned. Mor tar med "
        "en støtteperson hun stoler på.",
        reasoning="Mor ønsker møtet. Hun kan ha vansker med å følge en lang samtale, så møtet tilpasses.",
    )
    _consents(
        series=series,
        parties=[(ConsentParty.MOTHER, "Tone Larsen"), (ConsentParty.FATHER, "Rune Larsen")],
        informed_on=held_on - timedelta(days=12),
        note="Mor fikk informasjonen muntlig og skriftlig i enkelt språk. Far ble informert på telefon.",
    )
    meeting = preparation.create_meeting(
        acting_user=sara,
        series=series,
        starts_at=_at(held_on, 12),
        place="Barneverntjenesten, møterom 2",
        purpose="Hva trenger Filip og mor nå, og hvem kan hjelpe?",
    )
    meeting = _prepare(
        meeting=meeting,
        sections={
            "purpose": {"purpose_agreed_with_parents": True},
            "parents": {"parents_not_invited_reason": "Far ønsket ikke å delta, men vil få referatet."},
            "child": {
                "child_talked_with": True,
                "child_talked_on": held_on - timedelta(days=3),
                "child_participation": ChildParticipation.NONE,
                "child_wants_said": "Jeg liker å være hos morfar.",
            },
            "speech": {
                "network_speech": "Jeg vil at Filip skal ha det bra, og jeg trenger hjelp til det.",
                "network_speech_by": "Lise Larsen (tante), sammen med mor",
            },
        },
    )
    people = _invite(
        meeting=meeting,
        members=m,
        names=["Tone Larsen", "Arvid Larsen", "Lise Larsen", "Eva Nes", "Siv Hauge"],
        close=["Tone Larsen"],
        staff=[sara, kari],
    )
    _send(meeting=meeting, participants=people)
    meeting = _hold(
        meeting=meeting,
        participants=people,
        held_on=held_on,
        released=["Eva Nes", "Siv Hauge"],
        signed_by=[ConsentParty.MOTHER],
        notes="Møtet varte to timer med to pauser. Mor fortalte at morgenene er vanskelige. Morfar kan "
        "følge Filip til skolen. Skolen vil sende ukeplanen hjem på papir.",
        reflecting="Teamet snakket om at mor har mange rundt seg som vil hjelpe, og at det er lurt å avtale "
        "få og konkrete ting.",
        decisions="Morfar følger Filip til skolen. Skolen går gjennom ukeplanen med mor hver mandag.",
    )
    _act(
        meeting=meeting,
        what="Morfar følger Filip til skolen hver morgen",
        due_on=today + timedelta(days=21),
        support=SupportType.PRACTICAL,
        member=m["Arvid Larsen"],
    )
    _act(
        meeting=meeting,
        what="Skolen går gjennom ukeplanen med mor hver mandag",
        due_on=today + timedelta(days=10),
        support=SupportType.INFORMATIONAL,
        member=m["Eva Nes"],
    )


def _amina(*, case: Case, m: Members, users: dict[str, User], today: date) -> None:
    """Preparing, led by the shared leader from the neighbour service: the checklist partly done."""
    sara = case.caseworker
    series = _start(
        case=case,
        kind=MeasureKind.NETWORK_MEETING,
        leader=users["nabokonsulent"],
        purpose="Amina skal få hjelp med skolearbeidet, og foreldrene skal få mer støtte fra familie og "
        "venner.",
        started_on=today - timedelta(days=20),
        adaptations="Kvalifisert tolk i somali og kulturtolk. Farmor deltar digitalt fra Somalia. Mer "
        "informasjon om roller før møtet.",
        reasoning="Foreldrene ønsker møtet. God tolking og informasjon om roller er avgjørende.",
    )
    _consents(
        series=series,
        parties=[(ConsentParty.MOTHER, "Hodan Ahmed"), (ConsentParty.FATHER, "Abdi Ahmed")],
        informed_on=today - timedelta(days=12),
        note="Informert med tolk på somali. Foreldrene fikk brosjyren om nettverksmøter på somali.",
    )
    meeting = preparation.create_meeting(
        acting_user=sara,
        series=series,
        starts_at=_at(today + timedelta(days=16), 17),
        place=PLACE,
        mode=MeetingMode.HYBRID,
        video_link="https://video.example/nettverksmote-ahmed",
    )
    _prepare(
        meeting=meeting,
        sections={
            "purpose": {
                "purpose_agreed_with_parents": True,
                "purpose": "Hvordan kan familien og skolen sammen hjelpe Amina med leksene og norsken?",
            },
            "interpreter": {"interpreter_needed": True, "interpreter_language": "Somali"},
        },
    )
    people = _invite(
        meeting=meeting,
        members=m,
        names=[
            "Hodan Ahmed",
            "Abdi Ahmed",
            "Faadumo Ahmed",
            "Mahad Ahmed",
            "Leyla Yusuf",
            "Grete Lund",
            "Per Olav Ruud",
            "Ingrid Sæther",
        ],
        close=["Hodan Ahmed", "Abdi Ahmed"],
        staff=[sara, users["nabokonsulent"]],
    )
    invitations.set_response(acting_user=sara, participant=people["Mahad Ahmed"], response=Response.ACCEPTED)


def _lukas(*, case: Case, m: Members, users: dict[str, User], today: date) -> None:
    """Stopped: the mother withdrew her consent while the first meeting was being prepared."""
    sara = case.caseworker
    series = _start(
        case=case,
        kind=MeasureKind.NETWORK_MEETING,
        leader=users["konsulent"],
        purpose="Mor skal få avlastning og støtte, og Lukas skal ha trygge voksne rundt seg.",
        started_on=today - timedelta(days=40),
    )
    _consents(
        series=series,
        parties=[(ConsentParty.MOTHER, "Julie Andersen"), (ConsentParty.FATHER, "Kristoffer Moen")],
        informed_on=today - timedelta(days=35),
    )
    meeting = preparation.create_meeting(
        acting_user=sara, series=series, starts_at=_at(today + timedelta(days=10), 17), place=PLACE
    )
    _invite(
        meeting=meeting,
        members=m,
        names=["Julie Andersen", "Kristoffer Moen", "Wenche Andersen", "Hanne Berg"],
        staff=[sara, users["konsulent"]],
    )
    mother = series.consents.get(party=ConsentParty.MOTHER)
    consent.withdraw_consent(
        acting_user=sara,
        series=Series.objects.get(pk=series.pk),
        consent=mother,
        reason="Mor vil ikke at flere i familien skal vite om kontakten med barnevernet nå. Hun ønsker "
        "heller foreldreveiledning.",
    )


def _sofie(*, case: Case, m: Members, users: dict[str, User], today: date) -> None:
    """In screening: severe conflict between the parents is noted, and no decision has been made yet."""
    sara = case.caseworker
    series = series_services.start_series(
        acting_user=sara,
        case=case,
        kind=MeasureKind.NETWORK_MEETING,
        caseworker=sara,
        leader=users["saksbehandler2"],
        purpose="Sofie skal ha god kontakt med begge foreldrene og trives på skolen.",
    )
    screening_services.save_screening(
        acting_user=sara,
        series=series,
        violence_unacknowledged=False,
        severe_conflict=True,
        parent_cognitive_difficulties=False,
        minority_background=False,
        small_network=False,
        other_concerns="Høy konflikt mellom foreldrene etter bruddet. Mor bor i Tromsø. Avklar med begge "
        "foreldrene om et felles møte er mulig, eller om vi starter med hver for seg.",
    )


BUILDERS = {
    ("Emma", "Hansen"): _emma,
    ("Jonas", "Johansen"): _jonas,
    ("Filip", "Larsen"): _filip,
    ("Amina", "Ahmed"): _amina,
    ("Lukas", "Andersen"): _lukas,
    ("Sofie", "Pedersen"): _sofie,
}


def load_measures(
    *,
    cases: dict[tuple[str, str], Case],
    members: dict[tuple[str, str], Members],
    users: dict[str, User],
    today: date,
) -> int:
    """Build each demo measure once (a case that has a measure already is left alone); returns how many."""
    created = 0
    for key, build in BUILDERS.items():
        case = cases.get(key)
        if case is None or Series.objects.filter(measure__case=case).exists():
            continue
        build(case=case, m=members.get(key, {}), users=users, today=today)
        created += 1
    return created
