"""The rating pages: a case's ratings (recording one, the chart and the table of reliable changes) and the
leaders' instruments. Asserted on status codes, element ids, names and data values (the pages speak
Bokmål once the catalogues are merged)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from sirkel.accounts.models import Service, User
from sirkel.audit.models import AuditEvent
from sirkel.cases.models import Case
from sirkel.cases.services import break_glass
from sirkel.evaluation.instruments import define_instrument, record_rating, retire_instrument
from sirkel.evaluation.models import Instrument, Rating
from sirkel.testing.fixtures import client_for


@pytest.fixture
def outcome() -> Instrument:
    return Instrument.objects.get(service__isnull=True, key="hvordan-gar-det")


def _url(case: Case) -> str:
    return reverse("ratings:case", args=[case.pk])


def _post(
    instrument: Instrument, *, value: int, respondent: str = "Mor", days_ago: int = 0
) -> dict[str, Any]:
    on = timezone.localdate() - timedelta(days=days_ago)
    data: dict[str, Any] = {"instrument": instrument.pk, "respondent": respondent, "rated_on": on.isoformat()}
    data.update({f"item_{item['key']}": str(value) for item in instrument.items})
    return data


def _rate(case: Case, instrument: Instrument, value: int, days_ago: int) -> Rating:
    return record_rating(
        acting_user=case.caseworker,
        case=case,
        instrument=instrument,
        respondent="Mor",
        rated_on=timezone.localdate() - timedelta(days=days_ago),
        scores={item["key"]: value for item in instrument.items},
    )


# --- A case's ratings --------------------------------------------------------------------------------------


def test_it_requires_access(case: Case, teammate: User, outsider: User, outcome: Instrument) -> None:
    for user in (teammate, outsider):
        assert client_for(user).get(_url(case)).status_code == 404
        assert client_for(user).post(_url(case), _post(outcome, value=5)).status_code == 404
    assert not Rating.objects.exists()
    assert Client().get(_url(case)).status_code == 302  # to sign in


def test_the_page_offers_the_instruments_and_audits_the_read(case: Case, outcome: Instrument) -> None:
    response = client_for(case.caseworker).get(_url(case))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="hvordan-gar-det"' in html and 'value="hvordan-var-motet"' in html
    assert f'name="instrument" value="{outcome.pk}"' in html
    for item in outcome.items:  # a radio group of 0–10 per item
        assert (
            f'name="item_{item["key"]}" value="0"' in html and f'name="item_{item["key"]}" value="10"' in html
        )
    event = AuditEvent.objects.filter(object_type="case", object_id=str(case.pk)).latest("id")
    assert event.detail == {"part": "ratings"}


def test_choosing_another_instrument_shows_its_items(case: Case) -> None:
    session = Instrument.objects.get(service__isnull=True, key="hvordan-var-motet")
    html = client_for(case.caseworker).get(_url(case), {"instrument": session.key}).content.decode()
    assert f'name="instrument" value="{session.pk}"' in html and 'name="item_hort"' in html


def test_recording_a_rating(case: Case, outcome: Instrument) -> None:
    response = client_for(case.caseworker).post(_url(case), _post(outcome, value=6))
    assert response.status_code == 302
    assert response["Location"].endswith("?instrument=hvordan-gar-det#series-hvordan-gar-det")
    rating = Rating.objects.get(case=case)
    assert (rating.total, rating.instrument_id, rating.recorded_by_id) == (
        6.0,
        outcome.pk,
        case.caseworker_id,
    )


def test_a_rating_without_every_item_keeps_what_was_typed(case: Case, outcome: Instrument) -> None:
    data = _post(outcome, value=6, respondent="Bestemor Kari")
    del data["item_familien"]
    response = client_for(case.caseworker).post(_url(case), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_item_familien_error"' in html
    assert 'value="Bestemor Kari"' in html
    assert re.search(r'name="item_meg-selv" value="6"[^>]*checked', html)
    assert not Rating.objects.exists()


def test_an_empty_post_is_drawn_again(case: Case) -> None:
    response = client_for(case.caseworker).post(_url(case), {})
    assert response.status_code == 200 and 'class="error-summary"' in response.content.decode()


def test_a_rating_with_a_retired_instrument_is_refused_with_what_was_typed(
    case: Case, leader: User, service: Service
) -> None:
    ours = define_instrument(
        acting_user=leader,
        service=service,
        key="var-egen",
        name="Vår egen",
        kind="outcome",
        items=[{"key": "a", "label": "Alt i alt"}],
        sd=2,
        reliability=0.8,
    )
    retire_instrument(acting_user=leader, instrument=ours)
    response = client_for(case.caseworker).post(_url(case), _post(ours, value=5, respondent="Far"))
    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode() and 'value="Far"' in response.content.decode()
    assert not Rating.objects.exists()


def test_two_ratings_show_their_reliable_change_in_chart_and_table(
    case: Case, leader: User, service: Service, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    ours = define_instrument(
        acting_user=leader,
        service=service,
        key="var-egen",
        name="Vår egen",
        kind="outcome",
        items=[{"key": "a", "label": "Alt i alt"}],
        sd=2,
        reliability=0.8,
    )
    _rate(case, ours, 4, days_ago=30)
    _rate(case, ours, 7, days_ago=0)
    client = client_for(case.caseworker)
    with django_assert_max_num_queries(30):
        response = client.get(_url(case))
    html = response.content.decode()
    assert 'id="chart-var-egen"' in html and 'role="img"' in html
    assert 'aria-labelledby="chart-var-egen-title chart-var-egen-desc"' in html
    assert 'data-rc="2.37" data-reliable="true" data-direction="1"' in html
    assert 'data-band="1.52 6.48"' in html  # 4 ± 1.96·√1.6
    assert html.count('<tr data-total="') == 2


def test_a_break_glass_reader_sees_the_ratings_but_no_form(case: Case, outcome: Instrument) -> None:
    _rate(case, outcome, 5, days_ago=0)
    reader = User.objects.create(username="vakt")
    reader.memberships.create(service=case.service, role="caseworker")
    break_glass(
        acting_user=reader, service=case.service, number=case.number, reason="Vakt: barnet er savnet."
    )
    response = client_for(reader).get(_url(case))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="table-hvordan-gar-det"' in html and 'name="respondent"' not in html
    assert client_for(reader).post(_url(case), _post(outcome, value=5)).status_code == 404


# --- The leaders' instruments ------------------------------------------------------------------------------


def _form(**changes: Any) -> dict[str, Any]:
    return {
        "key": "var-egen",
        "name": "Vår egen",
        "kind": "outcome",
        "description": "",
        "items": "Hjemme | At home\nSkolen",
        "sd": "2,5",
        "reliability": "0,8",
        **changes,
    }


def test_only_leaders_keep_instruments(
    caseworker: User, consultant: User, outsider: User, service: Service
) -> None:
    for user in (caseworker, consultant):
        assert client_for(user).get(reverse("ratings:instruments")).status_code == 404
        assert client_for(user).post(reverse("ratings:instrument_new"), _form()).status_code == 404
    # A leader of another service cannot ask for this one's.
    response = client_for(outsider).get(reverse("ratings:instruments"), {"tjeneste": service.pk})
    assert response.status_code == 404
    assert not Instrument.objects.filter(service__isnull=False).exists()


def test_the_list_shows_the_shipped_ones_read_only(leader: User, service: Service) -> None:
    response = client_for(leader).get(reverse("ratings:instruments"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="instrument-hvordan-gar-det"' in html and 'id="instrument-hvordan-var-motet"' in html
    shipped = Instrument.objects.get(service__isnull=True, key="hvordan-gar-det")
    assert reverse("ratings:instrument_edit", args=[shipped.pk]) not in html
    assert client_for(leader).get(reverse("ratings:instrument_edit", args=[shipped.pk])).status_code == 404


def test_a_leader_defines_an_instrument(leader: User, service: Service) -> None:
    response = client_for(leader).post(reverse("ratings:instrument_new"), {**_form(), "tjeneste": service.pk})
    assert response.status_code == 302
    made = Instrument.objects.get(service=service)
    assert (made.key, made.sd, made.reliability) == ("var-egen", 2.5, 0.8)
    assert made.items == [
        {"key": "hjemme", "label": "Hjemme", "label_en": "At home"},
        {"key": "skolen", "label": "Skolen", "label_en": "Skolen"},
    ]


def test_a_refused_definition_keeps_what_was_typed(leader: User, service: Service) -> None:
    response = client_for(leader).post(reverse("ratings:instrument_new"), _form(reliability="1,2"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_reliability_error"' in html and "Hjemme | At home" in html
    assert not Instrument.objects.filter(service=service).exists()


def test_copying_a_shipped_one_keeps_its_item_keys(leader: User, service: Service) -> None:
    shipped = Instrument.objects.get(service__isnull=True, key="hvordan-gar-det")
    client = client_for(leader)
    page = client.get(reverse("ratings:instrument_new"), {"fra": shipped.pk}).content.decode()
    assert 'value="hvordan-gar-det-egen"' in page and f'name="fra" value="{shipped.pk}"' in page
    lines = "\n".join(f"{i['label']} | {i['label_en']}" for i in shipped.items)
    response = client.post(
        reverse("ratings:instrument_new"),
        {
            **_form(key="hvordan-gar-det-egen", items=lines, sd="1,8"),
            "fra": shipped.pk,
            "tjeneste": service.pk,
        },
    )
    assert response.status_code == 302
    copy = Instrument.objects.get(service=service)
    assert [i["key"] for i in copy.items] == [i["key"] for i in shipped.items] and copy.sd == 1.8


def test_revising_makes_a_version_and_a_stale_form_is_a_conflict(leader: User, service: Service) -> None:
    client = client_for(leader)
    client.post(reverse("ratings:instrument_new"), _form())
    first = Instrument.objects.get(service=service)
    url = reverse("ratings:instrument_edit", args=[first.pk])
    form_page = client.get(url)
    assert form_page.status_code == 200
    assert "blir dette versjon 2; versjon 1 og skåringene" in form_page.content.decode()
    changed = {**_form(items="Hjemme | At home\nSkolen\nVenner"), "version": "1"}
    assert client.post(url, changed).status_code == 302
    assert list(
        Instrument.objects.filter(service=service).values_list("version", flat=True).order_by("version")
    ) == [1, 2]
    stale = client.post(url, {**changed, "name": "Annet navn"})
    assert stale.status_code == 200 and 'name="version" value="2"' in stale.content.decode()
    assert Instrument.objects.filter(service=service).count() == 2


def test_retiring(leader: User, service: Service, caseworker: User) -> None:
    client = client_for(leader)
    client.post(reverse("ratings:instrument_new"), _form())
    made = Instrument.objects.get(service=service)
    retire = reverse("ratings:instrument_retire", args=[made.pk])
    assert client_for(caseworker).post(retire).status_code == 404
    assert client.get(retire).status_code == 405
    assert client.post(retire).status_code == 302
    made.refresh_from_db()
    assert made.retired_at is not None
