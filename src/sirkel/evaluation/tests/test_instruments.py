"""Rating instruments (shipped, defined, revised, retired), recording a rating, and the reliable change of
a case's ratings over time, against values computed by hand."""

from __future__ import annotations

import importlib
import math
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sirkel.accounts.models import Service, User
from sirkel.audit.models import AuditEvent
from sirkel.cases.models import Case
from sirkel.core.versioning import ConflictError
from sirkel.evaluation.instruments import (
    change_series,
    current_instruments,
    define_instrument,
    difference_se,
    record_rating,
    retire_instrument,
    revise_instrument,
    validate_items,
)
from sirkel.evaluation.models import Instrument, Rating
from sirkel.testing.factories import decide

ITEMS = [{"key": "a", "label": "Første"}, {"key": "b", "label": "Andre"}]
SHIPPED_YAML = Path(__file__).resolve().parent.parent / "data" / "instruments.yaml"


def _define(leader: User, service: Service, *, sd: float = 2.0, reliability: float = 0.8) -> Instrument:
    return define_instrument(
        acting_user=leader,
        service=service,
        key="var-egen",
        name="Vår egen",
        kind="outcome",
        items=ITEMS,
        sd=sd,
        reliability=reliability,
    )


def _rate(case: Case, instrument: Instrument, a: int, b: int, on: date) -> Rating:
    return record_rating(
        acting_user=case.caseworker,
        case=case,
        instrument=instrument,
        respondent="Mor",
        rated_on=on,
        scores={"a": a, "b": b},
    )


# --- Shipped instruments -----------------------------------------------------------------------------------


def test_the_shipped_instruments_are_in_the_database_after_migrating(db: None) -> None:
    shipped = {i.key: i for i in Instrument.objects.filter(service__isnull=True)}
    assert set(shipped) == {"hvordan-gar-det", "hvordan-var-motet"}
    assert shipped["hvordan-gar-det"].kind == "outcome" and len(shipped["hvordan-gar-det"].items) == 4
    assert shipped["hvordan-var-motet"].kind == "session"


def test_the_shipped_yaml_passes_the_same_checks_as_a_defined_instrument() -> None:
    data = yaml.safe_load(SHIPPED_YAML.read_text(encoding="utf-8"))
    for entry in data["instruments"]:
        assert validate_items(entry["items"]) == [
            {"key": i["key"], "label": i["label"], "label_en": i["label_en"]} for i in entry["items"]
        ]
        assert entry["sd"] > 0 and 0 <= entry["reliability"] < 1
        assert "ORS" not in entry["name"] and "SRS" not in entry["name"]


def test_loading_the_shipped_instruments_again_adds_nothing(db: None) -> None:
    migration = importlib.import_module("sirkel.evaluation.migrations.0002_shipped_instruments")
    before = list(Instrument.objects.filter(service__isnull=True).values_list("pk", "key", "version"))
    migration.add_shipped(django_apps, None)
    migration.add_shipped(django_apps, None)
    after = list(Instrument.objects.filter(service__isnull=True).values_list("pk", "key", "version"))
    assert sorted(after) == sorted(before) and len(after) == 2


def test_reversing_removes_only_the_unrated_shipped_instruments(case: Case) -> None:
    migration = importlib.import_module("sirkel.evaluation.migrations.0002_shipped_instruments")
    rated = Instrument.objects.get(service__isnull=True, key="hvordan-gar-det")
    record_rating(
        acting_user=case.caseworker,
        case=case,
        instrument=rated,
        respondent="Mor",
        rated_on=timezone.localdate(),
        scores={item["key"]: 5 for item in rated.items},
    )
    migration.remove_shipped(django_apps, None)
    assert list(Instrument.objects.filter(service__isnull=True).values_list("key", flat=True)) == [rated.key]


# --- Defining, revising, retiring -------------------------------------------------------------------------


def test_a_leader_defines_an_instrument_for_their_service(leader: User, service: Service) -> None:
    instrument = _define(leader, service)
    assert (instrument.version, instrument.service_id, instrument.items[0]["label_en"]) == (
        1,
        service.pk,
        "Første",
    )
    event = AuditEvent.objects.get(object_type="instrument", object_id=str(instrument.pk))
    assert event.detail == {"key": "var-egen", "version": 1}


@pytest.mark.parametrize("who", ["caseworker", "outsider"])
def test_only_a_leader_of_the_service_defines(
    who: str, request: pytest.FixtureRequest, service: Service
) -> None:
    with pytest.raises(PermissionDenied):
        _define(request.getfixturevalue(who), service)


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("sd", {"sd": 0.0}),
        ("sd", {"sd": float("nan")}),
        ("reliability", {"reliability": 1.0}),
        ("reliability", {"reliability": -0.1}),
        ("key", {"key": "med mellomrom"}),
        ("key", {"key": "hvordan-gar-det"}),  # a shipped key
        ("items", {"items": []}),
        ("items", {"items": [{"key": "a", "label": "En"}, {"key": "a", "label": "To"}]}),
        ("items", {"items": [{"key": "a", "label": " "}]}),
        ("name", {"name": "  "}),
        ("kind", {"kind": "other"}),
    ],
)
def test_what_a_definition_must_be(
    leader: User, service: Service, field: str, changes: dict[str, object]
) -> None:
    values: dict[str, object] = {
        "key": "ny",
        "name": "Ny",
        "kind": "session",
        "items": ITEMS,
        "sd": 1.0,
        "reliability": 0.5,
        **changes,
    }
    with pytest.raises(ValidationError) as refused:
        define_instrument(acting_user=leader, service=service, **values)  # type: ignore[arg-type]
    assert field in refused.value.message_dict
    assert not Instrument.objects.filter(service=service).exists()


def test_a_revision_is_a_new_version_and_the_old_one_is_kept(
    leader: User, service: Service, case: Case
) -> None:
    first = _define(leader, service)
    rating = _rate(case, first, 4, 4, timezone.localdate())
    revised = revise_instrument(
        acting_user=leader,
        instrument=first,
        expected_version=1,
        name="Vår egen",
        items=[*ITEMS, {"key": "c", "label": "Tredje"}],
        sd=2.5,
        reliability=0.8,
    )
    assert (revised.key, revised.version, len(revised.items), revised.sd) == ("var-egen", 2, 3, 2.5)
    first.refresh_from_db()
    assert (first.version, len(first.items), first.sd) == (1, 2, 2.0)
    rating.refresh_from_db()
    assert rating.instrument_id == first.pk
    assert [i.pk for i in current_instruments(service_id=service.pk) if i.key == "var-egen"] == [revised.pk]


def test_a_change_of_only_the_numbers_is_a_new_version_too(leader: User, service: Service) -> None:
    first = _define(leader, service)
    revised = revise_instrument(
        acting_user=leader,
        instrument=first,
        expected_version=1,
        name="Vår egen",
        items=ITEMS,
        sd=3,
        reliability=0.8,
    )
    assert revised.version == 2 and revised.pk != first.pk


def test_an_unchanged_revision_makes_no_new_version(leader: User, service: Service) -> None:
    first = _define(leader, service)
    same = revise_instrument(
        acting_user=leader,
        instrument=first,
        expected_version=1,
        name="Vår egen",
        items=ITEMS,
        sd=2,
        reliability=0.8,
    )
    assert same.pk == first.pk and Instrument.objects.filter(service=service).count() == 1


def test_a_revision_from_an_old_version_is_a_conflict(leader: User, service: Service) -> None:
    first = _define(leader, service)
    revise_instrument(
        acting_user=leader,
        instrument=first,
        expected_version=1,
        name="Ny tekst",
        items=ITEMS,
        sd=2,
        reliability=0.8,
    )
    with pytest.raises(ConflictError):
        revise_instrument(
            acting_user=leader,
            instrument=first,
            expected_version=1,
            name="Annen",
            items=ITEMS,
            sd=2,
            reliability=0.8,
        )


def test_a_shipped_instrument_cannot_be_revised_or_retired(leader: User) -> None:
    shipped = Instrument.objects.get(service__isnull=True, key="hvordan-gar-det")
    with pytest.raises(PermissionDenied):
        revise_instrument(
            acting_user=leader,
            instrument=shipped,
            expected_version=1,
            name="Endret",
            items=shipped.items,
            sd=1,
            reliability=0.5,
        )
    with pytest.raises(PermissionDenied):
        retire_instrument(acting_user=leader, instrument=shipped)


def test_a_retired_instrument_is_no_longer_offered_nor_rated_with(
    leader: User, service: Service, case: Case
) -> None:
    instrument = _define(leader, service)
    _rate(case, instrument, 5, 5, timezone.localdate())
    retire_instrument(acting_user=leader, instrument=instrument)
    assert "var-egen" not in {i.key for i in current_instruments(service_id=service.pk)}
    assert "var-egen" in {i.key for i in current_instruments(service_id=service.pk, include_retired=True)}
    instrument.refresh_from_db()
    with pytest.raises(ValidationError):
        _rate(case, instrument, 5, 5, timezone.localdate())
    assert Rating.objects.filter(instrument=instrument).count() == 1


# --- Recording a rating ------------------------------------------------------------------------------------


def test_a_rating_stores_the_mean_and_is_audited(leader: User, service: Service, case: Case) -> None:
    instrument = _define(leader, service)
    measure = decide(case=case, kind="network_meeting")
    rating = record_rating(
        acting_user=case.caseworker,
        case=case,
        instrument=instrument,
        measure=measure,
        respondent="  Mor ",
        rated_on=timezone.localdate(),
        scores={"a": 3, "b": "6"},
    )
    assert (rating.total, rating.scores, rating.respondent) == (4.5, {"a": 3, "b": 6}, "Mor")
    event = AuditEvent.objects.get(object_type="rating", object_id=str(rating.pk))
    assert event.detail == {"case": case.pk, "instrument": instrument.pk, "measure": measure.pk}
    assert "Mor" not in str(event.detail)


@pytest.mark.parametrize(
    "scores",
    [
        {"a": 3},
        {"a": 3, "b": 11},
        {"a": -1, "b": 2},
        {"a": 2.5, "b": 2},
        {"a": True, "b": 2},
        {"a": 1, "b": 1, "x": 1},
    ],
)
def test_every_item_is_a_whole_number_from_0_to_10(
    leader: User, service: Service, case: Case, scores: dict[str, object]
) -> None:
    instrument = _define(leader, service)
    with pytest.raises(ValidationError):
        record_rating(
            acting_user=case.caseworker,
            case=case,
            instrument=instrument,
            respondent="Mor",
            rated_on=timezone.localdate(),
            scores=scores,
        )
    assert not Rating.objects.exists()


def test_who_may_record_a_rating(case: Case, teammate: User, outsider: User, leader: User) -> None:
    shipped = Instrument.objects.get(service__isnull=True, key="hvordan-gar-det")
    scores = {item["key"]: 7 for item in shipped.items}
    for user in (teammate, outsider):
        with pytest.raises(PermissionDenied):
            record_rating(
                acting_user=user,
                case=case,
                instrument=shipped,
                respondent="Mor",
                rated_on=timezone.localdate(),
                scores=scores,
            )
    rating = record_rating(
        acting_user=leader,
        case=case,
        instrument=shipped,
        respondent="Far",
        rated_on=timezone.localdate(),
        scores=scores,
    )
    assert rating.total == 7


def test_another_services_instrument_and_a_future_date_are_refused(
    case: Case, outsider: User, other_service: Service
) -> None:
    theirs = _define(outsider, other_service)
    with pytest.raises(ValidationError):
        _rate(case, theirs, 1, 1, timezone.localdate())
    shipped = Instrument.objects.get(service__isnull=True, key="hvordan-gar-det")
    with pytest.raises(ValidationError) as refused:
        record_rating(
            acting_user=case.caseworker,
            case=case,
            instrument=shipped,
            respondent="Mor",
            rated_on=timezone.localdate() + timedelta(days=1),
            scores={item["key"]: 7 for item in shipped.items},
        )
    assert "rated_on" in refused.value.message_dict


# --- Reliable change over time -----------------------------------------------------------------------------


def test_the_brief_example_by_hand(leader: User, service: Service, case: Case) -> None:
    # x₁ = 4, x₂ = 7, s₁ = 2, r = 0.8: SE = 2·√0.2 = 0.8944; S_diff = √(2·0.8) = √1.6 = 1.2649;
    # RC = 3 / 1.2649 = 2.3717 → reliable improvement.
    instrument = _define(leader, service)
    today = timezone.localdate()
    _rate(case, instrument, 4, 4, today - timedelta(days=60))
    _rate(case, instrument, 7, 7, today - timedelta(days=30))
    _rate(case, instrument, 6, 7, today)  # 6.5: from the previous (7), −0.5 / 1.2649 = −0.40
    series = change_series(case, "var-egen")
    assert series is not None
    assert [p.rating.total for p in series.points] == [4.0, 7.0, 6.5]
    assert series.points[0].from_first is None
    second = series.points[1].from_first
    assert second is not None and second.rc == 2.37 and second.reliable and second.direction == 1
    assert 3 / math.sqrt(1.6) == pytest.approx(2.3717, abs=1e-4)
    third_first, third_previous = series.points[2].from_first, series.points[2].from_previous
    assert third_first is not None and third_first.rc == 1.98 and third_first.direction == 1
    assert third_previous is not None and third_previous.rc == -0.4 and third_previous.direction == 0
    assert series.band_half_width == pytest.approx(1.96 * math.sqrt(1.6))
    assert series.band == pytest.approx((4 - 1.96 * math.sqrt(1.6), 4 + 1.96 * math.sqrt(1.6)))


def test_when_versions_differ_the_first_ratings_version_is_used(
    leader: User, service: Service, case: Case
) -> None:
    first = _define(leader, service)  # s₁ = 2, r = 0.8
    today = timezone.localdate()
    _rate(case, first, 4, 4, today - timedelta(days=30))
    revised = revise_instrument(
        acting_user=leader,
        instrument=first,
        expected_version=1,
        name="Vår egen",
        items=ITEMS,
        sd=4,
        reliability=0.5,
    )
    _rate(case, revised, 7, 7, today)
    series = change_series(case, "var-egen")
    assert series is not None
    change = series.points[1].from_first
    assert change is not None and change.rc == round(3 / difference_se(sd=2, reliability=0.8), 2) == 2.37


def test_a_worsening_and_no_ratings(leader: User, service: Service, case: Case) -> None:
    assert change_series(case, "var-egen") is None
    instrument = _define(leader, service)
    today = timezone.localdate()
    _rate(case, instrument, 8, 8, today - timedelta(days=1))
    _rate(case, instrument, 4, 5, today)
    series = change_series(case, "var-egen")
    assert series is not None
    change = series.points[1].from_first
    assert change is not None and change.reliable and change.direction == -1
