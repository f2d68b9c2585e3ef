from django.urls import path

from sirkel.cases import api

urlpatterns = [
    path("cases/", api.CaseListView.as_view(), name="cases"),
    path("cases/<id:case_id>/", api.CaseDetailView.as_view(), name="case"),
    path("cases/<id:case_id>/measures/", api.MeasureListView.as_view(), name="measures"),
    path("cases/<id:case_id>/measures/<id:measure_id>/", api.MeasureDetailView.as_view(), name="measure"),
]
