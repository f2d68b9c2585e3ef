"""A project's de-identified export as a background job: a researcher starts it from the project's page
(`start_export`, which records the job and enqueues `research.tasks.run_export`), the task worker runs it
(`run_job`) and writes its progress to the job, and the result is one zip under
``settings.VAR_DIR / "research-exports" / <job id>``.

The export itself is `project_export.export_project`, the same as `sirkel research export` runs; the key is
the project's key file on the server (`project_export.default_key_file`), created on the first export.
A failure leaves the job `failed` with one of `ExportError`'s plain messages: the page never shows a path,
a value or a traceback, and the log names only the job and the kind of error.
"""

from __future__ import annotations

import logging
import shutil
import time
import zipfile
from collections.abc import Callable, Collection
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sirkel.accounts.models import User
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event
from sirkel.research import project_export
from sirkel.research.export import FORMATS, ExportFormat, ExportLeakError
from sirkel.research.models import ZIP_NAME, ExportError, ExportJob, ExportStatus, Project, ProjectResearcher

logger = logging.getLogger(__name__)

FILES_DIR = "files"  # the export's files while it is written, beside the zip; removed once zipped


def job_dir(job: ExportJob) -> Path:
    """The folder of one export job's files."""
    return Path(settings.VAR_DIR) / "research-exports" / str(job.pk)


def start_export(*, acting_user: User, project: Project, formats: Collection[str]) -> ExportJob:
    """Record an export of `project` in `formats` asked for by one of its researchers, and enqueue the task
    that runs it (in the same transaction: the job and its task exist together or not at all)."""
    chosen = [f for f in FORMATS if f in formats]
    if not chosen or set(formats) - set(FORMATS):
        raise ValidationError(_("Choose at least one file format."))
    if not ProjectResearcher.objects.filter(project=project, user=acting_user).exists():
        raise PermissionDenied
    from sirkel.research.tasks import run_export  # the task module imports this one

    with transaction.atomic():
        job = ExportJob.objects.create(project=project, requested_by=acting_user, formats=chosen)
        record_event(
            actor=acting_user,
            service=None,
            action=AuditAction.CREATE,
            object_type="research_export_job",
            object_id=job.pk,
            detail={"project": project.pk, "formats": chosen},
        )
        result = run_export.enqueue(job.pk)
        job.task_id = str(result.id)
        ExportJob.objects.filter(pk=job.pk).update(task_id=job.task_id)
    return job


class ProgressWriter:
    """The export's progress callback: writes done/total to the job when it has moved on by at least 1 %
    of the total or 1 second has passed since the last write, and always at the end; at most about a
    hundred small UPDATEs for any size of project, and still a sign of life every second on a slow one."""

    def __init__(self, job_id: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.job_id = job_id
        self.clock = clock
        self.last_done = -1
        self.last_at = float("-inf")
        self.writes = 0

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        moved = done - self.last_done >= max(1, total // 100)
        if done < total and not moved and now - self.last_at < 1.0:
            return
        ExportJob.objects.filter(pk=self.job_id).update(done=done, total=total)
        self.last_done, self.last_at = done, now
        self.writes += 1


def run_job(*, job_id: int) -> ExportJob | None:
    """Run the queued export job `job_id` to its end (the task worker calls this through
    `research.tasks.run_export`): `done` with its zip, or `failed` with a plain message. A job that is
    gone or no longer queued (a task run twice) is left alone."""
    job = ExportJob.objects.select_related("project__form_version").filter(pk=job_id).first()
    if job is None or job.status != ExportStatus.QUEUED:
        logger.warning("Research export job %s is not waiting to run; nothing was done.", job_id)
        return job
    project = job.project
    job.status, job.started_at = ExportStatus.RUNNING, timezone.now()
    job.total = project.registrations.count()
    job.save(update_fields=["status", "started_at", "total"])
    folder = job_dir(job)
    files_dir = folder / FILES_DIR
    try:
        try:
            key, job.key_created = project_export.read_or_create_key(project_export.default_key_file(project))
        except (OSError, ValueError) as exc:
            return _fail(job, ExportError.KEY, exc)
        try:
            if folder.exists():  # what an earlier, interrupted run of the same job left
                shutil.rmtree(folder)
            formats: list[ExportFormat] = [f for f in FORMATS if f in job.formats]
            result = project_export.export_project(
                project=project,
                key=key,
                out_dir=files_dir,
                formats=formats,
                progress=ProgressWriter(job.pk),
                via="page",
            )
            names = _zip(files_dir, folder / ZIP_NAME)
        except ExportLeakError as exc:
            return _fail(job, ExportError.LEAK, exc)
        except OSError as exc:
            return _fail(job, ExportError.WRITE, exc)
        except Exception as exc:  # noqa: BLE001 - any failure ends the job with a plain message
            return _fail(job, ExportError.UNEXPECTED, exc)
    finally:
        shutil.rmtree(files_dir, ignore_errors=True)
    job.refresh_from_db(fields=["done"])
    job.status, job.finished_at = ExportStatus.DONE, timezone.now()
    job.done = job.total = max(job.total, job.done)
    job.files, job.risks, job.path = names, result.risks, str(folder)
    job.save(
        update_fields=["status", "finished_at", "done", "total", "files", "risks", "path", "key_created"]
    )
    return job


def _zip(source: Path, target: Path) -> list[str]:
    """Every file under `source` into the zip `target` (written beside it first, so a half-written zip is
    never served); the names in it."""
    names = sorted(p.relative_to(source).as_posix() for p in source.rglob("*") if p.is_file())
    partial = target.with_name(target.name + ".part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            archive.write(source / name, arcname=name)
    partial.replace(target)
    return names


def _fail(job: ExportJob, error: ExportError, exc: BaseException) -> ExportJob:
    # The kind of error only: an exception's text may hold a path or a value from the registrations.
    logger.error("Research export job %s failed (%s: %s).", job.pk, error.value, type(exc).__name__)
    job.status, job.error, job.finished_at = ExportStatus.FAILED, error, timezone.now()
    job.save(update_fields=["status", "error", "finished_at", "key_created"])
    return job
