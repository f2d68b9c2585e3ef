"""The forms of the staff evaluation pages: a goal's scale, scheduling, the goals' levels, the four
perspectives (the child's as the caseworker writes it down), the reviewer, and closing with a next step.

The forms check what a person can put right at once; the services check again, and their refusals reach
the form through `sirkel.core.forms.service_errors`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sirkel.accounts.models import User
from sirkel.cases.forms import DateInput, UserChoiceField
from sirkel.evaluation.models import Effect, GoalScale, NextStep, RequestedBy
from sirkel.evaluation.services import SCALE_FIELDS

TEXT = {"rows": 2}

# The five faces of the child's scale, worst to best: a symbol the eye reads, and words for everyone.
FACES = (
    (1, "😢", _("Very bad")),
    (2, "🙁", _("Bad")),
    (3, "😐", _("So-so")),
    (4, "🙂", _("Good")),
    (5, "😄", _("Very good")),
)

LEVEL_SIGNS = {-2: "−2", -1: "−1", 0: "0", 1: "+1", 2: "+2"}


class ScaleForm(forms.Form):
    """What each level of one goal would look like, and its weight."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    much_less = forms.CharField(
        label=_("Much less than expected (−2)"), required=False, widget=forms.Textarea(attrs=TEXT)
    )
    less = forms.CharField(
        label=_("Less than expected (−1)"), required=False, widget=forms.Textarea(attrs=TEXT)
    )
    expected = forms.CharField(
        label=_("Expected outcome (0)"),
        widget=forms.Textarea(attrs=TEXT),
        error_messages={"required": _("Describe the expected outcome (level 0).")},
    )
    more = forms.CharField(
        label=_("More than expected (+1)"), required=False, widget=forms.Textarea(attrs=TEXT)
    )
    much_more = forms.CharField(
        label=_("Much more than expected (+2)"), required=False, widget=forms.Textarea(attrs=TEXT)
    )
    weight = forms.IntegerField(
        label=_("Weight (1–10)"),
        min_value=1,
        max_value=10,
        help_text=_("How much this goal counts in the T-score compared with the measure's other goals."),
        error_messages={
            "required": _("Give the goal a weight from 1 to 10."),
            "min_value": _("The weight is a whole number from 1 to 10."),
            "max_value": _("The weight is a whole number from 1 to 10."),
            "invalid": _("The weight is a whole number from 1 to 10."),
        },
    )

    def __init__(self, *args: Any, scale: GoalScale | None, **kwargs: Any) -> None:
        initial = {"version": 0, "weight": 1}
        if scale is not None:
            initial = {"version": scale.version, "weight": scale.weight}
            initial.update({name: getattr(scale, name) for name in SCALE_FIELDS})
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)

    def texts(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in SCALE_FIELDS}


class ScheduleForm(forms.Form):
    due_on = forms.DateField(
        label=_("Evaluate on"),
        widget=DateInput(),
        error_messages={
            "required": _("Give the date of the evaluation."),
            "invalid": _("Give a valid date."),
        },
    )


class LevelsForm(forms.Form):
    """One radio group per scaled goal: the level it reached, each level labelled with its scale text."""

    def __init__(self, *args: Any, rows: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goal_fields: list[tuple[Any, str]] = []
        for row in rows:
            if row.scale is None:
                continue
            choices = []
            for level, name in zip(
                (-2, -1, 0, 1, 2), ("much_less", "less", "expected", "more", "much_more"), strict=True
            ):
                text = getattr(row.scale, name) or "–"
                choices.append((str(level), f"{LEVEL_SIGNS[level]}: {text}"))
            name = f"goal_{row.goal.pk}"
            self.fields[name] = forms.ChoiceField(
                label=row.goal.text,
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
                initial=str(row.level.level) if row.level else None,
            )
            self.goal_fields.append((row, name))

    def bound_goal_fields(self) -> list[forms.BoundField]:
        return [self[name] for _row, name in self.goal_fields]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(name) not in (None, "") for _row, name in self.goal_fields):
            raise forms.ValidationError(_("Choose the level of at least one goal."))
        return data

    def levels(self) -> dict[int, int]:
        return {
            row.goal.pk: int(self.cleaned_data[name])
            for row, name in self.goal_fields
            if self.cleaned_data.get(name) not in (None, "")
        }


EFFECT_ERRORS = {"required": _("Choose yes, partly, no or not assessed.")}


class JudgementForm(forms.Form):
    """The service's or the reviewer's judgement: did the measure have the desired effect?"""

    effect = forms.ChoiceField(
        label=_("Did the measure have the desired effect?"),
        choices=Effect.choices,
        widget=forms.RadioSelect,
        error_messages=EFFECT_ERRORS,
    )
    text = forms.CharField(
        label=_("The assessment in words"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ParentJudgementForm(JudgementForm):
    """A parent's view, each parent on their own: the parent is chosen from the case's network."""

    member = forms.TypedChoiceField(
        label=_("Parent"),
        coerce=int,
        error_messages={"required": _("Choose the parent from the case's network.")},
    )
    field_order = ["member", "effect", "text"]

    def __init__(self, *args: Any, members: list[Any], fixed: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fixed = fixed
        member = self.fields["member"]
        if not isinstance(member, forms.TypedChoiceField):  # pragma: no cover - declared above
            raise TypeError(member)
        if fixed is not None:
            member.choices = [(fixed.pk, fixed.name)]
            member.initial = fixed.pk
            member.widget = forms.HiddenInput()
        else:
            member.choices = [("", _("Choose …"))] + [
                (m.pk, f"{m.name} ({m.relation})" if m.relation else m.name) for m in members
            ]
        self.fields["effect"].label = _("Does the parent think the measure helped?")
        self.fields["text"].label = _("What the parent said")


class ChildViewForm(forms.Form):
    """The child's view, as the caseworker writes down what the child said."""

    scale = forms.TypedChoiceField(
        label=_("How is it going? (the child chooses a face)"),
        choices=[(str(n), str(label)) for n, _face, label in FACES],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    declined = forms.BooleanField(label=_("The child did not want to answer"), required=False)
    words = forms.CharField(
        label=_("What the child said, in their own words"), required=False, widget=forms.Textarea(attrs=TEXT)
    )
    wants_next = forms.CharField(
        label=_("What the child wants to happen next"), required=False, widget=forms.Textarea(attrs=TEXT)
    )
    helped_by = forms.CharField(label=_("Who helped the child say it"), required=False, max_length=200)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("declined") and data.get("scale") is None and "scale" not in self.errors:
            self.add_error(
                "scale", _("Choose one of the five faces, or tick that the child did not want to answer.")
            )
        return data

    def faces(self) -> list[dict[str, Any]]:
        """The radio buttons with their face symbols, for the template."""
        bound = self["scale"]
        value = str(bound.value() or "")
        return [
            {
                "value": str(n),
                "face": face,
                "label": label,
                "checked": value == str(n),
                "id": f"{bound.auto_id}_{n}",
            }
            for n, face, label in FACES
        ]


class ChooseReviewerForm(forms.Form):
    reviewer = UserChoiceField(
        label=_("Independent reviewer"),
        queryset=User.objects.none(),
        help_text=_("A colleague or leader of the service who is not on the case."),
        error_messages={"required": _("Choose the reviewer."), "invalid_choice": _("Choose the reviewer.")},
    )

    def __init__(self, *args: Any, colleagues: Any, candidates: Any, **kwargs: Any) -> None:
        """`candidates` are offered; any of the service's `colleagues` is accepted, so that the service
        can say in plain words why someone on the case cannot be chosen."""
        super().__init__(*args, **kwargs)
        reviewer = self.fields["reviewer"]
        if not isinstance(reviewer, UserChoiceField):  # pragma: no cover - declared above
            raise TypeError(reviewer)
        reviewer.queryset = colleagues
        reviewer.widget.choices = [("", _("Choose …"))] + [
            (u.pk, reviewer.label_from_instance(u)) for u in candidates
        ]


class CloseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    held_on = forms.DateField(
        label=_("Evaluated on"),
        widget=DateInput(),
        error_messages={
            "required": _("Give the date of the evaluation."),
            "invalid": _("Give a valid date."),
        },
    )
    next_step = forms.ChoiceField(
        label=_("Next step"),
        choices=NextStep.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose continue, change or end.")},
    )
    requested_by = forms.ChoiceField(
        label=_("Who asked for it"),
        choices=[("", _("Choose …")), *RequestedBy.choices],
        error_messages={"required": _("Say who asked for the next step.")},
    )
    reason = forms.CharField(
        label=_("Why"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why.")},
    )
