"""The REST API's decisions, the measure plan and the measures' goals: the same services as the pages.

A decision is recorded once and never changed (`cases.decisions.record_decision`): a later decision
extends or ends the measures an earlier one started, so the decision endpoints take GET and POST only.
The plan is one versioned object per case, written whole through `cases.plans.save_plan` with the
`version` the client read (409 when someone saved in between); a measure's goals are written there too,
so the goals endpoint only reads. Every read opens the case through `case_for`, which checks access and
records the read in the audit; the services audit the writes.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from sirkel.accounts.models import User
from sirkel.api.serializers import IdField, OutputSerializer, VersionField
from sirkel.api.views import ApiView, created, valid
from sirkel.cases import decisions as decision_services
from sirkel.cases import plans as plan_services
from sirkel.cases.api import case_for
from sirkel.cases.models import (
    Case,
    ChildAgreement,
    DecidedMeasure,
    Decision,
    DecisionChange,
    DecisionReason,
    Goal,
    LegalBasis,
    Measure,
    MeasurePlan,
    MeasureStatus,
    PlanVersion,
    ReasonGroup,
    YouthConsent,
)
from sirkel.taxonomy import measures as measure_taxonomy
from sirkel.taxonomy.choices import items, label

DECISIONS = "decisions"
PLAN = "plan"


@cache
def _reason_items() -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (group, str(item["key"])): item for group in ReasonGroup.values for item in items("reasons", group)
    }


def reason_key_choices() -> list[str]:
    """Every reason key of the taxonomy's three lists (which keys a group has is the service's check)."""
    return sorted({key for _group, key in _reason_items()})


def decisions_of(case: Case) -> QuerySet[Decision]:
    """The case's decisions, newest first, with their reasons and decided measures: four queries however
    many there are. The caller has opened the case through `case_for`."""
    return (
        Decision.objects.filter(case=case)
        .order_by("-decided_on", "-id")
        .prefetch_related(
            "reasons", Prefetch("items", queryset=DecidedMeasure.objects.select_related("measure"))
        )
    )


# --- Serializers --------------------------------------------------------------------------------------


class DecisionReasonSerializer(OutputSerializer[DecisionReason]):
    # A declared field is taken out of the class body, so it does not shadow `Field.label`.
    label = serializers.SerializerMethodField(  # type: ignore[assignment]
        help_text="The reason as the taxonomy names it, in the request's language."
    )

    class Meta:
        model = DecisionReason
        fields = ["group", "key", "label", "text"]
        read_only_fields = fields

    def get_label(self, reason: DecisionReason) -> str:
        item = _reason_items().get((reason.group, reason.key))
        return str(label(item)) if item else reason.key


class DecidedMeasureSerializer(OutputSerializer[DecidedMeasure]):
    kind = serializers.ChoiceField(
        source="measure.kind", choices=measure_taxonomy.kind_choices(), read_only=True
    )
    ssb_code = serializers.CharField(
        source="measure.ssb_code", read_only=True, help_text="Statistics Norway's code; empty where none."
    )

    class Meta:
        model = DecidedMeasure
        fields = ["measure", "kind", "ssb_code", "change", "planned_start", "expected_months", "ends_on"]
        read_only_fields = fields


class DecisionSerializer(OutputSerializer[Decision]):
    reasons = DecisionReasonSerializer(many=True, read_only=True)
    items = DecidedMeasureSerializer(
        many=True, read_only=True, help_text="What the decision does with each measure: start, extend, end."
    )

    class Meta:
        model = Decision
        fields = [
            "id",
            "case",
            "decided_on",
            "decided_by",
            "legal_basis",
            "justification",
            "reasons",
            "items",
            "child_told",
            "child_said",
            "child_agreed",
            "child_weight",
            "youth_consent",
            "source",
            "created_at",
        ]
        read_only_fields = fields


class ReasonWrite(serializers.Serializer[dict[str, Any]]):
    group = serializers.ChoiceField(choices=ReasonGroup.choices)
    key = serializers.ChoiceField(
        choices=reason_key_choices(),
        help_text="A key of the group's list in the taxonomy; `none` alone says the group gave no reason.",
    )
    text = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=500,
        help_text="The reason in words, for `other` (required there, ignored elsewhere).",
    )


class MeasureChangeWrite(serializers.Serializer[dict[str, Any]]):
    change = serializers.ChoiceField(choices=DecisionChange.choices)
    kind = serializers.ChoiceField(
        choices=measure_taxonomy.kind_choices(),
        required=False,
        allow_blank=True,
        default="",
        help_text="For `start`: the kind of the new measure.",
    )
    measure = IdField(
        required=False, allow_null=True, default=None, help_text="For `extend` and `end`: the case's measure."
    )
    planned_start = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="For `start`; defaults to the decision's date.",
    )
    expected_months = serializers.IntegerField(
        min_value=1,
        max_value=decision_services.MAX_MONTHS,
        required=False,
        allow_null=True,
        default=None,
        help_text="For `start`: how long it is expected to last; for `extend` (required): by how much.",
    )
    ends_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="For `end` (required): the last day."
    )


class DecisionCreate(serializers.Serializer[dict[str, Any]]):
    decided_on = serializers.DateField(help_text="Not in the future.")
    decided_by = IdField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Someone in the case's service; defaults to you.",
    )
    legal_basis = serializers.ChoiceField(
        choices=LegalBasis.choices,
        help_text="`imposed` only for measures the county board may impose (child welfare act § 3-4).",
    )
    justification = serializers.CharField(allow_blank=True, max_length=20000)
    reasons = serializers.ListField(child=ReasonWrite(), max_length=60, help_text="At least one.")
    measures = serializers.ListField(child=MeasureChangeWrite(), max_length=30, help_text="At least one.")
    child_told = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    child_said = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    child_agreed = serializers.ChoiceField(
        choices=ChildAgreement.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="`not_asked` needs `child_weight` to say why.",
    )
    child_weight = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    youth_consent = serializers.ChoiceField(
        choices=YouthConsent.choices,
        required=False,
        default=YouthConsent.NOT_APPLICABLE,
        help_text="From 15 the youth must consent, orally or in writing, to voluntary measures.",
    )


class SubGoalSerializer(serializers.Serializer[dict[str, Any]]):
    id = serializers.IntegerField(help_text="Kept from version to version while the goal is in the plan.")
    text = serializers.CharField()


class GoalRowSerializer(SubGoalSerializer):
    sub_goals = SubGoalSerializer(many=True)


class PlanMeasureSerializer(serializers.Serializer[dict[str, Any]]):
    """The plan's part for one measure, with the measure's period as its decisions left it."""

    measure = serializers.IntegerField(help_text="The measure's id.")
    kind = serializers.ChoiceField(choices=measure_taxonomy.kind_choices())
    # A declared field is taken out of the class body, so it does not shadow `Field.label`.
    label = serializers.CharField(help_text="The kind of measure in words.")  # type: ignore[assignment]
    ssb_code = serializers.CharField(help_text="Statistics Norway's code; empty where none.")
    legal_basis = serializers.ChoiceField(choices=LegalBasis.choices)
    status = serializers.ChoiceField(choices=MeasureStatus.choices)
    planned_start = serializers.DateField(allow_null=True)
    expected_end = serializers.DateField(allow_null=True)
    content = serializers.CharField(allow_blank=True)
    responsibilities = serializers.CharField(allow_blank=True, help_text="Who does what.")
    expected_duration = serializers.CharField(allow_blank=True)
    internal_note = serializers.CharField(
        allow_blank=True, help_text="For the service: not shown to the family."
    )
    goals = GoalRowSerializer(many=True, help_text="Outcomes, in order, each with its sub-goals.")


class PlanContentSerializer(serializers.Serializer[dict[str, Any]]):
    evaluation_months = serializers.IntegerField(help_text="How often the plan is evaluated.")
    last_evaluated_on = serializers.DateField(allow_null=True)
    next_evaluation_on = serializers.DateField(
        allow_null=True, help_text="The last evaluation (or the first save) plus the interval."
    )
    internal_note = serializers.CharField(
        allow_blank=True, help_text="For the service: not shown to the family."
    )
    measures = PlanMeasureSerializer(many=True, help_text="Every measure of the case that has not ended.")


class PlanSerializer(PlanContentSerializer):
    version = serializers.IntegerField(help_text="0 before the plan is first saved; send it with a PUT.")
    overdue = serializers.BooleanField(help_text="The next evaluation's date has passed.")


class SubGoalWrite(serializers.Serializer[dict[str, Any]]):
    id = IdField(
        required=False,
        allow_null=True,
        default=None,
        help_text="An existing goal's id, to keep it; none for a new one.",
    )
    text = serializers.CharField(allow_blank=True, max_length=5000, help_text="An empty text is left out.")


class GoalWrite(SubGoalWrite):
    sub_goals = serializers.ListField(child=SubGoalWrite(), required=False, default=list, max_length=50)


class PlanEntryWrite(serializers.Serializer[dict[str, Any]]):
    measure = IdField(help_text="A measure of the case that has not ended.")
    goals = serializers.ListField(
        child=GoalWrite(),
        required=False,
        default=list,
        max_length=50,
        help_text="The measure's goals as they should be: a goal left out is retired.",
    )
    content = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    responsibilities = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    expected_duration = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    internal_note = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)


class PlanWrite(serializers.Serializer[dict[str, Any]]):
    version = VersionField(
        min_value=0,
        help_text="The plan's `version` you read (0 before its first save). If someone saved since, the "
        "answer is 409 and nothing changes.",
    )
    evaluation_months = serializers.IntegerField(
        required=False, min_value=1, max_value=12, help_text="Left out: as it is (3 for a new plan)."
    )
    last_evaluated_on = serializers.DateField(required=False, help_text="Left out: as it is.")
    internal_note = serializers.CharField(
        required=False, allow_blank=True, max_length=20000, help_text="Left out: as it is."
    )
    measures = serializers.ListField(
        child=PlanEntryWrite(),
        required=False,
        default=list,
        max_length=50,
        help_text="The measures whose part changes, each whole; the others stay as they are.",
    )
    change_note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=500,
        help_text="What changed, for the versions.",
    )

    def validate_measures(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        ids = [entry["measure"] for entry in value]
        if len(set(ids)) != len(ids):
            raise serializers.ValidationError(_("Each measure can appear only once in the plan."))
        return value


class PlanVersionSerializer(OutputSerializer[PlanVersion]):
    class Meta:
        model = PlanVersion
        fields = ["number", "created_by", "created_at", "change_note"]
        read_only_fields = fields


class PlanVersionDetailSerializer(PlanVersionSerializer):
    content = serializers.SerializerMethodField(help_text="The whole plan as this version saved it.")

    class Meta(PlanVersionSerializer.Meta):
        fields = [*PlanVersionSerializer.Meta.fields, "content"]
        read_only_fields = fields

    @extend_schema_field(PlanContentSerializer)
    def get_content(self, version: PlanVersion) -> dict[str, Any]:
        return PlanContentSerializer(version.content).data


class GoalSubSerializer(OutputSerializer[Goal]):
    class Meta:
        model = Goal
        fields = ["id", "text", "created_at", "retired_at"]
        read_only_fields = fields


class GoalSerializer(GoalSubSerializer):
    sub_goals = serializers.SerializerMethodField(help_text="Its sub-goals, in order.")

    class Meta(GoalSubSerializer.Meta):
        fields = [*GoalSubSerializer.Meta.fields, "sub_goals"]
        read_only_fields = fields

    @extend_schema_field(GoalSubSerializer(many=True))
    def get_sub_goals(self, goal: Goal) -> list[dict[str, Any]]:
        return list(GoalSubSerializer(goal.listed_sub_goals, many=True).data)  # type: ignore[attr-defined]


class GoalFilter(serializers.Serializer[dict[str, Any]]):
    include_retired = serializers.BooleanField(
        required=False, default=False, help_text="Also the goals taken out of the plan (with `retired_at`)."
    )


# --- Decisions ----------------------------------------------------------------------------------------


def _decided_by(pk: int | None) -> User | None:
    if pk is None:
        return None
    found = User.objects.filter(pk=pk, is_active=True).first()
    if found is None:
        raise serializers.ValidationError(
            {"decided_by": [_("The decision must be made by someone in the service.")]}
        )
    return found


def _changes(case: Case, rows: list[dict[str, Any]]) -> list[decision_services.MeasureChange]:
    """The body's measure lines as the service takes them. A measure id that is not the case's becomes no
    measure, which the service refuses with its message."""
    ids = [row["measure"] for row in rows if row["measure"] is not None]
    measures = {m.pk: m for m in Measure.objects.filter(case=case, pk__in=ids)}
    return [
        decision_services.MeasureChange(
            change=row["change"],
            kind=row["kind"],
            measure=measures.get(row["measure"]) if row["measure"] is not None else None,
            planned_start=row["planned_start"],
            expected_months=row["expected_months"],
            ends_on=row["ends_on"],
        )
        for row in rows
    ]


class DecisionListView(ApiView):
    @extend_schema(
        operation_id="decisions_list",
        responses=DecisionSerializer(many=True),
        summary="The case's decisions, newest first",
        description="Each with its reasons, the child's participation and what it did with each measure.",
    )
    def get(self, request: Request, case_id: int) -> Response:
        case = case_for(request, case_id, part=DECISIONS)
        return self.page_of(decisions_of(case), DecisionSerializer)

    @extend_schema(
        operation_id="decisions_create",
        request=DecisionCreate,
        responses={201: DecisionSerializer},
        summary="Record a decision",
        description="Starts new measures, extends running ones (`expected_months` from their expected end) "
        "or ends them (`ends_on`), as the decision page does. Measures are decided only here: the case's "
        "measures list takes no POST.",
    )
    def post(self, request: Request, case_id: int) -> Response:
        case = case_for(request, case_id, part=DECISIONS, edit=True)
        data = valid(DecisionCreate, request.data)
        decision = decision_services.record_decision(
            acting_user=self.user(),
            case=case,
            decided_on=data["decided_on"],
            decided_by=_decided_by(data["decided_by"]),
            legal_basis=data["legal_basis"],
            justification=data["justification"],
            reasons=[decision_services.ReasonInput(**r) for r in data["reasons"]],
            changes=_changes(case, data["measures"]),
            child_told=data["child_told"],
            child_said=data["child_said"],
            child_agreed=data["child_agreed"],
            child_weight=data["child_weight"],
            youth_consent=data["youth_consent"],
        )
        return created(
            DecisionSerializer(decisions_of(case).get(pk=decision.pk)).data,
            location=reverse("api:decision", args=[case.pk, decision.pk]),
        )


class DecisionDetailView(ApiView):
    @extend_schema(
        operation_id="decisions_retrieve",
        responses=DecisionSerializer,
        summary="One decision",
        description="A decision is never changed: PATCH, PUT and DELETE answer 405. A later decision "
        "extends or ends its measures.",
    )
    def get(self, request: Request, case_id: int, decision_id: int) -> Response:
        case = case_for(request, case_id, part=DECISIONS)
        decision = decisions_of(case).filter(pk=decision_id).first()
        if decision is None:
            raise Http404
        return Response(DecisionSerializer(decision).data)


# --- The measure plan ---------------------------------------------------------------------------------


def _plan_data(case: Case) -> dict[str, Any]:
    """The plan as it stands; a case without one answers an empty plan at version 0."""
    plan = plan_services.plan_of(case) or MeasurePlan(case=case)
    content = plan_services.snapshot(plan, plan_services.plan_measures(case))
    return {**content, "version": plan.version, "overdue": plan_services.is_overdue(plan)}


def _goals(rows: list[dict[str, Any]]) -> list[plan_services.GoalInput]:
    return [
        plan_services.GoalInput(text=row["text"], id=row["id"], sub_goals=_goals(row.get("sub_goals", [])))
        for row in rows
    ]


class PlanView(ApiView):
    versioned = True

    @extend_schema(
        operation_id="plan_retrieve",
        responses=PlanSerializer,
        summary="The case's measure plan",
        description="As it stands: when it is evaluated, and for each measure that has not ended its "
        "content, who does what and its goals. A case whose plan was never saved answers an empty plan at "
        "version 0 (the measures without content or goals), which a PUT with version 0 saves.",
    )
    def get(self, request: Request, case_id: int) -> Response:
        case = case_for(request, case_id, part=PLAN)
        return Response(PlanSerializer(_plan_data(case)).data)

    @extend_schema(
        operation_id="plan_update",
        request=PlanWrite,
        responses=PlanSerializer,
        summary="Save the measure plan",
        description="Saves a new version of the plan (send the `version` you read). A measure's goals "
        "are written here, the only place they are: give a goal's `id` to keep it (an evaluation refers "
        "to it), leave the id out for a new goal; a goal left out is retired. Plan fields left out stay "
        "as they are, and so do the measures left out of `measures`.",
    )
    def put(self, request: Request, case_id: int) -> Response:
        case = case_for(request, case_id, part=PLAN, edit=True)
        data = valid(PlanWrite, request.data)
        plan_services.save_plan(
            acting_user=self.user(),
            case=case,
            expected_version=data["version"],
            entries=[
                plan_services.EntryInput(
                    measure_id=entry["measure"],
                    goals=_goals(entry["goals"]),
                    content=entry["content"],
                    responsibilities=entry["responsibilities"],
                    expected_duration=entry["expected_duration"],
                    internal_note=entry["internal_note"],
                )
                for entry in data["measures"]
            ],
            evaluation_months=data.get("evaluation_months"),
            last_evaluated_on=data.get("last_evaluated_on"),
            internal_note=data.get("internal_note"),
            change_note=data["change_note"],
        )
        return Response(PlanSerializer(_plan_data(case)).data)


def _versions(case: Case) -> QuerySet[PlanVersion]:
    return PlanVersion.objects.filter(plan__case=case).order_by("-number")


class PlanVersionListView(ApiView):
    @extend_schema(
        operation_id="plan_versions_list",
        responses=PlanVersionSerializer(many=True),
        summary="The plan's versions, newest first",
        description="Who saved each and what changed; fetch one version for the plan as it saved it.",
    )
    def get(self, request: Request, case_id: int) -> Response:
        case = case_for(request, case_id, part=PLAN)
        return self.page_of(_versions(case).defer("content"), PlanVersionSerializer)


class PlanVersionDetailView(ApiView):
    @extend_schema(
        operation_id="plan_versions_retrieve",
        responses=PlanVersionDetailSerializer,
        summary="One version of the plan, as it was saved",
    )
    def get(self, request: Request, case_id: int, number: int) -> Response:
        case = case_for(request, case_id, part=PLAN)
        version = _versions(case).filter(number=number).first()
        if version is None:
            raise Http404
        return Response(PlanVersionDetailSerializer(version).data)


# --- Goals --------------------------------------------------------------------------------------------


class GoalListView(ApiView):
    @extend_schema(
        operation_id="goals_list",
        parameters=[GoalFilter],
        responses=GoalSerializer(many=True),
        summary="A measure's goals",
        description="Its goals in the plan, in order, with their sub-goals. They are written through the "
        "plan (`plan_update`), so an evaluation always refers to a version of the plan.",
    )
    def get(self, request: Request, case_id: int, measure_id: int) -> Response:
        case = case_for(request, case_id, part=PLAN)
        measure = Measure.objects.filter(case=case, pk=measure_id).first()
        if measure is None:
            raise Http404
        f = valid(GoalFilter, request.query_params)
        listed = Goal.objects.all() if f["include_retired"] else Goal.objects.filter(retired_at__isnull=True)
        goals = listed.filter(measure=measure, parent__isnull=True).prefetch_related(
            Prefetch("sub_goals", queryset=listed, to_attr="listed_sub_goals")
        )
        return self.page_of(goals, GoalSerializer)
