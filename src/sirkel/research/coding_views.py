"""/forskning/prosjekt/<slug>/: assigning a project's case files to its coders, a coder's own files, and
the page a coder codes one file on (blind: it shows only the coder's own registration)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.research import coding_selectors, coding_services, selectors
from sirkel.research.coding_forms import AssignForm
from sirkel.research.coding_services import StaleRegistration, flatten
from sirkel.research.form_page import build, read_answers
from sirkel.research.forms import Problem
from sirkel.research.models import Project


@login_required
@require_http_methods(["GET", "POST"])
def assign(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The project's granted case files not yet assigned, and other files by reference, given to coders."""
    project = selectors.project_for_researcher(user=request.user, slug=slug, page="assign")
    if request.method == "POST" and "unassign" in request.POST:
        return _unassign(request, project=project, assignment_id=request.POST["unassign"])
    form = AssignForm(
        request.POST if request.method == "POST" else None,
        cases=coding_selectors.unassigned_cases(user=request.user, project=project),
        coders=coding_selectors.project_coders(project=project),
        initial={"share": project.double_coding_share},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                made = coding_services.assign_files(
                    acting_user=request.user,
                    project=project,
                    files=form.chosen_files(),
                    coders=list(form.cleaned_data["coders"]),
                    double_share=form.cleaned_data["share"],
                )
            except ValidationError as e:
                form.add_error(None, e)
            else:
                messages.success(
                    request,
                    ngettext("%(count)s assignment made.", "%(count)s assignments made.", len(made))
                    % {"count": len(made)},
                )
                return redirect("research:assign", slug=project.slug)
        status = 400
    context = {"project": project, "form": form, "files": coding_selectors.project_files(project=project)}
    return render(request, "research/assign.html", context, status=status)


def _unassign(request: AuthenticatedHttpRequest, *, project: Project, assignment_id: str) -> HttpResponse:
    if not assignment_id.isdecimal():
        return HttpResponse(_("Say which assignment to take back."), status=400)
    found = coding_selectors.assignment_in_project(project=project, assignment_id=int(assignment_id))
    try:
        coding_services.unassign(acting_user=request.user, assignment=found)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("The file %(ref)s is taken from its coder.") % {"ref": found.case_ref})
    return redirect("research:assign", slug=project.slug)


@login_required
def my_files(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The coder's own files in the project, with how far they have come with each."""
    project = selectors.project_for_researcher(user=request.user, slug=slug, page="my_files")
    rows = coding_selectors.my_files(user=request.user, project=project)
    return render(request, "research/my_files.html", {"project": project, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def code(request: AuthenticatedHttpRequest, slug: str, assignment_id: int) -> HttpResponse:
    """One file's registration form for its own coder: prefilled from Sirkel for a linked case with an
    active grant, saved as a draft or finished, reopened by the coder."""
    page = coding_selectors.coding_page(user=request.user, slug=slug, assignment_id=assignment_id)
    registration = page.registration
    if registration is not None:
        answers, prefilled, version = registration.answers, set(registration.prefilled), registration.version
    elif page.prefill is not None:
        answers, prefilled, version = page.prefill.answers, set(page.prefill.paths), 0
    else:
        answers, prefilled, version = {}, set(), 0
    finished = registration is not None and registration.submitted_at is not None
    problems: list[Problem] = []
    shown: dict[str, int] | None = None
    status = 200
    stale = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        adding = request.POST.get("add", "")
        if action == "reopen":
            if registration is not None and finished:
                coding_services.reopen(acting_user=request.user, registration=registration)
                messages.success(request, _("The registration is open for changes again."))
            return redirect("research:code", slug=slug, assignment_id=assignment_id)
        if action not in ("save", "finish") and not adding:
            return HttpResponse(_("Choose to save the registration or to mark it finished."), status=400)
        if finished:
            messages.error(request, _("The registration is finished: reopen it to change it."))
            return redirect("research:code", slug=slug, assignment_id=assignment_id)
        try:
            expected = int(request.POST.get("version", ""))
        except ValueError:
            return HttpResponse(_("The form is incomplete: open the file again."), status=400)
        posted, shown = read_answers(page.form, request.POST)
        before = flatten(answers)
        after = flatten(posted)
        prefilled = {p for p in prefilled if p in before and after.get(p) == before[p]}
        if adding:
            key = adding.removesuffix(".count")
            shown[key] = shown.get(key, 0) + 1
            answers = posted
        else:
            try:
                outcome = coding_services.save_registration(
                    acting_user=request.user,
                    assignment=page.assignment,
                    answers_from_post=posted,
                    finish=action == "finish",
                    expected_version=expected,
                )
            except StaleRegistration as e:
                stale = " ".join(e.messages)
                answers, status = posted, 409
            except ValidationError as e:
                messages.error(request, " ".join(e.messages))
                return redirect("research:code", slug=slug, assignment_id=assignment_id)
            else:
                if outcome.registration is not None:
                    if outcome.dropped:
                        messages.info(
                            request,
                            ngettext(
                                "%(count)s answer was left out: its question is not asked given the "
                                "other answers.",
                                "%(count)s answers were left out: their questions are not asked given the "
                                "other answers.",
                                len(outcome.dropped),
                            )
                            % {"count": len(outcome.dropped)},
                        )
                    messages.success(
                        request,
                        _("The registration is saved and marked finished.")
                        if action == "finish"
                        else _("The draft is saved."),
                    )
                    return redirect("research:code", slug=slug, assignment_id=assignment_id)
                answers, problems, status = outcome.answers, outcome.problems, 400
            version = expected
    form = build(
        page.form,
        answers,
        prefilled=prefilled,
        problems=problems,
        coder_name=request.user.display_name(),
        shown=shown,
    )
    context = {
        "project": page.project,
        "assignment": page.assignment,
        "registration": registration,
        "finished": finished,
        "form": form,
        "version": version,
        "stale": stale,
        "prefilled": bool(prefilled),
    }
    return render(request, "research/code.html", context, status=status)
