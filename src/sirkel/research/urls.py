"""/forskning/: research projects' grants (for the service's leaders), a researcher's projects, the
coding of a project's case files, its tables, agreement, disagreements and consensus, and its
de-identified exports."""

from django.urls import path

from sirkel.research import analysis_views, coding_views, export_views, views

app_name = "research"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("tilganger/", views.grants, name="grants"),
    path("tilganger/trekk-tilbake/", views.revoke, name="revoke"),
    path("prosjekt/<slug:slug>/", views.project, name="project"),
    path("prosjekt/<slug:slug>/fordeling/", coding_views.assign, name="assign"),
    path("prosjekt/<slug:slug>/mine-filer/", coding_views.my_files, name="my_files"),
    path("prosjekt/<slug:slug>/koding/<id:assignment_id>/", coding_views.code, name="code"),
    path("prosjekt/<slug:slug>/tabeller/", analysis_views.tables, name="tables"),
    path("prosjekt/<slug:slug>/tabeller.csv", analysis_views.tables_csv, name="tables_csv"),
    path("prosjekt/<slug:slug>/samsvar/", analysis_views.agreement_page, name="agreement"),
    path("prosjekt/<slug:slug>/samsvar.csv", analysis_views.agreement_csv, name="agreement_csv"),
    path("prosjekt/<slug:slug>/uenighet/", analysis_views.disagreements, name="disagreements"),
    path("prosjekt/<slug:slug>/konsensus/", analysis_views.reconcile, name="reconcile"),
    path("prosjekt/<slug:slug>/eksport/", export_views.export, name="export"),
    path("prosjekt/<slug:slug>/eksport/<id:job_id>/", export_views.export_job, name="export_job"),
    path(
        "prosjekt/<slug:slug>/eksport/<id:job_id>/last-ned/",
        export_views.export_download,
        name="export_download",
    ),
]
