"""The form a project's researcher assigns case files to coders with (a Django form; the registration
forms of a study are in `forms.py`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sirkel.accounts.models import User
from sirkel.cases.models import Case
from sirkel.research.coding_services import MAX_CASE_REF, FileRef, linked_case_ref


class CaseChoiceField(forms.ModelMultipleChoiceField[Case]):
    """Case files by their research reference and service, never the child's name."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{linked_case_ref(obj)} – {obj.service.name}"


class CoderChoiceField(forms.ModelMultipleChoiceField[User]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.username})"


class AssignForm(forms.Form):
    all_cases = forms.BooleanField(label=_("All the case files listed"), required=False)
    cases = CaseChoiceField(
        queryset=Case.objects.none(),
        label=_("Granted case files not yet assigned"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_refs = forms.CharField(
        label=_("Other case files"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One reference a line, e.g. paper files: STUDIE-001."),
    )
    coders = CoderChoiceField(
        queryset=User.objects.none(), label=_("Coders"), widget=forms.CheckboxSelectMultiple
    )
    share = forms.IntegerField(
        label=_("Share coded twice (%)"),
        min_value=0,
        max_value=100,
        help_text=_("The share of the files given to two coders, who code them independently."),
    )

    def __init__(self, *args: Any, cases: QuerySet[Case], coders: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = cases  # type: ignore[attr-defined]
        self.fields["coders"].queryset = coders  # type: ignore[attr-defined]
        self._all = cases

    def clean_other_refs(self) -> list[str]:
        refs = list(
            dict.fromkeys(r.strip() for r in self.cleaned_data["other_refs"].splitlines() if r.strip())
        )
        too_long = [r for r in refs if len(r) > MAX_CASE_REF]
        if too_long:
            raise forms.ValidationError(
                _("A reference is at most %(max)s characters: %(ref)s")
                % {"max": MAX_CASE_REF, "ref": too_long[0][:20] + "…"}
            )
        return refs

    def chosen_files(self) -> list[FileRef]:
        """The case files chosen: the granted ones ticked (or all), and the references written."""
        d = self.cleaned_data
        cases = list(self._all) if d.get("all_cases") else list(d.get("cases") or [])
        return [FileRef(linked_case_ref(c), c) for c in cases] + [FileRef(r) for r in d.get("other_refs", [])]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not self.chosen_files():
            raise forms.ValidationError(_("Choose at least one case file, or write a reference."))
        return cleaned
