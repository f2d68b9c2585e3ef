"""Forms for starting a measure, its leader, screening, consent and the register of trained leaders."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from sirkel.accounts.models import NON_STAFF_ROLES, Role, Service, User
from sirkel.cases.access import EDITING_ROLES
from sirkel.cases.models import Case, CaseAssignment, MeasureKind
from sirkel.meetings.kinds import LeaderPool, in_sentence, kind_config
from sirkel.meetings.models import (
    ConsentGivenAs,
    ConsentParty,
    Screening,
    ScreeningDecision,
    Series,
)
from sirkel.meetings.selectors import leader_candidates
from sirkel.meetings.services.consent import YOUTH_CONSENT_AGE, InformedAbout, voluntary_required_message
from sirkel.meetings.services.series import kinds_for_case, startable_measures
from sirkel.network.models import NetworkMember

# Everyone in a service except researchers and outside coordinators, who do not work with its families.
STAFF_ROLES = [r.value for r in Role if r.value not in NON_STAFF_ROLES]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class StaffChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name()


class LeaderChoiceField(forms.ModelChoiceField[User]):
    """Shows which service a leader comes from, so a shared leader from elsewhere is recognisable."""

    def __init__(self, *args: Any, home_service_id: int | None = None, **kwargs: Any) -> None:
        self.home_service_id = home_service_id
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: User) -> str:
        entry = getattr(obj, "trained_leader", None)
        if entry is not None and entry.service_id != self.home_service_id:
            return f"{obj.display_name()} ({entry.service.name})"
        return obj.display_name()


def _leaders(case: Case, *, kind: str, exclude_user_id: int | None = None) -> QuerySet[User]:
    return leader_candidates(
        service_id=case.service_id, exclude_user_id=exclude_user_id, kind=kind
    ).select_related("trained_leader__service")


# The help text under the field for the person who leads, by where they are chosen from (kinds.py).
LEADER_HELP = {
    LeaderPool.TRAINED: _(
        "Someone trained to lead network meetings, not the caseworker: from your service, or one another "
        "service shares. You can choose later, but before the first meeting is prepared."
    ),
    LeaderPool.COORDINATORS: _(
        "A coordinator with a coordinator's account in this service, not the caseworker. You can choose "
        "later, but before the first conference is prepared."
    ),
    LeaderPool.STAFF: _("Someone who works in this service, not the caseworker. You can choose later."),
    LeaderPool.NONE: "",
}


def label_leader_field(field: forms.Field, kind: str) -> None:
    """The field for the person who leads is labelled by the kind's role (kinds.py `leader_label`)."""
    config = kind_config(kind)
    field.label = str(config.leader_label)
    field.help_text = str(LEADER_HELP[config.leader_pool])


def case_editors(case: Case) -> QuerySet[User]:
    """Who may be responsible for a measure: people who may edit the case."""
    assigned = CaseAssignment.objects.filter(case=case).values("user_id")
    in_service = Q(memberships__service_id=case.service_id)
    return (
        User.objects.filter(is_active=True)
        .filter(
            (in_service & Q(memberships__role=Role.LEADER))
            | (
                in_service
                & Q(memberships__role__in=EDITING_ROLES)
                & (Q(pk=case.caseworker_id) | Q(pk__in=assigned))
            )
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


START_MEETING_CHOICE = "start_meeting"


class StartSeriesForm(forms.Form):
    """Which decided network measure to start (or a start meeting during the investigation, which needs no
    decision), who is responsible and who leads it."""

    measure = forms.ChoiceField(
        label=_("Measure"),
        help_text=_(
            "A network measure is started from the measure a decision decided. A start meeting during the "
            "investigation needs no decision."
        ),
    )
    caseworker = StaffChoiceField(queryset=User.objects.none(), label=_("Responsible caseworker"))
    leader = LeaderChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=_("Meeting leader"),  # labelled by the kind of the measure chosen (`label_leader_field`)
    )
    purpose = forms.CharField(
        label=_("Goals of the measure"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "What the measure is for, one goal per line, written as outcomes. They become the measure's "
            "goals in the measure plan; a measure whose goals are already in the plan keeps them. You will "
            "agree on the words with the parents."
        ),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        self.startable = {str(m.pk): m for m in startable_measures(case=case)}
        choices: list[tuple[str, str]] = [
            (
                key,
                _("%(measure)s, decided %(date)s")
                % {
                    "measure": m.get_kind_display(),
                    "date": date_format(getattr(m, "decided_on"), "SHORT_DATE_FORMAT"),  # noqa: B009
                },
            )
            for key, m in self.startable.items()
        ]
        if MeasureKind.START_MEETING in kinds_for_case(case=case):
            choices.append((START_MEETING_CHOICE, str(kind_config(MeasureKind.START_MEETING).label)))
        self.measure_choices = choices
        measure_field = cast(forms.ChoiceField, self.fields["measure"])
        measure_field.choices = choices
        caseworker_field = cast(StaffChoiceField, self.fields["caseworker"])
        caseworker_field.queryset = case_editors(case)
        # The measure being started (posted, or `?measure=<id>`, or the first offered) says who leads it.
        self.kind = self._kind_of(self.data.get("measure") if self.is_bound else self.initial.get("measure"))
        if kind_config(self.kind).leader_pool == LeaderPool.NONE:
            del self.fields["leader"]  # the person from the network carries it, chosen on its own page
        else:
            leader_field = cast(LeaderChoiceField, self.fields["leader"])
            leader_field.queryset = _leaders(case, kind=self.kind)
            leader_field.home_service_id = case.service_id
            label_leader_field(leader_field, self.kind)

    def _kind_of(self, chosen: object) -> str:
        key = str(chosen or "")
        if key not in dict(self.measure_choices):
            key = self.measure_choices[0][0] if self.measure_choices else ""
        if key == START_MEETING_CHOICE:
            return MeasureKind.START_MEETING
        measure = self.startable.get(key)
        return measure.kind if measure is not None else MeasureKind.NETWORK_MEETING

    def measure_links(self) -> list[tuple[str, str]]:
        """The measures offered, for links that reload the form for one of them (`?measure=<key>`)."""
        return self.measure_choices if len(self.measure_choices) > 1 else []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = data.get("measure")
        data["kind"] = MeasureKind.START_MEETING if chosen == START_MEETING_CHOICE else None
        data["decided_measure"] = self.startable.get(str(chosen)) if chosen else None
        caseworker, leader = data.get("caseworker"), data.get("leader")
        data.setdefault("leader", None)
        if caseworker is not None and leader is not None and caseworker.pk == leader.pk:
            self.add_error(
                "leader",
                _("The %(role)s cannot be the responsible caseworker: choose someone else.")
                % {"role": in_sentence(kind_config(self.kind).leader_label)},
            )
        return data


class LeaderForm(forms.Form):
    leader = LeaderChoiceField(queryset=User.objects.none(), required=False, label=_("Meeting leader"))

    def __init__(self, *args: Any, series: Series, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(LeaderChoiceField, self.fields["leader"])
        # From the kind's pool (kinds.py): a responsibility group's coordinator is one of the service's staff.
        field.queryset = _leaders(series.case, kind=series.kind, exclude_user_id=series.caseworker_id)
        field.home_service_id = series.case.service_id
        label_leader_field(field, series.kind)
        field.help_text = ""


CAUTION_FIELDS = ("severe_mental_illness", "heavy_substance_abuse", "little_daily_structure")


class ScreeningForm(forms.ModelForm[Screening]):
    decision = forms.ChoiceField(
        label=_("Decision"),
        required=False,
        choices=[("", _("Not decided yet")), *ScreeningDecision.choices],
        widget=forms.RadioSelect,
    )
    # The version the form was opened at; a save from an older one is refused, not silently overwritten.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Screening
        fields = [
            "violence_unacknowledged",
            "severe_conflict",
            "parent_cognitive_difficulties",
            "minority_background",
            "small_network",
            "severe_mental_illness",
            "heavy_substance_abuse",
            "little_daily_structure",
            "other_concerns",
            "decision",
            "reasoning",
            "adaptations",
        ]
        widgets = {
            "other_concerns": forms.Textarea(attrs={"rows": 2}),
            "reasoning": forms.Textarea(attrs={"rows": 4}),
            "adaptations": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "reasoning": _("Required when you record a decision. Why this decision, for this family, now."),
            "adaptations": _("For example: shorter sessions, an interpreter, a support person for a parent."),
            "small_network": _("Fewer than four people in the private network register."),
        }

    def __init__(self, *args: Any, kind: str = MeasureKind.NETWORK_MEETING, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        # The kind's own cautions (NTT) are asked only where kinds.py lists them.
        asked = kind_config(kind).screening_cautions
        for name in CAUTION_FIELDS:
            if name not in asked:
                del self.fields[name]
        self.caution_fields = [self[name] for name in CAUTION_FIELDS if name in asked]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") and not (data.get("reasoning") or "").strip():
            self.add_error("reasoning", _("Write the reasoning for the decision."))
        return data


class ConsentForm(forms.Form):
    # The parents already in the network register: choosing one fills party and name on the server.
    from_register = forms.ChoiceField(label=_("From the network register"), required=False)
    party = forms.ChoiceField(label=_("Who consents"))
    party_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    informed_about = forms.MultipleChoiceField(
        label=_("They were told about"),
        choices=InformedAbout.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    information_note = forms.CharField(
        label=_("What else they were told"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    informed_on = forms.DateField(label=_("Informed on"), widget=DateInput())
    informed_by = StaffChoiceField(queryset=User.objects.none(), label=_("Informed by"))
    given_as = forms.ChoiceField(
        label=_("Consent was given"),
        choices=ConsentGivenAs.choices,
        widget=forms.RadioSelect,
        help_text=_("Both are valid. Oral consent is recorded here, with what they were told."),
    )

    def __init__(
        self,
        *args: Any,
        series: Series,
        parents: Sequence[tuple[str, NetworkMember]] = (),
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("informed_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.parents = {str(member.pk): (party, member) for party, member in parents}
        if self.parents:
            labels = dict(ConsentParty.choices)
            cast(forms.ChoiceField, self.fields["from_register"]).choices = [
                ("", _("Someone else: fill in below")),
                *((pk, f"{m.name} ({labels[party]})") for pk, (party, m) in self.parents.items()),
            ]
        else:
            del self.fields["from_register"]
        party_field = cast(forms.ChoiceField, self.fields["party"])
        youth_possible = series.case.age >= YOUTH_CONSENT_AGE
        party_field.choices = [
            (value, label)
            for value, label in ConsentParty.choices
            if youth_possible or value != ConsentParty.YOUTH
        ]
        by_field = cast(StaffChoiceField, self.fields["informed_by"])
        staff = Q(memberships__service_id=series.case.service_id, memberships__role__in=STAFF_ROLES)
        by_field.queryset = (
            User.objects.filter(is_active=True)
            .filter(staff | Q(pk=series.leader_id))
            .distinct()
            .order_by("first_name", "last_name", "username")
        )

    def clean_informed_about(self) -> list[str]:
        told: list[str] = self.cleaned_data["informed_about"]
        if InformedAbout.VOLUNTARY.value not in told:
            raise forms.ValidationError(voluntary_required_message(), code="voluntary_required")
        return told

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = self.parents.get(data.get("from_register") or "")
        if chosen is not None:
            party, member = chosen
            data["party"], data["party_name"] = party, member.name
            self.errors.pop("party", None)
        elif not (data.get("party_name") or "").strip():
            self.add_error("party_name", forms.Field.default_error_messages["required"])
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why consent is withdrawn"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("As the person said it. Withdrawing consent stops the whole measure."),
    )


class EndSeriesForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the measure ends, and what happens next"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example: the goals were reached; the network carries on; a new measure is planned."),
    )
    ended_on = forms.DateField(label=_("Ended on"), widget=DateInput())


class TrainedLeaderForm(forms.Form):
    user = StaffChoiceField(queryset=User.objects.none(), label=_("Person"))
    trained_on = forms.DateField(label=_("Trained on"), required=False, widget=DateInput())
    training = forms.CharField(
        label=_("Training"),
        max_length=200,
        required=False,
        help_text=_("For example the course or programme they took."),
    )
    shared = forms.BooleanField(
        label=_("Leads meetings for other services"),
        required=False,
        help_text=_("Other services can then choose this person as meeting leader."),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, service: Service, fixed_user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(StaffChoiceField, self.fields["user"])
        if fixed_user is not None:
            field.queryset = User.objects.filter(pk=fixed_user.pk)
            field.initial = fixed_user.pk
            field.disabled = True
        else:
            field.queryset = (
                User.objects.filter(
                    is_active=True,
                    memberships__service=service,
                    memberships__role__in=STAFF_ROLES,
                    trained_leader__isnull=True,
                )
                .distinct()
                .order_by("first_name", "last_name", "username")
            )
