"""Reads of a case's network. The case itself is always fetched through the scoped case selector."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from sirkel.cases.models import Case
from sirkel.network.models import NetworkMember, NetworkSnapshot, NetworkTie, PerspectiveEntry


@dataclass(frozen=True)
class Network:
    members: list[NetworkMember]
    ties: list[NetworkTie]


def network_for_case(*, case: Case) -> Network:
    """All members and ties of a case: two queries whatever the size."""
    members = list(NetworkMember.objects.filter(case=case).order_by("ring", "sector", "name", "id"))
    ties = list(NetworkTie.objects.filter(case=case).order_by("a_id", "b_id"))
    return Network(members=members, ties=ties)


def get_member(*, case: Case, member_id: int) -> NetworkMember:
    """A member of this case's network, or 404 (ids of other cases' members reveal nothing)."""
    member = NetworkMember.objects.filter(case=case, pk=member_id).first()
    if member is None:
        raise Http404
    return member


def get_tie(*, case: Case, tie_id: int) -> NetworkTie:
    tie = NetworkTie.objects.filter(case=case, pk=tie_id).select_related("a", "b").first()
    if tie is None:
        raise Http404
    return tie


def snapshots_for_case(*, case: Case) -> QuerySet[NetworkSnapshot]:
    return NetworkSnapshot.objects.filter(case=case).select_related("created_by").order_by("-taken_at", "-id")


def get_snapshot(*, case: Case, snapshot_id: int) -> NetworkSnapshot:
    snapshot = NetworkSnapshot.objects.filter(case=case, pk=snapshot_id).first()
    if snapshot is None:
        raise Http404
    return snapshot


def flagged_members(*, case: Case) -> list[NetworkMember]:
    """The case's members who are not to be shown to the family or the network (see `audience.py`)."""
    return list(
        NetworkMember.objects.filter(case=case)
        .filter(Q(hide_in_prints=True) | Q(protected_address=True) | Q(no_contact=True))
        .only("id", "hide_in_prints", "protected_address", "no_contact")
    )


def wished_hidden(*, case: Case) -> set[int]:
    """The register members someone asked, on their own map of this case, not to be shown to others
    (a `PerspectiveEntry` marked hidden and linked to the member): prints for the family and the network
    leave them out as if `hide_in_prints` were set, until the caseworker decides otherwise on the maps
    page (the wish stays on the drawer's map; the register is not changed by it)."""
    return set(
        PerspectiveEntry.objects.filter(map__case=case, hidden=True, member__isnull=False).values_list(
            "member_id", flat=True
        )
    )
