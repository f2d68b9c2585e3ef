"""The service dashboard's figures, computed from plain rows: each figure with the ids behind it.

The selectors (`dashboard_selectors`) read the rows of the cases in scope in a fixed number of queries;
everything here is pure Python over those rows, so the dashboard's number and its drill-down list are the
same ids by construction: a figure's count is `len(figure.ids)`, and a drill-down lists exactly those ids.

Figures count items (network measures, meetings, actions, evaluations). Markers of a good measure are
shares "n of m network measures": `applies` is every measure the marker is asked of (m), `met` those that
meet it (n); the drill-down lists, by default, the measures that do NOT meet it (m − n), which is what a
leader acts on. Every marker is defined once, in `MARKERS`, by a function whose docstring says exactly
what it counts (the page's short description of each, in `dashboard_views.MARKER_TEXT`, says the same).

A network measure is a measure with a guided process (`meetings.Series`); a meeting is *held* when its
status is held, on its recorded day (else its planned day). Markers count every network measure of the
cases in scope, whatever its age; the figures of work now (active measures, overdue actions, follow-ups,
evaluations) count what is open today.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from sirkel.actions.models import ActionStatus
from sirkel.cases.models import LivesWith
from sirkel.evaluation.models import EvaluationStatus
from sirkel.meetings.kinds import kind_config
from sirkel.meetings.models import MeetingStatus, ParticipantRole, SeriesStatus

# Measures still running (as `actions.selectors.due.OPEN_MEASURE_STATUSES`).
OPEN_SERIES = frozenset(
    {SeriesStatus.SCREENING.value, SeriesStatus.PREPARING.value, SeriesStatus.ACTIVE.value}
)
MONTHS = 12  # meetings held per month: this many months, ending with the current one
# Balance: a measure meets it when at least this share of the private and public participants present at
# its meetings held were private.
PRIVATE_SHARE = 1 / 3
PRIVATE_ROLES = frozenset(
    {
        ParticipantRole.MOTHER.value,
        ParticipantRole.FATHER.value,
        ParticipantRole.CHILD.value,
        ParticipantRole.PRIVATE.value,
        ParticipantRole.SUPPORT.value,
    }
)
PUBLIC_ROLES = frozenset({ParticipantRole.PUBLIC.value, ParticipantRole.STAFF.value})
# Lives with: the child does not live with the father.
NOT_WITH_FATHER = frozenset({LivesWith.MOTHER.value, LivesWith.OTHER.value})


# --- The rows ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeriesRow:
    id: int
    measure_id: int
    case_id: int
    kind: str
    status: str
    lives_with: str
    case_needs_interpreter: bool  # the case says the family needs an interpreter or cultural interpreter


@dataclass(frozen=True)
class MeetingRow:
    id: int
    series_id: int
    sequence: int
    status: str
    day: date | None  # held on, else planned for
    child_participation: str
    interpreter_needed: bool
    interpreter_booked: bool
    waiver_signed: bool
    reflecting_team: bool  # the reflecting team's notes are written


@dataclass(frozen=True)
class ParticipantRow:
    meeting_id: int
    role: str
    is_public: bool
    invited: bool
    present: bool  # attended, in person or digitally


@dataclass(frozen=True)
class ConsentRow:
    series_id: int
    given: bool
    given_as: str
    withdrawn: bool
    informed: bool  # what they were told is recorded


@dataclass(frozen=True)
class EvaluationRow:
    id: int
    measure_id: int
    case_id: int
    status: str
    due_on: date
    child_heard: bool  # has a judgement from the child's perspective


@dataclass(frozen=True)
class ActionRow:
    id: int
    series_id: int
    status: str
    due_on: date
    owned: bool  # a network member or a staff member carries it now
    reviewed: bool  # reviewed at a follow-up meeting


@dataclass(frozen=True)
class SnapshotRow:
    case_id: int
    taken_on: date


@dataclass(frozen=True)
class Rows:
    series: list[SeriesRow] = field(default_factory=list)
    meetings: list[MeetingRow] = field(default_factory=list)
    participants: list[ParticipantRow] = field(default_factory=list)
    consents: list[ConsentRow] = field(default_factory=list)
    evaluations: list[EvaluationRow] = field(default_factory=list)
    actions: list[ActionRow] = field(default_factory=list)
    snapshots: list[SnapshotRow] = field(default_factory=list)


class Index:
    """The rows grouped by the measure they belong to, built once for every figure."""

    def __init__(self, rows: Rows, *, today: date) -> None:
        self.rows = rows
        self.today = today
        self.series = {s.id: s for s in rows.series}
        self.by_measure = {s.measure_id: s.id for s in rows.series}
        self.meetings: dict[int, list[MeetingRow]] = defaultdict(list)
        for m in sorted(rows.meetings, key=lambda m: (m.series_id, m.sequence)):
            self.meetings[m.series_id].append(m)
        self.participants: dict[int, list[ParticipantRow]] = defaultdict(list)
        for p in rows.participants:
            self.participants[p.meeting_id].append(p)
        self.consents: dict[int, list[ConsentRow]] = defaultdict(list)
        for c in rows.consents:
            self.consents[c.series_id].append(c)
        self.actions: dict[int, list[ActionRow]] = defaultdict(list)
        for a in rows.actions:
            self.actions[a.series_id].append(a)
        self.evaluations: dict[int, list[EvaluationRow]] = defaultdict(list)
        for e in rows.evaluations:
            if e.measure_id in self.by_measure:
                self.evaluations[self.by_measure[e.measure_id]].append(e)
        self.snapshots: dict[int, list[date]] = defaultdict(list)
        for snap in rows.snapshots:
            self.snapshots[snap.case_id].append(snap.taken_on)

    def held(self, series_id: int) -> list[MeetingRow]:
        return [m for m in self.meetings[series_id] if m.status == MeetingStatus.HELD]

    def not_cancelled(self, series_id: int) -> list[MeetingRow]:
        return [m for m in self.meetings[series_id] if m.status != MeetingStatus.CANCELLED]


# --- Figures -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A count and the ids behind it (of `unit`: series, meeting, action or evaluation)."""

    key: str
    unit: str
    ids: tuple[int, ...]

    @property
    def count(self) -> int:
        return len(self.ids)


def active_measures(ix: Index, *, kind: str | None = None) -> Figure:
    """Network measures still running (screening, preparing or in progress), of `kind` when given."""
    ids = [s.id for s in ix.rows.series if s.status in OPEN_SERIES and (kind is None or s.kind == kind)]
    return Figure("active-measures", "series", tuple(sorted(ids)))


def active_by_kind(ix: Index) -> list[tuple[str, Figure]]:
    """The active network measures per kind, in the order of the taxonomy's kinds, kinds with none left
    out."""
    from sirkel.taxonomy import measures as measure_taxonomy

    kinds = {s.kind for s in ix.rows.series if s.status in OPEN_SERIES}
    return [(k, active_measures(ix, kind=k)) for k in measure_taxonomy.kind_keys() if k in kinds]


def month_window(today: date) -> list[tuple[int, int]]:
    """The last `MONTHS` months as (year, month), oldest first, ending with `today`'s."""
    months = []
    year, month = today.year, today.month
    for _ in range(MONTHS):
        months.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def meetings_held(ix: Index, *, year: int | None = None, month: int | None = None) -> Figure:
    """Meetings held, by the day they were held: in (`year`, `month`) when given, else in the last 12
    months (the current one included)."""
    window = month_window(ix.today)
    wanted = {(year, month)} if year is not None and month is not None else set(window)
    ids = [
        m.id
        for m in ix.rows.meetings
        if m.status == MeetingStatus.HELD
        and m.day is not None
        and (m.day.year, m.day.month) in wanted
        and m.day <= ix.today
    ]
    return Figure("meetings-held", "meeting", tuple(sorted(ids)))


def meetings_per_month(ix: Index) -> list[tuple[tuple[int, int], Figure]]:
    return [((y, m), meetings_held(ix, year=y, month=m)) for y, m in month_window(ix.today)]


def month_range(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def actions_overdue(ix: Index) -> Figure:
    """Actions still open whose due date has passed, on network measures still running (as the case
    page's and the follow-up overview's overdue actions)."""
    ids = [
        a.id
        for a in ix.rows.actions
        if a.status == ActionStatus.OPEN
        and a.due_on < ix.today
        and a.series_id in ix.series
        and ix.series[a.series_id].status in OPEN_SERIES
    ]
    return Figure("actions-overdue", "action", tuple(sorted(ids)))


def followups_unscheduled(ix: Index) -> Figure:
    """Network measures still running whose last meeting (cancelled ones aside) was held, that have open
    actions and no later meeting planned (as the follow-up overview's `unscheduled_followups_q`)."""
    ids = []
    for s in ix.rows.series:
        meetings = ix.not_cancelled(s.id)
        if (
            s.status in OPEN_SERIES
            and meetings
            and meetings[-1].status == MeetingStatus.HELD
            and any(a.status == ActionStatus.OPEN for a in ix.actions[s.id])
        ):
            ids.append(s.id)
    return Figure("followups-unscheduled", "series", tuple(sorted(ids)))


def evaluations_overdue(ix: Index) -> Figure:
    """Evaluations scheduled whose date has passed, of every measure of the cases (as the effect
    overview's list)."""
    ids = [
        e.id for e in ix.rows.evaluations if e.status == EvaluationStatus.SCHEDULED and e.due_on < ix.today
    ]
    return Figure("evaluations-overdue", "evaluation", tuple(sorted(ids)))


# --- Markers of a good measure --------------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """A marker over network measures: `met` of `applies` (both sorted series ids)."""

    key: str
    met: tuple[int, ...]
    applies: tuple[int, ...]

    @property
    def unmet(self) -> tuple[int, ...]:
        met = set(self.met)
        return tuple(i for i in self.applies if i not in met)

    @property
    def percent(self) -> float | None:
        return 100 * len(self.met) / len(self.applies) if self.applies else None


# A marker: for one network measure, None when it is not asked of it, else whether it is met.
Test = Callable[[Index, SeriesRow], bool | None]


def network_mapped(ix: Index, s: SeriesRow) -> bool | None:
    """Network mapped before the measure: of the measures with a meeting held, those whose case has a
    saved map of the network (a snapshot) from before the day of the first meeting held."""
    held = [m.day for m in ix.held(s.id) if m.day is not None]
    if not held:
        return None
    first = min(held)
    return any(taken < first for taken in ix.snapshots[s.case_id])


def balance(ix: Index, s: SeriesRow) -> bool | None:
    """At least one third private participants: of the measures with a meeting held, those where at
    least a third of the participants present at the meetings held were from the private network (the
    family, relatives, friends, the child's support person) rather than the public one (helpers from
    services, the child welfare service). Interpreters are not counted; no one recorded present is not
    met."""
    held = ix.held(s.id)
    if not held:
        return None
    private = public = 0
    for m in held:
        for p in ix.participants[m.id]:
            if not p.present or p.role == ParticipantRole.INTERPRETER:
                continue
            if p.is_public or p.role in PUBLIC_ROLES:
                public += 1
            elif p.role in PRIVATE_ROLES:
                private += 1
    total = private + public
    return total > 0 and private >= PRIVATE_SHARE * total


def _father_invited(ix: Index, s: SeriesRow) -> bool:
    return any(
        p.role == ParticipantRole.FATHER and p.invited
        for m in ix.not_cancelled(s.id)
        for p in ix.participants[m.id]
    )


def fathers_invited(ix: Index, s: SeriesRow) -> bool | None:
    """Father invited: of the measures with a meeting planned or held, those where a father is invited
    (a participant in the father's role) to one of them."""
    if not ix.not_cancelled(s.id):
        return None
    return _father_invited(ix, s)


def fathers_apart(ix: Index, s: SeriesRow) -> bool | None:
    """Father invited, where the child does not live with him: of the measures with a meeting planned or
    held whose child lives with the mother or someone else, those where a father is invited."""
    if not ix.not_cancelled(s.id) or s.lives_with not in NOT_WITH_FATHER:
        return None
    return _father_invited(ix, s)


def child_participation(ix: Index, s: SeriesRow) -> bool | None:
    """The child's participation planned: of the measures with a meeting held, those where every meeting
    held had the child's participation planned (takes part, part of the time, or not)."""
    held = ix.held(s.id)
    if not held:
        return None
    return all(m.child_participation for m in held)


def child_heard(ix: Index, s: SeriesRow) -> bool | None:
    """The child heard at evaluation: of the measures with a closed evaluation, those where a closed
    evaluation has the child's own judgement (a child who was asked and did not want to answer counts as
    heard)."""
    closed = [e for e in ix.evaluations[s.id] if e.status == EvaluationStatus.CLOSED]
    if not closed:
        return None
    return any(e.child_heard for e in closed)


def interpreter_booked(ix: Index, s: SeriesRow) -> bool | None:
    """Interpreter booked when needed: of the measures with a meeting held that needed an interpreter (the
    meeting says so, or the case says the family needs one), those where every such meeting had one
    booked."""
    needing = [m for m in ix.held(s.id) if m.interpreter_needed or s.case_needs_interpreter]
    if not needing:
        return None
    return all(m.interpreter_booked for m in needing)


def real_consent(ix: Index, s: SeriesRow) -> bool | None:
    """Real consent recorded: of the measures with a meeting held, those with a consent that is given, not
    withdrawn, says how it was given (orally or in writing) and what the party was told."""
    if not ix.held(s.id):
        return None
    return any(c.given and not c.withdrawn and c.given_as and c.informed for c in ix.consents[s.id])


def waivers_signed(ix: Index, s: SeriesRow) -> bool | None:
    """Waivers signed: of the measures with a meeting held, those where every meeting held has the waiver
    of confidentiality signed."""
    held = ix.held(s.id)
    if not held:
        return None
    return all(m.waiver_signed for m in held)


def reflecting_team(ix: Index, s: SeriesRow) -> bool | None:
    """Reflecting team held: of the measures of a kind that has one (network and start meetings) with a
    meeting held, those where every meeting held has the reflecting team's notes."""
    held = ix.held(s.id)
    if not held or not kind_config(s.kind).reflecting_team:
        return None
    return all(m.reflecting_team for m in held)


def actions_followed(ix: Index, s: SeriesRow) -> bool | None:
    """Every action owned and followed up: of the measures with actions, those where every action has
    someone carrying it, and every action whose due date has passed was reviewed at a follow-up meeting
    or is no longer open."""
    actions = ix.actions[s.id]
    if not actions:
        return None
    return all(
        a.owned and (a.due_on >= ix.today or a.reviewed or a.status != ActionStatus.OPEN) for a in actions
    )


MARKERS: dict[str, Test] = {
    "network-mapped": network_mapped,
    "balance": balance,
    "fathers-invited": fathers_invited,
    "fathers-apart": fathers_apart,
    "child-participation": child_participation,
    "child-heard": child_heard,
    "interpreter": interpreter_booked,
    "consent": real_consent,
    "waivers": waivers_signed,
    "reflecting-team": reflecting_team,
    "actions-followed": actions_followed,
}


def marker(ix: Index, key: str) -> Share:
    test = MARKERS[key]
    met, applies = [], []
    for s in sorted(ix.rows.series, key=lambda s: s.id):
        answer = test(ix, s)
        if answer is None:
            continue
        applies.append(s.id)
        if answer:
            met.append(s.id)
    return Share(key, tuple(met), tuple(applies))


# --- The dashboard -------------------------------------------------------------------------------------


FIGURES = (
    "active-measures",
    "meetings-held",
    "actions-overdue",
    "followups-unscheduled",
    "evaluations-overdue",
)
SLUGS = frozenset(FIGURES) | frozenset(MARKERS)


@dataclass(frozen=True)
class Dashboard:
    active_by_kind: list[tuple[str, Figure]]
    active: Figure
    per_month: list[tuple[tuple[int, int], Figure]]
    held: Figure
    actions_overdue: Figure
    followups_unscheduled: Figure
    evaluations_overdue: Figure
    markers: list[Share]


def compute(rows: Rows, *, today: date) -> Dashboard:
    ix = Index(rows, today=today)
    return Dashboard(
        active_by_kind=active_by_kind(ix),
        active=active_measures(ix),
        per_month=meetings_per_month(ix),
        held=meetings_held(ix),
        actions_overdue=actions_overdue(ix),
        followups_unscheduled=followups_unscheduled(ix),
        evaluations_overdue=evaluations_overdue(ix),
        markers=[marker(ix, key) for key in MARKERS],
    )


def drilldown_ids(
    rows: Rows,
    *,
    today: date,
    figure: str,
    kind: str | None = None,
    year: int | None = None,
    month: int | None = None,
    met: bool = False,
) -> tuple[str, tuple[int, ...]]:
    """The unit and ids a drill-down lists: exactly the ids behind the dashboard's number (for a marker,
    the measures that do not meet it, or with `met` those that do). Raises KeyError for an unknown one."""
    ix = Index(rows, today=today)
    if figure == "active-measures":
        f = active_measures(ix, kind=kind)
    elif figure == "meetings-held":
        f = meetings_held(ix, year=year, month=month)
    elif figure == "actions-overdue":
        f = actions_overdue(ix)
    elif figure == "followups-unscheduled":
        f = followups_unscheduled(ix)
    elif figure == "evaluations-overdue":
        f = evaluations_overdue(ix)
    else:
        share = marker(ix, figure)  # KeyError for an unknown figure
        return "series", share.met if met else share.unmet
    return f.unit, f.ids


def case_ids(rows: Rows, *, unit: str, ids: Iterable[int]) -> list[int]:
    """The cases the listed items belong to, for the audit."""
    wanted = set(ids)
    series_case = {s.id: s.case_id for s in rows.series}
    if unit == "series":
        found = {series_case[i] for i in wanted if i in series_case}
    elif unit == "meeting":
        found = {series_case[m.series_id] for m in rows.meetings if m.id in wanted}
    elif unit == "action":
        found = {series_case[a.series_id] for a in rows.actions if a.id in wanted}
    else:
        found = {e.case_id for e in rows.evaluations if e.id in wanted}
    return sorted(found)
