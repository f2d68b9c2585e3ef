"""/forskning/prosjekt/<slug>/eksport/: a project's de-identified export for its researchers — choose the
formats and start it (a background task), follow its progress (htmx polls every 2 seconds; without
JavaScript a reload link) and download the zip when it is done."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from sirkel.core.htmx import is_htmx
from sirkel.core.submissions import once_per_submission
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.research import export_jobs, selectors
from sirkel.research.models import ExportJob, ExportStatus

FORMAT_CHOICES = [
    ("csv", _("CSV (one file per table, UTF-8)")),
    ("sav", _("SPSS (.sav, with variable and value labels)")),
    ("dta", _("Stata (.dta, with variable and value labels)")),
]


class ExportForm(forms.Form):
    formats = forms.MultipleChoiceField(
        label=_("File formats"),
        choices=FORMAT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        initial=["csv"],
        error_messages={"required": _("Choose at least one file format.")},
        help_text=_(
            "Every format holds the same tables; the codebook and the residual-risk report come with each."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
@once_per_submission
def export(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Choose the formats and start an export; the project's earlier exports."""
    project = selectors.project_for_researcher(user=request.user, slug=slug, page="export")
    form = ExportForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                job = export_jobs.start_export(
                    acting_user=request.user, project=project, formats=form.cleaned_data["formats"]
                )
            except ValidationError as e:
                form.add_error(None, e)
            else:
                return redirect("research:export_job", slug=project.slug, job_id=job.pk)
        status = 400
    context = {"project": project, "form": form, "jobs": selectors.export_jobs(project=project)}
    return render(request, "research/export.html", context, status=status)


def _job_context(job: ExportJob) -> dict[str, Any]:
    return {"job": job, "project": job.project, "statuses": ExportStatus}


@login_required
@require_GET
def export_job(request: AuthenticatedHttpRequest, slug: str, job_id: int) -> HttpResponse:
    """An export's status and progress; for htmx's poll the progress part alone."""
    job = selectors.export_job_for_researcher(user=request.user, slug=slug, job_id=job_id)
    if is_htmx(request):
        return render(request, "research/partials/export_progress.html", _job_context(job))
    return render(request, "research/export_job.html", _job_context(job))


@login_required
@require_GET
def export_download(request: AuthenticatedHttpRequest, slug: str, job_id: int) -> FileResponse:
    """The finished export's zip (404 until it is done); the download is audited."""
    job = selectors.export_download_for_researcher(user=request.user, slug=slug, job_id=job_id)
    return FileResponse(
        job.zip_path.open("rb"),
        as_attachment=True,
        filename=f"{job.project.slug}-export-{job.pk}.zip",
        content_type="application/zip",
    )
