"""Forms for a case's measures of any kind: register one, change its period and legal basis."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sirkel.cases.forms import DateInput
from sirkel.cases.models import LegalBasis


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
