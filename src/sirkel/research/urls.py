"""/forskning/: research projects' grants (for the service's leaders), a researcher's projects, and
the coding of a project's case files."""

from django.urls import path

from sirkel.research import coding_views, views

app_name = "research"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("tilganger/", views.grants, name="grants"),
    path("tilganger/trekk-tilbake/", views.revoke, name="revoke"),
    path("prosjekt/<slug:slug>/", views.project, name="project"),
    path("prosjekt/<slug:slug>/fordeling/", coding_views.assign, name="assign"),
    path("prosjekt/<slug:slug>/mine-filer/", coding_views.my_files, name="my_files"),
    path("prosjekt/<slug:slug>/koding/<int:assignment_id>/", coding_views.code, name="code"),
]
