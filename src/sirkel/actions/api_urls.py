from django.urls import path

from sirkel.actions import api

ACTIONS = "cases/<int:case_id>/measures/<int:measure_id>/actions/"

urlpatterns = [
    path(ACTIONS, api.ActionListView.as_view(), name="actions"),
    path(ACTIONS + "<int:action_id>/", api.ActionDetailView.as_view(), name="action"),
    path(ACTIONS + "<int:action_id>/reviews/", api.ReviewListView.as_view(), name="action_reviews"),
]
