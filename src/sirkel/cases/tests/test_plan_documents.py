"""The measure plan for the family, as a PDF and a printable page: what it shows and what it never does."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from sirkel.accounts.models import User
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.cases.models import Case, LegalBasis
from sirkel.cases.plans import EntryInput, GoalInput, save_plan
from sirkel.testing.factories import decide
from sirkel.testing.fixtures import client_for

GOAL = "Emma har trygge ettermiddager."
SUB_GOAL = "Mormor henter to dager i uka."
SECOND_GOAL = "Mor får nok avlastning."
CONTENT = "Besøkshjem én helg i måneden."
WHO = "Besøkshjemmet henter fredag."
DURATION = "Ett år."
PMTO_GOAL = "Foreldrene setter rolige grenser."
ENTRY_NOTE = "Internt: meldingen fra BUP vurderes."
PLAN_NOTE = "Internt: far skal ikke få adressen."


@pytest.fixture
def planned(case: Case, caseworker: User) -> Case:
    visiting = decide(case=case, kind="visiting_home", expected_months=12)
    pmto = decide(case=case, kind="pmto", legal_basis=LegalBasis.IMPOSED)
    save_plan(
        acting_user=caseworker,
        case=case,
        expected_version=0,
        internal_note=PLAN_NOTE,
        entries=[
            EntryInput(
                measure_id=visiting.pk,
                goals=[GoalInput(GOAL, sub_goals=[GoalInput(SUB_GOAL)]), GoalInput(SECOND_GOAL)],
                content=CONTENT,
                responsibilities=WHO,
                expected_duration=DURATION,
                internal_note=ENTRY_NOTE,
            ),
            EntryInput(measure_id=pmto.pk, goals=[GoalInput(PMTO_GOAL)]),
        ],
    )
    return case


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_pdf_has_the_goals_and_what_the_family_needs_and_no_internal_notes(
    planned: Case, caseworker: User
) -> None:
    caseworker.first_name, caseworker.last_name = "Sara", "Berg"
    caseworker.save()
    client = client_for(caseworker)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("cases:plan_pdf", args=[planned.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="tiltaksplan-{planned.pk}.pdf"'
    assert response["Cache-Control"] == "no-store"
    text = pdf_text(response.content)
    for shown in (GOAL, SUB_GOAL, SECOND_GOAL, CONTENT, WHO, DURATION, PMTO_GOAL, "Emma", "Sara Berg"):
        assert shown in text
    assert planned.plan.next_evaluation_on is not None
    assert str(planned.plan.next_evaluation_on.year) in text
    for hidden in (ENTRY_NOTE, PLAN_NOTE, "Internt", planned.child_family_name, str(planned.birth_date.year)):
        assert hidden not in text
    # The reasons of the decision are not in the family's plan.
    assert "skole/barnehage" not in text and "school" not in text


def test_the_printable_page_is_the_same_document_in_bokmal_and_the_read_is_audited(
    planned: Case, caseworker: User
) -> None:
    client = client_for(caseworker)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("cases:plan_print", args=[planned.pk]))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert '<html lang="nb">' in html
    assert GOAL in html and SUB_GOAL in html and CONTENT in html and WHO in html
    assert ENTRY_NOTE not in html and PLAN_NOTE not in html and planned.child_family_name not in html
    assert reverse("cases:detail", args=[planned.pk]) in html  # back to the case, on screen only
    event = AuditEvent.objects.filter(object_type="case", object_id=str(planned.pk)).latest("id")
    assert event.action == AuditAction.EXPORT and event.detail == {"part": "plan"}


def test_a_case_without_a_plan_prints_a_plain_page(case: Case, caseworker: User) -> None:
    response = client_for(caseworker).get(reverse("cases:plan_print", args=[case.pk]))
    assert response.status_code == 200
    assert GOAL not in response.content.decode()


def test_only_those_who_may_see_the_case_get_the_plan(
    planned: Case, teammate: User, researcher: User, outsider: User, leader: User
) -> None:
    for name in ("cases:plan_pdf", "cases:plan_print"):
        url = reverse(name, args=[planned.pk])
        for user in (teammate, researcher, outsider):
            assert client_for(user).get(url).status_code == 404, (name, user)
        assert client_for(leader).get(reverse("cases:plan_print", args=[planned.pk])).status_code == 200
        assert client_for(leader).post(url).status_code == 405
