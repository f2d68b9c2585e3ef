"""The forms of the participants' own pages (no account): feedback after a meeting, a parent's view and
the child's view at an evaluation. Labels are plain; the child's are written for a 10-year-old."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sirkel.evaluation.models import Effect

SCALE_CHOICES = [(n, str(n)) for n in range(1, 6)]

# The child's five faces, from sad to happy: (value, face, words). The face is shown beside the words, never
# alone (its meaning is in the text, for screen readers and for children who read the words).
FACES = (
    (1, "😢", _("Very bad")),
    (2, "🙁", _("Bad")),
    (3, "😐", _("OK")),
    (4, "🙂", _("Good")),
    (5, "😄", _("Very good")),
)


class FeedbackForm(forms.Form):
    felt_heard = forms.TypedChoiceField(
        label=_("Did you feel heard?"),
        help_text=_("1 is not at all, 5 is very much."),
        choices=SCALE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a number from 1 to 5.")},
    )
    useful = forms.TypedChoiceField(
        label=_("Was this useful?"),
        help_text=_("1 is not at all, 5 is very much."),
        choices=SCALE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a number from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("Is there anything else you want to tell us?"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ParentViewForm(forms.Form):
    effect = forms.ChoiceField(
        label=_("Has the help made things better for your child and your family?"),
        choices=[
            (Effect.YES.value, _("Yes")),
            (Effect.PARTLY.value, _("Partly")),
            (Effect.NO.value, _("No")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose yes, partly or no.")},
    )
    text = forms.CharField(
        label=_("Say it in your own words"),
        help_text=_("What has changed? What has not? You can write as much or as little as you like."),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class ChildViewForm(forms.Form):
    """The child's form. `declined` is the "I don't want to answer" button: then nothing is required."""

    scale = forms.TypedChoiceField(
        label=_("How are things for you now?"),
        help_text=_("Pick the face that fits best."),
        choices=[(value, words) for value, _face, words in FACES],
        coerce=int,
        required=False,
        widget=forms.RadioSelect,
    )
    words = forms.CharField(
        label=_("Tell us in your own words"),
        help_text=_("What is good? What is hard?"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    wants_next = forms.CharField(
        label=_("What do you want to happen next?"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    helped_by = forms.CharField(
        label=_("Did someone help you say this? Who?"),
        help_text=_("For example: my aunt, my teacher. Leave it empty if you did it alone."),
        required=False,
        max_length=200,
    )

    def __init__(self, *args: object, declined: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.declined = declined

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not self.declined and data.get("scale") in (None, ""):
            self.add_error("scale", _("Pick one of the faces, or press “I don't want to answer”."))
        return data

    def faces(self) -> list[dict[str, object]]:
        """The scale's radio buttons with their faces, for the template."""
        by_value = {str(value): (face, words) for value, face, words in FACES}
        rows = []
        for choice in self["scale"]:
            face, words = by_value[str(choice.data["value"])]
            rows.append({"choice": choice, "face": face, "words": words})
        return rows
