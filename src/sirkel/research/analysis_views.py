"""/forskning/prosjekt/<slug>/…: a project's tables, the coders' agreement, their disagreements and the
reconciliation of a file to a consensus registration, for the project's researchers (404 for anyone
else). The numbers come from `research/analysis.py`, the same functions `sirkel research` uses."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.core.versioning import ConflictError
from sirkel.research import agreement, analysis, selectors, services
from sirkel.research.tables import MIN_CELL

STATISTIC_NAMES = {
    agreement.PERCENT_AGREEMENT: gettext_lazy("Percent agreement"),
    agreement.COHEN_KAPPA: gettext_lazy("Cohen's kappa"),
    agreement.FLEISS_KAPPA: gettext_lazy("Fleiss' kappa"),
    agreement.KRIPPENDORFF_ALPHA_NOMINAL: gettext_lazy("Krippendorff's alpha (nominal)"),
}
CHOICE_PREFIX = "choice:"  # a radio group's name: the prefix and the place's path
VERSION_PREFIX = "version-"  # a hidden field's name: the prefix and the registration's id


def _suppress_below(request: AuthenticatedHttpRequest) -> int:
    """`?suppress=N` (0 or more; 3 when absent or not a whole number)."""
    value = request.GET.get("suppress", "")
    return int(value) if value.isdecimal() and len(value) <= 6 else MIN_CELL


def _csv(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def tables(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    suppress_below = _suppress_below(request)
    page = selectors.tables_for_researcher(
        user=request.user, slug=slug, question=request.GET.get("question", ""), suppress_below=suppress_below
    )
    csv_url = ""
    if page.question is not None:
        query = urlencode({"question": page.question.key, "suppress": str(suppress_below)})
        csv_url = f"{reverse('research:tables_csv', args=[slug])}?{query}"
    context = {"page": page, "project": page.project, "suppress_below": suppress_below, "csv_url": csv_url}
    return render(request, "research/tables.html", context)


@login_required
@require_GET
def tables_csv(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The table as `sirkel research table` writes it: option,label,count,percent (404 for an unknown
    question)."""
    table = selectors.table_csv_for_researcher(
        user=request.user,
        slug=slug,
        question=request.GET.get("question", ""),
        suppress_below=_suppress_below(request),
    )
    text = analysis.csv_text(analysis.TABLE_HEADER, table.csv_records())
    return _csv(text, f"{slug}-{table.question}.csv")


@login_required
@require_GET
def agreement_page(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    page = selectors.agreement_for_researcher(user=request.user, slug=slug)
    rows = [(row, STATISTIC_NAMES.get(row.statistic.statistic, row.statistic.statistic)) for row in page.rows]
    return render(request, "research/agreement.html", {"page": page, "project": page.project, "rows": rows})


@login_required
@require_GET
def agreement_csv(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Agreement as `sirkel research agreement` writes it: question,coders,units,statistic,value."""
    page = selectors.agreement_for_researcher(user=request.user, slug=slug, page="agreement_csv")
    text = analysis.csv_text(analysis.AGREEMENT_HEADER, (row.csv_record() for row in page.rows))
    return _csv(text, f"{slug}-samsvar.csv")


@login_required
@require_GET
def disagreements(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    page = selectors.disagreements_for_researcher(
        user=request.user, slug=slug, question=request.GET.get("question", "")
    )
    context = {
        "page": page,
        "project": page.project,
        "limit": analysis.MAX_DISAGREEMENTS,
        "reconcile_url": reverse("research:reconcile", args=[slug]),
    }
    return render(request, "research/disagreements.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def reconcile(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """GET ?case=REF: the file's places, the differing ones with a choice each (404 without a finished
    file of two or more coders). POST (the case in the body): the consensus registration saved."""
    if request.method == "GET":
        page = selectors.reconciliation_for_researcher(
            user=request.user, slug=slug, case_ref=request.GET.get("case", "")
        )
        return _reconcile_page(request, page, analysis.consensus_choices(page.form, page.reconciliation))
    case_ref = request.POST.get("case", "")
    page = selectors.reconciliation_for_researcher(
        user=request.user, slug=slug, case_ref=case_ref, audit=False
    )
    choices: dict[str, str] = {}
    versions: dict[int, int] = {}
    for key in request.POST:
        value = request.POST.get(key, "")
        if key.startswith(CHOICE_PREFIX):
            choices[key.removeprefix(CHOICE_PREFIX)] = value
        elif (
            key.startswith(VERSION_PREFIX)
            and key.removeprefix(VERSION_PREFIX).isdecimal()
            and value.isdecimal()
        ):
            versions[int(key.removeprefix(VERSION_PREFIX))] = int(value)
    try:
        services.save_consensus(
            acting_user=request.user,
            project=page.project,
            case_ref=case_ref,
            choices=choices,
            versions=versions,
        )
    except ConflictError as exc:
        error, status = exc.message, 409
    except ValidationError as exc:
        error, status = " ".join(exc.messages), 400
    else:
        messages.success(request, _("The consensus registration of %(case)s is saved.") % {"case": case_ref})
        return redirect(f"{reverse('research:reconcile', args=[slug])}?{urlencode({'case': case_ref})}")
    # Drawn again from what is stored now (new versions after a conflict), with the choices kept.
    page = selectors.reconciliation_for_researcher(user=request.user, slug=slug, case_ref=case_ref)
    return _reconcile_page(request, page, choices, error=error, status=status)


def _reconcile_page(
    request: AuthenticatedHttpRequest,
    page: selectors.ReconcilePage,
    chosen: dict[str, str],
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    found = page.reconciliation
    versions = [(r.pk, r.version) for r in found.registrations]
    if found.consensus is not None:
        versions.append((found.consensus.pk, found.consensus.version))
    groups = [
        {
            "place": place,
            "name": f"{CHOICE_PREFIX}{place.path}",
            "chosen": chosen.get(place.path, ""),
            "missing": bool(error) and place.path not in chosen,
        }
        for place in found.differing
    ]
    context = {
        "page": page,
        "project": page.project,
        "found": found,
        "groups": groups,
        "versions": [(f"{VERSION_PREFIX}{pk}", version) for pk, version in versions],
        "no_answer": services.NO_ANSWER,
        "error": error,
        "disagreements_url": reverse("research:disagreements", args=[page.project.slug]),
    }
    return render(request, "research/reconcile.html", context, status=status)
