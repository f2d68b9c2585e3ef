"""The REST API's network: members, ties and snapshots, through the same selectors and services as the
network pages.

Access is simpler than on the pages: every endpoint opens the case with `case_for` and needs access to
the case itself (edit rights for a write). On the pages, the leader of a measure from another service
who has no access to the case may still see the people invited to the meetings they lead; through the
API they see nothing of the network (404, as for anyone else without access to the case).

Each read opens the case through the scoped case selector, which records the read in the audit with
`part="network"`, as the network pages do; each write is recorded by its service. As on the pages,
contact details (phone, e-mail, address) are shown only to those who may edit the case: the pages show
them only in the edit form.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from sirkel.api.authentication import api_user
from sirkel.api.serializers import IdField, OutputSerializer, VersionField
from sirkel.api.views import ApiView, created, valid
from sirkel.cases.access import case_access
from sirkel.cases.api import case_for
from sirkel.cases.models import Case
from sirkel.core.types import UNCHANGED
from sirkel.network import removal, selectors, services
from sirkel.network.metrics import flat_metrics, metrics_for_snapshot
from sirkel.network.models import (
    RINGS,
    ContactFrequency,
    Direction,
    NetworkMember,
    NetworkSnapshot,
    NetworkTie,
    Perspective,
    Sector,
    Side,
    SnapshotSource,
    SupportType,
    TieKind,
    Valence,
)
from sirkel.network.relations import match_relation


def support_type_choices() -> list[tuple[str, Any]]:
    """The support types' choice set, for the schema's one name for it (`ENUM_NAME_OVERRIDES`)."""
    return list(SupportType.choices)


PART = "network"
CONTACT_FIELDS = ("phone", "email", "address")


# --- Members ------------------------------------------------------------------------------------------


# Who is left out of a map for the family or the network (see network/audience.py).
PRINT_PRIVACY_FIELDS = ("hide_in_prints", "protected_address", "no_contact")


class NetworkMemberSerializer(OutputSerializer[NetworkMember]):
    phone = serializers.CharField(
        read_only=True, allow_null=True, help_text="Null unless you may edit the case."
    )
    email = serializers.CharField(
        read_only=True, allow_null=True, help_text="Null unless you may edit the case."
    )
    address = serializers.CharField(
        read_only=True, allow_null=True, help_text="Null unless you may edit the case."
    )
    support = serializers.ListField(
        child=serializers.ChoiceField(choices=SupportType.choices),
        read_only=True,
        help_text="The kinds of support the person gives, in the taxonomy's order.",
    )

    class Meta:
        model = NetworkMember
        fields = [
            "id",
            "case",
            "name",
            "side",
            "sector",
            "relation",
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
            *CONTACT_FIELDS,
            *PRINT_PRIVACY_FIELDS,
            "note",
            "map_offset",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance: NetworkMember) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        if not self.context.get("contact", False):
            for name in CONTACT_FIELDS:
                data[name] = None
        return data


class NetworkMemberFilter(serializers.Serializer[dict[str, Any]]):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Words that must each be in the name or the relation.",
    )
    side = serializers.ChoiceField(choices=Side.choices, required=False, help_text="Private or public.")
    sector = serializers.ChoiceField(choices=Sector.choices, required=False)
    ring = serializers.ChoiceField(choices=RINGS, required=False, help_text="1 is closest to the child.")
    valence = serializers.ChoiceField(choices=Valence.choices, required=False)
    support = serializers.ChoiceField(
        choices=SupportType.choices, required=False, help_text="Only those who give this support."
    )
    may_contact = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Only those who may (or may not) be contacted.",
    )


class NetworkMemberWrite(serializers.Serializer[dict[str, Any]]):
    """A member's fields; on create the name is required, on update any of them."""

    name = serializers.CharField(
        max_length=200,
        error_messages={
            "required": gettext_lazy("Write the name of the person or institution."),
            "blank": gettext_lazy("Write the name of the person or institution."),
        },
    )
    side = serializers.ChoiceField(choices=Side.choices, required=False)
    sector = serializers.ChoiceField(choices=Sector.choices, required=False)
    relation = serializers.CharField(max_length=200, required=False, allow_blank=True)
    ring = serializers.ChoiceField(choices=RINGS, required=False, help_text="1 is closest to the child.")
    support = serializers.ListField(
        child=serializers.ChoiceField(choices=SupportType.choices),
        required=False,
        max_length=len(SupportType.choices),
    )
    valence = serializers.ChoiceField(choices=Valence.choices, required=False)
    direction = serializers.ChoiceField(choices=Direction.choices, required=False)
    contact_frequency = serializers.ChoiceField(
        choices=ContactFrequency.choices, required=False, allow_blank=True
    )
    lives_abroad = serializers.BooleanField(required=False)
    language = serializers.CharField(max_length=100, required=False, allow_blank=True)
    interpreter_needed = serializers.BooleanField(required=False)
    may_contact = serializers.BooleanField(
        required=False, help_text="Needs `contact_consent_by`: who agreed that this person may be contacted."
    )
    contact_consent_by = serializers.CharField(max_length=200, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    email = serializers.EmailField(
        required=False,
        allow_blank=True,
        error_messages={"invalid": gettext_lazy("Write a valid e-mail address, e.g. kari@example.no.")},
    )
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    hide_in_prints = serializers.BooleanField(
        required=False, help_text="The child or a parent asked that this person not be shown to others."
    )
    protected_address = serializers.BooleanField(
        required=False, help_text="The person has a protected address."
    )
    no_contact = serializers.BooleanField(
        required=False, help_text="The person must not have contact with the child (a contact ban)."
    )
    note = serializers.CharField(required=False, allow_blank=True, help_text="At most 10,000 characters.")
    map_offset = serializers.FloatField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=1,
        help_text="Where on the map within the sector's ring, 0 to 1; null places the person automatically.",
    )

    def validate_name(self, value: str) -> str:
        name = " ".join(value.split())
        if not name:
            raise serializers.ValidationError(_("Write the name of the person or institution."))
        return name

    def validate_note(self, value: str) -> str:
        return value.replace("\r\n", "\n")


class NetworkMemberCreate(NetworkMemberWrite):
    """Fields left out take their defaults. Without `side` and `sector`, a relation Sirkel knows places
    the person (as on the page); a relation it does not know needs them."""


class NetworkMemberUpdate(NetworkMemberWrite):
    version = VersionField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "version":
                field.required = False


def _placed(data: dict[str, Any]) -> dict[str, Any]:
    """Side and sector of a new member, as the page's add form places them: a relation the taxonomy
    knows fills in what the caller left out; a relation it does not know is not guessed at."""
    relation = data.get("relation") or ""
    if not relation or ("side" in data and "sector" in data):
        return data
    match = match_relation(relation)
    if match is not None:
        data.setdefault("side", match.side)
        if match.sector:
            data.setdefault("sector", match.sector)
        return data
    if "side" not in data and "sector" not in data:
        raise serializers.ValidationError(
            {
                "__all__": [
                    _(
                        "Sirkel does not know the relation “%(relation)s”, so it cannot tell where this "
                        "person belongs. Is the person in the private or the public network, and in which "
                        "sector?"
                    )
                    % {"relation": relation}
                ],
                "side": [_("Choose private or public network.")],
                "sector": [_("Choose a sector.")],
            }
        )
    return data


def _members(case: Case, f: dict[str, Any]) -> QuerySet[NetworkMember]:
    qs = NetworkMember.objects.filter(case=case).order_by("ring", "sector", "name", "id")
    for term in f.get("q", "").split():
        qs = qs.filter(Q(name__icontains=term) | Q(relation__icontains=term))
    for name in ("side", "sector", "ring", "valence"):
        if f.get(name):
            qs = qs.filter(**{name: f[name]})
    if f.get("may_contact") is not None:
        qs = qs.filter(may_contact=f["may_contact"])
    if f.get("support"):
        # `support` is a short JSON list of keys; a portable containment test across the databases.
        ids = [m.pk for m in qs.only("id", "support") if f["support"] in m.support]
        qs = qs.filter(pk__in=ids)
    return qs


def _may_edit(request: Request, case: Case) -> bool:
    """Whether the contact details are shown: the pages show them only in the edit form."""
    return case_access(user=api_user(request), case=case).can_edit


class NetworkMemberListView(ApiView):
    @extend_schema(
        operation_id="network_members_list",
        parameters=[NetworkMemberFilter],
        responses=NetworkMemberSerializer(many=True),
        summary="The people and institutions in the case's network",
        description="In the register's order: by ring, sector and name.",
    )
    def get(self, request: Request, case_id: int) -> Response:
        case = case_for(request, case_id, part=PART)
        f = valid(NetworkMemberFilter, request.query_params)
        return self.page_of(_members(case, f), NetworkMemberSerializer, contact=_may_edit(request, case))

    @extend_schema(
        operation_id="network_members_create",
        request=NetworkMemberCreate,
        responses={201: NetworkMemberSerializer},
        summary="Add a person or institution to the network",
    )
    def post(self, request: Request, case_id: int) -> Response:
        case = case_for(request, case_id, part=PART, edit=True)
        data = _placed(valid(NetworkMemberCreate, request.data))
        member = services.add_member(acting_user=self.user(), case=case, **data)
        return created(
            NetworkMemberSerializer(member, context={"contact": True}).data,
            location=reverse("api:network_member", args=[case.pk, member.pk]),
        )


class NetworkMemberDetailView(ApiView):
    versioned = True

    def _member(self, request: Request, case_id: int, member_id: int, *, edit: bool = False) -> NetworkMember:
        case = case_for(request, case_id, part=PART, edit=edit)
        member = selectors.get_member(case=case, member_id=member_id)  # 404 when not this case's
        member.case = case
        return member

    @extend_schema(
        operation_id="network_members_retrieve",
        responses=NetworkMemberSerializer,
        summary="One person or institution in the network",
    )
    def get(self, request: Request, case_id: int, member_id: int) -> Response:
        member = self._member(request, case_id, member_id)
        context = {"contact": _may_edit(request, member.case)}
        return Response(NetworkMemberSerializer(member, context=context).data)

    @extend_schema(
        operation_id="network_members_update",
        request=NetworkMemberUpdate,
        responses=NetworkMemberSerializer,
        summary="Change a person or institution in the network",
        description="Send the `version` you read; fields left out keep their values.",
    )
    def patch(self, request: Request, case_id: int, member_id: int) -> Response:
        member = self._member(request, case_id, member_id, edit=True)
        data = valid(NetworkMemberUpdate, request.data)
        version = data.pop("version")
        if "may_contact" in data or "contact_consent_by" in data:
            # The service checks the two together: the one left out is sent as it is stored.
            data.setdefault("may_contact", member.may_contact)
            data.setdefault("contact_consent_by", member.contact_consent_by)
        saved = services.update_member(
            acting_user=self.user(),
            member=member,
            expected_version=version,
            **{name: data.get(name, UNCHANGED) for name in services.MEMBER_FIELDS},
        )
        return Response(NetworkMemberSerializer(saved, context={"contact": True}).data)

    @extend_schema(
        operation_id="network_members_destroy",
        request=None,
        responses={204: None},
        summary="Remove a person or institution from the network",
        description=(
            "Removes the person and their ties. A person who still carries agreed actions (or anything "
            "else that must be handed over) is not removed: the answer is 400, and the network page "
            "asks who takes over what they carry."
        ),
    )
    def delete(self, request: Request, case_id: int, member_id: int) -> Response:
        member = self._member(request, case_id, member_id, edit=True)
        user = self.user()
        with transaction.atomic():
            held = removal.holdings(user=user, member=member)
            if held:
                raise serializers.ValidationError(
                    {
                        "__all__": [
                            _(
                                "%(name)s still carries agreed actions or other tasks in the case, and "
                                "someone must decide who takes them over. Remove the person on the network "
                                "page, where you can choose."
                            )
                            % {"name": member.name}
                        ]
                    }
                )
            removal.release_and_remove(
                acting_user=user,
                member=member,
                held=[],
                remove=lambda: services.remove_member(acting_user=user, member=member),
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Ties ---------------------------------------------------------------------------------------------


class NetworkTieSerializer(OutputSerializer[NetworkTie]):
    class Meta:
        model = NetworkTie
        fields = ["id", "case", "a", "b", "kind", "created_at"]
        read_only_fields = fields
        extra_kwargs = {
            "a": {"help_text": "The member with the lower id."},
            "b": {"help_text": "The member with the higher id."},
        }


class NetworkTieFilter(serializers.Serializer[dict[str, Any]]):
    member = IdField(required=False, help_text="Only the ties of this member.")
    kind = serializers.ChoiceField(choices=TieKind.choices, required=False, allow_blank=True)


class NetworkTieCreate(serializers.Serializer[dict[str, Any]]):
    a = IdField(help_text="A member of this case's network.")
    b = IdField(help_text="Another member of this case's network.")
    kind = serializers.ChoiceField(
        choices=TieKind.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Empty: know each other.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["a"] == attrs["b"]:
            raise serializers.ValidationError({"b": [_("Choose two different people.")]})
        return attrs


def _member_of(case: Case, pk: int, field: str) -> NetworkMember:
    member = NetworkMember.objects.filter(case=case, pk=pk).first()
    if member is None:
        raise serializers.ValidationError({field: [_("Choose a person in this case's network.")]})
    return member


class NetworkTieListView(ApiView):
    @extend_schema(
        operation_id="network_ties_list",
        parameters=[NetworkTieFilter],
        responses=NetworkTieSerializer(many=True),
        summary="The ties between people in the case's network",
    )
    def get(self, request: Request, case_id: int) -> Response:
        case = case_for(request, case_id, part=PART)
        f = valid(NetworkTieFilter, request.query_params)
        qs = NetworkTie.objects.filter(case=case).order_by("a_id", "b_id")
        if f.get("member"):
            qs = qs.filter(Q(a_id=f["member"]) | Q(b_id=f["member"]))
        if "kind" in f:
            qs = qs.filter(kind=f["kind"])
        return self.page_of(qs, NetworkTieSerializer)

    @extend_schema(
        operation_id="network_ties_create",
        request=NetworkTieCreate,
        responses={201: NetworkTieSerializer, 200: NetworkTieSerializer},
        summary="Tie two people together",
        description="Ties are undirected. If the two are tied already, the tie's kind is changed (200).",
    )
    def post(self, request: Request, case_id: int) -> Response:
        case = case_for(request, case_id, part=PART, edit=True)
        data = valid(NetworkTieCreate, request.data)
        a, b = _member_of(case, data["a"], "a"), _member_of(case, data["b"], "b")
        existed = NetworkTie.objects.filter(case=case, a_id=min(a.pk, b.pk), b_id=max(a.pk, b.pk)).exists()
        tie = services.add_tie(acting_user=self.user(), case=case, a=a, b=b, kind=data["kind"])
        return created(
            NetworkTieSerializer(tie).data,
            location=reverse("api:network_tie", args=[case.pk, tie.pk]),
            status_code=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


class NetworkTieDetailView(ApiView):
    def _tie(self, request: Request, case_id: int, tie_id: int, *, edit: bool = False) -> NetworkTie:
        case = case_for(request, case_id, part=PART, edit=edit)
        tie = selectors.get_tie(case=case, tie_id=tie_id)  # 404 when not this case's
        tie.case = case
        return tie

    @extend_schema(operation_id="network_ties_retrieve", responses=NetworkTieSerializer, summary="One tie")
    def get(self, request: Request, case_id: int, tie_id: int) -> Response:
        return Response(NetworkTieSerializer(self._tie(request, case_id, tie_id)).data)

    @extend_schema(
        operation_id="network_ties_destroy", request=None, responses={204: None}, summary="Remove a tie"
    )
    def delete(self, request: Request, case_id: int, tie_id: int) -> Response:
        tie = self._tie(request, case_id, tie_id, edit=True)
        services.remove_tie(acting_user=self.user(), tie=tie)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Snapshots ----------------------------------------------------------------------------------------


class NetworkSnapshotSerializer(OutputSerializer[NetworkSnapshot]):
    class Meta:
        model = NetworkSnapshot
        fields = ["id", "case", "taken_at", "label", "perspective", "source", "created_by"]
        read_only_fields = fields


class NetworkSnapshotMemberSerializer(serializers.Serializer[dict[str, Any]]):
    """A member as the snapshot keeps them (no contact details)."""

    id = serializers.IntegerField(help_text="The member's id when the snapshot was taken.")
    name = serializers.CharField()
    side = serializers.ChoiceField(choices=Side.choices)
    sector = serializers.ChoiceField(choices=Sector.choices)
    relation = serializers.CharField()
    ring = serializers.IntegerField()
    support = serializers.ListField(child=serializers.ChoiceField(choices=SupportType.choices))
    valence = serializers.ChoiceField(choices=Valence.choices)
    direction = serializers.ChoiceField(choices=Direction.choices)
    contact_frequency = serializers.CharField()
    lives_abroad = serializers.BooleanField()


class NetworkSnapshotDataSerializer(serializers.Serializer[dict[str, Any]]):
    members = NetworkSnapshotMemberSerializer(many=True)
    ties = serializers.ListField(
        child=serializers.ListField(child=serializers.JSONField(), min_length=3, max_length=3),
        help_text="Each tie as `[a, b, kind]`: two members' ids (as in `members`) and the kind of tie.",
    )


class NetworkSnapshotDetailSerializer(NetworkSnapshotSerializer):
    # A declared field is taken out of the class body, so it does not shadow `Serializer.data`.
    data = serializers.SerializerMethodField(  # type: ignore[assignment]
        help_text="The network as it was when the snapshot was taken."
    )

    metrics = serializers.SerializerMethodField(
        help_text=(
            "Every network metric of the snapshot by name, as the pages and the export's ego row compute "
            "them (`network/metrics.py`); `null` where there is no value (a share of nobody)."
        )
    )

    class Meta(NetworkSnapshotSerializer.Meta):
        fields = [*NetworkSnapshotSerializer.Meta.fields, "data", "metrics"]
        read_only_fields = fields

    @extend_schema_field(NetworkSnapshotDataSerializer)
    def get_data(self, snapshot: NetworkSnapshot) -> dict[str, Any]:
        data: dict[str, Any] = snapshot.data
        return data

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "number", "nullable": True}})
    def get_metrics(self, snapshot: NetworkSnapshot) -> dict[str, int | float | None]:
        return flat_metrics(metrics_for_snapshot(snapshot.data))


class NetworkSnapshotFilter(serializers.Serializer[dict[str, Any]]):
    # A declared field is taken out of the class body, so it does not shadow `Field.source`.
    source = serializers.ChoiceField(choices=SnapshotSource.choices, required=False)  # type: ignore[assignment]
    perspective = serializers.ChoiceField(choices=Perspective.choices, required=False, allow_blank=True)


class NetworkSnapshotCreate(serializers.Serializer[dict[str, Any]]):
    # A declared field is taken out of the class body, so it does not shadow `Field.label`.
    label = serializers.CharField(  # type: ignore[assignment]
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="For example “Before the first network meeting”.",
    )
    perspective = serializers.ChoiceField(
        choices=Perspective.choices, required=False, allow_blank=True, default="", help_text="Whose view."
    )


class NetworkSnapshotListView(ApiView):
    @extend_schema(
        operation_id="network_snapshots_list",
        parameters=[NetworkSnapshotFilter],
        responses=NetworkSnapshotSerializer(many=True),
        summary="The network's snapshots, newest first",
        description="Without their data: fetch one snapshot for that.",
    )
    def get(self, request: Request, case_id: int) -> Response:
        case = case_for(request, case_id, part=PART)
        f = valid(NetworkSnapshotFilter, request.query_params)
        qs = selectors.snapshots_for_case(case=case).defer("data")
        if f.get("source"):
            qs = qs.filter(source=f["source"])
        if "perspective" in f:
            qs = qs.filter(perspective=f["perspective"])
        return self.page_of(qs, NetworkSnapshotSerializer)

    @extend_schema(
        operation_id="network_snapshots_create",
        request=NetworkSnapshotCreate,
        responses={201: NetworkSnapshotDetailSerializer},
        summary="Save the network as it is now",
    )
    def post(self, request: Request, case_id: int) -> Response:
        case = case_for(request, case_id, part=PART, edit=True)
        data = valid(NetworkSnapshotCreate, request.data)
        snapshot = services.take_snapshot(
            acting_user=self.user(), case=case, label=data["label"].strip(), perspective=data["perspective"]
        )
        return created(
            NetworkSnapshotDetailSerializer(snapshot).data,
            location=reverse("api:network_snapshot", args=[case.pk, snapshot.pk]),
        )


class NetworkSnapshotDetailView(ApiView):
    @extend_schema(
        operation_id="network_snapshots_retrieve",
        responses=NetworkSnapshotDetailSerializer,
        summary="One snapshot, with the network as it was",
    )
    def get(self, request: Request, case_id: int, snapshot_id: int) -> Response:
        case = case_for(request, case_id, part=PART)
        snapshot = selectors.get_snapshot(case=case, snapshot_id=snapshot_id)  # 404 when not this case's
        return Response(NetworkSnapshotDetailSerializer(snapshot).data)
