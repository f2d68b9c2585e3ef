"""Permission-scoped reads of network measures and meetings.

A measure is visible to whoever may see its case, and also to its meeting leader — who may come from
another service's pool and then sees only the measures they lead, never the rest of the case.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from sirkel.accounts.models import NON_STAFF_ROLES, Membership, Role, User
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event
from sirkel.cases.access import Basis, Part, SeriesAccess, series_access, visible_cases_q
from sirkel.cases.models import Case
from sirkel.meetings.kinds import LeaderPool, kind_config
from sirkel.meetings.models import Consent, Meeting, Series, TrainedLeader
from sirkel.network.models import NetworkMember, NetworkTie, Side, TieKind

MARKED = (Basis.BREAK_GLASS, Basis.MEASURE_LEADER, Basis.RESEARCH_GRANT)


def get_series_for_user(
    *,
    user: User,
    case_id: int,
    measure_id: int,
    audit_action: str = AuditAction.VIEW,
    require: str = "view",
    part: str = Part.MEASURE,
) -> tuple[Series, SeriesAccess]:
    """The measure and what the user may do, or 404. `require` is view, edit or run; `part` what the page
    shows of it (a narrow account sees only the conference and its meetings). Audited."""
    series = (
        Series.objects.select_related("measure__case__service", "caseworker", "leader")
        .filter(measure_id=measure_id, measure__case_id=case_id)
        .first()
    )
    if series is None:
        raise Http404
    access = series_access(user=user, series=series)
    allowed = {"view": access.can_view, "edit": access.can_edit, "run": access.can_run_meetings}[require]
    if not allowed or not access.sees(part):
        raise Http404
    record_event(
        actor=user,
        service=series.case.service_id,
        action=audit_action,
        object_type="series",
        object_id=series.pk,
        # Reads allowed outside plain need to know say so: break-glass, or a leader from outside the case.
        detail={"case": series.case_id, **({"basis": access.basis} if access.basis in MARKED else {})},
    )
    return series, access


def get_meeting(*, series: Series, meeting_id: int) -> Meeting:
    meeting = Meeting.objects.filter(series=series, pk=meeting_id).first()
    if meeting is None:
        raise Http404
    meeting.series = series  # the meeting's name comes from its series' kind (`Meeting.label`)
    return meeting


def series_for_case(*, case: Case) -> QuerySet[Series]:
    return (
        Series.objects.filter(measure__case=case)
        .select_related("leader", "caseworker")
        .order_by("-created_at", "-id")
    )


def series_for_user(*, user: User) -> QuerySet[Series]:
    """Measures on cases the user may see, plus those they lead (for overviews)."""
    visible_cases = Case.objects.filter(visible_cases_q(user=user)).values("pk")
    return (
        Series.objects.filter(Q(measure__case__in=visible_cases) | Q(leader=user))
        .select_related("measure__case__service", "leader", "caseworker")
        .order_by("-updated_at", "-id")
    )


def series_led_by(*, user: User) -> list[Series]:
    """The measures the user leads, also for other services, with their meetings in order (for "My
    meetings"). Leading is what gives access here, so nothing else of the cases is read; the measures
    listed are recorded in the audit."""
    found = list(
        Series.objects.filter(leader=user)
        .select_related("measure__case__service")
        .prefetch_related(Prefetch("meetings", queryset=Meeting.objects.order_by("sequence")))
        .order_by("-updated_at", "-id")
    )
    with transaction.atomic():
        record_event(
            actor=user,
            service=None,
            action=AuditAction.LIST,
            object_type="series",
            detail={"series": [s.pk for s in found], "basis": "meeting_leader"},
        )
    return found


def leads_or_is_trained(*, user: User) -> bool:
    """Whether the user leads any measure or is an active trained meeting leader (for the menu).

    Asked on every page that draws the menu, so it is one plain statement: the ORM took forty times
    longer to build the same two `EXISTS` than the database took to answer them (a test checks that it
    agrees with the ORM's form)."""
    with connection.cursor() as cursor:
        cursor.execute(_LEADS_OR_TRAINED_SQL, [user.pk, user.pk])
        row = cursor.fetchone()
    return bool(row and row[0])


_LEADS_OR_TRAINED_SQL = (
    f"SELECT EXISTS (SELECT 1 FROM {Series._meta.db_table} WHERE leader_id = %s)"  # noqa: S608 - table names
    f" OR EXISTS (SELECT 1 FROM {TrainedLeader._meta.db_table} WHERE user_id = %s AND active)"
)


def leader_candidates(
    *, service_id: int, exclude_user_id: int | None = None, kind: str = "network_meeting"
) -> QuerySet[User]:
    """Who may lead a measure of `kind`, from its pool (kinds.py): trained leaders of this service and
    those other services share; the service's conference coordinators; or the service's own staff."""
    pool = kind_config(kind).leader_pool
    if pool == LeaderPool.TRAINED:
        qs = TrainedLeader.objects.filter(active=True).filter(Q(service_id=service_id) | Q(shared=True))
        users = User.objects.filter(is_active=True, pk__in=qs.values("user_id"))
    elif pool == LeaderPool.COORDINATORS:
        members = Membership.objects.filter(service_id=service_id, role=Role.COORDINATOR)
        users = User.objects.filter(is_active=True, pk__in=members.values("user_id"))
    elif pool == LeaderPool.STAFF:
        members = Membership.objects.filter(service_id=service_id).exclude(role__in=NON_STAFF_ROLES)
        users = User.objects.filter(is_active=True, pk__in=members.values("user_id"))
    else:
        users = User.objects.none()
    if exclude_user_id is not None:
        users = users.exclude(pk=exclude_user_id)
    return users.order_by("first_name", "last_name", "username")


# --- The series page and the leader register (issue 4, series) ------------------------------------------


def meetings_for_series(*, series: Series) -> list[Meeting]:
    """The measure's meetings in order: one query, however long the series."""
    meetings = list(Meeting.objects.filter(series=series).order_by("sequence"))
    for meeting in meetings:
        meeting.series = series  # the meeting's name comes from its series' kind (`Meeting.label`)
    return meetings


def get_consent(*, series: Series, consent_id: int) -> Consent:
    consent = Consent.objects.filter(series=series, pk=consent_id).first()
    if consent is None:
        raise Http404
    return consent


def trained_leaders_of_service(*, service_id: int) -> list[TrainedLeader]:
    """The service's register, active first."""
    return list(
        TrainedLeader.objects.filter(service_id=service_id)
        .select_related("user")
        .order_by("-active", "user__first_name", "user__last_name", "user__username")
    )


def leader_register(*, user: User, service_id: int) -> tuple[list[TrainedLeader], list[TrainedLeader]]:
    """The service's register and the leaders other services share, for its register page; the entries
    of the service's own register that were shown are recorded in the audit."""
    own = trained_leaders_of_service(service_id=service_id)
    with transaction.atomic():
        record_event(
            actor=user,
            service=service_id,
            action=AuditAction.LIST,
            object_type="trained_leader",
            detail={"leaders": [e.pk for e in own]},
        )
    return own, shared_leaders_elsewhere(service_id=service_id)


def shared_leaders_elsewhere(*, service_id: int) -> list[TrainedLeader]:
    """Active leaders other services share, for the register page of this service."""
    return list(
        TrainedLeader.objects.filter(shared=True, active=True, user__is_active=True)
        .exclude(service_id=service_id)
        .select_related("user", "service")
        .order_by("service__name", "user__first_name", "user__last_name")
    )


def get_trained_leader(*, leader_id: int) -> TrainedLeader | None:
    return TrainedLeader.objects.select_related("user", "service").filter(pk=leader_id).first()


@dataclass(frozen=True)
class ScreeningFacts:
    """What Sirkel already knows about the family that the screening should weigh."""

    conflicts: list[tuple[str, str]] = field(default_factory=list)  # pairs of names in conflict
    case_facts: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.conflicts or self.case_facts)


def screening_facts(*, case: Case) -> ScreeningFacts:
    """Conflict ties in the network map and the case's target groups and interpreter needs: one query
    (the case is already read, and the caller has been allowed to see it)."""
    ties = NetworkTie.objects.filter(case=case, kind=TieKind.CONFLICT).select_related("a", "b")
    conflicts = [(tie.a.name, tie.b.name) for tie in ties.order_by("a__name", "b__name", "id")]
    case_facts = [
        text
        for present, text in (
            (case.parent_cognitive_difficulties, _("The case records parental cognitive difficulties.")),
            (case.minority_background, _("The case records a minority background.")),
            (case.interpreter_needed, _("The family needs an interpreter.")),
            (case.cultural_interpreter_needed, _("The family needs a cultural interpreter.")),
        )
        if present
    ]
    return ScreeningFacts(conflicts=conflicts, case_facts=case_facts)


# Relations in the register that name a parent (the taxonomy's "Mor"/"Far", "Mother"/"Father", and the
# everyday words the participants page also reads), by consent party.
PARENT_WORDS = {
    "mother": frozenset({"mor", "mamma", "mother", "mum"}),
    "father": frozenset({"far", "pappa", "father", "dad"}),
}


def known_parents(*, case: Case) -> list[tuple[str, NetworkMember]]:
    """The mother and father as the case's network register names them: (consent party, member)."""
    found: list[tuple[str, NetworkMember]] = []
    for member in NetworkMember.objects.filter(case=case, side=Side.PRIVATE).order_by("name", "id"):
        words = {w.strip(".,()/").casefold() for w in member.relation.split()}
        for party, names in PARENT_WORDS.items():
            if words & names:
                found.append((party, member))
                break
    return found
