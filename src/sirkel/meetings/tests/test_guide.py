"""The leader's meeting guide: the network spiral's phases from the taxonomy in the reader's language, what
the leader does in each, the network speech and the waiver at the opening, circular questions, the child's
plan, and a page that needs nothing from the network once it is loaded."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from sirkel.accounts.models import User
from sirkel.cases.models import Case
from sirkel.meetings import guide
from sirkel.meetings.models import ChildParticipation, Meeting, Series
from sirkel.meetings.services import preparation
from sirkel.meetings.tests.meeting_support import invite_family, plan_soon
from sirkel.meetings.tests.preparation_support import meeting_leader, ready_series
from sirkel.taxonomy.loader import load
from sirkel.testing.fixtures import client_for

__all__ = ["meeting_leader"]  # fixtures used by name

SPEECH = "Vi har bedt dere hit fordi Emma trenger flere voksne rundt seg."


@pytest.fixture
def series(case: Case, meeting_leader: User) -> Series:
    return ready_series(case, meeting_leader)


@pytest.fixture
def meeting(series: Series) -> Meeting:
    meeting = plan_soon(series)
    for section, values in (
        ("speech", {"network_speech": SPEECH, "network_speech_by": "Mormor Kari"}),
        (
            "child",
            {
                "child_talked_with": True,
                "child_participation": ChildParticipation.PART,
                "child_support_person": "Tante Tove",
                "child_wants_said": "Jeg vil at mamma og pappa slutter å krangle.",
                "child_may_leave": True,
            },
        ),
    ):
        meeting = preparation.save_preparation_section(
            acting_user=series.caseworker,
            meeting=meeting,
            section=section,
            values=values,
            version=meeting.version,
        )
    return meeting


def open_guide(client: Client, meeting: Meeting) -> str:
    response = client.get(
        reverse("meetings:guide", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk])
    )
    assert response.status_code == 200
    return response.content.decode()


def test_the_steps_follow_the_spiral_then_the_reflecting_team_and_the_plan() -> None:
    phases = load("network")["network_spiral_phases"]
    with translation.override("en"):
        steps = guide.guide_steps()
    assert [s.key for s in steps] == [p["key"] for p in phases] + ["reflecting_team", "action_plan"]
    assert [s.label for s in steps[: len(phases)]] == [p["en"] for p in phases]
    assert all(s.tasks for s in steps)  # the leader is told what to do in every step
    assert [s.number for s in steps] == list(range(1, len(steps) + 1))


def test_phase_labels_follow_the_language() -> None:
    phases = load("network")["network_spiral_phases"]
    with translation.override("nb"):
        labels = [s.label for s in guide.guide_steps()]
    assert labels[: len(phases)] == [p["nb"] for p in phases]


def test_there_are_10_to_15_circular_questions_naming_the_child() -> None:
    questions = guide.circular_questions(child="Emma")
    assert 10 <= len(questions) <= 15
    assert len(set(questions)) == len(questions)
    assert any("Emma" in q for q in questions)
    assert not any("%(" in q for q in questions)


@pytest.mark.django_db
def test_the_guide_shows_the_speech_the_waiver_and_the_childs_plan(
    meeting: Meeting, meeting_leader: User
) -> None:
    invite_family(meeting)
    client = client_for(meeting_leader)
    client.cookies["django_language"] = "en"
    text = open_guide(client, meeting)
    opening = text.split('id="step-retribalisation"', 1)[1].split('id="step-polarisation"', 1)[0]
    assert SPEECH in opening and "Mormor Kari" in opening
    assert "Lars Lærer" in opening and "not released: may not share confidential information" in opening
    assert "Jeg vil at mamma og pappa slutter å krangle." in text
    assert "Tante Tove" in text and "Takes part some of the time" in text
    assert "If the school were here, what would they say has changed?" in text
    assert "Who in the family worries most about Emma, and who worries least?" in text
    for phase in load("network")["network_spiral_phases"]:
        assert f'id="step-{phase["key"]}"' in text and phase["en"] in text


@pytest.mark.django_db
def test_the_guide_loads_nothing_from_elsewhere_and_marks_the_phase_in_the_address(
    meeting: Meeting, caseworker: User
) -> None:
    text = open_guide(client_for(caseworker), meeting)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text)  # no external assets
    assert '<meta name="viewport"' in text
    # Every step can be marked as the current one through its own address; nothing is stored.
    for step in guide.guide_steps():
        assert f'href="#{step.anchor}" data-step-link' in text
    assert "hx-" not in text.split('<div class="guide">', 1)[1]  # no requests from within the guide
