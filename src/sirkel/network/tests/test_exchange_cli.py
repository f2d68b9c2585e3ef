"""`sirkel network export|import`: the same access rules and audit as the pages, for a named user."""

from __future__ import annotations

import io
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from sirkel.accounts.models import Service, User
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.cases.models import Case
from sirkel.network.exchange.schema import session_uuid
from sirkel.network.models import NetworkMember, NetworkTie
from sirkel.network.tests.test_exchange import THREE_PEOPLE, build_network, network_zip, person
from sirkel.network.tests.test_exchange_network_canvas import export_zip


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("network", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def other_case(make_case: Callable[..., Case], outsider: User, other_service: Service) -> Case:
    return make_case(owner=outsider, service=other_service)


@pytest.mark.django_db
def test_export_writes_the_zip_for_a_user_who_may_see_the_case(
    case: Case, caseworker: User, tmp_path: Path
) -> None:
    build_network(case, caseworker)
    output = tmp_path / "nettverk.zip"
    out, _ = run(
        "export", "--user", "caseworker", "--case", str(case.pk), "--format", "csv", "--output", str(output)
    )
    assert "Exported 4 people and 3 ties" in out
    with zipfile.ZipFile(output) as archive:
        assert sorted(archive.namelist()) == sorted(
            f"{case.reference}_{session_uuid(case)}{suffix}"
            for suffix in ("_ego.csv", "_attributeList_person.csv", "_edgeList_tie.csv")
        )
    assert stat.S_IMODE(output.stat().st_mode) == 0o600  # a child's network: for the owner's eyes only
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.actor, event.detail["via"], event.detail["format"]) == (caseworker, "cli", "csv")


@pytest.mark.django_db
def test_export_writes_graphml(case: Case, caseworker: User, tmp_path: Path) -> None:
    output = tmp_path / "nettverk.graphml"
    run(
        "export",
        "--user",
        "caseworker",
        "--case",
        str(case.pk),
        "--format",
        "graphml",
        "--output",
        str(output),
    )
    assert output.read_bytes().startswith(b"<?xml")


@pytest.mark.django_db
def test_export_of_another_services_case_is_refused(
    other_case: Case, caseworker: User, outsider: User, tmp_path: Path
) -> None:
    build_network(other_case, outsider)
    output = tmp_path / "stjalet.zip"
    with pytest.raises(CommandError, match="does not exist or caseworker may not see it"):
        run(
            "export",
            "--user",
            "caseworker",
            "--case",
            str(other_case.pk),
            "--format",
            "csv",
            "--output",
            str(output),
        )
    assert not output.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
    assert not AuditEvent.objects.filter(actor=caseworker, object_id=str(other_case.pk)).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["teammate", "researcher"])
def test_export_by_a_colleague_without_need_to_know_is_refused(
    case: Case, username: str, teammate: User, researcher: User, tmp_path: Path
) -> None:
    output = tmp_path / "x.zip"
    with pytest.raises(CommandError, match="may not see it"):
        run("export", "--user", username, "--case", str(case.pk), "--format", "csv", "--output", str(output))
    assert not output.exists()


@pytest.mark.django_db
def test_an_unknown_or_inactive_user_is_refused(case: Case, caseworker: User, tmp_path: Path) -> None:
    output = tmp_path / "x.zip"
    with pytest.raises(CommandError, match="no active user named 'nobody'"):
        run("export", "--user", "nobody", "--case", str(case.pk), "--format", "csv", "--output", str(output))
    caseworker.is_active = False
    caseworker.save()
    with pytest.raises(CommandError, match="no active user"):
        run(
            "export",
            "--user",
            "caseworker",
            "--case",
            str(case.pk),
            "--format",
            "csv",
            "--output",
            str(output),
        )
    assert not output.exists()


@pytest.mark.django_db
def test_export_keeps_an_existing_file_unless_forced(case: Case, caseworker: User, tmp_path: Path) -> None:
    output = tmp_path / "x.graphml"
    output.write_text("mine")
    args = [
        "export",
        "--user",
        "caseworker",
        "--case",
        str(case.pk),
        "--format",
        "graphml",
        "--output",
        str(output),
    ]
    with pytest.raises(CommandError, match="exists already"):
        run(*args)
    assert output.read_text() == "mine"
    run(*args, "--force")
    assert output.read_bytes().startswith(b"<?xml")


@pytest.mark.django_db
def test_import_adds_the_network_for_a_user_who_may_change_the_case(
    case: Case, caseworker: User, tmp_path: Path
) -> None:
    path = tmp_path / "nettverk.zip"
    path.write_bytes(network_zip(THREE_PEOPLE))
    out, _ = run("import", "--user", "caseworker", "--case", str(case.pk), str(path))
    assert "Imported 3 people and 0 ties" in out
    assert NetworkMember.objects.filter(case=case).count() == 3
    event = AuditEvent.objects.get(action=AuditAction.IMPORT)
    assert (event.actor, event.detail["via"], event.detail["members"]) == (caseworker, "cli", 3)


@pytest.mark.django_db
def test_export_then_import_by_command_gives_the_same_network(
    case: Case, caseworker: User, make_case: Callable[..., Case], service: Service, tmp_path: Path
) -> None:
    build_network(case, caseworker)
    target = make_case(owner=caseworker, service=service)
    path = tmp_path / "n.zip"
    run("export", "--user", "caseworker", "--case", str(case.pk), "--format", "csv", "--output", str(path))
    run("import", "--user", "caseworker", "--case", str(target.pk), str(path))
    names = sorted(NetworkMember.objects.filter(case=case).values_list("name", flat=True))
    assert sorted(NetworkMember.objects.filter(case=target).values_list("name", flat=True)) == names
    assert NetworkTie.objects.filter(case=target).count() == 3


@pytest.mark.django_db
def test_import_into_another_services_case_is_refused(
    other_case: Case, caseworker: User, tmp_path: Path
) -> None:
    path = tmp_path / "nettverk.zip"
    path.write_bytes(network_zip(THREE_PEOPLE))
    with pytest.raises(CommandError, match="may not change it"):
        run("import", "--user", "caseworker", "--case", str(other_case.pk), str(path))
    assert not NetworkMember.objects.filter(case=other_case).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.IMPORT).exists()


@pytest.mark.django_db
def test_a_bad_file_prints_each_problem_and_imports_nothing(
    case: Case, caseworker: User, tmp_path: Path
) -> None:
    path = tmp_path / "nettverk.zip"
    path.write_bytes(network_zip([person(nodeID="1"), person(nodeID="2", ring="5")]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported: 1 problem"), translation.override("en"):
        call_command(
            "network", "import", "--user", "caseworker", "--case", str(case.pk), str(path), stderr=err
        )
    assert "Row 3" in err.getvalue() and "“ring”" in err.getvalue()
    assert not NetworkMember.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_a_missing_file_is_a_clear_error(case: Case, caseworker: User, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        run("import", "--user", "caseworker", "--case", str(case.pk), str(tmp_path / "finnes-ikke.zip"))


@pytest.mark.django_db
def test_import_of_a_network_canvas_export_takes_the_interview_and_prints_what_it_kept(
    case: Case, caseworker: User, tmp_path: Path
) -> None:
    path = tmp_path / "networkCanvasExport.zip"
    path.write_bytes(export_zip("merged"))
    with translation.override("en"), pytest.raises(CommandError):
        run("import", "--user", "caseworker", "--case", str(case.pk), str(path))
    assert not NetworkMember.objects.filter(case=case).exists()
    with translation.override("en"):
        out, err = run(
            "import", "--user", "caseworker", "--case", str(case.pk), str(path), "--interview", "case-A"
        )
    assert "Imported 2 people and 1 ties" in out
    assert "Kept in each person's note" in err and "close" in err
