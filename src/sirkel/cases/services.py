"""Writes to cases: validated, atomic and audited in the same transaction."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sirkel.accounts.models import NON_STAFF_ROLES, Role, Service, User
from sirkel.accounts.selectors import role_in_service
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event
from sirkel.cases.access import CREATING_ROLES, WORKING_ROLES, case_access
from sirkel.cases.models import Birthplace, BreakGlassAccess, Case, CaseAssignment, LivesWith, Phase, Sex
from sirkel.core.types import UNCHANGED, Unchanged
from sirkel.core.versioning import update_versioned

CASE_FIELDS = (
    "child_given_name",
    "child_family_name",
    "birth_date",
    "sex",
    "birthplace",
    "lives_with",
    "lives_with_other",
    "children_in_household",
    "first_contact_date",
    "phase",
    "minority_background",
    "parent_cognitive_difficulties",
    "language",
    "interpreter_needed",
    "cultural_interpreter_needed",
)


def _check_staff(*, service: Service, users: list[User], field: str) -> None:
    for u in users:
        role = role_in_service(user=u, service_id=service.pk)
        if role is None or role in NON_STAFF_ROLES:
            raise ValidationError(
                {field: _("%(name)s does not work with cases in this service.") % {"name": u.display_name()}}
            )


def next_case_number(*, service: Service) -> int:
    """The service's next case number. Locks the service row (inside the caller's transaction), so two
    new cases never get the same number."""
    Service.objects.select_for_update().get(pk=service.pk)
    current = Case.objects.filter(service=service).aggregate(m=Max("number"))["m"]
    return (current or 0) + 1


@transaction.atomic
def create_case(
    *,
    acting_user: User,
    service: Service,
    caseworker: User,
    child_given_name: str,
    child_family_name: str,
    birth_date: date,
    first_contact_date: date,
    assigned: list[User] | None = None,
    sex: str = Sex.UNKNOWN,
    birthplace: str = Birthplace.NORWAY,
    lives_with: str = LivesWith.NOT_STATED,
    lives_with_other: str = "",
    children_in_household: int = 1,
    phase: str = Phase.INVESTIGATION,
    minority_background: bool = False,
    parent_cognitive_difficulties: bool = False,
    language: str = "",
    interpreter_needed: bool = False,
    cultural_interpreter_needed: bool = False,
) -> Case:
    """Open a case in `service` with its own number, the caseworker responsible and colleagues assigned."""
    fields = {
        "child_given_name": child_given_name,
        "child_family_name": child_family_name,
        "birth_date": birth_date,
        "sex": sex,
        "birthplace": birthplace,
        "lives_with": lives_with,
        "lives_with_other": lives_with_other,
        "children_in_household": children_in_household,
        "first_contact_date": first_contact_date,
        "phase": phase,
        "minority_background": minority_background,
        "parent_cognitive_difficulties": parent_cognitive_difficulties,
        "language": language,
        "interpreter_needed": interpreter_needed,
        "cultural_interpreter_needed": cultural_interpreter_needed,
    }
    role = role_in_service(user=acting_user, service_id=service.pk)
    if role not in CREATING_ROLES:
        raise PermissionDenied
    if role != Role.LEADER.value and caseworker.pk != acting_user.pk:
        raise PermissionDenied
    _check_staff(service=service, users=[caseworker], field="caseworker")
    assigned = [u for u in (assigned or []) if u.pk != caseworker.pk]
    _check_staff(service=service, users=assigned, field="assigned")
    case = Case(service=service, caseworker=caseworker, number=next_case_number(service=service), **fields)
    case.full_clean()
    case.save()
    CaseAssignment.objects.bulk_create([CaseAssignment(case=case, user=u) for u in assigned])
    record_event(
        actor=acting_user,
        service=service,
        action=AuditAction.CREATE,
        object_type="case",
        object_id=case.pk,
        detail={"assigned": [u.pk for u in assigned], "caseworker": caseworker.pk},
    )
    return case


@transaction.atomic
def update_case(
    *,
    acting_user: User,
    case: Case,
    expected_version: int,
    caseworker: User | None = None,
    assigned: list[User] | None = None,
    child_given_name: str | Unchanged = UNCHANGED,
    child_family_name: str | Unchanged = UNCHANGED,
    birth_date: date | Unchanged = UNCHANGED,
    sex: str | Unchanged = UNCHANGED,
    birthplace: str | Unchanged = UNCHANGED,
    lives_with: str | Unchanged = UNCHANGED,
    lives_with_other: str | Unchanged = UNCHANGED,
    children_in_household: int | Unchanged = UNCHANGED,
    first_contact_date: date | Unchanged = UNCHANGED,
    phase: str | Unchanged = UNCHANGED,
    minority_background: bool | Unchanged = UNCHANGED,
    parent_cognitive_difficulties: bool | Unchanged = UNCHANGED,
    language: str | Unchanged = UNCHANGED,
    interpreter_needed: bool | Unchanged = UNCHANGED,
    cultural_interpreter_needed: bool | Unchanged = UNCHANGED,
) -> Case:
    """Save changes unless someone saved in between (optimistic locking on `version`).

    Each case field is its own keyword; a field left out (UNCHANGED) keeps its stored value."""
    given = {
        "child_given_name": child_given_name,
        "child_family_name": child_family_name,
        "birth_date": birth_date,
        "sex": sex,
        "birthplace": birthplace,
        "lives_with": lives_with,
        "lives_with_other": lives_with_other,
        "children_in_household": children_in_household,
        "first_contact_date": first_contact_date,
        "phase": phase,
        "minority_background": minority_background,
        "parent_cognitive_difficulties": parent_cognitive_difficulties,
        "language": language,
        "interpreter_needed": interpreter_needed,
        "cultural_interpreter_needed": cultural_interpreter_needed,
    }
    fields = {k: v for k, v in given.items() if not isinstance(v, Unchanged)}
    # Decide and compare on the stored row: a bound ModelForm has already copied its data onto `case`.
    stored = Case.objects.get(pk=case.pk)
    access = case_access(user=acting_user, case=stored)
    if not access.can_edit:
        raise PermissionDenied
    changed = sorted(k for k, v in fields.items() if getattr(stored, k) != v)
    for k, v in fields.items():
        setattr(case, k, v)
    if caseworker is not None and caseworker.pk != stored.caseworker_id:
        if not access.is_leader and stored.caseworker_id != acting_user.pk:
            raise PermissionDenied
        _check_staff(service=case.service, users=[caseworker], field="caseworker")
        case.caseworker = caseworker
        changed.append("caseworker")
    elif caseworker is None or caseworker.pk == stored.caseworker_id:
        case.caseworker_id = stored.caseworker_id
    case.full_clean(exclude=["service", "number", "version"])
    update_versioned(case, expected_version=expected_version, fields=[*CASE_FIELDS, "caseworker"])
    if assigned is not None:
        wanted = {u.pk: u for u in assigned if u.pk != case.caseworker_id}
        _check_staff(service=case.service, users=list(wanted.values()), field="assigned")
        current = set(CaseAssignment.objects.filter(case=case).values_list("user_id", flat=True))
        to_add = set(wanted) - current
        to_remove = current - set(wanted)
        if to_remove:
            CaseAssignment.objects.filter(case=case, user_id__in=to_remove).delete()
        CaseAssignment.objects.bulk_create([CaseAssignment(case=case, user_id=pk) for pk in to_add])
        if to_add or to_remove:
            changed.append("assigned")
    record_event(
        actor=acting_user,
        service=case.service_id,
        action=AuditAction.UPDATE,
        object_type="case",
        object_id=case.pk,
        detail={"fields": changed},
    )
    return case


@transaction.atomic
def break_glass(*, acting_user: User, service: Service, number: int, reason: str) -> Case:
    """Open a case outside need-to-know for a limited time; the reason goes to the audit chain."""
    reason = reason.strip()
    if len(reason) < 10:
        raise ValidationError({"reason": _("Write why you need to open this case (at least 10 characters).")})
    role = role_in_service(user=acting_user, service_id=service.pk)
    if role not in WORKING_ROLES:
        raise PermissionDenied
    case = Case.objects.filter(service=service, number=number).first()
    if case is None:
        raise ValidationError({"number": _("No case with that number in this service.")})
    grant = BreakGlassAccess.objects.create(
        case=case,
        user=acting_user,
        reason=reason,
        expires_at=timezone.now() + timedelta(hours=settings.SIRKEL_BREAK_GLASS_HOURS),
    )
    record_event(
        actor=acting_user,
        service=service,
        action=AuditAction.BREAK_GLASS,
        object_type="case",
        object_id=case.pk,
        reason=reason,
        detail={"grant": grant.pk},
    )
    return case
