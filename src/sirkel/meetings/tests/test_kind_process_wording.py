"""Each kind's own words on the pages of its process (issue 10, "Everywhere"): screening, preparation and its
checklist, the guide, the series page, the start form and My meetings speak of the kind's meeting and the
role of the person who leads it (kinds.py), not of "a network meeting" and its "meeting leader".

What is allowed where: the network meeting and the start meeting are network meetings led by a meeting
leader, so their pages may say both (the start meeting's own description calls it "a network meeting held
during the investigation"). Every other kind's pages must say neither, in Bokmål or in English (an English
text left untranslated would otherwise slip past). Only the page's `<main>` is read: the menu's "Meeting
leaders" (the register of trained leaders) is on every page and stays.

The unit tests below check the two new pieces of logic: the study's caution for NTT in the screening
guidance, and the family group conference's "questions" item in the preparation checklist."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from sirkel.accounts.models import Role, Service, User
from sirkel.cases.models import Case, MeasureKind
from sirkel.meetings import guide
from sirkel.meetings.forms_preparation import duration_help
from sirkel.meetings.kinds import KINDS, Guide, LeaderPool, in_sentence, kind_config
from sirkel.meetings.models import Meeting, Screening, Series
from sirkel.meetings.services import checklist
from sirkel.meetings.services import conference as conference_services
from sirkel.meetings.services.screening import GuidanceLevel, caution_label, screening_guidance
from sirkel.meetings.tests.preparation_support import go_ahead, plan
from sirkel.meetings.tests.series_support import leader_for, start, train
from sirkel.testing.factories import decide
from sirkel.testing.fixtures import client_for, make_user

NETWORK_KINDS = {MeasureKind.NETWORK_MEETING, MeasureKind.START_MEETING}
FORBIDDEN = re.compile(r"nettverksmøte|møteleder|network meeting|meeting leader", re.IGNORECASE)


@dataclass(frozen=True)
class Words:
    """Bokmål texts each kind's pages must show (kinds.py's labels, translated)."""

    leader: str  # the role of the person who leads (the field's label on the series page and start form)
    meeting: str  # what its meetings are called (preparation, guide)
    guide_step: str  # a step of its guide that only it has ("" when none is singled out)


WORDS: dict[str, Words] = {
    MeasureKind.NETWORK_MEETING: Words("Møteleder", "Nettverksmøte", "Reflekterende team"),
    MeasureKind.START_MEETING: Words("Møteleder", "Startmøte", "Reflekterende team"),
    MeasureKind.FAMILY_GROUP_CONFERENCE: Words("Koordinator", "Familieråd", ""),
    MeasureKind.NATURAL_MENTOR: Words("Kontaktperson i tjenesten", "Mentormøte", ""),
    MeasureKind.NTT: Words("Miljøterapeut", "Styringsgruppemøte", ""),
    MeasureKind.RESOURCE_PERSON: Words("Kontaktperson i tjenesten", "Møte med ressurspersonen", ""),
    MeasureKind.RESPONSIBILITY_GROUP: Words("Koordinator", "Ansvarsgruppemøte", ""),
    MeasureKind.INDIVIDUAL_PLAN: Words("Koordinator", "Møte om individuell plan", ""),
}


def test_every_kind_has_its_words() -> None:
    assert set(WORDS) == set(KINDS)


def main_of(response: object) -> str:
    html = response.content.decode()  # type: ignore[attr-defined]
    match = re.search(r"<main\b.*?</main>", html, re.DOTALL)
    assert match, "the page has no <main>"
    return match.group(0)


def visible(html: str) -> str:
    """The page's text without its tags (attributes such as URLs are not wording)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def assert_wording(kind: str, html: str, page: str) -> None:
    if kind in NETWORK_KINDS:
        return
    found = FORBIDDEN.findall(visible(html))
    assert not found, f"{kind} {page}: {found}"


def started(case: Case, kind: str, leader: User | None) -> Series:
    if kind_config(kind).investigation_only:
        Case.objects.filter(pk=case.pk).update(phase="investigation")
        case.refresh_from_db()
    series = start(case, kind=kind, leader=leader)
    if kind_config(kind).screening:
        series = go_ahead(series)
    return series


def url(name: str, series: Series, *extra: int) -> str:
    return reverse(f"meetings:{name}", args=[series.case_id, series.measure_id, *extra])


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kinds_pages_speak_of_its_own_measure(kind: str, case: Case, service: Service) -> None:
    config = kind_config(kind)
    words = WORDS[kind]
    leader = leader_for(kind, service)
    series = started(case, kind, leader)
    client = client_for(case.caseworker)
    meeting = plan(series) if config.has_meetings else None

    # The series page: the role of the person who leads, and a screening card only for screened kinds.
    detail = main_of(client.get(url("detail", series)))
    assert_wording(kind, detail, "detail")
    if config.has_meetings:
        assert words.leader in detail
        assert str(config.meetings_heading) in detail
    screening_url = url("screening", series)
    assert (screening_url in detail) == config.screening
    assert ("Egnethet" in detail) == config.screening  # the screening card's heading

    # The screening page, only for screened kinds.
    response = client.get(screening_url)
    if config.screening:
        assert response.status_code == 200
        screening = main_of(response)
        assert_wording(kind, screening, "screening")
        assert words.meeting.lower() in screening.lower()
    else:
        assert response.status_code == 404

    # Preparation, its checklist and the guide, for the kinds that hold meetings.
    if meeting is not None:
        prepare = main_of(client.get(url("prepare", series, meeting.pk)))
        assert_wording(kind, prepare, "prepare")
        assert words.meeting.lower() in prepare.lower()
        shown = set(re.findall(r'id="check-([a-z_]+)"', prepare))
        assert shown == set(config.preparation)
        response = client.get(url("guide", series, meeting.pk))
        if config.guide == Guide.NONE:
            assert response.status_code == 404
        else:
            page = main_of(response)
            assert_wording(kind, page, "guide")
            with translation.override("nb"):
                steps = guide.guide_steps(config.guide)
            for step in steps:
                assert f'id="{step.anchor}"' in page
                assert escape(step.label) in page
            if words.guide_step:
                assert words.guide_step in page
            assert ("Sirkulære spørsmål" in page) == (config.guide == Guide.SPIRAL)

    # The start form, for a decided measure of this kind that is not started yet (`?measure=`).
    if config.investigation_only:
        choice = "start_meeting"
    else:
        choice = str(decide(case=case, kind=kind).pk)
    start_page = main_of(client.get(reverse("meetings:start", args=[case.pk]) + f"?measure={choice}"))
    assert_wording(kind, start_page, "start")
    if config.leader_pool == LeaderPool.NONE:
        assert 'name="leader"' not in start_page
    else:
        assert re.search(rf'<label for="id_leader"[^>]*>\s*{re.escape(words.leader)}', start_page)

    # The case's list of measures names the person who leads by role.
    measures = main_of(client.get(reverse("meetings:case_measures", args=[case.pk])))
    assert_wording(kind, measures, "case_measures")
    if leader is not None:
        assert f"{in_sentence(words.leader)} {leader.display_name()}" in measures

    # My meetings, as the one who leads it.
    if leader is not None:
        mine = main_of(client_for(leader).get(reverse("meetings:my_meetings")))
        assert_wording(kind, mine, "my_meetings")
        assert words.leader in mine
        assert str(series.get_kind_display()) in mine


# --- The screening's guidance -------------------------------------------------------------------------

NO_FLAGS = {
    "violence_unacknowledged": False,
    "severe_conflict": False,
    "parent_cognitive_difficulties": False,
    "minority_background": False,
    "small_network": False,
}


@pytest.mark.parametrize("flag", ["severe_mental_illness", "heavy_substance_abuse", "little_daily_structure"])
def test_ntt_screening_gives_the_studys_caution_for_what_is_ticked(flag: str) -> None:
    screening = Screening(**NO_FLAGS, **{flag: True})
    with translation.override("nb"):
        guidance = screening_guidance(screening, kind=MeasureKind.NTT)
        label = caution_label(flag)
    assert [g.level for g in guidance] == [GuidanceLevel.CAUTION]
    assert label in guidance[0].text
    # The other two are not claimed.
    for other in {"severe_mental_illness", "heavy_substance_abuse", "little_daily_structure"} - {flag}:
        with translation.override("nb"):
            assert caution_label(other) not in guidance[0].text


def test_the_caution_is_only_for_kinds_that_ask_it() -> None:
    screening = Screening(**NO_FLAGS, severe_mental_illness=True, heavy_substance_abuse=True)
    for kind in KINDS:
        levels = [g.level for g in screening_guidance(screening, kind=kind)]
        if "severe_mental_illness" in kind_config(kind).screening_cautions:
            assert levels == [GuidanceLevel.CAUTION], kind
        else:
            assert levels == [GuidanceLevel.INFO], kind  # "nothing speaks against it"


def test_guidance_names_the_measure_not_a_network_meeting() -> None:
    screening = Screening(**{key: True for key in NO_FLAGS})
    with translation.override("nb"):
        for kind in KINDS:
            text = " ".join(
                [g.text for g in screening_guidance(screening, kind=kind)]
                + [a for g in screening_guidance(screening, kind=kind) for a in g.advice]
            )
            assert_wording(kind, text, "guidance")
        fgc = screening_guidance(Screening(**NO_FLAGS), kind=MeasureKind.FAMILY_GROUP_CONFERENCE)
        assert "familieråd" in fgc[0].text


def test_the_screening_form_asks_ntts_cautions_only_for_ntt(case: Case, service: Service) -> None:
    for kind in (MeasureKind.NTT, MeasureKind.FAMILY_GROUP_CONFERENCE):
        series = start(case, kind=kind, leader=leader_for(kind, service))
        page = main_of(client_for(case.caseworker).get(url("screening", series)))
        assert ('name="severe_mental_illness"' in page) == (kind == MeasureKind.NTT), kind
        assert ('name="little_daily_structure"' in page) == (kind == MeasureKind.NTT), kind
        Series.objects.filter(pk=series.pk).delete()


def test_ticking_ntts_caution_is_saved_and_shown(case: Case, service: Service) -> None:
    series = start(case, kind=MeasureKind.NTT, leader=leader_for(MeasureKind.NTT, service))
    client = client_for(case.caseworker)
    response = client.post(
        url("screening", series),
        {"heavy_substance_abuse": "on", "decision": "", "reasoning": "", "adaptations": "", "version": "1"},
    )
    assert response.status_code == 302
    saved = Screening.objects.get(series=series)
    assert saved.heavy_substance_abuse and not saved.severe_mental_illness
    page = main_of(client.get(url("screening", series)))
    assert "tungt rusmisbruk i familien" in page
    assert "Vær varsom" in page  # the study's caution, with what was ticked


# --- The preparation checklist ----------------------------------------------------------------------------


@pytest.fixture
def conference_meeting(case: Case, service: Service) -> Meeting:
    kind = MeasureKind.FAMILY_GROUP_CONFERENCE
    series = go_ahead(start(case, kind=kind, leader=leader_for(kind, service)))
    return plan(series)


def items_of(meeting: Meeting) -> dict[str, checklist.ChecklistItem]:
    meeting = Meeting.objects.select_related("series__measure__case").get(pk=meeting.pk)
    return {item.key: item for item in checklist.preparation_checklist(meeting)}


def test_the_conference_checklist_has_the_questions_item(conference_meeting: Meeting) -> None:
    items = items_of(conference_meeting)
    assert list(items) == [
        key
        for key in ("questions", "consent", "invitations", "parents", "child", "interpreter", "time", "sent")
        if key in kind_config(MeasureKind.FAMILY_GROUP_CONFERENCE).preparation
    ]
    assert "speech" not in items and "balance" not in items
    questions = items["questions"]
    assert not questions.done
    assert questions.link == url("conference", conference_meeting.series)


def test_the_questions_item_is_done_when_the_questions_exist(conference_meeting: Meeting) -> None:
    series = conference_meeting.series
    conference_services.save_request(
        acting_user=series.caseworker,
        series=series,
        version=1,
        coordinator_requested_on=None,
        acute=False,
        coordinator_assigned_on=None,
        situation="Mor er sliten, og Emma er mye alene.",
        questions="Hvem kan hente Emma på skolen?\nHvor kan Emma være når mor jobber kveld?",
        questions_agreed_on=None,
    )
    item = items_of(conference_meeting)["questions"]
    assert item.done
    assert item.hint  # written, but not yet agreed with the family


def test_a_network_meeting_has_no_questions_item(case: Case, service: Service) -> None:
    series = go_ahead(start(case, leader=leader_for(MeasureKind.NETWORK_MEETING, service)))
    items = items_of(plan(series))
    assert "questions" not in items
    assert set(items) == set(kind_config(MeasureKind.NETWORK_MEETING).preparation)


def test_the_length_hint_follows_the_kinds_default() -> None:
    with translation.override("en"):
        fgc = kind_config(MeasureKind.FAMILY_GROUP_CONFERENCE)
        assert duration_help(fgc.meeting_label, fgc.default_minutes) == (
            "A family group conference usually lasts about 4 hours (240 minutes)."
        )
        mentor = kind_config(MeasureKind.NATURAL_MENTOR)
        assert duration_help(mentor.meeting_label, mentor.default_minutes) == (
            "A mentor meeting usually lasts about 90 minutes."
        )


# --- The series page, starting a measure and the person who leads ----------------------------------------


def test_in_sentence_lowers_a_label_but_not_an_abbreviation() -> None:
    assert in_sentence("Koordinator") == "koordinator"
    assert in_sentence("NTT-møte") == "NTT-møte"
    assert in_sentence("") == ""


def test_a_kind_that_is_not_screened_starts_on_its_own_page(case: Case) -> None:
    measure = decide(case=case, kind=MeasureKind.RESPONSIBILITY_GROUP)
    client = client_for(case.caseworker)
    response = client.post(
        reverse("meetings:start", args=[case.pk]),
        {"measure": str(measure.pk), "caseworker": str(case.caseworker.pk), "purpose": ""},
        follow=True,
    )
    series = Series.objects.get(measure=measure)
    assert response.redirect_chain[-1][0] == url("detail", series)
    text = visible(main_of(response))
    assert "Tiltaket er startet." in text
    assert "egnethetsvurderingen" not in text.lower()


def test_the_person_who_leads_is_chosen_and_named_by_the_kinds_role(case: Case, service: Service) -> None:
    kind = MeasureKind.FAMILY_GROUP_CONFERENCE
    coordinator = make_user("koordinator", service, Role.COORDINATOR)
    trained = make_user("trenet", service, Role.CONSULTANT)
    train(trained, service)
    series = go_ahead(start(case, kind=kind))
    client = client_for(case.caseworker)

    detail = main_of(client.get(url("detail", series)))
    assert "Ingen koordinator ennå." in detail
    assert "Lagre koordinator" in detail
    select = detail.split('name="leader"', 1)[1].split("</select>")[0]
    offered = set(re.findall(r'<option value="(\d+)"', select))
    assert str(coordinator.pk) in offered and str(trained.pk) not in offered  # the kind's own pool

    response = client.post(url("set_leader", series), {"leader": str(coordinator.pk)}, follow=True)
    assert "Koordinator er lagret." in response.content.decode()
    series.refresh_from_db()
    assert series.leader == coordinator

    plan(series)
    response = client.post(url("set_leader", series), {"leader": ""}, follow=True)
    assert "Et møte er planlagt: det trenger en koordinator." in response.content.decode()
    series.refresh_from_db()
    assert series.leader == coordinator


def test_the_start_form_labels_the_leader_by_the_measure_chosen(case: Case, service: Service) -> None:
    make_user("kollega", service, Role.CONSULTANT)
    ntt = decide(case=case, kind=MeasureKind.NTT)
    network = decide(case=case, kind=MeasureKind.NETWORK_MEETING)
    client = client_for(case.caseworker)
    start_url = reverse("meetings:start", args=[case.pk])
    for measure, label in ((ntt, "Miljøterapeut"), (network, "Møteleder")):
        page = main_of(client.get(f"{start_url}?measure={measure.pk}"))
        assert re.search(rf'<label for="id_leader"[^>]*>\s*{label}', page), label
        assert f'<option value="{measure.pk}" selected' in page
        assert f"?measure={measure.pk}" in page  # the links that reload the form for each measure
    # A caseworker cannot lead their own measure: the error names the role.
    response = client.post(
        start_url,
        {"measure": str(ntt.pk), "caseworker": str(case.caseworker.pk), "leader": str(case.caseworker.pk)},
    )
    assert response.status_code == 200
    assert "miljøterapeut" in visible(main_of(response)).lower()
    assert not Series.objects.filter(measure=ntt).exists()


def test_the_duration_hint_on_the_preparation_page_is_the_kinds(case: Case, service: Service) -> None:
    kind = MeasureKind.FAMILY_GROUP_CONFERENCE
    series = go_ahead(start(case, kind=kind, leader=leader_for(kind, service)))
    meeting = plan(series)
    page = main_of(client_for(case.caseworker).get(url("prepare", series, meeting.pk)))
    assert "Et familieråd varer vanligvis rundt 4 timer (240 minutter)." in page
    assert 'id="section-speech"' not in page  # a conference has no network speech
    assert meeting.duration_minutes == 240
