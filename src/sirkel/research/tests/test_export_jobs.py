"""The de-identified export from a project's page: started as a background task (the database backend,
run by the real `db_worker` command), its progress, its zip and download, its failures, who may, what is
audited and the number of queries."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape
from django_tasks_db.models import DBTaskResult

from sirkel.accounts.models import Role, Service, User
from sirkel.audit.models import AuditEvent
from sirkel.research import export_jobs, project_export
from sirkel.research.models import (
    ExportError,
    ExportJob,
    ExportStatus,
    Project,
    ProjectResearcher,
    Registration,
)
from sirkel.research.services import latest_form_version
from sirkel.research.tasks import run_export
from sirkel.testing.fixtures import client_for, make_user

SECRET_TEXT = "Mormor Randi Hansen ringte 12.03.2024 fra +47 912 34 567."


@pytest.fixture(autouse=True)
def var_dir(settings: Any, tmp_path: Path) -> Path:
    """Keys and exports in a folder of the test's own."""
    settings.VAR_DIR = tmp_path
    return tmp_path


def _project(researcher: User, *, slug: str = "eksport", registrations: int = 3) -> Project:
    project = Project.objects.create(slug=slug, name=f"Prosjekt {slug}", form_version=latest_form_version())
    ProjectResearcher.objects.create(project=project, user=researcher)
    Registration.objects.bulk_create(
        Registration(
            project=project,
            form_version=project.form_version,
            case_ref=f"SAK-2024-{i:04d}",
            coder="forsker-1",
            answers={
                "sex": "girl",
                "decisions": [{"decision_month": "2024-03", "reasons_text": SECRET_TEXT}],
            },
        )
        for i in range(registrations)
    )
    return project


def _export_url(project: Project) -> str:
    return reverse("research:export", args=[project.slug])


def _job_url(job: ExportJob) -> str:
    return reverse("research:export_job", args=[job.project.slug, job.pk])


def _download_url(job: ExportJob) -> str:
    return reverse("research:export_download", args=[job.project.slug, job.pk])


def run_worker() -> None:
    """Every queued task, run by the database backend's own worker command, as in production."""
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


# --- The task, end to end ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # the worker commits as it goes, as a worker process does
def test_an_export_started_on_the_page_is_run_by_the_worker_to_a_zip(
    researcher: User, service: Service, var_dir: Path
) -> None:
    project = _project(researcher, registrations=250)
    client = client_for(researcher)
    response = client.post(_export_url(project), {"formats": ["csv", "sav"]})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == _job_url(job)
    assert (job.status, job.formats, job.requested_by_id) == (
        ExportStatus.QUEUED,
        ["csv", "sav"],
        researcher.pk,
    )
    task = DBTaskResult.objects.get(id=job.task_id)
    assert task.task_path == "sirkel.research.tasks.run_export" and task.args_kwargs["args"] == [job.pk]
    created = AuditEvent.objects.get(object_type="research_export_job")
    assert (created.action, created.actor_id, created.object_id) == ("create", researcher.pk, str(job.pk))
    assert created.detail == {"project": project.pk, "formats": ["csv", "sav"]}
    page = client.get(_job_url(job)).content.decode()
    assert 'data-status="queued"' in page and "<progress" in page and 'hx-trigger="every 2s"' in page

    run_worker()

    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.error == ""
    assert job.done == job.total == 250
    assert job.started_at is not None and job.finished_at is not None and job.key_created
    assert job.path == str(var_dir / "research-exports" / str(job.pk))
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"
    with zipfile.ZipFile(job.zip_path) as archive:
        names = sorted(archive.namelist())
        texts = [archive.read(name).decode("utf-8", "replace") for name in names if name.endswith(".csv")]
    assert names == job.files
    assert {"registrations.csv", "registrations.sav", "decisions.csv", "decisions.sav"} <= set(names)
    assert {"codebook.csv", "codebook.json", "residual-risk.txt"} <= set(names)
    assert all("912 34 567" not in text and "SAK-2024" not in text for text in texts)  # phones, case refs
    assert sorted(p.name for p in Path(job.path).iterdir()) == ["export.zip"]  # the loose files are gone
    key_file = project_export.default_key_file(project)
    assert key_file.is_file() and key_file.parent == var_dir / "research-keys"
    exported = AuditEvent.objects.get(object_type="research_export", action="export")
    assert exported.object_id == str(project.pk) and exported.detail["via"] == "page"
    assert exported.detail["registrations"] == 250 and exported.detail["formats"] == ["csv", "sav"]

    page = client.get(_job_url(job)).content.decode()
    assert 'data-status="done"' in page and "hx-trigger" not in page
    assert f'max="{job.total}" value="{job.total}"' in page
    assert _download_url(job) in page
    download = client.get(_download_url(job))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert f'filename="eksport-export-{job.pk}.zip"' in download["Content-Disposition"]
    body = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    assert sorted(zipfile.ZipFile(io.BytesIO(body)).namelist()) == names
    event = AuditEvent.objects.filter(object_type="research_export", actor=researcher).get()
    assert event.action == "export" and event.detail["via"] == "download" and event.detail["job"] == job.pk


def test_progress_is_written_at_most_every_per_cent_or_second_and_always_at_the_end(
    researcher: User, db: None
) -> None:
    job = ExportJob.objects.create(project=_project(researcher, registrations=0), requested_by=researcher)
    now = [0.0]
    writer = export_jobs.ProgressWriter(job.pk, clock=lambda: now[0])
    for done in range(1, 10_000):
        writer(done, 10_000)
    assert writer.writes == 100  # the first, then every 100 registrations (1 %), the clock standing still
    job.refresh_from_db()
    assert (job.done, job.total) == (9_901, 10_000)
    writer(9_950, 10_000)
    assert writer.writes == 100  # less than 1 % and less than a second
    now[0] = 1.0
    writer(9_951, 10_000)
    assert writer.writes == 101  # a second has passed
    writer(10_000, 10_000)
    job.refresh_from_db()
    assert writer.writes == 102 and (job.done, job.total) == (10_000, 10_000)


def test_an_unreadable_key_fails_the_job_with_a_plain_message(
    researcher: User, db: None, var_dir: Path
) -> None:
    project = _project(researcher)
    key_file = project_export.default_key_file(project)
    key_file.parent.mkdir(parents=True)
    key_file.write_text("not a key\n", encoding="ascii")
    job = export_jobs.start_export(acting_user=researcher, project=project, formats=["csv"])
    assert run_export.call(job.pk) == ExportStatus.FAILED
    job.refresh_from_db()
    assert (job.status, job.error, job.path) == (ExportStatus.FAILED, ExportError.KEY, "")
    assert job.finished_at is not None
    assert not AuditEvent.objects.filter(action="export").exists()  # nothing was exported
    page = client_for(researcher).get(_job_url(job), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-status="failed"' in page and escape(str(ExportError.KEY.label)) in page
    assert str(var_dir) not in page and "Traceback" not in page and "fromhex" not in page
    assert client_for(researcher).get(_download_url(job)).status_code == 404


def test_a_failing_export_leaves_no_files_and_says_so_plainly(
    researcher: User, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _project(researcher)
    job = export_jobs.start_export(acting_user=researcher, project=project, formats=["dta"])

    def broken(**kwargs: Any) -> None:
        (kwargs["out_dir"] / "half.csv").parent.mkdir(parents=True)
        (kwargs["out_dir"] / "half.csv").write_text("SAK-2024-0001", encoding="utf-8")
        raise RuntimeError(f"could not read {kwargs['out_dir']} for SAK-2024-0001")

    monkeypatch.setattr(project_export, "export_project", broken)
    assert run_export.call(job.pk) == ExportStatus.FAILED
    job.refresh_from_db()
    assert job.error == ExportError.UNEXPECTED
    assert not (export_jobs.job_dir(job) / export_jobs.FILES_DIR).exists()
    page = client_for(researcher).get(_job_url(job)).content.decode()
    assert "SAK-2024-0001" not in page and "RuntimeError" not in page
    # A job that is not waiting (its task run again) is left as it is.
    assert run_export.call(job.pk) == ExportStatus.FAILED
    assert run_export.call(10**9) == "missing"


# --- The pages ---------------------------------------------------------------------------------------------


def test_the_export_page_explains_and_needs_a_format(researcher: User, db: None) -> None:
    project = _project(researcher)
    client = client_for(researcher)
    page = client.get(_export_url(project))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="formats" value="csv"' in body and 'value="sav"' in body and 'value="dta"' in body
    assert "residual-risk.txt" in body
    assert (
        _export_url(project) in client.get(reverse("research:project", args=[project.slug])).content.decode()
    )
    for data in ({}, {"formats": ["xlsx"]}):
        refused = client.post(_export_url(project), data)
        assert refused.status_code == 400
        assert "Velg minst ett filformat" in refused.content.decode() or "xlsx" in refused.content.decode()
    assert not ExportJob.objects.exists() and not DBTaskResult.objects.exists()
    event = AuditEvent.objects.filter(object_type="research_project").last()
    assert event is not None and event.detail == {"page": "export"}


def test_only_the_projects_researchers_reach_its_exports(
    researcher: User, service: Service, caseworker: User, leader: User, outsider: User, db: None
) -> None:
    project = _project(researcher)
    colleague = make_user("forsker2", service, Role.RESEARCHER)
    theirs = _project(colleague, slug="annet")
    job = export_jobs.start_export(acting_user=researcher, project=project, formats=["csv"])
    other_job = export_jobs.start_export(acting_user=colleague, project=theirs, formats=["csv"])
    for user in (caseworker, leader, outsider, colleague):
        client = client_for(user)
        assert client.get(_export_url(project)).status_code == 404, user
        assert client.post(_export_url(project), {"formats": ["csv"]}).status_code == 404, user
        assert client.get(_job_url(job)).status_code == 404, user
    client = client_for(researcher)
    # Another project's job under this project's address, and the other project itself: 404.
    wrong = reverse("research:export_job", args=[project.slug, other_job.pk])
    assert client.get(wrong).status_code == 404
    assert (
        client.get(reverse("research:export_download", args=[project.slug, other_job.pk])).status_code == 404
    )
    assert client.get(_job_url(other_job)).status_code == 404
    assert ExportJob.objects.count() == 2


def test_the_download_is_there_only_when_the_export_is_done(researcher: User, db: None) -> None:
    project = _project(researcher)
    job = export_jobs.start_export(acting_user=researcher, project=project, formats=["csv"])
    client = client_for(researcher)
    assert client.get(_download_url(job)).status_code == 404  # queued
    page = client.get(_job_url(job)).content.decode()
    assert (
        _download_url(job) not in page and reverse("research:export_job", args=[project.slug, job.pk]) in page
    )
    assert run_export.call(job.pk) == ExportStatus.DONE
    assert client.get(_download_url(job)).status_code == 200
    job.refresh_from_db()
    job.zip_path.unlink()  # removed on the server: nothing to give
    assert client.get(_download_url(job)).status_code == 404


def test_htmx_gets_the_progress_alone_with_its_text(researcher: User, db: None) -> None:
    project = _project(researcher)
    job = export_jobs.start_export(acting_user=researcher, project=project, formats=["csv"])
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, done=1200, total=5000)
    response = client_for(researcher).get(_job_url(job), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<h1" not in body and 'max="5000" value="1200"' in body
    assert "1\xa0200 av 5\xa0000 registreringer" in body  # in Bokmål, grouped as Norwegian numbers are
    assert 'hx-trigger="every 2s"' in body and f'href="{_job_url(job)}"' in body  # the reload link
    event = AuditEvent.objects.filter(object_type="research_project").last()
    assert event is not None and event.detail == {"page": "export_job", "job": job.pk}


def _count_queries(client: Any, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_export_pages_queries_do_not_grow_with_jobs(
    researcher: User, service: Service, db: None, django_assert_max_num_queries: Any
) -> None:
    project = _project(researcher)
    colleague = make_user("forsker2", service, Role.RESEARCHER)
    ProjectResearcher.objects.create(project=project, user=colleague)
    job = export_jobs.start_export(acting_user=researcher, project=project, formats=["csv"])
    client = client_for(researcher)
    few = _count_queries(client, _export_url(project))
    job_page = _count_queries(client, _job_url(job))
    for user in (researcher, colleague, colleague):
        export_jobs.start_export(acting_user=user, project=project, formats=["csv", "dta"])
    with django_assert_max_num_queries(few):
        client.get(_export_url(project))
    with django_assert_max_num_queries(job_page):
        client.get(_job_url(job))
