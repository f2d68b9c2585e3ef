"""Network routes, all under /saker/<case_id>/nettverk/. Each part of the UI has its own views module."""

from django.urls import include, path

app_name = "network"

urlpatterns = [
    path("", include("sirkel.network.views.register")),
    path("", include("sirkel.network.views.snapshots")),
    path("", include("sirkel.network.views.maps")),
    path("", include("sirkel.network.views.exchange")),
    path("", include("sirkel.network.views.perspectives")),
]
