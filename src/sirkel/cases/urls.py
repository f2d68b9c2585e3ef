from django.urls import path

from sirkel.cases import (
    decision_views,
    import_views,
    innsyn_views,
    measure_views,
    plan_documents,
    plan_views,
    views,
)

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("ny/", views.case_create, name="create"),
    path("nodtilgang/", views.break_glass_view, name="break_glass"),
    path("nodtilgang/oversikt/", views.break_glass_overview, name="break_glass_overview"),
    path("<id:case_id>/", views.case_detail, name="detail"),
    path("<id:case_id>/rediger/", views.case_edit, name="edit"),
    path("<id:case_id>/innsyn/", views.case_access_history, name="access_log"),
    path("<id:case_id>/partsinnsyn/", innsyn_views.innsyn, name="innsyn"),
    path("<id:case_id>/partsinnsyn/<id:innsyn_id>/", innsyn_views.innsyn_detail, name="innsyn_detail"),
    path("<id:case_id>/partsinnsyn/<id:innsyn_id>/pdf/", innsyn_views.innsyn_pdf, name="innsyn_pdf"),
    path("<id:case_id>/partsinnsyn/<id:innsyn_id>/zip/", innsyn_views.innsyn_zip, name="innsyn_zip"),
    path("<id:case_id>/vedtak/nytt/", decision_views.decision_new, name="decision_new"),
    path("<id:case_id>/vedtak/<id:decision_id>/", decision_views.decision_detail, name="decision"),
    path("<id:case_id>/tiltaksplan/", plan_views.plan, name="plan"),
    path("<id:case_id>/tiltaksplan/endre/", plan_views.plan_edit, name="plan_edit"),
    path("<id:case_id>/tiltaksplan/versjon/<id:number>/", plan_views.plan_version, name="plan_version"),
    path("<id:case_id>/tiltak/<id:measure_id>/endre/", measure_views.measure_edit, name="measure_edit"),
    path("<id:case_id>/tiltaksplan/pdf/", plan_documents.plan_pdf, name="plan_pdf"),
    path("<id:case_id>/tiltaksplan/utskrift/", plan_documents.plan_print, name="plan_print"),
    path("import/tiltak/", import_views.import_measures, name="import_measures"),
    path("import/tiltak/<id:job_id>/", import_views.import_job, name="import_job"),
    path("import/tiltak/<id:job_id>/bekreft/", import_views.import_confirm, name="import_confirm"),
]
