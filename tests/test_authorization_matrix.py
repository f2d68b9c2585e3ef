"""The authorization matrix: every route × every role and principal × three objects, against the policy
table below.

The routes come from the URL configuration itself (`django.urls.get_resolver()`, walked recursively), so
a route nobody wrote a policy for fails the suite, and so does a policy entry whose route is gone. This
replaces none of the access tests beside the code; it makes sure no route is forgotten.

How to add a route
------------------
Add one line to `POLICY`, keyed by the route's full name (namespace:name)::

    "api:members": Rule(CASE_VIEW, scope="case"),

- The access rule says who may: `CASE_VIEW`, `CASE_EDIT`, `SERIES_VIEW`, `MEASURE_RUN`, `CASE_LEADER`,
  `REGISTER_KEEPER`, `TOKEN_OWNER` for a route under an object; `ANY_STAFF`, `PUBLIC` or `roles(...)` for
  one without. A rule is a table of the roles and principals allowed for each object, written out below;
  write a new one if none fits, and say in it what the measure leader and the break-glass reader get.
  A route of a network measure (its series, screening, consents, meetings, participants, documents,
  actions) is read with `SERIES_VIEW`, which the measure's leader has; the case and its network register
  with `CASE_VIEW`, which they have not.
- `scope` names the object the route's URL points at (its kwargs), one of `SCOPES`; leave it out for a
  route without object kwargs (a list, an overview, an account page). A route whose kwargs the scope does
  not fill fails with a message saying so; a new kind of object needs an entry in `SCOPES` and an id in
  `_build_objects`.
- `ok` is the answer to whoever may (200 by default; 302 where the route redirects, `SIGN_IN` where it
  signs out, 400 where an empty POST is refused as invalid). Whoever may not gets 404: nothing else is
  accepted for an object one may not see. Anonymous gets the sign-in redirect on pages and 401 on the API
  unless the rule is `PUBLIC` or the entry says `anonymous=...`.
- `method="POST"` for a route that only answers POST (an empty body is sent, without CSRF: the test client
  skips the check). Every other route is asked with GET; `query` adds a query string.
- `write=Write(CASE_EDIT, ok=400)` where the route also takes a write that needs more than its GET (read
  with view rights, saved with edit or run rights): that write is sent too, with an empty body unless
  `data` is given, for every role and object again.

A failing cell is named route-role-object, e.g. `cases:detail-leader-same_service` or
`api:case-break_glass-same_service` (route-role for a route without an object), with the request, its
answer and the policy's.

The world
---------
Service A has one user of each role in `Role`; anonymous is the sixth role. Beside the roles, the two
principals the access policy (`sirkel.cases.access`) knows for staff are cells of their own, as if roles:

- `measure_leader`: a consultant of service B in B's shared pool of trained meeting leaders, chosen
  (through the service, from the register) to lead the `own` case's network-meeting measure, and nothing
  on the other objects. They see and run that measure's series and meetings, and of the network only the
  people invited (the member and tie the routes are asked about are not; the participant is), never the
  case page, its network register and map, snapshots or its other measures;
- `break_glass`: a caseworker of service A with live break-glass access on the `same_service` case only:
  every read of that case, and 404 on every write.

Without an object they get what their role gets (`roles(...)` counts them in). Three objects, each a case
with everything hanging on it (a general measure, a decision that started another and the measure plan's
first version, network members, a tie, a snapshot, a network-meeting measure with its series, consent, a
held first meeting, a planned follow-up with a participant, an action), and a register entry of a trained
meeting leader:

- `own`: owned by A's caseworker, with A's consultant and administrator assigned (the register entry is
  the consultant's own);
- `same_service`: a case in A owned by a teammate, assigned to none of the role users;
- `other_service`: a case in service B.

Each object also has a family group conference measure with its first conference, the family's plan
waiting for the service's decision and one item of it. Own's is coordinated by the coordinator role user
(a narrow account: the conference and its meetings, nothing else of the case).

Beside that conference, no role user leads a measure, nor has broken the glass: those are the two
principals above. Routes
without an object get one cell per role and principal.

The world is built once per module and worker, inside a transaction rolled back at the end; each cell runs
in a savepoint that is rolled back, so a POST that changes data cannot change a later cell's answer. Each
role and principal signs in once (a session, and a read-only and a writing personal access token for the
API); every cell gets a fresh client with them. PDFs are not laid out by WeasyPrint (a second a document):
their template is rendered instead, after the view has decided access as it always does.
"""

from __future__ import annotations

import datetime
import json
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from sirkel.accounts.models import Membership, Role, Service, User
from sirkel.accounts.tokens import create_token
from sirkel.actions import services as action_services
from sirkel.cases.access import case_access, series_access
from sirkel.cases.models import Case, Decision, Goal, ImportJob, Innsyn, MeasureKind, RecipientRole
from sirkel.cases.plans import EntryInput, GoalInput, save_plan
from sirkel.cases.services import break_glass, create_case
from sirkel.core import pdf
from sirkel.evaluation import links as participant_links
from sirkel.evaluation.models import Instrument
from sirkel.evaluation.services import schedule_evaluation
from sirkel.meetings.models import (
    ConsentGivenAs,
    ConsentParty,
    FamilyPlan,
    FamilyPlanItem,
    Meeting,
    MeetingKind,
    MeetingStatus,
    MentorNomination,
    ParticipantRole,
    Series,
    SeriesStatus,
    TherapistContact,
    TrainedLeader,
)
from sirkel.meetings.services import consent as consent_services
from sirkel.meetings.services import leaders as leader_services
from sirkel.meetings.services import participants as participant_services
from sirkel.meetings.services.consent import InformedAbout
from sirkel.network import perspectives as perspective_services
from sirkel.network import services as network_services
from sirkel.network.models import Side
from sirkel.research.models import (
    ZIP_NAME,
    Assignment,
    ExportJob,
    ExportStatus,
    Project,
    ProjectResearcher,
    Registration,
)
from sirkel.research.services import latest_form_version
from sirkel.testing.factories import decide, make_series
from sirkel.testing.fixtures import CASE_DEFAULTS

# --- Roles and objects --------------------------------------------------------------------------------------

CASEWORKER = Role.CASEWORKER.value
CONSULTANT = Role.CONSULTANT.value
LEADER = Role.LEADER.value
RESEARCHER = Role.RESEARCHER.value
ADMINISTRATOR = Role.ADMINISTRATOR.value
COORDINATOR = Role.COORDINATOR.value
ANONYMOUS = "anonymous"
STAFF_ROLES = tuple(r.value for r in Role)
# The two principals the access policy knows beside roles, each a staff user with a role of their own:
# a trained meeting leader of service B (a consultant there) who leads the own case's network-meeting
# measure, and a caseworker of service A with live break-glass access on the same_service case.
MEASURE_LEADER = "measure_leader"
BREAK_GLASS = "break_glass"
PRINCIPALS = {MEASURE_LEADER: CONSULTANT, BREAK_GLASS: CASEWORKER}  # → the role they hold
SIGNED_IN = (*STAFF_ROLES, *PRINCIPALS)
ROLES = (*SIGNED_IN, ANONYMOUS)

OWN = "own"
SAME_SERVICE = "same_service"
OTHER_SERVICE = "other_service"
OBJECTS = (OWN, SAME_SERVICE, OTHER_SERVICE)
NO_OBJECT = "-"  # the object dimension does not apply: lists, overviews, account pages

SIGN_IN = "302 to sign-in"  # the answer of a page to anonymous: a redirect to the sign-in page
Answer = int | str


# --- Access rules: who may, per object ----------------------------------------------------------------------


@dataclass(frozen=True)
class Access:
    """The staff roles that may use a route, for each object (or for `NO_OBJECT`). `anonymous`: the route
    is public, and anonymous gets the same answer as whoever may."""

    name: str
    allowed: Mapping[str, frozenset[str]]
    anonymous: bool = False

    def allows(self, role: str, obj: str) -> bool:
        if role == ANONYMOUS:
            return self.anonymous
        return role in self.allowed.get(obj, frozenset())


def _on_objects(name: str, *, own: set[str], same_service: set[str], other_service: set[str]) -> Access:
    allowed = {OWN: own, SAME_SERVICE: same_service, OTHER_SERVICE: other_service}
    return Access(name, {k: frozenset(v) for k, v in allowed.items()})


def roles(*allowed: str, name: str = "") -> Access:
    """A route without an object, for the roles given (in any of their services). The measure leader and
    the break-glass reader hold a role too, and without an object they get what their role gets."""
    who = {*allowed, *(p for p, role in PRINCIPALS.items() if role in allowed)}
    return Access(name or "roles(" + ", ".join(allowed) + ")", {NO_OBJECT: frozenset(who)})


# Each rule states what the two principals get: the measure leader (of service B, leading own's network
# measure and nothing on the other objects) and the break-glass reader (on same_service only). Where a
# rule leaves one out, that principal gets 404 on every object.
#
# Seeing a case and what hangs on it: need to know (owner or assigned, in a working role) or leading the
# case's service. Researchers see no case; nobody sees another service's. Break-glass reads the case it
# was opened for; the measure leader never sees the case, its register, map or other measures.
CASE_VIEW = _on_objects(
    "CASE_VIEW",
    own={CASEWORKER, CONSULTANT, ADMINISTRATOR, LEADER},
    same_service={LEADER, BREAK_GLASS},
    other_service=set(),
)
# A drill-down of the service dashboard: as the dashboard (a figure of one's own service, whichever object).
DASHBOARD_LIST = _on_objects(
    "DASHBOARD_LIST",
    own={LEADER, CASEWORKER, CONSULTANT, MEASURE_LEADER, BREAK_GLASS},
    same_service={LEADER, CASEWORKER, CONSULTANT, MEASURE_LEADER, BREAK_GLASS},
    other_service={LEADER, CASEWORKER, CONSULTANT, MEASURE_LEADER, BREAK_GLASS},
)
# Changing it: as seeing it, but an administrator only reads, and so does break-glass.
CASE_EDIT = _on_objects(
    "CASE_EDIT",
    own={CASEWORKER, CONSULTANT, LEADER},
    same_service={LEADER},
    other_service=set(),
)
# Seeing a network measure's series and what hangs on it (screening, consents, meetings, participants,
# documents, actions): whoever sees the case, and the measure's leader.
SERIES_VIEW = _on_objects(
    "SERIES_VIEW",
    own={CASEWORKER, CONSULTANT, ADMINISTRATOR, LEADER, MEASURE_LEADER},
    same_service={LEADER, BREAK_GLASS},
    other_service=set(),
)
# Running a measure's meetings (attendance, notes, waiver, answers, actions): whoever may change the case,
# or the measure's leader. Break-glass reads only.
MEASURE_RUN = _on_objects(
    "MEASURE_RUN",
    own={CASEWORKER, CONSULTANT, LEADER, MEASURE_LEADER},
    same_service={LEADER},
    other_service=set(),
)
# A family group conference's own pages (the conference, attendance per part, the family's plan): as
# SERIES_VIEW, and the coordinator role user, who coordinates own's conference through a narrow account
# that sees nothing else of the case. The measure leader leads own's network meeting, not its conference.
CONFERENCE_VIEW = _on_objects(
    "CONFERENCE_VIEW",
    own={CASEWORKER, CONSULTANT, ADMINISTRATOR, LEADER, COORDINATOR},
    same_service={LEADER, BREAK_GLASS},
    other_service=set(),
)
# Recording attendance per part and the family's plan: as MEASURE_RUN, with the conference's coordinator.
CONFERENCE_RUN = _on_objects(
    "CONFERENCE_RUN",
    own={CASEWORKER, CONSULTANT, LEADER, COORDINATOR},
    same_service={LEADER},
    other_service=set(),
)
# The leaders of the case's service only (who has opened the case): neither principal.
CASE_LEADER = _on_objects("CASE_LEADER", own={LEADER}, same_service={LEADER}, other_service=set())
# The register of trained meeting leaders: kept by the service's leaders and administrators (the measure
# leader is a consultant of B, other_service's entry is B's: a reader there, not a keeper).
REGISTER_KEEPER = _on_objects(
    "REGISTER_KEEPER", own={LEADER, ADMINISTRATOR}, same_service={LEADER, ADMINISTRATOR}, other_service=set()
)

# An import of a measure history (its preview, progress and steps): the leaders and administrators of the
# job's service, whoever uploaded it. Neither principal: the measure leader is a consultant of B, and
# break-glass opens a case, not a service's imports.
IMPORT_KEEPER = _on_objects(
    "IMPORT_KEEPER", own={LEADER, ADMINISTRATOR}, same_service={LEADER, ADMINISTRATOR}, other_service=set()
)

# The independent reviewer's own judgement: only the user named as reviewer of the evaluation, which no role
# user nor principal is in this world (the leader names one through the evaluation page): 404 for all.
EVALUATION_REVIEWER = _on_objects("EVALUATION_REVIEWER", own=set(), same_service=set(), other_service=set())
# A service's own rating instrument (own's and same_service's are A's, other_service's B's): changed and
# retired by the leaders of its service only. Neither principal: the measure leader is a consultant of B,
# and break-glass opens a case, not a service's instruments.
INSTRUMENT_KEEPER = _on_objects("INSTRUMENT_KEEPER", own={LEADER}, same_service={LEADER}, other_service=set())

# A personal access token: only its own user may revoke it (the own object's token is the caseworker's):
# neither principal.
TOKEN_OWNER = _on_objects("TOKEN_OWNER", own={CASEWORKER}, same_service=set(), other_service=set())

# A research project's pages: the researchers on the project only (own's project has the researcher role
# user on it; no principal is a researcher).
RESEARCH_TEAM = _on_objects("RESEARCH_TEAM", own={RESEARCHER}, same_service=set(), other_service=set())

ANY_STAFF = roles(*STAFF_ROLES, name="ANY_STAFF")
# Everyone, signed in or not, on every object: a participant's link page (its token is its object) answers
# whoever holds the token, and its session sign-in plays no part.
PUBLIC = Access("PUBLIC", {o: frozenset(SIGNED_IN) for o in (NO_OBJECT, *OBJECTS)}, anonymous=True)


# --- Scopes: which object a route's kwargs point at ---------------------------------------------------------

# kwarg of the URL → the id of the object world's item it takes. "series" is the network-meeting measure
# (its Measure's id, as the URLs take it); "measure" a general measure without a process; "meeting" the
# planned follow-up meeting (it is also the one a review needs).
SCOPES: dict[str, dict[str, str]] = {
    "case": {"case_id": "case"},
    "measure": {"case_id": "case", "measure_id": "measure"},
    "member": {"case_id": "case", "member_id": "member"},
    "tie": {"case_id": "case", "tie_id": "tie"},
    "snapshot": {"case_id": "case", "snapshot_id": "snapshot"},
    "perspective_map": {"case_id": "case", "map_id": "perspective_map"},
    "series": {"case_id": "case", "measure_id": "series"},
    "consent": {"case_id": "case", "measure_id": "series", "consent_id": "consent"},
    "action": {"case_id": "case", "measure_id": "series", "action_id": "action"},
    "meeting": {"case_id": "case", "measure_id": "series", "meeting_id": "meeting"},
    "participant": {
        "case_id": "case",
        "measure_id": "series",
        "meeting_id": "meeting",
        "participant_id": "participant",
    },
    "trained_leader": {"leader_id": "trained_leader"},
    "api_token": {"token_id": "api_token"},
    "decision": {"case_id": "case", "decision_id": "decision"},
    # The family group conference measure, its first conference, its family's plan and the plan's item.
    "conference": {"case_id": "case", "measure_id": "conference"},
    "conference_meeting": {"case_id": "case", "measure_id": "conference", "meeting_id": "conference_meeting"},
    "family_plan": {
        "case_id": "case",
        "measure_id": "conference",
        "meeting_id": "conference_meeting",
        "plan_id": "family_plan",
    },
    "family_plan_item": {
        "case_id": "case",
        "measure_id": "conference",
        "meeting_id": "conference_meeting",
        "plan_id": "family_plan",
        "item_id": "family_plan_item",
    },
    "plan_version": {"case_id": "case", "number": "plan_version"},
    # A copy of the case made for right of access.
    "innsyn": {"case_id": "case", "innsyn_id": "innsyn"},
    # The open evaluation of the general measure.
    "evaluation": {"case_id": "case", "evaluation_id": "evaluation"},
    "import_job": {"job_id": "import_job"},
    # The natural mentor's measure (its phases, by number, and a nomination) and the resource person's.
    "mentor_series": {"case_id": "case", "measure_id": "mentor_series"},
    "mentor_phase": {"case_id": "case", "measure_id": "mentor_series", "number": "mentor_phase"},
    "nomination": {"case_id": "case", "measure_id": "mentor_series", "nomination_id": "nomination"},
    "engagement_series": {"case_id": "case", "measure_id": "engagement_series"},
    # NTT's measure (led, for own, by the measure leader as its environmental therapist) and a contact
    # between its meetings that they recorded.
    "ntt_series": {"case_id": "case", "measure_id": "ntt_series"},
    "instrument": {"instrument_id": "instrument"},
    "contact": {"case_id": "case", "measure_id": "ntt_series", "contact_id": "contact"},
    # A participant link of the network-meeting measure (the aunt's, for her actions), and its token, which
    # is all the public page's URL carries.
    "link": {"case_id": "case", "measure_id": "series", "link_id": "link"},
    "link_token": {"token": "link_token"},
    # The general measure's goal in the plan, and its evaluation (scheduled); the case's service.
    "goal": {"case_id": "case", "measure_id": "measure", "goal_id": "goal"},
    "api_evaluation": {"case_id": "case", "measure_id": "measure", "evaluation_id": "evaluation"},
    "service": {"service_id": "service"},
    # The dashboard's drill-down names a figure, not an object: the same figure on every object, and its
    # service is the user's own (the query string is left out), so each object answers alike.
    "dashboard_figure": {"figure": "dashboard_figure"},
    # A research project (by its short name): own's has the researcher role user on it, the others not.
    "research_project": {"slug": "research_project"},
    # A case file of that project given to a coder: own's to the researcher role user, the others' to a
    # researcher on their project who is no role user. Only the assignment's own coder opens its page.
    "research_assignment": {"slug": "research_project", "assignment_id": "research_assignment"},
    # A finished export of that project (its zip on disk), asked for by its own project's address.
    "export_job": {"slug": "research_project", "job_id": "export_job"},
}


@dataclass(frozen=True)
class Write:
    """The write a route also takes where it needs more than its GET (seen with view rights, saved with
    edit or run rights). `data` is the body, empty unless the route 404s without it."""

    access: Access
    ok: Answer
    method: str = "POST"
    data: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Check:
    """One request per role and object: what is sent, who may, and their answer."""

    method: str
    access: Access
    ok: Answer
    query: str = ""
    data: Mapping[str, str] = field(default_factory=dict)
    anonymous: Answer | None = None

    def expected(self, role: str, obj: str, *, api: bool) -> Answer:
        if role == ANONYMOUS and self.anonymous is not None:
            return self.anonymous
        if self.access.allows(role, obj):
            return self.ok
        if role == ANONYMOUS:
            return 401 if api else SIGN_IN
        return 404


@dataclass(frozen=True)
class Rule:
    access: Access
    scope: str = ""  # a key of SCOPES; "" for a route without object kwargs
    ok: Answer = 200  # the answer to whoever may
    method: str = "GET"  # POST for a route that only answers POST, with an empty body
    query: str = ""
    anonymous: Answer | None = None  # None: the rule's (PUBLIC → ok), else sign-in / 401
    write: Write | None = None

    def objects(self) -> tuple[str, ...]:
        return OBJECTS if self.scope else (NO_OBJECT,)

    def checks(self) -> list[Check]:
        checks = [Check(self.method, self.access, self.ok, self.query, anonymous=self.anonymous)]
        if self.write is not None:
            w = self.write
            checks.append(Check(w.method, w.access, w.ok, data=w.data))
        return checks


# --- The policy table ---------------------------------------------------------------------------------------

POLICY: dict[str, Rule] = {
    # Start page, health, language, accounts
    "home": Rule(PUBLIC, ok=302),  # to the case list (which then asks anonymous to sign in)
    "healthz": Rule(PUBLIC),
    "set_language": Rule(PUBLIC, ok=302, method="POST"),
    "accounts:login": Rule(ANY_STAFF, ok=302, anonymous=200),  # the signed-in are sent on
    "accounts:logout": Rule(PUBLIC, ok=SIGN_IN, method="POST"),
    "accounts:logout_everywhere": Rule(ANY_STAFF, ok=SIGN_IN, method="POST"),
    "accounts:two_factor": Rule(ANY_STAFF, ok=302),  # no authenticator yet: to set-up
    "accounts:two_factor_setup": Rule(ANY_STAFF),
    "accounts:account": Rule(ANY_STAFF),
    # An empty form is drawn again with its errors (200); a token of someone else cannot be revoked.
    "accounts:api_token_create": Rule(ANY_STAFF, write=Write(ANY_STAFF, ok=200)),
    "accounts:api_token_revoke": Rule(TOKEN_OWNER, scope="api_token", ok=302, method="POST"),
    # Cases
    "cases:list": Rule(ANY_STAFF),  # the researcher's is empty
    "cases:create": Rule(roles(CASEWORKER, LEADER)),
    "cases:break_glass": Rule(roles(CASEWORKER, CONSULTANT, ADMINISTRATOR)),
    "cases:break_glass_overview": Rule(roles(LEADER)),
    "cases:detail": Rule(CASE_VIEW, scope="case"),
    "cases:edit": Rule(CASE_EDIT, scope="case"),
    "cases:access_log": Rule(CASE_LEADER, scope="case"),
    "cases:decision_new": Rule(CASE_EDIT, scope="case"),
    "cases:decision": Rule(CASE_VIEW, scope="decision"),
    "cases:plan": Rule(CASE_VIEW, scope="case"),
    "cases:plan_edit": Rule(CASE_EDIT, scope="case"),
    "cases:plan_version": Rule(CASE_VIEW, scope="plan_version"),
    "cases:measure_edit": Rule(CASE_EDIT, scope="measure"),
    "cases:plan_pdf": Rule(CASE_VIEW, scope="case"),  # the measure plan for the family
    # Right of access: only whoever may change the case makes a copy, downloads it and hands it over (an
    # empty POST is an invalid form, drawn again).
    "cases:innsyn": Rule(CASE_EDIT, scope="case", write=Write(CASE_EDIT, ok=200)),
    "cases:innsyn_detail": Rule(CASE_EDIT, scope="innsyn", write=Write(CASE_EDIT, ok=200)),
    "cases:innsyn_pdf": Rule(CASE_EDIT, scope="innsyn"),
    "cases:innsyn_zip": Rule(CASE_EDIT, scope="innsyn"),
    "cases:plan_print": Rule(CASE_VIEW, scope="case"),
    # Importing a measure history: for leaders and administrators (an empty form is drawn again with its
    # errors); confirming queues the import as a background task and redirects to the job's page, which
    # htmx polls for its progress.
    "cases:import_measures": Rule(
        roles(LEADER, ADMINISTRATOR), write=Write(roles(LEADER, ADMINISTRATOR), ok=200)
    ),
    "cases:import_job": Rule(IMPORT_KEEPER, scope="import_job"),
    "cases:import_confirm": Rule(IMPORT_KEEPER, scope="import_job", ok=302, method="POST"),
    # Evaluation (the staff pages): a measure's goal scales (a POST naming no goal of the measure is a bad
    # request), its evaluations, scheduling one; the evaluation page and its forms, each posting to its own
    # URL (an empty form is drawn again with its errors). The leader of the case's service names the
    # reviewer; the reviewer's own judgement is theirs alone, and no role user is a reviewer here (their
    # read-only access while the evaluation is open is tested in evaluation/tests/test_views.py).
    "evaluation:scales": Rule(CASE_VIEW, scope="measure", write=Write(CASE_EDIT, ok=400)),
    "evaluation:measure_evaluations": Rule(CASE_VIEW, scope="measure"),
    "evaluation:schedule": Rule(CASE_EDIT, scope="measure", write=Write(CASE_EDIT, ok=200)),
    "evaluation:detail": Rule(CASE_VIEW, scope="evaluation"),
    "evaluation:levels": Rule(CASE_EDIT, scope="evaluation", method="POST"),
    "evaluation:service_judgement": Rule(CASE_EDIT, scope="evaluation", method="POST"),
    "evaluation:parent_judgement": Rule(CASE_EDIT, scope="evaluation", method="POST"),
    "evaluation:child_view": Rule(CASE_EDIT, scope="evaluation", method="POST"),
    "evaluation:reviewer_judgement": Rule(EVALUATION_REVIEWER, scope="evaluation", method="POST"),
    "evaluation:choose_reviewer": Rule(CASE_LEADER, scope="evaluation", method="POST"),
    "evaluation:close": Rule(CASE_EDIT, scope="evaluation", method="POST"),
    "reviews:mine": Rule(ANY_STAFF),  # the reviewer's own list (empty for everyone here)
    # The network register, snapshots, export and import
    "network:page": Rule(CASE_VIEW, scope="case"),
    "network:map": Rule(CASE_VIEW, scope="case"),
    "network:member_add": Rule(CASE_EDIT, scope="case", ok=302),  # GET: to the form on the page
    "network:member_edit": Rule(CASE_EDIT, scope="member"),
    "network:member_delete": Rule(CASE_EDIT, scope="member"),
    "network:member_move": Rule(CASE_EDIT, scope="member", ok=400, method="POST"),
    "network:tie_add": Rule(CASE_EDIT, scope="case", ok=302),  # GET: to the form on the page
    "network:tie_delete": Rule(CASE_EDIT, scope="tie"),
    "network:snapshots": Rule(CASE_VIEW, scope="case", write=Write(CASE_EDIT, ok=302)),  # takes one
    "network:snapshot_detail": Rule(CASE_VIEW, scope="snapshot"),
    "network:compare": Rule(CASE_VIEW, scope="case"),
    "network:map_print": Rule(CASE_VIEW, scope="case", query="audience=family"),  # the map to print
    "network:snapshot_map": Rule(CASE_VIEW, scope="snapshot", query="audience=network&how=anonymise"),
    "network:export": Rule(CASE_VIEW, scope="case", query="format=csv"),  # the file itself
    "network:import": Rule(CASE_EDIT, scope="case"),
    # Perspective maps: listed and compared with view rights; started (an empty form is drawn again with
    # its errors) and drawn on (an empty change is refused, 400) beside the caseworker with edit rights.
    "network:perspectives": Rule(CASE_VIEW, scope="case", write=Write(CASE_EDIT, ok=400)),
    "network:perspective_draw": Rule(CASE_EDIT, scope="perspective_map", write=Write(CASE_EDIT, ok=400)),
    "network:perspective_compare": Rule(CASE_VIEW, scope="case"),
    # Network measures: the series, screening, consent, the leader register
    "meetings:case_measures": Rule(CASE_VIEW, scope="case"),
    "meetings:start": Rule(CASE_EDIT, scope="case"),
    "meetings:detail": Rule(SERIES_VIEW, scope="series"),
    "meetings:set_leader": Rule(CASE_EDIT, scope="series", ok=302, method="POST"),
    "meetings:end": Rule(CASE_EDIT, scope="series"),
    "meetings:screening": Rule(SERIES_VIEW, scope="series", write=Write(CASE_EDIT, ok=302)),
    "meetings:consent_add": Rule(CASE_EDIT, scope="series"),
    "meetings:consent_withdraw": Rule(MEASURE_RUN, scope="consent"),
    "meetings:leaders": Rule(ANY_STAFF, write=Write(roles(LEADER, ADMINISTRATOR), ok=200)),
    "meetings:leader_edit": Rule(REGISTER_KEEPER, scope="trained_leader"),
    "meetings:my_meetings": Rule(ANY_STAFF),
    # Preparing a meeting and inviting to it
    "meetings:meeting_new": Rule(CASE_EDIT, scope="series"),
    "meetings:prepare": Rule(
        SERIES_VIEW, scope="meeting", write=Write(CASE_EDIT, ok=400, data={"section": "time"})
    ),
    "meetings:participants": Rule(SERIES_VIEW, scope="meeting", write=Write(CASE_EDIT, ok=400)),
    "meetings:participant_new": Rule(CASE_EDIT, scope="meeting", ok=400, method="POST"),
    "meetings:participant_edit": Rule(CASE_EDIT, scope="participant", ok=302, method="POST"),
    "meetings:participant_remove": Rule(CASE_EDIT, scope="participant", ok=302, method="POST"),
    "meetings:response": Rule(SERIES_VIEW, scope="participant", write=Write(MEASURE_RUN, ok=400)),
    "meetings:invitation_pdf": Rule(SERIES_VIEW, scope="participant"),
    "meetings:invitations_pdf": Rule(SERIES_VIEW, scope="meeting"),
    "meetings:invitations_print": Rule(SERIES_VIEW, scope="meeting"),
    "meetings:ics": Rule(SERIES_VIEW, scope="meeting"),
    "meetings:send_invitations": Rule(SERIES_VIEW, scope="meeting", write=Write(CASE_EDIT, ok=200)),
    "meetings:mark_sent": Rule(CASE_EDIT, scope="meeting", ok=302, method="POST"),
    # Running a meeting and its documents. Attendance and closing answer GET only with a redirect to the
    # meeting page; what they are for is the POST.
    "meetings:meeting": Rule(SERIES_VIEW, scope="meeting", write=Write(MEASURE_RUN, ok=400)),
    "meetings:attendance": Rule(MEASURE_RUN, scope="meeting", ok=302, method="POST"),
    "meetings:close_meeting": Rule(MEASURE_RUN, scope="meeting", ok=400, method="POST"),
    "meetings:waiver": Rule(SERIES_VIEW, scope="meeting", write=Write(MEASURE_RUN, ok=302)),
    "meetings:waiver_sheet": Rule(SERIES_VIEW, scope="meeting"),
    "meetings:waiver_pdf": Rule(SERIES_VIEW, scope="meeting"),
    "meetings:guide": Rule(SERIES_VIEW, scope="meeting"),
    "meetings:minutes": Rule(SERIES_VIEW, scope="meeting"),
    "meetings:minutes_pdf": Rule(SERIES_VIEW, scope="meeting"),
    # A family group conference: its page (the service's part is saved with edit rights: an empty one is
    # refused as invalid), attendance per part and the family's plan (run), and the decision (edit).
    "meetings:conference": Rule(CONFERENCE_VIEW, scope="conference", write=Write(CASE_EDIT, ok=400)),
    "meetings:conference_meeting": Rule(CONFERENCE_VIEW, scope="conference_meeting"),
    "meetings:conference_parts": Rule(CONFERENCE_RUN, scope="conference_meeting", ok=302, method="POST"),
    "meetings:family_plan_new": Rule(CONFERENCE_RUN, scope="conference_meeting", ok=400, method="POST"),
    "meetings:family_plan_item_add": Rule(CONFERENCE_RUN, scope="family_plan", ok=400, method="POST"),
    "meetings:family_plan_item_remove": Rule(CONFERENCE_RUN, scope="family_plan_item", ok=302, method="POST"),
    "meetings:family_plan_decide": Rule(CASE_EDIT, scope="family_plan", ok=400, method="POST"),
    # The natural mentor and the resource person have no leader: whoever sees the case sees them (the
    # measure leader leads none of them), and whoever may change the case records them.
    "meetings:mentor_phase": Rule(CASE_VIEW, scope="mentor_phase", write=Write(CASE_EDIT, ok=302)),
    "meetings:mentor_nominate": Rule(CASE_EDIT, scope="mentor_series"),
    "meetings:mentor_answer": Rule(CASE_EDIT, scope="nomination"),
    "meetings:mentor_summary": Rule(CASE_VIEW, scope="mentor_series"),
    "meetings:engagement": Rule(CASE_VIEW, scope="engagement_series", write=Write(CASE_EDIT, ok=200)),
    # NTT's contacts between meetings: seen as the measure (its environmental therapist, the measure
    # leader, included; the coordinator's narrow account not), recorded by whoever runs its meetings (an
    # empty form is drawn again with its errors), removed by its author or whoever may change the case.
    # How often a fixed series meets is set with edit rights (empty: no fixed interval).
    "meetings:contacts": Rule(SERIES_VIEW, scope="ntt_series"),
    "meetings:contact_add": Rule(MEASURE_RUN, scope="ntt_series", ok=400, method="POST"),
    "meetings:contact_delete": Rule(MEASURE_RUN, scope="contact", ok=302, method="POST"),
    "meetings:set_cadence": Rule(CASE_EDIT, scope="ntt_series", ok=302, method="POST"),
    # Ratings: a case's (an empty rating is drawn again with its errors), and the service's instruments,
    # kept by its leaders (an empty form is drawn again with its errors; retiring redirects to the list).
    "ratings:case": Rule(CASE_VIEW, scope="case", write=Write(CASE_EDIT, ok=200)),
    "ratings:instruments": Rule(roles(LEADER)),
    "ratings:instrument_new": Rule(roles(LEADER), write=Write(roles(LEADER), ok=200)),
    "ratings:instrument_edit": Rule(
        INSTRUMENT_KEEPER, scope="instrument", write=Write(INSTRUMENT_KEEPER, ok=200)
    ),
    "ratings:instrument_retire": Rule(INSTRUMENT_KEEPER, scope="instrument", ok=302, method="POST"),
    # Actions
    "actions:plan": Rule(SERIES_VIEW, scope="series", write=Write(MEASURE_RUN, ok=302)),
    "actions:action_new": Rule(MEASURE_RUN, scope="series"),
    "actions:action_edit": Rule(MEASURE_RUN, scope="action"),
    "actions:review": Rule(MEASURE_RUN, scope="meeting"),
    "actions:overview": Rule(roles(CASEWORKER, CONSULTANT, LEADER, ADMINISTRATOR)),
    # The effect overview: aggregated numbers of the services one leads; everyone else 404.
    "effect:overview": Rule(roles(LEADER)),
    # Statistics: the file of a service's suppressed SSB figures, for its leaders; everyone else 404.
    "stats:ssb_export": Rule(roles(LEADER)),
    # The SSB table and its trend, and the same table as CSV: the services one leads; everyone else 404.
    "stats:ssb": Rule(roles(LEADER)),
    "stats:ssb_csv": Rule(roles(LEADER)),
    # The service dashboard: a leader's of the service, a caseworker's or consultant's of their own cases
    # (the measure leader is a consultant of B, the break-glass reader a caseworker of A); everyone else 404.
    "stats:dashboard": Rule(roles(LEADER, CASEWORKER, CONSULTANT)),
    "stats:drilldown": Rule(DASHBOARD_LIST, scope="dashboard_figure"),
    # Research grants: the leaders of a service grant and revoke (an empty grant form or revoking is refused
    # as invalid, 400); everyone else 404. The researcher's own page: the researcher role (no project in
    # this world, so an empty page; they read no case without a grant: every case rule leaves them out).
    "research:grants": Rule(roles(LEADER), write=Write(roles(LEADER), ok=400)),
    "research:revoke": Rule(roles(LEADER), method="POST", ok=400),
    "research:mine": Rule(roles(RESEARCHER)),
    # A project's pages: its researchers only (the researcher role user is on own's project).
    "research:project": Rule(RESEARCH_TEAM, scope="research_project"),
    # Assigning files (an empty POST is refused as invalid) and a coder's own files: the project's
    # researchers. Coding a file: its own coder only (own's assignment is the researcher role user's); an
    # empty POST names no action and is refused.
    "research:assign": Rule(RESEARCH_TEAM, scope="research_project", write=Write(RESEARCH_TEAM, ok=400)),
    "research:my_files": Rule(RESEARCH_TEAM, scope="research_project"),
    "research:code": Rule(RESEARCH_TEAM, scope="research_assignment", write=Write(RESEARCH_TEAM, ok=400)),
    # Its tables, agreement and disagreements (and their CSV files); an unknown question's CSV is 404.
    "research:tables": Rule(RESEARCH_TEAM, scope="research_project"),
    "research:tables_csv": Rule(RESEARCH_TEAM, scope="research_project", query="question=sex"),
    "research:agreement": Rule(RESEARCH_TEAM, scope="research_project"),
    "research:agreement_csv": Rule(RESEARCH_TEAM, scope="research_project"),
    "research:disagreements": Rule(RESEARCH_TEAM, scope="research_project"),
    # Reconciling one finished file of two coders (the world's "M-1"): without ?case= the page is 404 for
    # everyone (there is no file to reconcile). The POST names the file in its body; one without the
    # registrations' versions is refused as out of date (409) and saves nothing.
    "research:reconcile": Rule(
        RESEARCH_TEAM,
        scope="research_project",
        query="case=M-1",
        write=Write(RESEARCH_TEAM, ok=409, data={"case": "M-1"}),
    ),
    # Its de-identified export: an empty start is refused (no format chosen, 400); the job's page and its
    # zip (the world's job is done) for the project's researchers; everyone else 404.
    "research:export": Rule(RESEARCH_TEAM, scope="research_project", write=Write(RESEARCH_TEAM, ok=400)),
    "research:export_job": Rule(RESEARCH_TEAM, scope="export_job"),
    "research:export_download": Rule(RESEARCH_TEAM, scope="export_job"),
    # The REST API (a personal access token; anonymous: 401)
    # The researcher's list is empty. Creating: the body is checked before the role, and an empty one is
    # refused for every role (nothing is read or written).
    "api:cases": Rule(ANY_STAFF, write=Write(ANY_STAFF, ok=400)),
    "api:case": Rule(CASE_VIEW, scope="case", write=Write(CASE_EDIT, ok=400, method="PATCH")),
    "api:measures": Rule(CASE_VIEW, scope="case"),  # measures are started by decisions: no POST
    "api:measure": Rule(CASE_VIEW, scope="measure", write=Write(CASE_EDIT, ok=400, method="PATCH")),
    # Decisions are recorded (an empty one is refused as invalid), never changed; the plan is saved whole.
    "api:decisions": Rule(CASE_VIEW, scope="case", write=Write(CASE_EDIT, ok=400)),
    "api:decision": Rule(CASE_VIEW, scope="decision"),
    "api:plan": Rule(CASE_VIEW, scope="case", write=Write(CASE_EDIT, ok=400, method="PUT")),
    "api:plan_versions": Rule(CASE_VIEW, scope="case"),
    "api:plan_version": Rule(CASE_VIEW, scope="plan_version"),
    "api:goals": Rule(CASE_VIEW, scope="measure"),
    "api:network_members": Rule(CASE_VIEW, scope="case", write=Write(CASE_EDIT, ok=400)),
    "api:network_member": Rule(CASE_VIEW, scope="member", write=Write(CASE_EDIT, ok=400, method="PATCH")),
    "api:network_ties": Rule(CASE_VIEW, scope="case", write=Write(CASE_EDIT, ok=400)),
    "api:network_tie": Rule(CASE_VIEW, scope="tie", write=Write(CASE_EDIT, ok=204, method="DELETE")),
    "api:network_snapshots": Rule(CASE_VIEW, scope="case", write=Write(CASE_EDIT, ok=201)),
    "api:network_snapshot": Rule(CASE_VIEW, scope="snapshot"),
    "api:process": Rule(SERIES_VIEW, scope="series"),
    "api:meetings": Rule(SERIES_VIEW, scope="series"),
    "api:meeting": Rule(SERIES_VIEW, scope="meeting"),
    "api:participants": Rule(SERIES_VIEW, scope="meeting"),
    "api:consents": Rule(SERIES_VIEW, scope="series", write=Write(CASE_EDIT, ok=400)),
    "api:consent": Rule(SERIES_VIEW, scope="consent"),
    "api:actions": Rule(SERIES_VIEW, scope="series", write=Write(MEASURE_RUN, ok=400)),
    "api:action": Rule(SERIES_VIEW, scope="action", write=Write(MEASURE_RUN, ok=400, method="PATCH")),
    "api:action_reviews": Rule(SERIES_VIEW, scope="action", write=Write(MEASURE_RUN, ok=400)),
    # The role is checked before the query: without `service` and `caseworker` the request is refused.
    "api:import_measures": Rule(roles(LEADER, ADMINISTRATOR), ok=400, method="POST"),
    # Evaluation: a goal's scale (saved whole with its version), the measure's evaluations (scheduling one:
    # an empty body is refused), its levels, judgements and closing (POST only; an empty body is refused).
    # A judgement is also the reviewer's to record, and no role user here reviews.
    "api:goal_scale": Rule(CASE_VIEW, scope="goal", write=Write(CASE_EDIT, ok=400, method="PUT")),
    "api:evaluations": Rule(CASE_VIEW, scope="measure", write=Write(CASE_EDIT, ok=400)),
    "api:evaluation": Rule(CASE_VIEW, scope="api_evaluation"),
    "api:evaluation_levels": Rule(CASE_EDIT, scope="api_evaluation", ok=400, method="POST"),
    "api:evaluation_judgements": Rule(CASE_EDIT, scope="api_evaluation", ok=400, method="POST"),
    "api:evaluation_close": Rule(CASE_EDIT, scope="api_evaluation", ok=400, method="POST"),
    "api:ratings": Rule(CASE_VIEW, scope="case", write=Write(CASE_EDIT, ok=400)),
    "api:instruments": Rule(ANY_STAFF),  # the generic ones and one's services' own: no case data
    # The effect overview of a service: its leaders (own and same_service are A's, other_service is B's).
    "api:effect_overview": Rule(CASE_LEADER, scope="service"),
    "api:ssb_table": Rule(CASE_LEADER, scope="service"),
    "api:schema": Rule(PUBLIC),
    "api:docs": Rule(PUBLIC),
    # Participant links: made, listed and stopped by whoever runs the measure (an empty form is drawn again
    # with its errors). The participant's own page answers whoever holds the token, signed in or not, the
    # same (it uses no session); a token that does not work is one plain 404 page (tested beside the code).
    "links:links": Rule(MEASURE_RUN, scope="series", write=Write(MEASURE_RUN, ok=200)),
    "links:revoke": Rule(MEASURE_RUN, scope="link", ok=302, method="POST"),
    "participant:page": Rule(PUBLIC, scope="link_token"),
}


# --- The routes of the URL configuration --------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # namespace:name; "" for a route without a name
    path: str
    kwargs: frozenset[str]

    @property
    def api(self) -> bool:
        return self.name.split(":")[0] == "api"


def _kwargs_of(entry: URLPattern | URLResolver) -> set[str]:
    pattern = entry.pattern
    if isinstance(pattern, RoutePattern):
        return set(pattern.converters)
    if isinstance(pattern, RegexPattern):
        return set(pattern.regex.groupindex)
    return set()


def url_routes() -> list[Route]:
    """Every route of the URL configuration, except Django's admin (its own staff permissions, tested as
    the admin) and static files (served by WhiteNoise, not the URL configuration; skipped here should
    anything route them)."""
    static = settings.STATIC_URL.lstrip("/") if settings.STATIC_URL else ""
    found: list[Route] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str, kwargs: set[str]) -> None:
        for entry in resolver.url_patterns:
            path = prefix + str(entry.pattern)
            names = kwargs | _kwargs_of(entry)
            if isinstance(entry, URLResolver):
                inner = ":".join(n for n in (namespace, entry.namespace or "") if n)
                if inner.split(":")[0] == "admin":
                    continue
                walk(entry, path, inner, names)
            elif static and path.startswith(static):
                continue
            else:
                name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or ""
                found.append(Route(name, path, frozenset(names)))

    walk(get_resolver(), "", "", set())
    return found


def _entry_hint(route: Route) -> str:
    if not route.kwargs:
        return f'"{route.name}": Rule(ANY_STAFF),'
    return f'"{route.name}": Rule(CASE_VIEW, scope=...),  # a scope of SCOPES filling {sorted(route.kwargs)}'


def test_every_route_has_a_policy_entry() -> None:
    routes = url_routes()
    unnamed = [r.path for r in routes if not r.name]
    assert not unnamed, f"Give these routes a name, then a policy entry: {unnamed}"
    missing = [r for r in routes if r.name not in POLICY]
    hints = "\n".join(f"  {r.name} ({r.path}): add e.g. {_entry_hint(r)}" for r in missing)
    assert not missing, f"Routes without a policy entry in tests/test_authorization_matrix.py:\n{hints}"


def test_every_policy_entry_names_a_route() -> None:
    names = {r.name for r in url_routes()}
    stale = sorted(set(POLICY) - names)
    assert not stale, f"Policy entries for routes that no longer exist (remove them): {stale}"


def test_every_scope_fills_its_routes_kwargs() -> None:
    wrong = []
    for route in url_routes():
        rule = POLICY.get(route.name)
        if rule is None:
            continue  # reported by test_every_route_has_a_policy_entry
        if rule.scope and rule.scope not in SCOPES:
            wrong.append(f"{route.name}: no scope {rule.scope!r} in SCOPES")
            continue
        filled = set(SCOPES[rule.scope]) if rule.scope else set()
        if filled != route.kwargs:
            wrong.append(
                f"{route.name}: takes {sorted(route.kwargs)}, scope {rule.scope!r} gives {sorted(filled)}"
            )
    assert not wrong, "Policy scopes that do not match the routes' kwargs:\n" + "\n".join(wrong)


# --- The world ----------------------------------------------------------------------------------------------


@dataclass
class World:
    routes: dict[str, Route]  # by name
    sessions: dict[str, str] = field(default_factory=dict)  # role → session key, signed in once
    read_tokens: dict[str, str] = field(default_factory=dict)  # role → secret of a read-only token
    write_tokens: dict[str, str] = field(default_factory=dict)  # role → secret of a token that may write
    objects: dict[str, dict[str, int | str]] = field(default_factory=dict)  # OWN… → item → id (or token)
    users: dict[str, User] = field(default_factory=dict)  # role → its user


def _build_objects(
    *,
    owner: User,
    service: Service,
    assigned: list[User],
    tag: str,
    leader: User | None = None,
    coordinator: User | None = None,
) -> dict[str, int | str]:
    """A case with everything the routes need: through the services as its owner would, except the
    measures, the series and its meetings, made directly in the state wanted (as the factories do). The
    network-meeting measure's leader, when given, is chosen through the service, from the register."""
    today = timezone.localdate()
    case = create_case(
        acting_user=owner, service=service, caseworker=owner, assigned=assigned, **CASE_DEFAULTS
    )
    measure = decide(case=case, kind="support_contact", by=owner)
    decision = Decision.objects.get(case=case)
    save_plan(
        acting_user=owner,
        case=case,
        expected_version=0,
        entries=[EntryInput(measure_id=measure.pk, goals=[GoalInput(text=f"Emma trives på skolen {tag}")])],
    )
    evaluation = schedule_evaluation(acting_user=owner, measure=measure, due_on=today)
    mother = network_services.add_member(
        acting_user=owner, case=case, name=f"Mona Mor {tag}", relation="Mor", email="mona@example.no"
    )
    aunt = network_services.add_member(
        acting_user=owner, case=case, name=f"Tove Tante {tag}", relation="Tante"
    )
    teacher = network_services.add_member(
        acting_user=owner, case=case, name=f"Lars Lærer {tag}", side=Side.PUBLIC, relation="Kontaktlærer"
    )
    tie = network_services.add_tie(acting_user=owner, case=case, a=mother, b=aunt)
    snapshot = network_services.take_snapshot(acting_user=owner, case=case, label="Før møtet")
    series = make_series(
        case=case, kind=MeasureKind.NETWORK_MEETING, status=SeriesStatus.ACTIVE, caseworker=owner
    )
    if leader is not None:
        leader_services.set_leader(acting_user=owner, series=series, leader=leader)
    consent = consent_services.add_consent(
        acting_user=owner,
        series=series,
        party=ConsentParty.MOTHER,
        party_name=mother.name,
        informed_about=[i.value for i in InformedAbout],
        informed_on=today,
        informed_by=owner,
        given_as=ConsentGivenAs.ORAL,
    )
    now = timezone.now()
    first = Meeting.objects.create(
        series=series,
        sequence=1,
        kind=MeetingKind.FIRST,
        status=MeetingStatus.HELD,
        starts_at=now - datetime.timedelta(days=30),
        held_on=today - datetime.timedelta(days=30),
        place="Familiens hus",
    )
    follow_up = Meeting.objects.create(
        series=series,
        sequence=2,
        kind=MeetingKind.FOLLOW_UP,
        status=MeetingStatus.PLANNED,
        starts_at=now + datetime.timedelta(days=14),
        place="Familiens hus",
    )
    participant = participant_services.add_participant(
        acting_user=owner, meeting=follow_up, member=mother, role=ParticipantRole.MOTHER
    )
    participant_services.add_participant(
        acting_user=owner, meeting=follow_up, member=teacher, role=ParticipantRole.PUBLIC
    )
    action = action_services.add_action(
        acting_user=owner,
        series=series,
        meeting=first,
        what="Henter Emma på skolen tirsdager",
        due_on=today + datetime.timedelta(days=7),
        owner_member=aunt,
    )
    # A family group conference, coordinated (for own) by the coordinator role user: its first conference
    # with the mother invited, and the family's plan waiting for the service's decision, with one item.
    conference = make_series(
        case=case,
        kind=MeasureKind.FAMILY_GROUP_CONFERENCE,
        status=SeriesStatus.ACTIVE,
        caseworker=owner,
        leader=coordinator,
    )
    conference_meeting = Meeting.objects.create(
        series=conference,
        sequence=1,
        kind=MeetingKind.FIRST,
        status=MeetingStatus.PLANNED,
        starts_at=now + datetime.timedelta(days=21),
        place="Familiens hus",
    )
    participant_services.add_participant(
        acting_user=owner, meeting=conference_meeting, member=mother, role=ParticipantRole.MOTHER
    )
    family_plan = FamilyPlan.objects.create(
        meeting=conference_meeting, text="Familiens plan", written_by=owner
    )
    item = FamilyPlanItem.objects.create(
        plan=family_plan,
        what="Tove henter Emma",
        owner_member=aunt,
        due_on=today + datetime.timedelta(days=30),
    )
    # A natural mentor with the youth's nomination of the aunt, and a resource person, both under way.
    mentor_series = make_series(
        case=case, kind=MeasureKind.NATURAL_MENTOR, status=SeriesStatus.PREPARING, caseworker=owner
    )
    nomination = MentorNomination.objects.create(series=mentor_series, member=aunt, nominated_on=today)
    engagement_series = make_series(
        case=case, kind=MeasureKind.RESOURCE_PERSON, status=SeriesStatus.PREPARING, caseworker=owner
    )
    # NTT, under way, with a goal in the plan: led (for own) by the measure leader, who recorded a contact
    # against it; the others' is recorded by the owner, and is not the leader's to see.
    ntt_series = make_series(
        case=case, kind=MeasureKind.NTT, status=SeriesStatus.ACTIVE, caseworker=owner, leader=leader
    )
    goal = Goal.objects.create(measure=ntt_series.measure, text=f"Faste rutiner ved leggetid {tag}")
    contact = TherapistContact.objects.create(
        series=ntt_series, goal=goal, on=today, by=leader or owner, with_whom="Mor", note="Leggetid"
    )
    # A link for the aunt to see and mark her actions (a token, as the public page's URL takes it).
    link, link_token = participant_links.create_link(
        acting_user=owner, series=series, purpose="actions", member=aunt
    )
    return {
        "link": link.pk,
        "link_token": link_token,
        "goal": Goal.objects.get(measure=measure).pk,
        "service": service.pk,
        "dashboard_figure": "actions-overdue",
        "conference": conference.measure_id,
        "conference_meeting": conference_meeting.pk,
        "family_plan": family_plan.pk,
        "family_plan_item": item.pk,
        "mentor_series": mentor_series.measure_id,
        "mentor_phase": 2,
        "nomination": nomination.pk,
        "engagement_series": engagement_series.measure_id,
        "ntt_series": ntt_series.measure_id,
        "contact": contact.pk,
        "case": case.pk,
        "measure": measure.pk,
        "member": aunt.pk,
        "tie": tie.pk,
        "snapshot": snapshot.pk,
        "perspective_map": perspective_services.start_map(
            acting_user=owner, case=case, perspective="child", drawn_by_name="Emma"
        ).pk,
        "series": series.measure_id,
        "consent": consent.pk,
        "meeting": follow_up.pk,
        "participant": participant.pk,
        "action": action.pk,
        "decision": decision.pk,
        "plan_version": 1,
        # A copy made for right of access, for the youth (not yet handed over).
        "innsyn": Innsyn.objects.create(
            case=case, recipient_role=RecipientRole.YOUTH, recipient_name=f"Emma {tag}", produced_by=owner
        ).pk,
        "evaluation": evaluation.pk,
    }


def _import_job(*, user: User, service: Service, caseworker: User) -> ImportJob:
    row = [
        "M-1",
        "Emma",
        "Matrise",
        "2015-03-14",
        "girl",
        "2022-01-10",
        "pmto",
        "2022-02-01",
        "",
        "voluntary",
    ]
    return ImportJob.objects.create(
        service=service,
        created_by=user,
        caseworker=caseworker,
        filename="history.csv",
        sha256="0" * 64,
        records=[[2, row]],
        rows=1,
        total=1,
    )


def _user(username: str, service: Service, role: str) -> User:
    """A staff user with a role in `service` (no password: the cells sign in with force_login)."""
    user = User.objects.create(username=username, first_name=username.capitalize())
    Membership.objects.create(user=user, service=service, role=role)
    return user


def build_world(*, export_dir: Path) -> World:
    service_a = Service.objects.create(name="Matrise A", municipality_numbers="0301", population=1000)
    service_b = Service.objects.create(name="Matrise B", municipality_numbers="1103", population=500)
    users = {role: _user(f"matrix-{role}", service_a, role) for role in STAFF_ROLES}
    # The two principals beside roles: a consultant of B in B's shared pool of trained meeting leaders
    # (chosen below to lead own's network-meeting measure), and a caseworker of A (given break-glass on
    # same_service below).
    users[MEASURE_LEADER] = _user(f"matrix-{MEASURE_LEADER}", service_b, PRINCIPALS[MEASURE_LEADER])
    TrainedLeader.objects.create(user=users[MEASURE_LEADER], service=service_b, shared=True)
    users[BREAK_GLASS] = _user(f"matrix-{BREAK_GLASS}", service_a, PRINCIPALS[BREAK_GLASS])
    teammate = _user("matrix-teammate", service_a, CASEWORKER)
    outsider = _user("matrix-outsider", service_b, CASEWORKER)
    world = World(routes={r.name: r for r in url_routes()}, users=users)
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        world.sessions[role] = client.session.session_key or ""
        world.read_tokens[role] = create_token(user=user, name="matrix, read")[1]
        world.write_tokens[role] = create_token(user=user, name="matrix, write", read_only=False)[1]
    world.objects[OWN] = _build_objects(
        owner=users[CASEWORKER],
        service=service_a,
        assigned=[users[CONSULTANT], users[ADMINISTRATOR]],
        tag="A1",
        leader=users[MEASURE_LEADER],
        coordinator=users[COORDINATOR],
    )
    world.objects[SAME_SERVICE] = _build_objects(owner=teammate, service=service_a, assigned=[], tag="A2")
    world.objects[OTHER_SERVICE] = _build_objects(owner=outsider, service=service_b, assigned=[], tag="B")
    break_glass(
        acting_user=users[BREAK_GLASS],
        service=service_a,
        number=Case.objects.get(pk=world.objects[SAME_SERVICE]["case"]).number,
        reason="Vakt: barnet er meldt savnet i kveld.",
    )
    for obj, user, service in (
        (OWN, users[CONSULTANT], service_a),  # the consultant's own entry
        (SAME_SERVICE, teammate, service_a),
        (OTHER_SERVICE, outsider, service_b),
    ):
        world.objects[obj]["trained_leader"] = TrainedLeader.objects.create(user=user, service=service).pk
    # An uploaded measure history per object, waiting for confirmation: own's by A's leader, same_service's
    # by a teammate, other_service's in B.
    for obj, user, service, caseworker in (
        (OWN, users[LEADER], service_a, users[CASEWORKER]),
        (SAME_SERVICE, teammate, service_a, teammate),
        (OTHER_SERVICE, outsider, service_b, outsider),
    ):
        world.objects[obj]["import_job"] = _import_job(user=user, service=service, caseworker=caseworker).pk
    # A personal access token per object: own is the caseworker's, the others a colleague's and an
    # outsider's. Only a token's own user may revoke it.
    for obj, user in ((OWN, users[CASEWORKER]), (SAME_SERVICE, teammate), (OTHER_SERVICE, outsider)):
        world.objects[obj]["api_token"] = create_token(user=user, name="matrix, to revoke")[0].pk
    # A rating instrument of the service per object: own's and same_service's are A's, other_service's B's.
    for obj, service, key in (
        (OWN, service_a, "matrix-a1"),
        (SAME_SERVICE, service_a, "matrix-a2"),
        (OTHER_SERVICE, service_b, "matrix-b"),
    ):
        world.objects[obj]["instrument"] = Instrument.objects.create(
            service=service,
            key=key,
            name=key,
            kind="outcome",
            items=[{"key": "a", "label": "A", "label_en": "A"}],
            sd=2.0,
            reliability=0.8,
        ).pk
    # A research project per object, with no grant (so its researchers read no case file): the researcher
    # role user is on own's project only, and reaches that project's pages alone. Each has one file, "M-1",
    # coded by two coders who have both finished (imported registrations), for the reconciliation page, and
    # one file assigned: own's to the researcher role user, the others' to a researcher of their own (no
    # role user of the world).
    version = latest_form_version()
    for obj in (OWN, SAME_SERVICE, OTHER_SERVICE):
        project = Project.objects.create(slug=f"matrix-{obj}", name=f"Matrix {obj}", form_version=version)
        for label, sex in (("Kari", "girl"), ("Per", "boy")):
            Registration.objects.create(
                project=project,
                form_version=version,
                case_ref="M-1",
                coder=label,
                answers={"sex": sex},
                submitted_at=timezone.now(),
            )
        if obj == OWN:
            coder = users[RESEARCHER]
        else:
            coder = _user(f"matrix-coder-{obj}", service_a if obj == SAME_SERVICE else service_b, RESEARCHER)
        ProjectResearcher.objects.create(project=project, user=coder)
        world.objects[obj]["research_project"] = project.slug
        world.objects[obj]["research_assignment"] = Assignment.objects.create(
            project=project, case_ref=f"MATRIX-{obj}", coder=coder, assigned_by=coder
        ).pk
        # A finished export of the project, its zip under `export_dir` (own's asked for by the researcher).
        folder = export_dir / obj
        folder.mkdir()
        with zipfile.ZipFile(folder / ZIP_NAME, "w") as archive:
            archive.writestr("registrations.csv", "registration,pseudonym\n")
        world.objects[obj]["export_job"] = ExportJob.objects.create(
            project=project,
            requested_by=users[RESEARCHER] if obj == OWN else teammate,
            formats=["csv"],
            status=ExportStatus.DONE,
            files=["registrations.csv"],
            path=str(folder),
        ).pk
    return world


@pytest.fixture(scope="module")
def world(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """Built once for the module (per worker), in a transaction that is rolled back afterwards."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world(export_dir=tmp_path_factory.mktemp("matrix-exports"))
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_the_principals_are_the_ones_their_cells_assume(world: World, db: None) -> None:
    """The measure leader leads own's network measure from another service and may not open any of the
    cases; the break-glass reader has opened same_service, read-only, and no other case."""
    leader, reader = world.users[MEASURE_LEADER], world.users[BREAK_GLASS]
    for obj in OBJECTS:
        series = Series.objects.select_related("measure__case").get(measure_id=world.objects[obj]["series"])
        led = series_access(user=leader, series=series)
        assert (led.is_leader, led.from_other_service, led.sees_case) == (obj == OWN, obj == OWN, False), obj
        assert not case_access(user=leader, case=series.case).can_view, obj
        opened = case_access(user=reader, case=series.case)
        want = (True, False, True) if obj == SAME_SERVICE else (False, False, False)
        assert (opened.can_view, opened.can_edit, opened.via_break_glass) == want, obj


# --- Asking -------------------------------------------------------------------------------------------------


def _client(world: World, role: str, *, api: bool, write: bool) -> Client:
    """A fresh client for one cell: the role's session, or one of its tokens (read-only unless `write`)."""
    if role == ANONYMOUS:
        return Client()
    if api:
        secret = (world.write_tokens if write else world.read_tokens)[role]
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


def _answer(client: Client, check: Check, url: str, *, api: bool) -> Answer:
    try:
        if check.method == "GET":
            response = client.get(url)
        elif api:
            body = json.dumps(dict(check.data)) if check.data else ""
            response = client.generic(check.method, url, body, content_type="application/json")
        else:
            response = client.post(url, dict(check.data))
    except Exception as exc:  # noqa: BLE001 - a crash is a cell's answer, reported with the others
        return f"raised {type(exc).__name__}: {exc}"
    status = response.status_code
    if status in (301, 302) and urlsplit(response.get("Location", "")).path == reverse("accounts:login"):
        return SIGN_IN
    content_type = response.get("Content-Type", "")
    if api and status >= 400 and not content_type.startswith("application/problem+json"):
        return f"{status} {content_type}"  # the API answers every error as problem+json
    return status


def _url(route: Route, rule: Rule, check: Check, world: World, obj: str) -> str:
    kwargs = {}
    if rule.scope:
        kwargs = {kwarg: world.objects[obj][item] for kwarg, item in SCOPES[rule.scope].items()}
    url = reverse(route.name, kwargs=kwargs)
    return f"{url}?{check.query}" if check.query else url


def _template_only(
    template_name: str, context: dict[str, Any], *, request: HttpRequest | None = None
) -> bytes:
    """Stands in for WeasyPrint's layout, about a second a document: the PDF's template is still rendered,
    as for the PDF. Access is decided before; the documents themselves are tested beside the code."""
    html = render_to_string(template_name, {**context, "for_pdf": True}, request=request)
    return b"%PDF-1.7 (the template, not laid out)\n" + html.encode()


@pytest.mark.parametrize("name", sorted(POLICY))
def test_route_answers_as_the_policy_says(
    name: str, world: World, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "render_pdf", _template_only)
    # Every cell comes from one address: the participant pages' rate limit would count them all.
    monkeypatch.setattr(settings, "SIRKEL_LINK_RATE", 1_000_000, raising=False)
    rule = POLICY[name]
    route = world.routes.get(name)
    if route is None:
        pytest.fail(f"{name} is in the policy but not in the URL configuration")
    if set(SCOPES.get(rule.scope, {})) != route.kwargs:
        pytest.fail(f"{name}: the scope {rule.scope!r} does not fill {sorted(route.kwargs)}")
    wrong = []
    cells = 0
    for check in rule.checks():
        write = check.method != "GET"
        for role in ROLES:
            for obj in rule.objects():
                cells += 1
                url = _url(route, rule, check, world, obj)
                with transaction.atomic():  # whatever the request changes is rolled back
                    got = _answer(_client(world, role, api=route.api, write=write), check, url, api=route.api)
                    transaction.set_rollback(True)
                want = check.expected(role, obj, api=route.api)
                if got != want:
                    cell = f"{name}-{role}" if obj == NO_OBJECT else f"{name}-{role}-{obj}"
                    wrong.append(f"{cell}: {check.method} {url} answered {got}, the policy says {want}")
    assert not wrong, f"{name}: {len(wrong)} of {cells} cells differ from the policy:\n" + "\n".join(wrong)
