"""Starting a network measure on a case, choosing its leader, and who may see the series."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from sirkel.accounts.models import Role, Service, User
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.cases.models import Case, MeasureKind
from sirkel.meetings.models import (
    ConsentParty,
    Meeting,
    Participant,
    ParticipantRole,
    Screening,
    Series,
    SeriesStatus,
)
from sirkel.meetings.services import leaders
from sirkel.meetings.services import series as series_services
from sirkel.meetings.services.screening import SMALL_NETWORK_THRESHOLD
from sirkel.meetings.tests.series_support import assert_404_for, consent, start, train, visiting_leader
from sirkel.network.models import NetworkMember, Side
from sirkel.testing.factories import decide, make_series
from sirkel.testing.fixtures import client_for, make_user

# --- Starting a series ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_starting_a_series_prefills_the_screening_from_the_case_and_network(
    make_case: Callable[..., Case], caseworker: User, service: Service, consultant: User
) -> None:
    case = make_case(
        owner=caseworker, service=service, minority_background=True, parent_cognitive_difficulties=True
    )
    for n in range(SMALL_NETWORK_THRESHOLD - 1):
        NetworkMember.objects.create(case=case, name=f"Slekt {n}", side=Side.PRIVATE)
    NetworkMember.objects.create(case=case, name="Skolen", side=Side.PUBLIC)
    train(consultant, service)

    series = start(case, leader=consultant)

    assert series.status == SeriesStatus.SCREENING
    assert series.caseworker == caseworker and series.leader == consultant
    screening = Screening.objects.get(series=series)
    assert screening.minority_background and screening.parent_cognitive_difficulties
    assert screening.small_network  # three private people: fewer than the threshold
    assert not screening.violence_unacknowledged and screening.decision == ""
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="series", object_id=str(series.pk))
    assert event.actor == caseworker and event.detail["kind"] == MeasureKind.NETWORK_MEETING


@pytest.mark.django_db
def test_a_network_of_the_threshold_size_is_not_small(case: Case) -> None:
    for n in range(SMALL_NETWORK_THRESHOLD):
        NetworkMember.objects.create(case=case, name=f"Venn {n}", side=Side.PRIVATE)
    series = start(case)
    assert not series.screening.small_network


@pytest.mark.django_db
def test_only_people_who_may_edit_the_case_can_start_a_measure(
    case: Case, teammate: User, researcher: User, outsider: User, leader: User
) -> None:
    for user in (teammate, researcher, outsider):
        with pytest.raises(PermissionDenied):
            start(case, by=user)
    assert not Series.objects.exists()
    assert start(case, by=leader).pk  # the service leader may


@pytest.mark.django_db
def test_a_start_meeting_only_while_the_case_is_investigated(
    make_case: Callable[..., Case], caseworker: User, service: Service
) -> None:
    supported = make_case(owner=caseworker, service=service, phase="support")
    with pytest.raises(ValidationError) as err:
        start(supported, kind=MeasureKind.START_MEETING)
    assert "kind" in err.value.message_dict
    investigated = make_case(owner=caseworker, service=service, phase="investigation")
    assert start(investigated, kind=MeasureKind.START_MEETING).kind == MeasureKind.START_MEETING


@pytest.mark.django_db
def test_no_new_measure_on_a_closed_case(
    make_case: Callable[..., Case], caseworker: User, service: Service
) -> None:
    closed = make_case(owner=caseworker, service=service, phase="closed")
    with pytest.raises(ValidationError):
        start(closed)


@pytest.mark.django_db
def test_the_responsible_caseworker_must_work_on_the_case(case: Case, teammate: User) -> None:
    with pytest.raises(ValidationError) as err:
        series_services.start_series(
            acting_user=case.caseworker,
            case=case,
            kind=MeasureKind.NETWORK_MEETING,
            measure=decide(case=case, kind=MeasureKind.NETWORK_MEETING),
            caseworker=teammate,
        )
    assert "caseworker" in err.value.message_dict


# --- The leader -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_leader_cannot_be_the_caseworker(case: Case, caseworker: User, service: Service) -> None:
    train(caseworker, service)
    with pytest.raises(ValidationError) as err, translation.override("en"):
        start(case, leader=caseworker)
    assert "cannot be the responsible caseworker" in err.value.message_dict["leader"][0]


@pytest.mark.django_db
def test_the_database_refuses_a_leader_who_is_the_caseworker(case: Case, caseworker: User) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make_series(case=case, kind=MeasureKind.NETWORK_MEETING, caseworker=caseworker, leader=caseworker)


@pytest.mark.django_db
def test_a_leader_must_be_trained_here_or_shared_by_another_service(
    case: Case, service: Service, other_service: Service, consultant: User, teammate: User
) -> None:
    # Untrained: refused.
    with pytest.raises(ValidationError):
        start(case, leader=consultant)
    # Trained in another service that does not share them: refused.
    private_elsewhere = make_user("elsewhere", other_service, Role.CONSULTANT)
    train(private_elsewhere, other_service, shared=False)
    with pytest.raises(ValidationError):
        start(case, leader=private_elsewhere)
    # Deactivated in the register: refused.
    train(teammate, service, active=False)
    with pytest.raises(ValidationError):
        start(case, leader=teammate)
    # Trained in this service, or shared by another: accepted.
    train(consultant, service)
    assert start(case, leader=consultant).leader == consultant
    visitor = visiting_leader(other_service)
    assert start(case, leader=visitor).leader == visitor


@pytest.mark.django_db
def test_the_leader_can_be_chosen_later(case: Case, service: Service, consultant: User) -> None:
    series = start(case)
    assert series.leader is None
    train(consultant, service)
    leaders.set_leader(acting_user=case.caseworker, series=series, leader=consultant)
    series.refresh_from_db()
    assert series.leader == consultant
    assert AuditEvent.objects.filter(object_type="series", detail__field="leader").exists()


@pytest.mark.django_db
def test_the_leader_cannot_be_removed_once_a_meeting_is_planned(
    case: Case, service: Service, consultant: User
) -> None:
    train(consultant, service)
    series = start(case, leader=consultant)
    Meeting.objects.create(series=series, sequence=1)
    with pytest.raises(ValidationError):
        leaders.set_leader(acting_user=case.caseworker, series=series, leader=None)


@pytest.mark.django_db
def test_choosing_the_leader_through_the_page(case: Case, service: Service, consultant: User) -> None:
    series = start(case)
    train(consultant, service)
    response = client_for(case.caseworker).post(
        reverse("meetings:set_leader", args=[series.case_id, series.measure_id]), {"leader": consultant.pk}
    )
    assert response.status_code == 302
    series.refresh_from_db()
    assert series.leader == consultant


# --- Pages and who may see them -------------------------------------------------------------------------


@pytest.mark.django_db
def test_starting_a_series_through_the_page(case: Case, service: Service, consultant: User) -> None:
    train(consultant, service)
    decided = decide(case=case, kind=MeasureKind.NETWORK_MEETING)
    client = client_for(case.caseworker)
    page = client.get(reverse("meetings:start", args=[case.pk]))
    assert page.status_code == 200
    assert f'value="{case.caseworker.pk}" selected' in page.content.decode()  # default: the case's caseworker
    assert MeasureKind.START_MEETING.value not in page.content.decode()  # case is not being investigated
    response = client.post(
        reverse("meetings:start", args=[case.pk]),
        {"measure": decided.pk, "caseworker": case.caseworker.pk, "leader": consultant.pk},
    )
    series = Series.objects.get()
    assert series.measure == decided
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:screening", args=[series.case_id, series.measure_id])


@pytest.mark.django_db
def test_the_start_page_explains_a_refused_leader(case: Case, service: Service) -> None:
    train(case.caseworker, service)
    decided = decide(case=case, kind=MeasureKind.NETWORK_MEETING)
    response = client_for(case.caseworker).post(
        reverse("meetings:start", args=[case.pk]),
        {"measure": decided.pk, "caseworker": case.caseworker.pk, "leader": case.caseworker.pk},
    )
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert not Series.objects.exists()


@pytest.mark.django_db
def test_series_pages_are_404_for_everyone_without_need_to_know(
    case: Case, teammate: User, researcher: User, outsider: User
) -> None:
    series = start(case)
    clients = [client_for(u) for u in (teammate, researcher, outsider)]
    for url in (
        reverse("meetings:case_measures", args=[case.pk]),
        reverse("meetings:start", args=[case.pk]),
        reverse("meetings:detail", args=[series.case_id, series.measure_id]),
        reverse("meetings:set_leader", args=[series.case_id, series.measure_id]),
    ):
        assert_404_for(clients, url)
    assert Series.objects.count() == 1


@pytest.mark.django_db
def test_a_leader_from_another_service_sees_only_the_measures_they_lead(
    case: Case, make_case: Callable[..., Case], caseworker: User, service: Service, other_service: Service
) -> None:
    visitor = visiting_leader(other_service)
    led = start(case, leader=visitor)
    not_led = start(make_case(owner=caseworker, service=service))
    other_on_same_case = start(case)
    client = client_for(visitor)

    page = client.get(reverse("meetings:detail", args=[led.case_id, led.measure_id]))
    assert page.status_code == 200
    assert (
        f'href="{reverse("cases:detail", args=[case.pk])}"' not in page.content.decode()
    )  # no way into the case
    event = AuditEvent.objects.filter(object_type="series", object_id=str(led.pk), actor=visitor).last()
    assert event is not None and event.detail["basis"] == "meeting_leader"

    for url in (
        reverse("meetings:detail", args=[not_led.case_id, not_led.measure_id]),
        reverse("meetings:detail", args=[other_on_same_case.case_id, other_on_same_case.measure_id]),
        reverse("cases:detail", args=[case.pk]),
        reverse("meetings:case_measures", args=[case.pk]),
        reverse("meetings:start", args=[case.pk]),
        reverse(
            "meetings:set_leader", args=[led.case_id, led.measure_id]
        ),  # leading is not editing the measure
    ):
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, {}).status_code == 404, url


@pytest.mark.django_db
def test_case_page_lists_the_measures_and_offers_to_start_one_to_editors(
    case: Case, leader: User, service: Service, make_case: Callable[..., Case]
) -> None:
    series = start(case)
    page = client_for(case.caseworker).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("meetings:detail", args=[series.case_id, series.measure_id]) in page
    with translation.override(settings.LANGUAGE_CODE):
        assert str(SeriesStatus.SCREENING.label) in page
    assert reverse("meetings:start", args=[case.pk]) in page

    assigned_admin = make_user("admin", service, Role.ADMINISTRATOR)
    viewer_case = make_case(owner=case.caseworker, service=service, assigned=[assigned_admin])
    viewer_page = client_for(assigned_admin).get(reverse("cases:detail", args=[viewer_case.pk]))
    assert viewer_page.status_code == 200
    assert reverse("meetings:start", args=[viewer_case.pk]) not in viewer_page.content.decode()


@pytest.mark.django_db
def test_case_measures_page_lists_the_measures(case: Case) -> None:
    first, second = start(case), start(case)
    page = client_for(case.caseworker).get(reverse("meetings:case_measures", args=[case.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    for series in (first, second):
        assert reverse("meetings:detail", args=[series.case_id, series.measure_id]) in body


def _grow(series: Series, meetings: int) -> None:
    """Give a measure more meetings, participants and consents."""
    start_at = Meeting.objects.filter(series=series).count()
    for n in range(start_at + 1, start_at + meetings + 1):
        meeting = Meeting.objects.create(series=series, sequence=n)
        for p in range(3):
            Participant.objects.create(meeting=meeting, name=f"P{p}", role=ParticipantRole.PRIVATE)
    consent(series, ConsentParty.GUARDIAN)


@pytest.mark.django_db
def test_detail_page_query_count_does_not_grow_with_the_series(
    case: Case, service: Service, consultant: User
) -> None:
    train(consultant, service)
    series = start(case, leader=consultant)
    client = client_for(case.caseworker)
    url = reverse("meetings:detail", args=[series.case_id, series.measure_id])
    end_url = reverse("meetings:end", args=[series.case_id, series.measure_id])
    _grow(series, 1)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as small_end:
        assert client.get(end_url).status_code == 200
    _grow(series, 6)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as large_end:
        assert client.get(end_url).status_code == 200
    assert len(large) == len(small)
    assert len(large_end) == len(small_end)


@pytest.mark.django_db
def test_case_page_query_count_does_not_grow_with_the_measures(case: Case) -> None:
    client = client_for(case.caseworker)
    url = reverse("cases:detail", args=[case.pk])
    start(case)
    client.get(url)  # the first request of a session does some one-off work
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for _ in range(4):
        _grow(start(case), 2)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small)


@pytest.mark.django_db
def test_detail_page_shows_the_overview(case: Case, service: Service, consultant: User) -> None:
    train(consultant, service)
    series = start(case, leader=consultant)
    meeting = Meeting.objects.create(series=series, sequence=1)
    body = (
        client_for(case.caseworker)
        .get(reverse("meetings:detail", args=[series.case_id, series.measure_id]))
        .content.decode()
    )
    assert consultant.display_name() in body
    assert case.caseworker.display_name() in body
    assert "Emma har gode skoledager." in body  # purpose
    assert 'class="guidance"' in body
    assert reverse("meetings:consent_add", args=[series.case_id, series.measure_id]) in body
    assert (
        reverse("meetings:prepare", args=[series.case_id, series.measure_id, meeting.pk]) in body
    )  # the meetings list
    assert reverse("actions:plan", args=[series.case_id, series.measure_id]) in body


# --- Ending a measure that has run its course ------------------------------------------------------------


@pytest.mark.django_db
def test_caseworker_ends_a_measure_with_reason_and_it_is_audited(
    make_case: Callable[..., Case], caseworker: User, consultant: User, service: Service, teammate: User
) -> None:
    case = make_case(owner=caseworker, service=service)
    train(consultant, service)
    series = series_services.start_series(
        acting_user=caseworker,
        case=case,
        kind="network_meeting",
        measure=decide(case=case, kind="network_meeting"),
        caseworker=caseworker,
        leader=consultant,
    )
    url = reverse("meetings:end", args=[series.case_id, series.measure_id])
    assert client_for(teammate).get(url).status_code == 404
    assert client_for(teammate).post(url, {"reason": "x", "ended_on": "2026-01-01"}).status_code == 404
    client = client_for(caseworker)
    response = client.post(url, {"reason": "", "ended_on": timezone.localdate().isoformat()})
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(url, {"reason": "Målene er nådd.", "ended_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    series.refresh_from_db()
    assert series.status == SeriesStatus.COMPLETED and series.end_reason == "Målene er nådd."
    assert AuditEvent.objects.filter(object_type="series", object_id=str(series.pk), action="update").exists()
    with pytest.raises(ValidationError):
        series_services.end_series(acting_user=caseworker, series=series, reason="igjen")
