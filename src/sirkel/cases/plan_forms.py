"""The form for the measure plan: the evaluation interval, and per measure its goals (with sub-goals),
content, who does what and expected duration. Works without JavaScript: each goal is a text field (emptied,
it leaves the plan), with empty fields for new goals and sub-goals."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sirkel.cases.forms import DateInput
from sirkel.cases.models import Goal, Measure, MeasurePlan
from sirkel.cases.plans import EntryInput, GoalInput

NEW_GOALS = 2
GOAL_ATTRS = {"rows": 2}


class PlanForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    evaluation_months = forms.IntegerField(
        label=_("Evaluate the plan every (months)"),
        min_value=1,
        max_value=12,
        help_text=_("As a rule every third month (quarterly), by national guideline."),
    )
    last_evaluated_on = forms.DateField(
        label=_("Last evaluated"),
        required=False,
        widget=DateInput(),
        help_text=_("The next evaluation is this date plus the interval (from today, if never evaluated)."),
    )
    internal_note = forms.CharField(
        label=_("Internal note (not shown to the family)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )
    change_note = forms.CharField(
        label=_("What changed"),
        required=False,
        max_length=500,
        help_text=_("A short note for the version history, e.g. “New goal for school after the meeting”."),
    )

    def __init__(self, *args: Any, plan: MeasurePlan | None, measures: list[Measure], **kwargs: Any) -> None:
        initial: dict[str, Any] = dict(kwargs.pop("initial", None) or {})
        initial.setdefault("version", plan.version if plan else 0)
        initial.setdefault("evaluation_months", plan.evaluation_months if plan else 3)
        initial.setdefault("last_evaluated_on", plan.last_evaluated_on if plan else None)
        initial.setdefault("internal_note", plan.internal_note if plan else "")
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.measures = measures
        for m in measures:
            entry = getattr(m, "plan_entry", None)
            goals: list[Goal] = list(m.goals.all())
            for number, goal in enumerate(goals, start=1):
                self.fields[f"g{goal.pk}"] = forms.CharField(
                    label=_("Goal %(n)d") % {"n": number},
                    required=False,
                    initial=goal.text,
                    widget=forms.Textarea(attrs=GOAL_ATTRS),
                    max_length=2000,
                )
                for sub_number, sub in enumerate(getattr(goal, "active_sub_goals", []), start=1):
                    self.fields[f"g{sub.pk}"] = forms.CharField(
                        label=_("Sub-goal %(n)d.%(m)d") % {"n": number, "m": sub_number},
                        required=False,
                        initial=sub.text,
                        max_length=2000,
                    )
                self.fields[f"g{goal.pk}_new_sub"] = forms.CharField(
                    label=_("New sub-goal under goal %(n)d") % {"n": number}, required=False, max_length=2000
                )
            for i in range(1, NEW_GOALS + 1):
                self.fields[f"m{m.pk}_new_goal_{i}"] = forms.CharField(
                    label=_("New goal"),
                    required=False,
                    widget=forms.Textarea(attrs=GOAL_ATTRS),
                    max_length=2000,
                    help_text=_(
                        "Write it as an outcome: what will be different for the child when it is reached."
                    )
                    if i == 1
                    else "",
                )
            for name, label, value, widget in (
                ("content", _("Content of the measure"), entry.content if entry else "", forms.Textarea),
                (
                    "responsibilities",
                    _("Who does what"),
                    entry.responsibilities if entry else "",
                    forms.Textarea,
                ),
                (
                    "duration",
                    _("Expected duration"),
                    entry.expected_duration if entry else "",
                    forms.TextInput,
                ),
                (
                    "note",
                    _("Internal note (not shown to the family)"),
                    entry.internal_note if entry else "",
                    forms.Textarea,
                ),
            ):
                self.fields[f"m{m.pk}_{name}"] = forms.CharField(
                    label=label,
                    required=False,
                    initial=value,
                    widget=widget(attrs={"rows": 3}) if widget is forms.Textarea else widget(),
                    max_length=200 if name == "duration" else 5000,
                )

    def sections(self) -> list[dict[str, Any]]:
        """Per measure: its goals (each with its sub-goals and a new sub-goal field), new goals, the rest."""
        found = []
        for m in self.measures:
            goals = [
                {
                    "field": self[f"g{g.pk}"],
                    "sub_goals": [self[f"g{s.pk}"] for s in getattr(g, "active_sub_goals", [])],
                    "new_sub": self[f"g{g.pk}_new_sub"],
                }
                for g in m.goals.all()
            ]
            found.append(
                {
                    "measure": m,
                    "goals": goals,
                    "new_goals": [self[f"m{m.pk}_new_goal_{i}"] for i in range(1, NEW_GOALS + 1)],
                    "fields": [
                        self[f"m{m.pk}_{n}"] for n in ("content", "responsibilities", "duration", "note")
                    ],
                }
            )
        return found

    def entries(self) -> list[EntryInput]:
        data = self.cleaned_data
        found = []
        for m in self.measures:
            goals = []
            for g in m.goals.all():
                subs = [
                    GoalInput(text=data.get(f"g{s.pk}", ""), id=s.pk)
                    for s in getattr(g, "active_sub_goals", [])
                ]
                subs.append(GoalInput(text=data.get(f"g{g.pk}_new_sub", "")))
                goals.append(GoalInput(text=data.get(f"g{g.pk}", ""), id=g.pk, sub_goals=subs))
            goals += [GoalInput(text=data.get(f"m{m.pk}_new_goal_{i}", "")) for i in range(1, NEW_GOALS + 1)]
            found.append(
                EntryInput(
                    measure_id=m.pk,
                    goals=goals,
                    content=data.get(f"m{m.pk}_content", ""),
                    responsibilities=data.get(f"m{m.pk}_responsibilities", ""),
                    expected_duration=data.get(f"m{m.pk}_duration", ""),
                    internal_note=data.get(f"m{m.pk}_note", ""),
                )
            )
        return found
