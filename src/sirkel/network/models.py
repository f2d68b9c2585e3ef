"""The family's network around a child: people and institutions, ties between them, dated snapshots."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sirkel.core.models import TimeStampedModel
from sirkel.taxonomy.choices import ChoicesFrom, TaxonomyChoices, constant, keys


# Sides, sectors and support types are the taxonomy's (network.yaml): values, order and labels come from
# there. The constants name the keys code branches on.
class Side(TaxonomyChoices, vocabulary="network", key="sides"):
    PRIVATE = constant("private")
    PUBLIC = constant("public")


class Sector(TaxonomyChoices, vocabulary="network", key="sectors"):
    FAMILY = constant("family")
    FRIENDS = constant("friends")
    SCHOOL = constant("school")
    SERVICES = constant("services")


class SupportType(TaxonomyChoices, vocabulary="network", key="support_types"):
    EMOTIONAL = constant("emotional")
    PRACTICAL = constant("practical")
    INFORMATIONAL = constant("informational")
    APPRAISAL = constant("appraisal")


class Valence(models.TextChoices):
    RESOURCE = "resource", _("Resource")
    STRESS = "stress", _("Stress")
    BOTH = "both", _("Both resource and stress")


class Direction(models.TextChoices):
    GIVES = "gives", _("Gives help")
    RECEIVES = "receives", _("Receives help")
    BOTH = "both", _("Both give and receive")


class ContactFrequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    RARELY = "rarely", _("Rarely")


class TieKind(models.TextChoices):
    NONE = "", _("Know each other")
    CLOSE = "close", pgettext_lazy("tie kind", "Close")
    CONFLICT = "conflict", _("In conflict")
    BROKEN = "broken", _("Contact broken")


class Perspective(models.TextChoices):
    NONE = "", _("Not stated")
    CHILD = "child", _("The child's")
    MOTHER = "mother", _("The mother's")
    FATHER = "father", _("The father's")
    CASEWORKER = "caseworker", _("The caseworker's")


RINGS = (1, 2, 3)
# The longest note Sirkel keeps: the page, the services and the import all hold to it, so that anything
# saved can be exported and imported again.
MAX_NOTE_CHARS = 10_000


def note_too_long_message(length: int) -> str:
    return _("The note is too long: it has %(length)s characters, and a note can have at most %(limit)s.") % {
        "length": number_format(length, force_grouping=True),
        "limit": number_format(MAX_NOTE_CHARS, force_grouping=True),
    }


class NetworkMember(TimeStampedModel):
    """A person or institution in the child's network."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="network_members")
    name = models.CharField(_("name"), max_length=200)
    side = models.CharField(
        _("side"), max_length=10, choices=ChoicesFrom("network", "sides"), default=Side.PRIVATE
    )
    sector = models.CharField(
        _("sector"), max_length=10, choices=ChoicesFrom("network", "sectors"), default=Sector.FAMILY
    )
    relation = models.CharField(_("relation or role"), max_length=200, blank=True)
    ring = models.PositiveSmallIntegerField(
        _("closeness"), default=2, help_text=_("1 is closest to the child, 3 furthest away.")
    )
    support = models.JSONField(_("support given"), default=list, blank=True)
    valence = models.CharField(
        _("resource or stress"), max_length=10, choices=Valence.choices, default=Valence.RESOURCE
    )
    direction = models.CharField(
        _("direction of help"), max_length=10, choices=Direction.choices, default=Direction.GIVES
    )
    contact_frequency = models.CharField(
        _("contact frequency"), max_length=10, choices=ContactFrequency.choices, blank=True
    )
    lives_abroad = models.BooleanField(_("lives abroad"), default=False)
    language = models.CharField(_("language"), max_length=100, blank=True)
    interpreter_needed = models.BooleanField(_("needs an interpreter"), default=False)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    may_contact = models.BooleanField(_("may be contacted"), default=False)
    contact_consent_by = models.CharField(_("who agreed to contact"), max_length=200, blank=True)
    # Who must not be shown to the family or the network (see `audience.py`): a map printed or handed
    # over for them leaves these people out, or shows them as "a person". `hide_in_prints` is the child's
    # or a parent's wish; the child's own map may keep a wish of its own and link to this one later.
    hide_in_prints = models.BooleanField(_("hidden in prints for the family and the network"), default=False)
    protected_address = models.BooleanField(_("has a protected address"), default=False)
    no_contact = models.BooleanField(_("must not have contact with the child"), default=False)
    note = models.TextField(_("note"), blank=True)
    # Where on the map, within its sector and ring: 0..1 across the sector. None = laid out automatically.
    map_offset = models.FloatField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["ring", "sector", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ring__gte=1, ring__lte=3), name="member_ring_1_to_3"),
            models.CheckConstraint(
                condition=models.Q(side__in=keys("network", "sides")), name="member_side_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(sector__in=keys("network", "sectors")), name="member_sector_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(map_offset__isnull=True) | models.Q(map_offset__gte=0, map_offset__lte=1),
                name="member_map_offset_0_to_1",
            ),
        ]
        indexes = [models.Index(fields=["case", "ring"], name="member_case_ring_idx")]
        verbose_name = _("network member")
        verbose_name_plural = _("network members")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # Checked here, not by `max_length` on the field: Django does not validate a TextField's max_length.
        if len(self.note) > MAX_NOTE_CHARS:
            raise ValidationError({"note": note_too_long_message(len(self.note))})

    @property
    def is_stress(self) -> bool:
        return self.valence in (Valence.STRESS, Valence.BOTH)

    @property
    def is_reciprocal(self) -> bool:
        return self.direction == Direction.BOTH

    @property
    def print_privacy(self) -> list[str]:
        """Why this person is left out of prints for the family and the network (PrivacyReason values)."""
        flags = (
            ("hidden", self.hide_in_prints),
            ("protected_address", self.protected_address),
            ("no_contact", self.no_contact),
        )
        return [reason for reason, flag in flags if flag]

    def as_snapshot(self) -> dict[str, Any]:
        """The fields a snapshot keeps (no contact details: they are only for invitations). Who must not
        be shown to the family is kept too ("print_privacy"), but only where it applies."""
        privacy = {"print_privacy": self.print_privacy} if self.print_privacy else {}
        return {
            **privacy,
            "id": self.pk,
            "name": self.name,
            "side": self.side,
            "sector": self.sector,
            "relation": self.relation,
            "ring": self.ring,
            "support": sorted(self.support),
            "valence": self.valence,
            "direction": self.direction,
            "contact_frequency": self.contact_frequency,
            "lives_abroad": self.lives_abroad,
        }


class NetworkTie(models.Model):
    """An undirected tie between two members, stored once with the lower id first."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="network_ties")
    a = models.ForeignKey(NetworkMember, on_delete=models.CASCADE, related_name="+")
    b = models.ForeignKey(NetworkMember, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind of tie"), max_length=10, choices=TieKind.choices, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["a", "b"], name="tie_once_per_pair"),
            models.CheckConstraint(condition=models.Q(a__lt=models.F("b")), name="tie_ordered_pair"),
        ]
        indexes = [models.Index(fields=["case"], name="tie_case_idx")]
        verbose_name = _("tie")
        verbose_name_plural = _("ties")

    def __str__(self) -> str:
        return f"tie {self.a_id}–{self.b_id}"


class SnapshotSource(models.TextChoices):
    MANUAL = "manual", _("Saved by hand")
    MEETING = "meeting", _("Network meeting")
    IMPORT = "import", _("Import")


class NetworkSnapshot(models.Model):
    """A dated copy of the network, to show change over time."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="network_snapshots")
    taken_at = models.DateTimeField()
    label = models.CharField(_("label"), max_length=200, blank=True)
    perspective = models.CharField(
        _("perspective"), max_length=12, choices=Perspective.choices, blank=True, default=""
    )
    source = models.CharField(max_length=10, choices=SnapshotSource.choices, default=SnapshotSource.MANUAL)
    # {"members": [member.as_snapshot()...], "ties": [[a, b, kind], ...]}
    data = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-taken_at", "-id"]
        indexes = [models.Index(fields=["case", "taken_at"], name="snapshot_case_idx")]
        verbose_name = _("network snapshot")
        verbose_name_plural = _("network snapshots")

    def __str__(self) -> str:
        return f"snapshot {self.pk} of case {self.case_id}"


class PerspectiveMap(models.Model):
    """One person's own map of the network (the child's, the mother's, the father's, the caseworker's),
    drawn by them in the simple view: through a participant link (`link`), or beside a caseworker signed
    in on a tablet (`drawn_by_user`). Its people are `PerspectiveEntry` rows, linked to the register where
    they match; nothing of the register is copied into it."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="perspective_maps")
    perspective = models.CharField(_("perspective"), max_length=12, choices=Perspective.choices)
    drawn_by_name = models.CharField(_("drawn by"), max_length=200)
    drawn_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The link it was drawn through: one map per link (a new link draws a new map).
    link = models.OneToOneField(
        "evaluation.ParticipantLink",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="perspective_map",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    drawn_at = models.DateTimeField(_("last drawn"))

    class Meta:
        ordering = ["-drawn_at", "-id"]
        indexes = [models.Index(fields=["case", "drawn_at"], name="perspective_map_case_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(perspective=""), name="perspective_map_has_perspective"
            )
        ]
        verbose_name = _("perspective map")
        verbose_name_plural = _("perspective maps")

    def __str__(self) -> str:
        return f"perspective map {self.pk} ({self.perspective}) of case {self.case_id}"


class PerspectiveEntry(models.Model):
    """A person placed on a perspective map: the name the drawer gave, how close (ring 1–3), what they
    help with, and whether the drawer does not want them shown to others. `member` links the person to
    the register (chosen from the register's list, or matched by name); without it the name is the
    drawer's own entry."""

    map = models.ForeignKey(PerspectiveMap, on_delete=models.CASCADE, related_name="entries")
    member = models.ForeignKey(
        NetworkMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="perspective_entries"
    )
    name = models.CharField(_("name"), max_length=100)
    ring = models.PositiveSmallIntegerField(_("closeness ring"), default=2)
    support = models.JSONField(_("helps with"), default=list, blank=True)
    hidden = models.BooleanField(_("must not be shown to others"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ring__gte=1, ring__lte=3), name="perspective_entry_ring_1_to_3"
            )
        ]
        verbose_name = _("person on a perspective map")
        verbose_name_plural = _("people on a perspective map")

    def __str__(self) -> str:
        return f"entry {self.pk} of perspective map {self.map_id}"
