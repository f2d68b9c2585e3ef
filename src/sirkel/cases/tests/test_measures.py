"""A case's measures of every kind: registered on the case page, changed, ended; network kinds are left to
their process; access and the audit as for the case."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sirkel.accounts.models import User
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.cases.measures import update_measure
from sirkel.cases.models import Case, LegalBasis, Measure, MeasureKind, MeasureStatus
from sirkel.core.versioning import ConflictError
from sirkel.meetings.services.series import start_series
from sirkel.testing.factories import decide
from sirkel.testing.fixtures import client_for


def register(client: Client, case: Case, *, kind: str = "pmto", started_on: str = "2026-09-01") -> object:
    """A measure is registered by recording the decision that decides it."""
    payload = {
        "decided_on": "2026-08-20",
        "decided_by": case.caseworker.pk,
        "legal_basis": LegalBasis.VOLUNTARY,
        "reasons_child": ["school"],
        "justification": "Skolen og foreldrene ønsker hjelp.",
        "new_1_kind": kind,
        "new_1_start": started_on,
        "youth_consent": "not_applicable",
    }
    return client.post(reverse("cases:decision_new", args=[case.pk]), payload)


@pytest.mark.django_db
def test_a_measure_of_any_kind_is_registered_and_listed_with_its_ssb_code(case: Case) -> None:
    client = client_for(case.caseworker)
    response = register(client, case)
    assert response.status_code == 302  # type: ignore[attr-defined]
    measure = Measure.objects.get(case=case)
    assert (measure.kind, measure.status, measure.started_on) == (
        "pmto",
        MeasureStatus.ONGOING,
        date(2026, 9, 1),
    )
    assert measure.ssb_code == "3.2"
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="decision")
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "3.2" in page and reverse("cases:measure_edit", args=[case.pk, measure.pk]) in page


@pytest.mark.django_db
def test_a_measure_planned_to_start_later_is_planned(case: Case) -> None:
    later = (timezone.localdate() + timedelta(days=30)).isoformat()
    register(client_for(case.caseworker), case, kind="support_contact", started_on=later)
    assert Measure.objects.get(case=case).status == MeasureStatus.PLANNED


@pytest.mark.django_db
def test_a_decided_network_measure_waits_for_its_process(case: Case) -> None:
    client = client_for(case.caseworker)
    form = client.get(reverse("cases:decision_new", args=[case.pk])).content.decode()
    assert 'value="pmto"' in form and 'value="network_meeting"' in form
    assert 'value="start_meeting"' not in form  # held during the investigation, without a decision
    response = register(client, case, kind=MeasureKind.NETWORK_MEETING)
    assert response.status_code == 302  # type: ignore[attr-defined]
    measure = Measure.objects.get(case=case)
    assert measure.status == MeasureStatus.PLANNED and measure.started_on is None
    assert (
        reverse("meetings:start", args=[case.pk])
        in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    )


@pytest.mark.django_db
def test_ending_needs_a_reason_and_an_end_after_the_start(case: Case) -> None:
    client = client_for(case.caseworker)
    register(client, case)
    measure = Measure.objects.get(case=case)
    url = reverse("cases:measure_edit", args=[case.pk, measure.pk])
    base = {"version": measure.version, "legal_basis": LegalBasis.VOLUNTARY, "started_on": "2026-09-01"}
    assert client.post(url, {**base, "ended_on": "2026-10-01"}).status_code == 200  # no reason
    assert client.post(url, {**base, "ended_on": "2026-08-01", "end_reason": "Ferdig"}).status_code == 200
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.ONGOING and measure.ended_on is None
    assert (
        client.post(url, {**base, "ended_on": "2026-11-01", "end_reason": "Målene er nådd."}).status_code
        == 302
    )
    ended = Measure.objects.get(pk=measure.pk)
    assert (ended.status, ended.ended_on, ended.end_reason) == (
        MeasureStatus.ENDED,
        date(2026, 11, 1),
        "Målene er nådd.",
    )


@pytest.mark.django_db
def test_a_stale_form_is_refused_and_keeps_what_was_typed(case: Case) -> None:
    client = client_for(case.caseworker)
    client.cookies["django_language"] = "en"  # the assertion reads the English message
    register(client, case)
    measure = Measure.objects.get(case=case)
    url = reverse("cases:measure_edit", args=[case.pk, measure.pk])
    data = {"version": measure.version, "legal_basis": LegalBasis.IMPOSED, "started_on": "2026-09-01"}
    assert client.post(url, {**data, "note": "Først"}).status_code == 302
    page = client.post(url, {**data, "note": "Min tekst"})
    body = page.content.decode()
    assert page.status_code == 200 and "Min tekst" in body
    assert "Someone else saved this measure while you were editing it." in body
    assert f'name="version" value="{measure.version + 1}"' in body
    measure.refresh_from_db()
    assert measure.note == "Først" and measure.legal_basis == LegalBasis.IMPOSED


@pytest.mark.django_db
def test_a_save_from_an_older_version_raises_the_core_conflict_and_writes_nothing(case: Case) -> None:
    register(client_for(case.caseworker), case)
    measure = Measure.objects.get(case=case)
    opened_at = measure.version
    kept = update_measure(
        acting_user=case.caseworker,
        measure=measure,
        expected_version=opened_at,
        legal_basis=LegalBasis.VOLUNTARY,
        note="Først",
        started_on=date(2026, 9, 1),
    )
    assert kept.version == opened_at + 1
    with pytest.raises(ConflictError):
        update_measure(
            acting_user=case.caseworker,
            measure=measure,
            expected_version=opened_at,
            legal_basis=LegalBasis.IMPOSED,
            note="Andre",
            started_on=date(2026, 9, 1),
        )
    stored = Measure.objects.get(pk=measure.pk)
    assert (stored.note, stored.legal_basis, stored.version) == ("Først", LegalBasis.VOLUNTARY, opened_at + 1)


@pytest.mark.django_db
def test_a_network_measures_period_follows_its_process(case: Case, consultant: User) -> None:
    series = start_series(
        acting_user=case.caseworker,
        case=case,
        kind="network_meeting",
        measure=decide(case=case, kind="network_meeting"),
        caseworker=case.caseworker,
    )
    client = client_for(case.caseworker)
    url = reverse("cases:measure_edit", args=[case.pk, series.measure_id])
    page = client.get(url).content.decode()
    assert 'name="ended_on"' not in page
    assert reverse("meetings:detail", args=[case.pk, series.measure_id]) in page
    response = client.post(url, {"version": series.measure.version, "legal_basis": LegalBasis.IMPOSED})
    assert response.status_code == 302
    series.measure.refresh_from_db()
    assert series.measure.legal_basis == LegalBasis.IMPOSED and series.measure.status == MeasureStatus.PLANNED


@pytest.mark.django_db
def test_outsiders_and_colleagues_off_the_case_get_404(
    case: Case, teammate: User, outsider: User, researcher: User
) -> None:
    register(client_for(case.caseworker), case)
    measure = Measure.objects.get(case=case)
    for user in (teammate, outsider, researcher):
        client = client_for(user)
        assert client.get(reverse("cases:decision_new", args=[case.pk])).status_code == 404
        assert client.get(reverse("cases:measure_edit", args=[case.pk, measure.pk])).status_code == 404
        assert register(client, case).status_code == 404  # type: ignore[attr-defined]
    assert Measure.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_a_measure_of_another_case_is_not_found_through_this_one(
    case: Case, make_case: object, caseworker: User, service: object
) -> None:
    other = make_case(owner=caseworker, service=service, child_given_name="Ola")  # type: ignore[operator]
    register(client_for(caseworker), other)
    measure = Measure.objects.get(case=other)
    response = client_for(caseworker).get(reverse("cases:measure_edit", args=[case.pk, measure.pk]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_case_page_reads_the_network_measures_series_once(case: Case) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    start_series(
        acting_user=case.caseworker,
        case=case,
        kind="network_meeting",
        measure=decide(case=case, kind="network_meeting"),
        caseworker=case.caseworker,
    )
    client = client_for(case.caseworker)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    series_reads = [q for q in queries.captured_queries if q["sql"].startswith('SELECT "meetings_series".')]
    assert len(series_reads) == 1  # the panel and the links to the process share one query
