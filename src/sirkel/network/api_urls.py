from django.urls import path

from sirkel.network import api

urlpatterns = [
    path("cases/<int:case_id>/network/members/", api.NetworkMemberListView.as_view(), name="network_members"),
    path(
        "cases/<int:case_id>/network/members/<int:member_id>/",
        api.NetworkMemberDetailView.as_view(),
        name="network_member",
    ),
    path("cases/<int:case_id>/network/ties/", api.NetworkTieListView.as_view(), name="network_ties"),
    path(
        "cases/<int:case_id>/network/ties/<int:tie_id>/",
        api.NetworkTieDetailView.as_view(),
        name="network_tie",
    ),
    path(
        "cases/<int:case_id>/network/snapshots/",
        api.NetworkSnapshotListView.as_view(),
        name="network_snapshots",
    ),
    path(
        "cases/<int:case_id>/network/snapshots/<int:snapshot_id>/",
        api.NetworkSnapshotDetailView.as_view(),
        name="network_snapshot",
    ),
]
