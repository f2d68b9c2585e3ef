from django.urls import path

from sirkel.cases import api, api_decisions

urlpatterns = [
    path("cases/", api.CaseListView.as_view(), name="cases"),
    path("cases/<id:case_id>/", api.CaseDetailView.as_view(), name="case"),
    path("cases/<id:case_id>/measures/", api.MeasureListView.as_view(), name="measures"),
    path("cases/<id:case_id>/measures/<id:measure_id>/", api.MeasureDetailView.as_view(), name="measure"),
    # Decisions, the measure plan and goals
    path("cases/<id:case_id>/decisions/", api_decisions.DecisionListView.as_view(), name="decisions"),
    path(
        "cases/<id:case_id>/decisions/<id:decision_id>/",
        api_decisions.DecisionDetailView.as_view(),
        name="decision",
    ),
    path("cases/<id:case_id>/plan/", api_decisions.PlanView.as_view(), name="plan"),
    path(
        "cases/<id:case_id>/plan/versions/", api_decisions.PlanVersionListView.as_view(), name="plan_versions"
    ),
    path(
        "cases/<id:case_id>/plan/versions/<id:number>/",
        api_decisions.PlanVersionDetailView.as_view(),
        name="plan_version",
    ),
    path(
        "cases/<id:case_id>/measures/<id:measure_id>/goals/",
        api_decisions.GoalListView.as_view(),
        name="goals",
    ),
]
