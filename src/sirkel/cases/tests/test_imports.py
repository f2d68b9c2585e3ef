"""Importing a measure history from CSV: the file checked whole, the cases, decisions and measure periods
it gives, nothing written on any error, and a second import that changes nothing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sirkel.accounts.models import Service, User
from sirkel.audit.models import AuditEvent
from sirkel.audit.verification import verify_chain
from sirkel.cases.imports import COLUMNS, check_file, import_measures
from sirkel.cases.models import (
    Case,
    DecidedMeasure,
    Decision,
    DecisionChange,
    DecisionSource,
    Measure,
    MeasureStatus,
    Phase,
)
from sirkel.demo.history import measure_history
from sirkel.taxonomy import measures as measure_taxonomy

HEADER = ",".join(COLUMNS)


@pytest.fixture(autouse=True)
def _english(settings: object) -> Iterator[None]:
    """The messages in English, for this module's tests only (activating without restoring would leak the
    language into the next test of the worker)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def csv_of(*rows: str) -> str:
    return HEADER + "\n" + "\n".join(rows) + "\n"


def row_counts() -> tuple[int, int, int, int]:
    return (
        Case.objects.count(),
        Decision.objects.count(),
        Measure.objects.count(),
        DecidedMeasure.objects.count(),
    )


def test_1000_rows_give_the_cases_decisions_and_measure_periods(
    service: Service, leader: User, caseworker: User
) -> None:
    today = timezone.localdate()
    history = measure_history(rows=1000, seed=7, today=today)
    result = import_measures(
        acting_user=leader, service=service, caseworker=caseworker, data=history.text.encode()
    )
    assert result.ok, result.errors[:3]
    assert result.rows == 1000
    assert (result.cases_created, result.decisions_created, result.measures_created) == (
        history.children,
        history.decisions,
        1000,
    )
    assert (result.cases_unchanged, result.measures_updated, result.measures_unchanged) == (0, 0, 0)
    assert Case.objects.filter(service=service).count() == history.children
    assert Decision.objects.filter(
        source=DecisionSource.IMPORTED, decided_by=None, recorded_by=leader
    ).count() == (history.decisions)
    assert DecidedMeasure.objects.filter(change=DecisionChange.START).count() == 1000
    # Numbered 1, 2, … in the order of the file; the caseworker chosen; external reference kept.
    cases = {c.external_ref: c for c in Case.objects.filter(service=service)}
    refs = list(dict.fromkeys(r["case_ref"] for r in history.rows))
    assert [cases[ref].number for ref in refs] == list(range(1, len(refs) + 1))
    assert {c.caseworker_id for c in cases.values()} == {caseworker.pk}
    # Every row is one measure with its period, linked to its decision.
    items = {
        (i.decision.case.external_ref, i.decision.decided_on.isoformat(), i.measure.kind, i.measure.code): i
        for i in DecidedMeasure.objects.select_related("decision__case", "measure")
    }
    for row in history.rows:
        kind_code = measure_taxonomy.kind_for(row["measure"])
        assert kind_code is not None
        item = items[(row["case_ref"], row["decision_date"], *kind_code)]
        measure = item.measure
        assert item.planned_start == measure.planned_start == date.fromisoformat(row["start_date"])
        assert measure.legal_basis == item.decision.legal_basis == row["legal_basis"]
        assert measure.started_on == date.fromisoformat(row["start_date"])
        if row["end_date"]:
            assert measure.status == MeasureStatus.ENDED
            assert measure.ended_on == date.fromisoformat(row["end_date"])
            assert measure.end_reason
        else:
            assert (measure.status, measure.ended_on) == (MeasureStatus.ONGOING, None)
        case = cases[row["case_ref"]]
        assert (case.child_given_name, case.birth_date.isoformat(), case.sex) == (
            row["given_name"],
            row["birth_date"],
            row["sex"],
        )
    # Phase: support while any measure runs, else closed; first contact the first decision.
    ongoing = {r["case_ref"] for r in history.rows if not r["end_date"]}
    first: dict[str, str] = {}
    for r in history.rows:
        first[r["case_ref"]] = min(first.get(r["case_ref"], r["decision_date"]), r["decision_date"])
    for ref, case in cases.items():
        assert case.phase == (Phase.SUPPORT if ref in ongoing else Phase.CLOSED)
        assert case.first_contact_date.isoformat() == first[ref]
    # One audit event for the whole import, with the counts and no names.
    event = AuditEvent.objects.get(object_type="import")
    assert event.detail["cases_created"] == history.children
    assert event.detail["measures_created"] == 1000
    assert "Hansen" not in str(event.detail)
    assert verify_chain().ok


def test_a_second_import_changes_nothing(service: Service, leader: User, caseworker: User) -> None:
    history = measure_history(rows=300, seed=3, today=timezone.localdate())
    import_measures(acting_user=leader, service=service, caseworker=caseworker, data=history.text)
    before = row_counts()
    stamps = list(Measure.objects.order_by("pk").values_list("updated_at", "version"))
    again = import_measures(acting_user=leader, service=service, caseworker=caseworker, data=history.text)
    assert again.ok
    assert (again.cases_created, again.decisions_created, again.measures_created, again.measures_updated) == (
        0,
    ) * 4
    assert (again.cases_unchanged, again.decisions_unchanged, again.measures_unchanged) == (
        history.children,
        history.decisions,
        300,
    )
    assert row_counts() == before
    assert list(Measure.objects.order_by("pk").values_list("updated_at", "version")) == stamps


def test_a_later_file_with_an_end_date_updates_the_measure(
    service: Service, leader: User, caseworker: User
) -> None:
    first = csv_of("A-1,Emma,Hansen,2015-03-14,girl,2022-01-10,pmto,2022-02-01,,voluntary")
    import_measures(acting_user=leader, service=service, caseworker=caseworker, data=first)
    measure = Measure.objects.get()
    assert measure.status == MeasureStatus.ONGOING
    later = csv_of(
        "A-1,Emma,Hansen,2015-03-14,girl,2022-01-10,pmto,2022-02-01,2023-01-31,voluntary",
        "A-1,Emma,Hansen,2015-03-14,girl,2023-02-01,6.2,2023-02-15,,voluntary",
    )
    result = import_measures(acting_user=leader, service=service, caseworker=caseworker, data=later)
    assert (
        result.cases_unchanged,
        result.decisions_created,
        result.measures_created,
        result.measures_updated,
    ) == (
        1,
        1,
        1,
        1,
    )
    measure.refresh_from_db()
    assert (measure.status, measure.ended_on, measure.version) == (MeasureStatus.ENDED, date(2023, 1, 31), 2)
    assert Case.objects.get().phase == Phase.SUPPORT  # an existing case is left as it is


def test_ssb_codes_give_the_kind_or_the_generic_kind_with_the_code(
    service: Service, leader: User, caseworker: User
) -> None:
    data = csv_of(
        "B-1,Nora,Berg,2012-06-01,girl,2021-09-01,6.2,2021-09-01,2022-03-01,voluntary",
        "B-1,Nora,Berg,2012-06-01,girl,2021-09-01,6.99,2021-09-01,,voluntary",
    )
    assert import_measures(acting_user=leader, service=service, caseworker=caseworker, data=data).ok
    found = dict(Measure.objects.values_list("kind", "code"))
    assert found == {"network_meeting": "", measure_taxonomy.GENERIC_KIND: "6.99"}
    assert {m.ssb_code for m in Measure.objects.all()} == {"6.2", "6.99"}


GOOD = "C-1,Ola,Olsen,2014-01-01,boy,2022-05-01,advice_guidance,2022-05-02,2022-12-31,voluntary"


@pytest.mark.parametrize(
    ("bad", "column", "words"),
    [
        ("C-2,Ida,Lie,2014-01-01,girl,2022-05-01,juggling,2022-05-02,,voluntary", "measure", "not a measure"),
        ("C-2,Ida,Lie,2014-02-30,girl,2022-05-01,pmto,2022-05-02,,voluntary", "birth_date", "not a date"),
        (
            "C-2,Ida,Lie,2014-01-01,girl,2022-05-01,pmto,2022-05-02,2022-05-01,voluntary",
            "end_date",
            "end before",
        ),
        (
            "C-2,Ida,Lie,2022-06-01,girl,2022-07-01,pmto,2022-05-02,,voluntary",
            "birth_date",
            "after the measure",
        ),
        ("C-2,Ida,Lie,2014-01-01,jente,2022-05-01,pmto,2022-05-02,,voluntary", "sex", "girl, boy"),
        ("C-2,Ida,Lie,2014-01-01,girl,2022-05-01,pmto,2022-05-02,,frivillig", "legal_basis", "voluntary or"),
        ("C-2,,Lie,2014-01-01,girl,2022-05-01,pmto,2022-05-02,,voluntary", "given_name", "required"),
        ("C-2,Ida,Lie,2014-01-01,girl,2099-05-01,pmto,2022-05-02,,voluntary", "decision_date", "future"),
        ("C-2,Ida,Lie,1940-01-01,girl,2022-05-01,pmto,2022-05-02,,voluntary", "birth_date", "before 1950"),
        ("C-2,Ida,Lie,2014-01-01,girl,2022-05-01,pmto,2022/05/02,,voluntary", "start_date", "YYYY-MM-DD"),
        ("C-2,Ida,Lie,2014-01-01,girl,2022-05-01,6.2,2022-05-02,,imposed", "measure", "cannot be imposed"),
        ("C-1,Ole,Olsen,2014-01-01,boy,2022-06-01,pmto,2022-06-02,,voluntary", "case_ref", "one child"),
        (
            "C-1,Ola,Olsen,2014-01-01,boy,2022-05-01,pmto,2022-05-02,,imposed",
            "legal_basis",
            "one legal basis",
        ),
        ("C-1,Ola,Olsen,2014-01-01,boy,2022-05-01,3.9,2022-06-02,,voluntary", "measure", "in this decision"),
        ("C-2,Ida,Lie,2014-01-01,girl,2022-05-01,pmto,2022-05-02,voluntary", "", "Expected 10 columns"),
    ],
)
def test_one_bad_row_writes_nothing_and_names_the_row(
    service: Service, leader: User, caseworker: User, bad: str, column: str, words: str
) -> None:
    data = csv_of(GOOD, GOOD.replace("C-1", "C-3"), bad, GOOD.replace("C-1", "C-4"))
    before, events = row_counts(), AuditEvent.objects.count()
    result = import_measures(acting_user=leader, service=service, caseworker=caseworker, data=data)
    assert not result.ok
    assert [(e.line, e.column) for e in result.errors] == [(4, column)]
    assert words.lower() in result.errors[0].message.lower()
    assert str(result.errors[0]).startswith("Line 4")
    assert row_counts() == before
    assert AuditEvent.objects.count() == events


def test_every_bad_row_is_listed(service: Service, leader: User, caseworker: User) -> None:
    data = csv_of(
        GOOD,
        "D-1,Ida,Lie,2014-13-01,girl,2022-05-01,juggling,2022-05-02,,voluntary",
        "D-2,Ida,Lie,2014-01-01,girl,2022-05-01,pmto,2022-05-02,,maybe",
    )
    result = import_measures(acting_user=leader, service=service, caseworker=caseworker, data=data)
    assert [(e.line, e.column) for e in result.errors] == [
        (3, "birth_date"),
        (3, "measure"),
        (4, "legal_basis"),
    ]
    assert row_counts() == (0, 0, 0, 0)


def test_the_header_must_be_exactly_the_ten_columns() -> None:
    wrong = "case_ref,given_name,family_name,birth_date,sex,decision_date,measure,start_date,legal_basis\n"
    checked = check_file(wrong + "x\n")
    assert [(e.line, e.message[:22]) for e in checked.errors] == [(1, "The first line must na")]


def test_utf8_with_bom_and_windows_line_ends_are_read() -> None:
    data = (
        "\ufeff" + csv_of("E-1,Åse,Ødegård,2014-01-01,girl,2022-05-01,pmto,2022-05-02,,voluntary")
    ).replace("\n", "\r\n")
    checked = check_file(data.encode("utf-8"))
    assert checked.ok
    assert checked.rows[0].family_name == "Ødegård"
    latin1 = check_file(
        csv_of("E-1,Åse,Ødegård,2014-01-01,girl,2022-05-01,pmto,2022-05-02,,voluntary").encode("latin-1")
    )
    assert [(e.line, "UTF-8" in e.message) for e in latin1.errors] == [(2, True)]


def test_a_start_ahead_is_planned_and_an_end_ahead_is_expected(
    service: Service, leader: User, caseworker: User
) -> None:
    today = timezone.localdate()
    soon, later = (today + timedelta(days=20)).isoformat(), (today + timedelta(days=200)).isoformat()
    data = csv_of(
        f"F-1,Emil,Berg,2014-01-01,boy,{today.isoformat()},pmto,{soon},{later},voluntary",
        f"F-1,Emil,Berg,2014-01-01,boy,{today.isoformat()},support_contact,2022-01-01,{later},voluntary",
    )
    assert import_measures(acting_user=leader, service=service, caseworker=caseworker, data=data).ok
    planned = Measure.objects.get(kind="pmto")
    assert (planned.status, planned.started_on, str(planned.planned_start)) == (
        MeasureStatus.PLANNED,
        None,
        soon,
    )
    running = Measure.objects.get(kind="support_contact")
    assert (running.status, running.ended_on, str(running.expected_end)) == (
        MeasureStatus.ONGOING,
        None,
        later,
    )


def test_dry_run_writes_nothing_and_counts_what_it_would_do(
    service: Service, leader: User, caseworker: User
) -> None:
    history = measure_history(rows=50, seed=5, today=timezone.localdate())
    events = AuditEvent.objects.count()
    result = import_measures(
        acting_user=leader, service=service, caseworker=caseworker, data=history.text, dry_run=True
    )
    assert (result.dry_run, result.cases_created, result.decisions_created, result.measures_created) == (
        True,
        history.children,
        history.decisions,
        50,
    )
    assert row_counts() == (0, 0, 0, 0)
    assert AuditEvent.objects.count() == events


def test_a_decision_imported_before_keeps_its_legal_basis(
    service: Service, leader: User, caseworker: User
) -> None:
    import_measures(acting_user=leader, service=service, caseworker=caseworker, data=csv_of(GOOD))
    before = row_counts()
    changed = csv_of(GOOD.replace("advice_guidance", "pmto").replace("voluntary", "imposed"))
    result = import_measures(acting_user=leader, service=service, caseworker=caseworker, data=changed)
    assert [(e.line, e.column) for e in result.errors] == [(2, "legal_basis")]
    assert row_counts() == before


def test_cases_are_matched_within_the_service_only(
    service: Service, other_service: Service, leader: User, outsider: User, caseworker: User
) -> None:
    import_measures(acting_user=leader, service=service, caseworker=caseworker, data=csv_of(GOOD))
    result = import_measures(
        acting_user=outsider, service=other_service, caseworker=outsider, data=csv_of(GOOD)
    )
    assert result.cases_created == 1
    assert Case.objects.filter(external_ref="C-1").count() == 2


def test_only_leaders_and_administrators_may_import(
    service: Service, caseworker: User, consultant: User, researcher: User, outsider: User
) -> None:
    for user in (caseworker, consultant, researcher, outsider):
        with pytest.raises(PermissionDenied):
            import_measures(acting_user=user, service=service, caseworker=caseworker, data=csv_of(GOOD))
    assert row_counts() == (0, 0, 0, 0)


def test_the_caseworker_must_work_with_cases_in_the_service(
    service: Service, leader: User, researcher: User, outsider: User
) -> None:
    for user in (researcher, outsider):
        with pytest.raises(ValidationError):
            import_measures(acting_user=leader, service=service, caseworker=user, data=csv_of(GOOD))


def test_the_generated_history_is_realistic() -> None:
    history = measure_history(rows=3000, seed=1, today=date(2026, 6, 1))
    assert 700 <= history.children <= 1200
    kinds = Counter(r["measure"] for r in history.rows)
    assert len(kinds) > 10
    assert check_file(history.text, today=date(2026, 6, 1)).ok
