"""The cases app's background tasks (django-tasks; run by `sirkel db_worker`, see docs/architecture.md §20).
Each takes ids, not objects: what is enqueued is stored as JSON."""

from __future__ import annotations

from django_tasks import task

from sirkel.cases import imports


@task()
def run_import(job_id: int) -> str:
    """Run the confirmed import job `job_id` to its end (see `imports.run_job`); its status, as the result."""
    job = imports.run_job(job_id=job_id)
    return job.status if job is not None else "missing"
