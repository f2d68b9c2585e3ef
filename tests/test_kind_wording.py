"""Each kind of network measure speaks of itself: no "network meeting" wording where it does not belong.

For every kind in `kinds.KINDS` a measure is built in a realistic state (a planned first meeting and a
follow-up with the family and the network invited; for a family group conference the service's request
too; for a natural mentor the nomination and the first phase; for a resource person the engagement). Then,
as the caseworker and in Bokmål, the test reads:

- the series page and every page reachable from it within the measure's own URL space
  (/saker/<case>/tiltak/<measure>/…): the links are collected from the rendered pages, so a page added
  later is read without changing this test;
- the invitation letter (printable page and PDF), the e-mail's subject and text, the .ics calendar file,
  the minutes (page and PDF) and the waiver sheet (page and PDF).

For every kind other than the network meeting and the start meeting (a start meeting *is* a network
meeting held during the investigation), none of them may say "nettverksmøte" or "møteleder". Each must
name the kind's own meeting, and where it names who leads, by the kind's own role.

Only the page's `<title>` and `<main>` are read, not the site-wide navigation: its menu links to the
register of trained meeting leaders ("Møteledere"), a page of its own that belongs to no measure.
"""

from __future__ import annotations

import html
import io
import re
from collections import deque
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from sirkel.accounts.models import Service, User
from sirkel.cases.models import MeasureKind
from sirkel.cases.services import create_case
from sirkel.meetings import invitations
from sirkel.meetings.kinds import KINDS, Flow, kind_config
from sirkel.meetings.models import HoursPer, Meeting, MentorAnswer, ResourceRole, Series
from sirkel.meetings.services import conference as conference_services
from sirkel.meetings.services import engagement as engagement_services
from sirkel.meetings.services import mentor as mentor_services
from sirkel.meetings.services import participants as participant_services
from sirkel.meetings.tests.meeting_support import invite_family, plan_soon
from sirkel.meetings.tests.preparation_support import go_ahead, reload
from sirkel.meetings.tests.series_support import leader_for, start
from sirkel.network import services as network_services
from sirkel.testing.fixtures import CASE_DEFAULTS, client_for

NETWORK_KINDS = {MeasureKind.NETWORK_MEETING, MeasureKind.START_MEETING}
FORBIDDEN = ("nettverksmøte", "møteleder")

# The Bokmål names the pages must use, written out (not read from the catalogue, so a missing translation
# fails): the kind's first meeting, a later one, and the role of the person who leads.
MEETING_LABEL: dict[str, str] = {
    MeasureKind.NETWORK_MEETING: "nettverksmøte",
    MeasureKind.START_MEETING: "startmøte",
    MeasureKind.FAMILY_GROUP_CONFERENCE: "familieråd",
    MeasureKind.NATURAL_MENTOR: "mentor",
    MeasureKind.NTT: "styringsgruppemøte",
    MeasureKind.RESOURCE_PERSON: "ressursperson",
    MeasureKind.RESPONSIBILITY_GROUP: "ansvarsgruppemøte",
    MeasureKind.INDIVIDUAL_PLAN: "møte om individuell plan",
}
FOLLOW_UP_LABEL: dict[str, str] = {
    MeasureKind.NETWORK_MEETING: "oppfølgingsmøte",
    MeasureKind.START_MEETING: "oppfølgingsmøte",
    MeasureKind.FAMILY_GROUP_CONFERENCE: "oppfølgingsråd",
    MeasureKind.NTT: "styringsgruppemøte",
    MeasureKind.RESPONSIBILITY_GROUP: "ansvarsgruppemøte",
    MeasureKind.INDIVIDUAL_PLAN: "møte om individuell plan",
}
LEADER_LABEL: dict[str, str] = {
    MeasureKind.NETWORK_MEETING: "møteleder",
    MeasureKind.START_MEETING: "møteleder",
    MeasureKind.FAMILY_GROUP_CONFERENCE: "koordinator",
    MeasureKind.NTT: "miljøterapeut",
    MeasureKind.RESPONSIBILITY_GROUP: "koordinator",
    MeasureKind.INDIVIDUAL_PLAN: "koordinator",
}
ABOUT_HEADING: dict[str, str] = {
    MeasureKind.NETWORK_MEETING: "hva er et nettverksmøte?",
    MeasureKind.START_MEETING: "hva er et startmøte?",
    MeasureKind.FAMILY_GROUP_CONFERENCE: "hva er et familieråd?",
    MeasureKind.NTT: "hva er et styringsgruppemøte?",
    MeasureKind.RESPONSIBILITY_GROUP: "hva er en ansvarsgruppe?",
    MeasureKind.INDIVIDUAL_PLAN: "hva er en individuell plan?",
}


def test_the_table_covers_every_kind() -> None:
    """A kind added to kinds.py must be added here too, with its Bokmål names."""
    assert set(MEETING_LABEL) == set(KINDS)
    meeting_kinds = {k for k, c in KINDS.items() if c.flow == Flow.MEETINGS}
    assert set(FOLLOW_UP_LABEL) == set(LEADER_LABEL) == set(ABOUT_HEADING) == meeting_kinds


# --- Building a measure of each kind ---------------------------------------------------------------------


@dataclass
class World:
    kind: str
    series: Series
    meetings: list[Meeting]
    caseworker: User


def build(kind: str, *, service: Service, caseworker: User) -> World:
    config = kind_config(kind)
    phase = "investigation" if config.investigation_only else CASE_DEFAULTS["phase"]
    case = create_case(
        acting_user=caseworker,
        service=service,
        caseworker=caseworker,
        **{**CASE_DEFAULTS, "phase": phase},
    )
    series = start(case, kind=kind, leader=leader_for(kind, service))
    if config.screening:
        series = go_ahead(series)
    meetings: list[Meeting] = []
    today = timezone.localdate()
    if config.flow == Flow.MEETINGS:
        first = plan_soon(series)
        invite_family(first)
        staff = [caseworker, *([series.leader] if series.leader else [])]  # the leader is in the room too
        participant_services.add_participants(acting_user=caseworker, meeting=first, users=staff)
        follow_up = plan_soon(series, days=28)
        meetings = [reload(first), reload(follow_up)]
        if config.conference_parts:
            conference_services.save_request(
                acting_user=caseworker,
                series=series,
                version=1,
                coordinator_requested_on=today - timedelta(days=10),
                acute=False,
                coordinator_assigned_on=today - timedelta(days=8),
                situation="Mor er mye syk, og Emma er mye alene.",
                questions="Hvem kan følge Emma til skolen?",
                questions_agreed_on=today - timedelta(days=5),
            )
    elif config.flow == Flow.PHASES:
        aunt = network_services.add_member(
            acting_user=caseworker, case=case, name="Tove Tante", relation="Tante"
        )
        nomination = mentor_services.nominate(
            acting_user=caseworker, series=series, member=aunt, nominated_on=today, why="Hun lytter."
        )
        mentor_services.record_answer(
            acting_user=caseworker, nomination=nomination, asked_on=today, answer=MentorAnswer.YES
        )
        mentor_services.save_phase(
            acting_user=caseworker,
            series=series,
            number=1,
            held_on=today,
            taking_part="Emma, mor, Tove og saksbehandler",
            notes="Emma valgte Tove.",
            complete=True,
        )
    else:
        neighbour = network_services.add_member(
            acting_user=caseworker, case=case, name="Kari Nabo", relation="Nabo"
        )
        engagement_services.save_engagement(
            acting_user=caseworker,
            series=series,
            member=neighbour,
            role=ResourceRole.BOTH,
            hours=Decimal("6"),
            hours_per=HoursPer.MONTH,
            activities="Avlastning en helg i måneden.",
            expected_version=0,
        )
    series = Series.objects.select_related("measure__case__service").get(pk=series.pk)
    return World(kind=kind, series=series, meetings=meetings, caseworker=caseworker)


# --- Reading what the caseworker sees --------------------------------------------------------------------

HREF = re.compile(r'href="([^"]+)"')
MAIN = re.compile(r"<main\b.*?</main>", re.S)
TITLE = re.compile(r"<title>(.*?)</title>", re.S)
TAG = re.compile(r"<[^>]+>")
STYLE = re.compile(r"<(style|script)\b.*?</\1>", re.S)


def visible_text(markup: str, *, whole: bool = False) -> str:
    """The page's title and main content as text: tags, styles and scripts removed, entities decoded."""
    if whole:
        body = markup
    else:
        title = TITLE.search(markup)
        main = MAIN.search(markup)
        assert main is not None, "the page has no <main>"
        body = (title.group(1) if title else "") + "\n" + main.group(0)
    return html.unescape(TAG.sub(" ", STYLE.sub(" ", body)))


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def ics_text(content: bytes) -> str:
    """The calendar file unfolded and unescaped, so a summary split over lines is read whole."""
    text = content.decode().replace("\r\n ", "").replace("\r\n", "\n")
    return text.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";")


def read(client: Client, url: str) -> tuple[str, str]:
    """The text of one URL, and the links of an HTML page (the other kinds have none)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    content_type = response.headers["Content-Type"]
    content = response.content
    if content_type.startswith("application/pdf"):
        return pdf_text(content), ""
    if content_type.startswith("text/calendar"):
        return ics_text(content), ""
    markup = content.decode()
    # The printable documents (minutes, letters, waiver sheet) have no site navigation: read them whole.
    whole = "<main" not in markup
    return visible_text(markup, whole=whole), markup


PER_PARTICIPANT = re.compile(r"(?<=/moter/)(\d+)(.*)")


def page_key(url: str) -> str:
    """A meeting's pages for each participant (the letter, the answer) are one template: the first one
    read stands for the others, so "/moter/3/svar/17/" and "/moter/3/svar/18/" have one key."""
    return PER_PARTICIPANT.sub(lambda m: m.group(1) + re.sub(r"\d+", "N", m.group(2)), url)


def crawl(client: Client, start_url: str, prefix: str, seen: dict[str, str]) -> None:
    """Read every page reachable from `start_url` by links that stay under `prefix` into `seen` (url →
    text)."""
    keys = {page_key(url) for url in seen}
    queue = deque([start_url])
    while queue:
        url = queue.popleft()
        if page_key(url) in keys:
            continue
        keys.add(page_key(url))
        text, markup = read(client, url)
        seen[url] = text
        for href in HREF.findall(markup):
            link = urldefrag(html.unescape(href)).url
            if not urlsplit(link).netloc and link.startswith(prefix) and page_key(link) not in keys:
                queue.append(link)


def documents(world: World, client: Client) -> dict[str, str]:
    """The documents of each meeting, asked for by name as well (so they are read even if a page stops
    linking to them): letters, e-mail, calendar file, minutes and waiver sheet."""
    series = world.series
    found: dict[str, str] = {}
    for meeting in world.meetings:
        args = [series.case_id, series.measure_id, meeting.pk]
        for name in ("invitations_print", "invitations_pdf", "ics", "minutes", "minutes_pdf"):
            url = reverse(f"meetings:{name}", args=args)
            found[url] = read(client, url)[0]
        for name in ("waiver_sheet", "waiver_pdf"):
            url = reverse(f"meetings:{name}", args=args)
            found[url] = read(client, url)[0]
        participant = meeting.participants.filter(email__gt="").first()
        if participant is not None:
            message = invitations.invitation_email(meeting=meeting, participant=participant)
            found[f"e-mail to {participant.name} ({meeting.sequence})"] = f"{message.subject}\n{message.body}"
    return found


@pytest.fixture(autouse=True)
def _bokmal() -> None:
    translation.activate("nb")


OTHER_KINDS = [k for k in KINDS if k not in NETWORK_KINDS]


@pytest.fixture
def world(request: pytest.FixtureRequest, service: Service, caseworker: User) -> World:
    """The measure of the kind the test is parametrized with (`indirect=True`)."""
    return build(request.param, service=service, caseworker=caseworker)


@pytest.fixture
def pages(world: World) -> dict[str, str]:
    client = client_for(world.caseworker)
    series = world.series
    detail = reverse("meetings:detail", args=[series.case_id, series.measure_id])
    found: dict[str, str] = {}
    crawl(client, detail, detail, found)
    for meeting in world.meetings:
        crawl(
            client,
            reverse("meetings:meeting", args=[series.case_id, series.measure_id, meeting.pk]),
            detail,
            found,
        )
    found.update(documents(world, client))
    return found


def lowered(text: str) -> str:
    return " ".join(text.split()).lower()


def occurrences(text: str, word: str) -> list[str]:
    """Each place `word` occurs in `text`, with a little of the text around it (to find the string)."""
    return [text[max(0, m.start() - 50) : m.end() + 50] for m in re.finditer(re.escape(word), text)]


# --- The assertions ---------------------------------------------------------------------------------------


def expected(world: World) -> dict[str, list[str]]:
    """What each page or document must say (Bokmål, lower case): the kind's meeting, and its leader's role
    where the page names who leads."""
    series = world.series
    kind = world.kind
    detail = reverse("meetings:detail", args=[series.case_id, series.measure_id])
    config = kind_config(kind)
    if config.flow == Flow.PHASES:
        return {
            detail: ["mentor"],
            **{
                reverse("meetings:mentor_phase", args=[series.case_id, series.measure_id, n]): ["mentor"]
                for n in range(1, 5)
            },
        }
    if config.flow == Flow.ENGAGEMENT:
        return {
            detail: ["ressursperson"],
            reverse("meetings:engagement", args=[series.case_id, series.measure_id]): ["ressursperson"],
        }
    leader = LEADER_LABEL[kind]
    found: dict[str, list[str]] = {detail: [MEETING_LABEL[kind], FOLLOW_UP_LABEL[kind], leader]}
    for meeting in world.meetings:
        label = MEETING_LABEL[kind] if meeting.sequence == 1 else FOLLOW_UP_LABEL[kind]
        args = [series.case_id, series.measure_id, meeting.pk]
        for name in ("prepare", "send_invitations", "guide", "waiver", "waiver_sheet"):
            found[reverse(f"meetings:{name}", args=args)] = [label]
        found[reverse("meetings:participants", args=args)] = [label, leader]  # the leader is invited
        found[reverse("meetings:waiver_pdf", args=args)] = [label]
        found[reverse("meetings:ics", args=args)] = [label]
        for name in ("invitations_print", "invitations_pdf"):
            found[reverse(f"meetings:{name}", args=args)] = [label, ABOUT_HEADING[kind], leader]
        for name in ("meeting", "minutes", "minutes_pdf"):
            found[reverse(f"meetings:{name}", args=args)] = [label, leader]
        found[f"e-mail to Mona Mor ({meeting.sequence})"] = [label, ABOUT_HEADING[kind], leader]
    return found


@pytest.mark.parametrize("world", list(KINDS), indirect=True, ids=str)
def test_each_kind_speaks_of_itself(world: World, pages: dict[str, str]) -> None:
    """For a kind other than the network meeting and the start meeting: no page or document of it says
    "nettverksmøte" or "møteleder". For every kind: each names the kind's own meeting and role."""
    problems: list[str] = []
    if world.kind not in NETWORK_KINDS:
        for url, text in pages.items():
            problems += [
                f"{world.kind}: {url} says {word!r}: …{context}…"
                for word in FORBIDDEN
                for context in occurrences(lowered(text), word)
            ]
    for url, words in expected(world).items():
        assert url in pages, f"{world.kind}: {url} was not reached"
        text = lowered(pages[url])
        problems += [f"{world.kind}: {url} does not say {word!r}" for word in words if word not in text]
    assert not problems, "\n".join(problems)


def test_the_coordinator_reads_their_conference_in_its_own_words(service: Service, caseworker: User) -> None:
    """The coordinator's narrow account, from the conference page: every page it links to opens (no link
    leads the coordinator to a page they may not see), names the conference, the coordinator's role, and
    never a network meeting or its leader."""
    world = build(MeasureKind.FAMILY_GROUP_CONFERENCE, service=service, caseworker=caseworker)
    series = world.series
    assert series.leader is not None and series.leader.username == "koordinator"
    client = client_for(series.leader)
    detail = reverse("meetings:detail", args=[series.case_id, series.measure_id])
    conference = reverse("meetings:conference", args=[series.case_id, series.measure_id])
    # The narrow account never sees the measure's file: its page sends the coordinator to the conference.
    assert client.get(detail).headers["Location"] == conference
    found: dict[str, str] = {detail: ""}  # read already: the links back to it lead to the conference
    crawl(client, conference, detail, found)
    meeting_pages = [url for url in found if "/moter/" in url]
    assert meeting_pages, "the conference page links to its conferences"
    problems = [
        f"{url} says {word!r}: …{context}…"
        for url, text in found.items()
        for word in FORBIDDEN
        for context in occurrences(lowered(text), word)
    ]
    assert not problems, "\n".join(problems)
    everything = lowered(" ".join(found.values()))
    assert "familieråd" in everything and "koordinator" in everything


@pytest.mark.parametrize("kind", list(FOLLOW_UP_LABEL), ids=str)
def test_the_button_for_the_next_meeting_names_the_kinds_meeting(
    kind: str, service: Service, caseworker: User
) -> None:
    world = build(kind, service=service, caseworker=caseworker)
    series = world.series
    client = client_for(world.caseworker)
    page = read(client, reverse("meetings:detail", args=[series.case_id, series.measure_id]))[0]
    assert f"planlegg nytt møte: {FOLLOW_UP_LABEL[kind]}" in lowered(page)
    form = read(client, reverse("meetings:meeting_new", args=[series.case_id, series.measure_id]))[0]
    assert f"planlegg nytt møte: {FOLLOW_UP_LABEL[kind]}" in lowered(form)
