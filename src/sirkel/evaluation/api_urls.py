"""/api/v1/: goal scales, evaluations, ratings and instruments, and the leaders' effect overview."""

from django.urls import path

from sirkel.evaluation import api

MEASURE = "cases/<id:case_id>/measures/<id:measure_id>/"
EVALUATION = MEASURE + "evaluations/<id:evaluation_id>/"

urlpatterns = [
    path(MEASURE + "goals/<id:goal_id>/scale/", api.GoalScaleView.as_view(), name="goal_scale"),
    path(MEASURE + "evaluations/", api.EvaluationListView.as_view(), name="evaluations"),
    path(EVALUATION, api.EvaluationDetailView.as_view(), name="evaluation"),
    path(EVALUATION + "levels/", api.EvaluationLevelsView.as_view(), name="evaluation_levels"),
    path(EVALUATION + "judgements/", api.EvaluationJudgementsView.as_view(), name="evaluation_judgements"),
    path(EVALUATION + "close/", api.EvaluationCloseView.as_view(), name="evaluation_close"),
    path("cases/<id:case_id>/ratings/", api.RatingListView.as_view(), name="ratings"),
    path("instruments/", api.InstrumentListView.as_view(), name="instruments"),
    path("services/<id:service_id>/effect/", api.EffectOverviewView.as_view(), name="effect_overview"),
]
