"""The REST API of evaluation: goal scales, evaluations (levels, judgements, closing), ratings and
instruments, and the leaders' effect overview — through the same selectors and services as the pages.

Everything under a case opens the case through `cases.api.case_for`, which asks the access policy and
records the read (404 for a case one may not see, and for everything under it); the services audit the
writes and keep the rules (one open evaluation per measure, the reviewer's own judgement, closing with a
next step that updates the plan). Every POST answers with the evaluation's address in `Location`, so a
repeat with the same `Idempotency-Key` is sent there instead of writing twice. The reviewer judges
blind: an evaluation's judgements come from `selectors.judgements_for`, which shows a reviewer who has
not judged yet none of them.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from sirkel.api.serializers import IdField, OutputSerializer, VersionField
from sirkel.api.views import ApiView, created, valid
from sirkel.cases.api import case_for
from sirkel.cases.models import Case, Goal, Measure
from sirkel.evaluation import selectors
from sirkel.evaluation import services as evaluation_services
from sirkel.evaluation.instruments import record_rating
from sirkel.evaluation.models import (
    GAS_LEVELS,
    JUDGED_PERSPECTIVES,
    Effect,
    Evaluation,
    GoalLevel,
    GoalScale,
    Instrument,
    Judgement,
    NextStep,
    Perspective,
    Rating,
    RequestedBy,
)
from sirkel.evaluation.overview import EFFECTS, MIN_CELL, T_BANDS
from sirkel.taxonomy import measures as measure_taxonomy

PART = "evaluation"
TEXT = 20000


def _measure(case: Case, measure_id: int) -> Measure:
    measure = Measure.objects.filter(case=case, pk=measure_id).first()
    if measure is None:
        raise Http404
    return measure


def _evaluation(case: Case, measure_id: int, evaluation_id: int) -> Evaluation:
    evaluation = (
        Evaluation.objects.filter(measure__case=case, measure_id=measure_id, pk=evaluation_id)
        .select_related("measure__case")
        .first()
    )
    if evaluation is None:
        raise Http404
    return evaluation


def _evaluation_url(evaluation: Evaluation) -> str:
    measure = evaluation.measure
    return reverse("api:evaluation", args=[measure.case_id, measure.pk, evaluation.pk])


# --- Serializers --------------------------------------------------------------------------------------


class GoalScaleSerializer(serializers.Serializer[dict[str, Any]]):
    goal = serializers.IntegerField()
    much_less = serializers.CharField(allow_blank=True, help_text="What much less than expected (−2) is.")
    less = serializers.CharField(allow_blank=True, help_text="Less than expected (−1).")
    expected = serializers.CharField(
        allow_blank=True, help_text="The expected outcome (0); empty before it is scaled."
    )
    more = serializers.CharField(allow_blank=True, help_text="More than expected (+1).")
    much_more = serializers.CharField(allow_blank=True, help_text="Much more than expected (+2).")
    weight = serializers.IntegerField(help_text="1–10: how much the goal counts in the T-score.")
    version = serializers.IntegerField(help_text="0 before the goal is first scaled; send it with a PUT.")


class GoalScaleWrite(serializers.Serializer[dict[str, Any]]):
    version = VersionField(
        min_value=0,
        help_text="The scale's `version` you read (0 before it is first scaled). If someone saved since, the "
        "answer is 409 and nothing changes.",
    )
    much_less = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT)
    less = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT)
    expected = serializers.CharField(allow_blank=True, max_length=TEXT, help_text="Required (not empty).")
    more = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT)
    much_more = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT)
    weight = serializers.IntegerField(min_value=1, max_value=10, required=False, default=1)


class GoalLevelSerializer(OutputSerializer[GoalLevel]):
    class Meta:
        model = GoalLevel
        fields = ["goal", "level", "weight", "note", "recorded_by", "recorded_at"]
        read_only_fields = fields


class JudgementSerializer(OutputSerializer[Judgement]):
    class Meta:
        model = Judgement
        fields = [
            "id",
            "perspective",
            "member",
            "parent_name",
            "effect",
            "text",
            "child_scale",
            "child_wants_next",
            "child_helped_by",
            "declined",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields


class EvaluationSerializer(OutputSerializer[Evaluation]):
    class Meta:
        model = Evaluation
        fields = [
            "id",
            "measure",
            "due_on",
            "held_on",
            "status",
            "reviewer",
            "t_score",
            "next_step",
            "next_step_requested_by",
            "next_step_reason",
            "created_by",
            "created_at",
            "closed_by",
            "closed_at",
            "version",
        ]
        read_only_fields = fields


class EvaluationDetailSerializer(EvaluationSerializer):
    levels = GoalLevelSerializer(many=True, read_only=True, help_text="Each scaled goal's level.")
    judgements = serializers.SerializerMethodField(
        help_text="The perspectives' judgements; none to the reviewer until their own is recorded."
    )
    reviewer_blind = serializers.SerializerMethodField(
        help_text="You are the reviewer and have not judged yet: the others' judgements are hidden."
    )

    class Meta(EvaluationSerializer.Meta):
        fields = [*EvaluationSerializer.Meta.fields, "levels", "judgements", "reviewer_blind"]
        read_only_fields = fields

    @extend_schema_field(JudgementSerializer(many=True))
    def get_judgements(self, evaluation: Evaluation) -> list[dict[str, Any]]:
        shown = selectors.judgements_for(user=self.context["user"], evaluation=evaluation)
        return list(JudgementSerializer(shown, many=True).data)

    def get_reviewer_blind(self, evaluation: Evaluation) -> bool:
        return selectors.reviewer_is_blind(user=self.context["user"], evaluation=evaluation)


class EvaluationCreate(serializers.Serializer[dict[str, Any]]):
    due_on = serializers.DateField(help_text="When the measure is to be evaluated.")


class LevelWrite(serializers.Serializer[dict[str, Any]]):
    goal = IdField(help_text="A scaled goal of the measure.")
    level = serializers.ChoiceField(choices=[(x, str(x)) for x in GAS_LEVELS], help_text="−2 … +2.")


class LevelsWrite(serializers.Serializer[dict[str, Any]]):
    levels = serializers.ListField(child=LevelWrite(), min_length=1, max_length=50)

    def validate_levels(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        goals = [row["goal"] for row in value]
        if len(set(goals)) != len(goals):
            raise serializers.ValidationError(_("Each goal can have only one level."))
        return value


class JudgementWrite(serializers.Serializer[dict[str, Any]]):
    perspective = serializers.ChoiceField(
        choices=JUDGED_PERSPECTIVES,
        help_text="`reviewer` only by the evaluation's reviewer; the child answers on their own form.",
    )
    effect = serializers.ChoiceField(
        choices=Effect.choices, help_text="Did the measure have the desired effect?"
    )
    text = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT)
    member = IdField(
        required=False, allow_null=True, default=None, help_text="For `parent`: the parent in the network."
    )


class CloseWrite(serializers.Serializer[dict[str, Any]]):
    version = VersionField()
    held_on = serializers.DateField(help_text="When the evaluation was held.")
    next_step = serializers.ChoiceField(choices=NextStep.choices)
    requested_by = serializers.ChoiceField(
        choices=RequestedBy.choices, help_text="Who asked for the next step."
    )
    reason = serializers.CharField(max_length=TEXT, help_text="Why.")


class RatingSerializer(OutputSerializer[Rating]):
    instrument_key = serializers.CharField(source="instrument.key", read_only=True)
    instrument_version = serializers.IntegerField(source="instrument.version", read_only=True)

    class Meta:
        model = Rating
        fields = [
            "id",
            "case",
            "measure",
            "instrument",
            "instrument_key",
            "instrument_version",
            "respondent",
            "rated_on",
            "scores",
            "total",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = fields


class RatingFilter(serializers.Serializer[dict[str, Any]]):
    measure = IdField(required=False, allow_null=True, default=None, help_text="Only this measure's.")


class RatingWrite(serializers.Serializer[dict[str, Any]]):
    instrument = IdField(help_text="The instrument version rated with (the current one of its key).")
    measure = IdField(required=False, allow_null=True, default=None, help_text="One of the case's measures.")
    respondent = serializers.CharField(max_length=200, help_text="Who answered, e.g. 'Mor' or 'Ingrid'.")
    rated_on = serializers.DateField()
    scores = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=10), help_text="Every item's key: 0–10."
    )


class InstrumentSerializer(OutputSerializer[Instrument]):
    class Meta:
        model = Instrument
        fields = [
            "id",
            "service",
            "key",
            "version",
            "name",
            "kind",
            "description",
            "items",
            "sd",
            "reliability",
            "retired_at",
        ]
        read_only_fields = fields


# The overview: every count is null where it is suppressed, and so is every share worked out from one.
def _count(help_text: str = "") -> serializers.IntegerField:
    return serializers.IntegerField(allow_null=True, help_text=help_text or "Null: suppressed.")


def _share(help_text: str = "") -> serializers.FloatField:
    return serializers.FloatField(allow_null=True, help_text=help_text or "Per cent; null: suppressed.")


class EffectRowSerializer(serializers.Serializer[dict[str, Any]]):
    kind = serializers.ChoiceField(choices=measure_taxonomy.kind_choices())
    kind_label = serializers.CharField(help_text="The kind of measure in words.")
    perspective = serializers.ChoiceField(choices=Perspective.choices)
    judged = _count("Judged yes, partly or no: the shares' denominator. Null: suppressed.")
    yes = _count()
    partly = _count()
    no = _count()
    yes_share = _share()
    partly_share = _share()
    no_share = _share()
    not_assessed = _count("Not assessed, apart from the shares. Null: suppressed.")
    declined = _count(
        "The child did not want to answer (the child only). Null: suppressed, or not the child."
    )


class AgreementSerializer(serializers.Serializer[dict[str, Any]]):
    first = serializers.ChoiceField(choices=Perspective.choices)
    second = serializers.ChoiceField(choices=Perspective.choices)
    pairs = _count("Both judged yes, partly or no at the same evaluation. Null: suppressed.")
    agree = _count()
    disagree = _count()
    share = _share("Share agreeing, per cent; null: suppressed.")


class TScoreSerializer(serializers.Serializer[dict[str, Any]]):
    total = _count("Closed evaluations with a T-score. Null: suppressed.")
    below_40 = _count()
    from_40_to_49 = _count()
    from_50_to_59 = _count()
    from_60 = _count()
    median = serializers.FloatField(allow_null=True, help_text="Null for fewer than three scores.")


class OverdueSerializer(serializers.Serializer[dict[str, Any]]):
    evaluation = serializers.IntegerField()
    case = serializers.IntegerField()
    case_reference = serializers.CharField()
    measure = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=measure_taxonomy.kind_choices())
    due_on = serializers.DateField()


class OverviewSerializer(serializers.Serializer[dict[str, Any]]):
    service = serializers.IntegerField()
    year = serializers.IntegerField(allow_null=True, help_text="The year of `held_on` chosen; null: all.")
    years = serializers.ListField(
        child=serializers.IntegerField(), help_text="Years with closed evaluations."
    )
    smallest_cell = serializers.IntegerField(help_text="A count below this is suppressed (null).")
    effects = EffectRowSerializer(many=True, help_text="Per kind of measure and perspective.")
    agreement = AgreementSerializer(many=True, help_text="Per pair of perspectives.")
    t_scores = TScoreSerializer()
    overdue = OverdueSerializer(
        many=True, help_text="Scheduled evaluations whose date has passed, whatever the year."
    )


class OverviewFilter(serializers.Serializer[dict[str, Any]]):
    year = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1900,
        max_value=2999,
        help_text="Of `held_on`.",
    )


# --- Goal scales --------------------------------------------------------------------------------------


def _scale_data(goal: Goal) -> dict[str, Any]:
    scale = GoalScale.objects.filter(goal=goal).first()
    if scale is None:
        scale = GoalScale(goal=goal, version=0)
    return {
        "goal": goal.pk,
        **{name: getattr(scale, name) for name in evaluation_services.SCALE_FIELDS},
        "weight": scale.weight,
        "version": scale.version,
    }


def _goal(case: Case, measure_id: int, goal_id: int) -> Goal:
    goal = (
        Goal.objects.filter(measure__case=case, measure_id=measure_id, pk=goal_id)
        .select_related("measure__case")
        .first()
    )
    if goal is None:
        raise Http404
    return goal


class GoalScaleView(ApiView):
    versioned = True

    @extend_schema(
        operation_id="goal_scale_retrieve",
        responses=GoalScaleSerializer,
        summary="A goal's scale (Goal Attainment Scaling)",
        description="What −2 … +2 would look like and the goal's weight. A goal not yet scaled answers "
        "empty texts at version 0, which a PUT with version 0 saves.",
    )
    def get(self, request: Request, case_id: int, measure_id: int, goal_id: int) -> Response:
        case = case_for(request, case_id, part=PART)
        return Response(GoalScaleSerializer(_scale_data(_goal(case, measure_id, goal_id))).data)

    @extend_schema(
        operation_id="goal_scale_update",
        request=GoalScaleWrite,
        responses=GoalScaleSerializer,
        summary="Scale a goal",
        description="Saves the five levels' descriptions (the expected outcome is required) and a weight "
        "from 1 to 10. Send the `version` you read; a level recorded earlier keeps the weight it had.",
    )
    def put(self, request: Request, case_id: int, measure_id: int, goal_id: int) -> Response:
        case = case_for(request, case_id, part=PART, edit=True)
        goal = _goal(case, measure_id, goal_id)
        data = valid(GoalScaleWrite, request.data)
        evaluation_services.save_scale(
            acting_user=self.user(),
            goal=goal,
            texts={name: data[name] for name in evaluation_services.SCALE_FIELDS},
            weight=data["weight"],
            expected_version=data["version"],
        )
        return Response(GoalScaleSerializer(_scale_data(goal)).data)


# --- Evaluations --------------------------------------------------------------------------------------


def _detail(view: ApiView, evaluation: Evaluation) -> dict[str, Any]:
    fresh = (
        Evaluation.objects.select_related("measure__case").prefetch_related("levels").get(pk=evaluation.pk)
    )
    return dict(EvaluationDetailSerializer(fresh, context={"user": view.user()}).data)


class EvaluationListView(ApiView):
    @extend_schema(
        operation_id="evaluations_list",
        responses=EvaluationSerializer(many=True),
        summary="A measure's evaluations, newest first",
    )
    def get(self, request: Request, case_id: int, measure_id: int) -> Response:
        case = case_for(request, case_id, part=PART)
        measure = _measure(case, measure_id)
        return self.page_of(
            Evaluation.objects.filter(measure=measure).order_by("-due_on", "-id"), EvaluationSerializer
        )

    @extend_schema(
        operation_id="evaluations_create",
        request=EvaluationCreate,
        responses={201: EvaluationDetailSerializer},
        summary="Schedule an evaluation",
        description="A measure has one open evaluation at a time.",
    )
    def post(self, request: Request, case_id: int, measure_id: int) -> Response:
        case = case_for(request, case_id, part=PART, edit=True)
        measure = _measure(case, measure_id)
        data = valid(EvaluationCreate, request.data)
        evaluation = evaluation_services.schedule_evaluation(
            acting_user=self.user(), measure=measure, due_on=data["due_on"]
        )
        return created(_detail(self, evaluation), location=_evaluation_url(evaluation))


class EvaluationDetailView(ApiView):
    @extend_schema(
        operation_id="evaluations_retrieve",
        responses=EvaluationDetailSerializer,
        summary="One evaluation, with the goals' levels and the judgements",
        description="The independent reviewer sees no other judgement until their own is recorded.",
    )
    def get(self, request: Request, case_id: int, measure_id: int, evaluation_id: int) -> Response:
        case = case_for(request, case_id, part=PART)
        return Response(_detail(self, _evaluation(case, measure_id, evaluation_id)))


class EvaluationLevelsView(ApiView):
    @extend_schema(
        operation_id="evaluation_levels_create",
        request=LevelsWrite,
        responses={200: EvaluationDetailSerializer},
        summary="Record the goals' levels",
        description="Each scaled goal's level (−2 … +2) at this evaluation; the T-score is computed from all "
        "the levels recorded, each with its goal's weight at the time.",
    )
    def post(self, request: Request, case_id: int, measure_id: int, evaluation_id: int) -> Response:
        case = case_for(request, case_id, part=PART, edit=True)
        evaluation = _evaluation(case, measure_id, evaluation_id)
        data = valid(LevelsWrite, request.data)
        evaluation_services.record_levels(
            acting_user=self.user(),
            evaluation=evaluation,
            levels={row["goal"]: int(row["level"]) for row in data["levels"]},
        )
        return created(_detail(self, evaluation), location=_evaluation_url(evaluation), status_code=200)


class EvaluationJudgementsView(ApiView):
    @extend_schema(
        operation_id="evaluation_judgements_create",
        request=JudgementWrite,
        responses={201: JudgementSerializer},
        summary="Record a judgement of the desired effect",
        description="The service's, a parent's (`member`: the parent in the case's network; a second POST "
        "for the same parent changes it) or the independent reviewer's (by the reviewer only). The "
        "child's view is given on the child's own form.",
    )
    def post(self, request: Request, case_id: int, measure_id: int, evaluation_id: int) -> Response:
        case = case_for(request, case_id, part=PART)
        evaluation = _evaluation(case, measure_id, evaluation_id)
        if not selectors.may_judge(user=self.user(), evaluation=evaluation):
            raise Http404
        data = valid(JudgementWrite, request.data)
        judgement = evaluation_services.record_judgement(
            acting_user=self.user(),
            evaluation=evaluation,
            perspective=data["perspective"],
            effect=data["effect"],
            text=data["text"],
            member_id=data["member"],
        )
        return created(JudgementSerializer(judgement).data, location=_evaluation_url(evaluation))


class EvaluationCloseView(ApiView):
    @extend_schema(
        operation_id="evaluation_close",
        request=CloseWrite,
        responses={200: EvaluationDetailSerializer},
        summary="Close the evaluation with its next step",
        description="Continue, change or end, who asked for it and why; updates the measure plan (a new "
        "version, evaluated on `held_on`). Send the evaluation's `version` you read.",
    )
    def post(self, request: Request, case_id: int, measure_id: int, evaluation_id: int) -> Response:
        case = case_for(request, case_id, part=PART, edit=True)
        evaluation = _evaluation(case, measure_id, evaluation_id)
        data = valid(CloseWrite, request.data)
        evaluation_services.close_evaluation(
            acting_user=self.user(),
            evaluation=evaluation,
            held_on=data["held_on"],
            next_step=data["next_step"],
            requested_by=data["requested_by"],
            reason=data["reason"],
            expected_version=data["version"],
        )
        return created(_detail(self, evaluation), location=_evaluation_url(evaluation), status_code=200)


# --- Ratings and instruments --------------------------------------------------------------------------


class RatingListView(ApiView):
    @extend_schema(
        operation_id="ratings_list",
        parameters=[RatingFilter],
        responses=RatingSerializer(many=True),
        summary="The case's ratings, oldest first",
        description="Each with the instrument version it was made with.",
    )
    def get(self, request: Request, case_id: int) -> Response:
        case = case_for(request, case_id, part=PART)
        f = valid(RatingFilter, request.query_params)
        ratings = Rating.objects.filter(case=case).select_related("instrument").order_by("rated_on", "id")
        if f["measure"] is not None:
            ratings = ratings.filter(measure_id=f["measure"])
        return self.page_of(ratings, RatingSerializer)

    @extend_schema(
        operation_id="ratings_create",
        request=RatingWrite,
        responses={201: RatingSerializer},
        summary="Record a rating",
        description="Every item of the instrument rated 0–10; the total is their mean. The instrument is "
        "the current version of one of Sirkel's or of the case's service, not retired.",
    )
    def post(self, request: Request, case_id: int) -> Response:
        case = case_for(request, case_id, part=PART, edit=True)
        data = valid(RatingWrite, request.data)
        instrument = selectors.instruments_for(user=self.user()).filter(pk=data["instrument"]).first()
        if instrument is None:
            raise Http404
        measure = None
        if data["measure"] is not None:
            measure = _measure(case, data["measure"])
        rating = record_rating(
            acting_user=self.user(),
            case=case,
            measure=measure,
            instrument=instrument,
            respondent=data["respondent"],
            rated_on=data["rated_on"],
            scores=data["scores"],
        )
        return created(RatingSerializer(rating).data, location=request.path)


class InstrumentListView(ApiView):
    @extend_schema(
        operation_id="instruments_list",
        responses=InstrumentSerializer(many=True),
        summary="The rating instruments",
        description="The generic ones Sirkel ships (`service` null) and your services' own, every version.",
    )
    def get(self, request: Request) -> Response:
        return self.page_of(selectors.instruments_for(user=self.user()), InstrumentSerializer)


# --- The effect overview ------------------------------------------------------------------------------

_BAND_NAMES = dict(zip(T_BANDS, ("below_40", "from_40_to_49", "from_50_to_59", "from_60"), strict=True))


def overview_data(data: selectors.EffectOverview) -> dict[str, Any]:
    o = data.overview
    return {
        "service": data.service.pk,
        "year": data.year,
        "years": data.years,
        "smallest_cell": MIN_CELL,
        "effects": [
            {
                "kind": r.kind,
                "kind_label": str(measure_taxonomy.kind_label(r.kind)),
                "perspective": r.perspective,
                "judged": r.judged,
                **{e: r.counts[e] for e in EFFECTS},
                **{f"{e}_share": r.shares[e] for e in EFFECTS},
                "not_assessed": r.not_assessed,
                "declined": r.declined,
            }
            for r in o.effects
        ],
        "agreement": [
            {
                "first": a.first,
                "second": a.second,
                "pairs": a.pairs,
                "agree": a.agree,
                "disagree": a.disagree,
                "share": a.share,
            }
            for a in o.agreement
        ],
        "t_scores": {
            "total": o.t_scores.total,
            **{_BAND_NAMES[b]: o.t_scores.bands[b] for b in T_BANDS},
            "median": o.t_scores.median,
        },
        "overdue": [
            {
                "evaluation": e.pk,
                "case": e.measure.case_id,
                "case_reference": e.measure.case.reference,
                "measure": e.measure_id,
                "kind": e.measure.kind,
                "due_on": e.due_on,
            }
            for e in data.overdue
        ],
    }


class EffectOverviewView(ApiView):
    @extend_schema(
        operation_id="effect_overview_retrieve",
        parameters=[OverviewFilter],
        responses=OverviewSerializer,
        summary="The effect overview of a service you lead",
        description="Per kind of measure and perspective the judgements of the desired effect and the "
        "shares yes / partly / no (not assessed and the child declining are apart, not in the shares; the "
        "child's faces 4–5 count as yes, 3 partly, 1–2 no); how often the perspectives agree; the T-score "
        "distribution; the evaluations overdue. A count below `smallest_cell` is null, and so is a share "
        "from it; where a row's total is shown, more cells are nulled so none can be worked out. For the "
        "service's leaders only (404 for anyone else).",
    )
    def get(self, request: Request, service_id: int) -> Response:
        f = valid(OverviewFilter, request.query_params)
        with transaction.atomic():
            data = selectors.effect_overview(user=self.user(), service_id=service_id, year=f["year"])
        return Response(OverviewSerializer(overview_data(data)).data)
