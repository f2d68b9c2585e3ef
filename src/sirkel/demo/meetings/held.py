"""Demo measures whose meetings have been held: Emma (active), Jonas (completed), Filip (start meeting)."""

from __future__ import annotations

from datetime import date, timedelta

from sirkel.accounts.models import User
from sirkel.actions import services as plan_services
from sirkel.actions.models import ActionStatus
from sirkel.cases.decisions import MeasureChange
from sirkel.cases.models import Case, DecisionChange, MeasureKind
from sirkel.demo import stories
from sirkel.demo.decisions_demo import decide, measure_of, write_plan
from sirkel.demo.meetings.steps import (
    ACTIVE_MEETING_DAYS_AGO,
    OVERDUE_DAYS_AGO,
    PLACE,
    Members,
    add_action,
    complete_series,
    give_consents,
    hold_meeting,
    invite,
    local_time,
    prepare,
    send_out,
    start_measure,
)
from sirkel.meetings.models import ChildParticipation, ConsentParty, Participant, Series
from sirkel.meetings.services import preparation
from sirkel.network.models import SupportType


def build_emma(*, case: Case, m: Members, users: dict[str, User], today: date) -> None:
    """Active: first meeting held, one action overdue, follow-up planned."""
    sara, kari = case.caseworker, users["konsulent"]
    held_on = today - timedelta(days=ACTIVE_MEETING_DAYS_AGO)
    series = start_measure(
        case=case,
        kind=MeasureKind.NETWORK_MEETING,
        leader=kari,
        purpose="Emma skal ha trygge og forutsigbare ettermiddager, og mor skal få mer avlastning i "
        "hverdagen.",
        started_on=held_on - timedelta(days=35),
        story=stories.EMMA_DECISION,
    )
    write_plan(
        case=case,
        on=held_on - timedelta(days=35),
        parts=stories.EMMA_PLAN,
        note="Tiltaksplan etter vedtak: mål og delmål skrevet sammen med mor.",
        internal_note="Vurder om mor bør få tilbud om samtaler hos psykisk helsetjeneste.",
    )
    give_consents(
        series=series,
        parties=[(ConsentParty.MOTHER, "Camilla Hansen"), (ConsentParty.FATHER, "Thomas Rønning")],
        informed_on=held_on - timedelta(days=30),
        note="Møteleder var med på samtalen med mor. Far ble informert på telefon.",
    )
    meeting = preparation.create_meeting(
        acting_user=sara, series=series, starts_at=local_time(held_on, 17), place=PLACE
    )
    meeting = prepare(
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
    people = invite(
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
    send_out(meeting=meeting, participants=people)
    meeting = hold_meeting(
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
    add_action(
        meeting=meeting,
        what="Mormor henter Emma på skolen tirsdager og torsdager",
        due_on=follow_up_day,
        support=SupportType.PRACTICAL,
        member=m["Randi Hansen"],
    )
    add_action(
        meeting=meeting,
        what="Skolen melder fra til mor ved fravær samme dag",
        due_on=follow_up_day,
        support=SupportType.INFORMATIONAL,
        member=m["Line Aas"],
    )
    add_action(
        meeting=meeting,
        what="Far ringer Emma hver søndag kveld",
        due_on=follow_up_day,
        support=SupportType.EMOTIONAL,
        member=m["Thomas Rønning"],
    )
    add_action(
        meeting=meeting,
        what="Helsesykepleier har en samtale med Emma om søvn og trivsel",
        due_on=today + timedelta(days=4),
        support=SupportType.EMOTIONAL,
        member=m["Berit Sunde"],
    )
    add_action(
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
        starts_at=local_time(follow_up_day, 17),
        place=PLACE,
        purpose="Hvordan har det gått siden sist, og hva trenger vi å endre?",
    )


def build_jonas(*, case: Case, m: Members, users: dict[str, User], today: date) -> None:
    """Completed: two meetings, every action reviewed at the follow-up, then the series ended."""
    sara, kari = case.caseworker, users["konsulent"]
    first_day, second_day = today - timedelta(days=120), today - timedelta(days=50)
    series = start_measure(
        case=case,
        kind=MeasureKind.NETWORK_MEETING,
        leader=kari,
        purpose="Jonas har gode skoledager og en fritid med voksne han stoler på; hjem og skole samarbeider.",
        started_on=first_day - timedelta(days=30),
        story=stories.JONAS_DECISION,
    )
    write_plan(
        case=case,
        on=first_day - timedelta(days=30),
        parts=stories.JONAS_PLAN_FIRST,
        note="Tiltaksplan etter vedtak: målet for nettverksmøtene skrevet om sammen med foreldrene, og "
        "PMTO lagt til.",
    )
    give_consents(
        series=series,
        parties=[(ConsentParty.MOTHER, "Hilde Johansen"), (ConsentParty.FATHER, "Per Johansen")],
        informed_on=first_day - timedelta(days=25),
    )
    meeting = preparation.create_meeting(
        acting_user=sara, series=series, starts_at=local_time(first_day, 17), place=PLACE
    )
    meeting = prepare(
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
    people = invite(
        meeting=meeting,
        members=m,
        names=names,
        close=["Hilde Johansen", "Per Johansen"],
        staff=[sara, kari],
    )
    send_out(meeting=meeting, participants=people)
    meeting = hold_meeting(
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
        "helg": add_action(
            meeting=meeting,
            what="Farmor har Jonas hos seg annenhver helg",
            due_on=second_day - timedelta(days=10),
            support=SupportType.PRACTICAL,
            member=m["Solveig Johansen"],
        ),
        "trening": add_action(
            meeting=meeting,
            what="Rune Dahl kjører Jonas til fotballtrening tirsdager",
            due_on=second_day - timedelta(days=10),
            support=SupportType.PRACTICAL,
            member=m["Rune Dahl"],
        ),
        "ppt": add_action(
            meeting=meeting,
            what="PPT utreder lesevanskene til Jonas og gir råd til skolen",
            due_on=second_day - timedelta(days=5),
            support=SupportType.INFORMATIONAL,
            member=m["Hege Lund"],
        ),
        "samvaer": add_action(
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
        starts_at=local_time(second_day, 17),
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
    follow_up = hold_meeting(
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
    decide(
        case=case,
        decided_on=second_day,
        story=stories.JONAS_EXTENSION,
        changes=[
            MeasureChange(change=DecisionChange.EXTEND, measure=measure_of(case, "pmto"), expected_months=3)
        ],
    )
    write_plan(
        case=case,
        on=second_day,
        parts=stories.JONAS_PLAN_EVALUATED,
        evaluated=True,
        note="Evaluert i oppfølgingsmøtet: Jonas går fast på trening; delmålet om lesing er lagt til, og "
        "PMTO er forlenget.",
    )
    last = add_action(
        meeting=follow_up,
        what="Kontaktlærer og mor tar en kort prat hver fredag om uka som var",
        due_on=today - timedelta(days=20),
        support=SupportType.INFORMATIONAL,
        member=m["Kristin Bakke"],
    )
    plan_services.update_action(acting_user=sara, action=last, status=ActionStatus.DONE)
    complete_series(
        user=sara,
        series=Series.objects.get(pk=series.pk),
        ended_on=today - timedelta(days=20),
        reason="Målene er nådd. Familien og nettverket ønsket å avslutte; skolen og farmor fortsetter "
        "som før.",
    )


def build_filip(*, case: Case, m: Members, users: dict[str, User], today: date) -> None:
    """A start meeting in the investigation phase, held last week, with no follow-up planned yet."""
    sara, kari = case.caseworker, users["konsulent"]
    held_on = today - timedelta(days=6)
    series = start_measure(
        case=case,
        kind=MeasureKind.START_MEETING,
        leader=kari,
        purpose="Finne ut sammen med mor og nettverket hva Filip trenger mens undersøkelsen pågår.",
        started_on=held_on - timedelta(days=14),
        adaptations="Kortere møte med pauser. Enkelt språk, og det som avtales skrives ned. Mor tar med "
        "en støtteperson hun stoler på.",
        reasoning="Mor ønsker møtet. Hun kan ha vansker med å følge en lang samtale, så møtet tilpasses.",
    )
    give_consents(
        series=series,
        parties=[(ConsentParty.MOTHER, "Tone Larsen"), (ConsentParty.FATHER, "Rune Larsen")],
        informed_on=held_on - timedelta(days=12),
        note="Mor fikk informasjonen muntlig og skriftlig i enkelt språk. Far ble informert på telefon.",
    )
    meeting = preparation.create_meeting(
        acting_user=sara,
        series=series,
        starts_at=local_time(held_on, 12),
        place="Barneverntjenesten, møterom 2",
        purpose="Hva trenger Filip og mor nå, og hvem kan hjelpe?",
    )
    meeting = prepare(
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
    people = invite(
        meeting=meeting,
        members=m,
        names=["Tone Larsen", "Arvid Larsen", "Lise Larsen", "Eva Nes", "Siv Hauge"],
        close=["Tone Larsen"],
        staff=[sara, kari],
    )
    send_out(meeting=meeting, participants=people)
    meeting = hold_meeting(
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
    add_action(
        meeting=meeting,
        what="Morfar følger Filip til skolen hver morgen",
        due_on=today + timedelta(days=21),
        support=SupportType.PRACTICAL,
        member=m["Arvid Larsen"],
    )
    add_action(
        meeting=meeting,
        what="Skolen går gjennom ukeplanen med mor hver mandag",
        due_on=today + timedelta(days=10),
        support=SupportType.INFORMATIONAL,
        member=m["Eva Nes"],
    )
