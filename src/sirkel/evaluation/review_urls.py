"""The independent reviewer's own list (`evalueringer/`), outside any case: where they find the cases
they review."""

from django.urls import path

from sirkel.evaluation import views

app_name = "reviews"

urlpatterns = [
    path("mine/", views.my_reviews, name="mine"),
]
