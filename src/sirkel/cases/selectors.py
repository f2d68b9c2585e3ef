"""Permission-scoped reads of cases. Every read of case data goes through here and is audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sirkel.accounts.models import Role, User
from sirkel.accounts.selectors import roles_by_service, service_ids_with_role
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event
from sirkel.cases.models import BreakGlassAccess, Case, CaseAssignment, Measure

# Roles that may work on cases they own or are assigned to, and may break the glass.
WORKING_ROLES = {Role.CASEWORKER.value, Role.CONSULTANT.value, Role.ADMINISTRATOR.value}
CREATING_ROLES = {Role.CASEWORKER.value, Role.LEADER.value}
EDITING_ROLES = {Role.CASEWORKER.value, Role.LEADER.value, Role.CONSULTANT.value}


@dataclass(frozen=True)
class CaseAccess:
    can_view: bool
    can_edit: bool
    via_break_glass: bool
    is_leader: bool


def visible_cases_q(*, user: User) -> Q:
    """The cases a user may see: all in services they lead, else their own, assigned or break-glass."""
    leader_ids = service_ids_with_role(user=user, roles={Role.LEADER.value})
    working_ids = service_ids_with_role(user=user, roles=WORKING_ROLES)
    if not leader_ids and not working_ids:
        return Q(pk__in=[])
    assigned = CaseAssignment.objects.filter(case=OuterRef("pk"), user=user)
    grant = BreakGlassAccess.objects.filter(case=OuterRef("pk"), user=user, expires_at__gt=timezone.now())
    need_to_know = Q(caseworker=user) | Q(Exists(assigned)) | Q(Exists(grant))
    return Q(service_id__in=leader_ids) | (Q(service_id__in=working_ids) & need_to_know)


def case_access(*, user: User, case: Case) -> CaseAccess:
    role = roles_by_service(user=user).get(case.service_id)
    no = CaseAccess(False, False, False, False)
    if role is None or role == Role.RESEARCHER.value:
        return no
    if role == Role.LEADER.value:
        return CaseAccess(True, True, False, True)
    # `has_assignments` is annotated by get_case_for_user; without it, ask the database.
    maybe_assigned = getattr(case, "has_assignments", True)
    if case.caseworker_id == user.pk or (
        maybe_assigned and CaseAssignment.objects.filter(case=case, user=user).exists()
    ):
        return CaseAccess(True, role in EDITING_ROLES, False, False)
    if BreakGlassAccess.objects.filter(case=case, user=user, expires_at__gt=timezone.now()).exists():
        return CaseAccess(True, False, True, False)
    return no


def get_case_for_user(
    *,
    user: User,
    case_id: int,
    audit_action: str = AuditAction.VIEW,
    require_edit: bool = False,
    part: str = "",
    annotate: dict[str, Any] | None = None,
) -> tuple[Case, CaseAccess]:
    """The case and what the user may do with it, or 404 when they may not see it.

    Opening a case is recorded in the audit chain (as a break-glass read when that is the basis);
    `part` names the part of the case that was read, e.g. "network". `annotate` adds expressions to
    the one query that fetches the case (a page can learn there whether it needs further queries).
    """
    case = (
        Case.objects.select_related("service", "caseworker")
        .annotate(
            has_assignments=Exists(CaseAssignment.objects.filter(case=OuterRef("pk"))), **(annotate or {})
        )
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise Http404
    access = case_access(user=user, case=case)
    if not access.can_view or (require_edit and not access.can_edit):
        raise Http404
    record_event(
        actor=user,
        service=case.service_id,
        action=audit_action,
        object_type="case",
        object_id=case.pk,
        detail={
            **({"basis": "break_glass"} if access.via_break_glass else {}),
            **({"part": part} if part else {}),
        },
    )
    return case, access


def list_cases(
    *,
    user: User,
    query: str = "",
    phase: str = "",
    caseworker_id: int | None = None,
    mine: bool = False,
    target_group: str = "",
) -> QuerySet[Case]:
    qs = Case.objects.filter(visible_cases_q(user=user)).select_related("service", "caseworker")
    if query:
        terms = query.split()
        for term in terms:
            term_q = Q(child_given_name__icontains=term) | Q(child_family_name__icontains=term)
            if term.isdigit():
                term_q |= Q(number=int(term))
            qs = qs.filter(term_q)
    if phase:
        qs = qs.filter(phase=phase)
    if caseworker_id:
        qs = qs.filter(caseworker_id=caseworker_id)
    if mine:
        qs = qs.filter(Q(caseworker=user) | Q(assignments__user=user)).distinct()
    if target_group == "minority":
        qs = qs.filter(minority_background=True)
    elif target_group == "cognitive":
        qs = qs.filter(parent_cognitive_difficulties=True)
    elif target_group == "interpreter":
        qs = qs.filter(Q(interpreter_needed=True) | Q(cultural_interpreter_needed=True))
    return qs.order_by("-updated_at", "-id")


def assigned_users(*, case: Case) -> list[User]:
    if getattr(case, "has_assignments", True) is False:
        return []  # known from the case query: most cases have nobody assigned besides the owner
    return list(
        User.objects.filter(pk__in=CaseAssignment.objects.filter(case=case).values("user_id")).order_by(
            "first_name", "last_name"
        )
    )


def active_break_glass_for_case(*, case: Case) -> QuerySet[BreakGlassAccess]:
    return BreakGlassAccess.objects.filter(case=case).select_related("user").order_by("-created_at")


def break_glass_for_leader(*, user: User) -> QuerySet[BreakGlassAccess]:
    """Break-glass grants in the services the user leads, newest first."""
    leader_ids = service_ids_with_role(user=user, roles={Role.LEADER.value})
    return (
        BreakGlassAccess.objects.filter(case__service_id__in=leader_ids)
        .select_related("case", "user", "case__service")
        .order_by("-created_at")
    )


def measures_for_case(*, case: Case) -> list[Measure]:
    """Every measure of a case (any kind), newest first. The caller has already read the case through
    `get_case_for_user`, which audited the read."""
    return list(Measure.objects.filter(case=case).order_by("-started_on", "-created_at", "-id"))
