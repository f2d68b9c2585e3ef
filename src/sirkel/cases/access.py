"""The one access policy: may this principal do this to this object?

Every selector asks here; views never decide access. The principals Sirkel has, or will have:

- `Staff`: a signed-in staff user, by role and need to know (own or assigned cases; every case of the
  services they lead; researchers see no case);
- break-glass: a staff user with a live `BreakGlassAccess` on a case sees it read-only, and every read it
  allows is marked `break_glass` in the audit;
- the leader of one measure, possibly from another service's shared pool: sees and runs that measure's
  series and meetings, and of the case's network only the people invited to the meetings they lead; a
  family group conference's coordinator without access to the case is `narrow`: only the conference and
  its meetings (`NARROW_PARTS`), not the measure's screening, consents, preparation or actions;
- the independent reviewer of an evaluation (the evaluation issue): a colleague not on the case, named
  by the service's leader, reads the case (never changes it) while that evaluation is open;
- a researcher of a project (`research.ProjectResearcher`) whose project holds an active grant
  (`research.Grant`: not revoked, valid today) covering the case — every case file of the service, or the
  ones listed — reads the case, read-only (`Basis.RESEARCH_GRANT`, the project named in the audit), never
  its contact details (they are shown only to those who may edit), and only while the grant lasts;
  `ResearchGrant` is the same, for one project only;
- `LinkToken`: a participant holding a link (the evaluation issue): nothing but what the link is for.

Objects of other apps are recognised by their model label (`meetings.series`, `network.networkmember`),
so the policy needs no import of the measure processes; anything it does not know is refused.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Protocol

from django.apps import apps
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from sirkel.accounts.models import NON_STAFF_ROLES, Role, User
from sirkel.accounts.selectors import roles_by_service
from sirkel.cases.models import BreakGlassAccess, Case, CaseAssignment, MeasureKind


class Series(Protocol):
    """What the policy reads of a measure's series (`meetings.Series`), without importing the process."""

    @property
    def case(self) -> Case: ...

    @property
    def kind(self) -> str: ...

    leader_id: int | None


# Roles that may work on cases they own or are assigned to, and may break the glass.
WORKING_ROLES = {Role.CASEWORKER.value, Role.CONSULTANT.value, Role.ADMINISTRATOR.value}
CREATING_ROLES = {Role.CASEWORKER.value, Role.LEADER.value}
EDITING_ROLES = {Role.CASEWORKER.value, Role.LEADER.value, Role.CONSULTANT.value}


class Basis(enum.StrEnum):
    """Why a read or write was allowed; recorded in the audit where it is not plain need to know."""

    NONE = ""
    NEED_TO_KNOW = "need_to_know"
    SERVICE_LEADER = "service_leader"
    BREAK_GLASS = "break_glass"
    MEASURE_LEADER = "meeting_leader"
    RESEARCH_GRANT = "research_grant"
    LINK_TOKEN = "link_token"  # noqa: S105 - a name, not a secret
    REVIEWER = "reviewer"  # named as independent reviewer of an open evaluation of the case


class Part(enum.StrEnum):
    """What part of a measure a page shows, for the narrow account that may see only some of it."""

    MEASURE = "measure"  # the measure's file: screening, consents, preparation, actions, plan, the API
    CONFERENCE = "conference"  # a family group conference's own page: invitation list, practicalities
    MEETING = "meeting"  # a meeting of it: attendance (per part), the family's plan, guide, minutes


# A family group conference's coordinator from outside the case sees only the conference itself.
NARROW_KINDS = frozenset({MeasureKind.FAMILY_GROUP_CONFERENCE.value})
NARROW_PARTS = frozenset({Part.CONFERENCE, Part.MEETING})


class Do(enum.StrEnum):
    VIEW = "view"
    EDIT = "edit"  # change the case, the measure, its preparation and actions
    RUN = "run"  # record attendance, notes, waivers in a meeting (the caseworker side or the leader)


@dataclass(frozen=True)
class Staff:
    user: User


@dataclass(frozen=True)
class ResearchGrant:
    """A researcher acting for one project: reads only what that project's active grants cover."""

    user: User
    project_id: int


@dataclass(frozen=True)
class LinkToken:
    """A participant holding a link to answer for one series (built by the evaluation issue)."""

    token_id: int
    series_id: int


Principal = Staff | ResearchGrant | LinkToken


@dataclass(frozen=True)
class CaseAccess:
    can_view: bool
    can_edit: bool
    via_break_glass: bool
    is_leader: bool  # leads the case's service
    basis: Basis = Basis.NONE
    research_project_id: int | None = None  # the granted project, when the basis is a research grant


@dataclass(frozen=True)
class SeriesAccess:
    can_view: bool
    can_edit: bool  # may change the measure, its preparation and plan
    can_run_meetings: bool  # may record attendance, notes, waivers (caseworker side or the leader)
    sees_case: bool  # may also open the case itself
    is_leader: bool  # leads this measure's meetings
    basis: Basis = Basis.NONE
    from_other_service: bool = False  # leads it, but is not a member of the case's service
    # Coordinates a family group conference without access to the case: sees the conference (its
    # invitation list, practical details, the questions and the situation) and its meetings, nothing else.
    narrow: bool = False

    def sees(self, part: str) -> bool:
        """Whether this access reaches `part` of the measure (a `Part`)."""
        return self.can_view and (not self.narrow or Part(part) in NARROW_PARTS)

    def allows(self, action: str) -> bool:
        return {Do.VIEW: self.can_view, Do.EDIT: self.can_edit, Do.RUN: self.can_run_meetings}[Do(action)]


NO_CASE = CaseAccess(False, False, False, False)
NO_SERIES = SeriesAccess(False, False, False, False, False)


def as_principal(who: User | Principal) -> Principal:
    return Staff(who) if isinstance(who, User) else who


# --- Cases ----------------------------------------------------------------------------------------------


def visible_cases_q(*, user: User) -> Q:
    """The cases a staff user may see: all in services they lead, else their own, assigned or break-glass.
    The query form of `case_access`, for lists.

    Written so that the database can answer it from indexes: every need-to-know term is a column test or
    `id IN (uncorrelated subquery)`, which SQLite runs as a multi-index OR and PostgreSQL as a bitmap OR
    (a correlated `EXISTS` per term made both scan every case in the database). The research grants'
    part is asked only of a user on a research project (one query, cached on the user for the request).
    """
    roles = roles_by_service(user=user)
    leader_ids = [s for s, r in roles.items() if r == Role.LEADER.value]
    working_ids = [s for s, r in roles.items() if r in WORKING_ROLES]
    parts: list[Q] = []
    if leader_ids:
        parts.append(Q(service_id__in=leader_ids))
    if working_ids:
        assigned = CaseAssignment.objects.filter(user=user).values("case_id")
        grant = BreakGlassAccess.objects.filter(user=user, expires_at__gt=timezone.now()).values("case_id")
        reviews = _open_reviews(user).values("measure__case_id")
        need_to_know = Q(caseworker=user) | Q(pk__in=assigned) | Q(pk__in=grant) | Q(pk__in=reviews)
        parts.append(Q(service_id__in=working_ids) & need_to_know)
    if _research_projects(user):
        parts.append(granted_cases_q(user=user))
    if not parts:
        return Q(pk__in=[])
    visible = parts[0]
    for part in parts[1:]:
        visible |= part
    return visible


def _active_grants(*, user: User, project_id: int | None = None) -> Any:
    """The active research grants of the projects `user` is a researcher of (of `project_id`, when
    given). The research app is asked by name, as the evaluation app is."""
    if not user.is_authenticated or not user.is_active:
        return apps.get_model("research", "Grant").objects.none()
    grants = apps.get_model("research", "Grant").objects.active().filter(project__researchers__user=user)
    return grants.filter(project_id=project_id) if project_id is not None else grants


def granted_cases_q(*, user: User, project_id: int | None = None) -> Q:
    """The cases an active grant of one of the user's projects covers, as a query (one subquery)."""
    active = _active_grants(user=user, project_id=project_id)
    grants = active.filter(service_id=OuterRef("service_id"))
    # The services first (an uncorrelated list the database reads through the service index), then the
    # grant of each of their cases: no case outside a granted service is looked at.
    return Q(service_id__in=active.values("service_id")) & Q(
        Exists(grants.filter(Q(all_cases=True) | Q(cases=OuterRef("pk"))))
    )


_PROJECTS_CACHE = "_sirkel_research_projects"


def _research_projects(user: User) -> list[int]:
    """The ids of the projects `user` is a researcher of, cached on the user object for the request (as
    their roles are), so that a staff user on no project pays one query at most, not one per case."""
    cached: list[int] | None = getattr(user, _PROJECTS_CACHE, None)
    if cached is None:
        table = apps.get_model("research", "ProjectResearcher")._meta.db_table
        with connection.cursor() as cursor:  # asked on every case list: a plain statement (see roles)
            cursor.execute(f"SELECT project_id FROM {table} WHERE user_id = %s", [user.pk])  # noqa: S608
            cached = [row[0] for row in cursor.fetchall()]
        setattr(user, _PROJECTS_CACHE, cached)
    return cached


def research_grant_project(*, user: User, case: Case, project_id: int | None = None) -> int | None:
    """The project (its id, the lowest when several) whose active grant lets `user` read `case`."""
    if not user.is_authenticated or not user.is_active:
        return None
    projects = _research_projects(user)
    if not projects or (project_id is not None and project_id not in projects):
        return None
    grants = _active_grants(user=user, project_id=project_id).filter(service_id=case.service_id)
    found = grants.filter(Q(all_cases=True) | Q(cases=case)).order_by("project_id")
    return found.values_list("project_id", flat=True).first()  # type: ignore[no-any-return]


def _research_access(*, user: User, case: Case, project_id: int | None = None) -> CaseAccess:
    project = research_grant_project(user=user, case=case, project_id=project_id)
    if project is None:
        return NO_CASE
    return CaseAccess(True, False, False, False, Basis.RESEARCH_GRANT, research_project_id=project)


def _open_reviews(user: User) -> Any:
    """The open evaluations `user` is the independent reviewer of. The evaluation app is asked by name:
    the policy imports no app that builds on the cases."""
    return apps.get_model("evaluation", "Evaluation").objects.filter(reviewer=user, status="scheduled")


def reviews_case(*, user: User, case: Case) -> bool:
    """Whether `user` is the independent reviewer of an open evaluation of `case`."""
    return bool(_open_reviews(user).filter(measure__case=case).exists())


def case_access(*, user: User | Principal, case: Case) -> CaseAccess:
    principal = as_principal(user)
    if isinstance(principal, ResearchGrant):
        return _research_access(user=principal.user, case=case, project_id=principal.project_id)
    if not isinstance(principal, Staff):
        return NO_CASE  # link holders never see a case
    staff = principal.user
    role = roles_by_service(user=staff).get(case.service_id)
    if role is None or role in NON_STAFF_ROLES:
        # Researchers and outside coordinators open no case, unless a research grant covers it.
        return _research_access(user=staff, case=case)
    if role == Role.LEADER.value:
        return CaseAccess(True, True, False, True, Basis.SERVICE_LEADER)
    # `has_assignments` is annotated by get_case_for_user; without it, ask the database.
    maybe_assigned = getattr(case, "has_assignments", True)
    if case.caseworker_id == staff.pk or (
        maybe_assigned and CaseAssignment.objects.filter(case=case, user=staff).exists()
    ):
        return CaseAccess(True, role in EDITING_ROLES, False, False, Basis.NEED_TO_KNOW)
    if BreakGlassAccess.objects.filter(case=case, user=staff, expires_at__gt=timezone.now()).exists():
        return CaseAccess(True, False, True, False, Basis.BREAK_GLASS)  # read-only
    if reviews_case(user=staff, case=case):
        return CaseAccess(True, False, False, False, Basis.REVIEWER)  # read-only, while the review is open
    return _research_access(user=staff, case=case)


# --- A measure's series and what hangs on it -------------------------------------------------------------


def series_access(*, user: User | Principal, series: Series) -> SeriesAccess:
    principal = as_principal(user)
    if isinstance(principal, ResearchGrant):
        granted = case_access(user=principal, case=series.case)
        return SeriesAccess(granted.can_view, False, False, granted.can_view, False, granted.basis)
    if not isinstance(principal, Staff):
        return NO_SERIES
    access = case_access(user=principal, case=series.case)
    is_leader = series.leader_id == principal.user.pk
    if access.can_view:
        basis = access.basis
        return SeriesAccess(True, access.can_edit, access.can_edit or is_leader, True, is_leader, basis)
    if is_leader:
        in_house = series.case.service_id in roles_by_service(user=principal.user)
        return SeriesAccess(
            True,
            False,
            True,
            False,
            True,
            Basis.MEASURE_LEADER,
            from_other_service=not in_house,
            narrow=series.kind in NARROW_KINDS,
        )
    return NO_SERIES


def member_visible(*, user: User | Principal, member: Any, series: Series | None = None) -> bool:
    """A person in a case's network register: whoever sees the case sees them; a measure's leader from
    outside sees only the people invited to the meetings they lead."""
    principal = as_principal(user)
    if not isinstance(principal, Staff):
        return False
    if case_access(user=principal, case=member.case).can_view:
        return True
    visible = members_for_leader(user=principal.user, case_id=member.case_id, series=series)
    return bool(visible.filter(pk=member.pk).exists())


def members_for_leader(*, user: User, case_id: int, series: Series | None = None) -> Any:
    """The network members a measure's leader without access to the case may see: those invited to the
    meetings they lead (of `series`, when given)."""
    member_model = apps.get_model("network", "NetworkMember")
    participant_model = apps.get_model("meetings", "Participant")
    invited = participant_model.objects.filter(member=OuterRef("pk"), meeting__series__leader=user)
    if series is not None:
        invited = invited.filter(meeting__series=series)
    return member_model.objects.filter(case_id=case_id).filter(Exists(invited))


_VIA_SERIES = {"meetings.meeting", "meetings.consent", "meetings.screening", "actions.action"}
_PART_OF = {"meetings.meeting": Part.MEETING}  # the others are the measure's file


def may(*, user: User | Principal, action: str, obj: Any) -> bool:
    """The one question: may `user` (or another principal) do `action` (view, edit, run) to `obj`?
    Objects the policy does not know: no."""
    label = obj._meta.label_lower
    if isinstance(user, LinkToken):
        return _link_may(token=user, action=action, obj=obj, label=label)
    if label == "cases.case":
        access = case_access(user=user, case=obj)
        return access.can_edit if action == Do.EDIT else access.can_view and action == Do.VIEW
    if label == "cases.measure":
        return may(user=user, action=action, obj=obj.case)
    if label == "meetings.series":
        return series_access(user=user, series=obj).allows(action)
    if label in _VIA_SERIES:
        led = series_access(user=user, series=obj.series)
        return led.sees(_PART_OF.get(label, Part.MEASURE)) and led.allows(action)
    if label == "network.networkmember":
        if action == Do.VIEW:
            return member_visible(user=user, member=obj)
        return case_access(user=user, case=obj.case).can_edit
    if label == "network.perspectivemap":
        return may(user=user, action=action, obj=obj.case)
    return False


# --- A participant's link -------------------------------------------------------------------------------

# What each purpose of a link reaches (the evaluation app's `LinkPurpose`, by value).
_LINK_REACHES = {
    "actions": "actions.action",
    "feedback": "meetings.meeting",
    "evaluation": "evaluation.evaluation",
    "map": "network.perspectivemap",
}


def _link_may(*, token: LinkToken, action: str, obj: Any, label: str) -> bool:
    """A link's holder may view and change exactly the objects its purpose names, while the link lives:
    their own actions in the link's series, the link's meeting (its feedback), the link's evaluation (their
    view), the map drawn through the link (their own perspective map).
    Nothing else: no case, no register, no other participant, no staff URL (the pages decide that
    by using no session). The link is read by its id, so a revoked or expired one reaches nothing."""
    if action not in (Do.VIEW, Do.EDIT):
        return False
    link = (
        apps.get_model("evaluation", "ParticipantLink")
        .objects.filter(
            pk=token.token_id,
            series_id=token.series_id,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )
    if link is None or _LINK_REACHES.get(link.purpose) != label:
        return False
    if label == "actions.action":
        return bool(
            link.member_id is not None
            and obj.series_id == link.series_id
            and obj.owner_member_id == link.member_id
        )
    if label == "meetings.meeting":
        return bool(obj.pk == link.meeting_id and obj.series_id == link.series_id)
    if label == "network.perspectivemap":
        return bool(obj.link_id == link.pk)
    series_model = apps.get_model("meetings", "Series")
    measure_id = series_model.objects.filter(pk=link.series_id).values_list("measure_id", flat=True).first()
    return bool(obj.pk == link.evaluation_id and obj.measure_id == measure_id)
