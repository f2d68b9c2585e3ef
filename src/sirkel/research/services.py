"""Writes of the research app: form versions, projects and their researchers, grants and their revoking,
imports and a file's consensus registration. Each write is audited in the same transaction."""

from __future__ import annotations

import copy
import dataclasses
import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from sirkel.accounts.models import Role, Service, User
from sirkel.accounts.selectors import role_in_service
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event
from sirkel.cases.models import Case
from sirkel.core.versioning import ConflictError, update_versioned
from sirkel.research import analysis
from sirkel.research.forms import Form, FormError, load_form, set_answer, validate
from sirkel.research.models import FormVersion, Grant, Project, ProjectResearcher, Registration

STUDY_FORM = "study-2023"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,79}$")  # a project's short name
_DATA = Path(__file__).resolve().parent / "data" / "forms" / f"{STUDY_FORM}.yaml"


def study_form_text() -> str:
    """The YAML text of the study's form as Sirkel ships it (`data/forms/study-2023.yaml`)."""
    return _DATA.read_text(encoding="utf-8")


def latest_form_version(*, key: str = STUDY_FORM) -> FormVersion:
    """The newest version of a form; version 1 of the study's form is created from its YAML text when
    there is none yet."""
    found = FormVersion.objects.filter(key=key).order_by("-version").first()
    if found is not None:
        return found
    if key != STUDY_FORM:
        raise ValidationError(_("There is no form called %(key)s.") % {"key": key})
    version, _created = FormVersion.objects.get_or_create(
        key=key, version=1, defaults={"definition": study_form_text()}
    )
    return version


@dataclass(frozen=True)
class RegisteredForm:
    version: FormVersion
    created: bool  # False: the text is the newest version's already
    questions: int


def next_form_version(*, key: str) -> int:
    """The number the next version of the form `key` gets (1 for a new form)."""
    if key == STUDY_FORM:
        latest_form_version(key=key)  # the shipped version 1 exists before any other
    newest = FormVersion.objects.filter(key=key).order_by("-version").values_list("version", flat=True)
    return (newest.first() or 0) + 1


def register_form(*, text: str, key: str, via: str = "command") -> RegisteredForm:
    """A form's YAML text as the newest version of the form `key`, checked whole (ValidationError says
    what is wrong). The text's own `key` and `version` must be `key` and the next version number; the
    same text as the newest version registers nothing. Versions are never changed: registrations keep
    the version they were made with. One audit event."""
    try:
        form = load_form(text)
    except FormError as exc:
        raise ValidationError(str(exc)) from exc
    if form.key != key:
        raise ValidationError(
            _("The file is the form %(found)s, not %(key)s.") % {"found": form.key, "key": key}
        )
    questions = sum(1 for _q in form.questions())
    with transaction.atomic():
        newest = FormVersion.objects.select_for_update().filter(key=key).order_by("-version").first()
        if newest is not None and _same_form(newest.form(), form):
            return RegisteredForm(newest, False, questions)
        expected = next_form_version(key=key)
        if form.version != expected:
            raise ValidationError(
                _("The file says version %(found)s; the next version of %(key)s is %(expected)s.")
                % {"found": form.version, "key": key, "expected": expected}
            )
        version = FormVersion.objects.create(key=key, version=expected, definition=text)
        record_event(
            actor=None,
            service=None,
            action=AuditAction.CREATE,
            object_type="research_form",
            object_id=version.pk,
            detail={"via": via, "key": key, "version": expected, "questions": questions},
        )
    return RegisteredForm(version, True, questions)


def _same_form(a: Form, b: Form) -> bool:
    """The same questions, blocks and labels, whatever their versions' numbers and YAML text."""
    return dataclasses.replace(a, version=0, source="") == dataclasses.replace(b, version=0, source="")


def leads(*, user: User, service: Service | int) -> bool:
    service_id = service if isinstance(service, int) else service.pk
    return role_in_service(user=user, service_id=service_id) == Role.LEADER.value


@dataclass(frozen=True)
class GrantInput:
    project_slug: str
    service: Service
    valid_until: datetime.date
    reason: str
    legal_basis: str
    dpia_ref: str = ""
    all_cases: bool = True
    case_numbers: tuple[int, ...] = ()
    project_name: str = ""  # for a new project; the slug when left out
    researchers: tuple[User, ...] = ()


def _add_researchers(*, project: Project, users: Iterable[User]) -> list[User]:
    added = []
    for user in users:
        if not user.is_active:
            raise ValidationError(_("%(user)s has no active account.") % {"user": user.username})
        _row, created = ProjectResearcher.objects.get_or_create(project=project, user=user)
        if created:
            added.append(user)
    return added


def grant_access(*, acting_user: User, data: GrantInput, via: str = "web") -> Grant:
    """A service leader grants a project (created when new, with the newest study form) access to the
    service's case files. Refused unless `acting_user` leads the service, the date is today or later and
    the listed case numbers are the service's."""
    if not leads(user=acting_user, service=data.service):
        raise ValidationError(_("Only a leader of the service can grant access to its case files."))
    if data.valid_until < timezone.localdate():
        raise ValidationError(_("The grant must last at least until today."))
    if not data.reason.strip() or not data.legal_basis.strip():
        raise ValidationError(_("Give the legal basis and the reason for the grant."))
    numbers = sorted(set(data.case_numbers))
    if not data.all_cases and not numbers:
        raise ValidationError(_("List the case numbers the grant covers, or grant all case files."))
    with transaction.atomic():
        cases = list(Case.objects.filter(service=data.service, number__in=numbers)) if numbers else []
        missing = sorted(set(numbers) - {c.number for c in cases})
        if missing and not data.all_cases:
            raise ValidationError(
                _("The service has no case numbered %(numbers)s.")
                % {"numbers": ", ".join(str(n) for n in missing)}
            )
        project = Project.objects.filter(slug=data.project_slug).first()
        created = project is None
        if project is None:
            if not SLUG.match(data.project_slug):
                raise ValidationError(
                    _("A project's short name is 2–80 lower-case letters, digits and hyphens.")
                )
            project = Project.objects.create(
                slug=data.project_slug,
                name=data.project_name.strip() or data.project_slug,
                form_version=latest_form_version(),
            )
            record_event(
                actor=acting_user,
                service=data.service,
                action=AuditAction.CREATE,
                object_type="research_project",
                object_id=project.pk,
                detail={"form": project.form_version.key, "form_version": project.form_version.version},
            )
        added = _add_researchers(project=project, users=data.researchers)
        grant = Grant.objects.create(
            project=project,
            service=data.service,
            all_cases=data.all_cases,
            valid_until=data.valid_until,
            legal_basis=data.legal_basis.strip(),
            dpia_ref=data.dpia_ref.strip(),
            reason=data.reason.strip(),
            granted_by=acting_user,
        )
        if not data.all_cases:
            grant.cases.set(cases)
        record_event(
            actor=acting_user,
            service=data.service,
            action=AuditAction.CREATE,
            object_type="research_grant",
            object_id=grant.pk,
            reason=grant.reason,
            detail={
                "project": project.pk,
                "new_project": created,
                "all_cases": grant.all_cases,
                "cases": [c.pk for c in cases] if not grant.all_cases else [],
                "valid_until": grant.valid_until.isoformat(),
                "researchers_added": [u.pk for u in added],
                "dpia": grant.dpia_ref,
                "via": via,
            },
        )
    return grant


def revoke_grant(*, acting_user: User, grant: Grant, reason: str) -> Grant:
    """A leader of the grant's service ends it now; its researchers read none of its cases from then."""
    if not leads(user=acting_user, service=grant.service_id):
        raise ValidationError(_("Only a leader of the service can revoke its grants."))
    if not reason.strip():
        raise ValidationError(_("Say why the grant is revoked."))
    with transaction.atomic():
        locked = Grant.objects.select_for_update().get(pk=grant.pk)
        if locked.revoked_at is not None:
            raise ValidationError(_("The grant has already been revoked."))
        locked.revoked_at = timezone.now()
        locked.revoked_by = acting_user
        locked.revoke_reason = reason.strip()
        locked.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        record_event(
            actor=acting_user,
            service=locked.service_id,
            action=AuditAction.UPDATE,
            object_type="research_grant",
            object_id=locked.pk,
            reason=locked.revoke_reason,
            detail={"project": locked.project_id, "revoked": True},
        )
    return locked


# --- Importing registrations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportOutcome:
    project: Project
    created_project: bool
    registrations: int
    linked: int
    problems: list[str]


def import_registrations(
    *, project_slug: str, form_key: str, text: str, via: str = "command"
) -> ImportOutcome:
    """The registrations of a JSON file (`imports.read_registrations`) into the project (created if new,
    with the newest version of the form `form_key`), checked whole: with any problem nothing is written
    and the problems are returned. A `linked_case` must be a case of the named service that one of the
    project's active grants covers. One audit event with the counts."""
    from sirkel.research.imports import read_registrations

    if not SLUG.match(project_slug):
        raise ValidationError(_("A project's short name is 2–80 lower-case letters, digits and hyphens."))
    project = Project.objects.filter(slug=project_slug).select_related("form_version").first()
    version = project.form_version if project else latest_form_version(key=form_key)
    if version.key != form_key:
        raise ValidationError(
            _("The project %(slug)s uses the form %(key)s.") % {"slug": project_slug, "key": version.key}
        )
    try:
        form = version.form()
    except FormError as exc:
        raise ValidationError(str(exc)) from exc
    parsed, found = read_registrations(text, form)
    problems = [str(p) for p in found]
    existing = set()
    if project is not None:
        existing = set(project.registrations.values_list("case_ref", "coder", "is_consensus"))
    cases: dict[tuple[str, int], Case | None] = {}
    for n, registration in enumerate(parsed, start=1):
        if (registration.case_ref, registration.coder, registration.is_consensus) in existing:
            problems.append(
                f"registration {n} (case {registration.case_ref}): "
                "this coder's registration is in the project already"
            )
        link = registration.linked_case
        if link is None:
            continue
        key = (link.service, link.number)
        if key not in cases:
            cases[key] = _granted_case(project, service_name=link.service, number=link.number)
        if cases[key] is None:
            problems.append(
                f"registration {n} (case {registration.case_ref}), linked_case: no case {link.number} of "
                f"{link.service} that the project has an active grant for"
            )
    if problems:
        return ImportOutcome(project or Project(slug=project_slug), project is None, 0, 0, problems)
    users = {u.username: u for u in User.objects.filter(username__in={r.coder for r in parsed})}
    now = timezone.now()
    with transaction.atomic():
        created = project is None
        if project is None:
            project = Project.objects.create(slug=project_slug, name=project_slug, form_version=version)
        Registration.objects.bulk_create(
            [
                Registration(
                    project=project,
                    form_version=version,
                    case_ref=r.case_ref,
                    linked_case=cases.get((r.linked_case.service, r.linked_case.number))
                    if r.linked_case
                    else None,
                    coder=r.coder,
                    coder_user=users.get(r.coder),
                    answers=r.answers,
                    is_consensus=r.is_consensus,
                    submitted_at=now,  # a file's registration is finished when imported
                )
                for r in parsed
            ],
            batch_size=1000,
        )
        linked = sum(1 for r in parsed if r.linked_case)
        record_event(
            actor=None,
            service=None,
            action=AuditAction.IMPORT,
            object_type="research_registrations",
            object_id=project.pk,
            detail={"via": via, "registrations": len(parsed), "linked": linked, "project_created": created},
        )
    return ImportOutcome(project, created, len(parsed), linked, [])


def _granted_case(project: Project | None, *, service_name: str, number: int) -> Case | None:
    if project is None:
        return None  # a new project has no grant yet
    case = Case.objects.filter(service__name=service_name, number=number).first()
    if case is None:
        return None
    grants = Grant.objects.active().filter(project=project, service=case.service_id)
    covered = grants.filter(all_cases=True).exists() or grants.filter(cases=case).exists()
    return case if covered else None


# --- Reconciling a file to a consensus registration ------------------------------------------------------

NO_ANSWER = analysis.NO_ANSWER


def save_consensus(
    *,
    acting_user: User,
    project: Project,
    case_ref: str,
    choices: Mapping[str, str],
    versions: Mapping[int, int],
) -> Registration:
    """Create or update the consensus registration of one finished file: the answers the coders agree on,
    and at each place they answered differently the choice made (`choices`: a place's path → the index
    of one of its distinct answers, or NO_ANSWER).

    Refused with ConflictError when any registration of the file is not at the version the page showed
    (`versions`: registration id → version, the consensus included when there is one), with a
    ValidationError when a differing place is not decided or the answers do not pass the form; 404 for a
    file that is not finished or has fewer than two coders. One audit event.
    """
    form = analysis.project_form(project)
    with transaction.atomic():
        # Lock the file's registrations so that nobody saves one between the check and the write.
        list(Registration.objects.select_for_update().filter(project=project, case_ref=case_ref).only("id"))
        found = analysis.reconciliation(project, form, case_ref=case_ref)
        if found is None:
            raise Http404
        current = {r.pk: r.version for r in found.registrations}
        if found.consensus is not None:
            current[found.consensus.pk] = found.consensus.version
        if current != dict(versions):
            raise ConflictError(
                _(
                    "A registration of this file was changed after the page was opened. Nothing was "
                    "saved: look at the answers again and decide."
                )
            )
        answers: dict[str, Any] = {}
        undecided: list[str] = []
        for place in found.places:
            if place.agreed:
                value = place.choices[0].value
            else:
                choice = choices.get(place.path, "")
                if choice == NO_ANSWER:
                    value = None
                elif choice.isdecimal() and int(choice) < len(place.choices):
                    value = place.choices[int(choice)].value
                else:
                    undecided.append(place.path)
                    continue
            set_answer(form, place.question, answers, place.place, copy.deepcopy(value))
        if undecided:
            raise ValidationError(
                _("Decide every place where the coders differ; not decided: %(places)s.")
                % {"places": ", ".join(undecided)}
            )
        problems = validate(form, answers)
        if problems:
            raise ValidationError([f"{p.path}: {p.message}" for p in problems])
        linked = {r.linked_case_id for r in found.registrations}
        linked_case_id = linked.pop() if len(linked) == 1 else None
        consensus = found.consensus
        now = timezone.now()
        if consensus is None:
            consensus = Registration.objects.create(
                project=project,
                form_version=project.form_version,
                case_ref=case_ref,
                linked_case_id=linked_case_id,
                coder=analysis.CONSENSUS_CODER,
                answers=answers,
                is_consensus=True,
                submitted_at=now,
            )
            action = AuditAction.CREATE
        else:
            consensus.form_version = project.form_version
            consensus.linked_case_id = linked_case_id
            consensus.coder = analysis.CONSENSUS_CODER
            consensus.answers = answers
            consensus.submitted_at = now
            update_versioned(
                consensus,
                expected_version=current[consensus.pk],
                fields=["form_version", "linked_case", "coder", "answers", "submitted_at"],
            )
            action = AuditAction.UPDATE
        record_event(
            actor=acting_user,
            service=None,
            action=action,
            object_type="research_consensus",
            object_id=consensus.pk,
            detail={
                "project": project.pk,
                "registrations": len(found.registrations),
                "places_decided": len(found.differing),
                "places_agreed": len(found.agreed),
            },
        )
    return consensus
