"""/effekt/: the leaders' effect overview."""

from django.urls import path

from sirkel.evaluation import overview_views

app_name = "effect"

urlpatterns = [
    path("", overview_views.overview, name="overview"),
]
