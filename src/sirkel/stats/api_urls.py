"""/api/v1/: the leaders' SSB table."""

from django.urls import path

from sirkel.stats import api

urlpatterns = [
    path("services/<id:service_id>/ssb/", api.SsbTableView.as_view(), name="ssb_table"),
]
