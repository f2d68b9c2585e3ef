from django.urls import path

from sirkel.actions import api

ACTIONS = "cases/<id:case_id>/measures/<id:measure_id>/actions/"

urlpatterns = [
    path(ACTIONS, api.ActionListView.as_view(), name="actions"),
    path(ACTIONS + "<id:action_id>/", api.ActionDetailView.as_view(), name="action"),
    path(ACTIONS + "<id:action_id>/reviews/", api.ReviewListView.as_view(), name="action_reviews"),
]
