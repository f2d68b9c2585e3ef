"""The meeting guide for the leader: the network spiral's phases (from the taxonomy) with what the leader does
in each, the reflecting team and the action plan at the end, and circular questions to ask."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

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


@dataclass(frozen=True)
class GuideStep:
    number: int
    key: str
    label: str
    summary: str
    tasks: list[str]
    spiral: bool  # one of the network spiral's phases

    @property
    def anchor(self) -> str:
        return f"step-{self.key}"


def _label(phase: dict[str, Any]) -> str:
    language = (get_language() or "nb").split("-")[0]
    return str(phase.get(language) or phase.get("en") or phase["key"])


def guide_steps() -> list[GuideStep]:
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
            )
        )
    return steps


def circular_questions(*, child: str) -> list[str]:
    return [str(q) % {"child": child} for q in CIRCULAR_QUESTIONS]
