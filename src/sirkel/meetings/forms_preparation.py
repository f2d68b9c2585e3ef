"""Forms for planning a meeting: a new meeting, the sections of the preparation page, participants and
their answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from sirkel.accounts.models import User
from sirkel.meetings.dates import check_meeting_day
from sirkel.meetings.forms_series import DateInput, case_editors
from sirkel.meetings.kinds import in_sentence, kind_config
from sirkel.meetings.models import (
    ChildParticipation,
    InterpreterKind,
    Meeting,
    MeetingMode,
    Participant,
    ParticipantRole,
    Response,
    Series,
)
from sirkel.meetings.services.consent import YOUTH_CONSENT_AGE
from sirkel.network.models import NetworkMember, Side

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=DATETIME_FORMAT, **kwargs)


class MeetingDateTimeField(forms.DateTimeField):
    """A meeting's date and time, between 2000 and five years ahead (see `meetings.dates`)."""

    default_validators = [check_meeting_day]

    def to_python(self, value: Any) -> datetime | None:
        try:
            return super().to_python(value)
        except (OverflowError, ValueError) as exc:  # year 1: no room for the time zone
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc


def _datetime_field(**kwargs: Any) -> forms.DateTimeField:
    return MeetingDateTimeField(
        widget=DateTimeInput(), input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"], **kwargs
    )


class NewMeetingForm(forms.Form):
    starts_at = _datetime_field(
        label=_("Date and time"), required=False, help_text=_("You can set it later on the preparation page.")
    )
    mode = forms.ChoiceField(
        label=_("Form"), choices=MeetingMode.choices, initial=MeetingMode.IN_PERSON, widget=forms.RadioSelect
    )
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    video_link = forms.URLField(
        label=_("Video link"),
        required=False,
        assume_scheme="https",
        help_text=_("Needed for a digital or hybrid meeting."),
    )
    purpose = forms.CharField(
        label=_("Purpose of this meeting"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    copy_participants = forms.BooleanField(
        label=_("Invite the same people as last time"),
        required=False,
        initial=True,
        help_text=_("You can change the list afterwards."),
    )

    def __init__(self, *args: Any, follow_up: bool, proposed: datetime | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not follow_up:
            del self.fields["copy_participants"]
        if proposed is not None:  # a fixed series: the last meeting's day and the interval
            self.fields["starts_at"].initial = timezone.localtime(proposed)
            self.fields["starts_at"].help_text = _(
                "Proposed from how often the series meets. You can change it, or set it later on the "
                "preparation page."
            )


class SectionForm(forms.Form):
    """One section of the preparation page. `version` guards against overwriting a colleague's changes."""

    section = ""
    version = forms.IntegerField(widget=forms.HiddenInput)

    def values(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class PurposeSection(SectionForm):
    section = "purpose"
    measure_purpose = forms.CharField(
        label=_("Purpose / problem formulation for the measure"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the measure is for, in words agreed with the parents."),
    )
    purpose_agreed_with_parents = forms.BooleanField(label=_("Agreed with the parents"), required=False)
    purpose = forms.CharField(
        label=_("Purpose of this meeting"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("This is printed in the invitation."),
    )


class TimeSection(SectionForm):
    section = "time"
    starts_at = _datetime_field(label=_("Date and time"), required=False)
    duration_minutes = forms.IntegerField(
        label=_("Length (minutes)"),
        min_value=15,
        max_value=600,
    )  # help text from the kind's `default_minutes` (`section_form`)
    mode = forms.ChoiceField(label=_("Form"), choices=MeetingMode.choices, widget=forms.RadioSelect)
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    video_link = forms.URLField(
        label=_("Video link"),
        required=False,
        assume_scheme="https",
        help_text=_("Needed for a digital or hybrid meeting (the family in the room, others by video)."),
    )


class ParentsSection(SectionForm):
    section = "parents"
    parents_not_invited_reason = forms.CharField(
        label=_("Why a parent is not invited"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Invite both parents, also a father the child does not live with. "
            "If one is not invited, write why."
        ),
    )


class ChildSection(SectionForm):
    section = "child"
    child_talked_with = forms.BooleanField(
        label=_("We have talked with the child beforehand"), required=False
    )
    child_talked_on = forms.DateField(label=_("Talked with the child on"), required=False, widget=DateInput())
    child_participation = forms.ChoiceField(
        label=_("The child's participation"),
        required=False,
        choices=[("", _("Not decided yet")), *ChildParticipation.choices],
        widget=forms.RadioSelect,
    )
    child_support_person = forms.CharField(
        label=_("The child's support person"),
        max_length=200,
        required=False,
        help_text=_("Someone the child trusts, who sits with them and speaks up for them."),
    )
    child_wants_said = forms.CharField(
        label=_("What the child wants said in the meeting"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    child_may_leave = forms.BooleanField(label=_("The child may leave during the meeting"), required=False)
    youth_leads = forms.BooleanField(
        label=_("The youth leads their own meeting"),
        required=False,
        help_text=_("For a youth from 15, after training."),
    )

    def __init__(self, *args: Any, child_age: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if child_age < YOUTH_CONSENT_AGE:
            del self.fields["youth_leads"]


class InterpreterSection(SectionForm):
    section = "interpreter"
    interpreter_needed = forms.BooleanField(label=_("Interpreter needed"), required=False)
    interpreter_kind = forms.ChoiceField(
        label=_("Kind of interpreter"), required=False, choices=[("", "–"), *InterpreterKind.choices]
    )
    interpreter_language = forms.CharField(label=_("Language"), max_length=100, required=False)
    interpreter_booked = forms.BooleanField(label=_("Interpreter booked"), required=False)
    interpreter_name = forms.CharField(label=_("Who is booked"), max_length=200, required=False)


class SpeechSection(SectionForm):
    section = "speech"
    network_speech = forms.CharField(
        label=_("The network speech"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "The opening words, drafted with the family: why we are here, what we hope for. Delivered by a "
            "parent or a support person they choose."
        ),
    )
    network_speech_by = forms.CharField(label=_("Delivered by"), max_length=200, required=False)


SECTION_FORMS: dict[str, type[SectionForm]] = {
    f.section: f
    for f in (PurposeSection, TimeSection, ParentsSection, ChildSection, InterpreterSection, SpeechSection)
}


def section_initial(section: str, meeting: Meeting) -> dict[str, Any]:
    form_class = SECTION_FORMS[section]
    initial: dict[str, Any] = {"version": meeting.version}
    for name in form_class.base_fields:
        if name == "version":
            continue
        if name == "measure_purpose":
            initial[name] = meeting.series.purpose
        elif name == "purpose_agreed_with_parents":
            initial[name] = meeting.series.purpose_agreed_with_parents
        else:
            initial[name] = getattr(meeting, name)
    return initial


def section_form(section: str, meeting: Meeting, data: Any = None) -> SectionForm:
    form_class = SECTION_FORMS[section]
    kwargs: dict[str, Any] = {"initial": section_initial(section, meeting), "prefix": section}
    if form_class is ChildSection:
        kwargs["child_age"] = meeting.series.case.age
    form = form_class(data, **kwargs)
    if form_class is TimeSection:
        config = kind_config(meeting.series.kind)
        form.fields["duration_minutes"].help_text = duration_help(
            config.meeting_label, config.default_minutes
        )
    return form


def duration_help(meeting_label: object, default_minutes: int) -> str:
    """How long the kind's meetings usually last (kinds.py `default_minutes`): "A family group conference
    usually lasts about 4 hours (240 minutes)."."""
    meeting = in_sentence(meeting_label)
    hours, rest = divmod(default_minutes, 60)
    if rest:
        return gettext("A %(meeting)s usually lasts about %(minutes)s minutes.") % {
            "meeting": meeting,
            "minutes": default_minutes,
        }
    return ngettext(
        "A %(meeting)s usually lasts about %(hours)s hour (%(minutes)s minutes).",
        "A %(meeting)s usually lasts about %(hours)s hours (%(minutes)s minutes).",
        hours,
    ) % {"meeting": meeting, "hours": hours, "minutes": default_minutes}


# --- Participants ---------------------------------------------------------------------------------------


class MemberChoiceField(forms.ModelMultipleChoiceField[NetworkMember]):
    def label_from_instance(self, obj: NetworkMember) -> str:
        side = _("public") if obj.side == Side.PUBLIC else _("private")
        return f"{obj.name} ({obj.relation}, {side})" if obj.relation else f"{obj.name} ({side})"


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name()


def staff_candidates(series: Series) -> QuerySet[User]:
    """The caseworker, the leader and colleagues who work on the case."""
    editors = case_editors(series.case).values("pk")
    return (
        User.objects.filter(is_active=True)
        .filter(Q(pk__in=editors) | Q(pk=series.leader_id) | Q(pk=series.caseworker_id))
        .order_by("first_name", "last_name", "username")
    )


class ChooseParticipantsForm(forms.Form):
    members = MemberChoiceField(
        queryset=NetworkMember.objects.none(),
        required=False,
        label=_("From the network register"),
        widget=forms.CheckboxSelectMultiple,
    )
    users = StaffMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=_("From the child welfare service"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        members: QuerySet[NetworkMember],
        users: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(MemberChoiceField, self.fields["members"]).queryset = members
        cast(StaffMultipleChoiceField, self.fields["users"]).queryset = users

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("members") and not data.get("users"):
            raise forms.ValidationError(_("Choose at least one person to invite."))
        return data


PERSON_ROLES = [(v, label) for v, label in ParticipantRole.choices if v != ParticipantRole.STAFF]


class NewPersonForm(forms.Form):
    """Someone not in the register yet: added to it and invited in one go."""

    name = forms.CharField(label=_("Name"), max_length=200)
    role = forms.ChoiceField(label=_("Role in the meeting"), choices=PERSON_ROLES)
    relation = forms.CharField(
        label=_("Relation or role"),
        max_length=200,
        required=False,
        help_text=_("For example aunt, teacher, GP."),
    )
    side = forms.ChoiceField(
        label=_("Side"), choices=Side.choices, initial=Side.PRIVATE, widget=forms.RadioSelect
    )
    close_to_problem = forms.BooleanField(label=_("Close to the problem"), required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    may_contact = forms.BooleanField(label=_("May be contacted"), required=False)
    contact_consent_by = forms.CharField(
        label=_("Who agreed to contact"),
        max_length=200,
        required=False,
        help_text=_("Needed when the person may be contacted, e.g. the mother."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("may_contact") and not (data.get("contact_consent_by") or "").strip():
            self.add_error("contact_consent_by", _("Say who agreed that this person may be contacted."))
        return data


class ParticipantForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=ParticipantRole.choices)
    close_to_problem = forms.BooleanField(label=_("Close to the problem"), required=False)


def participant_form(participant: Participant, data: Any = None) -> ParticipantForm:
    return ParticipantForm(
        data,
        prefix=f"p{participant.pk}",
        initial={"role": participant.role, "close_to_problem": participant.close_to_problem},
    )


class ResponseForm(forms.Form):
    response = forms.ChoiceField(label=_("Answer"), choices=Response.choices, widget=forms.RadioSelect)
    response_note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        help_text=_("For example: comes for the first part only, needs a lift."),
    )
