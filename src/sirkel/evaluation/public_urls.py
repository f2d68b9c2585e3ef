"""The participants' own pages: /lenke/<token>/ (no account; nothing in the URL but the token)."""

from django.urls import path

from sirkel.evaluation import public_views

app_name = "participant"

urlpatterns = [
    path("<str:token>/", public_views.page, name="page"),
]
