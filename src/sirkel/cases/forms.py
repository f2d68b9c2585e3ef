"""Forms for creating, editing, finding and breaking the glass on cases."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sirkel.accounts.models import Role, Service, User
from sirkel.accounts.selectors import staff_of_service
from sirkel.cases.models import Case, Phase
from sirkel.cases.services import CASE_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class UserChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name()


class UsersChoiceField(forms.ModelMultipleChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name()


class CaseForm(forms.ModelForm[Case]):
    caseworker = UserChoiceField(queryset=User.objects.none(), label=_("Responsible caseworker"))
    assigned = UsersChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Assigned colleagues"),
        help_text=_("Colleagues who work on the case with you and may open it."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Case
        fields = [*CASE_FIELDS]
        widgets = {
            "birth_date": DateInput(),
            "first_contact_date": DateInput(),
        }
        help_texts = {
            "first_contact_date": _("When the service first had contact with the child."),
            "language": _("The language the family speaks best, if not Norwegian."),
            "lives_with_other": _("Fill in when the child lives with someone else."),
        }

    def __init__(self, *args: Any, service: Service, can_choose_caseworker: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = staff_of_service(service_id=service.pk, roles={Role.CASEWORKER, Role.LEADER, Role.CONSULTANT})
        ids = [u.pk for u in staff]
        caseworkers = staff_of_service(service_id=service.pk, roles={Role.CASEWORKER, Role.LEADER})
        cast(UserChoiceField, self.fields["caseworker"]).queryset = User.objects.filter(
            pk__in=[u.pk for u in caseworkers]
        ).order_by("first_name", "last_name")
        cast(UsersChoiceField, self.fields["assigned"]).queryset = User.objects.filter(pk__in=ids).order_by(
            "first_name", "last_name"
        )
        # `caseworker` is not a model field of the form (Meta.fields), so the instance does not fill it in.
        current = self.instance.caseworker_id if self.instance.pk else None
        if current is not None:
            self.initial.setdefault("caseworker", current)
        if not can_choose_caseworker:
            # A disabled field takes its value from `initial`, never from the POST. It only shows who is
            # responsible, so the current caseworker stays a valid choice even after a change of role.
            self.fields["caseworker"].disabled = True
            if current is not None:
                cast(UserChoiceField, self.fields["caseworker"]).queryset = User.objects.filter(pk=current)
        cast(forms.ChoiceField, self.fields["phase"]).choices = Phase.choices

    def clean_birth_date(self) -> Any:
        value = self.cleaned_data.get("birth_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The birth date cannot be in the future."))
        if value and value.year < timezone.localdate().year - 25:
            raise forms.ValidationError(_("Child welfare cases are for children and young people up to 25."))
        return value

    def clean_first_contact_date(self) -> Any:
        value = self.cleaned_data.get("first_contact_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The first contact cannot be in the future."))
        return value

    def clean_children_in_household(self) -> Any:
        value = self.cleaned_data.get("children_in_household")
        if value is not None and not 1 <= value <= 20:
            raise forms.ValidationError(_("Give a number between 1 and 20."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        birth, contact = data.get("birth_date"), data.get("first_contact_date")
        if birth and contact and contact < birth:
            self.add_error("first_contact_date", _("The first contact cannot be before the child was born."))
        if data.get("lives_with") == "other" and not (data.get("lives_with_other") or "").strip():
            self.add_error("lives_with_other", _("Say whom the child lives with."))
        if data.get("cultural_interpreter_needed") and not data.get("language"):
            self.add_error("language", _("Give the family's language when a cultural interpreter is needed."))
        return data

    def case_fields(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in CASE_FIELDS}


class ServiceChoiceForm(forms.Form):
    service = forms.ModelChoiceField(queryset=Service.objects.none(), label=_("Service"))

    def __init__(self, *args: Any, services: list[Service], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField[Service], self.fields["service"]).queryset = Service.objects.filter(
            pk__in=[s.pk for s in services]
        )


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, help_text=_("Name or case number"))
    phase = forms.ChoiceField(label=_("Phase"), required=False)
    target = forms.ChoiceField(
        label=_("Target group"),
        required=False,
        choices=[
            ("", _("All")),
            ("minority", _("Minority background")),
            ("cognitive", _("Parental cognitive difficulties")),
            ("interpreter", _("Needs an interpreter")),
        ],
    )
    mine = forms.BooleanField(label=_("Only my cases"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["phase"]).choices = [("", _("All")), *Phase.choices]


class BreakGlassForm(forms.Form):
    service = forms.ModelChoiceField(queryset=Service.objects.none(), label=_("Service"))
    number = forms.IntegerField(label=_("Case number"), min_value=1)
    reason = forms.CharField(
        label=_("Why do you need to open this case?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        min_length=10,
        help_text=_("The reason is stored in the audit log and shown to the leader."),
    )

    def __init__(self, *args: Any, services: list[Service], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField[Service], self.fields["service"]).queryset = Service.objects.filter(
            pk__in=[s.pk for s in services]
        )
        if len(services) == 1:
            self.fields["service"].initial = services[0].pk
