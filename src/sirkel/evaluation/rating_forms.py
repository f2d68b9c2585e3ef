"""Forms of the rating pages: one rating (a 0–10 radio group per item of the chosen instrument), and an
instrument (its items written one per line)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sirkel.cases.models import Measure
from sirkel.evaluation.instruments import MAX_ITEMS
from sirkel.evaluation.models import Instrument, InstrumentKind

SCORES = [(str(n), str(n)) for n in range(11)]
ITEM_PREFIX = "item_"


def item_label(item: dict[str, Any]) -> str:
    """An item's text in the active language: English where the page speaks English, else Bokmål."""
    if (get_language() or "nb").startswith("en"):
        return str(item.get("label_en") or item["label"])
    return str(item["label"])


def scale_hint(instrument: Instrument) -> str:
    if instrument.kind == InstrumentKind.SESSION:
        return str(_("0 means not at all, 10 means completely."))
    return str(_("0 means very badly, 10 means very well."))


class RatingForm(forms.Form):
    """One rating with `instrument` (its current version): who answered, when, for which measure (if
    any), and every item 0–10."""

    instrument = forms.IntegerField(widget=forms.HiddenInput)
    respondent = forms.CharField(
        label=_("Who answered"),
        max_length=200,
        help_text=_("For example “Mother”, “Father”, “The child” or the person's first name."),
    )
    rated_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    measure = forms.TypedChoiceField(
        label=_("Measure (optional)"), required=False, coerce=int, empty_value=None
    )

    def __init__(
        self,
        data: Any = None,
        *,
        instrument: Instrument | None,
        measures: Sequence[Measure],
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        self.instrument_obj = instrument
        measure_field = self.fields["measure"]
        assert isinstance(measure_field, forms.ChoiceField)  # noqa: S101 - declared above
        measure_field.choices = [
            ("", _("No particular measure")),
            *((m.pk, m.get_kind_display()) for m in measures),
        ]
        if not data:
            self.initial.setdefault("rated_on", timezone.localdate())
        if instrument is None:
            return
        self.initial.setdefault("instrument", instrument.pk)
        hint = scale_hint(instrument)
        for item in instrument.items:
            self.fields[ITEM_PREFIX + str(item["key"])] = forms.ChoiceField(
                label=item_label(item),
                choices=SCORES,
                widget=forms.RadioSelect,
                help_text=hint,
                error_messages={"required": _("Choose a number from 0 to 10.")},
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instrument_obj is None:
            if self.data.get("instrument"):  # changed or retired since the form was drawn
                raise forms.ValidationError(_("This instrument has been changed or retired: choose again."))
            raise forms.ValidationError(_("Choose an instrument."))
        return cleaned

    def item_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(ITEM_PREFIX)]

    def scores(self) -> dict[str, str]:
        return {
            name.removeprefix(ITEM_PREFIX): value
            for name, value in self.cleaned_data.items()
            if name.startswith(ITEM_PREFIX)
        }


def items_text(items: Sequence[dict[str, Any]]) -> str:
    """Items as the form writes them: one a line, "Bokmål | English"."""
    lines = []
    for item in items:
        english = str(item.get("label_en", ""))
        lines.append(
            item["label"] if not english or english == item["label"] else f"{item['label']} | {english}"
        )
    return "\n".join(lines)


def _key_for(label: str) -> str:
    ascii_label = label.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    return slugify(ascii_label)[:50].strip("-") or "item"


def parse_items(text: str, *, previous: Sequence[dict[str, Any]] = ()) -> list[dict[str, str]]:
    """The items of the textarea: one a line, "Bokmål | English" (English optional). An item whose
    Bokmål text an earlier version had keeps that item's key; a new one gets a key from its text."""
    known = {str(item["label"]): str(item["key"]) for item in previous}
    items: list[dict[str, str]] = []
    used: set[str] = set()
    for line in text.splitlines():
        if not line.strip():
            continue
        label, _bar, english = (part.strip() for part in line.partition("|"))
        key = known.get(label) or _key_for(label)
        base, n = key, 2
        while key in used:
            key, n = f"{base}-{n}", n + 1
        used.add(key)
        items.append({"key": key, "label": label, "label_en": english or label})
    return items


class InstrumentForm(forms.Form):
    """Defining an instrument (`new=True`: with its key and kind) or revising one (the key and kind are
    fixed; a hidden version for optimistic locking)."""

    key = forms.SlugField(
        label=_("Key"),
        max_length=60,
        help_text=_("A short name without spaces, for example “our-outcome”. It cannot be changed later."),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=InstrumentKind.choices, widget=forms.RadioSelect)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    items = forms.CharField(
        label=_("Items"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One item a line, each rated from 0 to 10. Write the Bokmål text, then | and the English text "
            "if you have it. At most %(count)d items."
        )
        % {"count": MAX_ITEMS},
    )
    sd = forms.FloatField(
        label=_("Standard deviation of the total (s₁)"),
        localize=True,
        help_text=_(
            "From your own ratings or a study. It decides how large a change must be to be reliable."
        ),
    )
    reliability = forms.FloatField(
        label=_("Reliability (r)"),
        localize=True,
        help_text=_("A number from 0 up to 1, for example 0.8 (test–retest or Cronbach's alpha)."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, data: Any = None, *, new: bool, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.new = new
        if not new:
            del self.fields["key"]
            del self.fields["kind"]
