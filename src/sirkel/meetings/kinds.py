"""How Sirkel runs each network measure with a guided process: one description per kind, in one place.

The kinds themselves (keys, labels, SSB codes) are the taxonomy's; this table adds only how Sirkel runs
each one — who leads it and what that role is called, what its meetings are called, which steps and
preparation items apply, which guide the leader follows, what the letters say it is — so that the views,
services, letters and documents are shared, not copied. A page or letter asks `kind_config(series.kind)`
instead of testing the kind itself.

The flows:

- `meetings`: a series of meetings with participants, attendance, notes and actions (network meeting,
  start meeting, family group conference, NTT's steering group, responsibility group, individual plan);
- `phases`: the natural mentor's four phases, each with its own page, date and notes;
- `engagement`: the resource person's engagement (role, hours, what they do with whom), and the dilemma
  of what happens to the relationship when the paid measure ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sirkel.cases.models import MeasureKind
from sirkel.taxonomy import measures as measure_taxonomy


class Flow(StrEnum):
    MEETINGS = "meetings"
    PHASES = "phases"
    ENGAGEMENT = "engagement"


class LeaderPool(StrEnum):
    """Where the person who leads is chosen from."""

    TRAINED = "trained"  # the register of trained meeting leaders (own service, or shared by another)
    COORDINATORS = "coordinators"  # the service's family group conference coordinators (narrow accounts)
    STAFF = "staff"  # the service's own staff (environmental therapist, coordinator of a group)
    NONE = "none"  # nobody leads: the measure is carried by a person from the network (`Series.person`)


class Guide(StrEnum):
    SPIRAL = "spiral"  # the network spiral's phases, the reflecting team and the action plan
    CONFERENCE = "conference"  # the family group conference's three parts
    STEERING_GROUP = "steering_group"  # NTT's steering group meeting
    AGENDA = "agenda"  # a short meeting of mostly public services: round, decisions, actions
    NONE = "none"


# The preparation checklist's items (see services/checklist.py); a kind lists those that apply.
ALL_PREPARATION = frozenset(
    {
        "purpose",
        "consent",
        "invitations",
        "balance",
        "parents",
        "child",
        "interpreter",
        "speech",
        "time",
        "sent",
    }
)

# A short meeting of mostly public services: no network speech, no balance of private and public, no
# child's participation plan of its own.
COLLABORATION_PREPARATION = frozenset(
    ("purpose", "consent", "invitations", "parents", "interpreter", "time", "sent")
)


@dataclass(frozen=True)
class KindConfig:
    kind: str
    flow: Flow
    leader_label: Promise  # what the person leading it is called: the form field's label
    leader_pool: LeaderPool
    needs_leader: bool  # someone who is not the caseworker must lead before a meeting is planned
    default_minutes: int  # default meeting length
    meeting_label: Promise  # the first meeting ("Network meeting", "Family group conference", …)
    follow_up_label: Promise  # a later meeting
    meetings_heading: Promise  # the series page's heading for its meetings
    about_heading: Promise  # the letter's heading over `about`: "What is a network meeting?"
    about: tuple[Promise, ...]  # what it is, in plain words for the people invited; may use %(duration)s
    guide: Guide
    screening: bool  # screened for suitability before it starts
    preparation: frozenset[str] = ALL_PREPARATION
    person_label: Promise | None = (
        None  # the person from the network who carries it (mentor, resource person)
    )
    reflecting_team: bool = False  # the meeting has a reflecting team (the network meeting's method)
    conference_parts: bool = False  # attendance per part, private family time, the family's plan
    therapist_contacts: bool = False  # contacts between meetings recorded against the goals (NTT)
    # A fixed series: the series page sets how often it meets (`Series.meeting_every_weeks`), and the next
    # meeting is proposed that many weeks after the last (services/cadence.py).
    fixed_cadence: bool = False
    shows_plan_goals: bool = False  # the series page lists the measure's goals in the case's measure plan
    investigation_only: bool = False  # e.g. start meetings, held during the investigation
    screening_cautions: tuple[str, ...] = field(default=())  # extra screening fields shown for this kind
    # What must be recorded before the measure may end (services/engagement.py `missing_before_end`):
    # "after_end", the resource person's answer to what happens when the paid measure ends.
    ends_needs: frozenset[str] = frozenset()

    @property
    def ssb_code(self) -> str:
        """Statistics Norway's measure code, from the taxonomy ("" where none exists)."""
        return measure_taxonomy.ssb_code(self.kind)

    @property
    def label(self) -> Promise | str:
        return measure_taxonomy.kind_label(self.kind)

    @property
    def has_meetings(self) -> bool:
        return self.flow == Flow.MEETINGS

    def meeting_name(self, meeting_kind: str) -> str:
        """What a meeting of this kind is called: its first ("Family group conference") or a later one
        ("Follow-up conference"), by `Meeting.kind` ("first" or "follow_up")."""
        return str(self.follow_up_label if meeting_kind == "follow_up" else self.meeting_label)


_CONFIDENTIAL = _(
    "What is said in the meeting stays in the meeting. Helpers from public services have a duty of "
    "confidentiality, and may only speak freely in the meeting if the parents agree. We ask everyone "
    "to keep what they hear to themselves."
)

_NETWORK_MEETING_ABOUT = (
    _(
        "A network meeting is a meeting where the family's own network – relatives, friends and others "
        "who matter – and the helpers from school, health services and the child welfare service meet "
        "together. It lasts %(duration)s, with breaks."
    ),
    _(
        "We sit in a circle, without tables. A trained meeting leader leads the meeting. "
        "The leader does not work with the family's case."
    ),
    _(
        "Everyone gets the chance to say how they see things. There are no wrong answers, and you do not "
        "need to prepare anything."
    ),
    _(
        "Towards the end, the child welfare service talks together about what they heard while everyone "
        "listens. The meeting ends with a plan: what each of us will do, and by when."
    ),
    _CONFIDENTIAL,
)


KINDS: dict[str, KindConfig] = {
    MeasureKind.NETWORK_MEETING: KindConfig(
        MeasureKind.NETWORK_MEETING,
        flow=Flow.MEETINGS,
        leader_label=_("Meeting leader"),
        leader_pool=LeaderPool.TRAINED,
        needs_leader=True,
        default_minutes=180,
        meeting_label=_("Network meeting"),
        follow_up_label=_("Follow-up meeting"),
        meetings_heading=_("Meetings"),
        about_heading=_("What is a network meeting?"),
        about=_NETWORK_MEETING_ABOUT,
        guide=Guide.SPIRAL,
        screening=True,
        reflecting_team=True,
    ),
    MeasureKind.START_MEETING: KindConfig(
        MeasureKind.START_MEETING,
        flow=Flow.MEETINGS,
        leader_label=_("Meeting leader"),
        leader_pool=LeaderPool.TRAINED,
        needs_leader=True,
        default_minutes=180,
        meeting_label=_("Start meeting"),
        follow_up_label=_("Follow-up meeting"),
        meetings_heading=_("Meetings"),
        about_heading=_("What is a start meeting?"),
        about=(
            _(
                "A start meeting is a network meeting held while the child welfare service investigates: the "
                "family's own network and the helpers meet together early, so the investigation and any help "
                "build on what the family and their network can do. It lasts %(duration)s, with breaks."
            ),
            *_NETWORK_MEETING_ABOUT[1:],
        ),
        guide=Guide.SPIRAL,
        screening=True,
        reflecting_team=True,
        investigation_only=True,
    ),
    MeasureKind.FAMILY_GROUP_CONFERENCE: KindConfig(
        MeasureKind.FAMILY_GROUP_CONFERENCE,
        flow=Flow.MEETINGS,
        leader_label=_("Coordinator"),
        leader_pool=LeaderPool.COORDINATORS,
        needs_leader=True,
        default_minutes=240,
        meeting_label=_("Family group conference"),
        follow_up_label=_("Follow-up conference"),
        meetings_heading=_("Conferences"),
        about_heading=_("What is a family group conference?"),
        about=(
            _(
                "A family group conference is a meeting where the family and their own network – relatives, "
                "friends and others who matter – make a plan for the child together. It lasts %(duration)s, "
                "with breaks."
            ),
            _(
                "An independent coordinator, who does not work for the child welfare service, prepares the "
                "conference with the family and leads it. The child and the parents decide whom to invite."
            ),
            _(
                "The conference has three parts. First, the child welfare service and other helpers say what "
                "they know and answer questions. Then the family and the network talk alone, without any "
                "helpers in the room, and write their own plan. At the end, the coordinator and the child "
                "welfare service come back and go through the plan with the family."
            ),
            _(
                "The child welfare service approves the family's plan as a rule, as long as the child is "
                "safe. If anything in it cannot be approved, the service says why, in writing."
            ),
            _CONFIDENTIAL,
        ),
        guide=Guide.CONFERENCE,
        screening=True,
        preparation=frozenset(
            {"questions", "consent", "invitations", "parents", "child", "interpreter", "time", "sent"}
        ),
        conference_parts=True,
    ),
    MeasureKind.NATURAL_MENTOR: KindConfig(
        MeasureKind.NATURAL_MENTOR,
        flow=Flow.PHASES,
        leader_label=_("Contact in the service"),
        leader_pool=LeaderPool.NONE,
        needs_leader=False,
        default_minutes=90,
        meeting_label=_("Mentor meeting"),
        follow_up_label=_("Mentor meeting"),
        meetings_heading=_("Phases"),
        about_heading=_("What is a mentor from your own network?"),
        about=(
            _(
                "A mentor is a grown-up the young person trusts and chooses from their own network, who "
                "agrees to be there for them. The child welfare service helps the mentor, the young person "
                "and the parents to agree on how they work together."
            ),
        ),
        guide=Guide.NONE,
        screening=False,
        preparation=frozenset({"consent", "time"}),
        person_label=_("Mentor"),
    ),
    MeasureKind.NTT: KindConfig(
        MeasureKind.NTT,
        flow=Flow.MEETINGS,
        leader_label=_("Environmental therapist"),
        leader_pool=LeaderPool.STAFF,
        needs_leader=False,
        default_minutes=120,
        meeting_label=_("Steering group meeting"),
        follow_up_label=_("Steering group meeting"),
        meetings_heading=_("Steering group meetings"),
        about_heading=_("What is a steering group meeting?"),
        about=(
            _(
                "In the network-therapeutic measure (NTT) the family, their own network and the helpers meet "
                "regularly in a steering group. It lasts %(duration)s."
            ),
            _(
                "The steering group agrees on goals and who does what. Between the meetings, environmental "
                "therapists work with the family on the goals, and the next meeting looks at how it went."
            ),
            _CONFIDENTIAL,
        ),
        guide=Guide.STEERING_GROUP,
        screening=True,
        preparation=frozenset(
            {
                "purpose",
                "consent",
                "invitations",
                "balance",
                "parents",
                "child",
                "interpreter",
                "time",
                "sent",
            }
        ),
        therapist_contacts=True,
        fixed_cadence=True,
        screening_cautions=("severe_mental_illness", "heavy_substance_abuse", "little_daily_structure"),
    ),
    MeasureKind.RESOURCE_PERSON: KindConfig(
        MeasureKind.RESOURCE_PERSON,
        flow=Flow.ENGAGEMENT,
        leader_label=_("Contact in the service"),
        leader_pool=LeaderPool.NONE,
        needs_leader=False,
        default_minutes=60,
        meeting_label=_("Meeting with the resource person"),
        follow_up_label=_("Meeting with the resource person"),
        meetings_heading=_("Meetings"),
        about_heading=_("What is a resource person?"),
        about=(
            _(
                "A resource person is someone paid by the child welfare service to give the family "
                "respite, guidance or both, in the way that suits this family. Often it is someone who "
                "becomes part of the family's own network."
            ),
        ),
        guide=Guide.NONE,
        screening=False,
        preparation=frozenset({"consent", "time"}),
        person_label=_("Resource person"),
        ends_needs=frozenset({"after_end"}),
    ),
    MeasureKind.RESPONSIBILITY_GROUP: KindConfig(
        MeasureKind.RESPONSIBILITY_GROUP,
        flow=Flow.MEETINGS,
        leader_label=_("Coordinator"),
        leader_pool=LeaderPool.STAFF,
        needs_leader=False,
        default_minutes=60,
        meeting_label=_("Responsibility group meeting"),
        follow_up_label=_("Responsibility group meeting"),
        meetings_heading=_("Responsibility group meetings"),
        about_heading=_("What is a responsibility group?"),
        about=(
            _(
                "A responsibility group is where the services that help the child – such as school, health "
                "services and the child welfare service – meet with the family to coordinate. It lasts "
                "%(duration)s."
            ),
            _(
                "A coordinator leads the group. We go through how things are, agree on what each of us does, "
                "and follow it up at the next meeting."
            ),
            _CONFIDENTIAL,
        ),
        guide=Guide.AGENDA,
        screening=False,
        preparation=COLLABORATION_PREPARATION,
        fixed_cadence=True,
        shows_plan_goals=True,
    ),
    MeasureKind.INDIVIDUAL_PLAN: KindConfig(
        MeasureKind.INDIVIDUAL_PLAN,
        flow=Flow.MEETINGS,
        leader_label=_("Coordinator"),
        leader_pool=LeaderPool.STAFF,
        needs_leader=False,
        default_minutes=60,
        meeting_label=_("Individual plan meeting"),
        follow_up_label=_("Individual plan meeting"),
        meetings_heading=_("Meetings about the individual plan"),
        about_heading=_("What is an individual plan?"),
        about=(
            _(
                "An individual plan brings together the help the child gets from different services, with "
                "goals and who does what. It lasts %(duration)s."
            ),
            _(
                "A coordinator makes sure the plan is made and followed up. We meet to agree on the plan and "
                "to see how it goes."
            ),
            _CONFIDENTIAL,
        ),
        guide=Guide.AGENDA,
        screening=False,
        preparation=COLLABORATION_PREPARATION,
        fixed_cadence=True,
        shows_plan_goals=True,
    ),
}


def kind_config(kind: str) -> KindConfig:
    return KINDS[kind]


def has_process(kind: str) -> bool:
    """Whether measures of this kind run as a `Series` (screening, consent, meetings, actions)."""
    return kind in KINDS


def process_kind_choices() -> list[tuple[str, Promise | str]]:
    """The kinds a network measure can be started as, labelled from the taxonomy, in its order."""
    return [(key, label) for key, label in measure_taxonomy.kind_choices() if key in KINDS]


def in_sentence(label: object) -> str:
    """A label as it reads inside a sentence: the first letter lower-cased ("Coordinator" → "coordinator"),
    unless the label starts with an abbreviation ("NTT")."""
    text = str(label)
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]
