"""Staff pages for participant links: /saker/<case>/tiltak/<measure>/lenker/ (the measure's own path)."""

from django.urls import path

from sirkel.evaluation import link_views
from sirkel.meetings.views.common import MEASURE_PATH

app_name = "links"

urlpatterns = [
    path(MEASURE_PATH + "lenker/", link_views.links_page, name="links"),
    path(MEASURE_PATH + "lenker/<id:link_id>/stopp/", link_views.revoke, name="revoke"),
]
