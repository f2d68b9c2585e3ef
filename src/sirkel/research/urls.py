"""/forskning/: research projects' grants (for the service's leaders), a researcher's projects and their
de-identified exports."""

from django.urls import path

from sirkel.research import export_views, views

app_name = "research"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("tilganger/", views.grants, name="grants"),
    path("tilganger/trekk-tilbake/", views.revoke, name="revoke"),
    path("prosjekt/<slug:slug>/", views.project, name="project"),
    path("prosjekt/<slug:slug>/eksport/", export_views.export, name="export"),
    path("prosjekt/<slug:slug>/eksport/<id:job_id>/", export_views.export_job, name="export_job"),
    path(
        "prosjekt/<slug:slug>/eksport/<id:job_id>/last-ned/",
        export_views.export_download,
        name="export_download",
    ),
]
