"""/api/: version 1 of the REST API (each app keeps its endpoints beside its views), the OpenAPI
document and its interactive documentation."""

from django.urls import URLPattern, URLResolver, include, path

from sirkel.api.views import DocsView, SchemaView
from sirkel.cases.import_api import MeasureImportView

app_name = "api"

v1: list[URLPattern | URLResolver] = [
    path("", include("sirkel.cases.api_urls")),
    path("", include("sirkel.network.api_urls")),
    path("", include("sirkel.meetings.api_urls")),
    path("", include("sirkel.actions.api_urls")),
    path("", include("sirkel.evaluation.api_urls")),
    path("", include("sirkel.stats.api_urls")),
    path("imports/measures", MeasureImportView.as_view(), name="import_measures"),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
]
