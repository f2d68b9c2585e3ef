"""Forms for NTT's contacts between meetings and for how often a fixed series meets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sirkel.cases.models import Goal
from sirkel.meetings.forms_series import DateInput
from sirkel.meetings.services.cadence import MAX_WEEKS
from sirkel.meetings.services.contacts import MAX_MINUTES


class ContactForm(forms.Form):
    goal = forms.TypedChoiceField(label=_("Goal"), coerce=int, empty_value=None)
    on = forms.DateField(label=_("Date"), widget=DateInput())
    with_whom = forms.CharField(
        label=_("With whom"),
        max_length=300,
        required=False,
        help_text=_("For example the mother and the child, or the mother and the school."),
    )
    minutes = forms.IntegerField(
        label=_("How many minutes"),
        required=False,
        min_value=1,
        max_value=MAX_MINUTES,
        help_text=_("About how long."),
    )
    note = forms.CharField(
        label=_("What was done, and how it went"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The steering group reads this at the next meeting."),
    )
    internal_notes = forms.CharField(
        label=_("Internal notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For the service only: never printed in documents."),
    )

    def __init__(self, *args: Any, goals: Sequence[Goal], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.goals = {g.pk: g for g in goals}
        field = self.fields["goal"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 - declared above
        field.choices = [
            ("", _("Choose a goal")),
            *((g.pk, f"– {g.text}" if g.parent_id else g.text) for g in goals),
        ]

    def clean_goal(self) -> Goal | None:
        pk = self.cleaned_data.get("goal")
        return self.goals.get(pk) if pk is not None else None


class CadenceForm(forms.Form):
    meeting_every_weeks = forms.IntegerField(
        label=_("Weeks between the meetings"),
        required=False,
        min_value=1,
        max_value=MAX_WEEKS,
        help_text=_("Leave it empty if the series has no fixed interval."),
    )
