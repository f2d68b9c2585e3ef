"""Writes of coding: case files given to the project's coders, and each coder's own registration of a file.

A share of the files (the project's `double_coding_share`) is given to two coders, who code it
independently: nothing here lets one coder's registration be seen through another's. Each write is one
audit event in the same transaction, with counts only (no names, no answers).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from sirkel.accounts.models import User
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event
from sirkel.cases.access import research_grant_project
from sirkel.cases.models import Case
from sirkel.research.analysis import project_form
from sirkel.research.forms import (
    Block,
    Form,
    Problem,
    Question,
    compile_expression,
    evaluate,
    normalise,
    validate,
)
from sirkel.research.models import Assignment, Grant, Project, ProjectResearcher, Registration
from sirkel.research.prefill import Prefill, prefill

MAX_CASE_REF = 100  # Assignment.case_ref's length


class FileRef(NamedTuple):
    """A case file to assign: its reference, and the Sirkel case when it is one."""

    case_ref: str
    linked_case: Case | None = None


def linked_case_ref(case: Case) -> str:
    """The case_ref a Sirkel case is coded under: its service and number, e.g. `S3-00012`."""
    return f"S{case.service_id}-{case.number:05d}"


def is_project_researcher(*, user: User, project: Project) -> bool:
    return ProjectResearcher.objects.filter(project=project, user=user).exists()


def _covered_cases(*, project: Project, cases: Sequence[Case]) -> set[int]:
    """The ids of `cases` that an active grant of the project covers (two queries)."""
    grants = list(Grant.objects.active().filter(project=project, service__in={c.service_id for c in cases}))
    every = {g.service_id for g in grants if g.all_cases}
    listed = set(
        Grant.cases.through.objects.filter(
            grant__in=[g for g in grants if not g.all_cases], case__in=cases
        ).values_list("case_id", flat=True)
    )
    return {c.pk for c in cases if c.service_id in every or c.pk in listed}


def _double_order(slug: str, case_ref: str) -> str:
    """The order the files to be coded twice are chosen in: reproducible, and spread over the files."""
    return hashlib.sha256(f"{slug}:{case_ref}".encode()).hexdigest()


def assign_files(
    *,
    acting_user: User,
    project: Project,
    files: Sequence[FileRef],
    coders: Sequence[User],
    double_share: int,
) -> list[Assignment]:
    """Gives the files to the coders, `double_share` per cent of them (rounded) to two coders each (when
    there are two or more), and sets the project's share to it. Deterministic and balanced: the files in
    order of reference, each to the coders with the fewest assignments in the project so far (ties by
    username); the files coded twice chosen by the SHA-256 of the project's short name and the reference.
    A file already assigned in the project is skipped. Refused, with nothing written, unless the acting
    user and every coder are researchers on the project and an active grant of the project covers every
    linked case. Returns the assignments made."""
    if not is_project_researcher(user=acting_user, project=project):
        raise ValidationError(_("Only the project's researchers can assign its case files."))
    if not 0 <= double_share <= 100:
        raise ValidationError(_("The share coded twice is a per cent between 0 and 100."))
    if not coders:
        raise ValidationError(_("Choose at least one coder."))
    on_project = set(ProjectResearcher.objects.filter(project=project).values_list("user_id", flat=True))
    if any(c.pk not in on_project for c in coders):
        raise ValidationError(_("Every coder must be a researcher on the project."))
    by_ref: dict[str, FileRef] = {}
    for file in files:
        ref = file.case_ref.strip()
        if not ref or len(ref) > MAX_CASE_REF:
            raise ValidationError(_("A case file reference is 1–%(max)s characters.") % {"max": MAX_CASE_REF})
        by_ref.setdefault(ref, FileRef(ref, file.linked_case))
    if not by_ref:
        raise ValidationError(_("Choose at least one case file."))
    linked = [f.linked_case for f in by_ref.values() if f.linked_case is not None]
    if linked and len(_covered_cases(project=project, cases=linked)) < len({c.pk for c in linked}):
        raise ValidationError(_("A case file is not covered by an active grant of the project."))
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)  # one distribution at a time
        assigned = set(Assignment.objects.filter(project=locked).values_list("case_ref", flat=True))
        new = sorted((f for ref, f in by_ref.items() if ref not in assigned), key=lambda f: f.case_ref)
        doubled_count = (double_share * len(new) + 50) // 100  # rounded half up
        doubled = {
            f.case_ref
            for f in sorted(new, key=lambda f: _double_order(locked.slug, f.case_ref))[:doubled_count]
        }
        counts = {
            row["coder"]: row["n"]
            for row in Assignment.objects.filter(project=locked).values("coder").annotate(n=Count("id"))
        }
        load = {c.pk: counts.get(c.pk, 0) for c in coders}
        unique_coders = list({c.pk: c for c in coders}.values())
        made: list[Assignment] = []
        for file in new:
            wanted = 2 if file.case_ref in doubled and len(unique_coders) >= 2 else 1
            chosen = sorted(unique_coders, key=lambda c: (load[c.pk], c.username))[:wanted]
            for coder in chosen:
                load[coder.pk] += 1
                made.append(
                    Assignment(
                        project=locked,
                        case_ref=file.case_ref,
                        linked_case=file.linked_case,
                        coder=coder,
                        assigned_by=acting_user,
                    )
                )
        Assignment.objects.bulk_create(made)
        locked.double_coding_share = double_share
        locked.save(update_fields=["double_coding_share"])
        project.double_coding_share = double_share
        record_event(
            actor=acting_user,
            service=None,
            action=AuditAction.CREATE,
            object_type="research_assignment",
            object_id=locked.pk,
            detail={
                "project": locked.pk,
                "files": len(new),
                "skipped": len(by_ref) - len(new),
                "linked": sum(1 for f in new if f.linked_case is not None),
                "coded_twice": len(doubled) if len(unique_coders) >= 2 else 0,
                "coders": len(unique_coders),
                "assignments": len(made),
                "share": double_share,
            },
        )
    return made


def unassign(*, acting_user: User, assignment: Assignment) -> None:
    """Takes a file from its coder, with the coder's draft of it, while they have not finished it."""
    project = assignment.project
    if not is_project_researcher(user=acting_user, project=project):
        raise ValidationError(_("Only the project's researchers can change its assignments."))
    with transaction.atomic():
        mine = Registration.objects.select_for_update().filter(
            project=project, case_ref=assignment.case_ref, coder_user=assignment.coder, is_consensus=False
        )
        if mine.filter(submitted_at__isnull=False).exists():
            raise ValidationError(_("The coder has finished this file; it can no longer be taken from them."))
        drafts, _by_model = mine.delete()
        record_event(
            actor=acting_user,
            service=None,
            action=AuditAction.DELETE,
            object_type="research_assignment",
            object_id=assignment.pk,
            detail={"project": project.pk, "draft_deleted": drafts > 0},
        )
        assignment.delete()


# --- A coder's registration ---------------------------------------------------------------------------


class StaleRegistration(ValidationError):
    """The registration was saved elsewhere after this copy was opened."""


@dataclass(frozen=True)
class SaveOutcome:
    registration: Registration | None  # None when there were problems (nothing saved)
    problems: list[Problem]
    dropped: list[str]  # the paths of answers dropped because their question was not asked
    answers: dict[str, Any]  # what was checked (the coder's input, normalised)


def starting_prefill(*, assignment: Assignment, form: Form) -> Prefill | None:
    """What a new registration of the file starts from: the prefill of its linked case, while an active
    grant of the project lets the coder read it; None otherwise."""
    case = assignment.linked_case
    if case is None:
        return None
    if research_grant_project(user=assignment.coder, case=case, project_id=assignment.project_id) is None:
        return None
    return prefill(case, form=form, today=timezone.localdate())


def own_registration(*, assignment: Assignment) -> Registration | None:
    """The coder's own registration of the assigned file (never another coder's, never a consensus)."""
    return Registration.objects.filter(
        project_id=assignment.project_id,
        case_ref=assignment.case_ref,
        coder_user=assignment.coder_id,
        is_consensus=False,
    ).first()


def flatten(answers: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """The answers as {path: value} in `validate`'s notation (`decisions[1].per_measure.pmto.evaluated`)."""
    out: dict[str, Any] = {}
    for key, value in answers.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for n, item in enumerate(value, start=1):
                out.update(flatten(item, f"{prefix}{key}[{n}]."))
        elif isinstance(value, dict):
            for option, item in value.items():
                if isinstance(item, dict):
                    out.update(flatten(item, f"{prefix}{key}.{option}."))
        elif value not in (None, "", []):
            out[f"{prefix}{key}"] = value
    return out


def _lookup(scopes: list[dict[str, Any]]) -> Any:
    def lookup(key: str) -> Any:
        for scope in scopes:
            if key in scope:
                return scope[key]
        return None

    return lookup


def is_relevant(question: Question, scopes: list[dict[str, Any]]) -> bool:
    """Whether the question is asked, given the answers around it (innermost first)."""
    if question.relevant is None:
        return True
    return bool(evaluate(compile_expression(question.relevant), _lookup(scopes)))


def drop_not_asked(form: Form, answers: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The answers without those to questions not asked (`relevant` false) and without per-option blocks
    of options no longer ticked; with the paths dropped."""
    dropped: list[str] = []

    def items(block: Block, level: dict[str, Any], scopes: list[dict[str, Any]], path: str) -> None:
        for item in block.items:
            if isinstance(item, Question):
                if item.key in level and not is_relevant(item, scopes):
                    dropped.append(f"{path}{item.key}")
                    del level[item.key]
            else:
                nested(item, level, scopes, path)

    def nested(block: Block, level: dict[str, Any], scopes: list[dict[str, Any]], path: str) -> None:
        if block.repeat:
            value = level.get(block.repeat)
            for n, instance in enumerate(value if isinstance(value, list) else [], start=1):
                if isinstance(instance, dict):
                    items(block, instance, [instance, *scopes], f"{path}{block.repeat}[{n}].")
        elif block.repeat_over:
            value = level.get(block.key)
            if not isinstance(value, dict):
                return
            ticked = level.get(block.repeat_over)
            for option in list(value):
                if not isinstance(ticked, list) or option not in ticked:
                    dropped.append(f"{path}{block.key}.{option}")
                    del value[option]
                elif isinstance(value[option], dict):
                    items(block, value[option], [value[option], *scopes], f"{path}{block.key}.{option}.")
            if not value:
                del level[block.key]
        else:
            items(block, level, scopes, path)

    for section in form.sections:
        nested(section, answers, [answers], "")
    return answers, dropped


def save_registration(
    *,
    acting_user: User,
    assignment: Assignment,
    answers_from_post: dict[str, Any],
    finish: bool,
    expected_version: int,
) -> SaveOutcome:
    """Saves the coder's own registration of the assigned file: the answers normalised, those to questions
    not asked dropped (and said so), then checked with the project's form; with any problem nothing is
    saved and the problems are returned. `expected_version` is the version the coder opened (0 for a new
    one): another save since is refused with `StaleRegistration`. A new registration of a linked case
    keeps the paths its prefill filled, and any registration keeps a path as prefilled only while its value
    is unchanged. `finish` marks it finished; a finished registration is changed only after `reopen`."""
    if assignment.coder_id != acting_user.pk:
        raise ValidationError(_("Only the file's own coder can register it."))
    project = assignment.project
    form = project_form(project)
    answers, dropped = drop_not_asked(form, normalise(form, answers_from_post))
    problems = validate(form, answers)
    if problems:
        return SaveOutcome(None, problems, dropped, answers)
    stale = StaleRegistration(
        _(
            "Someone saved this registration after you opened it (in another window?). Your answers are "
            "kept below: open the file again to see the saved version, then add your changes."
        )
    )
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update()
            .filter(project=project, case_ref=assignment.case_ref, coder_user=acting_user, is_consensus=False)
            .first()
        )
        new_paths = flatten(answers)
        if registration is None:
            if expected_version != 0:
                raise stale
            start = starting_prefill(assignment=assignment, form=form)
            before: dict[str, Any] = flatten(start.answers) if start else {}
            kept = [
                p for p in (start.paths if start else []) if p in before and new_paths.get(p) == before[p]
            ]
            registration = Registration(
                project=project,
                form_version=project.form_version,
                case_ref=assignment.case_ref,
                linked_case=assignment.linked_case,
                coder=acting_user.username,
                coder_user=acting_user,
                version=1,
            )
            action = AuditAction.CREATE
        else:
            if registration.version != expected_version:
                raise stale
            if registration.submitted_at is not None:
                raise ValidationError(_("The registration is finished: reopen it to change it."))
            before = flatten(registration.answers)
            kept = [p for p in registration.prefilled if p in before and new_paths.get(p) == before[p]]
            registration.version += 1
            action = AuditAction.UPDATE
        changed = sum(1 for p in set(before) | set(new_paths) if before.get(p) != new_paths.get(p))
        registration.answers = answers
        registration.prefilled = kept
        registration.submitted_at = timezone.now() if finish else None
        registration.save()
        record_event(
            actor=acting_user,
            service=None,
            action=action,
            object_type="research_registration",
            object_id=registration.pk,
            detail={
                "project": project.pk,
                "assignment": assignment.pk,
                "changed": changed,
                "dropped": len(dropped),
                "prefilled": len(kept),
                "finished": finish,
            },
        )
    return SaveOutcome(registration, [], dropped, answers)


def reopen(*, acting_user: User, registration: Registration) -> Registration:
    """The coder opens their finished registration for changes again."""
    if registration.coder_user_id != acting_user.pk or registration.is_consensus:
        raise ValidationError(_("Only the registration's own coder can reopen it."))
    with transaction.atomic():
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        if locked.submitted_at is None:
            raise ValidationError(_("The registration is not finished."))
        locked.submitted_at = None
        locked.version += 1
        locked.save(update_fields=["submitted_at", "version", "updated_at"])
        record_event(
            actor=acting_user,
            service=None,
            action=AuditAction.UPDATE,
            object_type="research_registration",
            object_id=locked.pk,
            detail={"project": locked.project_id, "changed": 0, "finished": False, "reopened": True},
        )
    return locked
