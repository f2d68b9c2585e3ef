"""Demo measures before their first meeting: Amina (preparing), Lukas (stopped), Sofie (screening)."""

from __future__ import annotations

from datetime import date, timedelta

from sirkel.accounts.models import User
from sirkel.cases.models import Case, MeasureKind
from sirkel.demo import stories
from sirkel.demo.decisions_demo import decide, write_plan
from sirkel.demo.meetings.steps import (
    OVERDUE_PLAN_EVALUATED_DAYS_AGO,
    PLACE,
    Members,
    decided_measure,
    give_consents,
    invite,
    local_time,
    prepare,
    start_measure,
)
from sirkel.meetings.models import ConsentParty, MeetingMode, Response, Series
from sirkel.meetings.services import consent, invitations, preparation
from sirkel.meetings.services import screening as screening_services
from sirkel.meetings.services import series as series_services


def build_amina(*, case: Case, m: Members, users: dict[str, User], today: date) -> None:
    """Preparing, led by the shared leader from the neighbour service: the checklist partly done."""
    sara = case.caseworker
    series = start_measure(
        case=case,
        kind=MeasureKind.NETWORK_MEETING,
        leader=users["nabokonsulent"],
        purpose="Amina skal få hjelp med skolearbeidet, og foreldrene skal få mer støtte fra familie og "
        "venner.",
        started_on=today - timedelta(days=20),
        story=stories.AMINA_DECISION,
        adaptations="Kvalifisert tolk i somali og kulturtolk. Farmor deltar digitalt fra Somalia. Mer "
        "informasjon om roller før møtet.",
        reasoning="Foreldrene ønsker møtet. God tolking og informasjon om roller er avgjørende.",
    )
    write_plan(
        case=case,
        on=today - timedelta(days=20),
        parts=stories.AMINA_PLAN,
        note="Tiltaksplan etter vedtak, gått gjennom med foreldrene med tolk.",
    )
    give_consents(
        series=series,
        parties=[(ConsentParty.MOTHER, "Hodan Ahmed"), (ConsentParty.FATHER, "Abdi Ahmed")],
        informed_on=today - timedelta(days=12),
        note="Informert med tolk på somali. Foreldrene fikk brosjyren om nettverksmøter på somali.",
    )
    meeting = preparation.create_meeting(
        acting_user=sara,
        series=series,
        starts_at=local_time(today + timedelta(days=16), 17),
        place=PLACE,
        mode=MeetingMode.HYBRID,
        video_link="https://video.example/nettverksmote-ahmed",
    )
    prepare(
        meeting=meeting,
        sections={
            "purpose": {
                "purpose_agreed_with_parents": True,
                "purpose": "Hvordan kan familien og skolen sammen hjelpe Amina med leksene og norsken?",
            },
            "interpreter": {"interpreter_needed": True, "interpreter_language": "Somali"},
        },
    )
    people = invite(
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


def build_lukas(*, case: Case, m: Members, users: dict[str, User], today: date) -> None:
    """Stopped: the mother withdrew her consent while the first meeting was being prepared."""
    sara = case.caseworker
    series = start_measure(
        case=case,
        kind=MeasureKind.NETWORK_MEETING,
        leader=users["konsulent"],
        purpose="Mor skal få avlastning og støtte, og Lukas skal ha trygge voksne rundt seg.",
        started_on=today - timedelta(days=40),
        story=stories.LUKAS_DECISION,
    )
    give_consents(
        series=series,
        parties=[(ConsentParty.MOTHER, "Julie Andersen"), (ConsentParty.FATHER, "Kristoffer Moen")],
        informed_on=today - timedelta(days=35),
    )
    meeting = preparation.create_meeting(
        acting_user=sara, series=series, starts_at=local_time(today + timedelta(days=10), 17), place=PLACE
    )
    invite(
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
    decide(
        case=case,
        decided_on=today,
        story=stories.LUKAS_GUIDANCE,
        starts=[("cos_p_individual", stories.LUKAS_GUIDANCE.expected_months)],
    )
    write_plan(
        case=case,
        on=today,
        parts=stories.LUKAS_PLAN,
        note="Nettverksmøtene er stoppet; COS-P lagt til etter mors ønske.",
    )


def build_sofie(*, case: Case, m: Members, users: dict[str, User], today: date) -> None:
    """In screening: severe conflict between the parents is noted, and no decision has been made yet.
    A visiting home decided eight months ago runs beside it; its plan was last evaluated four months ago,
    so the evaluation is overdue (the one overdue plan of the demo)."""
    sara = case.caseworker
    decide(
        case=case,
        decided_on=today - timedelta(days=240),
        story=stories.SOFIE_VISITING_HOME,
        starts=[("visiting_home", stories.SOFIE_VISITING_HOME.expected_months)],
    )
    write_plan(
        case=case, on=today - timedelta(days=235), parts=stories.SOFIE_PLAN, note="Tiltaksplan etter vedtak."
    )
    write_plan(
        case=case,
        on=today - timedelta(days=OVERDUE_PLAN_EVALUATED_DAYS_AGO),
        parts=stories.SOFIE_PLAN_EVALUATED,
        evaluated=True,
        note="Evaluert med Sofie og far: besøkshjemmet fungerer; kontakt med mor lagt til som delmål.",
    )
    series = series_services.start_series(
        acting_user=sara,
        case=case,
        kind=MeasureKind.NETWORK_MEETING,
        measure=decided_measure(
            case=case,
            kind=MeasureKind.NETWORK_MEETING,
            decided_on=today - timedelta(days=3),
            story=stories.SOFIE_NETWORK,
        ),
        caseworker=sara,
        leader=users["saksbehandler2"],
        purpose="Sofie skal ha god kontakt med begge foreldrene og trives på skolen.",
    )
    write_plan(
        case=case,
        on=today - timedelta(days=3),
        parts=stories.SOFIE_NETWORK_PLAN,
        note="Nettverksmøte lagt til i planen. Evalueringen av besøkshjemmet gjenstår.",
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
