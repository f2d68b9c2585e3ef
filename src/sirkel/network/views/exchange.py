"""Export of a case's network (Network Canvas CSV zip or GraphML) and import of the CSV zip."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from sirkel.cases.selectors import get_case_for_user
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.network.exchange.apply import import_into_case
from sirkel.network.exchange.export import export_for_user, parse_format
from sirkel.network.exchange.problems import Problem, too_large_message
from sirkel.network.exchange.reference import column_reference
from sirkel.network.exchange.schema import (
    EGO_SUFFIX,
    MAX_PEOPLE,
    MAX_TIES,
    MAX_UPLOAD_BYTES,
    PEOPLE_SUFFIX,
    TIES_SUFFIX,
)
from sirkel.network.selectors import network_for_case


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Zip file with the network"),
        help_text=gettext_lazy(
            "The zip Sirkel or Network Canvas exports as CSV, or the people and ties CSV files in one zip."
        ),
        widget=forms.FileInput(attrs={"accept": ".zip,application/zip"}),
    )
    interview = forms.CharField(
        label=gettext_lazy("Interview (case ID or session ID)"),
        help_text=gettext_lazy(
            "Only for a Network Canvas export of several interviews: the one to import into this case."
        ),
        required=False,
        max_length=200,
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(too_large_message())
        return upload


def _format_context() -> dict[str, object]:
    ego_name, people_name, ties_name = ("…" + s for s in (EGO_SUFFIX, PEOPLE_SUFFIX, TIES_SUFFIX))
    return {
        "ego_file": ego_name,
        "people_file": people_name,
        "ties_file": ties_name,
        "max_people": MAX_PEOPLE,
        "max_ties": MAX_TIES,
        "max_size": MAX_UPLOAD_BYTES,
    }


@login_required
def network_export(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """?format=csv|graphml downloads the file; without a format, a page explains the two formats."""
    if request.method not in ("GET", "HEAD"):
        # Access first, as on every network route: a case the user may not see is a 404 whatever the method.
        with transaction.atomic():
            get_case_for_user(user=request.user, case_id=case_id, part="network")
        return HttpResponseNotAllowed(["GET", "HEAD"])
    fmt = parse_format(request.GET.get("format", ""))
    if fmt is None:
        with transaction.atomic():
            case, access = get_case_for_user(user=request.user, case_id=case_id, part="network")
        status = 400 if "format" in request.GET else 200
        return render(
            request,
            "network/export.html",
            {"case": case, "access": access, **_format_context()},
            status=status,
        )
    export = export_for_user(user=request.user, case_id=case_id, fmt=fmt)
    return HttpResponse(
        export.content,
        content_type=export.content_type,
        headers={
            "Content-Disposition": content_disposition_header(True, export.filename),
            # The file holds a child's network: no caching along the way or in the browser.
            "Cache-Control": "no-store",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def network_import(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """Upload form with the format explained; POST adds the file's people and ties to the network."""
    with transaction.atomic():
        case, access = get_case_for_user(
            user=request.user, case_id=case_id, require_edit=True, part="network"
        )
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[Problem] = []
    if request.method == "POST" and form.is_valid():
        upload: UploadedFile = form.cleaned_data["file"]
        # Never read more than the limit, whatever the client said about the size.
        data = upload.read(MAX_UPLOAD_BYTES + 1)
        try:
            result = import_into_case(
                acting_user=request.user, case=case, data=data, interview=form.cleaned_data["interview"]
            )
        except PermissionDenied as exc:  # access withdrawn since the case was opened
            raise Http404 from exc
        if result.ok:
            people = ngettext("%(count)s person", "%(count)s people", result.members) % {
                "count": result.members
            }
            ties = ngettext("%(count)s tie", "%(count)s ties", result.ties) % {"count": result.ties}
            messages.success(
                request,
                _("Added to the network: %(people)s and %(ties)s.") % {"people": people, "ties": ties},
            )
            for notice in result.notices:
                messages.info(request, notice)
            return redirect("network:import", case_id=case.pk)
        problems = result.problems
    network = network_for_case(case=case)
    context = {
        "case": case,
        "access": access,
        "form": form,
        "problems": problems,
        "member_count": len(network.members),
        "tie_count": len(network.ties),
        "columns": column_reference(),
        **_format_context(),
    }
    return render(request, "network/import.html", context)


urlpatterns = [
    path("eksport/", network_export, name="export"),
    path("import/", network_import, name="import"),
]
