"""The research app's background tasks (django-tasks; run by `sirkel db_worker`, see
docs/architecture.md §20). Each takes ids, not objects: what is enqueued is stored as JSON."""

from __future__ import annotations

from django_tasks import task

from sirkel.research import export_jobs


@task()
def run_export(job_id: int) -> str:
    """Run the export job `job_id` (see `export_jobs.run_job`); its status, as the task's result."""
    job = export_jobs.run_job(job_id=job_id)
    return job.status if job is not None else "missing"
