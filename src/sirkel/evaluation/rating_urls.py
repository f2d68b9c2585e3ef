"""Routes of the rating pages: a case's ratings (/saker/<case_id>/skaringer/) and the service's rating
instruments, kept by its leaders (/tjeneste/instrumenter/…)."""

from django.urls import path

from sirkel.evaluation import rating_views

app_name = "ratings"

urlpatterns = [
    path("saker/<id:case_id>/skaringer/", rating_views.case_ratings_page, name="case"),
    path("tjeneste/instrumenter/", rating_views.instruments, name="instruments"),
    path("tjeneste/instrumenter/ny/", rating_views.instrument_new, name="instrument_new"),
    path("tjeneste/instrumenter/<id:instrument_id>/", rating_views.instrument_edit, name="instrument_edit"),
    path(
        "tjeneste/instrumenter/<id:instrument_id>/trekk-tilbake/",
        rating_views.instrument_retire,
        name="instrument_retire",
    ),
]
