"""My meetings: the measures and meetings a user leads, and the menu links for meeting leaders."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from sirkel.accounts.models import Service, User
from sirkel.cases.models import Case
from sirkel.meetings.tests.meeting_support import plan_soon
from sirkel.meetings.tests.preparation_support import ready_series
from sirkel.meetings.tests.series_support import train, visiting_leader
from sirkel.testing.fixtures import client_for

URL = "/mine-moter/"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def test_the_route_is_stable() -> None:
    assert reverse("meetings:my_meetings") == URL


@pytest.mark.django_db
def test_a_consultant_sees_the_meeting_they_lead_with_a_working_link(
    case: Case, consultant: User, caseworker: User
) -> None:
    train(consultant, case.service)
    series = ready_series(case, consultant)
    meeting = plan_soon(series)
    client = client_for(consultant)
    page = client.get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    meeting_url = reverse("meetings:meeting", args=[series.case_id, series.measure_id, meeting.pk])
    assert f'href="{meeting_url}"' in text
    assert f'href="{reverse("meetings:detail", args=[series.case_id, series.measure_id])}"' in text
    assert client.get(meeting_url).status_code == 200
    # The menu links to the page and to the register of trained leaders.
    assert f'href="{URL}"' in text and f'href="{reverse("meetings:leaders")}"' in text
    # A caseworker who leads nothing and is not trained gets no such menu link.
    assert f'href="{URL}"' not in client_for(caseworker).get(reverse("cases:list")).content.decode()


@pytest.mark.django_db
def test_a_leader_from_another_service_sees_only_the_meetings_they_lead(
    make_case: Callable[..., Case], caseworker: User, service: Service, other_service: Service, case: Case
) -> None:
    visitor = visiting_leader(other_service)
    colleague = visiting_leader(other_service, username="colleague")
    led = ready_series(case, visitor)
    led_meeting = plan_soon(led)
    other_case = make_case(owner=caseworker, service=service)
    not_led = ready_series(other_case, colleague)
    not_led_meeting = plan_soon(not_led)

    client = client_for(visitor)
    text = client.get(URL).content.decode()
    led_url = reverse("meetings:meeting", args=[led.case_id, led.measure_id, led_meeting.pk])
    not_led_url = reverse("meetings:meeting", args=[not_led.case_id, not_led.measure_id, not_led_meeting.pk])
    assert f'href="{led_url}"' in text
    assert not_led_url not in text
    assert client.get(led_url).status_code == 200
    assert f'href="{URL}"' in text  # trained (shared) leader: the menu shows it


@pytest.mark.django_db
def test_my_meetings_requires_login() -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_the_list_of_my_meetings_is_recorded_in_the_audit(case: Case, consultant: User) -> None:
    from sirkel.audit.models import AuditAction, AuditEvent
    from sirkel.meetings.selectors import series_led_by

    train(consultant, case.service)
    series = ready_series(case, consultant)
    assert [s.pk for s in series_led_by(user=consultant)] == [series.pk]
    event = AuditEvent.objects.filter(actor=consultant, action=AuditAction.LIST, object_type="series").last()
    assert event is not None and event.detail["series"] == [series.pk]


@pytest.mark.django_db
def test_the_menu_knows_who_leads_in_one_query(case: Case, consultant: User, caseworker: User) -> None:
    from sirkel.meetings.models import TrainedLeader
    from sirkel.meetings.selectors import leads_or_is_trained

    with CaptureQueriesContext(connection) as queries:
        assert not leads_or_is_trained(user=caseworker)
    assert len(queries.captured_queries) == 1
    train(consultant, case.service)
    assert leads_or_is_trained(user=consultant)  # trained, leads nothing yet
    ready_series(case, consultant)
    TrainedLeader.objects.filter(user=consultant).update(active=False)
    assert leads_or_is_trained(user=consultant)  # no longer active in the register, but still leads one
