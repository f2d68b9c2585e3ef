"""The natural mentor: the youth's nomination (from the register or added to it), the answer, the four
phases completed in order, the series page's stepper, and who may see it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from sirkel.accounts.models import User
from sirkel.actions import services as action_services
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.cases.models import Case, MeasureKind
from sirkel.meetings.models import (
    FollowUpNeeded,
    MentorAnswer,
    MentorNomination,
    MentorPhase,
    Series,
    SeriesStatus,
)
from sirkel.meetings.services import mentor
from sirkel.meetings.tests.series_support import assert_404_for, start
from sirkel.network import services as network_services
from sirkel.network.models import NetworkMember, Side
from sirkel.testing.fixtures import client_for


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The services' messages are matched in English (msgids), whatever the default language."""
    with translation.override("en"):
        yield


@pytest.fixture
def series(case: Case) -> Series:
    return start(case, kind=MeasureKind.NATURAL_MENTOR)


@pytest.fixture
def aunt(case: Case) -> NetworkMember:
    return network_services.add_member(
        acting_user=case.caseworker, case=case, name="Tove Tante", relation="Tante"
    )


def _yes(series: Series, member: NetworkMember) -> MentorNomination:
    today = timezone.localdate()
    nomination = mentor.nominate(
        acting_user=series.caseworker, series=series, member=member, nominated_on=today, why="Hun lytter."
    )
    return mentor.record_answer(
        acting_user=series.caseworker, nomination=nomination, asked_on=today, answer=MentorAnswer.YES
    )


def _complete(series: Series, number: int, **extra: Any) -> MentorPhase:
    return mentor.save_phase(
        acting_user=series.caseworker,
        series=series,
        number=number,
        held_on=timezone.localdate(),
        taking_part="Emma, mor, Tove og saksbehandler",
        notes=f"Fase {number}",
        internal_notes="Intern vurdering",
        complete=True,
        **extra,
    )


# --- Nomination and answer -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_natural_mentor_starts_under_way_without_a_leader(series: Series) -> None:
    assert series.status == SeriesStatus.PREPARING
    assert series.leader is None and series.person is None


@pytest.mark.django_db
def test_the_one_who_says_yes_becomes_the_mentor_and_both_steps_are_audited(
    series: Series, aunt: NetworkMember
) -> None:
    nomination = _yes(series, aunt)

    series.refresh_from_db()
    assert series.person == aunt
    assert nomination.answer == MentorAnswer.YES
    events = AuditEvent.objects.filter(object_type="mentor_nomination", object_id=str(nomination.pk))
    assert {e.action for e in events} == {AuditAction.CREATE, AuditAction.UPDATE}
    assert events.get(action=AuditAction.UPDATE).detail["person"] == aunt.pk


@pytest.mark.django_db
def test_someone_new_is_added_to_the_register_on_the_spot(series: Series) -> None:
    nomination = mentor.nominate(
        acting_user=series.caseworker,
        series=series,
        new_name="Petter Trener",
        new_relation="Fotballtrener",
        nominated_on=timezone.localdate(),
    )

    member = NetworkMember.objects.get(case_id=series.case_id, name="Petter Trener")
    assert nomination.member == member
    assert member.side == Side.PRIVATE and member.relation == "Fotballtrener"
    assert AuditEvent.objects.filter(object_type="network_member", object_id=str(member.pk)).exists()


@pytest.mark.django_db
def test_after_a_no_someone_else_can_be_nominated_but_not_while_one_is_waiting(
    series: Series, aunt: NetworkMember
) -> None:
    today = timezone.localdate()
    first = mentor.nominate(acting_user=series.caseworker, series=series, member=aunt, nominated_on=today)
    with pytest.raises(ValidationError, match="one person is asked at a time"):
        mentor.nominate(acting_user=series.caseworker, series=series, new_name="Petter", nominated_on=today)

    mentor.record_answer(
        acting_user=series.caseworker,
        nomination=first,
        asked_on=today,
        answer=MentorAnswer.NO,
        answer_note="Har ikke tid nå.",
    )
    second = mentor.nominate(
        acting_user=series.caseworker, series=series, new_name="Petter", nominated_on=today
    )
    mentor.record_answer(
        acting_user=series.caseworker, nomination=second, asked_on=today, answer=MentorAnswer.YES
    )

    series.refresh_from_db()
    assert series.person == second.member
    with pytest.raises(ValidationError, match="said yes"):
        mentor.nominate(acting_user=series.caseworker, series=series, new_name="Siri", nominated_on=today)
    with pytest.raises(ValidationError, match="has been nominated already"):
        mentor.nominate(acting_user=series.caseworker, series=series, member=aunt, nominated_on=today)


@pytest.mark.django_db
def test_a_mentor_comes_from_the_private_network_of_this_case(
    series: Series, case: Case, caseworker: User
) -> None:
    teacher = network_services.add_member(acting_user=caseworker, case=case, name="Lærer", side=Side.PUBLIC)
    with pytest.raises(ValidationError, match="private side"):
        mentor.nominate(
            acting_user=caseworker, series=series, member=teacher, nominated_on=timezone.localdate()
        )
    with pytest.raises(ValidationError, match="network register"):
        mentor.nominate(acting_user=caseworker, series=series, nominated_on=timezone.localdate())


@pytest.mark.django_db
def test_an_answer_cannot_come_before_the_nomination(series: Series, aunt: NetworkMember) -> None:
    today = timezone.localdate()
    nomination = mentor.nominate(
        acting_user=series.caseworker, series=series, member=aunt, nominated_on=today
    )
    with pytest.raises(ValidationError, match="before they were nominated"):
        mentor.record_answer(
            acting_user=series.caseworker,
            nomination=nomination,
            asked_on=today - timedelta(days=1),
            answer=MentorAnswer.YES,
        )


# --- The phases ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_phase_one_is_completed_only_when_a_mentor_said_yes(series: Series, aunt: NetworkMember) -> None:
    with pytest.raises(ValidationError, match="mentor has said yes"):
        _complete(series, 1)
    _yes(series, aunt)

    phase = _complete(series, 1)

    series.refresh_from_db()
    assert phase.completed_at is not None and phase.completed_by == series.caseworker
    assert series.status == SeriesStatus.ACTIVE
    event = AuditEvent.objects.get(object_type="mentor_phase", object_id=str(phase.pk))
    assert event.detail["completed"] is True and event.detail["series_activated"] is True


@pytest.mark.django_db
def test_the_phases_are_completed_in_order(series: Series, aunt: NetworkMember) -> None:
    _yes(series, aunt)
    with pytest.raises(ValidationError, match="Complete phase 1 first"):
        _complete(series, 2)
    # Notes can be written ahead; only completing waits.
    early = mentor.save_phase(
        acting_user=series.caseworker, series=series, number=3, held_on=None, notes="Tanker om planen"
    )
    assert early.completed_at is None
    _complete(series, 1)
    with pytest.raises(ValidationError, match="Complete phase 2 first"):
        _complete(series, 3, expected_version=early.version)
    _complete(series, 2)
    assert _complete(series, 3).completed_at is not None

    steps = mentor.phase_steps(series)
    assert [s.completed for s in steps] == [True, True, True, False]
    assert [s.current for s in steps] == [False, False, False, True]


@pytest.mark.django_db
def test_phase_four_needs_the_answer_on_professional_follow_up(series: Series, aunt: NetworkMember) -> None:
    _yes(series, aunt)
    for number in (1, 2, 3):
        _complete(series, number)
    with pytest.raises(ValidationError) as refused:
        _complete(series, 4)
    assert "followup_needed" in refused.value.message_dict

    phase = _complete(series, 4, followup_needed=FollowUpNeeded.NO)

    assert phase.followup_needed == FollowUpNeeded.NO and phase.completed_at is not None
    assert all(s.completed for s in mentor.phase_steps(series))
    assert not any(s.current for s in mentor.phase_steps(series))


@pytest.mark.django_db
def test_a_phase_saved_in_between_is_a_conflict(series: Series) -> None:
    from sirkel.core.versioning import ConflictError

    first = mentor.save_phase(
        acting_user=series.caseworker, series=series, number=2, held_on=None, notes="A", expected_version=0
    )
    with pytest.raises(ConflictError):
        mentor.save_phase(
            acting_user=series.caseworker,
            series=series,
            number=2,
            held_on=None,
            notes="B",
            expected_version=0,
        )
    mentor.save_phase(
        acting_user=series.caseworker,
        series=series,
        number=2,
        held_on=None,
        notes="C",
        expected_version=first.version,
    )
    assert MentorPhase.objects.get(series=series, number=2).notes == "C"


@pytest.mark.django_db
def test_a_network_meeting_has_no_phases(case: Case) -> None:
    meeting_series = start(case)
    with pytest.raises(ValidationError, match="does not run in phases"):
        mentor.save_phase(acting_user=case.caseworker, series=meeting_series, number=1, held_on=None)


@pytest.mark.django_db
def test_the_shared_plan_is_actions_agreed_outside_a_meeting(series: Series, aunt: NetworkMember) -> None:
    _yes(series, aunt)
    action = action_services.add_action(
        acting_user=series.caseworker,
        series=series,
        meeting=None,
        what="Tove og Emma går tur hver søndag",
        due_on=timezone.localdate() + timedelta(days=14),
        owner_member=aunt,
    )
    assert action.meeting is None and action.owner_member == aunt

    meeting_series = start(series.case)
    with pytest.raises(ValidationError, match="Choose the meeting"):
        action_services.add_action(
            acting_user=series.caseworker,
            series=meeting_series,
            meeting=None,
            what="Noe",
            due_on=timezone.localdate(),
            owner_member=aunt,
        )


# --- The pages -----------------------------------------------------------------------------------------


def _urls(series: Series, nomination: MentorNomination) -> list[str]:
    args = [series.case_id, series.measure_id]
    return [
        reverse("meetings:mentor_phase", args=[*args, 1]),
        reverse("meetings:mentor_phase", args=[*args, 4]),
        reverse("meetings:mentor_nominate", args=args),
        reverse("meetings:mentor_answer", args=[*args, nomination.pk]),
        reverse("meetings:mentor_summary", args=args),
    ]


@pytest.mark.django_db
def test_who_may_not_see_the_case_gets_404_on_every_mentor_page(
    series: Series, aunt: NetworkMember, outsider: User, teammate: User, researcher: User
) -> None:
    nomination = _yes(series, aunt)
    clients = [client_for(u) for u in (outsider, teammate, researcher)]
    for url in _urls(series, nomination):
        assert_404_for(clients, url)
    assert client_for(series.caseworker).get(_urls(series, nomination)[0]).status_code == 200


@pytest.mark.django_db
def test_a_phase_outside_one_to_four_and_a_measure_of_another_kind_are_404(
    case: Case, series: Series
) -> None:
    client = client_for(case.caseworker)
    assert (
        client.get(reverse("meetings:mentor_phase", args=[case.pk, series.measure_id, 5])).status_code == 404
    )
    assert (
        client.get(reverse("meetings:mentor_phase", args=[case.pk, series.measure_id, 0])).status_code == 404
    )
    other = start(case)
    assert (
        client.get(reverse("meetings:mentor_phase", args=[case.pk, other.measure_id, 1])).status_code == 404
    )
    assert client.get(reverse("meetings:engagement", args=[case.pk, series.measure_id])).status_code == 404


@pytest.mark.django_db
def test_the_phase_page_saves_and_completes_and_goes_on_to_the_next(
    series: Series, aunt: NetworkMember
) -> None:
    _yes(series, aunt)
    client = client_for(series.caseworker)
    url = reverse("meetings:mentor_phase", args=[series.case_id, series.measure_id, 1])
    response = client.post(
        url,
        {
            "held_on": timezone.localdate().isoformat(),
            "taking_part": "Emma og Tove",
            "notes": "Emma valgte Tove.",
            "internal_notes": "Hemmelig vurdering",
            "version": "0",
            "complete": "1",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "meetings:mentor_phase", args=[series.case_id, series.measure_id, 2]
    )
    assert MentorPhase.objects.get(series=series, number=1).completed_at is not None

    # Phase 4 refuses to complete without the follow-up answer, and says so on the page.
    page = client.post(
        reverse("meetings:mentor_phase", args=[series.case_id, series.measure_id, 4]),
        {"held_on": timezone.localdate().isoformat(), "version": "0", "complete": "1"},
    )
    assert page.status_code == 200
    assert "error-summary" in page.content.decode()
    assert not MentorPhase.objects.filter(series=series, number=4, completed_at__isnull=False).exists()


@pytest.mark.django_db
def test_the_series_page_shows_the_stepper_and_no_meeting_machinery(
    series: Series, aunt: NetworkMember
) -> None:
    _yes(series, aunt)
    _complete(series, 1)
    html = (
        client_for(series.caseworker)
        .get(reverse("meetings:detail", args=[series.case_id, series.measure_id]))
        .content.decode()
    )

    assert 'id="mentor-heading"' in html and "Tove Tante" in html
    current = re.search(r'<li class="[^"]*"\s+aria-current="step">\s*<a href="([^"]+)"', html)
    assert current is not None
    assert current.group(1) == reverse("meetings:mentor_phase", args=[series.case_id, series.measure_id, 2])
    assert 'id="meetings-heading"' not in html
    assert reverse("meetings:set_leader", args=[series.case_id, series.measure_id]) not in html
    assert 'id="participation-heading"' not in html


@pytest.mark.django_db
def test_the_summary_for_the_family_never_prints_the_internal_notes(
    series: Series, aunt: NetworkMember
) -> None:
    _yes(series, aunt)
    _complete(series, 1)
    response = client_for(series.caseworker).get(
        reverse("meetings:mentor_summary", args=[series.case_id, series.measure_id])
    )
    html = response.content.decode()
    assert "Fase 1" in html and "Tove Tante" in html
    assert "Intern vurdering" not in html
    assert AuditEvent.objects.filter(object_type="series", action=AuditAction.EXPORT).exists()


@pytest.mark.django_db
def test_nominating_on_the_page_with_someone_new_adds_them_to_the_register(series: Series) -> None:
    client = client_for(series.caseworker)
    url = reverse("meetings:mentor_nominate", args=[series.case_id, series.measure_id])
    response = client.post(
        url,
        {
            "member": "",
            "new_name": "Petter Trener",
            "new_relation": "Trener",
            "nominated_on": timezone.localdate().isoformat(),
            "why": "Han ser meg.",
        },
    )
    assert response.status_code == 302
    nomination = MentorNomination.objects.get(series=series)
    assert nomination.member.name == "Petter Trener" and nomination.why == "Han ser meg."
    assert response["Location"] == reverse(
        "meetings:mentor_answer", args=[series.case_id, series.measure_id, nomination.pk]
    )


@pytest.mark.django_db
def test_the_mentor_pages_queries_do_not_grow_with_phases_and_shared_plan(
    series: Series, aunt: NetworkMember
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    nomination = _yes(series, aunt)
    pages = [
        reverse("meetings:detail", args=[series.case_id, series.measure_id]),
        *(u for u in _urls(series, nomination) if "/svar/" not in u),
    ]
    client = client_for(series.caseworker)
    _complete(series, 1)
    with CaptureQueriesContext(connection) as few:
        for url in pages:
            assert client.get(url).status_code == 200, url
    _complete(series, 2)
    _complete(series, 3)
    for n in range(6):
        action_services.add_action(
            acting_user=series.caseworker,
            series=series,
            meeting=None,
            what=f"Avtale {n}",
            due_on=timezone.localdate() + timedelta(days=7 + n),
            owner_member=aunt,
        )
    with CaptureQueriesContext(connection) as many:
        for url in pages:
            assert client.get(url).status_code == 200, url
    assert len(many) <= len(few)
