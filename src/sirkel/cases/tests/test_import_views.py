"""The import page: upload, preview (nothing written), confirm (a background task), and the task importing
a chunk of cases at a time while the page follows its progress."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sirkel.accounts.models import Membership, Role, Service, User
from sirkel.audit.models import AuditEvent
from sirkel.cases import imports
from sirkel.cases.models import Case, Decision, ImportJob, ImportStatus, Measure
from sirkel.demo.history import measure_history
from sirkel.testing.fixtures import client_for

HTMX = {"HX-Request": "true"}


def english(user: User) -> Client:
    client = client_for(user)
    client.cookies["django_language"] = "en"
    return client


def upload(client: Client, service: Service, caseworker: User, text: str) -> Any:
    return client.post(
        reverse("cases:import_measures"),
        {
            "service": service.pk,
            "caseworker": caseworker.pk,
            "file": SimpleUploadedFile("history.csv", text.encode(), content_type="text/csv"),
            "submission_token": str(uuid.uuid4()),
        },
    )


def run_worker() -> None:
    """Every queued task, run by the database backend's own worker command, as in production."""
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def confirm(client: Client, job: ImportJob) -> Any:
    return client.post(
        reverse("cases:import_confirm", args=[job.pk]), {"submission_token": str(uuid.uuid4())}
    )


@pytest.mark.django_db(transaction=True)  # the worker commits as it goes, as a worker process does
def test_a_1000_row_file_is_previewed_confirmed_and_imported_by_the_worker(
    service: Service, leader: User, caseworker: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "CHUNK_ROWS", 300)
    history = measure_history(rows=1000, seed=2, today=timezone.localdate())
    client = english(leader)
    response = upload(client, service, caseworker, history.text)
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("cases:import_job", args=[job.pk])
    assert (Case.objects.count(), Measure.objects.count()) == (0, 0)  # the preview writes nothing

    page = client.get(reverse("cases:import_job", args=[job.pk])).content.decode()
    assert "What the import will do" in page
    assert f"<td>{history.children}</td>" in page
    assert page.count("<tr>") >= 20 + 1
    assert history.rows[0]["case_ref"] in page

    # Confirming queues the import as a task and writes nothing yet; a second confirm queues nothing more.
    response = confirm(client, job)
    assert (response.status_code, response["Location"]) == (302, reverse("cases:import_job", args=[job.pk]))
    confirm(client, job)
    job = ImportJob.objects.get()
    assert (job.status, job.confirmed_by, bool(job.task_id)) == (ImportStatus.QUEUED, leader, True)
    assert DBTaskResult.objects.count() == 1
    assert not Case.objects.exists()
    poll = client.get(reverse("cases:import_job", args=[job.pk]), headers=HTMX).content.decode()
    assert 'data-status="queued"' in poll and 'hx-trigger="every 2s"' in poll
    assert "What the import will do" not in poll  # the progress part alone

    run_worker()
    body = client.get(reverse("cases:import_job", args=[job.pk]), headers=HTMX).content.decode()
    assert f"{history.children} of {history.children} cases" in body
    assert re.search(rf'<progress max="{history.children}" value="{history.children}"', body)
    assert "every 2s" not in body  # done: no more polling
    job = ImportJob.objects.get()
    assert (job.status, job.records) == (ImportStatus.DONE, [])
    assert job.result["cases_created"] == history.children
    assert job.result["measures_created"] == 1000
    assert Case.objects.filter(service=service, caseworker=caseworker).count() == history.children
    assert Decision.objects.count() == history.decisions
    assert Measure.objects.count() == 1000
    # One audit event a step (four chunks of 300 rows), naming the job and the counts, no names; as the
    # leader who confirmed it.
    events = AuditEvent.objects.filter(object_type="import")
    assert events.count() == 4
    assert {e.detail["job"] for e in events} == {job.pk}
    assert {e.actor_id for e in events} == {leader.pk}
    assert sum(e.detail["measures_created"] for e in events) == 1000
    # The task run again, or a confirm after the end, imports nothing.
    assert imports.run_job(job_id=job.pk) == job
    confirm(client, job)
    run_worker()
    assert AuditEvent.objects.filter(object_type="import").count() == 4


def test_the_task_runs_the_import_in_chunks_writing_its_progress(
    service: Service, leader: User, caseworker: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "CHUNK_ROWS", 10)
    history = measure_history(rows=60, seed=3, today=timezone.localdate())
    client = english(leader)
    upload(client, service, caseworker, history.text)
    job = ImportJob.objects.get()
    assert imports.run_job(job_id=job.pk) == job  # not confirmed: not imported
    assert not Case.objects.exists()
    imports.start_job(acting_user=leader, job_id=job.pk)
    seen: list[tuple[str, int]] = []
    step = imports.run_step

    def watched(**kwargs: Any) -> ImportJob:
        result = step(**kwargs)
        seen.append((result.status, ImportJob.objects.get(pk=job.pk).done))
        return result

    monkeypatch.setattr(imports, "run_step", watched)
    done = imports.run_job(job_id=job.pk)
    assert done is not None and done.status == ImportStatus.DONE
    # The progress grows chunk by chunk, written to the job each time (what the page polls).
    assert len(seen) >= 2
    assert [d for _s, d in seen] == sorted(d for _s, d in seen)
    assert seen[-1] == (ImportStatus.DONE, history.children)
    assert Measure.objects.count() == 60


def test_an_import_whose_user_lost_the_role_stops(service: Service, leader: User, caseworker: User) -> None:
    history = measure_history(rows=20, seed=5, today=timezone.localdate())
    upload(english(leader), service, caseworker, history.text)
    job = imports.start_job(acting_user=leader, job_id=ImportJob.objects.get().pk)
    Membership.objects.filter(user=leader).delete()
    stopped = imports.run_job(job_id=job.pk)
    assert stopped is not None and (stopped.status, stopped.records) == (ImportStatus.FAILED, [])
    assert not Case.objects.exists()
    assert not AuditEvent.objects.filter(object_type="import").exists()


def test_the_same_file_again_previews_nothing_new(service: Service, leader: User, caseworker: User) -> None:
    history = measure_history(rows=40, seed=4, today=timezone.localdate())
    imports.import_measures(acting_user=leader, service=service, caseworker=caseworker, data=history.text)
    client = english(leader)
    upload(client, service, caseworker, history.text)
    job = ImportJob.objects.get()
    assert (job.preview["cases_created"], job.preview["measures_unchanged"]) == (0, 40)


def test_a_file_with_problems_lists_them_and_keeps_nothing(
    service: Service, leader: User, caseworker: User
) -> None:
    text = (
        ",".join(imports.COLUMNS) + "\n"
        "A-1,Emma,Hansen,2015-03-14,girl,2022-01-10,pmto,2022-02-01,,voluntary\n"
        "A-2,Ola,Berg,2015-03-14,boy,2022-01-10,juggling,2022-02-01,2021-01-01,voluntary\n"
    )
    response = upload(english(leader), service, caseworker, text)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert "Line 3, measure:" in page
    assert "Line 3, end_date:" in page
    assert not ImportJob.objects.exists()
    assert not Case.objects.exists()


def test_a_caseworker_of_another_service_is_refused(
    service: Service, other_service: Service, leader: User, caseworker: User
) -> None:
    stranger = User.objects.create(username="stranger")
    Membership.objects.create(user=stranger, service=other_service, role=Role.CASEWORKER)
    Membership.objects.create(user=leader, service=other_service, role=Role.LEADER)
    text = (
        ",".join(imports.COLUMNS)
        + "\nA-1,Emma,Hansen,2015-03-14,girl,2022-01-10,pmto,2022-02-01,,voluntary\n"
    )
    response = upload(english(leader), service, stranger, text)
    assert response.status_code == 200
    assert "cannot be responsible" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_only_leaders_and_administrators_of_the_service_reach_the_pages(
    service: Service, other_service: Service, leader: User, caseworker: User, consultant: User, outsider: User
) -> None:
    administrator = User.objects.create(username="administrator")
    Membership.objects.create(user=administrator, service=service, role=Role.ADMINISTRATOR)
    text = (
        ",".join(imports.COLUMNS)
        + "\nA-1,Emma,Hansen,2015-03-14,girl,2022-01-10,pmto,2022-02-01,,voluntary\n"
    )
    upload(english(leader), service, caseworker, text)
    job = ImportJob.objects.get()
    urls = [reverse("cases:import_job", args=[job.pk])]
    assert english(administrator).get(reverse("cases:import_measures")).status_code == 200
    assert english(administrator).get(urls[0]).status_code == 200
    for user in (caseworker, consultant):
        assert english(user).get(reverse("cases:import_measures")).status_code == 404
    for user in (caseworker, consultant, outsider):  # the outsider leads the other service
        assert english(user).get(urls[0]).status_code == 404
        response = english(user).post(reverse("cases:import_confirm", args=[job.pk]), {})
        assert response.status_code == 404
        assert english(user).get(urls[0], headers=HTMX).status_code == 404
    assert ImportJob.objects.get().status == ImportStatus.READY
    assert not Case.objects.exists()
    # The outsider's own service is offered to them, not this one.
    page = english(outsider).get(reverse("cases:import_measures")).content.decode()
    assert other_service.name in page and service.name not in page


def test_the_case_list_links_to_the_import_for_leaders_only(leader: User, caseworker: User) -> None:
    link = reverse("cases:import_measures")
    assert link in english(leader).get(reverse("cases:list")).content.decode()
    assert link not in english(caseworker).get(reverse("cases:list")).content.decode()


def test_an_imported_case_opens_with_its_measures(service: Service, leader: User, caseworker: User) -> None:
    text = (
        ",".join(imports.COLUMNS) + "\n"
        "N-1,Nora,Nettverk,2013-02-02,girl,2023-03-01,6.2,2023-03-15,,voluntary\n"
        "N-1,Nora,Nettverk,2013-02-02,girl,2023-03-01,6.99,2023-03-15,2023-09-01,voluntary\n"
    )
    imports.import_measures(acting_user=leader, service=service, caseworker=caseworker, data=text)
    case = Case.objects.get(external_ref="N-1")
    response = english(caseworker).get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Network meeting" in page
    assert "6.99" in page or "Other measures" in page
