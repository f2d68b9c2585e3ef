from django.urls import path

from sirkel.network import api

urlpatterns = [
    path("cases/<id:case_id>/network/members/", api.NetworkMemberListView.as_view(), name="network_members"),
    path(
        "cases/<id:case_id>/network/members/<id:member_id>/",
        api.NetworkMemberDetailView.as_view(),
        name="network_member",
    ),
    path("cases/<id:case_id>/network/ties/", api.NetworkTieListView.as_view(), name="network_ties"),
    path(
        "cases/<id:case_id>/network/ties/<id:tie_id>/",
        api.NetworkTieDetailView.as_view(),
        name="network_tie",
    ),
    path(
        "cases/<id:case_id>/network/snapshots/",
        api.NetworkSnapshotListView.as_view(),
        name="network_snapshots",
    ),
    path(
        "cases/<id:case_id>/network/snapshots/<id:snapshot_id>/",
        api.NetworkSnapshotDetailView.as_view(),
        name="network_snapshot",
    ),
]
