"""Forms for the network register: the short add form, the full edit form and the tie form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.http import QueryDict
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from sirkel.network.map import tie_kind_labels
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
from sirkel.network.relations import match_relation

# The short form on the register page: what a caseworker asks first, in the order they ask it.
ADD_FIELDS = ["name", "relation", "side", "sector", "ring", "support", "valence", "placement"]
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
    "hide_in_prints",
    "protected_address",
    "no_contact",
    "note",
]

RING_CHOICES = [(1, _("1 (closest)")), (2, "2"), (3, _("3 (furthest away)"))]
RELATION_LIST_ID = "relation-suggestions"
# The add form's hidden `placement` once it has come back asking where a person belongs.
ASKED = "asked"


def _default(name: str) -> str:
    field = NetworkMember._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{name} is not a field")
    return str(field.get_default())


class NoteField(forms.CharField):
    """Text from a textarea, with its line breaks stored as LF. Browsers send a line break as CRLF,
    though it is one character to the person typing (and to the browser's own count); stored as LF, the
    note's length is the one they see."""

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
    placement = forms.CharField(widget=forms.HiddenInput, required=False)

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
            "hide_in_prints": _("Leave out of prints for the family and the network"),
            "protected_address": _("Has a protected address"),
            "no_contact": _("Must not have contact with the child (contact ban)"),
        }
        help_texts = {
            "relation": _("Choose a suggestion or write your own, e.g. 'Mormor' or 'Kontaktlærer'."),
            "contact_consent_by": _("E.g. the mother, in the meeting on 3 March."),
            "phone": _("Contact details are only used for invitations and are not shown in the table."),
            "hide_in_prints": _("The child or a parent asked that this person not be shown to others."),
            "protected_address": _("A map for the family or the network never shows this person."),
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
            self.fields["side"].error_messages["required"] = _("Choose private or public network.")
            self.fields["sector"].error_messages["required"] = _("Choose a sector.")
            if self._value("placement") == ASKED:
                self._offer_no_sector()
        else:
            del self.fields["placement"]
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
        if self.short and "side" not in self.errors and "sector" not in self.errors:
            self._place(data)
        return data

    def _place(self, data: dict[str, Any]) -> None:
        """Side and sector of a new person: from the taxonomy when it knows the relation, else as chosen.

        The form shows private and family to start with. Left so for a relation the taxonomy does not know
        (e.g. "Trener, håndball"), they are a guess: the form comes back asking, with side and sector
        cleared and what was typed kept. A relation the taxonomy knows places the person wherever the
        form still shows the start values (the script does the same while typing); a choice made by hand
        is kept. With no relation at all the start values stand, so that a name and Enter is enough.
        """
        relation, side, sector = data.get("relation") or "", data.get("side") or "", data.get("sector") or ""
        asked = data.get("placement") == ASKED
        match = match_relation(relation)
        if match is not None and not asked:
            if side == _default("side"):
                data["side"] = match.side
            if match.sector and sector == _default("sector"):
                data["sector"] = match.sector
            return
        if relation and not asked and (side, sector) == (_default("side"), _default("sector")):
            self._ask(relation)

    def _ask(self, relation: str) -> None:
        self.add_error(
            None,
            _(
                "Sirkel does not know the relation “%(relation)s”, so it cannot tell where this person "
                "belongs. Is the person in the private or the public network, and in which sector?"
            )
            % {"relation": relation},
        )
        for name in ("side", "sector"):
            self.add_error(name, self.fields[name].error_messages["required"])
        # Shown again with side and sector cleared: a choice, not the guess, goes in next time.
        data: QueryDict | dict[str, Any] = (
            self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
        )
        for name in ("side", "sector"):
            data.pop(self.add_prefix(name), None)
        data[self.add_prefix("placement")] = ASKED
        self.data = data
        self._offer_no_sector()

    def _value(self, name: str) -> str:
        return str(self.data.get(self.add_prefix(name), "")) if self.is_bound else ""

    def _offer_no_sector(self) -> None:
        sector = self.fields["sector"]
        if isinstance(sector, forms.ChoiceField):
            sector.choices = [("", _("Choose a sector")), *Sector.choices]

    def member_fields(self) -> dict[str, Any]:
        """The cleaned values to hand to the service (everything but the version and the placement)."""
        return {
            k: v
            for k, v in self.cleaned_data.items()
            if k not in ("version", "placement") and k in self.fields
        }


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
