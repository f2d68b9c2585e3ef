"""The staff pages of the evaluation app, under a case (`saker/<case>/`)."""

from django.urls import path

from sirkel.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("tiltak/<id:measure_id>/malskala/", views.scales, name="scales"),
    path("tiltak/<id:measure_id>/evalueringer/", views.measure_evaluations, name="measure_evaluations"),
    path("tiltak/<id:measure_id>/evalueringer/ny/", views.schedule, name="schedule"),
    path("evaluering/<id:evaluation_id>/", views.detail, name="detail"),
    path("evaluering/<id:evaluation_id>/nivaer/", views.levels, name="levels"),
    path("evaluering/<id:evaluation_id>/tjenesten/", views.service_judgement, name="service_judgement"),
    path("evaluering/<id:evaluation_id>/forelder/", views.parent_judgement, name="parent_judgement"),
    path("evaluering/<id:evaluation_id>/barnet/", views.child_view, name="child_view"),
    path("evaluering/<id:evaluation_id>/kontrollor/", views.reviewer_judgement, name="reviewer_judgement"),
    path("evaluering/<id:evaluation_id>/velg-kontrollor/", views.choose_reviewer, name="choose_reviewer"),
    path("evaluering/<id:evaluation_id>/avslutt/", views.close, name="close"),
]
