"""Forms for the natural mentor (nomination, answer, phases) and the resource person's engagement."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sirkel.meetings.forms_series import DateInput
from sirkel.meetings.models import FollowUpNeeded, HoursPer, MentorAnswer, ResourceRole
from sirkel.network.models import NetworkMember


class MemberChoiceField(forms.ModelChoiceField[NetworkMember]):
    def label_from_instance(self, obj: NetworkMember) -> str:
        return f"{obj.name} ({obj.relation})" if obj.relation else obj.name


class _PersonFields(forms.Form):
    """Someone from the network register, or someone new who is added to it."""

    member = MemberChoiceField(queryset=NetworkMember.objects.none(), required=False)
    new_name = forms.CharField(label=_("Or someone new: name"), max_length=200, required=False)
    new_relation = forms.CharField(
        label=_("Their relation to the child"),
        max_length=200,
        required=False,
        help_text=_("For example: aunt, neighbour, football coach. They are added to the network register."),
    )

    def set_members(self, members: Sequence[NetworkMember], *, empty_label: str) -> None:
        field = cast(MemberChoiceField, self.fields["member"])
        field.queryset = NetworkMember.objects.filter(pk__in=[m.pk for m in members]).order_by("name", "id")
        field.empty_label = empty_label


class NominationForm(_PersonFields):
    nominated_on = forms.DateField(label=_("Nominated on"), widget=DateInput())
    why = forms.CharField(
        label=_("Why the youth chose them"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("In the youth's own words, if you can."),
    )

    def __init__(self, *args: Any, members: Sequence[NetworkMember], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("nominated_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["member"].label = _("From the network register (private side)")
        self.set_members(members, empty_label=str(_("Someone new: write the name below")))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("member") is not None and (data.get("new_name") or "").strip():
            self.add_error("new_name", _("Choose someone from the register or write a new name, not both."))
        elif data.get("member") is None and not (data.get("new_name") or "").strip():
            self.add_error(
                "member", _("Choose someone from the network register, or write the name of someone new.")
            )
        return data


class AnswerForm(forms.Form):
    asked_on = forms.DateField(label=_("Asked on"), widget=DateInput())
    answer = forms.ChoiceField(
        label=_("Answer"),
        choices=[(a.value, a.label) for a in MentorAnswer if a != MentorAnswer.PENDING],
        widget=forms.RadioSelect,
    )
    answer_note = forms.CharField(
        label=_("Note on the answer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example what they need to say yes, or why they said no."),
    )


class PhaseForm(forms.Form):
    held_on = forms.DateField(
        label=_("Date"),
        required=False,
        widget=DateInput(),
        help_text=_("Required when the phase is completed."),
    )
    taking_part = forms.CharField(
        label=_("Who took part"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: the youth, the mother, the father, the mentor and the caseworker."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    followup_needed = forms.ChoiceField(
        label=_("Is professional follow-up still needed?"),
        required=False,
        choices=FollowUpNeeded.choices,
        widget=forms.RadioSelect,
        help_text=_("Required to complete the phase."),
    )
    internal_notes = forms.CharField(
        label=_("Internal notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For the service only: never printed in documents."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, number: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if number != 4:
            del self.fields["followup_needed"]


class EngagementForm(_PersonFields):
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=ResourceRole.choices, widget=forms.RadioSelect
    )
    hours = forms.DecimalField(
        label=_("Hours"), required=False, min_value=0, max_digits=5, decimal_places=1, localize=True
    )
    hours_per = forms.ChoiceField(label=_("Per"), choices=HoursPer.choices)
    activities = forms.CharField(
        label=_("What they do, with whom"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For example: takes the children to football on Tuesdays; guides the mother at mealtimes."
        ),
    )
    after_end = forms.CharField(
        label=_("What happens to the relationship with the child when the paid measure ends?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Required before the measure ends. Many resource persons become part of the family's network: "
            "agree with the family and the resource person whether and how the contact goes on."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, members: Sequence[NetworkMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].label = _("The resource person, from the network register")
        self.set_members(members, empty_label=str(_("Someone new: write the name below")))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("member") is not None and (data.get("new_name") or "").strip():
            self.add_error("new_name", _("Choose someone from the register or write a new name, not both."))
        return data
