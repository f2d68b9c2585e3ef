"""The form for recording a decision: date, who, legal basis, reasons, justification, the measures it starts,
extends or ends, and the child's participation."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from sirkel.accounts.models import Role, User
from sirkel.accounts.selectors import staff_of_service
from sirkel.cases.decisions import MAX_MONTHS, YOUTH_PARTY_AGE, MeasureChange, ReasonInput
from sirkel.cases.forms import DateInput, UserChoiceField
from sirkel.cases.models import (
    Case,
    ChildAgreement,
    DecisionChange,
    LegalBasis,
    Measure,
    ReasonGroup,
    YouthConsent,
)
from sirkel.taxonomy import measures as measure_taxonomy
from sirkel.taxonomy.choices import choices

NEW_ROWS = 4
"""How many new measures one decision form offers (a decision with more is rare; record a second one)."""

KEEP = "keep"

# Who can be recorded as having made the decision: the service's caseworkers, consultants and leaders.
DECIDING_ROLES = {Role.CASEWORKER.value, Role.CONSULTANT.value, Role.LEADER.value}


def _kind_choices() -> list[tuple[str, str]]:
    return [
        ("", str(_("Choose a measure"))),
        *[
            (key, f"{label} ({code})" if (code := measure_taxonomy.ssb_code(key)) else str(label))
            for key, label in measure_taxonomy.kind_choices()
            if key != "start_meeting"  # held during the investigation, without a decision
        ],
    ]


class DecisionForm(forms.Form):
    decided_on = forms.DateField(label=_("Date of the decision"), widget=DateInput())
    decided_by = UserChoiceField(queryset=User.objects.none(), label=_("Decided by"))
    legal_basis = forms.ChoiceField(
        label=_("Legal basis"),
        choices=LegalBasis.choices,
        initial=LegalBasis.VOLUNTARY,
        widget=forms.RadioSelect,
    )
    justification = forms.CharField(
        label=_("Justification"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        help_text=_("Why the measures are needed and why these measures, in words the family can read."),
    )
    child_told = forms.CharField(
        label=_("What the child was told"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    child_said = forms.CharField(
        label=_("What the child said"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    child_agreed = forms.ChoiceField(
        label=_("Did the child agree with how it was written down?"),
        choices=ChildAgreement.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    child_weight = forms.CharField(
        label=_("The weight given to the child's views"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("How the child's views counted in the decision, or why the child was not asked."),
    )
    youth_consent = forms.ChoiceField(
        label=_("Consent of a youth from 15"),
        choices=YouthConsent.choices,
        initial=YouthConsent.NOT_APPLICABLE,
        widget=forms.RadioSelect,
        help_text=_("From 15 the child is a party and must consent to voluntary measures aimed at them."),
    )

    def __init__(self, *args: Any, case: Case, open_measures: list[Measure], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        self.open_measures = open_measures
        decider = cast(UserChoiceField, self.fields["decided_by"])
        staff = staff_of_service(service_id=case.service_id, roles=DECIDING_ROLES)
        decider.queryset = User.objects.filter(pk__in=[u.pk for u in staff]).order_by(
            "first_name", "last_name", "username"
        )
        for group in ReasonGroup:
            self.fields[f"reasons_{group.value}"] = forms.MultipleChoiceField(
                label=group.label,
                choices=choices("reasons", group.value),
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
            self.fields[f"reasons_{group.value}_other"] = forms.CharField(
                label=_("Other reason, in words"), required=False, max_length=500
            )
        for i in range(1, NEW_ROWS + 1):
            self.fields[f"new_{i}_kind"] = forms.ChoiceField(
                label=_("New measure %(n)d") % {"n": i}, choices=_kind_choices(), required=False
            )
            self.fields[f"new_{i}_start"] = forms.DateField(
                label=_("Planned start"), required=False, widget=DateInput()
            )
            self.fields[f"new_{i}_months"] = forms.IntegerField(
                label=_("Expected duration (months)"), required=False, min_value=1, max_value=MAX_MONTHS
            )
        for m in open_measures:
            label = m.get_kind_display()
            self.fields[f"m{m.pk}_change"] = forms.ChoiceField(
                label=label,
                choices=[
                    (KEEP, _("No change")),
                    (DecisionChange.EXTEND, _("Extend")),
                    (DecisionChange.END, _("End")),
                ],
                initial=KEEP,
                widget=forms.RadioSelect,
            )
            self.fields[f"m{m.pk}_months"] = forms.IntegerField(
                label=_("Extend by (months)"), required=False, min_value=1, max_value=MAX_MONTHS
            )
            self.fields[f"m{m.pk}_ends_on"] = forms.DateField(
                label=_("Ends on"), required=False, widget=DateInput()
            )

    @property
    def youth_is_party(self) -> bool:
        return self.case.age >= YOUTH_PARTY_AGE

    def reason_groups(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"reasons_{g.value}"], self[f"reasons_{g.value}_other"]) for g in ReasonGroup]

    def new_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (self[f"new_{i}_kind"], self[f"new_{i}_start"], self[f"new_{i}_months"])
            for i in range(1, NEW_ROWS + 1)
        ]

    def measure_rows(self) -> list[tuple[Measure, forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (m, self[f"m{m.pk}_change"], self[f"m{m.pk}_months"], self[f"m{m.pk}_ends_on"])
            for m in self.open_measures
        ]

    def reasons(self) -> list[ReasonInput]:
        data = self.cleaned_data
        found = []
        for group in ReasonGroup:
            other = data.get(f"reasons_{group.value}_other", "")
            for key in data.get(f"reasons_{group.value}") or []:
                found.append(ReasonInput(group=group.value, key=key, text=other if key == "other" else ""))
            if other.strip() and "other" not in (data.get(f"reasons_{group.value}") or []):
                found.append(ReasonInput(group=group.value, key="other", text=other))
        return found

    def changes(self) -> list[MeasureChange]:
        data = self.cleaned_data
        found = []
        for i in range(1, NEW_ROWS + 1):
            kind = data.get(f"new_{i}_kind")
            if kind:
                found.append(
                    MeasureChange(
                        change=DecisionChange.START,
                        kind=kind,
                        planned_start=data.get(f"new_{i}_start"),
                        expected_months=data.get(f"new_{i}_months"),
                    )
                )
        for m in self.open_measures:
            change = data.get(f"m{m.pk}_change")
            if change in (DecisionChange.EXTEND, DecisionChange.END):
                found.append(
                    MeasureChange(
                        change=change,
                        measure=m,
                        expected_months=data.get(f"m{m.pk}_months")
                        if change == DecisionChange.EXTEND
                        else None,
                        ends_on=data.get(f"m{m.pk}_ends_on") if change == DecisionChange.END else None,
                    )
                )
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(1, NEW_ROWS + 1):
            if not data.get(f"new_{i}_kind") and (data.get(f"new_{i}_start") or data.get(f"new_{i}_months")):
                self.add_error(f"new_{i}_kind", _("Choose the measure, or clear its dates."))
        for m in self.open_measures:
            change = data.get(f"m{m.pk}_change")
            if change == DecisionChange.EXTEND and not data.get(f"m{m.pk}_months"):
                self.add_error(f"m{m.pk}_months", _("Say how many months the measure is extended by."))
            if change == DecisionChange.END and not data.get(f"m{m.pk}_ends_on"):
                self.add_error(f"m{m.pk}_ends_on", _("Give the date the measure ends."))
        return data
