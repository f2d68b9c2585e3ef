"""Routes for the agreed actions (under a measure) and the follow-up overview."""

from django.urls import include, path

app_name = "actions"

urlpatterns = [
    path("", include("sirkel.actions.views.actions")),
]
