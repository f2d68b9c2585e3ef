"""The staff form that makes a participant link: who, what for (a meeting, an evaluation), how long."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sirkel.evaluation.links import DEFAULT_DAYS, MAX_DAYS
from sirkel.evaluation.models import LinkPurpose

CHILD = "child"


class LinkForm(forms.Form):
    participant = forms.ChoiceField(
        label=_("Who is the link for?"), error_messages={"required": _("Choose who the link is for.")}
    )
    purpose = forms.ChoiceField(
        label=_("What is it for?"),
        choices=LinkPurpose.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what the link is for.")},
    )
    meeting = forms.TypedChoiceField(
        label=_("Which meeting (for feedback)"), coerce=int, required=False, empty_value=None
    )
    evaluation = forms.TypedChoiceField(
        label=_("Which evaluation (for a view)"), coerce=int, required=False, empty_value=None
    )
    map_perspective = forms.ChoiceField(
        label=_("Whose map (for a parent drawing their own map)"),
        choices=[("", "—"), ("mother", _("The mother's")), ("father", _("The father's"))],
        required=False,
    )
    language = forms.ChoiceField(
        label=_("Language of the page"), choices=[("nb", "Norsk bokmål"), ("en", "English")], initial="nb"
    )
    days = forms.IntegerField(
        label=_("Works for (days)"), min_value=1, max_value=MAX_DAYS, initial=DEFAULT_DAYS
    )

    def __init__(
        self,
        *args: Any,
        members: list[tuple[int, str]],
        meetings: list[tuple[int, str]],
        evaluations: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        blank = [("", "—")]
        participant_field: Any = self.fields["participant"]
        participant_field.choices = [
            *blank,
            *((f"member:{pk}", name) for pk, name in members),
            (CHILD, _("The child (a page written for children)")),
        ]
        meeting_field: Any = self.fields["meeting"]
        meeting_field.choices = [*blank, *meetings]
        evaluation_field: Any = self.fields["evaluation"]
        evaluation_field.choices = [*blank, *evaluations]

    def member_id(self) -> int | None:
        value = str(self.cleaned_data.get("participant", ""))
        return int(value.split(":", 1)[1]) if value.startswith("member:") else None

    def for_child(self) -> bool:
        return self.cleaned_data.get("participant") == CHILD
