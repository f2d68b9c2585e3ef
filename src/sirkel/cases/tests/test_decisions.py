"""Decisions: what a decision must say, what it does to the case's measures, and its pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sirkel.accounts.models import Service, User
from sirkel.audit.models import AuditEvent
from sirkel.cases.decisions import MeasureChange, ReasonInput, add_months, record_decision
from sirkel.cases.models import (
    Case,
    DecidedMeasure,
    Decision,
    DecisionChange,
    LegalBasis,
    Measure,
    MeasureStatus,
    YouthConsent,
)
from sirkel.testing.fixtures import client_for

REASONS = [
    ReasonInput(group="child", key="school"),
    ReasonInput(group="surroundings", key="parents_worn_out"),
]


def decide(case: Case, *changes: MeasureChange, **fields: object) -> Decision:
    values: dict[str, object] = {
        "acting_user": case.caseworker,
        "case": case,
        "decided_on": timezone.localdate(),
        "legal_basis": LegalBasis.VOLUNTARY,
        "justification": "Mor trenger avlastning, og skolen er bekymret.",
        "reasons": REASONS,
        "changes": list(changes),
        **fields,
    }
    return record_decision(**values)  # type: ignore[arg-type]


def start(kind: str, **fields: object) -> MeasureChange:
    return MeasureChange(change=DecisionChange.START, kind=kind, **fields)  # type: ignore[arg-type]


def born_years_ago(years: int) -> date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - timedelta(days=1)


def test_add_months_keeps_the_day_or_takes_the_months_last() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert add_months(date(2026, 3, 1), 12) == date(2027, 3, 1)


@pytest.mark.django_db
def test_a_decision_starts_its_measures_with_period_and_reasons(case: Case) -> None:
    today = timezone.localdate()
    decision = decide(
        case,
        start("support_contact", planned_start=today - timedelta(days=10), expected_months=6),
        start("network_meeting", expected_months=12),
        child_told="Hva en støttekontakt er.",
        child_said="Vil gjerne gå på fotball.",
        child_agreed="yes",
        child_weight="Lagt stor vekt på.",
    )
    assert sorted(r.key for r in decision.reasons.all()) == ["parents_worn_out", "school"]
    contact = Measure.objects.get(case=case, kind="support_contact")
    assert contact.planned_start == today - timedelta(days=10)
    assert contact.expected_end == add_months(today - timedelta(days=10), 6)
    # A measure without a process of its own runs from its planned start ...
    assert contact.status == MeasureStatus.ONGOING and contact.started_on == contact.planned_start
    # ... a network measure waits for its process.
    meeting = Measure.objects.get(case=case, kind="network_meeting")
    assert meeting.status == MeasureStatus.PLANNED and meeting.started_on is None
    assert meeting.legal_basis == LegalBasis.VOLUNTARY
    event = AuditEvent.objects.filter(object_type="decision", object_id=decision.pk).get()
    assert {m["change"] for m in event.detail["measures"]} == {"start"}


@pytest.mark.django_db
def test_a_later_decision_extends_and_ends_and_the_first_stays_as_it_was(case: Case) -> None:
    today = timezone.localdate()
    first = decide(
        case,
        start("support_contact", planned_start=today - timedelta(days=60), expected_months=3),
        start("pmto", planned_start=today - timedelta(days=60), expected_months=6),
        decided_on=today - timedelta(days=70),
    )
    contact = Measure.objects.get(kind="support_contact")
    pmto = Measure.objects.get(kind="pmto")
    old_end = contact.expected_end
    assert old_end is not None
    decide(
        case,
        MeasureChange(change=DecisionChange.EXTEND, measure=contact, expected_months=6),
        MeasureChange(change=DecisionChange.END, measure=pmto, ends_on=today),
    )
    contact.refresh_from_db()
    pmto.refresh_from_db()
    assert contact.expected_end == add_months(old_end, 6)
    assert pmto.status == MeasureStatus.ENDED and pmto.ended_on == today
    # The first decision still says what it said.
    assert [(i.change, i.expected_months) for i in first.items.order_by("id")] == [("start", 3), ("start", 6)]
    assert DecidedMeasure.objects.filter(measure=contact).count() == 2


@pytest.mark.django_db
def test_the_county_board_can_impose_only_what_the_law_allows(case: Case) -> None:
    with pytest.raises(ValidationError) as err:
        decide(case, start("network_meeting"), legal_basis=LegalBasis.IMPOSED)
    assert "measures" in err.value.message_dict
    decision = decide(case, start("supervision_control"), legal_basis=LegalBasis.IMPOSED)
    assert decision.items.get().measure.legal_basis == LegalBasis.IMPOSED


@pytest.mark.django_db
def test_a_youth_from_15_must_consent_to_voluntary_measures(
    make_case: Callable[..., Case], caseworker: User, service: Service
) -> None:
    youth = make_case(owner=caseworker, service=service, birth_date=born_years_ago(15))
    with pytest.raises(ValidationError) as err:
        decide(youth, start("support_contact"))
    assert "youth_consent" in err.value.message_dict
    with pytest.raises(ValidationError):
        decide(youth, start("support_contact"), youth_consent=YouthConsent.REFUSED)
    assert not Decision.objects.exists()
    decision = decide(youth, start("support_contact"), youth_consent=YouthConsent.WRITTEN)
    assert decision.youth_consent == YouthConsent.WRITTEN
    # An imposed measure needs no consent.
    decide(youth, start("supervision_control"), legal_basis=LegalBasis.IMPOSED)


@pytest.mark.django_db
def test_a_child_under_15_is_not_recorded_as_consenting(case: Case) -> None:
    decision = decide(case, start("support_contact"), youth_consent=YouthConsent.ORAL)
    assert decision.youth_consent == YouthConsent.NOT_APPLICABLE


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"reasons": []}, "reasons"),
        ({"reasons": [ReasonInput(group="child", key="other")]}, "reasons_child_other"),
        (
            {"reasons": [ReasonInput(group="child", key="none"), ReasonInput(group="child", key="school")]},
            "reasons_child",
        ),
        ({"reasons": [ReasonInput(group="child", key="parents_worn_out")]}, "reasons"),
        ({"justification": "  "}, "justification"),
        ({"decided_on": date(2999, 1, 1)}, "decided_on"),
        ({"child_agreed": "not_asked"}, "child_weight"),
    ],
)
@pytest.mark.django_db
def test_what_a_decision_must_say(case: Case, fields: dict[str, object], key: str) -> None:
    with pytest.raises(ValidationError) as err:
        decide(case, start("support_contact"), **fields)
    assert key in err.value.message_dict
    assert not Measure.objects.exists()


@pytest.mark.django_db
def test_a_decision_needs_a_measure_and_each_measure_once(case: Case) -> None:
    with pytest.raises(ValidationError):
        decide(case)
    with pytest.raises(ValidationError):
        decide(case, start("pmto"), start("pmto"))
    with pytest.raises(ValidationError):
        decide(case, start("start_meeting_or_nothing"))
    assert not Decision.objects.exists()


@pytest.mark.django_db
def test_an_ended_measure_cannot_be_changed_and_a_network_measure_ends_on_its_page(case: Case) -> None:
    today = timezone.localdate()
    decide(case, start("pmto", planned_start=today - timedelta(days=30)), start("network_meeting"))
    pmto = Measure.objects.get(kind="pmto")
    meeting = Measure.objects.get(kind="network_meeting")
    decide(case, MeasureChange(change=DecisionChange.END, measure=pmto, ends_on=today))
    pmto.refresh_from_db()
    with pytest.raises(ValidationError):
        decide(case, MeasureChange(change=DecisionChange.EXTEND, measure=pmto, expected_months=3))
    with pytest.raises(ValidationError):
        decide(case, MeasureChange(change=DecisionChange.END, measure=meeting, ends_on=today))


@pytest.mark.django_db
def test_the_decision_page_records_a_decision(case: Case) -> None:
    client = client_for(case.caseworker)
    client.cookies["django_language"] = "en"
    url = reverse("cases:decision_new", args=[case.pk])
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(
        url,
        {
            "decided_on": timezone.localdate().isoformat(),
            "decided_by": case.caseworker.pk,
            "legal_basis": "voluntary",
            "reasons_child": ["school", "other"],
            "reasons_child_other": "Mye fravær",
            "reasons_parents_care": ["basic_care"],
            "justification": "Familien trenger støtte.",
            "new_1_kind": "support_contact",
            "new_1_months": "6",
            "new_2_kind": "network_meeting",
            "child_told": "Om støttekontakt.",
            "child_said": "Ja takk.",
            "child_agreed": "yes",
            "child_weight": "Stor vekt.",
            "youth_consent": "not_applicable",
        },
    )
    decision = Decision.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:decision", args=[case.pk, decision.pk])
    assert decision.reasons.get(key="other").text == "Mye fravær"
    assert sorted(i.measure.kind for i in decision.items.all()) == ["network_meeting", "support_contact"]
    detail = client.get(response["Location"]).content.decode()
    assert "Mye fravær" in detail and "Support contact" in detail
    case_page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("cases:decision", args=[case.pk, decision.pk]) in case_page


@pytest.mark.django_db
def test_a_refused_decision_keeps_what_was_written(case: Case) -> None:
    client = client_for(case.caseworker)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("cases:decision_new", args=[case.pk]),
        {
            "decided_on": timezone.localdate().isoformat(),
            "decided_by": case.caseworker.pk,
            "legal_basis": "imposed",
            "reasons_child": ["school"],
            "justification": "Begrunnelse som ikke skal gå tapt.",
            "new_1_kind": "network_meeting",
            "youth_consent": "not_applicable",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "cannot be imposed" in body and "Begrunnelse som ikke skal gå tapt." in body
    assert not Decision.objects.exists()


@pytest.mark.django_db
def test_the_case_page_queries_do_not_grow_with_decisions(case: Case) -> None:
    client = client_for(case.caseworker)
    url = reverse("cases:detail", args=[case.pk])
    decide(case, start("pmto"))
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for kind in ("support_contact", "visiting_home", "kindergarten", "icdp", "marte_meo"):
        decide(case, start(kind))
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.django_db
def test_decision_pages_are_404_without_need_to_know(case: Case, outsider: User, researcher: User) -> None:
    decision = decide(case, start("pmto"))
    for user in (outsider, researcher):
        client = client_for(user)
        assert client.get(reverse("cases:decision", args=[case.pk, decision.pk])).status_code == 404
        assert client.get(reverse("cases:decision_new", args=[case.pk])).status_code == 404
