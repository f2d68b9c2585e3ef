"""Forms for the action plan: an action, who answers for follow-up, and the review of one action."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from sirkel.accounts.models import User
from sirkel.actions.models import ActionStatus
from sirkel.actions.selectors.plan import OwnerChoices, meeting_date
from sirkel.actions.services import KEEP_OPEN_OUTCOMES, REVIEW_OUTCOMES
from sirkel.meetings.models import Meeting
from sirkel.network.models import NetworkMember, SupportType


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _member_label(member: NetworkMember) -> str:
    return f"{member.name} ({member.relation})" if member.relation else member.name


def owner_field_choices(owners: OwnerChoices) -> list[Any]:
    """One list for "who": people in the network register, grouped by side, and the service's staff."""
    groups: list[Any] = [("", _("Choose a person"))]
    for label, members in ((_("Private network"), owners.private), (_("Public network"), owners.public)):
        if members:
            groups.append((label, [(f"m:{m.pk}", _member_label(m)) for m in members]))
    if owners.staff:
        groups.append((_("Child welfare service"), [(f"u:{u.pk}", u.display_name()) for u in owners.staff]))
    return groups


def owner_value(*, member_id: int | None, user_id: int | None) -> str:
    if member_id:
        return f"m:{member_id}"
    if user_id:
        return f"u:{user_id}"
    return ""


class OwnerMixin:
    """Turns the combined "who" choice into a network member or a staff user."""

    owners: OwnerChoices

    def resolve_owner(self, value: str) -> tuple[NetworkMember | None, User | None]:
        if not value:
            return None, None
        kind, _sep, raw = value.partition(":")
        if kind == "m":
            members = {str(m.pk): m for m in [*self.owners.private, *self.owners.public]}
            if raw in members:
                return members[raw], None
        elif kind == "u":
            users = {str(u.pk): u for u in self.owners.staff}
            if raw in users:
                return None, users[raw]
        raise forms.ValidationError(_("Choose a person from the list."))


def _meeting_label(meeting: Meeting) -> str:
    held = meeting_date(meeting)
    label = f"{meeting.sequence}. {meeting.get_kind_display()}"
    if held is not None:
        label += f" ({held:%d.%m.%Y})"
    return label


class ActionForm(OwnerMixin, forms.Form):
    what = forms.CharField(
        label=_("What is to be done"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Write it as the meeting agreed it, in words the family uses."),
    )
    owner = forms.ChoiceField(
        label=_("Who does it"),
        help_text=_("Someone from the child's network register, or a staff member."),
    )
    due_on = forms.DateField(label=_("By when"), widget=DateInput())
    support_type = forms.ChoiceField(
        label=_("Support it gives"),
        required=False,
        choices=[("", _("Not stated")), *SupportType.choices],
    )
    meeting = forms.TypedChoiceField(label=_("Agreed at"), coerce=int)
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        owners: OwnerChoices,
        meetings: list[Meeting],
        editing: bool = False,
        outside_meetings: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.owners = owners
        self.meetings = {m.pk: m for m in meetings}
        cast(forms.ChoiceField, self.fields["owner"]).choices = owner_field_choices(owners)
        cast(forms.ChoiceField, self.fields["meeting"]).choices = [
            (m.pk, _meeting_label(m)) for m in reversed(meetings)
        ]
        if outside_meetings and not meetings:  # a kind without meetings (natural mentor, resource person)
            del self.fields["meeting"]
        if not editing:
            del self.fields["status"]

    def clean_owner(self) -> str:
        value: str = self.cleaned_data["owner"]
        self.owner_member, self.owner_user = self.resolve_owner(value)
        return value

    def clean_meeting(self) -> Meeting:
        meeting = self.meetings.get(self.cleaned_data["meeting"])
        if meeting is None:
            raise forms.ValidationError(_("Choose a meeting from the list."))
        return meeting

    def action_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields: dict[str, Any] = {
            "what": data["what"],
            "owner_member": self.owner_member,
            "owner_user": self.owner_user,
            "due_on": data["due_on"],
            "support_type": data["support_type"],
            "meeting": data.get("meeting"),
        }
        if "status" in self.fields and data.get("status"):
            fields["status"] = data["status"]
        return fields


class FollowupOwnerForm(OwnerMixin, forms.Form):
    owner = forms.ChoiceField(
        label=_("Accountable for follow-up of the plan"),
        required=False,
        help_text=_("The person who checks that every action is carried out and raises it when it is not."),
    )

    def __init__(self, *args: Any, owners: OwnerChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owners = owners
        choices = owner_field_choices(owners)
        choices[0] = ("", _("Nobody yet"))
        cast(forms.ChoiceField, self.fields["owner"]).choices = choices

    def clean_owner(self) -> str:
        value: str = self.cleaned_data["owner"]
        self.owner_member, self.owner_user = self.resolve_owner(value)
        return value


class ReviewForm(forms.Form):
    """The review of one action; left empty, the action is not reviewed yet."""

    outcome = forms.ChoiceField(
        label=_("How did it go?"),
        required=False,
        widget=forms.RadioSelect,
        choices=[(s.value, s.label) for s in REVIEW_OUTCOMES],
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    keep_open = forms.BooleanField(label=_("Keep it on the plan with a new due date"), required=False)
    new_due_on = forms.DateField(label=_("New due date"), required=False, widget=DateInput())

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        outcome = data.get("outcome")
        if not outcome:
            if data.get("note") or data.get("keep_open") or data.get("new_due_on"):
                self.add_error("outcome", _("Choose how it went."))
            return data
        if data.get("keep_open"):
            if outcome not in KEEP_OPEN_OUTCOMES:
                self.add_error(
                    "keep_open", _("Only actions that are partly done or not done can stay on the plan.")
                )
            new_due: datetime.date | None = data.get("new_due_on")
            if new_due is None:
                self.add_error("new_due_on", _("Give a new due date for the action that stays open."))
        return data

    @property
    def is_filled(self) -> bool:
        return bool(self.is_valid() and self.cleaned_data.get("outcome"))
