"""The REST API's cases and measures: the same selectors and services as the case pages."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from sirkel.accounts.models import Service, User
from sirkel.accounts.selectors import services_for_user
from sirkel.api.authentication import api_user
from sirkel.api.serializers import IdField, OutputSerializer, VersionField
from sirkel.api.views import ApiView, created, valid
from sirkel.cases import composition, selectors
from sirkel.cases.access import CREATING_ROLES
from sirkel.cases.measures import update_measure
from sirkel.cases.models import Birthplace, Case, LegalBasis, LivesWith, Measure, MeasureStatus, Phase, Sex
from sirkel.cases.services import create_case, update_case
from sirkel.core.types import UNCHANGED
from sirkel.taxonomy import measures as measure_taxonomy

CASE_FIELDS = [
    "child_given_name",
    "child_family_name",
    "birth_date",
    "sex",
    "birthplace",
    "lives_with",
    "lives_with_other",
    "children_in_household",
    "first_contact_date",
    "phase",
    "minority_background",
    "parent_cognitive_difficulties",
    "language",
    "interpreter_needed",
    "cultural_interpreter_needed",
]


def case_for(request: Request, case_id: int, *, part: str = "", edit: bool = False) -> Case:
    """The case under an API URL, through the selector that checks access and records the read; 404
    (for the case and everything under it) when the token's user may not see it."""
    user = api_user(request)
    with transaction.atomic():
        case, _access = selectors.get_case_for_user(user=user, case_id=case_id, part=part, require_edit=edit)
    return case


def _staff(pk: int | None, field: str) -> User | None:
    if pk is None:
        return None
    found = User.objects.filter(pk=pk, is_active=True).first()
    if found is None:
        raise serializers.ValidationError({field: [_("Choose a member of the case's service.")]})
    return found


# --- Serializers --------------------------------------------------------------------------------------


class CaseSerializer(OutputSerializer[Case]):
    reference = serializers.CharField(
        read_only=True, help_text="The service's case reference, e.g. `2026-17`."
    )
    service_name = serializers.CharField(source="service.name", read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "number",
            "service",
            "service_name",
            "caseworker",
            *CASE_FIELDS,
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CaseDetailSerializer(CaseSerializer):
    assigned = serializers.SerializerMethodField(
        help_text="Colleagues assigned to the case besides its caseworker."
    )

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "assigned"]
        read_only_fields = fields

    def get_assigned(self, case: Case) -> list[int]:
        return [u.pk for u in selectors.assigned_users(case=case)]


class CaseFilter(serializers.Serializer[dict[str, Any]]):
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Name or case number."
    )
    phase = serializers.ChoiceField(choices=Phase.choices, required=False)
    mine = serializers.BooleanField(
        required=False, default=False, help_text="Only cases you own or are assigned to."
    )
    target_group = serializers.ChoiceField(
        choices=["minority", "cognitive", "interpreter"],
        required=False,
        help_text="As the case list's filter.",
    )
    caseworker = IdField(required=False)


class CaseWrite(serializers.Serializer[dict[str, Any]]):
    """The case's own fields; on create the required ones, on update any of them."""

    child_given_name = serializers.CharField(max_length=100)
    child_family_name = serializers.CharField(max_length=100)
    birth_date = serializers.DateField()
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    birthplace = serializers.ChoiceField(choices=Birthplace.choices, required=False)
    lives_with = serializers.ChoiceField(choices=LivesWith.choices, required=False)
    lives_with_other = serializers.CharField(max_length=200, required=False, allow_blank=True)
    children_in_household = serializers.IntegerField(min_value=0, max_value=30, required=False)
    first_contact_date = serializers.DateField()
    phase = serializers.ChoiceField(choices=Phase.choices, required=False)
    minority_background = serializers.BooleanField(required=False)
    parent_cognitive_difficulties = serializers.BooleanField(required=False)
    language = serializers.CharField(max_length=100, required=False, allow_blank=True)
    interpreter_needed = serializers.BooleanField(required=False)
    cultural_interpreter_needed = serializers.BooleanField(required=False)
    caseworker = IdField(required=False, help_text="Defaults to you on create.")
    assigned = serializers.ListField(child=IdField(), required=False, max_length=50)


class CaseCreate(CaseWrite):
    service = IdField(required=False, help_text="Needed if you work in several services.")


class CaseUpdate(CaseWrite):
    version = VersionField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "version":
                field.required = False


# --- Endpoints ----------------------------------------------------------------------------------------


class CaseListView(ApiView):
    @extend_schema(
        operation_id="cases_list",
        parameters=[CaseFilter],
        responses=CaseSerializer(many=True),
        summary="The cases you may see",
        description="As the case list: search by name or number, filter by phase, your own, target group.",
    )
    def get(self, request: Request) -> Response:
        f = valid(CaseFilter, request.query_params)
        qs = selectors.list_cases(
            user=self.user(),
            query=f.get("q", ""),
            phase=f.get("phase", ""),
            mine=f.get("mine", False),
            target_group=f.get("target_group", ""),
            caseworker_id=f.get("caseworker"),
        )
        paginator, cases = self.paginate(qs)
        selectors.record_case_list(user=self.user(), cases=cases)
        return paginator.get_paginated_response(CaseSerializer(cases, many=True).data)

    @extend_schema(
        operation_id="cases_create",
        request=CaseCreate,
        responses={201: CaseDetailSerializer},
        summary="Open a case",
    )
    def post(self, request: Request) -> Response:
        data = valid(CaseCreate, request.data)
        user = self.user()
        service = _service_for(user=user, pk=data.pop("service", None))
        caseworker = _staff(data.pop("caseworker", None), "caseworker") or user
        assigned = [u for pk in data.pop("assigned", []) if (u := _staff(pk, "assigned"))]
        case = create_case(
            acting_user=user, service=service, caseworker=caseworker, assigned=assigned, **data
        )
        case = case_for(request, case.pk)
        return created(CaseDetailSerializer(case).data, location=reverse("api:case", args=[case.pk]))


def _service_for(*, user: User, pk: int | None) -> Service:
    services = services_for_user(user=user, roles=CREATING_ROLES)
    if pk is None and len(services) == 1:
        return services[0]
    for service in services:
        if service.pk == pk:
            return service
    raise serializers.ValidationError(
        {"service": [_("Choose one of the services where you may open cases.")]}
    )


class CaseDetailView(ApiView):
    versioned = True

    @extend_schema(operation_id="cases_retrieve", responses=CaseDetailSerializer, summary="One case")
    def get(self, request: Request, case_id: int) -> Response:
        return Response(CaseDetailSerializer(case_for(request, case_id)).data)

    @extend_schema(
        operation_id="cases_update",
        request=CaseUpdate,
        responses=CaseDetailSerializer,
        summary="Change a case",
    )
    def patch(self, request: Request, case_id: int) -> Response:
        case = case_for(request, case_id, edit=True)
        data = valid(CaseUpdate, request.data)
        caseworker = _staff(data.pop("caseworker", None), "caseworker")
        assigned = data.pop("assigned", None)
        update_case(
            acting_user=self.user(),
            case=case,
            expected_version=data.pop("version"),
            caseworker=caseworker,
            assigned=None if assigned is None else [u for pk in assigned if (u := _staff(pk, "assigned"))],
            **{name: data.get(name, UNCHANGED) for name in CASE_FIELDS},
        )
        return Response(CaseDetailSerializer(case_for(request, case_id)).data)


# --- Measures -----------------------------------------------------------------------------------------


class MeasureSerializer(OutputSerializer[Measure]):
    ssb_code = serializers.CharField(
        read_only=True, help_text="Statistics Norway's code; empty where SSB has none."
    )
    has_process = serializers.SerializerMethodField(
        help_text="Run as a process (a network meeting series etc.): its period follows the process."
    )
    decided_in = serializers.SerializerMethodField(
        help_text="The ids of the decisions that started, extended or ended it, oldest first. Empty for a "
        "start meeting (its process starts it) and for a measure registered before decisions were."
    )

    class Meta:
        model = Measure
        fields = [
            "id",
            "case",
            "kind",
            "ssb_code",
            "status",
            "legal_basis",
            "planned_start",
            "expected_end",
            "started_on",
            "ended_on",
            "end_reason",
            "note",
            "has_process",
            "decided_in",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_has_process(self, measure: Measure) -> bool:
        return measure.kind in composition.process_kinds()

    def get_decided_in(self, measure: Measure) -> list[int]:
        return [item.decision_id for item in measure.decided_in.all()]


class MeasureFilter(serializers.Serializer[dict[str, Any]]):
    status = serializers.ChoiceField(choices=MeasureStatus.choices, required=False)
    kind = serializers.ChoiceField(choices=[], required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = measure_taxonomy.kind_keys()  # type: ignore[attr-defined]


class MeasureUpdate(serializers.Serializer[dict[str, Any]]):
    version = VersionField()
    legal_basis = serializers.ChoiceField(choices=LegalBasis.choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    started_on = serializers.DateField(required=False, allow_null=True)
    ended_on = serializers.DateField(required=False, allow_null=True)
    end_reason = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class MeasureListView(ApiView):
    @extend_schema(
        operation_id="measures_list",
        parameters=[MeasureFilter],
        responses=MeasureSerializer(many=True),
        summary="The case's measures",
        description="Measures are decided by the case's decisions (`decisions_create`), which start, "
        "extend and end them; only a start meeting's measure is started by its process. So this list "
        "takes no POST (405).",
    )
    def get(self, request: Request, case_id: int) -> Response:
        case = case_for(request, case_id, part="measures")
        f = valid(MeasureFilter, request.query_params)
        qs = selectors.measures_of(case=case)
        if f.get("status"):
            qs = qs.filter(status=f["status"])
        if f.get("kind"):
            qs = qs.filter(kind=f["kind"])
        return self.page_of(qs.prefetch_related("decided_in"), MeasureSerializer)


class MeasureDetailView(ApiView):
    versioned = True

    def _measure(self, request: Request, case_id: int, measure_id: int, *, edit: bool = False) -> Measure:
        case = case_for(request, case_id, part="measures", edit=edit)
        measure = Measure.objects.filter(case=case, pk=measure_id).first()
        if measure is None:
            raise Http404
        return measure

    @extend_schema(operation_id="measures_retrieve", responses=MeasureSerializer, summary="One measure")
    def get(self, request: Request, case_id: int, measure_id: int) -> Response:
        return Response(MeasureSerializer(self._measure(request, case_id, measure_id)).data)

    @extend_schema(
        operation_id="measures_update",
        request=MeasureUpdate,
        responses=MeasureSerializer,
        summary="Change a measure",
    )
    def patch(self, request: Request, case_id: int, measure_id: int) -> Response:
        measure = self._measure(request, case_id, measure_id, edit=True)
        data = valid(MeasureUpdate, request.data)
        period = {f: data.get(f, getattr(measure, f)) for f in ("started_on", "ended_on", "end_reason")}
        saved = update_measure(
            acting_user=self.user(),
            measure=measure,
            expected_version=data["version"],
            legal_basis=data.get("legal_basis", measure.legal_basis),
            note=data.get("note", measure.note),
            period_from_process=measure.kind in composition.process_kinds(),
            **period,
        )
        return Response(MeasureSerializer(saved).data)
