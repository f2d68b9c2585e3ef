"""Screening: the study's contraindications and adaptations are surfaced; the decision moves the series."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from sirkel.accounts.models import Service, User
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.cases.models import Case
from sirkel.core.versioning import ConflictError
from sirkel.meetings.models import Screening, ScreeningDecision, Series, SeriesStatus
from sirkel.meetings.services import screening as screening_services
from sirkel.meetings.services.screening import GuidanceLevel, screening_guidance
from sirkel.meetings.tests.series_support import assert_404_for, start, visiting_leader
from sirkel.network import services as network_services
from sirkel.testing.fixtures import client_for


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Assertions below read the English source texts, whatever Bokmål translations exist."""
    with translation.override("en"):
        yield


NO_FLAGS: dict[str, bool] = {
    "violence_unacknowledged": False,
    "severe_conflict": False,
    "parent_cognitive_difficulties": False,
    "minority_background": False,
    "small_network": False,
}


def levels(**flags: bool) -> list[str]:
    return [g.level for g in screening_guidance(Screening(**{**NO_FLAGS, **flags}))]


def save(series: Series, **kwargs: Any) -> Screening:
    fields: dict[str, Any] = {**NO_FLAGS, **kwargs}
    return screening_services.save_screening(acting_user=series.caseworker, series=series, **fields)


# --- Guidance -------------------------------------------------------------------------------------------


def test_unacknowledged_violence_means_not_advised() -> None:
    assert levels(violence_unacknowledged=True) == [GuidanceLevel.NOT_ADVISED]


def test_severe_conflict_means_caution() -> None:
    assert levels(severe_conflict=True) == [GuidanceLevel.CAUTION]


def test_parental_cognitive_difficulties_mean_adapting_the_meeting() -> None:
    guidance = screening_guidance(Screening(**{**NO_FLAGS, "parent_cognitive_difficulties": True}))
    assert [g.level for g in guidance] == [GuidanceLevel.ADAPT]
    advice = " ".join(guidance[0].advice).lower()
    assert "shorter" in advice and "plain language" in advice and "support person" in advice
    assert "understood" in advice


def test_minority_background_brings_interpreter_roles_and_relatives_abroad() -> None:
    guidance = screening_guidance(Screening(**{**NO_FLAGS, "minority_background": True}))
    assert [g.level for g in guidance] == [GuidanceLevel.ADAPT]
    advice = " ".join(guidance[0].advice).lower()
    assert "cultural interpreter" in advice and "roles" in advice
    assert "abroad" in advice and "digitally" in advice


def test_a_small_network_suggests_widening_to_public_actors() -> None:
    guidance = screening_guidance(Screening(**{**NO_FLAGS, "small_network": True}))
    assert [g.level for g in guidance] == [GuidanceLevel.INFO]
    advice = " ".join(guidance[0].advice).lower()
    assert "teacher" in advice and "resource persons" in advice


def test_guidance_puts_the_most_serious_first_and_says_so_when_nothing_speaks_against() -> None:
    everything = {k: True for k in NO_FLAGS}
    assert levels(**everything) == [
        GuidanceLevel.NOT_ADVISED,
        GuidanceLevel.CAUTION,
        GuidanceLevel.ADAPT,
        GuidanceLevel.ADAPT,
        GuidanceLevel.INFO,
    ]
    nothing = screening_guidance(Screening(**NO_FLAGS))
    assert [g.level for g in nothing] == [GuidanceLevel.INFO] and "voluntary" in nothing[0].text


# --- Decisions ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_going_ahead_moves_the_series_to_preparation(case: Case) -> None:
    series = start(case)
    screening = save(series, decision=ScreeningDecision.PROCEED, reasoning="Familien ønsker det.")
    series.refresh_from_db()
    assert series.status == SeriesStatus.PREPARING and series.started_on is not None
    assert screening.decided_by == case.caseworker and screening.decided_at is not None
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="screening")
    assert event.detail["decision"] == "proceed" and event.detail["status"] == SeriesStatus.PREPARING


@pytest.mark.django_db
def test_going_ahead_with_adaptations_needs_the_adaptations(case: Case) -> None:
    series = start(case)
    with pytest.raises(ValidationError) as err:
        save(series, parent_cognitive_difficulties=True, decision=ScreeningDecision.ADAPT, reasoning="Ja.")
    assert "adaptations" in err.value.message_dict
    save(
        series,
        parent_cognitive_difficulties=True,
        decision=ScreeningDecision.ADAPT,
        reasoning="Mor ønsker det.",
        adaptations="Korte økter, støtteperson.",
    )
    series.refresh_from_db()
    assert series.status == SeriesStatus.PREPARING


@pytest.mark.django_db
def test_a_decision_needs_reasoning(case: Case) -> None:
    series = start(case)
    with pytest.raises(ValidationError) as err:
        save(series, decision=ScreeningDecision.PROCEED, reasoning="  ")
    assert "reasoning" in err.value.message_dict
    series.refresh_from_db()
    assert series.status == SeriesStatus.SCREENING


@pytest.mark.django_db
def test_going_ahead_is_refused_while_unacknowledged_violence_is_suspected(case: Case) -> None:
    series = start(case)
    with pytest.raises(ValidationError) as err:
        save(series, violence_unacknowledged=True, decision=ScreeningDecision.PROCEED, reasoning="Vi prøver.")
    assert "not advised" in err.value.message_dict["decision"][0]
    series.refresh_from_db()
    assert series.status == SeriesStatus.SCREENING
    assert Screening.objects.get(series=series).decision == ""


@pytest.mark.django_db
def test_not_advised_with_violence_needs_explicit_reasoning_and_ends_the_series(case: Case) -> None:
    series = start(case)
    with pytest.raises(ValidationError):
        save(series, violence_unacknowledged=True, decision=ScreeningDecision.NOT_ADVISED, reasoning="")
    save(
        series,
        violence_unacknowledged=True,
        decision=ScreeningDecision.NOT_ADVISED,
        reasoning="Mistanke om vold fra ukjent person; barnet må beskyttes først.",
    )
    series.refresh_from_db()
    assert series.status == SeriesStatus.NOT_STARTED and series.ended_on is not None
    assert "barnet må beskyttes først" in series.end_reason


@pytest.mark.django_db
def test_the_family_declining_ends_the_series_before_it_starts(case: Case) -> None:
    series = start(case)
    save(series, small_network=True, decision=ScreeningDecision.DECLINED, reasoning="Vil ikke skylde noen.")
    series.refresh_from_db()
    assert series.status == SeriesStatus.NOT_STARTED
    assert "Vil ikke skylde noen." in series.end_reason


@pytest.mark.django_db
def test_flags_can_be_saved_before_deciding(case: Case) -> None:
    series = start(case)
    screening = save(series, severe_conflict=True, other_concerns="Far og mormor i konflikt.")
    series.refresh_from_db()
    assert screening.severe_conflict and screening.decision == "" and screening.decided_by is None
    assert series.status == SeriesStatus.SCREENING


@pytest.mark.django_db
def test_two_saves_from_the_same_version_keep_the_first_and_refuse_the_second(case: Case) -> None:
    series = start(case)
    opened_at = Screening.objects.get(series=series).version
    save(series, other_concerns="Første tekst.", expected_version=opened_at)
    with pytest.raises(ConflictError):
        save(series, other_concerns="Andre tekst.", expected_version=opened_at)
    stored = Screening.objects.get(series=series)
    assert stored.other_concerns == "Første tekst." and stored.version == opened_at + 1


# --- The page -------------------------------------------------------------------------------------------


def _form(**overrides: str) -> dict[str, str]:
    return {"other_concerns": "", "decision": "", "reasoning": "", "adaptations": "", **overrides}


@pytest.mark.django_db
def test_the_screening_page_surfaces_the_guidance(make_case: Any, caseworker: User, service: Service) -> None:
    case = make_case(owner=caseworker, service=service, minority_background=True)
    series = start(case)
    body = (
        client_for(caseworker)
        .get(reverse("meetings:screening", args=[series.case_id, series.measure_id]))
        .content.decode()
    )
    assert "guidance--adapt" in body
    assert 'name="violence_unacknowledged"' in body


@pytest.mark.django_db
def test_refused_going_ahead_is_explained_on_the_page(case: Case) -> None:
    series = start(case)
    response = client_for(case.caseworker).post(
        reverse("meetings:screening", args=[series.case_id, series.measure_id]),
        _form(violence_unacknowledged="on", decision="proceed", reasoning="Vi prøver."),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "error-summary" in body and "guidance--not_advised" in body
    series.refresh_from_db()
    assert series.status == SeriesStatus.SCREENING


@pytest.mark.django_db
def test_recording_the_decision_through_the_page(case: Case) -> None:
    series = start(case)
    response = client_for(case.caseworker).post(
        reverse("meetings:screening", args=[series.case_id, series.measure_id]),
        _form(decision="proceed", reasoning="Foreldrene ønsker et nettverksmøte."),
    )
    assert response.status_code == 302
    series.refresh_from_db()
    assert series.status == SeriesStatus.PREPARING


@pytest.mark.django_db
def test_the_not_advised_banner_shows_on_the_measure_page(case: Case) -> None:
    series = start(case)
    save(series, violence_unacknowledged=True, decision=ScreeningDecision.NOT_ADVISED, reasoning="Vold.")
    body = (
        client_for(case.caseworker)
        .get(reverse("meetings:detail", args=[series.case_id, series.measure_id]))
        .content.decode()
    )
    assert "status-banner--not_started" in body


@pytest.mark.django_db
def test_screening_page_is_404_without_need_to_know(
    case: Case, teammate: User, researcher: User, outsider: User
) -> None:
    series = start(case)
    clients = [client_for(u) for u in (teammate, researcher, outsider)]
    assert_404_for(
        clients,
        reverse("meetings:screening", args=[series.case_id, series.measure_id]),
        _form(decision="proceed"),
    )
    series.refresh_from_db()
    assert series.status == SeriesStatus.SCREENING


@pytest.mark.django_db
def test_a_visiting_leader_reads_the_screening_but_cannot_decide(case: Case, other_service: Service) -> None:
    visitor = visiting_leader(other_service)
    series = start(case, leader=visitor)
    client = client_for(visitor)
    page = client.get(reverse("meetings:screening", args=[series.case_id, series.measure_id]))
    assert page.status_code == 200 and 'name="decision"' not in page.content.decode()
    posted = client.post(
        reverse("meetings:screening", args=[series.case_id, series.measure_id]),
        _form(decision="proceed", reasoning="Ja."),
    )
    assert posted.status_code == 404


@pytest.mark.django_db
def test_a_conflicting_save_through_the_page_keeps_the_users_text(case: Case) -> None:
    series = start(case)
    url = reverse("meetings:screening", args=[series.case_id, series.measure_id])
    opened_at = str(Screening.objects.get(series=series).version)
    client = client_for(case.caseworker)
    client.cookies["django_language"] = "en"  # the assertion reads the English message
    first = client.post(url, _form(other_concerns="Første tekst.", version=opened_at))
    assert first.status_code == 302
    second = client.post(url, _form(other_concerns="Andre tekst.", version=opened_at))
    assert second.status_code == 200
    body = second.content.decode()
    assert "Someone else saved this while you were editing." in body
    assert "Andre tekst." in body
    assert f'name="version" value="{int(opened_at) + 1}"' in body
    assert Screening.objects.get(series=series).other_concerns == "Første tekst."


@pytest.mark.django_db
def test_the_screening_page_shows_conflict_ties_and_interpreter_need(case: Case) -> None:
    series = start(case)
    mona = network_services.add_member(acting_user=case.caseworker, case=case, name="Mona Mor")
    per = network_services.add_member(acting_user=case.caseworker, case=case, name="Per Far")
    network_services.add_tie(acting_user=case.caseworker, case=case, a=mona, b=per, kind="conflict")
    Case.objects.filter(pk=case.pk).update(interpreter_needed=True)
    page = (
        english_client(client_for(case.caseworker))
        .get(reverse("meetings:screening", args=[series.case_id, series.measure_id]))
        .content.decode()
    )
    assert "Mona Mor and Per Far are in conflict" in page
    assert "reason for caution" in page
    assert "The family needs an interpreter." in page
    assert "cultural interpreter" not in page.split('id="screening-facts"')[1].split("</section>")[0]


def english_client(client: Client) -> Client:
    client.cookies["django_language"] = "en"  # the assertions read English messages
    return client
