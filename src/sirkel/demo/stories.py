"""What the demo families' decisions and measure plans say, in the words a caseworker would write.

Goals are written as outcomes, after the examples in the study's review of case files ("Gutten har en god
skolehverdag og mestrer sosialt samspill …", "Jenta skjermes for mors varierende psykiske helse", "Mor
får tilstrekkelig avlastning"). Fictional families; any likeness is chance.
"""

from __future__ import annotations

from sirkel.cases.models import ChildAgreement, LegalBasis, YouthConsent
from sirkel.demo.decisions_demo import DecisionStory, PlanPart

# --- Emma Hansen (9): mother worn out, afternoons without a grown-up, absence on Mondays ---------------

EMMA_DECISION = DecisionStory(
    reasons=[
        ("child", "emotional"),
        ("child", "school"),
        ("parents_care", "emotional_availability"),
        ("surroundings", "parents_worn_out"),
        ("surroundings", "social_network"),
    ],
    justification="Mor er sliten og har lite hjelp i hverdagen. Emma er mye alene etter skolen og har "
    "mye fravær på mandager. Familien har besteforeldre, venner og skole som vil hjelpe, men hjelpen er "
    "ikke avtalt. Barneverntjenesten vurderer at nettverksmøter kan gi Emma flere trygge voksne rundt seg "
    "og gi mor avlastning. Mor ønsker tiltaket.",
    child_told="Emma fikk vite at mor og barneverntjenesten vil invitere familie, venner og skolen til et "
    "møte for å finne ut hvordan de kan hjelpe, og at hun selv kan være med på deler av møtet.",
    child_said="Emma vil være mer hos mormor, og hun vil at pappa ringer oftere.",
    child_weight="Emmas ønsker er lagt stor vekt på: mormor og far inviteres, og ettermiddagene er det "
    "første møtet skal handle om.",
)

EMMA_PLAN = {
    "network_meeting": PlanPart(
        goals=[
            (
                "Emma har trygge og forutsigbare ettermiddager og møter uthvilt på skolen.",
                [
                    "En voksen Emma kjenner henter henne på skolen tirsdager og torsdager.",
                    "Fraværet på mandager går ned.",
                ],
            ),
            ("Mor får tilstrekkelig avlastning i hverdagen.", ["Mormor og morfar har faste dager med Emma."]),
            ("Emma har jevnlig kontakt med far.", []),
        ],
        content="Nettverksmøter med familie, venner og skole. Det første møtet lager en handlingsplan; "
        "oppfølgingsmøtet ser på hva som er gjort og hva som må endres.",
        responsibilities="Mor inviterer nettverket sammen med saksbehandler. Møteleder leder møtene. "
        "Mormor henter Emma to dager i uka. Skolen melder fra til mor ved fravær. Far ringer Emma hver "
        "søndag. Saksbehandler følger opp handlingsplanen.",
        expected_duration="Seks måneder, med oppfølgingsmøte etter seks uker.",
        internal_note="Vurder meldingen fra BUP fra i fjor på nytt ved evalueringen.",
    )
}

# --- Jonas Johansen (12): reading difficulties, unrest at school, parents disagree about contact -------

JONAS_DECISION = DecisionStory(
    reasons=[
        ("child", "school"),
        ("child", "behaviour"),
        ("child", "relations_peers"),
        ("parents_care", "guidance_limits"),
        ("surroundings", "parental_conflict"),
    ],
    justification="Jonas har det vanskelig på skolen, er mye i konflikt med medelever og har lesevansker "
    "som ikke er utredet. Foreldrene er uenige om samværet og trenger hjelp til å sette grenser på en "
    "god måte. Barneverntjenesten vurderer at PMTO kan styrke foreldrene, og at nettverksmøter kan samle "
    "familien, skolen og PPT om en felles plan. Begge foreldrene ønsker tiltakene.",
    child_told="Jonas fikk vite hva PMTO er, at foreldrene skal få veiledning, og at familie og skole skal "
    "møtes for å hjelpe ham.",
    child_said="Jonas vil spille fotball og slippe å bytte skole. Han synes det er greit at farmor er med.",
    child_weight="Jonas sitt ønske om å bli på skolen og spille fotball er lagt vekt på i planen.",
    also=[("pmto", 9)],
)

JONAS_PLAN_FIRST = {
    "network_meeting": PlanPart(
        goals=[
            (
                "Jonas har en god skolehverdag og mestrer sosialt samspill. Foresatte, skole, "
                "PMTO-terapeut, PPT og barneverntjenesten har et godt samarbeid.",
                ["Det er god kommunikasjon mellom skole og hjem.", "Jonas har en fast fritidsaktivitet."],
            )
        ],
        content="To nettverksmøter: et første møte som lager en handlingsplan, og et oppfølgingsmøte.",
        responsibilities="Mor og far inviterer familien. Møteleder leder møtene. Kontaktlærer og PPT deltar "
        "fra skolen. Saksbehandler følger opp handlingsplanen.",
        expected_duration="Omtrent fire måneder.",
        internal_note="Far har vært skeptisk til barneverntjenesten tidligere: gi ham informasjon direkte.",
    ),
    "pmto": PlanPart(
        goals=[
            (
                "Foreldrene setter grenser på en rolig og forutsigbar måte, og det er færre konflikter "
                "hjemme.",
                ["Foreldrene bruker de samme reglene hjemme hos mor og far."],
            )
        ],
        content="PMTO-behandling for foreldrene, en time i uka hos PMTO-terapeut i kommunen.",
        responsibilities="Mor og far møter til veiledning. PMTO-terapeuten gir saksbehandler en kort "
        "status før hver evaluering.",
        expected_duration="Ni måneder.",
    ),
}

# After the follow-up meeting: the leisure goal was met; reading support takes its place.
JONAS_PLAN_EVALUATED = {
    "network_meeting": PlanPart(
        goals=[
            (
                "Jonas har en god skolehverdag og mestrer sosialt samspill. Foresatte, skole, "
                "PMTO-terapeut, PPT og barneverntjenesten har et godt samarbeid.",
                [
                    "Det er god kommunikasjon mellom skole og hjem.",
                    "Skolen følger opp rådene fra PPT om lesing.",
                ],
            )
        ],
        content=JONAS_PLAN_FIRST["network_meeting"].content,
        responsibilities=JONAS_PLAN_FIRST["network_meeting"].responsibilities,
        expected_duration="Avsluttes når PPT-rapporten er gjennomgått med skolen.",
        internal_note=JONAS_PLAN_FIRST["network_meeting"].internal_note,
    ),
    "pmto": PlanPart(
        goals=JONAS_PLAN_FIRST["pmto"].goals,
        content=JONAS_PLAN_FIRST["pmto"].content,
        responsibilities=JONAS_PLAN_FIRST["pmto"].responsibilities,
        expected_duration="Forlenget med tre måneder, til sommeren.",
    ),
}

JONAS_EXTENSION = DecisionStory(
    reasons=[("child", "behaviour"), ("parents_care", "guidance_limits"), ("surroundings", "none")],
    justification="PMTO har hjulpet: det er færre konflikter hjemme, men foreldrene ønsker å fortsette "
    "en periode til for å bli tryggere på de nye rutinene. Barneverntjenesten er enig og forlenger "
    "tiltaket med tre måneder.",
    child_told="Jonas fikk vite at foreldrene fortsetter hos PMTO-terapeuten litt til.",
    child_said="Jonas sier det er roligere hjemme nå.",
    child_weight="Jonas opplever at det har blitt bedre, og det støtter at tiltaket fortsetter.",
)

# --- Amina Ahmed (11): new in Norway, homework and language, parents with a small network here ---------

AMINA_DECISION = DecisionStory(
    reasons=[
        ("child", "school"),
        ("parents_care", "none"),
        ("surroundings", "cultural_background"),
        ("surroundings", "social_integration"),
        ("surroundings", "social_network"),
    ],
    justification="Familien kom til Norge for to år siden. Amina strever med norsken og leksene, og "
    "foreldrene har få å spørre om hjelp her. Foreldrene gir Amina god omsorg. Barneverntjenesten vurderer "
    "at et nettverksmøte med familie, venner og skole kan gi Amina og foreldrene mer støtte. Foreldrene "
    "ønsker møtet. Samtalene holdes med tolk.",
    child_told="Amina fikk vite, med tolk, at familien og skolen skal ha et møte for å hjelpe henne med "
    "skolen, og hvem som kan bli invitert.",
    child_said="Amina vil gjerne ha hjelp med leksene og at kusinen Leyla er med.",
    child_weight="Amina ønsket at kusinen skal være med, og hun er invitert.",
)

AMINA_PLAN = {
    "network_meeting": PlanPart(
        goals=[
            (
                "Amina får hjelp med skolearbeidet og trives på skolen.",
                ["Amina får leksehjelp to ettermiddager i uka.", "Amina deltar på en fritidsaktivitet."],
            ),
            ("Foreldrene har flere å spørre om hjelp, både i familien og i nærmiljøet.", []),
        ],
        content="Nettverksmøte med tolk i somali og kulturtolk. Farmor deltar digitalt.",
        responsibilities="Saksbehandler bestiller tolk. Møteleder fra nabokommunen leder møtet. Skolen "
        "deltar med kontaktlærer.",
        expected_duration="Seks måneder.",
        internal_note="Bruk ikke familiemedlemmer som tolk.",
    )
}

# --- Lukas Andersen (4): mother alone and tired, wanted parent guidance instead of a network meeting ---

LUKAS_DECISION = DecisionStory(
    reasons=[
        ("child", "emotional"),
        ("parents_care", "emotional_availability"),
        ("surroundings", "parents_worn_out"),
        ("surroundings", "social_network"),
    ],
    justification="Mor er alene med Lukas og er sliten. Lukas er urolig og vanskelig å trøste. "
    "Barneverntjenesten vurderer at mor trenger avlastning og støtte fra sitt eget nettverk, og at "
    "nettverksmøter kan hjelpe med det.",
    child_told="Lukas er fire år og fikk ikke informasjon om vedtaket selv.",
    child_said="",
    child_agreed=ChildAgreement.NOT_ASKED,
    child_weight="Lukas er for liten til å bli spurt. Saksbehandler observerte ham i barnehagen og snakket "
    "med de ansatte om hvordan han har det.",
)

LUKAS_GUIDANCE = DecisionStory(
    reasons=[
        ("child", "emotional"),
        ("parents_care", "emotional_availability"),
        ("surroundings", "parents_worn_out"),
    ],
    justification="Mor har trukket samtykket til nettverksmøter, men ønsker foreldreveiledning. "
    "Barneverntjenesten vurderer at COS-P kan hjelpe mor å forstå hva Lukas trenger når han er urolig, "
    "og gir tilbudet.",
    child_told="Lukas er fire år og fikk ikke informasjon om vedtaket selv.",
    child_said="",
    child_agreed=ChildAgreement.NOT_ASKED,
    child_weight="Lukas er for liten til å bli spurt. Det barnehagen forteller om ham er lagt vekt på.",
)

LUKAS_PLAN = {
    "cos_p_individual": PlanPart(
        goals=[
            (
                "Mor forstår bedre hva Lukas trenger, og Lukas får trøst når han er lei seg.",
                ["Mor og Lukas har en rolig leggetid de fleste kvelder."],
            ),
            ("Mor får tilstrekkelig avlastning.", []),
        ],
        content="Individuell COS-P-veiledning for mor, ti samtaler.",
        responsibilities="Familieveileder i barneverntjenesten gir veiledningen. Mor møter til samtalene. "
        "Saksbehandler følger opp med barnehagen.",
        expected_duration="Seks måneder.",
        internal_note="Mor ønsker ikke at familien skal vite om kontakten med barneverntjenesten nå.",
    )
}

# --- Sofie Pedersen (13): lives with father, high conflict between the parents --------------------------

SOFIE_VISITING_HOME = DecisionStory(
    reasons=[
        ("child", "emotional"),
        ("parents_care", "protection"),
        ("surroundings", "parental_conflict"),
        ("surroundings", "stressful_events"),
    ],
    justification="Sofie bor hos far etter at foreldrene flyttet fra hverandre. Konflikten mellom "
    "foreldrene er høy, og Sofie blir ofte dratt inn i den. Barneverntjenesten vurderer at et besøkshjem "
    "kan gi Sofie en fast pause fra konflikten og far avlastning. Far ønsker tiltaket, og mor er orientert.",
    child_told="Sofie fikk vite hva et besøkshjem er, og at hun kan møte familien før hun bestemmer seg.",
    child_said="Sofie vil gjerne prøve, men vil ikke være borte når hun har trening.",
    child_weight="Helgene er lagt slik at Sofie ikke mister trening.",
    expected_months=12,
)

SOFIE_PLAN = {
    "visiting_home": PlanPart(
        goals=[
            (
                "Sofie skjermes for konflikten mellom foreldrene og har noen å snakke med.",
                ["Sofie er i besøkshjemmet én helg i måneden."],
            ),
            ("Far får tilstrekkelig avlastning.", []),
        ],
        content="Besøkshjem én helg i måneden hos en familie i nærmiljøet.",
        responsibilities="Barneverntjenesten følger opp besøkshjemmet. Far kjører og henter. Sofie sier fra "
        "til saksbehandler hvis noe ikke er bra.",
        expected_duration="Ett år.",
        internal_note="Mor har sagt at hun vil klage hvis tiltaket fortsetter uten at hun blir spurt.",
    )
}

# After the first evaluation: the visiting home works; contact with mother becomes a goal.
SOFIE_PLAN_EVALUATED = {
    "visiting_home": PlanPart(
        goals=[
            (
                "Sofie skjermes for konflikten mellom foreldrene og har noen å snakke med.",
                ["Sofie er i besøkshjemmet én helg i måneden.", "Sofie har kontakt med mor på telefon."],
            ),
            ("Far får tilstrekkelig avlastning.", []),
        ],
        content=SOFIE_PLAN["visiting_home"].content,
        responsibilities=SOFIE_PLAN["visiting_home"].responsibilities,
        expected_duration=SOFIE_PLAN["visiting_home"].expected_duration,
        internal_note=SOFIE_PLAN["visiting_home"].internal_note,
    )
}

SOFIE_NETWORK = DecisionStory(
    reasons=[
        ("child", "emotional"),
        ("parents_care", "protection"),
        ("surroundings", "parental_conflict"),
        ("surroundings", "social_network"),
    ],
    justification="Konflikten mellom foreldrene fortsetter. Barneverntjenesten vurderer at et nettverksmøte "
    "kan samle de voksne rundt Sofie om hvordan hun kan ha god kontakt med begge foreldrene. Om et felles "
    "møte er mulig, avklares i kartleggingen.",
    child_told="Sofie fikk vite at barneverntjenesten vil undersøke om et nettverksmøte kan hjelpe.",
    child_said="Sofie vil at mor og far skal slutte å krangle om henne.",
    child_weight="Sofies ønske om mindre konflikt er målet for tiltaket.",
)

SOFIE_NETWORK_PLAN = {
    "network_meeting": PlanPart(
        goals=[
            ("Sofie har god kontakt med begge foreldrene og trives på skolen.", []),
            (
                "De voksne rundt Sofie er enige om hvordan hun holdes utenfor konflikten.",
                ["Mor og far har en fast måte å avtale helger og ferier på."],
            ),
        ],
        content="Nettverksmøte, hvis kartleggingen viser at det er trygt å samle foreldrene. Ellers "
        "forberedende samtaler med hver av foreldrene først.",
        responsibilities="Saksbehandler kartlegger og snakker med begge foreldrene. Møteleder leder "
        "møtet. Mor deltar digitalt fra Tromsø hvis hun ønsker det.",
        expected_duration="Seks måneder.",
        internal_note="Avklar med familievernkontoret om mekling er i gang.",
    )
}

# --- Ingrid Solberg (17): a party to her case; a support contact, then guidance towards 18 -------------

INGRID_SUPPORT_CONTACT = DecisionStory(
    reasons=[
        ("child", "emotional"),
        ("child", "relations_peers"),
        ("parents_care", "none"),
        ("surroundings", "parents_physical_illness"),
    ],
    justification="Ingrid er mye alene og har falt ut av fritidsaktiviteter etter at mor ble syk. Mor gir "
    "Ingrid god omsorg, men orker lite utenfor hjemmet. Barneverntjenesten vurderer at en støttekontakt kan "
    "hjelpe Ingrid tilbake til aktiviteter og venner. Ingrid og mor ønsker tiltaket.",
    child_told="Ingrid fikk vite hva en støttekontakt gjør, og at hun må samtykke selv fordi hun er over 15.",
    child_said="Ingrid vil gjerne ha en støttekontakt som kan bli med på klatring.",
    child_weight="Ingrid har samtykket skriftlig, og hun har vært med på å velge støttekontakt.",
    youth_consent=YouthConsent.WRITTEN,
    expected_months=12,
)

INGRID_PLAN = {
    "support_contact": PlanPart(
        goals=[
            (
                "Ingrid har en fast fritidsaktivitet og venner hun treffer utenom skolen.",
                ["Ingrid er med på klatring hver uke."],
            )
        ],
        content="Støttekontakt fire timer i uka.",
        responsibilities="Støttekontakten avtaler tider med Ingrid. Saksbehandler snakker med Ingrid hver "
        "tredje måned om hvordan det går.",
        expected_duration="Ett år.",
    )
}

INGRID_CHANGE = DecisionStory(
    reasons=[("child", "emotional"), ("parents_care", "none"), ("surroundings", "parents_physical_illness")],
    justification="Ingrid klatrer nå med venner og ønsker selv å avslutte støttekontakten. Hun fyller 18 "
    "om under et år. Barneverntjenesten avslutter støttekontakten og gir råd og veiledning til Ingrid om "
    "overgangen til voksenlivet og om ettervern.",
    child_told="Ingrid fikk vite at støttekontakten avsluttes, og hva ettervern er.",
    child_said="Ingrid sier at hun klarer seg fint uten støttekontakt nå, men vil gjerne ha noen å spørre "
    "om skole og bolig.",
    child_weight="Vedtaket bygger på Ingrids eget ønske.",
    youth_consent=YouthConsent.ORAL,
)

INGRID_PLAN_CHANGED = {
    "advice_guidance": PlanPart(
        goals=[
            (
                "Ingrid vet hva slags hjelp hun kan få etter at hun fyller 18, og har en plan for skole og "
                "bolig.",
                ["Ingrid har tatt stilling til om hun vil ha ettervern."],
            )
        ],
        content="Samtaler med saksbehandler omtrent en gang i måneden.",
        responsibilities="Saksbehandler har samtalene og tar kontakt med NAV ved behov. Ingrid bestemmer "
        "hvem som skal være med.",
        expected_duration="Seks måneder, til hun fyller 18.",
    )
}

# --- Noah Eriksen (9): measures imposed by the county board (§ 3-4) ------------------------------------

NOAH_IMPOSED = DecisionStory(
    reasons=[
        ("child", "school"),
        ("parents_care", "basic_care"),
        ("parents_care", "guidance_limits"),
        ("surroundings", "social_network"),
    ],
    justification="Fylkesnemnda har vedtatt at Noah skal gå på SFO og at familien skal ha miljøarbeider "
    "i hjemmet. Noah kommer ofte sent og uten mat på skolen, og mor trenger hjelp til faste rutiner. Mor "
    "har ikke ønsket tiltakene selv, men barneverntjenesten og fylkesnemnda vurderer at Noah trenger dem.",
    child_told="Noah fikk vite at han skal gå på SFO etter skolen, og at en voksen skal komme hjem til mor "
    "noen dager i uka for å hjelpe med morgen og middag.",
    child_said="Noah liker å være på SFO fordi vennene hans er der. Han vil ikke at mor skal bli lei seg.",
    child_agreed=ChildAgreement.PARTLY,
    child_weight="Noahs glede over SFO er lagt vekt på. Han ble forsikret om at hjelpen ikke er mors feil.",
    legal_basis=LegalBasis.IMPOSED,
    expected_months=12,
    also=[("home_worker", 12)],
)

NOAH_PLAN = {
    "after_school": PlanPart(
        goals=[
            (
                "Noah møter på skolen til riktig tid, med mat, og har noen å gjøre lekser sammen med.",
                ["Noah spiser et måltid på SFO hver dag."],
            )
        ],
        content="SFO fem dager i uka.",
        responsibilities="Skolen gir beskjed til saksbehandler hvis Noah ikke kommer. Barneverntjenesten "
        "dekker utgiftene.",
        expected_duration="Ett år, så vurderer fylkesnemnda tiltaket på nytt.",
    ),
    "home_worker": PlanPart(
        goals=[
            (
                "Mor har faste rutiner for morgen, måltider og leggetid som hun klarer selv.",
                ["Mor lager en ukeplan sammen med miljøarbeideren."],
            )
        ],
        content="Miljøarbeider i hjemmet tre morgener og én ettermiddag i uka.",
        responsibilities="Miljøarbeideren veileder mor i hjemmet. Mor og miljøarbeider lager ukeplanen "
        "sammen. Saksbehandler følger opp hver måned.",
        expected_duration="Ett år.",
        internal_note="Mor trenger enkel og konkret informasjon, gjerne skriftlig. Gjenta avtaler.",
    ),
}
