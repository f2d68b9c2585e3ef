"""Demo networks for some of the demo cases, registered through the network services (so they are audited).

Each network has people in all four sectors and on all three rings, private and public, with support types,
someone who is a burden as well as a help, ties in conflict, and contact consent for some. Emma Hansen's
network was mapped twice: a first, smaller mapping months ago and a wider one since, so the comparison of
her snapshots shows the network growing. Amina Ahmed's grandmother lives abroad.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from sirkel.accounts.models import User
from sirkel.cases.models import Case
from sirkel.network import services as network_services
from sirkel.network.models import (
    ContactFrequency,
    Direction,
    NetworkMember,
    NetworkSnapshot,
    Perspective,
    Sector,
    Side,
    SupportType,
    TieKind,
    Valence,
)

EMO, PRA, INF, APP = (
    SupportType.EMOTIONAL.value,
    SupportType.PRACTICAL.value,
    SupportType.INFORMATIONAL.value,
    SupportType.APPRAISAL.value,
)
FAM, FRI, SCH, SRV = Sector.FAMILY.value, Sector.FRIENDS.value, Sector.SCHOOL.value, Sector.SERVICES.value
PRIV, PUB = Side.PRIVATE.value, Side.PUBLIC.value
DAILY, WEEKLY, MONTHLY, RARELY = (
    ContactFrequency.DAILY.value,
    ContactFrequency.WEEKLY.value,
    ContactFrequency.MONTHLY.value,
    ContactFrequency.RARELY.value,
)

# Days before the load on which Emma's first (smaller) mapping was saved.
EMMA_FIRST_MAPPING_DAYS_AGO = 100


@dataclass(frozen=True)
class Person:
    name: str
    relation: str
    side: str
    sector: str
    ring: int
    support: tuple[str, ...] = ()
    frequency: str = ""
    valence: str = Valence.RESOURCE.value
    direction: str = Direction.GIVES.value
    email: str = ""
    consent_by: str = ""  # who agreed that this person may be contacted ("" = not agreed yet)
    later: bool = False  # registered after the first mapping (Emma's network only)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Network:
    people: tuple[Person, ...]
    ties: tuple[tuple[str, str, str], ...] = ()  # (name, name, TieKind value)


def _mail(name: str) -> str:
    local = name.lower().replace(" ", ".").replace("ø", "o").replace("å", "a").replace("æ", "ae")
    return f"{local}@epost.example"


# fmt: off
NETWORKS: dict[tuple[str, str], Network] = {
    ("Emma", "Hansen"): Network(
        people=(
            Person("Camilla Hansen", "Mor", PRIV, FAM, 1, (EMO, PRA), DAILY, direction=Direction.BOTH,
                   email=_mail("Camilla Hansen"), consent_by="Camilla Hansen (mor)"),
            Person("Thomas Rønning", "Far (bor i Bergen)", PRIV, FAM, 2, (EMO,), MONTHLY,
                   valence=Valence.BOTH, email=_mail("Thomas Rønning"), consent_by="Thomas Rønning (far)"),
            Person("Randi Hansen", "Mormor", PRIV, FAM, 1, (EMO, PRA), WEEKLY,
                   email=_mail("Randi Hansen"), consent_by="Camilla Hansen (mor)"),
            Person("Kjell Hansen", "Morfar", PRIV, FAM, 2, (PRA,), WEEKLY),
            Person("Line Aas", "Kontaktlærer, Vollen skole", PUB, SCH, 2, (INF, APP), WEEKLY,
                   email=_mail("Line Aas"), consent_by="Camilla Hansen (mor)"),
            Person("Berit Sunde", "Helsesykepleier på skolen", PUB, SRV, 3, (INF,), MONTHLY,
                   email=_mail("Berit Sunde"), consent_by="Camilla Hansen (mor)"),
            Person("Jan Olav Hansen", "Onkel (mors bror)", PRIV, FAM, 3, (), RARELY, valence=Valence.STRESS),
            Person("Ida Lien", "Bestevenninne", PRIV, FRI, 1, (EMO,), DAILY, direction=Direction.BOTH,
                   later=True),
            Person("Marte Lien", "Nabo, Idas mor", PRIV, FRI, 2, (PRA, EMO), WEEKLY,
                   email=_mail("Marte Lien"), consent_by="Camilla Hansen (mor)", later=True),
            Person("Trude Moe", "Fotballtrener", PRIV, SCH, 3, (APP,), WEEKLY, later=True),
            Person("Ole Sand", "Psykolog, BUP", PUB, SRV, 3, (INF,), MONTHLY,
                   email=_mail("Ole Sand"), consent_by="Camilla Hansen (mor)", later=True),
            Person("Nina Berge", "Fastlege", PUB, SRV, 3, (INF,), RARELY, later=True),
        ),
        ties=(
            ("Camilla Hansen", "Randi Hansen", TieKind.CLOSE),
            ("Randi Hansen", "Kjell Hansen", TieKind.CLOSE),
            ("Camilla Hansen", "Thomas Rønning", TieKind.CONFLICT),
            ("Camilla Hansen", "Jan Olav Hansen", TieKind.BROKEN),
            ("Camilla Hansen", "Line Aas", TieKind.NONE),
            ("Ida Lien", "Marte Lien", TieKind.CLOSE),
            ("Camilla Hansen", "Marte Lien", TieKind.NONE),
        ),
    ),
    ("Jonas", "Johansen"): Network(
        people=(
            Person("Hilde Johansen", "Mor", PRIV, FAM, 1, (EMO, PRA), DAILY, direction=Direction.BOTH,
                   email=_mail("Hilde Johansen"), consent_by="Hilde Johansen (mor)"),
            Person("Per Johansen", "Far", PRIV, FAM, 2, (PRA,), WEEKLY, valence=Valence.BOTH,
                   email=_mail("Per Johansen"), consent_by="Per Johansen (far)"),
            Person("Solveig Johansen", "Farmor", PRIV, FAM, 1, (EMO, PRA), WEEKLY),
            Person("Geir Johansen", "Onkel", PRIV, FAM, 2, (PRA,), MONTHLY),
            Person("Rune Dahl", "Nabo og fotballtrener", PRIV, FRI, 2, (APP, PRA), WEEKLY),
            Person("Kristin Bakke", "Kontaktlærer", PUB, SCH, 2, (INF, APP), WEEKLY,
                   email=_mail("Kristin Bakke"), consent_by="Hilde Johansen (mor)"),
            Person("Hege Lund", "Rådgiver, PPT", PUB, SRV, 3, (INF,), MONTHLY),
            Person("Amir Rahimi", "Veileder, NAV (mor)", PUB, SRV, 3, (INF,), RARELY),
        ),
        ties=(
            ("Hilde Johansen", "Per Johansen", TieKind.CONFLICT),
            ("Per Johansen", "Solveig Johansen", TieKind.CLOSE),
            ("Kristin Bakke", "Hege Lund", TieKind.NONE),
        ),
    ),
    ("Nora", "Olsen"): Network(
        people=(
            Person("Elin Olsen", "Mor", PRIV, FAM, 1, (EMO, PRA), DAILY, direction=Direction.BOTH,
                   email=_mail("Elin Olsen"), consent_by="Elin Olsen (mor)"),
            Person("Morten Olsen", "Far", PRIV, FAM, 1, (PRA,), DAILY, valence=Valence.BOTH,
                   email=_mail("Morten Olsen"), consent_by="Morten Olsen (far)"),
            Person("Stine Olsen", "Storesøster (19)", PRIV, FAM, 2, (EMO,), WEEKLY),
            Person("Gunn Aasen", "Mormor", PRIV, FAM, 2, (EMO, PRA), MONTHLY),
            Person("Ella Brekke", "Bestevenninne", PRIV, FRI, 1, (EMO, APP), DAILY, direction=Direction.BOTH),
            Person("Rune Strand", "Kontaktlærer, Bakkehaug ungdomsskole", PUB, SCH, 2, (INF, APP), WEEKLY,
                   email=_mail("Rune Strand"), consent_by="Elin Olsen (mor)"),
            Person("Mona Vik", "Helsesykepleier", PUB, SRV, 2, (EMO, INF), WEEKLY,
                   email=_mail("Mona Vik"), consent_by="Elin Olsen (mor)"),
            Person("Siri Holm", "Behandler, BUP", PUB, SRV, 3, (INF,), MONTHLY,
                   email=_mail("Siri Holm"), consent_by="Elin Olsen (mor)"),
            Person("Anders Lie", "Rådgiver, PPT", PUB, SRV, 3, (INF,), RARELY),
            Person("Kari Moe", "Fastlege", PUB, SRV, 3, (INF,), RARELY),
        ),
        ties=(
            ("Elin Olsen", "Morten Olsen", TieKind.CONFLICT),
            ("Elin Olsen", "Gunn Aasen", TieKind.CLOSE),
            ("Rune Strand", "Mona Vik", TieKind.NONE),
        ),
    ),
    ("Filip", "Larsen"): Network(
        people=(
            Person("Tone Larsen", "Mor", PRIV, FAM, 1, (EMO,), DAILY, consent_by="Tone Larsen (mor)",
                   email=_mail("Tone Larsen")),
            Person("Rune Larsen", "Far (bor ikke med Filip)", PRIV, FAM, 3, (), RARELY,
                   valence=Valence.STRESS),
            Person("Arvid Larsen", "Morfar", PRIV, FAM, 1, (PRA, EMO), DAILY),
            Person("Lise Larsen", "Tante", PRIV, FAM, 2, (PRA,), WEEKLY),
            Person("Bente Nilsen", "Nabo", PRIV, FRI, 2, (PRA,), WEEKLY),
            Person("Eva Nes", "Kontaktlærer 2. trinn", PUB, SCH, 2, (INF, APP), DAILY,
                   email=_mail("Eva Nes"), consent_by="Tone Larsen (mor)"),
            Person("Siv Hauge", "Helsesykepleier", PUB, SRV, 3, (INF,), MONTHLY),
        ),
        ties=(
            ("Tone Larsen", "Rune Larsen", TieKind.CONFLICT),
            ("Tone Larsen", "Arvid Larsen", TieKind.CLOSE),
        ),
    ),
    ("Amina", "Ahmed"): Network(
        people=(
            Person("Hodan Ahmed", "Mor", PRIV, FAM, 1, (EMO, PRA), DAILY, direction=Direction.BOTH,
                   extra={"language": "Somali", "interpreter_needed": True}),
            Person("Abdi Ahmed", "Far", PRIV, FAM, 1, (PRA,), DAILY,
                   extra={"language": "Somali", "interpreter_needed": True}),
            Person("Faadumo Ahmed", "Farmor (bor i Somalia)", PRIV, FAM, 2, (EMO, APP), WEEKLY,
                   extra={"lives_abroad": True, "language": "Somali", "interpreter_needed": True}),
            Person("Mahad Ahmed", "Onkel (bor i Oslo)", PRIV, FAM, 2, (PRA, INF), MONTHLY,
                   email=_mail("Mahad Ahmed"), consent_by="Hodan Ahmed (mor)"),
            Person("Leyla Yusuf", "Mors venninne", PRIV, FRI, 2, (EMO,), WEEKLY, direction=Direction.BOTH),
            Person("Grete Lund", "Leksehjelp, frivilligsentralen", PRIV, SCH, 3, (INF,), WEEKLY),
            Person("Per Olav Ruud", "Kontaktlærer", PUB, SCH, 2, (INF, APP), WEEKLY,
                   email=_mail("Per Olav Ruud"), consent_by="Hodan Ahmed (mor)"),
            Person("Ingrid Sæther", "Helsesykepleier", PUB, SRV, 3, (INF,), MONTHLY),
        ),
        ties=(
            ("Hodan Ahmed", "Abdi Ahmed", TieKind.CLOSE),
            ("Abdi Ahmed", "Faadumo Ahmed", TieKind.CLOSE),
            ("Hodan Ahmed", "Leyla Yusuf", TieKind.CLOSE),
        ),
    ),
    ("Lukas", "Andersen"): Network(
        people=(
            Person("Julie Andersen", "Mor", PRIV, FAM, 1, (EMO, PRA), DAILY,
                   email=_mail("Julie Andersen"), consent_by="Julie Andersen (mor)"),
            Person("Kristoffer Moen", "Far", PRIV, FAM, 2, (PRA,), WEEKLY),
            Person("Wenche Andersen", "Mormor", PRIV, FAM, 2, (PRA,), WEEKLY),
            Person("Sanna Holt", "Nabo", PRIV, FRI, 3, (PRA,), MONTHLY),
            Person("Hanne Berg", "Pedagogisk leder, Solsikken barnehage", PUB, SCH, 2, (INF, APP), DAILY),
            Person("Kari Dale", "Helsesykepleier, helsestasjonen", PUB, SRV, 3, (INF,), RARELY),
        ),
        ties=(("Julie Andersen", "Kristoffer Moen", TieKind.CONFLICT),),
    ),
    ("Sofie", "Pedersen"): Network(
        people=(
            Person("Eirik Pedersen", "Far", PRIV, FAM, 1, (EMO, PRA), DAILY,
                   email=_mail("Eirik Pedersen"), consent_by="Eirik Pedersen (far)"),
            Person("Silje Pedersen", "Mor (bor i Tromsø)", PRIV, FAM, 2, (EMO,), MONTHLY,
                   valence=Valence.BOTH),
            Person("Astrid Pedersen", "Farmor", PRIV, FAM, 1, (PRA, EMO), WEEKLY),
            Person("Maja Solli", "Venninne", PRIV, FRI, 2, (EMO,), DAILY, direction=Direction.BOTH),
            Person("Tor Egeland", "Håndballtrener", PRIV, SCH, 3, (APP,), WEEKLY),
            Person("Lene Hovland", "Kontaktlærer", PUB, SCH, 2, (INF,), WEEKLY),
            Person("Marit Fosse", "Helsesykepleier", PUB, SRV, 3, (EMO, INF), MONTHLY),
        ),
        ties=(
            ("Eirik Pedersen", "Silje Pedersen", TieKind.CONFLICT),
            ("Eirik Pedersen", "Astrid Pedersen", TieKind.CLOSE),
        ),
    ),
    # Family group conference: Maja's mother is often ill; the family and the network make the plan.
    ("Maja", "Karlsen"): Network(
        people=(
            Person("Anette Karlsen", "Mor", PRIV, FAM, 1, (EMO, PRA), DAILY, direction=Direction.BOTH,
                   email=_mail("Anette Karlsen"), consent_by="Anette Karlsen (mor)"),
            Person("Jørgen Vik", "Far (bor i Drammen)", PRIV, FAM, 2, (EMO,), MONTHLY, valence=Valence.BOTH,
                   email=_mail("Jørgen Vik"), consent_by="Jørgen Vik (far)"),
            Person("Bjørg Karlsen", "Mormor", PRIV, FAM, 1, (EMO, PRA), WEEKLY,
                   email=_mail("Bjørg Karlsen"), consent_by="Anette Karlsen (mor)"),
            Person("Tonje Karlsen", "Tante (mors søster)", PRIV, FAM, 2, (PRA, EMO), WEEKLY,
                   email=_mail("Tonje Karlsen"), consent_by="Anette Karlsen (mor)"),
            Person("Vigdis Vik", "Farmor", PRIV, FAM, 2, (EMO,), MONTHLY),
            Person("Linda Aune", "Nabo og mors venninne", PRIV, FRI, 2, (PRA,), WEEKLY,
                   consent_by="Anette Karlsen (mor)"),
            Person("Hanna Aune", "Bestevenninne (Lindas datter)", PRIV, FRI, 1, (EMO,), DAILY,
                   direction=Direction.BOTH),
            Person("Kristian Lunde", "Kontaktlærer, 3. trinn, Vollen skole", PUB, SCH, 2, (INF, APP), WEEKLY,
                   email=_mail("Kristian Lunde"), consent_by="Anette Karlsen (mor)"),
            Person("Sigrid Tangen", "Helsesykepleier på skolen", PUB, SRV, 3, (INF,), MONTHLY,
                   email=_mail("Sigrid Tangen"), consent_by="Anette Karlsen (mor)"),
            Person("Petter Bull", "Fastlege (mor)", PUB, SRV, 3, (INF,), RARELY),
        ),
        ties=(
            ("Anette Karlsen", "Bjørg Karlsen", TieKind.CLOSE),
            ("Anette Karlsen", "Tonje Karlsen", TieKind.CLOSE),
            ("Anette Karlsen", "Jørgen Vik", TieKind.CONFLICT),
            ("Linda Aune", "Hanna Aune", TieKind.CLOSE),
        ),
    ),
    # Natural mentor: William (14) chose his old football coach.
    ("William", "Berntsen"): Network(
        people=(
            Person("Marianne Berntsen", "Mor", PRIV, FAM, 1, (EMO, PRA), DAILY, direction=Direction.BOTH,
                   email=_mail("Marianne Berntsen"), consent_by="Marianne Berntsen (mor)"),
            Person("Roger Berntsen", "Far", PRIV, FAM, 3, (), RARELY, valence=Valence.STRESS),
            Person("Olav Berntsen", "Morfar", PRIV, FAM, 2, (PRA, EMO), MONTHLY),
            Person("Stian Myhre", "Tidligere fotballtrener, nabo", PRIV, FRI, 2, (APP, EMO), WEEKLY,
                   email=_mail("Stian Myhre"), consent_by="Marianne Berntsen (mor)"),
            Person("Eskil Nyhus", "Kompis fra klassen", PRIV, FRI, 1, (EMO,), DAILY,
                   direction=Direction.BOTH),
            Person("Janne Foss", "Kontaktlærer, Bakkehaug ungdomsskole", PUB, SCH, 2, (INF, APP), WEEKLY,
                   email=_mail("Janne Foss"), consent_by="Marianne Berntsen (mor)"),
            Person("Ahmed Karimi", "Miljøarbeider på skolen", PUB, SCH, 2, (APP,), WEEKLY),
            Person("Turid Bergli", "Helsesykepleier, helsestasjon for ungdom", PUB, SRV, 3, (INF, EMO),
                   MONTHLY),
        ),
        ties=(
            ("Marianne Berntsen", "Roger Berntsen", TieKind.BROKEN),
            ("Marianne Berntsen", "Olav Berntsen", TieKind.CLOSE),
            ("Marianne Berntsen", "Stian Myhre", TieKind.NONE),
        ),
    ),
    # Resource person: Leah (6) and her parents, new in the town, with a neighbour who helps.
    ("Leah", "Tran"): Network(
        people=(
            Person("Linh Tran", "Mor", PRIV, FAM, 1, (EMO, PRA), DAILY, direction=Direction.BOTH,
                   consent_by="Linh Tran (mor)",
                   extra={"language": "Vietnamesisk", "interpreter_needed": True}),
            Person("Minh Tran", "Far", PRIV, FAM, 1, (PRA,), DAILY, consent_by="Minh Tran (far)",
                   extra={"language": "Vietnamesisk", "interpreter_needed": True}),
            Person("Thi Nguyen", "Mormor (bor hos familien)", PRIV, FAM, 1, (EMO, PRA), DAILY,
                   extra={"language": "Vietnamesisk", "interpreter_needed": True}),
            Person("Gunhild Brekke", "Nabo, pensjonert lærer", PRIV, FRI, 2, (PRA, INF), WEEKLY,
                   email=_mail("Gunhild Brekke"), consent_by="Linh Tran (mor)"),
            Person("Hoa Pham", "Mors venninne", PRIV, FRI, 2, (EMO,), WEEKLY, direction=Direction.BOTH),
            Person("Camilla Strand", "Kontaktlærer, 1. trinn", PUB, SCH, 2, (INF,), DAILY,
                   email=_mail("Camilla Strand"), consent_by="Linh Tran (mor)"),
            Person("Eli Moen", "Helsesykepleier, helsestasjonen", PUB, SRV, 3, (INF,), RARELY),
        ),
        ties=(
            ("Linh Tran", "Minh Tran", TieKind.CLOSE),
            ("Linh Tran", "Hoa Pham", TieKind.CLOSE),
            ("Linh Tran", "Gunhild Brekke", TieKind.NONE),
        ),
    ),
    # NTT: Selma (12) and her mother; the steering group meets every four weeks.
    ("Selma", "Haugen"): Network(
        people=(
            Person("Agnieszka Haugen", "Mor", PRIV, FAM, 1, (EMO, PRA), DAILY, direction=Direction.BOTH,
                   email=_mail("Agnieszka Haugen"), consent_by="Agnieszka Haugen (mor)",
                   extra={"language": "Polsk", "interpreter_needed": True}),
            Person("Knut Haugen", "Far (bor i Trondheim)", PRIV, FAM, 2, (EMO,), MONTHLY,
                   valence=Valence.BOTH, email=_mail("Knut Haugen"), consent_by="Knut Haugen (far)"),
            Person("Ewa Nowak", "Tante (mors søster, bor i byen)", PRIV, FAM, 1, (PRA, EMO), WEEKLY,
                   email=_mail("Ewa Nowak"), consent_by="Agnieszka Haugen (mor)",
                   extra={"language": "Polsk"}),
            Person("Marta Nowak", "Kusine (17)", PRIV, FAM, 2, (EMO,), WEEKLY),
            Person("Randi Sørli", "Nabo", PRIV, FRI, 3, (PRA,), MONTHLY),
            Person("Oda Lie", "Venninne", PRIV, FRI, 2, (EMO,), DAILY, direction=Direction.BOTH),
            Person("Geir Aalen", "Kontaktlærer, 7. trinn", PUB, SCH, 2, (INF, APP), WEEKLY,
                   email=_mail("Geir Aalen"), consent_by="Agnieszka Haugen (mor)"),
            Person("Solfrid Næss", "Helsesykepleier på skolen", PUB, SRV, 3, (INF, EMO), MONTHLY,
                   email=_mail("Solfrid Næss"), consent_by="Agnieszka Haugen (mor)"),
            Person("Henning Rud", "Psykologspesialist, BUP", PUB, SRV, 3, (INF,), MONTHLY,
                   email=_mail("Henning Rud"), consent_by="Agnieszka Haugen (mor)"),
        ),
        ties=(
            ("Agnieszka Haugen", "Ewa Nowak", TieKind.CLOSE),
            ("Agnieszka Haugen", "Knut Haugen", TieKind.CONFLICT),
            ("Ewa Nowak", "Marta Nowak", TieKind.CLOSE),
        ),
    ),
    # Individual plan: Oliver (16) lives with his grandparents, who are his foster home.
    ("Oliver", "Nilsen"): Network(
        people=(
            Person("Berit Nilsen", "Mormor og fostermor", PRIV, FAM, 1, (EMO, PRA), DAILY,
                   direction=Direction.BOTH, email=_mail("Berit Nilsen"), consent_by="Oliver Nilsen"),
            Person("Arne Nilsen", "Morfar og fosterfar", PRIV, FAM, 1, (PRA, APP), DAILY,
                   email=_mail("Arne Nilsen"), consent_by="Oliver Nilsen"),
            Person("Heidi Nilsen", "Mor", PRIV, FAM, 2, (EMO,), MONTHLY, valence=Valence.BOTH,
                   email=_mail("Heidi Nilsen"), consent_by="Oliver Nilsen"),
            Person("Sander Lia", "Bestekompis", PRIV, FRI, 1, (EMO,), DAILY, direction=Direction.BOTH),
            Person("Siri Aasen", "Kontaktlærer, Vg1 elektro", PUB, SCH, 2, (INF, APP), WEEKLY,
                   email=_mail("Siri Aasen"), consent_by="Oliver Nilsen"),
            Person("Bjørn Tveit", "Rådgiver, oppfølgingstjenesten", PUB, SCH, 3, (INF,), MONTHLY,
                   email=_mail("Bjørn Tveit"), consent_by="Oliver Nilsen"),
            Person("Maria Lund", "Psykolog, BUP", PUB, SRV, 3, (INF, EMO), MONTHLY,
                   email=_mail("Maria Lund"), consent_by="Oliver Nilsen"),
            Person("Erik Sand", "Fastlege", PUB, SRV, 3, (INF,), RARELY),
        ),
        ties=(
            ("Berit Nilsen", "Arne Nilsen", TieKind.CLOSE),
            ("Berit Nilsen", "Heidi Nilsen", TieKind.CONFLICT),
        ),
    ),
    # Responsibility group: Theo (11), with school, health nurse, BUP and PPT around him.
    ("Theo", "Bakke"): Network(
        people=(
            Person("Lene Bakke", "Mor", PRIV, FAM, 1, (EMO, PRA), DAILY, direction=Direction.BOTH,
                   email=_mail("Lene Bakke"), consent_by="Lene Bakke (mor)"),
            Person("Frode Bakke", "Far", PRIV, FAM, 1, (PRA,), WEEKLY,
                   email=_mail("Frode Bakke"), consent_by="Frode Bakke (far)"),
            Person("Inger Bakke", "Farmor", PRIV, FAM, 2, (EMO,), MONTHLY),
            Person("Ivar Holt", "Speiderleder", PRIV, FRI, 3, (APP,), WEEKLY),
            Person("Mette Rønningen", "Kontaktlærer, 6. trinn, Sagene skole", PUB, SCH, 2, (INF, APP), DAILY,
                   email=_mail("Mette Rønningen"), consent_by="Lene Bakke (mor)"),
            Person("Arild Sætre", "Spesialpedagog, Sagene skole", PUB, SCH, 2, (INF,), WEEKLY,
                   email=_mail("Arild Sætre"), consent_by="Lene Bakke (mor)"),
            Person("Kine Vold", "Helsesykepleier på skolen", PUB, SRV, 3, (INF, EMO), MONTHLY,
                   email=_mail("Kine Vold"), consent_by="Lene Bakke (mor)"),
            Person("Jon Erik Dahl", "Psykolog, BUP", PUB, SRV, 3, (INF,), MONTHLY,
                   email=_mail("Jon Erik Dahl"), consent_by="Lene Bakke (mor)"),
            Person("Tove Brenna", "Rådgiver, PPT", PUB, SRV, 3, (INF,), MONTHLY,
                   email=_mail("Tove Brenna"), consent_by="Lene Bakke (mor)"),
        ),
        ties=(
            ("Lene Bakke", "Frode Bakke", TieKind.NONE),
            ("Mette Rønningen", "Arild Sætre", TieKind.CLOSE),
        ),
    ),
}
# fmt: on


def _add_person(*, user: User, case: Case, person: Person) -> NetworkMember:
    return network_services.add_member(
        acting_user=user,
        case=case,
        name=person.name,
        relation=person.relation,
        side=person.side,
        sector=person.sector,
        ring=person.ring,
        support=list(person.support),
        valence=person.valence,
        direction=person.direction,
        contact_frequency=person.frequency,
        email=person.email,
        may_contact=bool(person.consent_by),
        contact_consent_by=person.consent_by,
        **person.extra,
    )


def _add_ties(
    *, user: User, case: Case, network: Network, members: dict[str, NetworkMember], new: set[str]
) -> None:
    """Tie the people registered so far, where at least one of the two was just added (`new`)."""
    for a, b, kind in network.ties:
        if a in members and b in members and (a in new or b in new):
            network_services.add_tie(acting_user=user, case=case, a=members[a], b=members[b], kind=kind)


def backdate_snapshot(snapshot: NetworkSnapshot, day: date) -> None:
    """Date a snapshot to the day it stands for (the services stamp it with the time of the load)."""
    taken_at = timezone.make_aware(datetime.combine(day, time(12, 0)))
    NetworkSnapshot.objects.filter(pk=snapshot.pk).update(taken_at=taken_at)


def load_network(*, case: Case, network: Network, today: date) -> dict[str, NetworkMember]:
    """Register the case's network (unless it has one already) and return its members by name."""
    if NetworkMember.objects.filter(case=case).exists():
        return {m.name: m for m in NetworkMember.objects.filter(case=case)}
    user = case.caseworker
    members: dict[str, NetworkMember] = {}
    first = [p for p in network.people if not p.later]
    for person in first:
        members[person.name] = _add_person(user=user, case=case, person=person)
    _add_ties(user=user, case=case, network=network, members=members, new=set(members))
    later = [p for p in network.people if p.later]
    if later:
        # The first mapping, saved with the mother months ago; the wider one follows.
        snapshot = network_services.take_snapshot(
            acting_user=user, case=case, label="Første kartlegging", perspective=Perspective.MOTHER
        )
        backdate_snapshot(snapshot, today - timedelta(days=EMMA_FIRST_MAPPING_DAYS_AGO))
        for person in later:
            members[person.name] = _add_person(user=user, case=case, person=person)
        new = {p.name for p in later}
        _add_ties(user=user, case=case, network=network, members=members, new=new)
    return members


def load_networks(
    *, cases: dict[tuple[str, str], Case], today: date
) -> dict[tuple[str, str], dict[str, NetworkMember]]:
    """The demo networks of the cases given (by child's name); members by name for each."""
    return {
        key: load_network(case=cases[key], network=network, today=today)
        for key, network in NETWORKS.items()
        if key in cases
    }
