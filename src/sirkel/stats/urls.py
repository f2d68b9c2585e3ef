"""/statistikk/: the leaders' statistics — the service dashboard with its drill-downs, and the SSB table.

`stats` reads through selectors and writes no case data (docs/architecture.md)."""

from django.urls import URLPattern, URLResolver, path

from sirkel.stats import dashboard_views, ssb_views

app_name = "stats"

urlpatterns: list[URLPattern | URLResolver] = [
    # the dashboard and its drill-downs (dashboard_views)
    path("", dashboard_views.dashboard, name="dashboard"),
    path("liste/<slug:figure>/", dashboard_views.drilldown, name="drilldown"),
    # the SSB table and its trend (ssb_views)
    path("ssb-fil/", ssb_views.ssb_export, name="ssb_export"),  # the file for federated figures
    path("ssb/", ssb_views.ssb_page, name="ssb"),
    path("ssb.csv", ssb_views.ssb_csv, name="ssb_csv"),
]
