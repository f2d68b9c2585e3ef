"""Forms of a family group conference: the request and the questions, the planning, attendance in the three
parts, the family's plan and its items, and the service's decision."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sirkel.accounts.models import User
from sirkel.meetings.forms_series import DateInput
from sirkel.meetings.models import Participant, PlanDecision
from sirkel.meetings.services.conference import Parts
from sirkel.network.models import NetworkMember


class ConferenceRequestForm(forms.Form):
    """The service's part of the conference."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    coordinator_requested_on = forms.DateField(
        label=_("Coordinator requested on"),
        required=False,
        widget=DateInput(),
        help_text=_("When the service asked the family-conference service for a coordinator."),
    )
    acute = forms.BooleanField(
        label=_("Acute: a coordinator is needed within one working day"), required=False
    )
    coordinator_assigned_on = forms.DateField(
        label=_("Coordinator assigned on"), required=False, widget=DateInput()
    )
    situation = forms.CharField(
        label=_("The situation, in short"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "The caseworker's short description, agreed with the family, read out in part 1. The "
            "coordinator sees it."
        ),
    )
    questions = forms.CharField(
        label=_("The questions for the conference"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One question per line: what the family's plan should answer. The coordinator sees them."
        ),
    )
    questions_agreed_on = forms.DateField(
        label=_("Questions agreed with the family on"), required=False, widget=DateInput()
    )


class ConferencePlanningForm(forms.Form):
    """The coordinator's part: the planning and the hours."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    planning_started_on = forms.DateField(
        label=_("Planning started on"),
        required=False,
        widget=DateInput(),
        help_text=_("The planning usually takes 4 to 8 weeks."),
    )
    coordinator_hours = forms.DecimalField(
        label=_("The coordinator's hours"),
        required=False,
        min_value=0,
        max_digits=5,
        decimal_places=1,
        help_text=_("Typically 25 to 35 hours for one conference."),
    )


def part_field_names(participant: Participant) -> tuple[str, str, str]:
    return (f"p{participant.pk}_1", f"p{participant.pk}_2", f"p{participant.pk}_3")


class PartsForm(forms.Form):
    """Three checkboxes per participant: present in part 1, 2 (private family time) and 3."""

    def __init__(self, *args: Any, participants: Sequence[Participant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.participants = list(participants)
        labels = (_("Part 1: information"), _("Part 2: private family time"), _("Part 3: the plan"))
        for p in self.participants:
            initial = (p.part_information, p.part_family_time, p.part_joint)
            for name, label, value in zip(part_field_names(p), labels, initial, strict=True):
                self.fields[name] = forms.BooleanField(label=label, required=False, initial=value)

    def rows(self) -> list[tuple[Participant, list[forms.BoundField]]]:
        return [(p, [self[n] for n in part_field_names(p)]) for p in self.participants]

    def parts(self) -> dict[int, Parts]:
        found: dict[int, Parts] = {}
        for p in self.participants:
            one, two, three = (bool(self.cleaned_data.get(n)) for n in part_field_names(p))
            found[p.pk] = Parts(information=one, family_time=two, joint=three)
        return found


class FamilyPlanForm(forms.Form):
    text = forms.CharField(
        label=_("The family's plan, as the family wrote it"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Write it word for word as the family wrote it in private family time."),
    )


class PlanItemForm(forms.Form):
    """One item: what, who (someone from the network, or a staff member) and by when."""

    what = forms.CharField(label=_("What"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ChoiceField(
        label=_("Who"),
        help_text=_("One person who carries it out: someone from the network, or a staff member."),
    )
    due_on = forms.DateField(label=_("By when"), widget=DateInput())

    def __init__(
        self, *args: Any, members: Sequence[NetworkMember], users: Sequence[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._members = {f"m{m.pk}": m for m in members}
        self._users = {f"u{u.pk}": u for u in users}
        choices: list[Any] = [("", _("Choose a person"))]
        if members:
            choices.append((_("From the network"), [(k, m.name) for k, m in self._members.items()]))
        if users:
            choices.append((_("Staff"), [(k, u.display_name) for k, u in self._users.items()]))
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)  # noqa: S101 (for the type checker)
        owner.choices = choices

    def owner_member(self) -> NetworkMember | None:
        return self._members.get(self.cleaned_data["owner"])

    def owner_user(self) -> User | None:
        return self._users.get(self.cleaned_data["owner"])


class PlanDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("The service's decision"),
        choices=PlanDecision.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "As a rule the service approves the family's plan, provided the child's safety is ensured."
        ),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Needed when the plan is approved with changes or not approved: why, and what must change. "
            "The family is shown it."
        ),
    )
