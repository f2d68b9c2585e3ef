"""Routes for action plans and overviews."""

from django.urls import include, path

app_name = "plans"

urlpatterns = [
    path("", include("sirkel.plans.views.actions")),
]
