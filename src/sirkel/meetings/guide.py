"""The meeting guide for the person who leads, one per kind's `guide` (kinds.py): the network spiral's phases
(from the taxonomy) with what the leader does in each, the reflecting team and the action plan at the end,
and circular questions to ask; the family group conference's three parts; NTT's steering group meeting;
and the short agenda of a responsibility group or an individual plan. Each guide is a table of steps
(`GUIDE_TABLES`); the page (views/guide.py, guide.html) is the same for all."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sirkel.meetings.kinds import Guide
from sirkel.taxonomy.loader import load

# The step that opens the meeting: the guide shows the network speech and the waiver there.
OPENING = "retribalisation"
REFLECTING_TEAM = "reflecting_team"
ACTION_PLAN = "action_plan"

# What the leader does in each phase, in plain words. Keyed by the taxonomy's phase keys; a phase the
# taxonomy adds later without an entry here is shown with its label and note only.
PHASES: dict[str, tuple[Promise, tuple[Promise, ...]]] = {
    "retribalisation": (
        _(
            "The network gathers. The phase starts with the invitation and lasts until everyone has said how"
            " they see things."
        ),
        (
            _(
                "Welcome everyone. Sit in a circle, without a table. Say that you lead the meeting and do "
                "not work with the case."
            ),
            _(
                "The network speech: the parent, or the support person they chose, says why this meeting is "
                "held."
            ),
            _("Say the purpose of the meeting, how long it lasts and when the breaks are."),
            _(
                "Presentation round: everyone says who they are, how they know the family and how they see "
                "the situation now. Let everyone finish; no discussion yet."
            ),
            _(
                "Say how information from the meeting is handled: what is written down, who gets the "
                "minutes, and that the service's internal notes are never shared."
            ),
            _(
                "Hand round the waiver. The parents (and a youth from 15) decide which public participants "
                "may speak freely in this meeting."
            ),
            _(
                "Remind everyone that what is said here stays here. The family's own network has a moral "
                "duty of confidentiality."
            ),
        ),
    ),
    "polarisation": (
        _(
            "Different views come out. This gives the meeting energy: it is not a sign that it is going "
            "wrong."
        ),
        (
            _("Invite the differences: ask those who see things differently to say so."),
            _("Use circular questions, so people talk about relationships rather than blame."),
            _("Protect the child and the parents: stop personal attacks, and take a break if needed."),
        ),
    ),
    "mobilisation": (
        _("Proposals for solutions come, often unrealistic ones."),
        (
            _("Let the discussion run. Do not judge the proposals yet."),
            _("Write every proposal where everyone can see it."),
            _("Ask the child, or say what the child wanted said."),
        ),
    ),
    "depression": (
        _(
            "The group sees that the first solutions will not work. The pain must be tolerated; a common "
            "understanding grows."
        ),
        (
            _("Stay calm and let the silence be. Do not rescue the group with solutions of your own."),
            _("Sum up what the group now understands together."),
            _("Check on the child and the parents, and offer a break."),
        ),
    ),
    "breakthrough": (
        _('Realistic proposals and a sense of "we": people take on shared responsibility.'),
        (
            _("Help the group make the proposals concrete: what, who and by when."),
            _("Make sure the load is shared, and that the family's own network carries part of it."),
        ),
    ),
    "exhaustion_elation": (
        _("The network feels it has been useful; the family accepts solutions that fit them."),
        (
            _("Acknowledge the work everyone has done."),
            _("Ask the family whether the solutions fit them."),
        ),
    ),
}

CLOSING_STEPS: tuple[tuple[str, Promise, Promise, tuple[Promise, ...]], ...] = (
    (
        REFLECTING_TEAM,
        _("The reflecting team (meeting in the meeting)"),
        _(
            "Near the end, the child welfare staff talk together about what they heard while everyone else "
            "listens."
        ),
        (
            _("Ask everyone else to listen without answering. They get the word afterwards."),
            _(
                "The staff talk to each other, not to the family: what they heard, what they think, and how "
                "they see the way forward."
            ),
            _("Afterwards, ask the family what they thought when they heard it."),
        ),
    ),
    (
        ACTION_PLAN,
        _("Decisions and the action plan"),
        _(
            "Decisions about further work are made in the meeting. Without committed follow-up, plans are "
            "not carried out."
        ),
        (
            _("Read out the decisions, so everyone hears the same."),
            _("For each action: what, who, by when, and what support it gives."),
            _("Agree who follows up the whole plan, and when the next meeting is."),
            _("Thank everyone, and say when the minutes will come."),
        ),
    ),
)

# Circular questions: each asks about relationships and other people's views, which opens up the talk
# without putting one person on the spot. %(child)s is the child's given name.
CIRCULAR_QUESTIONS: list[Promise] = [
    _("Who in the family worries most about %(child)s, and who worries least?"),
    _("If the school were here, what would they say has changed?"),
    _("What would %(child)s say is the best thing about home right now?"),
    _("When things go well at home, who notices it first?"),
    _("Who does %(child)s go to when something is hard? Who would %(child)s like to go to?"),
    _("If the parents agreed about one thing, what would it be?"),
    _("Who in the network has helped before, and what did they do that helped?"),
    _("What would have to happen for the family to need the child welfare service less?"),
    _("If we met again in six months and things were better, what would be different?"),
    _("Who is most surprised by what has been said today, and who is least surprised?"),
    _("How do you think the others in the circle see your part in this?"),
    _("What do you think %(child)s hopes this meeting will lead to?"),
    _("Who could help the most with the least effort?"),
    _("When the grown-ups disagree, what does %(child)s do?"),
]


# What a step shows besides its tasks (guide.html): the network speech and the waiver at the opening, the
# conference's questions, the measure's goals, and a link to write the decisions or the family's plan.
SPEECH = "speech"
WAIVER = "waiver"
QUESTIONS = "questions"
GOALS = "goals"
DECISIONS = "decisions"
FAMILY_PLAN = "family_plan"


@dataclass(frozen=True)
class StepText:
    key: str
    label: Promise
    summary: Promise
    tasks: tuple[Promise, ...]
    shows: frozenset[str] = frozenset()


# The family group conference in three parts (the national handbook; DOMAIN.md "Other network measures").
CONFERENCE_STEPS = (
    StepText(
        "information",
        _("Part 1: Information"),
        _(
            "The coordinator, the public services invited, the family and their own network are together. "
            "The family hears what the services know, and the questions the conference is to answer."
        ),
        (
            _(
                "Welcome everyone. Say that you are independent: you do not work for the child welfare "
                "service, and you do not take sides."
            ),
            _("Go through the three parts and the breaks, and that the family will have time alone."),
            _("The caseworker reads the short description of the situation and the questions."),
            _(
                "The services say what they know, what they can offer, and what must be in place for the "
                "child to be safe. The family may ask about anything."
            ),
            _(
                "Make sure the child and the support person get to speak, or that what the child wants said "
                "is said."
            ),
            _("Remind everyone that what is said here stays here."),
        ),
        frozenset({WAIVER, QUESTIONS}),
    ),
    StepText(
        "family_time",
        _("Part 2: Private family time"),
        _(
            "The family and their own network talk alone and write their own plan. No one from the services "
            "is in the room."
        ),
        (
            _(
                "Leave the room together with everyone from the services. Say where you are if the family "
                "needs help."
            ),
            _("Make sure the family has what it needs: the questions written down, paper, food and breaks."),
            _(
                "The family writes the plan in its own words: what, who and by when, and what happens if the "
                "plan does not work."
            ),
            _("Only the family and their own network are recorded as present in this part."),
        ),
        frozenset({QUESTIONS}),
    ),
    StepText(
        "plan",
        _("Part 3: The family's plan"),
        _(
            "The coordinator and the child welfare service join the family again. The family presents its "
            "plan, and the service decides on it."
        ),
        (
            _("Let the family present the plan as they wrote it. Write it down in their words."),
            _("The child welfare service approves the plan as a rule, as long as the child is safe."),
            _(
                "If something cannot be approved, or must be changed, the service says why in writing, and "
                "the family hears the reason."
            ),
            _("Agree who follows up the plan, and whether and when there is a follow-up conference."),
            _("Thank everyone, and say when the minutes will come."),
        ),
        frozenset({FAMILY_PLAN}),
    ),
)

# NTT's steering group meeting: the same structure every time (Briseid & Brottveit 2007, in the study).
STEERING_GROUP_STEPS = (
    StepText(
        "round",
        _("Round on the goals"),
        _("Everyone says how things have gone with the goals since the last meeting."),
        (
            _("Welcome the family, their own network and the public partners."),
            _("Go through the goals one by one. Ask the family first."),
            _("Let everyone, also the family's own network, say what they have seen."),
        ),
        frozenset({WAIVER, GOALS}),
    ),
    StepText(
        "between_meetings",
        _("What the environmental therapists did"),
        _(
            "The environmental therapists tell what they worked on with the family between the meetings, "
            "goal by goal."
        ),
        (
            _("Go through the contacts recorded against each goal."),
            _("Ask the family how the work was for them: what helped, and what did not."),
        ),
    ),
    StepText(
        "next_period",
        _("Goals and who does what until the next meeting"),
        _("The steering group agrees on the goals for the next period and who does what."),
        (
            _("Adjust the goals if the family's situation has changed."),
            _("For each action: what, who and by when."),
            _(
                "Agree what the environmental therapists will work on with the family, and what the family's "
                "own network takes on."
            ),
        ),
        frozenset({DECISIONS}),
    ),
    StepText(
        "next_meeting",
        _("The date of the next meeting"),
        _("The steering group meets in a fixed series. Agree on the date now."),
        (
            _("Set the date, time and place of the next steering group meeting."),
            _("Thank everyone, and say when the minutes will come."),
        ),
    ),
)

# A short meeting of mostly public services: a responsibility group, or a meeting about an individual plan.
AGENDA_STEPS = (
    StepText(
        "round",
        _("Round"),
        _("Everyone says who they are and what they bring from their service."),
        (
            _("Welcome everyone. Go through the agenda and how long the meeting lasts."),
            _("Presentation round: who you are, and your part in the help for the child."),
            _("Ask the child and the parents first how things are."),
        ),
        frozenset({WAIVER}),
    ),
    StepText(
        "status",
        _("Status per goal"),
        _("Go through the goals one by one: how it is going, and what was done since the last meeting."),
        (
            _("For each goal: what has been done, and what the child and the parents say about it."),
            _("Follow up the actions agreed last time: done, under way, or not done and why."),
        ),
        frozenset({GOALS}),
    ),
    StepText(
        "decisions",
        _("Decisions"),
        _("Agree on what is decided, so everyone hears the same."),
        (
            _("Sum up each decision aloud."),
            _("Write down what the child and the parents think about the decisions."),
        ),
    ),
    StepText(
        "actions",
        _("Actions with owners"),
        _("Every action has someone responsible and a deadline."),
        (
            _("For each action: what, who and by when."),
            _("The coordinator makes sure the actions are followed up."),
        ),
        frozenset({DECISIONS}),
    ),
    StepText(
        "next_meeting",
        _("Next meeting"),
        _("Agree when the group meets next."),
        (
            _("Set the date, time and place of the next meeting."),
            _("Agree who sends the minutes, and when."),
        ),
    ),
)

GUIDE_TABLES: dict[Guide, tuple[StepText, ...]] = {
    Guide.CONFERENCE: CONFERENCE_STEPS,
    Guide.STEERING_GROUP: STEERING_GROUP_STEPS,
    Guide.AGENDA: AGENDA_STEPS,
}


@dataclass(frozen=True)
class GuideStep:
    number: int
    key: str
    label: str
    summary: str
    tasks: list[str]
    spiral: bool  # one of the network spiral's phases
    shows: frozenset[str] = field(default=frozenset())

    @property
    def anchor(self) -> str:
        return f"step-{self.key}"


def _label(phase: dict[str, Any]) -> str:
    language = (get_language() or "nb").split("-")[0]
    return str(phase.get(language) or phase.get("en") or phase["key"])


def has_guide(guide: str) -> bool:
    return guide != Guide.NONE


def guide_steps(guide: str = Guide.SPIRAL) -> list[GuideStep]:
    """The steps of a kind's guide (kinds.py `guide`), numbered in order."""
    if guide == Guide.SPIRAL:
        return spiral_steps()
    return [
        GuideStep(
            number=number,
            key=step.key,
            label=str(step.label),
            summary=str(step.summary),
            tasks=[str(t) for t in step.tasks],
            spiral=False,
            shows=step.shows,
        )
        for number, step in enumerate(GUIDE_TABLES[Guide(guide)], start=1)
    ]


def spiral_steps() -> list[GuideStep]:
    """The spiral's phases in the taxonomy's order, then the reflecting team and the action plan."""
    steps: list[GuideStep] = []
    for phase in load("network")["network_spiral_phases"]:
        summary, tasks = PHASES.get(phase["key"], (phase.get("note", ""), ()))
        steps.append(
            GuideStep(
                number=len(steps) + 1,
                key=str(phase["key"]),
                label=_label(phase),
                summary=str(summary),
                tasks=[str(t) for t in tasks],
                spiral=True,
                shows=frozenset({SPEECH, WAIVER}) if phase["key"] == OPENING else frozenset(),
            )
        )
    for key, label, summary, tasks in CLOSING_STEPS:
        steps.append(
            GuideStep(
                number=len(steps) + 1,
                key=key,
                label=str(label),
                summary=str(summary),
                tasks=[str(t) for t in tasks],
                spiral=False,
                shows=frozenset({DECISIONS}) if key == ACTION_PLAN else frozenset(),
            )
        )
    return steps


def circular_questions(*, child: str) -> list[str]:
    return [str(q) % {"child": child} for q in CIRCULAR_QUESTIONS]
