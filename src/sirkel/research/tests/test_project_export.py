"""`sirkel research export`: a project's registrations from the database, de-identified, in each format."""

from __future__ import annotations

import io
import stat
from pathlib import Path

import pyreadstat
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sirkel.accounts.models import User
from sirkel.audit.models import AuditEvent
from sirkel.cases.models import Case
from sirkel.network.models import NetworkMember
from sirkel.research.models import Project, Registration
from sirkel.research.services import latest_form_version
from sirkel.research.tests.test_export import CHILD_ID

PHONE = "+47 912 34 567"
EMAIL = "mormor.hansen@example.no"
ADDRESS = "Storgata 12B, 0155 Oslo"


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("research", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def project(case: Case, caseworker: User) -> Project:
    case.child_given_name, case.child_family_name = "Nora", "Hansen"
    case.save()
    NetworkMember.objects.create(case=case, name="Randi Hansen", relation="Mormor")
    NetworkMember.objects.create(case=case, name="Jonas Berg", relation="fotballtrener")
    project = Project.objects.create(slug="eksport", name="Eksport", form_version=latest_form_version())
    text = (
        f"Noras mormor Randi Hansen ({PHONE}, {EMAIL}) bor i {ADDRESS}. Jonas hjelper Nora med lekser. "
        f"Fødselsnummer {CHILD_ID}. Saksbehandler {caseworker.get_full_name()} fulgte opp 12.03.2024."
    )
    Registration.objects.create(
        project=project,
        form_version=project.form_version,
        case_ref="SAK-2024-0042",
        linked_case=case,
        coder="forsker-1",
        answers={"sex": "girl", "decisions": [{"decision_month": "2024-03", "reasons_text": text}]},
    )
    return project


@pytest.mark.parametrize("fmt", ["csv", "sav", "dta"])
def test_a_linked_registration_exports_with_none_of_the_case_s_names_or_numbers(
    project: Project, case: Case, caseworker: User, tmp_path: Path, fmt: str
) -> None:
    key_file = tmp_path / "keys" / "eksport.key"
    out, err = run(
        "export",
        "--project",
        "eksport",
        "--format",
        fmt,
        "--output",
        str(tmp_path / "out"),
        "--key-file",
        str(key_file),
    )
    assert "A new pseudonymisation key" in err and "100 %" in err
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    files = [Path(line) for line in out.splitlines()]
    assert any(f.name == f"decisions.{fmt}" for f in files) and all(f.exists() for f in files)
    texts = []
    for path in files:
        if path.suffix in (".sav", ".dta"):
            frame, meta = (pyreadstat.read_sav if path.suffix == ".sav" else pyreadstat.read_dta)(str(path))
            texts.append(frame.to_csv())
            texts.append(" ".join(str(label) for label in meta.column_labels if label))
        else:
            texts.append(path.read_text(encoding="utf-8"))
    everything = "\n".join(texts)
    for secret in (
        "Nora",
        "Hansen",
        "Randi",
        "Jonas",
        "Berg",
        caseworker.get_full_name(),
        "SAK-2024-0042",
        CHILD_ID,
        "912 34 567",
        EMAIL,
        "Storgata",
        "0155",
        "12.03.2024",
    ):
        assert secret not in everything, secret
    assert "[mormor]" in everything and "[barnet]" in everything and "2024-03" in everything
    event = AuditEvent.objects.filter(object_type="research_export").latest("id")
    assert event.detail["registrations"] == 1 and event.detail["formats"] == [fmt]


def test_the_same_key_file_gives_the_same_pseudonyms(project: Project, tmp_path: Path) -> None:
    key_file = tmp_path / "k.key"
    run(
        "export",
        "--project",
        "eksport",
        "--format",
        "csv",
        "--output",
        str(tmp_path / "a"),
        "--key-file",
        str(key_file),
    )
    _out, err = run(
        "export",
        "--project",
        "eksport",
        "--format",
        "csv",
        "--output",
        str(tmp_path / "b"),
        "--key-file",
        str(key_file),
    )
    assert "A new pseudonymisation key" not in err
    first = (tmp_path / "a" / "registrations.csv").read_text(encoding="utf-8")
    second = (tmp_path / "b" / "registrations.csv").read_text(encoding="utf-8")
    assert first == second
    run(
        "export",
        "--project",
        "eksport",
        "--format",
        "csv",
        "--output",
        str(tmp_path / "c"),
        "--key-file",
        str(tmp_path / "other.key"),
    )
    assert (tmp_path / "c" / "registrations.csv").read_text(encoding="utf-8") != first


def test_an_unknown_project_or_a_bad_key_file_is_refused(project: Project, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no project"):
        run("export", "--project", "nowhere", "--format", "csv", "--output", str(tmp_path))
    bad = tmp_path / "bad.key"
    bad.write_text("not hex", encoding="ascii")
    with pytest.raises(CommandError, match="Cannot use the key file"):
        run(
            "export",
            "--project",
            "eksport",
            "--format",
            "csv",
            "--output",
            str(tmp_path / "x"),
            "--key-file",
            str(bad),
        )
