"""Permission-scoped reads of cases. Every read of case data goes through here and is audited."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from sirkel.accounts.models import Role, User
from sirkel.accounts.selectors import service_ids_with_role
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event
from sirkel.cases.access import Basis, CaseAccess, case_access, visible_cases_q
from sirkel.cases.flags import set_flags
from sirkel.cases.models import (
    BreakGlassAccess,
    Case,
    CaseAssignment,
    DecidedMeasure,
    Decision,
    Measure,
    MeasureStatus,
)


def get_case_for_user(
    *,
    user: User,
    case_id: int,
    audit_action: str = AuditAction.VIEW,
    require_edit: bool = False,
    part: str = "",
    flags: Iterable[str] = (),
) -> tuple[Case, CaseAccess]:
    """The case and what the user may do with it, or 404 when they may not see it.

    Opening a case is recorded in the audit chain (as a break-glass read when that is the basis);
    `part` names the part of the case that was read, e.g. "network". `flags` names more of
    `cases.flags.FLAGS` to set on the case, in the one statement that asks whether it has assignments
    (a page can learn there whether it needs further queries).
    """
    case = Case.objects.select_related("service", "caseworker").filter(pk=case_id).first()
    if case is None:
        raise Http404
    set_flags(case, ("has_assignments", *flags))
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
            **({"basis": Basis.REVIEWER.value} if access.basis == Basis.REVIEWER else {}),
            **(
                {"basis": Basis.RESEARCH_GRANT.value, "project": access.research_project_id}
                if access.basis == Basis.RESEARCH_GRANT
                else {}
            ),
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
            # isdecimal, not isdigit: "6¹" is digits to Python but no number to int(). A case number is a
            # PositiveIntegerField, so a longer run of digits cannot be one (and would overflow the column).
            if term.isdecimal() and len(term) <= 10 and int(term) <= 2_147_483_647:
                term_q |= Q(number=int(term))
            qs = qs.filter(term_q)
    if phase:
        qs = qs.filter(phase=phase)
    if caseworker_id:
        qs = qs.filter(caseworker_id=caseworker_id)
    if mine:
        assigned = CaseAssignment.objects.filter(user=user).values("case_id")
        qs = qs.filter(Q(caseworker=user) | Q(pk__in=assigned))
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


def measures_of(*, case: Case) -> QuerySet[Measure]:
    """Every measure of a case (any kind), newest first. The caller has already read the case through
    `get_case_for_user`, which audited the read."""
    return Measure.objects.filter(case=case).order_by("-started_on", "-created_at", "-id")


def measures_for_case(*, case: Case) -> list[Measure]:
    return list(measures_of(case=case))


def case_list_page(
    *,
    user: User,
    page_number: str | None,
    page_size: int,
    query: str = "",
    phase: str = "",
    mine: bool = False,
    target_group: str = "",
) -> Page[Case]:
    """One page of the case list, with the ids of the cases shown recorded in the audit."""
    qs = list_cases(user=user, query=query, phase=phase, mine=mine, target_group=target_group)
    page = Paginator(qs, page_size).get_page(page_number)
    record_case_list(user=user, cases=list(page.object_list))
    return page


def record_case_list(*, user: User, cases: list[Case]) -> None:
    """Record which cases a list showed (the page's table or one page of the API's list)."""
    with transaction.atomic():
        record_event(
            actor=user,
            service=None,
            action=AuditAction.LIST,
            object_type="case",
            detail={"cases": [c.pk for c in cases]},
        )


def break_glass_page(*, user: User, page_number: str | None, page_size: int = 50) -> Page[BreakGlassAccess]:
    """One page of the leader's break-glass overview; the grants shown are recorded in the audit."""
    page = Paginator(break_glass_for_leader(user=user), page_size).get_page(page_number)
    with transaction.atomic():
        record_event(
            actor=user,
            service=None,
            action=AuditAction.LIST,
            object_type="break_glass",
            detail={"grants": [g.pk for g in page.object_list]},
        )
    return page


def decisions_of(*, case: Case) -> QuerySet[Decision]:
    """The case's decisions, newest first, with their reasons and decided measures in two more queries
    whatever their number. The caller has read the case through `get_case_for_user`."""
    return (
        Decision.objects.filter(case=case)
        .select_related("decided_by")
        .prefetch_related(
            "reasons", Prefetch("items", queryset=DecidedMeasure.objects.select_related("measure"))
        )
        .order_by("-decided_on", "-id")
    )


def open_measures_of(*, case: Case) -> list[Measure]:
    """The case's measures that have not ended, oldest first: what a new decision can extend or end."""
    return list(
        Measure.objects.filter(case=case).exclude(status=MeasureStatus.ENDED).order_by("created_at", "id")
    )
