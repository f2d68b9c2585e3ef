"""The resource person: who, the role, the hours, what they do with whom, and the answer to what happens
to the relationship with the child when the paid measure ends — without which the measure cannot end."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from sirkel.accounts.models import User
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.cases.models import Case, MeasureKind, MeasureStatus
from sirkel.meetings.models import Engagement, HoursPer, ResourceRole, Series, SeriesStatus
from sirkel.meetings.services import engagement as engagement_services
from sirkel.meetings.services import series as series_services
from sirkel.meetings.tests.series_support import assert_404_for, start
from sirkel.network import services as network_services
from sirkel.network.models import NetworkMember, Side
from sirkel.testing.fixtures import client_for

AFTER_END = "Kari fortsetter som venn av familien, uten betaling, en helg i måneden."


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The services' messages are matched in English (msgids), whatever the default language."""
    with translation.override("en"):
        yield


@pytest.fixture
def series(case: Case) -> Series:
    return start(case, kind=MeasureKind.RESOURCE_PERSON)


@pytest.fixture
def neighbour(case: Case) -> NetworkMember:
    return network_services.add_member(
        acting_user=case.caseworker, case=case, name="Kari Nabo", relation="Nabo"
    )


def _save(series: Series, **fields: object) -> Engagement:
    values: dict[str, object] = {
        "role": ResourceRole.BOTH,
        "hours": Decimal("6"),
        "hours_per": HoursPer.MONTH,
        "activities": "Avlastning en helg i måneden; veileder mor ved leggetid.",
        **fields,
    }
    return engagement_services.save_engagement(acting_user=series.caseworker, series=series, **values)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_the_resource_person_from_the_register_carries_the_measure(
    series: Series, neighbour: NetworkMember
) -> None:
    engagement = _save(series, member=neighbour)

    series.refresh_from_db()
    assert series.person == neighbour and series.status == SeriesStatus.ACTIVE
    assert engagement.role == ResourceRole.BOTH and engagement.hours_per == HoursPer.MONTH
    assert engagement.hours == Decimal("6")
    event = AuditEvent.objects.get(object_type="engagement", object_id=str(engagement.pk))
    assert event.action == AuditAction.CREATE and event.detail["person"] == neighbour.pk


@pytest.mark.django_db
def test_a_resource_person_added_on_the_spot_joins_the_network_register(series: Series) -> None:
    _save(series, new_name="Ola Ressurs", new_relation="Ressursperson")

    series.refresh_from_db()
    assert series.person is not None and series.person.name == "Ola Ressurs"
    assert series.person.side == Side.PRIVATE and series.person.case_id == series.case_id


@pytest.mark.django_db
def test_the_engagement_needs_a_person_and_sensible_hours(series: Series, neighbour: NetworkMember) -> None:
    with pytest.raises(ValidationError) as refused:
        _save(series)
    assert "member" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        _save(series, member=neighbour, hours=Decimal("0"))
    assert "hours" in refused.value.message_dict


@pytest.mark.django_db
def test_the_measure_cannot_end_without_the_answer_to_what_happens_afterwards(
    series: Series, neighbour: NetworkMember
) -> None:
    _save(series, member=neighbour)
    with pytest.raises(ValidationError, match="what happens to the relationship"):
        series_services.end_series(acting_user=series.caseworker, series=series, reason="Målene er nådd.")
    series.refresh_from_db()
    assert series.is_open

    engagement = _save(series, member=neighbour, after_end=AFTER_END, expected_version=1)
    assert engagement.after_end_recorded_by == series.caseworker and engagement.after_end_recorded_at
    series_services.end_series(acting_user=series.caseworker, series=series, reason="Målene er nådd.")

    series.refresh_from_db()
    assert series.status == SeriesStatus.COMPLETED
    assert series.measure.status == MeasureStatus.ENDED


@pytest.mark.django_db
def test_other_kinds_end_as_before(case: Case) -> None:
    mentor_series = start(case, kind=MeasureKind.NATURAL_MENTOR)
    series_services.end_series(
        acting_user=case.caseworker, series=mentor_series, reason="Familien ville stoppe."
    )
    mentor_series.refresh_from_db()
    assert mentor_series.status == SeriesStatus.COMPLETED


@pytest.mark.django_db
def test_the_end_page_refuses_and_links_to_the_resource_persons_page(
    series: Series, neighbour: NetworkMember
) -> None:
    _save(series, member=neighbour)
    client = client_for(series.caseworker)
    end_url = reverse("meetings:end", args=[series.case_id, series.measure_id])
    engagement_url = reverse("meetings:engagement", args=[series.case_id, series.measure_id])

    assert f'href="{engagement_url}"' in client.get(end_url).content.decode()
    response = client.post(end_url, {"reason": "Ferdig", "ended_on": timezone.localdate().isoformat()})
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    series.refresh_from_db()
    assert series.is_open


@pytest.mark.django_db
def test_the_page_records_role_hours_and_the_after_end_answer(
    series: Series, neighbour: NetworkMember
) -> None:
    client = client_for(series.caseworker)
    url = reverse("meetings:engagement", args=[series.case_id, series.measure_id])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "member": str(neighbour.pk),
            "role": ResourceRole.RESPITE,
            "hours": "3,5",  # as a Norwegian types it (the page is in Bokmål)
            "hours_per": HoursPer.WEEK,
            "activities": "Henter barna i barnehagen tirsdager.",
            "after_end": AFTER_END,
            "version": "0",
        },
    )
    assert response.status_code == 302
    engagement = Engagement.objects.get(series=series)
    assert engagement.role == ResourceRole.RESPITE and engagement.hours == Decimal("3.5")
    assert engagement.after_end == AFTER_END

    detail = client.get(reverse("meetings:detail", args=[series.case_id, series.measure_id])).content.decode()
    assert 'id="engagement-heading"' in detail and "Kari Nabo" in detail and AFTER_END in detail
    assert 'id="meetings-heading"' not in detail


@pytest.mark.django_db
def test_who_may_not_see_the_case_gets_404_on_the_resource_persons_page(
    series: Series, outsider: User, teammate: User, researcher: User
) -> None:
    url = reverse("meetings:engagement", args=[series.case_id, series.measure_id])
    assert_404_for([client_for(u) for u in (outsider, teammate, researcher)], url)
    assert not Engagement.objects.filter(series=series).exists()


@pytest.mark.django_db
def test_the_resource_person_pages_queries_do_not_grow_with_the_agreed_tasks(
    series: Series, neighbour: NetworkMember
) -> None:
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sirkel.actions import services as action_services

    _save(series, member=neighbour)
    args = [series.case_id, series.measure_id]
    pages = [reverse("meetings:detail", args=args), reverse("meetings:engagement", args=args)]
    client = client_for(series.caseworker)

    def agree(n: int) -> None:
        action_services.add_action(
            acting_user=series.caseworker,
            series=series,
            meeting=None,
            what=f"Avtale {n}",
            due_on=timezone.localdate() + timedelta(days=7 + n),
            owner_member=neighbour,
        )

    agree(0)
    with CaptureQueriesContext(connection) as few:
        for url in pages:
            assert client.get(url).status_code == 200, url
    for n in range(1, 7):
        agree(n)
    with CaptureQueriesContext(connection) as many:
        for url in pages:
            assert client.get(url).status_code == 200, url
    assert len(many) <= len(few)
