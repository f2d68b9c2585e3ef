"""The import page for leaders and administrators: upload a measure history, see what it would do, confirm,
and follow the background task that imports it (htmx polls every 2 seconds; without JavaScript a reload
link)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from sirkel.accounts.models import Service, User
from sirkel.cases import imports
from sirkel.cases.access import EDITING_ROLES
from sirkel.cases.models import ImportJob, ImportStatus, LegalBasis, Sex
from sirkel.core.htmx import is_htmx
from sirkel.core.submissions import once_per_submission
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.taxonomy import measures as measure_taxonomy


class _StaffChoice(forms.ModelChoiceField["User"]):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name()


class MeasureImportForm(forms.Form):
    service = forms.ModelChoiceField(queryset=Service.objects.none(), label=_("Service"))
    caseworker = _StaffChoice(
        queryset=User.objects.none(),
        label=_("Responsible caseworker of new cases"),
        help_text=_("Cases already in Sirkel keep their caseworker."),
    )
    file = forms.FileField(
        label=_("CSV file"), widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"})
    )

    def __init__(self, *args: Any, services: list[Service], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [s.pk for s in services]
        cast(forms.ModelChoiceField[Service], self.fields["service"]).queryset = Service.objects.filter(
            pk__in=ids
        ).order_by("name")
        if len(services) == 1:
            self.fields["service"].initial = services[0].pk
        cast(_StaffChoice, self.fields["caseworker"]).queryset = (
            User.objects.filter(
                is_active=True, memberships__service_id__in=ids, memberships__role__in=EDITING_ROLES
            )
            .distinct()
            .order_by("first_name", "last_name", "username")
        )


def _columns() -> list[tuple[str, Any]]:
    return [
        (
            "case_ref",
            _("The case's reference in the case system. Rows with the same reference are one child."),
        ),
        ("given_name", _("The child's given name.")),
        ("family_name", _("The child's family name.")),
        ("birth_date", _("The child's birth date.")),
        ("sex", ", ".join(Sex.values)),
        ("decision_date", _("The date of the decision. Rows of a case with the same date are one decision.")),
        ("measure", _("A measure key of Sirkel's list (e.g. network_meeting) or an SSB code (e.g. 6.2).")),
        ("start_date", _("When the measure started (or starts).")),
        ("end_date", _("When it ended; empty while it is ongoing.")),
        ("legal_basis", ", ".join(LegalBasis.values)),
    ]


@login_required
@once_per_submission
def import_measures(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload and check; a file without problems is kept as a job and shown as a preview to confirm."""
    services = imports.importable_services(user=request.user)
    if not services:
        raise Http404
    form = MeasureImportForm(request.POST or None, request.FILES or None, services=services)
    errors: list[imports.RowError] = []
    if request.method == "POST" and form.is_valid():
        upload: UploadedFile = form.cleaned_data["file"]
        data = upload.read(imports.MAX_BYTES + 1)  # never more than the limit, whatever the client says
        try:
            job, _checked, result = imports.create_job(
                acting_user=request.user,
                service=form.cleaned_data["service"],
                caseworker=form.cleaned_data["caseworker"],
                filename=upload.name or "",
                data=data,
            )
        except ValidationError as exc:
            form.add_error("caseworker", exc.messages)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            if job is not None:
                return redirect("cases:import_job", job_id=job.pk)
            errors = result.errors
    return render(
        request,
        "cases/import_measures.html",
        {"form": form, "errors": errors, "columns": _columns(), "max_mb": imports.MAX_BYTES // (1024 * 1024)},
    )


def _job_context(job: ImportJob) -> dict[str, Any]:
    return {
        "job": job,
        "statuses": ImportStatus,
        "errors": [imports.RowError(line, column, message) for line, column, message in job.errors],
    }


@login_required
@require_GET
def import_job(request: AuthenticatedHttpRequest, job_id: int) -> HttpResponse:
    """The preview to confirm, or the import's progress; for htmx's poll the progress part alone."""
    job = imports.get_job_for_user(user=request.user, job_id=job_id)
    if is_htmx(request) and job.status != ImportStatus.READY:
        return render(request, "cases/partials/import_progress.html", _job_context(job))
    rows = []
    if job.status == ImportStatus.READY:
        rows = [
            (
                row,
                measure_taxonomy.kind_label(row.kind),
                LegalBasis(row.legal_basis).label,
                Sex(row.sex).label,
            )
            for row in imports.preview_rows(job)
        ]
    return render(request, "cases/import_job.html", {**_job_context(job), "rows": rows})


@login_required
@require_POST
@once_per_submission
def import_confirm(request: AuthenticatedHttpRequest, job_id: int) -> HttpResponse:
    """Confirm the checked file: the import is queued as a background task; to its page."""
    imports.get_job_for_user(user=request.user, job_id=job_id)  # 404 before anything else
    job = imports.start_job(acting_user=request.user, job_id=job_id)
    return redirect("cases:import_job", job_id=job.pk)
