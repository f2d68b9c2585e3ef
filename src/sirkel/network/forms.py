"""Forms for the network register: the short add form, the full edit form and the tie form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sirkel.network.layout import tie_kind_labels
from sirkel.network.models import (
    MAX_NOTE_CHARS,
    ContactFrequency,
    Direction,
    NetworkMember,
    Sector,
    Side,
    SupportType,
    TieKind,
    Valence,
)
from sirkel.taxonomy.loader import load

# The short form on the register page: what a caseworker asks first, in the order they ask it.
ADD_FIELDS = ["name", "relation", "side", "sector", "ring", "support", "valence"]
EDIT_FIELDS = [
    "name",
    "relation",
    "side",
    "sector",
    "ring",
    "support",
    "valence",
    "direction",
    "contact_frequency",
    "lives_abroad",
    "language",
    "interpreter_needed",
    "may_contact",
    "contact_consent_by",
    "phone",
    "email",
    "address",
    "note",
]

RING_CHOICES = [(1, _("1 (closest)")), (2, "2"), (3, _("3 (furthest away)"))]
RELATION_LIST_ID = "relation-suggestions"


@dataclass(frozen=True)
class RelationSuggestion:
    label: str
    side: str
    sector: str  # "" = leave the sector as it is


def _language_key() -> str:
    return "en" if (get_language() or "nb").startswith("en") else "nb"


def relation_suggestions() -> list[RelationSuggestion]:
    """Relations and public services from the taxonomy, in the active language, with the side and sector
    each suggests. A public service suggests the school sector when its name is part of that sector's
    name (school, kindergarten), else the public services sector."""
    data = load("network")
    lang = _language_key()
    school_words = {
        w.strip().casefold()
        for s in data["sectors"]
        if s["key"] == Sector.SCHOOL
        for w in str(s[lang]).split("/")
    }
    public = [
        RelationSuggestion(
            label=str(item[lang]),
            side=Side.PUBLIC,
            sector=Sector.SCHOOL if str(item[lang]).casefold() in school_words else Sector.SERVICES,
        )
        for item in data["public_services"]
    ]
    private = [
        RelationSuggestion(label=str(item[lang]), side=Side.PRIVATE, sector="")
        for item in data["private_relations"]
    ]
    return private + public


class NoteField(forms.CharField):
    """Text from a textarea, with its line breaks stored as LF. Browsers send a line break as CRLF but
    count it as one character for `maxlength`; stored as LF, Sirkel counts the note as the browser did."""

    def to_python(self, value: Any) -> str:
        return (super().to_python(value) or "").replace("\r\n", "\n")


class MemberForm(forms.ModelForm[NetworkMember]):
    """A person or institution. `short=True` gives the add form; otherwise every field, with the version
    the editor started from (optimistic locking)."""

    support = forms.MultipleChoiceField(
        label=_("Support given"),
        choices=SupportType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    ring = forms.TypedChoiceField(
        label=_("Ring"),
        choices=RING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        initial=2,
    )
    # The length is checked by the model: one limit for the page, the services and the import. No
    # `maxlength` on the textarea: it would cut a pasted text short without a word.
    note = NoteField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = NetworkMember
        fields = EDIT_FIELDS
        widgets = {
            "side": forms.RadioSelect,
            "valence": forms.RadioSelect,
            "direction": forms.RadioSelect,
            "relation": forms.TextInput(attrs={"list": RELATION_LIST_ID, "autocomplete": "off"}),
            "name": forms.TextInput(attrs={"autocomplete": "off"}),
        }
        labels = {
            "name": _("Name"),
            "relation": _("Relation or role"),
            "side": _("Side"),
            "sector": _("Sector"),
            "valence": _("Resource or stress"),
            "direction": _("Direction of help"),
            "contact_frequency": _("Contact"),
            "lives_abroad": _("Lives abroad"),
            "language": _("Language"),
            "interpreter_needed": _("Needs an interpreter"),
            "may_contact": _("May be contacted"),
            "contact_consent_by": _("Who agreed to contact"),
            "phone": _("Phone"),
            "email": _("E-mail"),
            "address": _("Address"),
        }
        help_texts = {
            "relation": _("Choose a suggestion or write your own, e.g. 'Mormor' or 'Kontaktlærer'."),
            "contact_consent_by": _("E.g. the mother, in the meeting on 3 March."),
            "phone": _("Contact details are only used for invitations and are not shown in the table."),
        }
        error_messages = {
            "name": {"required": _("Write the name of the person or institution.")},
            "email": {"invalid": _("Write a valid e-mail address, e.g. kari@example.no.")},
        }

    def __init__(self, *args: Any, short: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.short = short
        if short:
            for name in list(self.fields):
                if name not in ADD_FIELDS:
                    del self.fields[name]
        self.fields["ring"].help_text = _("1 is closest to the child, 3 furthest away.")
        if "note" in self.fields:
            self.fields["note"].help_text = _("At most %(limit)s characters.") % {
                "limit": number_format(MAX_NOTE_CHARS, force_grouping=True)
            }
        contact = self.fields.get("contact_frequency")
        if isinstance(contact, forms.ChoiceField):
            contact.choices = [("", _("Not stated")), *ContactFrequency.choices]
        for name, choices in (
            ("side", Side.choices),
            ("valence", Valence.choices),
            ("direction", Direction.choices),
        ):
            field = self.fields.get(name)
            if isinstance(field, forms.ChoiceField):
                field.choices = choices
        if self.instance.pk and "version" in self.fields:
            self.fields["version"].initial = self.instance.version

    def clean_name(self) -> str:
        name = " ".join(str(self.cleaned_data.get("name") or "").split())
        if not name:
            raise forms.ValidationError(_("Write the name of the person or institution."))
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("may_contact") and not (data.get("contact_consent_by") or "").strip():
            self.add_error("contact_consent_by", _("Say who agreed that this person may be contacted."))
        return data

    def member_fields(self) -> dict[str, Any]:
        """The cleaned values to hand to the service (everything but the version)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "version" and k in self.fields}


def member_choice_label(member: NetworkMember) -> str:
    return f"{member.name} ({member.relation})" if member.relation else member.name


class TieForm(forms.Form):
    """A tie between two members; the choices come from the members already loaded for the page."""

    a = forms.TypedChoiceField(label=_("First person"), coerce=int)
    b = forms.TypedChoiceField(label=_("Second person"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind of tie"), choices=TieKind.choices, required=False)

    def __init__(self, *args: Any, members: list[NetworkMember], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "tie")
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        if isinstance(kind, forms.ChoiceField):
            kind.choices = list(tie_kind_labels().items())
        self.members = {m.pk: m for m in members}
        choices = [("", _("Choose a person")), *((m.pk, member_choice_label(m)) for m in members)]
        for name in ("a", "b"):
            field = self.fields[name]
            if isinstance(field, forms.ChoiceField):
                field.choices = choices
            field.error_messages["required"] = _("Choose a person.")
            field.error_messages["invalid_choice"] = _("Choose a person from the list.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("a") and data.get("a") == data.get("b"):
            self.add_error("b", _("Choose two different people."))
        return data

    def members_chosen(self) -> tuple[NetworkMember, NetworkMember]:
        return self.members[self.cleaned_data["a"]], self.members[self.cleaned_data["b"]]
