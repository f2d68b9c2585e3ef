"""The leader's form for a research grant, and the revoking form (Django forms; the registration forms
of a study are in `forms.py`)."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sirkel.accounts.models import Membership, Role, Service, User
from sirkel.research.models import Project
from sirkel.research.services import SLUG

NEW = "__new__"
ALL = "all"
LISTED = "listed"


def parse_case_numbers(text: str) -> tuple[int, ...]:
    """Case numbers written with commas or spaces between them, e.g. "12, 15 31"."""
    parts = [p for p in re.split(r"[\s,;]+", text.strip()) if p]
    if not all(p.isdecimal() and len(p) <= 9 for p in parts):
        raise ValidationError(_("Write case numbers separated by commas, e.g. 12, 15, 31."))
    return tuple(sorted({int(p) for p in parts}))


class GrantForm(forms.Form):
    service = forms.ModelChoiceField(queryset=Service.objects.none(), label=_("Service"), empty_label=None)
    project = forms.ChoiceField(label=_("Project"))
    new_slug = forms.CharField(
        label=_("New project's short name"),
        required=False,
        max_length=80,
        help_text=_("Lower-case letters, digits and hyphens, e.g. nettverk-2026."),
    )
    new_name = forms.CharField(label=_("New project's name"), required=False, max_length=200)
    scope = forms.ChoiceField(
        label=_("Which case files"),
        choices=[(ALL, _("All the service's case files")), (LISTED, _("Only the case files listed"))],
        widget=forms.RadioSelect,
        initial=ALL,
    )
    case_numbers = forms.CharField(
        label=_("Case numbers"),
        required=False,
        help_text=_("Only for a list: the case numbers separated by commas."),
    )
    valid_until = forms.DateField(
        label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}), help_text=_("The last day.")
    )
    legal_basis = forms.CharField(
        label=_("Legal basis (exemption from confidentiality)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    dpia_ref = forms.CharField(label=_("DPIA reference"), required=False, max_length=200)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    researchers = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        label=_("Researchers on the project"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The service's researchers to add to the project."),
    )

    def __init__(self, *args: Any, services: list[Service], projects: list[Project], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        service_field: Any = self.fields["service"]
        service_field.queryset = Service.objects.filter(pk__in=[s.pk for s in services]).order_by("name")
        project_field: Any = self.fields["project"]
        project_field.choices = [
            (NEW, _("A new project")),
            *((p.slug, f"{p.name} ({p.slug})") for p in projects),
        ]
        researcher_field: Any = self.fields["researchers"]
        researcher_field.queryset = (
            User.objects.filter(
                is_active=True,
                pk__in=Membership.objects.filter(
                    service__in=[s.pk for s in services], role=Role.RESEARCHER.value
                ).values("user_id"),
            )
            .order_by("first_name", "last_name", "username")
            .distinct()
        )
        researcher_field.label_from_instance = lambda u: f"{u.display_name()} ({u.username})"

    def clean_valid_until(self) -> datetime.date:
        value: datetime.date = self.cleaned_data["valid_until"]
        if value < timezone.localdate():
            raise ValidationError(_("The grant must last at least until today."))
        return value

    def clean_case_numbers(self) -> tuple[int, ...]:
        return parse_case_numbers(self.cleaned_data.get("case_numbers") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("project") == NEW:
            slug = (data.get("new_slug") or "").strip()
            if not SLUG.match(slug):
                self.add_error(
                    "new_slug", _("Give the new project a short name: lower-case letters, digits, hyphens.")
                )
            elif Project.objects.filter(slug=slug).exists():
                self.add_error("new_slug", _("A project with this short name exists: choose it in the list."))
        if data.get("scope") == LISTED and not data.get("case_numbers"):
            self.add_error(
                "case_numbers", _("List the case numbers the grant covers, or grant all case files.")
            )
        return data

    @property
    def project_slug(self) -> str:
        chosen = str(self.cleaned_data["project"])
        return str(self.cleaned_data["new_slug"]).strip() if chosen == NEW else chosen


class RevokeForm(forms.Form):
    grant = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2_147_483_647)
    reason = forms.CharField(label=_("Why is the grant revoked?"), max_length=2000)
