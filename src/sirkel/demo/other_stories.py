"""What the decisions and measure plans behind the demo's other network measures say: a family group
conference, a natural mentor, a resource person, NTT and a responsibility group (see
`demo/meetings/other_measures.py`). Fictional families; any likeness is chance."""

from __future__ import annotations

from sirkel.cases.models import ChildAgreement
from sirkel.demo.decisions_demo import DecisionStory, PlanPart

# --- Maja Karlsen (8): a family group conference while her mother is often ill ---------------------------

MAJA_DECISION = DecisionStory(
    reasons=[
        ("child", "emotional"),
        ("parents_care", "basic_care"),
        ("surroundings", "parents_physical_illness"),
        ("surroundings", "social_network"),
    ],
    justification="Mor har en kronisk sykdom og har vært innlagt på sykehus flere ganger det siste året. "
    "Da har det vært uklart hvem som tar seg av Maja, og hun har vært hos ulike voksne fra dag til dag. "
    "Familien har mange som vil hjelpe. Barneverntjenesten vurderer at et familieråd kan gi familien selv "
    "ansvaret for en plan som gir Maja trygghet også når mor er syk. Mor og far ønsker familieråd.",
    child_told="Maja fikk vite at familien skal ha et stort møte der de voksne lager en plan for hvem som "
    "passer på henne når mamma er på sykehuset, og at hun kan være med på deler av møtet med tante Tonje.",
    child_said="Maja vil bo hjemme og gå på samme skole. Hun vil gjerne være hos mormor og tante Tonje.",
    child_weight="Majas ønske om å være hos mormor og tante er lagt vekt på: begge er med i familierådet, "
    "og tante Tonje er Majas støtteperson.",
)

MAJA_PLAN = {
    "family_group_conference": PlanPart(
        goals=[
            (
                "Maja vet hvem som passer på henne når mor er syk, og har en trygg og forutsigbar hverdag.",
                [
                    "Familien har en plan for hvem Maja er hos når mor er innlagt.",
                    "Maja kommer på skolen hver dag, også når mor er syk.",
                ],
            ),
            ("Mor får hjelp og avlastning fra familien og nettverket.", []),
        ],
        content="Familieråd med en uavhengig koordinator. Familien og nettverket lager sin egen plan i "
        "familiens egen tid. Et oppfølgingsråd ser på hvordan planen har fungert.",
        responsibilities="Koordinator forbereder rådet sammen med familien. Saksbehandler skriver "
        "spørsmålene og godkjenner planen. Familien og nettverket gjør det planen sier.",
        expected_duration="Seks måneder, med oppfølgingsråd etter omtrent tre måneder.",
    )
}

# --- William Berntsen (14): a mentor from his own network ------------------------------------------------

WILLIAM_DECISION = DecisionStory(
    reasons=[
        ("child", "relations_adults"),
        ("child", "school"),
        ("parents_care", "guidance_limits"),
        ("surroundings", "parents_worn_out"),
    ],
    justification="William har trukket seg fra venner og fritidsaktiviteter det siste året og har mye "
    "fravær fra ungdomsskolen. Han har lite kontakt med far. Mor står alene og er sliten. William har selv "
    "sagt at det er en voksen han stoler på. Barneverntjenesten vurderer at en mentor fra hans eget "
    "nettverk kan gi ham en fast voksen å snakke med. Mor og William ønsker tiltaket.",
    child_told="William fikk vite hva en mentor er, at han selv velger hvem han vil spørre, og at "
    "barneverntjenesten hjelper ham, mor og mentoren med å bli enige om hvordan de skal samarbeide.",
    child_said="William vil spørre Stian, som var treneren hans. Han vil ikke ha «en fra barnevernet».",
    child_weight="Williams eget valg av mentor er lagt til grunn.",
)

WILLIAM_PLAN = {
    "natural_mentor": PlanPart(
        goals=[
            (
                "William har en voksen han stoler på, som han ser hver uke.",
                ["William og mentoren har en fast avtale hver uke."],
            ),
            ("William kommer på skolen og har noe å gjøre på fritiden som han liker.", []),
        ],
        content="Naturlig mentor fra Williams eget nettverk, i fire faser: valg av mentor, felles "
        "forståelse, hvem som gjør hva, og oppfølging.",
        responsibilities="William velger mentor. Saksbehandler leder samtalene i fasene. Mentoren og William "
        "avtaler når de ses. Mor holder kontakt med mentoren.",
        expected_duration="Ett år.",
    )
}

# --- Leah Tran (6): a resource person for a family new in the town ---------------------------------------

LEAH_DECISION = DecisionStory(
    reasons=[
        ("child", "school"),
        ("parents_care", "guidance_limits"),
        ("surroundings", "social_integration"),
        ("surroundings", "parents_worn_out"),
    ],
    justification="Familien flyttet hit for et år siden og har lite nettverk i byen. Far jobber skift, og "
    "mor er mye alene med Leah og hennes lillebror. Leah har begynt på skolen og trenger hjelp til lekser "
    "og norsk. Barneverntjenesten vurderer at en ressursperson kan gi mor avlastning og veiledning, og at "
    "naboen som allerede hjelper familien kan bli en del av nettverket deres også etter tiltaket. "
    "Foreldrene ønsker tiltaket.",
    child_told="Leah fikk vite at Gunhild, som bor ved siden av, skal være sammen med henne noen "
    "ettermiddager i uka og hjelpe mamma.",
    child_said="Leah liker Gunhild og vil gjerne lese bøker hos henne.",
    child_weight="Leah er glad i naboen, og det er lagt vekt på at ressurspersonen er en hun kjenner.",
)

LEAH_PLAN = {
    "resource_person": PlanPart(
        goals=[
            (
                "Leah får hjelp til lekser og norsk, og trives på skolen.",
                ["Leah leser høyt med en voksen tre ganger i uka."],
            ),
            ("Mor får avlastning og kjenner seg tryggere i møte med skolen.", []),
        ],
        content="Ressursperson seks timer i uka: avlastning to ettermiddager og veiledning av mor.",
        responsibilities="Ressurspersonen er med Leah to ettermiddager i uka og veileder mor. Saksbehandler "
        "følger opp ressurspersonen hver måned, med tolk i samtalene med foreldrene.",
        expected_duration="Ett år.",
    )
}

# --- Selma Haugen (12): NTT, with a steering group every four weeks -------------------------------------

SELMA_DECISION = DecisionStory(
    reasons=[
        ("child", "mental_health"),
        ("child", "school"),
        ("parents_care", "emotional_availability"),
        ("surroundings", "parents_mental_health"),
        ("surroundings", "social_network"),
    ],
    justification="Selma har vært mye borte fra skolen i høst og sier at hun er redd for å gå dit. Mor har "
    "hatt en periode med depresjon og får behandling. Familien har en tante og en kusine i byen som vil "
    "hjelpe, og skolen og BUP er allerede inne. Barneverntjenesten vurderer at et nettverksterapeutisk "
    "tiltak (NTT) kan samle familien, nettverket og tjenestene om felles mål, med miljøterapeut som "
    "arbeider med familien mellom møtene. Mor ønsker tiltaket.",
    child_told="Selma fikk vite at en miljøterapeut skal komme hjem til dem og være med henne og mor, og "
    "at de som hjelper henne skal møtes hver fjerde uke i en styringsgruppe.",
    child_said="Selma vil klare å være på skolen hele dagen, men hun vil ikke at hele klassen skal vite "
    "om det.",
    child_agreed=ChildAgreement.PARTLY,
    child_weight="Selmas ønske om at klassen ikke skal vite om tiltaket er lagt vekt på: skolen bruker bare "
    "kontaktlærer og helsesykepleier.",
)

SELMA_PLAN = {
    "ntt": PlanPart(
        goals=[
            (
                "Selma er på skolen hele skoledagen minst fire dager i uka.",
                ["Selma har en fast voksen på skolen hun kan gå til når hun blir redd."],
            ),
            (
                "Mor og Selma har faste rutiner for morgen og kveld som de klarer selv.",
                ["Tante Ewa er med på morgenen to dager i uka."],
            ),
        ],
        content="Nettverksterapeutisk tiltak: styringsgruppemøter hver fjerde uke med familien, "
        "nettverket og tjenestene, og miljøterapeut som arbeider med familien mellom møtene.",
        responsibilities="Miljøterapeuten leder styringsgruppen og følger familien opp mellom møtene. "
        "Skolen og BUP deltar i styringsgruppen. Saksbehandler har ansvaret for tiltaket.",
        expected_duration="Seks måneder, med ny vurdering etter fire styringsgruppemøter.",
        internal_note="Følg med på mors psykiske helse; avtal med mor hva vi gjør hvis hun blir dårligere.",
    )
}

# --- Theo Bakke (11): a responsibility group around school and health --------------------------------

THEO_DECISION = DecisionStory(
    reasons=[
        ("child", "behaviour"),
        ("child", "school"),
        ("child", "relations_peers"),
        ("parents_care", "guidance_limits"),
        ("surroundings", "parents_worn_out"),
    ],
    justification="Theo er utredet for ADHD hos BUP og har mange konflikter i friminuttene. Skolen, PPT, "
    "helsesykepleier og BUP gir hver sin hjelp, men hjelpen er ikke samordnet, og foreldrene sier at de "
    "ikke vet hvem de skal spørre. Barneverntjenesten vurderer at en ansvarsgruppe med en koordinator "
    "kan samordne hjelpen. Foreldrene ønsker tiltaket.",
    child_told="Theo fikk vite at de voksne som hjelper ham på skolen, hos BUP og hjemme skal møtes "
    "sammen med mamma og pappa noen ganger i året for å bli enige om hvordan de hjelper ham.",
    child_said="Theo vil ha færre beskjeder om gangen og slippe å sitte på gangen når han blir sint.",
    child_weight="Theos ønske om korte beskjeder og et sted å roe seg er tatt med i planen.",
)

THEO_PLAN = {
    "responsibility_group": PlanPart(
        goals=[
            (
                "Theo har gode friminutt og færre konflikter med medelever.",
                ["Theo har en voksen med seg i storefri.", "Theo har et fast sted å roe seg ned."],
            ),
            ("Foreldrene vet hvem som gjør hva, og får samme beskjed fra alle.", []),
        ],
        content="Ansvarsgruppe med skolen, PPT, helsesykepleier, BUP, foreldrene og barneverntjenesten, "
        "med møter omtrent hver åttende uke.",
        responsibilities="Koordinator kaller inn og leder møtene. Skolen har ansvaret for tiltakene i "
        "skoletiden, BUP for behandlingen og saksbehandler for tiltaket.",
        expected_duration="Ett skoleår.",
    )
}

# --- Oliver Nilsen (16): an individual plan while he lives with his grandparents ------------------------

OLIVER_DECISION = DecisionStory(
    reasons=[
        ("child", "mental_health"),
        ("child", "school"),
        ("parents_care", "broken_contact_service"),
        ("surroundings", "stressful_events"),
    ],
    justification="Oliver bor i fosterhjem hos besteforeldrene. Han får hjelp fra BUP, skolen og "
    "oppfølgingstjenesten, men har flere ganger falt mellom tjenestene, og han står i fare for å slutte på "
    "skolen. Oliver har rett til en individuell plan. Barneverntjenesten vurderer at en plan med én "
    "koordinator kan samle hjelpen rundt hans egne mål. Oliver ønsker planen.",
    child_told="Oliver fikk vite hva en individuell plan er, at han selv skriver målene sammen med "
    "koordinatoren, og at han bestemmer hvem som skal være med.",
    child_said="Oliver vil fullføre Vg1 og få lærlingplass. Han vil ikke at mor skal være med på møtene.",
    child_weight="Planen bygger på Olivers egne mål. Mor får referat, men er ikke med på møtene.",
)

OLIVER_PLAN = {
    "individual_plan": PlanPart(
        goals=[
            (
                "Oliver fullfører Vg1 elektro og søker lærlingplass.",
                ["Oliver har mindre enn ti prosent fravær.", "Oliver har en fast avtale med rådgiver."],
            ),
            ("Oliver vet hvem han skal kontakte når han har det vanskelig.", []),
        ],
        content="Individuell plan med koordinator, Olivers egne mål og hvem som gjør hva.",
        responsibilities="Koordinator kaller inn og leder møtene og holder planen oppdatert. Skolen, "
        "oppfølgingstjenesten og BUP har hver sine tiltak i planen. Fosterforeldrene støtter Oliver hjemme.",
        expected_duration="Ett år, med ny plan før Oliver fyller 18.",
    )
}
