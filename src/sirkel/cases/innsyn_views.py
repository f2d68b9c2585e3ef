"""The pages of a party's right of access (*innsyn*): choose whom the copy is for, review the flagged
third-party items, produce the copy, download it, and mark it handed over. For those who may edit the
case only; everyone else gets 404. The rules are in `cases.innsyn`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sirkel.audit.models import AuditAction
from sirkel.cases import innsyn as rules
from sirkel.cases.forms import DateInput
from sirkel.cases.models import Case, HandoverHow, Innsyn, RecipientRole
from sirkel.cases.selectors import get_case_for_user
from sirkel.core.converters import parse_id
from sirkel.core.forms import service_errors
from sirkel.core.submissions import once_per_submission
from sirkel.core.types import AuthenticatedHttpRequest

YOUTH, OTHER = "youth", "other"
READ_METHODS = ["GET", "HEAD"]


class RecipientForm(forms.Form):
    recipient = forms.ChoiceField(label=gettext_lazy("Who is the copy for?"), widget=forms.RadioSelect)
    name = forms.CharField(
        label=gettext_lazy("Name of the parent, when not in the list"), max_length=200, required=False
    )

    def __init__(self, *args: object, case: Case, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        parents = [(f"member:{pk}", f"{name} ({relation})") for pk, name, relation in rules.parents_of(case)]
        choice: Any = self.fields["recipient"]
        choice.choices = [
            (YOUTH, _("%(child)s (the child or youth)") % {"child": case.child_given_name}),
            *parents,
            (OTHER, _("Another parent (write the name)")),
        ]

    def recipient_for(self, case: Case) -> rules.Recipient:
        value = self.cleaned_data["recipient"]
        if value == YOUTH:
            return rules.recipient_for(case=case, role=RecipientRole.YOUTH, member_id=None, name="")
        member_id = parse_id(value.removeprefix("member:")) if value.startswith("member:") else None
        return rules.recipient_for(
            case=case, role=RecipientRole.PARENT, member_id=member_id, name=self.cleaned_data["name"]
        )


class HandoverForm(forms.Form):
    on = forms.DateField(label=gettext_lazy("Handed over on"), widget=DateInput())
    how = forms.ChoiceField(label=gettext_lazy("How"), choices=HandoverHow.choices, widget=forms.RadioSelect)


def _open(request: AuthenticatedHttpRequest, case_id: int, action: str = AuditAction.VIEW) -> Case:
    with transaction.atomic():
        case, _access = get_case_for_user(
            user=request.user, case_id=case_id, require_edit=True, audit_action=action, part="innsyn"
        )
    return case


@login_required
@once_per_submission
def innsyn(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """Choose whom the copy is for (GET), review its flagged items (POST `step=review`) and produce it
    (POST `step=produce`). Names are posted, never put in a URL."""
    case = _open(request, case_id)
    form = RecipientForm(request.POST if request.method == "POST" else None, case=case)
    context = {"case": case, "form": form, "earlier": rules.innsyns_of(case=case)}
    if request.method != "POST" or not form.is_valid():
        return render(request, "cases/innsyn/start.html", context)
    with service_errors(form) as outcome:
        recipient = form.recipient_for(case)
    if not outcome.ok:
        return render(request, "cases/innsyn/start.html", context)
    if request.POST.get("step") == "produce":
        with transaction.atomic():
            made = rules.produce(
                acting_user=request.user, case=case, recipient=recipient, kept=request.POST.getlist("keep")
            )
        messages.success(request, _("The copy has been made. Download it, review it, and hand it over."))
        return redirect("cases:innsyn_detail", case_id=case.pk, innsyn_id=made.pk)
    sections = rules.review(acting_user=request.user, case=case, recipient=recipient)
    flagged = rules.flagged_keys(sections)
    return render(
        request,
        "cases/innsyn/review.html",
        {**context, "recipient": recipient, "sections": sections, "flagged_count": len(flagged)},
    )


def _innsyn_of(request: AuthenticatedHttpRequest, case_id: int, innsyn_id: int, action: str) -> Innsyn:
    case = _open(request, case_id, action)
    found = rules.get_innsyn(case=case, innsyn_id=innsyn_id)
    if found is None:
        raise Http404
    return found


@login_required
def innsyn_detail(request: AuthenticatedHttpRequest, case_id: int, innsyn_id: int) -> HttpResponse:
    """One copy: its downloads, and marking it handed over (POST)."""
    made = _innsyn_of(request, case_id, innsyn_id, AuditAction.VIEW)
    form = HandoverForm(
        request.POST if request.method == "POST" else None, initial={"on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as outcome, transaction.atomic():
            rules.mark_handed_over(
                acting_user=request.user,
                innsyn=made,
                on=form.cleaned_data["on"],
                how=form.cleaned_data["how"],
            )
        if outcome.ok:
            messages.success(request, _("The handover has been recorded."))
            return redirect("cases:innsyn_detail", case_id=case_id, innsyn_id=made.pk)
    return render(request, "cases/innsyn/detail.html", {"case": made.case, "innsyn": made, "form": form})


def _download(request: AuthenticatedHttpRequest, case_id: int, innsyn_id: int, kind: str) -> HttpResponse:
    made = _innsyn_of(request, case_id, innsyn_id, AuditAction.EXPORT)
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(READ_METHODS)
    if kind == "pdf":
        response = HttpResponse(rules.render_copy(innsyn=made), content_type="application/pdf")
    else:
        response = HttpResponse(rules.render_zip(innsyn=made), content_type="application/zip")
    # No names in the file name: it ends up in download folders and mail clients.
    response["Content-Disposition"] = f'attachment; filename="innsyn-{case_id}-{made.pk}.{kind}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def innsyn_pdf(request: AuthenticatedHttpRequest, case_id: int, innsyn_id: int) -> HttpResponse:
    """The copy as one PDF, the caseworker's choices applied."""
    return _download(request, case_id, innsyn_id, "pdf")


@login_required
def innsyn_zip(request: AuthenticatedHttpRequest, case_id: int, innsyn_id: int) -> HttpResponse:
    """The copy and the case's documents as a zip."""
    return _download(request, case_id, innsyn_id, "zip")
