"""Forms for a case's measures of any kind: register one, change its period and legal basis."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from sirkel.cases.forms import DateInput
from sirkel.cases.models import LegalBasis
from sirkel.taxonomy import measures as measure_taxonomy


class MeasureAddForm(forms.Form):
    kind = forms.ChoiceField(label=_("Measure"))
    legal_basis = forms.ChoiceField(
        label=_("Legal basis"),
        choices=LegalBasis.choices,
        initial=LegalBasis.VOLUNTARY,
        widget=forms.RadioSelect,
    )
    started_on = forms.DateField(
        label=_("Started on"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty while the measure is planned."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args: Any, exclude_kinds: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        kind = cast(forms.ChoiceField, kind)
        kind.choices = [
            ("", _("Choose a measure")),
            *[
                (key, f"{label} ({code})" if (code := measure_taxonomy.ssb_code(key)) else label)
                for key, label in measure_taxonomy.kind_choices()
                if key not in exclude_kinds
            ],
        ]


class MeasureEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    legal_basis = forms.ChoiceField(
        label=_("Legal basis"), choices=LegalBasis.choices, widget=forms.RadioSelect
    )
    started_on = forms.DateField(label=_("Started on"), required=False, widget=DateInput())
    ended_on = forms.DateField(label=_("Ended on"), required=False, widget=DateInput())
    end_reason = forms.CharField(
        label=_("Why it ended"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args: Any, period_from_process: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if period_from_process:
            for name in ("started_on", "ended_on", "end_reason"):
                del self.fields[name]
