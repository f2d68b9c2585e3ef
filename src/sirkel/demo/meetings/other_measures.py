"""The demo's other network measures, each in the state it is usually in, built through the services:

- Maja Karlsen (8): a family group conference. The coordinator was assigned within the deadline, the
  questions agreed with the family, the conference held in its three parts (private family time for the
  private network alone); the family's plan was refused once with a reason, then changed and approved, and
  its items are actions with owners. A follow-up conference is planned.
- William Berntsen (14): a natural mentor from his own network: nominated, asked and said yes; phases 1
  and 2 completed, phase 3 under way.
- Leah Tran (6): a resource person (respite and guidance), ongoing; what happens after the paid measure
  ends is not recorded yet, so the measure cannot end.
- Selma Haugen (12): NTT with an environmental therapist; a measure plan with two goals, two steering
  group meetings held and the next planned, every four weeks. (The therapist's contacts between the
  meetings are not in the demo yet.)
- Theo Bakke (11): a responsibility group of mostly public services with a coordinator: two meetings held
  with decisions and actions, the next planned.
- Oliver Nilsen (16, in his grandparents' foster home): an individual plan with a coordinator and his own
  goals; one meeting held, the next planned.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from sirkel.accounts.models import User
from sirkel.actions import services as plan_services
from sirkel.actions.models import ActionStatus
from sirkel.cases.models import Case, MeasureKind
from sirkel.demo import other_stories as stories
from sirkel.demo.decisions_demo import write_plan
from sirkel.demo.meetings.steps import (
    Members,
    add_action,
    give_consents,
    hold_meeting,
    invite,
    local_time,
    prepare,
    send_out,
    start_measure,
)
from sirkel.demo.network_demo import backdate_snapshot
from sirkel.meetings.models import (
    ChildParticipation,
    ConsentGivenAs,
    ConsentParty,
    FamilyPlan,
    HoursPer,
    Meeting,
    MentorAnswer,
    MentorPhase,
    Participant,
    ParticipantRole,
    PlanDecision,
    ResourceRole,
    Series,
)
from sirkel.meetings.services import cadence, conference, contacts, engagement, mentor, preparation
from sirkel.meetings.services import meeting as meeting_services
from sirkel.meetings.services import participants as participants_services
from sirkel.meetings.services.conference import Parts
from sirkel.network.models import SupportType

# NTT's steering group meets every four weeks.
NTT_EVERY_WEEKS = 4


def _parts(people: dict[str, Participant], **present: tuple[bool, bool, bool]) -> dict[int, Parts]:
    return {people[name].pk: Parts(*flags) for name, flags in present.items()}


def _plan_items(
    *, coordinator: User, plan: FamilyPlan, items: Sequence[tuple[str, date, object]], m: Members
) -> None:
    for what, due_on, owner in items:
        conference.add_plan_item(
            acting_user=coordinator,
            plan=plan,
            what=what,
            due_on=due_on,
            owner_member=m[owner] if isinstance(owner, str) else None,
            owner_user=owner if isinstance(owner, User) else None,
        )


def build_maja(*, case: Case, m: Members, users: dict[str, User], today: date) -> None:
    """Family group conference: held, the family's plan refused once, then changed and approved."""
    sindre, kjersti = case.caseworker, users["koordinator"]
    held_on = today - timedelta(days=54)
    requested_on = held_on - timedelta(days=51)
    series = start_measure(
        case=case,
        kind=MeasureKind.FAMILY_GROUP_CONFERENCE,
        leader=kjersti,
        purpose="Maja vet hvem som passer på henne når mor er syk.",
        started_on=requested_on,
        story=stories.MAJA_DECISION,
        reasoning="Familien har et stort nettverk som vil hjelpe, og foreldrene ønsker selv et familieråd. "
        "Ingenting i kartleggingen taler imot.",
    )
    write_plan(
        case=case,
        on=requested_on,
        parts=stories.MAJA_PLAN,
        note="Tiltaksplan etter vedtak om familieråd.",
    )
    record = conference.save_request(
        acting_user=sindre,
        series=series,
        version=1,
        coordinator_requested_on=requested_on,
        acute=False,
        coordinator_assigned_on=requested_on + timedelta(days=7),
        situation="Mor har en kronisk sykdom og har vært innlagt flere ganger det siste året. Da har det "
        "vært uklart hvem som tar seg av Maja. Maja er glad i skolen og i mormor og tante Tonje.",
        questions="Hvem passer på Maja, og hvor bor hun, når mor er på sykehuset?\n"
        "Hvordan kommer Maja trygt til og fra skolen hver dag?\n"
        "Hvordan kan familien og nettverket gi mor avlastning i hverdagen?",
        questions_agreed_on=requested_on + timedelta(days=13),
    )
    give_consents(
        series=series,
        parties=[(ConsentParty.MOTHER, "Anette Karlsen")],
        informed_on=requested_on + timedelta(days=10),
        note="Koordinator var med på samtalen med mor. Far ble informert på telefon og samtykket samme dag.",
    )
    give_consents(
        series=series,
        parties=[(ConsentParty.FATHER, "Jørgen Vik")],
        informed_on=requested_on + timedelta(days=10),
        given_as=ConsentGivenAs.ORAL,
    )
    conference.save_planning(
        acting_user=kjersti,
        series=series,
        version=record.version,
        planning_started_on=requested_on + timedelta(days=9),
        coordinator_hours=Decimal(30),
    )
    meeting = preparation.create_meeting(
        acting_user=sindre,
        series=series,
        starts_at=local_time(held_on, 10),
        place="Frivilligsentralen, Storgata 3, storsalen",
    )
    meeting = prepare(
        meeting=meeting,
        sections={
            "child": {
                "child_talked_with": True,
                "child_talked_on": held_on - timedelta(days=8),
                "child_participation": ChildParticipation.PART,
                "child_support_person": "Tonje Karlsen (tante)",
                "child_wants_said": "Jeg vil bo hjemme og gå på skolen min. Jeg vil være hos mormor og "
                "tante Tonje når mamma er på sykehuset.",
                "child_may_leave": True,
            },
        },
    )
    people = invite(
        meeting=meeting,
        members=m,
        names=[
            "Anette Karlsen",
            "Jørgen Vik",
            "Bjørg Karlsen",
            "Vigdis Vik",
            "Linda Aune",
            "Kristian Lunde",
            "Sigrid Tangen",
        ],
        close=["Anette Karlsen", "Jørgen Vik"],
        staff=[sindre, kjersti],
    )
    people["Tonje Karlsen"] = participants_services.add_participant(
        acting_user=sindre, meeting=meeting, member=m["Tonje Karlsen"], role=ParticipantRole.SUPPORT
    )
    people["Maja Karlsen"] = participants_services.invite_child(acting_user=sindre, meeting=meeting)
    send_out(meeting=meeting, participants=people, declined=["Vigdis Vik"])
    everything, information_only = (True, True, True), (True, False, False)
    with_the_service = (True, False, True)
    conference.record_parts(
        acting_user=kjersti,
        meeting=meeting,
        parts=_parts(
            people,
            **{
                "Anette Karlsen": everything,
                "Jørgen Vik": everything,
                "Bjørg Karlsen": everything,
                "Tonje Karlsen": everything,
                "Linda Aune": (True, True, False),
                "Maja Karlsen": (True, True, False),
                "Vigdis Vik": (False, False, False),
                "Kristian Lunde": information_only,
                "Sigrid Tangen": information_only,
                sindre.display_name(): with_the_service,
                kjersti.display_name(): with_the_service,
            },
        ),
    )
    first = conference.write_family_plan(
        acting_user=kjersti,
        meeting=meeting,
        text="Vi i familien har bestemt at Maja skal bo hjemme hos mor så mye som mulig. Når mor er på "
        "sykehuset, bor Maja hos mormor. Maja går selv hjem fra skolen og ringer mormor når hun er hjemme.",
    )
    _plan_items(
        coordinator=kjersti,
        plan=first,
        m=m,
        items=[
            ("Maja bor hos mormor når mor er innlagt", today + timedelta(days=30), "Bjørg Karlsen"),
            ("Maja går alene hjem fra skolen og ringer mormor", today + timedelta(days=14), "Anette Karlsen"),
        ],
    )
    conference.decide_plan(
        acting_user=sindre,
        plan=first,
        decision=PlanDecision.REFUSED,
        reason="Maja er åtte år og kan ikke være alene hjemme etter skolen når mor er på sykehuset. Planen "
        "må si hvilken voksen som henter henne, eller at hun går på SFO. Resten av planen er god.",
    )
    changed = conference.write_family_plan(
        acting_user=kjersti,
        meeting=meeting,
        text="Vi i familien har bestemt at Maja skal bo hjemme hos mor så mye som mulig. Når mor er på "
        "sykehuset, bor Maja hos mormor, og tante Tonje tar over når mormor trenger en pause. Maja går på "
        "SFO, og mormor eller Linda henter henne hver dag. Far ringer Maja hver søndag og har henne "
        "annenhver helg.",
    )
    _plan_items(
        coordinator=kjersti,
        plan=changed,
        m=m,
        items=[
            ("Maja bor hos mormor når mor er innlagt", today + timedelta(days=30), "Bjørg Karlsen"),
            (
                "Tante Tonje har Maja hver tredje helg og når mormor trenger en pause",
                today + timedelta(days=30),
                "Tonje Karlsen",
            ),
            ("Linda Aune henter Maja på SFO mandager og onsdager", today + timedelta(days=14), "Linda Aune"),
            (
                "Far ringer Maja hver søndag og har henne annenhver helg",
                today + timedelta(days=21),
                "Jørgen Vik",
            ),
            (
                "Barneverntjenesten søker SFO-plass for Maja sammen med mor",
                today + timedelta(days=10),
                sindre,
            ),
        ],
    )
    conference.decide_plan(acting_user=sindre, plan=changed, decision=PlanDecision.APPROVED)
    # The service decided on both versions during the conference's third part (it stamps the time of the
    # load).
    FamilyPlan.objects.filter(meeting=meeting).update(decided_at=local_time(held_on, 14))
    meeting.refresh_from_db()
    meeting = meeting_services.save_meeting_notes(
        acting_user=sindre,
        meeting=meeting,
        version=meeting.version,
        reflecting_team_notes="",
        decisions="Familiens plan ble ikke godkjent i første omgang: Maja kan ikke være alene hjemme etter "
        "skolen. Familien endret planen i familiens egen tid, og den endrede planen er godkjent. "
        "Oppfølgingsråd om omtrent tre uker.",
        internal_notes="Mor var sliten mot slutten. Far og mor snakket rolig sammen i familiens egen tid, "
        "ifølge koordinator.",
    )
    held = meeting_services.close_meeting(acting_user=kjersti, meeting=meeting, held_on=held_on)
    assert held.snapshot is not None  # noqa: S101 (closing a meeting always saves one)
    backdate_snapshot(held.snapshot, held_on)
    plan_services.set_followup_owner(acting_user=sindre, series=series, owner_user=sindre)
    preparation.create_meeting(
        acting_user=sindre,
        series=Series.objects.get(pk=series.pk),
        starts_at=local_time(today + timedelta(days=21), 17),
        place="Frivilligsentralen, Storgata 3, storsalen",
        purpose="Hvordan har familiens plan fungert, og hva må endres?",
    )


def build_william(*, case: Case, m: Members, users: dict[str, User], today: date) -> None:
    """Natural mentor: the youth's old coach said yes; phases 1 and 2 completed, phase 3 under way."""
    sindre = case.caseworker
    started_on = today - timedelta(days=63)
    series = start_measure(
        case=case,
        kind=MeasureKind.NATURAL_MENTOR,
        leader=None,  # nobody leads it: the mentor carries it
        purpose="William har en voksen han stoler på, som han ser hver uke.",
        started_on=started_on,
        story=stories.WILLIAM_DECISION,
    )
    write_plan(case=case, on=started_on, parts=stories.WILLIAM_PLAN, note="Tiltaksplan etter vedtak.")
    give_consents(
        series=series,
        parties=[(ConsentParty.MOTHER, "Marianne Berntsen")],
        informed_on=started_on + timedelta(days=1),
        note="Far ble informert i brev og på telefon. Han har ikke noe imot tiltaket.",
    )
    give_consents(
        series=series,
        parties=[(ConsentParty.FATHER, "Roger Berntsen")],
        informed_on=started_on + timedelta(days=1),
        given_as=ConsentGivenAs.ORAL,
    )
    nominated_on = started_on + timedelta(days=3)
    nomination = mentor.nominate(
        acting_user=sindre,
        series=series,
        nominated_on=nominated_on,
        member=m["Stian Myhre"],
        why="Stian var Williams fotballtrener i fem år og bor i samme gate. William sier at Stian er den "
        "voksne han stoler mest på, og at han «ikke maser».",
    )
    asked_on = nominated_on + timedelta(days=4)
    mentor.record_answer(
        acting_user=sindre,
        nomination=nomination,
        asked_on=asked_on,
        answer=MentorAnswer.YES,
        answer_note="William spurte Stian selv, med saksbehandler til stede. Stian sa ja med en gang, og vil "
        "gjerne ha litt veiledning om hva rollen innebærer.",
    )
    phases = [
        (
            1,
            asked_on,
            "William, mor, Stian Myhre og saksbehandler",
            "William valgte Stian. Stian sa ja og fikk vite hva det innebærer å være mentor. Alle var enige "
            "om å møtes igjen om et par uker.",
        ),
        (
            2,
            asked_on + timedelta(days=17),
            "William, mor, Stian Myhre og saksbehandler",
            "Vi snakket om hvordan William har det nå: han er mye hjemme, sover dårlig og har mye fravær. "
            "William vil tilbake på trening og klare skolen. Mor vil at William skal ha en voksen mann å "
            "snakke med. Alle ønsker at William og Stian ses fast hver uke.",
        ),
    ]
    for number, held_on, taking_part, notes in phases:
        mentor.save_phase(
            acting_user=sindre,
            series=series,
            number=number,
            held_on=held_on,
            taking_part=taking_part,
            notes=notes,
            complete=True,
        )
        # Completed on the day of the talk (the service stamps the time of the load).
        MentorPhase.objects.filter(series=series, number=number).update(completed_at=local_time(held_on, 15))
    mentor.save_phase(
        acting_user=sindre,
        series=series,
        number=3,
        held_on=today - timedelta(days=9),
        taking_part="William, mor, Stian Myhre, kontaktlærer Janne Foss og saksbehandler",
        notes="Vi har begynt på en felles plan. Stian og William trener sammen på tirsdager. Skolen gir "
        "beskjed til mor samme dag hvis William ikke kommer. Mor og Stian holder kontakt. Vi avtaler resten "
        "av planen i neste samtale.",
        internal_notes="Far har ikke svart på brevet om fase 3. Prøv å ringe ham før neste samtale.",
    )
    series = Series.objects.get(pk=series.pk)
    plan_services.add_action(
        acting_user=sindre,
        series=series,
        what="Stian og William trener sammen hver tirsdag",
        due_on=today + timedelta(days=30),
        meeting=None,
        owner_member=m["Stian Myhre"],
        support_type=SupportType.APPRAISAL,
    )
    plan_services.add_action(
        acting_user=sindre,
        series=series,
        what="Skolen gir mor beskjed samme dag når William ikke kommer",
        due_on=today + timedelta(days=21),
        meeting=None,
        owner_member=m["Janne Foss"],
        support_type=SupportType.INFORMATIONAL,
    )


def build_leah(*, case: Case, m: Members, users: dict[str, User], today: date) -> None:
    """Resource person: respite and guidance, ongoing; what happens after the end is not recorded yet."""
    sindre = case.caseworker
    started_on = today - timedelta(days=73)
    series = start_measure(
        case=case,
        kind=MeasureKind.RESOURCE_PERSON,
        leader=None,  # nobody leads it: the resource person carries it
        purpose="Leah får hjelp til lekser og norsk, og mor får avlastning.",
        started_on=started_on,
        story=stories.LEAH_DECISION,
    )
    write_plan(case=case, on=started_on, parts=stories.LEAH_PLAN, note="Tiltaksplan etter vedtak.")
    give_consents(
        series=series,
        parties=[(ConsentParty.MOTHER, "Linh Tran"), (ConsentParty.FATHER, "Minh Tran")],
        informed_on=started_on + timedelta(days=2),
        note="Informert med tolk (vietnamesisk) på kontoret. Begge foreldrene var til stede.",
    )
    engagement.save_engagement(
        acting_user=sindre,
        series=series,
        member=m["Gunhild Brekke"],
        role=ResourceRole.BOTH,
        hours=Decimal(6),
        hours_per=HoursPer.WEEK,
        activities="Gunhild henter Leah på skolen tirsdager og torsdager og er med henne til klokka 17: "
        "lekser, høytlesing og tur til biblioteket. Hun tar også med Leahs lillebror når mor trenger en "
        "pause. Én gang i uka snakker hun med mor om skolen, ukeplanen og beskjeder fra kontaktlæreren.",
    )


def _review_all(*, user: User, meeting: Meeting, outcomes: Sequence[tuple[str, str, str]]) -> None:
    """Review the open actions of the meetings before, by their text: (what, outcome, note)."""
    open_actions = {a.what: a for a in meeting.series.actions.filter(status=ActionStatus.OPEN)}
    for what, outcome, note in outcomes:
        plan_services.review_action(
            acting_user=user, action=open_actions[what], meeting=meeting, outcome=outcome, note=note
        )


def build_selma(*, case: Case, m: Members, users: dict[str, User], today: date) -> None:
    """NTT: two steering group meetings held four weeks apart, the third planned four weeks after."""
    sindre, mats = case.caseworker, users["miljoterapeut"]
    first_day = today - timedelta(days=50)
    second_day = first_day + timedelta(weeks=NTT_EVERY_WEEKS)
    started_on = first_day - timedelta(days=27)
    series = start_measure(
        case=case,
        kind=MeasureKind.NTT,
        leader=mats,
        purpose="Selma er på skolen hele skoledagen, og mor og Selma har faste rutiner.",
        started_on=started_on,
        story=stories.SELMA_DECISION,
        other_concerns="Mor har hatt en periode med depresjon. Hun får behandling, og hverdagen har "
        "struktur nå. Ingen rusproblemer.",
        reasoning="Mor ønsker tiltaket og har tante Ewa og skolen rundt seg. Mors psykiske helse følges opp "
        "av fastlegen; vi avtaler med mor hva vi gjør hvis hun blir dårligere.",
    )
    write_plan(
        case=case,
        on=started_on,
        parts=stories.SELMA_PLAN,
        note="Tiltaksplan etter vedtak: to mål for NTT, skrevet sammen med mor og Selma.",
    )
    series = cadence.set_cadence(acting_user=sindre, series=series, every_weeks=NTT_EVERY_WEEKS)
    give_consents(
        series=series,
        parties=[(ConsentParty.MOTHER, "Agnieszka Haugen")],
        informed_on=started_on + timedelta(days=3),
        note="Mor fikk informasjonen med tolk (polsk). Far ble informert på telefon.",
    )
    give_consents(
        series=series,
        parties=[(ConsentParty.FATHER, "Knut Haugen")],
        informed_on=started_on + timedelta(days=3),
        given_as=ConsentGivenAs.ORAL,
    )
    place = "Barneverntjenesten, møterom Fjorden"
    meeting = preparation.create_meeting(
        acting_user=sindre, series=series, starts_at=local_time(first_day, 14), place=place
    )
    meeting = prepare(
        meeting=meeting,
        sections={
            "purpose": {
                "purpose_agreed_with_parents": True,
                "purpose": "Hvordan kan vi sammen hjelpe Selma til å være på skolen hele dagen?",
            },
        },
    )
    people = invite(
        meeting=meeting,
        members=m,
        names=[
            "Agnieszka Haugen",
            "Knut Haugen",
            "Ewa Nowak",
            "Geir Aalen",
            "Solfrid Næss",
            "Henning Rud",
        ],
        close=["Agnieszka Haugen"],
        staff=[sindre, mats],
    )
    send_out(meeting=meeting, participants=people)
    meeting = hold_meeting(
        meeting=meeting,
        participants=people,
        held_on=first_day,
        digital=["Knut Haugen", "Henning Rud"],
        notes="Vi ble enige om de to målene i tiltaksplanen. Selma var med den første halvtimen og sa at "
        "morgenene er verst. Skolen har sett at hun ofte blir borte etter storefri.",
        reflecting="",
        decisions="Miljøterapeuten kommer hjem to morgener i uka. Tante Ewa er med på morgenen tirsdager og "
        "torsdager. Kontaktlæreren er Selmas faste voksne på skolen. Neste styringsgruppemøte om fire uker.",
    )
    add_action(
        meeting=meeting,
        what="Miljøterapeuten er hjemme hos Selma og mor to morgener i uka",
        due_on=first_day + timedelta(days=21),
        support=SupportType.PRACTICAL,
        user=mats,
    )
    add_action(
        meeting=meeting,
        what="Kontaktlæreren avtaler et fast sted Selma kan gå når hun blir redd",
        due_on=first_day + timedelta(days=10),
        support=SupportType.EMOTIONAL,
        member=m["Geir Aalen"],
    )
    add_action(
        meeting=meeting,
        what="Helsesykepleier har samtaler med Selma hver uke",
        due_on=first_day + timedelta(days=21),
        support=SupportType.EMOTIONAL,
        member=m["Solfrid Næss"],
    )
    plan_services.set_followup_owner(acting_user=sindre, series=series, owner_user=mats)
    second = preparation.create_meeting(
        acting_user=sindre,
        series=Series.objects.get(pk=series.pk),
        starts_at=local_time(second_day, 14),
        place=place,
    )
    _review_all(
        user=sindre,
        meeting=second,
        outcomes=[
            (
                "Miljøterapeuten er hjemme hos Selma og mor to morgener i uka",
                ActionStatus.DONE,
                "Morgenene går bedre; Selma har kommet på skolen alle dagene miljøterapeuten var der.",
            ),
            (
                "Kontaktlæreren avtaler et fast sted Selma kan gå når hun blir redd",
                ActionStatus.DONE,
                "Selma bruker grupperommet ved biblioteket og har gått dit tre ganger.",
            ),
            (
                "Helsesykepleier har samtaler med Selma hver uke",
                ActionStatus.PARTLY,
                "To av fire samtaler ble holdt; Selma var syk de andre ukene.",
            ),
        ],
    )
    copied = {p.name: p for p in Participant.objects.filter(meeting=second)}
    second = hold_meeting(
        meeting=second,
        participants=copied,
        held_on=second_day,
        digital=["Knut Haugen"],
        absent=["Henning Rud"],
        notes="Selma har vært på skolen hele dagen tre av fire dager de siste to ukene. Mor sier at "
        "morgenene er roligere, men at kveldene fortsatt er vanskelige.",
        reflecting="",
        decisions="Miljøterapeuten fortsetter to morgener i uka og er med på én kveld. Helsesykepleier "
        "fortsetter samtalene. Neste styringsgruppemøte om fire uker.",
    )
    _record_contacts(series=series, mats=mats, first_day=first_day, second_day=second_day, today=today)
    add_action(
        meeting=second,
        what="Miljøterapeuten er med Selma og mor én kveld i uka og lager en kveldsrutine sammen med dem",
        due_on=today + timedelta(days=6),
        support=SupportType.PRACTICAL,
        user=mats,
    )
    add_action(
        meeting=second,
        what="Tante Ewa er med på morgenen tirsdager og torsdager",
        due_on=today + timedelta(days=6),
        support=SupportType.PRACTICAL,
        member=m["Ewa Nowak"],
    )
    add_action(
        meeting=second,
        what="Helsesykepleier fortsetter samtalene med Selma hver uke",
        due_on=today + timedelta(days=6),
        support=SupportType.EMOTIONAL,
        member=m["Solfrid Næss"],
    )
    preparation.create_meeting(
        acting_user=sindre,
        series=Series.objects.get(pk=series.pk),
        starts_at=local_time(second_day + timedelta(weeks=NTT_EVERY_WEEKS), 14),
        place=place,
        purpose="Hvordan går det med morgenene og kveldene, og hva gjør vi videre?",
    )


# The environmental therapist's work between the steering group meetings: (days after the first
# meeting, goal number in the plan, with whom, minutes, what was done).
SELMA_CONTACTS = [
    (
        2,
        0,
        "Selma og mor",
        90,
        "Morgenbesøk. Vi laget en tegning av morgenen sammen; Selma kom på skolen kl. 9.",
    ),
    (4, 0, "Selma", 60, "Fulgte Selma til skolen. Hun gikk inn selv fra porten."),
    (9, 1, "Mor", 75, "Samtale om kveldsrutiner. Mor vil prøve fast leggetid og skjerm av kl. 20."),
    (11, 0, "Selma og kontaktlærer", 45, "Møte på skolen: Selma viste grupperommet hun kan gå til."),
    (16, 1, "Selma og mor", 90, "Morgenbesøk. Mor vekket Selma selv; jeg var med på frokosten."),
    (23, 0, "Selma", 60, "Fulgte Selma til skolen. Hun var borte etter storefri; vi snakket om det etterpå."),
    (33, 1, "Selma, mor og tante Ewa", 90, "Kveldsbesøk. Vi skrev kveldsrutinen på et ark på kjøleskapet."),
    (37, 0, "Selma", 45, "Morgenbesøk. Selma gikk alene fra porten for første gang på to uker."),
    (44, 1, "Mor", 60, "Telefon med mor: kveldsrutinen holdt fire av sju kvelder."),
]


def _record_contacts(*, series: Series, mats: User, first_day: date, second_day: date, today: date) -> None:
    """NTT's contacts between meetings, against the plan's two goals: before the second steering group
    meeting (which followed them up) and since it (for the next)."""
    goals = [g for g in contacts.contact_goals(series=series) if g.parent_id is None]
    for days, goal, with_whom, minutes, note in SELMA_CONTACTS:
        on = first_day + timedelta(days=days)
        if on >= today or on == second_day:
            continue
        contacts.record_contact(
            acting_user=mats,
            series=series,
            goal=goals[goal],
            on=on,
            with_whom=with_whom,
            minutes=minutes,
            note=note,
        )


def build_theo(*, case: Case, m: Members, users: dict[str, User], today: date) -> None:
    """Responsibility group: two meetings held with decisions and actions, the next planned."""
    sindre, kari = case.caseworker, users["konsulent"]
    first_day, second_day = today - timedelta(days=88), today - timedelta(days=32)
    started_on = first_day - timedelta(days=25)
    series = start_measure(
        case=case,
        kind=MeasureKind.RESPONSIBILITY_GROUP,
        leader=kari,
        purpose="Theo har gode friminutt, og hjelpen rundt ham er samordnet.",
        started_on=started_on,
        story=stories.THEO_DECISION,
    )
    write_plan(case=case, on=started_on, parts=stories.THEO_PLAN, note="Tiltaksplan etter vedtak.")
    # The group meets every eight weeks, as agreed at the start.
    series = cadence.set_cadence(acting_user=sindre, series=series, every_weeks=8)
    give_consents(
        series=series,
        parties=[(ConsentParty.MOTHER, "Lene Bakke"), (ConsentParty.FATHER, "Frode Bakke")],
        informed_on=started_on + timedelta(days=4),
        note="Foreldrene samtykket til at skolen, PPT, helsesykepleier og BUP deler opplysninger i "
        "ansvarsgruppen.",
    )
    place = "Sagene skole, møterom 1"
    meeting = preparation.create_meeting(
        acting_user=sindre,
        series=series,
        starts_at=local_time(first_day, 13),
        place=place,
        purpose="Hvem gjør hva for at Theo skal ha gode skoledager?",
    )
    public = ["Mette Rønningen", "Arild Sætre", "Kine Vold", "Jon Erik Dahl", "Tove Brenna"]
    people = invite(
        meeting=meeting,
        members=m,
        names=["Lene Bakke", "Frode Bakke", *public],
        close=["Lene Bakke", "Frode Bakke"],
        staff=[sindre, kari],
    )
    send_out(meeting=meeting, participants=people)
    meeting = hold_meeting(
        meeting=meeting,
        participants=people,
        held_on=first_day,
        digital=["Jon Erik Dahl"],
        released=public,
        notes="Runde rundt bordet: skolen ser flest konflikter i storefri og i overgangene. BUP har gitt "
        "foreldrene råd om korte, tydelige beskjeder. PPT skal observere i klassen.",
        reflecting="",
        decisions="Skolen setter inn en voksen i storefri. PPT observerer Theo i klassen og gir råd. "
        "Foreldrene og skolen bruker samme ukeplan med bilder. Nytt møte om åtte uker.",
    )
    for what, owner, support in [
        ("En voksen er med Theo i storefri hver dag", "Mette Rønningen", SupportType.PRACTICAL),
        (
            "PPT observerer Theo i klassen og gir skolen skriftlige råd",
            "Tove Brenna",
            SupportType.INFORMATIONAL,
        ),
        ("Foreldrene og skolen bruker samme ukeplan med bilder", "Lene Bakke", SupportType.PRACTICAL),
    ]:
        add_action(
            meeting=meeting,
            what=what,
            due_on=second_day - timedelta(days=7),
            support=support,
            member=m[owner],
        )
    plan_services.set_followup_owner(acting_user=sindre, series=series, owner_user=kari)
    second = preparation.create_meeting(
        acting_user=sindre,
        series=Series.objects.get(pk=series.pk),
        starts_at=local_time(second_day, 13),
        place=place,
    )
    _review_all(
        user=sindre,
        meeting=second,
        outcomes=[
            (
                "En voksen er med Theo i storefri hver dag",
                ActionStatus.DONE,
                "Færre konflikter i storefri: to denne måneden mot ti før.",
            ),
            (
                "PPT observerer Theo i klassen og gir skolen skriftlige råd",
                ActionStatus.DONE,
                "Rapporten kom i forrige uke og er gjennomgått med kontaktlærer.",
            ),
            (
                "Foreldrene og skolen bruker samme ukeplan med bilder",
                ActionStatus.PARTLY,
                "Skolen bruker den; hjemme er den brukt noen uker. Foreldrene vil prøve igjen.",
            ),
        ],
    )
    copied = {p.name: p for p in Participant.objects.filter(meeting=second)}
    second = hold_meeting(
        meeting=second,
        participants=copied,
        held_on=second_day,
        absent=["Tove Brenna"],
        released=public,
        notes="Theo har det bedre i friminuttene. Overgangene etter storefri er fortsatt vanskelige. BUP "
        "har startet behandling, og foreldrene har vært på kurs.",
        reflecting="",
        decisions="Spesialpedagogen lager en plan for overgangene. Helsesykepleier har en samtale med Theo "
        "om vennskap. Foreldrene tar ukeplanen i bruk igjen. Nytt møte om åtte uker.",
    )
    for what, due, owner, support in [
        (
            "Spesialpedagogen lager en plan for overgangene etter friminutt",
            14,
            "Arild Sætre",
            SupportType.INFORMATIONAL,
        ),
        ("Helsesykepleier har en samtale med Theo om vennskap", 21, "Kine Vold", SupportType.EMOTIONAL),
        ("Foreldrene bruker ukeplanen med bilder hjemme hver dag", 24, "Frode Bakke", SupportType.PRACTICAL),
    ]:
        add_action(
            meeting=second,
            what=what,
            due_on=today + timedelta(days=due),
            support=support,
            member=m[owner],
        )
    preparation.create_meeting(
        acting_user=sindre,
        series=Series.objects.get(pk=series.pk),
        starts_at=local_time(second_day + timedelta(weeks=8), 13),
        place=place,
        purpose="Hvordan går overgangene, og hva trenger Theo fram mot sommeren?",
    )


def build_oliver(*, case: Case, m: Members, users: dict[str, User], today: date) -> None:
    """Individual plan: a coordinator from the service, the plan's goals, one meeting held, the next
    planned."""
    sara, sindre = case.caseworker, users["saksbehandler2"]
    held_on = today - timedelta(days=18)
    started_on = held_on - timedelta(days=30)
    series = start_measure(
        case=case,
        kind=MeasureKind.INDIVIDUAL_PLAN,
        leader=sindre,
        purpose="Oliver fullfører Vg1 elektro og søker lærlingplass.",
        started_on=started_on,
        story=stories.OLIVER_DECISION,
    )
    write_plan(
        case=case,
        on=started_on,
        parts=stories.OLIVER_PLAN,
        note="Individuell plan: målene skrevet sammen med Oliver.",
    )
    give_consents(
        series=series,
        parties=[(ConsentParty.YOUTH, "Oliver Nilsen"), (ConsentParty.MOTHER, "Heidi Nilsen")],
        informed_on=started_on + timedelta(days=5),
        note="Oliver samtykket selv. Mor ble informert og har ikke noe imot planen.",
    )
    place = "Sagene videregående skole, møterom B2"
    meeting = preparation.create_meeting(
        acting_user=sara,
        series=series,
        starts_at=local_time(held_on, 12),
        place=place,
        purpose="Hvem gjør hva for at Oliver fullfører Vg1?",
    )
    public = ["Siri Aasen", "Bjørn Tveit", "Maria Lund"]
    people = invite(
        meeting=meeting,
        members=m,
        names=["Berit Nilsen", "Arne Nilsen", *public],
        staff=[sara, sindre],
    )
    people["Oliver Nilsen"] = participants_services.invite_child(acting_user=sara, meeting=meeting)
    send_out(meeting=meeting, participants=people)
    meeting = hold_meeting(
        meeting=meeting,
        participants=people,
        held_on=held_on,
        digital=["Maria Lund"],
        released=public,
        signed_by=(ConsentParty.YOUTH,),
        notes="Oliver la fram målene sine selv. Skolen ser at fraværet er størst på mandager. BUP og "
        "Oliver er enige om å fortsette samtalene annenhver uke.",
        reflecting="",
        decisions="Rådgiver i oppfølgingstjenesten har fast avtale med Oliver hver fredag. Kontaktlærer "
        "sender fraværsoversikt til Oliver og fosterforeldrene hver måned. Nytt møte om seks uker.",
    )
    add_action(
        meeting=meeting,
        what="Rådgiver har en fast samtale med Oliver hver fredag",
        due_on=today + timedelta(days=24),
        support=SupportType.APPRAISAL,
        member=m["Bjørn Tveit"],
    )
    add_action(
        meeting=meeting,
        what="Kontaktlærer sender fraværsoversikt til Oliver og fosterforeldrene hver måned",
        due_on=today + timedelta(days=12),
        support=SupportType.INFORMATIONAL,
        member=m["Siri Aasen"],
    )
    preparation.create_meeting(
        acting_user=sara,
        series=Series.objects.get(pk=series.pk),
        starts_at=local_time(held_on + timedelta(weeks=6), 12),
        place=place,
        purpose="Hvordan går det med skolen, og hva må endres i planen?",
    )
