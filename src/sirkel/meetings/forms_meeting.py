"""Forms for running a meeting: attendance for everyone at once, the notes, the waiver and marking it held."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from sirkel.meetings.dates import check_meeting_day
from sirkel.meetings.forms_preparation import DATETIME_FORMAT, DateTimeInput
from sirkel.meetings.forms_series import DateInput
from sirkel.meetings.models import Attendance, Participant
from sirkel.meetings.services.meeting import Signatory

ATTENDANCE_CHOICES = [
    (Attendance.IN_PERSON.value, Attendance.IN_PERSON.label),
    (Attendance.DIGITAL.value, Attendance.DIGITAL.label),
    (Attendance.ABSENT.value, Attendance.ABSENT.label),
    (Attendance.UNKNOWN.value, Attendance.UNKNOWN.label),
]


def attendance_field_name(participant: Participant) -> str:
    return f"p{participant.pk}"


class AttendanceForm(forms.Form):
    """One radio group per participant, so the whole list is recorded with one button."""

    def __init__(self, *args: Any, participants: Sequence[Participant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.participants = list(participants)
        for p in self.participants:
            self.fields[attendance_field_name(p)] = forms.ChoiceField(
                label=p.name,
                choices=ATTENDANCE_CHOICES,
                required=False,
                initial=p.attendance,
                widget=forms.RadioSelect,
            )

    def rows(self) -> list[tuple[Participant, forms.BoundField]]:
        return [(p, self[attendance_field_name(p)]) for p in self.participants]

    def attendance(self) -> dict[int, str]:
        return {p.pk: self.cleaned_data.get(attendance_field_name(p)) or "" for p in self.participants}


class MeetingNotesForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reflecting_team_notes = forms.CharField(
        label=_("The reflecting team (meeting in the meeting)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "A summary of what the staff talked about while the others listened. Printed in the minutes."
        ),
    )
    decisions = forms.CharField(
        label=_("Decisions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What was decided about further work. Printed in the minutes."),
    )
    internal_notes = forms.CharField(
        label=_("Internal notes: never printed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What was said and what happened, for the service only. Never shown in the minutes or any "
            "other document."
        ),
    )

    def __init__(self, *args: Any, reflecting_team: bool = True, **kwargs: Any) -> None:
        """`reflecting_team`: whether the measure's meetings have one (kinds.py); if not, no field for it."""
        super().__init__(*args, **kwargs)
        if not reflecting_team:
            del self.fields["reflecting_team_notes"]


class CloseMeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput(), validators=[check_meeting_day])


class WaiverForm(forms.Form):
    released = forms.TypedMultipleChoiceField(
        label=_("Released to speak freely in this meeting"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick each person the parents (and a youth from 15) released on the signed sheet."),
    )
    signed_by = forms.MultipleChoiceField(
        label=_("Signed by"), required=False, widget=forms.CheckboxSelectMultiple
    )
    signed_at = forms.DateTimeField(
        label=_("Signed"),
        required=False,
        widget=DateTimeInput(),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
    )

    def __init__(
        self,
        *args: Any,
        participants: Sequence[Participant],
        signatories: Sequence[Signatory],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["released"]).choices = [
            (p.pk, f"{p.name} ({p.relation or p.get_role_display()})") for p in participants
        ]
        cast(forms.ChoiceField, self.fields["signed_by"]).choices = [
            (s.key, f"{s.label}: {s.name}" if s.name else s.label) for s in signatories
        ]
