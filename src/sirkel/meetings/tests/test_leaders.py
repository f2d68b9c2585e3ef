"""The register of trained meeting leaders: kept by a service's leaders, read by everyone in the service."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sirkel.accounts.models import Membership, Role, Service, User
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.meetings.models import TrainedLeader
from sirkel.meetings.selectors import leader_candidates
from sirkel.meetings.services.leaders import save_trained_leader
from sirkel.meetings.tests.series_support import train, visiting_leader
from sirkel.testing.fixtures import client_for, make_user


@pytest.mark.django_db
def test_a_service_leader_adds_and_deactivates_a_trained_leader(
    leader: User, consultant: User, service: Service
) -> None:
    entry = save_trained_leader(
        acting_user=leader, service=service, user=consultant, training="Nettverksmøteleder", shared=True
    )
    assert entry.service == service and entry.shared and entry.active
    assert consultant in leader_candidates(service_id=service.pk)
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="trained_leader").exists()

    save_trained_leader(acting_user=leader, service=service, user=consultant, active=False)
    entry.refresh_from_db()
    assert not entry.active and not entry.shared
    assert consultant not in leader_candidates(service_id=service.pk)
    assert TrainedLeader.objects.count() == 1


@pytest.mark.django_db
def test_an_administrator_may_keep_the_register_but_a_caseworker_may_not(
    service: Service, caseworker: User, consultant: User
) -> None:
    admin = make_user("admin", service, Role.ADMINISTRATOR)
    assert save_trained_leader(acting_user=admin, service=service, user=consultant).pk
    with pytest.raises(PermissionDenied):
        save_trained_leader(acting_user=caseworker, service=service, user=caseworker)


@pytest.mark.django_db
def test_only_people_of_the_service_can_be_registered(
    leader: User, service: Service, outsider: User, researcher: User
) -> None:
    for user in (outsider, researcher):
        with pytest.raises(ValidationError) as err:
            save_trained_leader(acting_user=leader, service=service, user=user)
        assert "user" in err.value.message_dict
    assert not TrainedLeader.objects.exists()


@pytest.mark.django_db
def test_someone_registered_by_another_service_is_not_taken_over(
    leader: User, service: Service, other_service: Service
) -> None:
    both = make_user("both", other_service, Role.CONSULTANT)
    Membership.objects.create(user=both, service=service, role=Role.CONSULTANT)
    train(both, other_service)
    with pytest.raises(ValidationError):
        save_trained_leader(acting_user=leader, service=service, user=both)
    assert TrainedLeader.objects.get(user=both).service == other_service


@pytest.mark.django_db
def test_shared_leaders_are_candidates_for_other_services(
    service: Service, other_service: Service, consultant: User
) -> None:
    train(consultant, service, shared=False)
    visitor = visiting_leader(other_service)
    mine = leader_candidates(service_id=service.pk)
    theirs = leader_candidates(service_id=other_service.pk)
    assert set(mine) == {consultant, visitor}
    assert set(theirs) == {visitor}  # not shared: stays in its own service


# --- The page -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_everyone_in_the_service_reads_the_register(
    service: Service, consultant: User, caseworker: User, researcher: User, other_service: Service
) -> None:
    train(consultant, service, shared=True)
    visitor = visiting_leader(other_service)
    for reader in (caseworker, researcher):
        response = client_for(reader).get(reverse("meetings:leaders"))
        assert response.status_code == 200
        body = response.content.decode()
        assert consultant.display_name() in body and visitor.display_name() in body
        assert 'name="user"' not in body  # no form for readers
    assert AuditEvent.objects.filter(action=AuditAction.LIST, object_type="trained_leader").exists()


@pytest.mark.django_db
def test_readers_cannot_write_to_the_register(service: Service, caseworker: User, consultant: User) -> None:
    response = client_for(caseworker).post(
        reverse("meetings:leaders"), {"user": consultant.pk, "active": "on"}
    )
    assert response.status_code == 404
    assert not TrainedLeader.objects.exists()


@pytest.mark.django_db
def test_the_leader_adds_and_edits_through_the_pages(
    leader: User, consultant: User, service: Service
) -> None:
    client = client_for(leader)
    page = client.get(reverse("meetings:leaders")).content.decode()
    assert 'name="user"' in page
    response = client.post(
        reverse("meetings:leaders"),
        {
            "tjeneste": service.pk,
            "user": consultant.pk,
            "training": "Kurs 2024",
            "active": "on",
            "shared": "on",
        },
    )
    assert response.status_code == 302
    entry = TrainedLeader.objects.get(user=consultant)
    assert entry.training == "Kurs 2024" and entry.shared

    edit_url = reverse("meetings:leader_edit", args=[entry.pk])
    assert client.get(edit_url).status_code == 200
    assert client.post(edit_url, {"training": "Kurs 2024", "note": "Permisjon"}).status_code == 302
    entry.refresh_from_db()
    assert not entry.active and not entry.shared and entry.note == "Permisjon"


@pytest.mark.django_db
def test_the_register_is_404_for_other_services(
    service: Service, consultant: User, outsider: User, leader: User
) -> None:
    entry = train(consultant, service)
    client = client_for(outsider)
    assert client.get(reverse("meetings:leaders"), {"tjeneste": service.pk}).status_code == 404
    assert client.post(f"{reverse('meetings:leaders')}?tjeneste={service.pk}", {}).status_code == 404
    edit_url = reverse("meetings:leader_edit", args=[entry.pk])
    assert client.get(edit_url).status_code == 404
    assert client.post(edit_url, {"active": ""}).status_code == 404
    entry.refresh_from_db()
    assert entry.active
    nobody = User.objects.create_user(username="nobody", password="x-y-z-long-password")
    assert client_for(nobody).get(reverse("meetings:leaders")).status_code == 404


@pytest.mark.django_db
def test_register_page_query_count_does_not_grow_with_the_register(leader: User, service: Service) -> None:
    client = client_for(leader)
    url = reverse("meetings:leaders")
    train(make_user("first", service, Role.CONSULTANT), service)
    client.get(url)  # the first request of a session does some one-off work
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for n in range(5):
        train(make_user(f"more{n}", service, Role.CONSULTANT), service, shared=True)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small)
