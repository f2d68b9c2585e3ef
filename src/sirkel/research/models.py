"""Research projects, their forms, the grants that let their researchers read case files, and the
registrations coded from them."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sirkel.research.forms import Form, read_version

ZIP_NAME = "export.zip"  # an export job's one download


class FormVersion(models.Model):
    """One version of a registration form, as the YAML text it was written in. A version is never
    changed: a new text is a new version, and a registration keeps the version it was made with."""

    key = models.SlugField(_("registration form"), max_length=80)  # e.g. "study-2023"
    version = models.PositiveIntegerField(_("version"))
    definition = models.TextField(_("definition"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="research_form_key_version_unique"),
            models.CheckConstraint(condition=Q(version__gte=1), name="research_form_version_positive"),
        ]
        ordering = ["key", "-version"]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"

    def form(self) -> Form:
        """This version's form (read once per process: a version is never changed)."""
        return read_version(self.definition, self.key, self.version)


class Project(models.Model):
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    form_version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="projects")
    # The share of case files coded by two or more coders independently, in per cent.
    double_coding_share = models.PositiveSmallIntegerField(_("share coded twice (%)"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(double_coding_share__lte=100), name="research_project_share_percent"
            ),
        ]
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug


class ProjectResearcher(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="researchers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="research_projects"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="research_project_researcher_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.project} – {self.user_id}"


class GrantQuerySet(models.QuerySet["Grant"]):
    def active(self, *, today: datetime.date | None = None) -> GrantQuerySet:
        """Grants that are not revoked and last at least until today (the last day included)."""
        return self.filter(revoked_at__isnull=True, valid_until__gte=today or timezone.localdate())


class Grant(models.Model):
    """A service leader's grant to a project: its researchers may read the service's case files (all, or
    those listed), read-only and without contact details, until `valid_until` (included)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="grants")
    service = models.ForeignKey("accounts.Service", on_delete=models.PROTECT, related_name="research_grants")
    all_cases = models.BooleanField(_("all case files"), default=False)
    cases = models.ManyToManyField("cases.Case", blank=True, related_name="research_grants")
    valid_until = models.DateField(_("valid until"))
    legal_basis = models.TextField(_("legal basis (exemption from confidentiality)"))
    dpia_ref = models.CharField(_("DPIA reference"), max_length=200, blank=True)
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="research_grants_given"
    )
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="research_grants_revoked",
    )
    revoke_reason = models.TextField(_("reason for revoking"), blank=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revoked_by__isnull=True)
                | Q(revoked_at__isnull=False, revoked_by__isnull=False),
                name="research_grant_revoked_with_whom",
            ),
            models.CheckConstraint(condition=~Q(legal_basis=""), name="research_grant_legal_basis"),
            models.CheckConstraint(condition=~Q(reason=""), name="research_grant_reason"),
        ]
        ordering = ["-granted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project} @ {self.service_id}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.valid_until >= timezone.localdate()


class Registration(models.Model):
    """One coder's registration of one case file with the project's form (or the consensus of several)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="registrations")
    form_version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="registrations")
    case_ref = models.CharField(_("case file reference"), max_length=100)
    linked_case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="research_registrations"
    )
    coder = models.CharField(_("coder"), max_length=100)
    coder_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="research_registrations",
    )
    answers = models.JSONField(_("answers"), default=dict)
    prefilled = models.JSONField(_("prefilled answers"), default=list)  # the question paths prefilled
    is_consensus = models.BooleanField(_("consensus"), default=False)
    # When the coder marked it finished. Until every coder assigned to a file has, no one sees another's
    # answers for that file (blind coding); imported registrations are finished when imported.
    submitted_at = models.DateTimeField(_("finished"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    version = models.PositiveIntegerField(default=1)  # optimistic locking: bumped by each save

    class Meta:
        constraints = [
            # One registration per coder and file; one consensus per file.
            models.UniqueConstraint(
                fields=["project", "case_ref", "coder"],
                condition=Q(is_consensus=False),
                name="research_registration_one_per_coder",
            ),
            models.UniqueConstraint(
                fields=["project", "case_ref"],
                condition=Q(is_consensus=True),
                name="research_registration_one_consensus",
            ),
            models.CheckConstraint(condition=~Q(case_ref=""), name="research_registration_case_ref"),
            models.CheckConstraint(condition=Q(version__gte=1), name="research_registration_version"),
        ]
        indexes = [models.Index(fields=["project", "case_ref"], name="research_reg_project_case")]
        ordering = ["project", "case_ref", "coder"]

    def __str__(self) -> str:
        return f"{self.project} {self.case_ref} ({self.coder})"


class Assignment(models.Model):
    """A case file given to one coder of the project. A file given to two or more coders is coded
    independently by each (the project's `double_coding_share`); `linked_case` when it is a Sirkel case
    the project has a grant for, whose registration is prefilled from the practice data."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="assignments")
    case_ref = models.CharField(_("case file reference"), max_length=100)
    linked_case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="research_assignments"
    )
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="research_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="research_assignments_given"
    )
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "case_ref", "coder"], name="research_assignment_one_per_coder"
            ),
            models.CheckConstraint(condition=~Q(case_ref=""), name="research_assignment_case_ref"),
        ]
        indexes = [models.Index(fields=["project", "coder"], name="research_assign_project_coder")]
        ordering = ["project", "case_ref", "coder"]

    def __str__(self) -> str:
        return f"{self.project} {self.case_ref} → {self.coder_id}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ExportError(models.TextChoices):
    """Why an export failed, as the plain message its page shows: never a path, a value or a traceback."""

    KEY = "key", _("The project's pseudonymisation key on the server could not be read. Ask the operator.")
    LEAK = (
        "leak",
        _(
            "The export was deleted: a file still held a value that de-identification had replaced. "
            "Ask the operator."
        ),
    )
    WRITE = "write", _("The export could not be written on the server. Ask the operator.")
    UNEXPECTED = "unexpected", _("The export stopped on an unexpected error. Ask the operator.")


class ExportJob(models.Model):
    """A project's de-identified export started from its page and run as a background task
    (`research.tasks.run_export`): its progress, and when done the zip of its files under
    `settings.VAR_DIR / "research-exports" / <id>`."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="export_jobs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="research_export_jobs"
    )
    formats = models.JSONField(_("formats"), default=list)  # of "csv", "sav", "dta"
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    done = models.PositiveIntegerField(_("registrations done"), default=0)
    total = models.PositiveIntegerField(_("registrations"), default=0)
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    started_at = models.DateTimeField(_("running since"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=20, choices=ExportError.choices, blank=True)
    files = models.JSONField(_("files"), default=list)  # the names of the files in the zip
    risks = models.PositiveIntegerField(_("things to review"), default=0)  # in the residual-risk report
    key_created = models.BooleanField(_("new key"), default=False)  # this export made the project's key
    path = models.CharField(_("folder"), max_length=500, blank=True)  # the job's folder, when done
    task_id = models.CharField(_("task"), max_length=64, blank=True)  # the background task's id

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed"]),
                name="research_export_job_status",
            ),
            models.CheckConstraint(
                condition=~Q(status="failed") | ~Q(error=""), name="research_export_job_failed_why"
            ),
        ]
        indexes = [models.Index(fields=["project", "-created_at"], name="research_export_project")]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project} export {self.pk}"

    @property
    def is_active(self) -> bool:
        """Queued or running: its page polls for progress."""
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)

    @property
    def zip_path(self) -> Path:
        return Path(self.path) / ZIP_NAME
