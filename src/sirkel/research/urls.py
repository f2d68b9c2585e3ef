"""/forskning/: research projects' grants (for the service's leaders) and a researcher's projects."""

from django.urls import path

from sirkel.research import views

app_name = "research"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("tilganger/", views.grants, name="grants"),
    path("tilganger/trekk-tilbake/", views.revoke, name="revoke"),
    path("prosjekt/<slug:slug>/", views.project, name="project"),
]
