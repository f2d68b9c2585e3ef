"""Informed consent per party (the youth too from 15), and withdrawal, which stops the series everywhere."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from sirkel.accounts.models import Service, User
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.cases.models import Case
from sirkel.meetings.models import (
    Consent,
    ConsentGivenAs,
    ConsentParty,
    ScreeningDecision,
    Series,
    SeriesStatus,
)
from sirkel.meetings.services import consent as consent_services
from sirkel.meetings.services import guards, leaders, screening
from sirkel.meetings.services.consent import InformedAbout, consent_status
from sirkel.meetings.tests.series_support import (
    EVERYTHING_TOLD,
    assert_404_for,
    born,
    consent,
    start,
    train,
    visiting_leader,
)
from sirkel.network import services as network_services
from sirkel.testing.fixtures import client_for


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def youth_case(make_case: Callable[..., Case], owner: User, service: Service, *, years: int) -> Case:
    return make_case(owner=owner, service=service, birth_date=born(years))


# --- Who must consent -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_parent_must_consent(case: Case) -> None:
    series = start(case)
    assert consent_status(series).missing_parties == [ConsentParty.MOTHER, ConsentParty.FATHER]
    consent(series, ConsentParty.MOTHER)
    status = consent_status(series)
    assert status.missing_parties == [ConsentParty.FATHER] and status.missing == ["Father"]
    consent(series, ConsentParty.FATHER)
    status = consent_status(series)
    assert status.missing == [] and status.complete and not status.youth_required


@pytest.mark.django_db
def test_the_youth_must_consent_too_from_15(
    make_case: Callable[..., Case], caseworker: User, service: Service
) -> None:
    series = start(youth_case(make_case, caseworker, service, years=15))
    consent(series, ConsentParty.MOTHER)
    consent(series, ConsentParty.FATHER)
    status = consent_status(series)
    assert status.youth_required and status.child_age == 15
    assert status.missing_parties == [ConsentParty.YOUTH] and not status.complete
    consent(series, ConsentParty.YOUTH)
    assert consent_status(series).complete


@pytest.mark.django_db
def test_a_child_turning_15_tomorrow_is_not_yet_asked_for_own_consent(
    make_case: Callable[..., Case], caseworker: User, service: Service
) -> None:
    case = make_case(owner=caseworker, service=service, birth_date=born(15, days_later=1))
    series = start(case)
    status = consent_status(series)
    assert status.child_age == 14 and not status.youth_required
    with pytest.raises(ValidationError) as err:
        consent(series, ConsentParty.YOUTH)
    assert "party" in err.value.message_dict


@pytest.mark.django_db
def test_a_guardian_stands_in_for_the_parents(case: Case) -> None:
    series = start(case)
    consent(series, ConsentParty.GUARDIAN)
    assert consent_status(series).missing == []


@pytest.mark.django_db
def test_consent_records_what_they_were_told_when_and_by_whom(case: Case) -> None:
    series = start(case)
    given = consent_services.add_consent(
        acting_user=case.caseworker,
        series=series,
        party=ConsentParty.MOTHER,
        party_name="Kari Testesen",
        informed_about=[InformedAbout.VOLUNTARY, "what"],  # order is normalised
        information_note="Vi viste en film om nettverksmøter.",
        informed_on=timezone.localdate() - timedelta(days=2),
        informed_by=case.caseworker,
        given_as=ConsentGivenAs.ORAL,
    )
    assert given.informed_about == ["what", InformedAbout.VOLUNTARY]
    assert given.given_as == ConsentGivenAs.ORAL
    assert given.informed_by == case.caseworker and given.is_active
    status = consent_status(series)
    assert status.not_fully_informed == [given]
    row = status.rows[0]
    assert "Who comes" in row.not_told and "What the measure is and how it works" in row.told
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="consent").exists()


@pytest.mark.django_db
def test_consent_is_refused_unless_they_were_told_it_is_voluntary(case: Case) -> None:
    series = start(case)
    not_voluntary = [i.value for i in InformedAbout if i != InformedAbout.VOLUNTARY]
    with pytest.raises(ValidationError) as error:
        consent_services.add_consent(
            acting_user=case.caseworker,
            series=series,
            party=ConsentParty.MOTHER,
            party_name="Kari",
            informed_about=not_voluntary,
            informed_on=timezone.localdate(),
            informed_by=case.caseworker,
            given_as=ConsentGivenAs.WRITTEN,
        )
    assert "voluntary" in error.value.message_dict["informed_about"][0]
    assert not Consent.objects.exists()


@pytest.mark.django_db
def test_the_consent_page_refuses_consent_unless_voluntary_is_ticked(case: Case) -> None:
    series = start(case)
    url = reverse("meetings:consent_add", args=[series.case_id, series.measure_id])
    client = client_for(case.caseworker)
    client.cookies["django_language"] = "en"  # the assertion reads the English message
    response = client.post(
        url,
        {
            "party": ConsentParty.MOTHER,
            "party_name": "Kari",
            "informed_about": [i.value for i in InformedAbout if i != InformedAbout.VOLUNTARY],
            "information_note": "",
            "informed_on": timezone.localdate().isoformat(),
            "informed_by": case.caseworker.pk,
            "given_as": ConsentGivenAs.WRITTEN,
        },
    )
    assert response.status_code == 200  # the form again, with the message
    assert "taking part is voluntary and that consent can be withdrawn" in response.content.decode()
    assert not Consent.objects.exists()


@pytest.mark.django_db
def test_consent_is_refused_with_a_future_date_or_an_outside_informer(case: Case, outsider: User) -> None:
    series = start(case)
    common: dict[str, Any] = {
        "acting_user": case.caseworker,
        "series": series,
        "party": ConsentParty.MOTHER,
        "party_name": "Kari",
        "informed_about": EVERYTHING_TOLD,
        "given_as": ConsentGivenAs.ORAL,
    }
    with pytest.raises(ValidationError):
        consent_services.add_consent(
            **common, informed_on=timezone.localdate() + timedelta(days=1), informed_by=case.caseworker
        )
    with pytest.raises(ValidationError):
        consent_services.add_consent(**common, informed_on=timezone.localdate(), informed_by=outsider)
    assert not Consent.objects.exists()


@pytest.mark.django_db
def test_consent_must_say_whether_it_was_given_orally_or_in_writing(case: Case) -> None:
    series = start(case)
    for given_as in ("", "nodded"):
        with pytest.raises(ValidationError) as error:
            consent_services.add_consent(
                acting_user=case.caseworker,
                series=series,
                party=ConsentParty.MOTHER,
                party_name="Kari",
                informed_about=EVERYTHING_TOLD,
                informed_on=timezone.localdate(),
                informed_by=case.caseworker,
                given_as=given_as,
            )
        assert "orally or in writing" in error.value.message_dict["given_as"][0]
    assert not Consent.objects.exists()


@pytest.mark.django_db
def test_the_consent_page_asks_how_it_was_given_and_the_series_page_shows_it(case: Case) -> None:
    series = start(case)
    client = client_for(case.caseworker)
    url = reverse("meetings:consent_add", args=[series.case_id, series.measure_id])
    form = client.get(url).content.decode()
    assert 'name="given_as"' in form and "Muntlig" in form and "Skriftlig" in form
    response = client.post(
        url,
        {
            "party": ConsentParty.MOTHER,
            "party_name": "Kari",
            "informed_about": EVERYTHING_TOLD,
            "information_note": "",
            "informed_on": timezone.localdate().isoformat(),
            "informed_by": case.caseworker.pk,
            "given_as": ConsentGivenAs.ORAL,
        },
    )
    assert response.status_code == 302
    assert Consent.objects.get(series=series).given_as == ConsentGivenAs.ORAL
    page = client.get(reverse("meetings:detail", args=[series.case_id, series.measure_id])).content.decode()
    assert "Gitt muntlig" in page


@pytest.mark.django_db
def test_no_consent_is_recorded_on_a_measure_that_was_not_started(case: Case) -> None:
    series = start(case)
    screening.save_screening(
        acting_user=case.caseworker,
        series=series,
        violence_unacknowledged=False,
        severe_conflict=False,
        parent_cognitive_difficulties=False,
        minority_background=False,
        small_network=True,
        decision=ScreeningDecision.DECLINED,
        reasoning="Familien vil ikke.",
    )
    with pytest.raises(ValidationError):
        consent(series)


# --- Withdrawal -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_withdrawn_consent_stops_the_series_and_later_writes_are_refused(
    case: Case, service: Service, consultant: User
) -> None:
    train(consultant, service)
    series = start(case, leader=consultant)
    mother = consent(series, ConsentParty.MOTHER)
    consent(series, ConsentParty.FATHER)

    consent_services.withdraw_consent(
        acting_user=case.caseworker, series=series, consent=mother, reason="Vil ikke fortsette."
    )

    series.refresh_from_db()
    mother.refresh_from_db()
    assert mother.withdrawn_at is not None and mother.withdrawal_reason == "Vil ikke fortsette."
    assert series.status == SeriesStatus.STOPPED and series.ended_on == timezone.localdate()
    assert "Vil ikke fortsette." in series.end_reason and "Mother" in series.end_reason
    status = consent_status(series)
    assert status.withdrawn == [mother] and not status.complete
    assert AuditEvent.objects.filter(object_type="consent", detail__withdrawn=True).exists()

    with pytest.raises(ValidationError):
        guards.ensure_open(series=series)
    with pytest.raises(ValidationError):
        consent(series, ConsentParty.GUARDIAN)
    with pytest.raises(ValidationError):
        leaders.set_leader(acting_user=case.caseworker, series=series, leader=None)
    with pytest.raises(ValidationError):
        screening.save_screening(
            acting_user=case.caseworker,
            series=series,
            violence_unacknowledged=False,
            severe_conflict=False,
            parent_cognitive_difficulties=False,
            minority_background=False,
            small_network=False,
            decision=ScreeningDecision.PROCEED,
            reasoning="Likevel.",
        )
    father = Consent.objects.get(series=series, party=ConsentParty.FATHER)
    with pytest.raises(ValidationError):
        consent_services.withdraw_consent(
            acting_user=case.caseworker, series=series, consent=father, reason="Også."
        )
    series.refresh_from_db()
    assert series.status == SeriesStatus.STOPPED and series.leader == consultant


@pytest.mark.django_db
def test_withdrawal_needs_a_reason(case: Case) -> None:
    series = start(case)
    mother = consent(series)
    with pytest.raises(ValidationError) as err:
        consent_services.withdraw_consent(
            acting_user=case.caseworker, series=series, consent=mother, reason=" "
        )
    assert "reason" in err.value.message_dict
    series.refresh_from_db()
    assert series.status == SeriesStatus.SCREENING


@pytest.mark.django_db
def test_withdrawal_through_the_page_shows_the_banner_on_the_measure_and_the_case(case: Case) -> None:
    series = start(case)
    mother = consent(series)
    client = client_for(case.caseworker)
    url = reverse("meetings:consent_withdraw", args=[series.case_id, series.measure_id, mother.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "Mor ønsker ikke mer."})
    assert response.status_code == 302

    series_page = client.get(
        reverse("meetings:detail", args=[series.case_id, series.measure_id])
    ).content.decode()
    case_page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    for page in (series_page, case_page):
        assert "status-banner--stopped" in page
        assert "Mor ønsker ikke mer." in page
    assert reverse("meetings:consent_add", args=[series.case_id, series.measure_id]) not in series_page

    # Later writes through the pages are refused too.
    refused = client.post(
        reverse("meetings:screening", args=[series.case_id, series.measure_id]),
        {"decision": "proceed", "reasoning": "Likevel.", "other_concerns": "", "adaptations": ""},
    )
    assert refused.status_code == 200 and "error-summary" in refused.content.decode()
    assert (
        client.post(reverse("meetings:consent_add", args=[series.case_id, series.measure_id]), {}).status_code
        == 200
    )
    series.refresh_from_db()
    assert series.status == SeriesStatus.STOPPED
    assert Consent.objects.filter(series=series).count() == 1


@pytest.mark.django_db
def test_the_meeting_leader_may_record_a_withdrawal(case: Case, other_service: Service) -> None:
    visitor = visiting_leader(other_service)
    series = start(case, leader=visitor)
    mother = consent(series)
    client = client_for(visitor)
    assert (
        client.post(reverse("meetings:consent_add", args=[series.case_id, series.measure_id]), {}).status_code
        == 404
    )
    response = client.post(
        reverse("meetings:consent_withdraw", args=[series.case_id, series.measure_id, mother.pk]),
        {"reason": "Sa det i møtet."},
    )
    assert response.status_code == 302
    series.refresh_from_db()
    assert series.status == SeriesStatus.STOPPED


# --- Pages ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_recording_consent_through_the_page(
    make_case: Callable[..., Case], caseworker: User, service: Service
) -> None:
    series = start(youth_case(make_case, caseworker, service, years=16))
    client = client_for(caseworker)
    url = reverse("meetings:consent_add", args=[series.case_id, series.measure_id])
    page = client.get(url).content.decode()
    assert 'id="youth-consent"' in page
    assert f'value="{ConsentParty.YOUTH.value}"' in page
    response = client.post(
        url,
        {
            "party": ConsentParty.YOUTH,
            "party_name": "Emma",
            "informed_about": EVERYTHING_TOLD,
            "information_note": "",
            "informed_on": timezone.localdate().isoformat(),
            "informed_by": caseworker.pk,
            "given_as": "written",
        },
    )
    assert response.status_code == 302
    assert Consent.objects.get(series=series).party == ConsentParty.YOUTH


@pytest.mark.django_db
def test_the_youth_is_not_offered_for_a_younger_child(case: Case) -> None:
    series: Series = start(case)
    page = (
        client_for(case.caseworker)
        .get(reverse("meetings:consent_add", args=[series.case_id, series.measure_id]))
        .content.decode()
    )
    assert f'value="{ConsentParty.YOUTH.value}"' not in page


@pytest.mark.django_db
def test_consent_pages_are_404_without_need_to_know(
    case: Case, teammate: User, researcher: User, outsider: User
) -> None:
    series = start(case)
    mother = consent(series)
    clients = [client_for(u) for u in (teammate, researcher, outsider)]
    assert_404_for(clients, reverse("meetings:consent_add", args=[series.case_id, series.measure_id]))
    assert_404_for(
        clients,
        reverse("meetings:consent_withdraw", args=[series.case_id, series.measure_id, mother.pk]),
        {"reason": "Nei."},
    )
    mother.refresh_from_db()
    assert mother.withdrawn_at is None


@pytest.mark.django_db
def test_a_consent_of_another_measure_cannot_be_withdrawn_through_this_one(case: Case) -> None:
    first, second = start(case), start(case)
    theirs = consent(second)
    response = client_for(case.caseworker).post(
        reverse("meetings:consent_withdraw", args=[first.case_id, first.measure_id, theirs.pk]),
        {"reason": "Feil."},
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.withdrawn_at is None


@pytest.mark.django_db
def test_the_measure_page_says_when_the_youth_must_consent(
    make_case: Callable[..., Case], caseworker: User, service: Service
) -> None:
    client = client_for(caseworker)
    older = start(youth_case(make_case, caseworker, service, years=17))
    younger = start(youth_case(make_case, caseworker, service, years=12))
    older_page = client.get(
        reverse("meetings:detail", args=[older.case_id, older.measure_id])
    ).content.decode()
    younger_page = client.get(
        reverse("meetings:detail", args=[younger.case_id, younger.measure_id])
    ).content.decode()
    assert 'id="youth-consent"' in older_page
    assert 'id="youth-consent"' not in younger_page


@pytest.mark.django_db
def test_the_consent_form_offers_the_parents_in_the_register(case: Case) -> None:
    series = start(case)
    mona = network_services.add_member(
        acting_user=case.caseworker, case=case, name="Mona Mor", relation="Mor"
    )
    network_services.add_member(acting_user=case.caseworker, case=case, name="Kari Nilsen", relation="Mormor")
    client = client_for(case.caseworker)
    url = reverse("meetings:consent_add", args=[series.case_id, series.measure_id])
    page = client.get(url).content.decode()
    assert f'<option value="{mona.pk}">Mona Mor (' in page
    assert "Kari Nilsen" not in page  # a grandmother is not a parent
    response = client.post(
        url,
        {
            "from_register": str(mona.pk),
            "party": ConsentParty.FATHER,  # the register's choice wins
            "party_name": "",
            "informed_about": EVERYTHING_TOLD,
            "informed_on": timezone.localdate().isoformat(),
            "informed_by": case.caseworker.pk,
            "given_as": "written",
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get(series=series)
    assert (consent.party, consent.party_name) == (ConsentParty.MOTHER, "Mona Mor")


@pytest.mark.django_db
def test_consent_without_a_register_choice_still_needs_a_name(case: Case) -> None:
    series = start(case)
    response = client_for(case.caseworker).post(
        reverse("meetings:consent_add", args=[series.case_id, series.measure_id]),
        {
            "party": ConsentParty.MOTHER,
            "party_name": " ",
            "informed_about": EVERYTHING_TOLD,
            "informed_on": timezone.localdate().isoformat(),
            "informed_by": case.caseworker.pk,
            "given_as": "written",
        },
    )
    assert response.status_code == 200
    assert not Consent.objects.filter(series=series).exists()
