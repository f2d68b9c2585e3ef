"""Routes for action plans and overviews."""

from django.urls import include, path

app_name = "actions"

urlpatterns = [
    path("", include("sirkel.actions.views.actions")),
]
