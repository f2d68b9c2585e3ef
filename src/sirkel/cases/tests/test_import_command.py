"""`sirkel import measures --service NAME --caseworker USER FILE.csv [--dry-run]`."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation

from sirkel.accounts.models import Service, User
from sirkel.audit.models import AuditEvent
from sirkel.cases.models import Case, Decision, Measure
from sirkel.demo.history import measure_history


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """The messages below are matched in English; a command speaks the active language."""
    with translation.override("en"):
        yield


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def history_file(tmp_path: Path) -> tuple[Path, int, int]:
    history = measure_history(rows=120, seed=11, today=timezone.localdate())
    path = tmp_path / "history.csv"
    path.write_text(history.text, encoding="utf-8")
    return path, history.children, history.decisions


def test_imports_the_file_and_prints_the_counts(
    service: Service, caseworker: User, history_file: tuple[Path, int, int]
) -> None:
    path, children, decisions = history_file
    out, err = run("measures", "--service", service.name, "--caseworker", "caseworker", str(path))
    assert out.strip() == (
        f"Imported 120 rows into {service.name}: cases {children} created, 0 unchanged; "
        f"decisions {decisions} created, 0 unchanged; measures 120 created, 0 updated, 0 unchanged."
    )
    assert "Checking" in err
    assert Case.objects.filter(service=service, caseworker=caseworker).count() == children
    assert set(Decision.objects.values_list("recorded_by", flat=True)) == {caseworker.pk}
    event = AuditEvent.objects.get(object_type="import")
    assert (event.actor_id, event.detail["via"]) == (caseworker.pk, "cli")
    out, _err = run("measures", "--service", service.name, "--caseworker", "caseworker", str(path))
    assert f"cases 0 created, {children} unchanged" in out
    assert "measures 0 created, 0 updated, 120 unchanged" in out


def test_dry_run_writes_nothing(
    service: Service, caseworker: User, history_file: tuple[Path, int, int]
) -> None:
    path, children, _decisions = history_file
    out, _err = run(
        "measures", "--service", service.name, "--caseworker", "caseworker", "--dry-run", str(path)
    )
    assert out.startswith(f"Would import 120 rows into {service.name}: cases {children} created")
    assert "Nothing was written" in out
    assert (Case.objects.count(), Measure.objects.count()) == (0, 0)


def test_a_bad_row_is_listed_with_its_line_and_fails(
    service: Service, caseworker: User, tmp_path: Path
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "case_ref,given_name,family_name,birth_date,sex,decision_date,measure,start_date,end_date,legal_basis\n"
        "A-1,Emma,Hansen,2015-03-14,girl,2022-01-10,pmto,2022-02-01,,voluntary\n"
        "A-2,Ola,Berg,2015-03-14,boy,2022-01-10,juggling,2022-02-01,,voluntary\n",
        encoding="utf-8",
    )
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported: 1 problem"):
        call_command(
            "import",
            "measures",
            "--service",
            service.name,
            "--caseworker",
            "caseworker",
            str(path),
            stdout=out,
            stderr=err,
        )
    assert "Line 3, measure: “juggling” is not a measure" in err.getvalue()
    assert out.getvalue() == ""
    assert Case.objects.count() == 0


def test_unknown_service_or_caseworker_is_refused(
    service: Service, caseworker: User, researcher: User, tmp_path: Path
) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no service named 'Nowhere'"):
        run("measures", "--service", "Nowhere", "--caseworker", "caseworker", str(path))
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        run("measures", "--service", service.name, "--caseworker", "nobody", str(path))
    with pytest.raises(CommandError, match="cannot be responsible"):
        run("measures", "--service", service.name, "--caseworker", "researcher", str(path))
    with pytest.raises(CommandError, match="Cannot read"):
        run(
            "measures", "--service", service.name, "--caseworker", "caseworker", str(tmp_path / "missing.csv")
        )
