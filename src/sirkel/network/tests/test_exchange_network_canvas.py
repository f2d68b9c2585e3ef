"""Network Canvas's own export read into a case, and Sirkel's export read as Network Canvas's readers read it.

The fixtures (`fixtures/network_canvas/`, see its README) are files shaped exactly as Network Canvas writes
them; the tests zip them as its export does.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import translation

from sirkel.accounts.models import Service, User
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.cases.models import Case
from sirkel.network.exchange.apply import import_for_user
from sirkel.network.exchange.export import export_for_user
from sirkel.network.exchange.schema import EGO_FILE, PEOPLE_FILE, TIES_FILE, session_uuid
from sirkel.network.models import NetworkMember, NetworkTie
from sirkel.network.tests.test_exchange import build_network, people_of, ties_of

FIXTURES = Path(__file__).parent / "fixtures" / "network_canvas"
ONE_SESSION = "b1e0c4d2-7a93-4f5e-8c61-2d9a0f3e5b18"


def export_zip(folder: str) -> bytes:
    """The fixture folder zipped as Network Canvas zips an export: the files side by side at the top."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted((FIXTURES / folder).iterdir()):
            archive.write(path, path.name)
    return buffer.getvalue()


@pytest.fixture
def empty_case(make_case: Callable[..., Case], caseworker: User, service: Service) -> Case:
    return make_case(owner=caseworker, service=service, child_given_name="Ola")


def member(case: Case, name: str) -> NetworkMember:
    return NetworkMember.objects.get(case=case, name=name)


@pytest.mark.django_db
def test_a_network_canvas_export_of_one_interview_imports_into_a_case(
    caseworker: User, empty_case: Case
) -> None:
    with translation.override("en"):
        result = import_for_user(user=caseworker, case_id=empty_case.pk, data=export_zip("one_interview"))
    assert result.ok, [str(p) for p in result.problems]
    # Every node of both node types is a person; the name as Network Canvas quoted it.
    assert (result.members, result.ties) == (4, 2)
    names = {m.name for m in NetworkMember.objects.filter(case=empty_case)}
    assert names == {"Mamma", 'Kari "Katta" Nordmann, nabo', "Ole", "Skolen"}
    # The protocol's own variables are kept in the note, not refused; Sirkel's columns take their defaults.
    mamma = member(empty_case, "Mamma")
    for line in (
        "age: 44",
        "close: true",
        "relationship_family: true",
        "layout_x: 0.25",
        "Node type: Person",
    ):
        assert line in mamma.note.splitlines()
    assert "relationship_friend: false" in mamma.note  # a categorical option not chosen is kept too
    assert (mamma.side, mamma.sector, mamma.ring, mamma.support) == ("private", "family", 2, [])
    ole = member(empty_case, "Ole")
    assert "age:" not in ole.note and "layout_x" not in ole.note  # no value, no line
    # A variable named like a Sirkel column but with a value Sirkel does not take is kept, not refused.
    school = member(empty_case, "Skolen")
    assert (
        school.sector == "family" and "sector: education" in school.note and "Node type: Place" in school.note
    )
    # Edges of two edge types between the same two people are one tie; the edge type "close" is its kind.
    assert ties_of(empty_case) == {
        (frozenset({"Mamma", 'Kari "Katta" Nordmann, nabo'}), "close"),
        (frozenset({'Kari "Katta" Nordmann, nabo', "Ole"}), ""),
    }
    notices = "\n".join(result.notices)
    assert "Family network study" in notices and f"case-17 (session {ONE_SESSION})" in notices
    assert "age, close, relationship_family" in notices  # the columns kept, named
    assert "strength" in notices  # a tie has no note: the column left out is named
    assert "merged" in notices and ".graphml" in notices
    event = AuditEvent.objects.filter(action=AuditAction.IMPORT).latest("seq")
    assert event.detail["outcome"] == "imported" and event.detail["source"] == "network_canvas"
    assert (event.detail["protocol"], event.detail["session"]) == ("Family network study", ONE_SESSION)
    assert "relationship_family" in event.detail["kept_columns"]
    assert "Mamma" not in str(event.detail)  # the audit says what the file was, not what it held


@pytest.mark.django_db
def test_a_merged_export_of_several_interviews_imports_the_one_chosen(
    caseworker: User, empty_case: Case
) -> None:
    data = export_zip("merged")
    with translation.override("en"):
        refused = import_for_user(user=caseworker, case_id=empty_case.pk, data=data)
        unknown = import_for_user(user=caseworker, case_id=empty_case.pk, data=data, interview="case-C")
    (problem,) = refused.problems
    assert "2 interviews" in str(problem) and "case-A" in str(problem) and "case-B" in str(problem)
    (problem,) = unknown.problems
    assert "case-C" in str(problem) and "case-B" in str(problem)
    assert not NetworkMember.objects.filter(case=empty_case).exists()

    result = import_for_user(user=caseworker, case_id=empty_case.pk, data=data, interview="case-B")
    assert result.ok, [str(p) for p in result.problems]
    # Only case-B's people, and its ties resolved by its own nodeIDs (case-A numbers from 1 as well).
    assert sorted(p[0] for p in people_of(empty_case)) == ["Pappa", "Trener", "Venn"]
    assert ties_of(empty_case) == {(frozenset({"Pappa", "Venn"}), ""), (frozenset({"Trener", "Venn"}), "")}


@pytest.mark.django_db
def test_an_interview_may_be_chosen_by_its_session_id(caseworker: User, empty_case: Case) -> None:
    result = import_for_user(
        user=caseworker,
        case_id=empty_case.pk,
        data=export_zip("merged"),
        interview="5e55a000-0000-4000-8000-00000000000a",
    )
    assert result.ok and result.members == 2 and result.ties == 1
    assert "close: true" in member(empty_case, "Bestemor").note


@pytest.mark.django_db
def test_a_network_canvas_export_with_a_dangling_edge_is_still_refused(
    caseworker: User, empty_case: Case
) -> None:
    """Lenient about variables, never about structure: an edge to a node not in the files is an error."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted((FIXTURES / "one_interview").iterdir()):
            content = path.read_bytes()
            if path.name.endswith("_edgeList_knows.csv"):
                content = content.replace(b"\r\n2,2,4,", b"\r\n2,2,9,")
            archive.writestr(path.name, content)
    with translation.override("en"):
        result = import_for_user(user=caseworker, case_id=empty_case.pk, data=buffer.getvalue())
    (problem,) = result.problems
    assert (problem.row, problem.column) == (3, "to") and problem.filename.endswith("_edgeList_knows.csv")
    assert not NetworkMember.objects.filter(case=empty_case).exists()


def read_like_r(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """A CSV file as R's `read.csv` reads it: plain UTF-8, so a byte-order mark would stay in a name."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        return header, [dict(zip(header, row, strict=True)) for row in reader]


@pytest.mark.django_db
def test_sirkel_export_has_the_files_and_columns_nc_read_and_egor_need(
    case: Case, caseworker: User, tmp_path: Path
) -> None:
    build_network(case, caseworker)
    with zipfile.ZipFile(
        io.BytesIO(export_for_user(user=caseworker, case_id=case.pk, fmt="csv").content)
    ) as z:
        z.extractall(tmp_path)
    names = sorted(p.name for p in tmp_path.iterdir())
    # nc_read (ideanet R/nc_reader.R) picks files by these patterns from the folder.
    ego_files = [n for n in names if n.endswith("ego.csv")]
    alter_files = [n for n in names if "attributeList" in n]
    edge_files = [n for n in names if "edgeList" in n]
    assert len(ego_files) == len(alter_files) == len(edge_files) == 1
    prefix = f"{case.reference}_{session_uuid(case)}_"
    assert all(n.startswith(prefix) for n in names)  # <caseId>_<sessionId>_ as Network Canvas names them
    assert (
        EGO_FILE.search(ego_files[0])
        and PEOPLE_FILE.search(alter_files[0])
        and TIES_FILE.search(edge_files[0])
    )

    egos_header, egos = read_like_r(tmp_path / ego_files[0])
    alters_header, alters = read_like_r(tmp_path / alter_files[0])
    edges_header, edges = read_like_r(tmp_path / edge_files[0])
    # Network Canvas's reserved columns first, in its order (egoList/attributeList/edgeList.ts).
    assert egos_header[:7] == [
        "networkCanvasEgoUUID",
        "networkCanvasCaseID",
        "networkCanvasSessionID",
        "networkCanvasProtocolName",
        "sessionStart",
        "sessionFinish",
        "sessionExported",
    ]
    assert alters_header[:3] == ["nodeID", "networkCanvasEgoUUID", "networkCanvasUUID"]
    assert edges_header[:7] == [
        "edgeID",
        "from",
        "to",
        "networkCanvasEgoUUID",
        "networkCanvasUUID",
        "networkCanvasSourceUUID",
        "networkCanvasTargetUUID",
    ]
    # What nc_read does with them: session times as "YYYY-MM-DD HH:MM:SS" once T and Z are dropped,
    # egos joined to alters and edges by networkCanvasEgoUUID, alter_id from nodeID, edge_id from edgeID.
    (ego,) = egos
    for column in ("sessionStart", "sessionFinish", "sessionExported"):
        assert len(ego[column].replace("T", " ").replace("Z", "")) == 19
    assert ego["networkCanvasProtocolName"] and ego["networkCanvasCaseID"] == case.reference
    assert {a["networkCanvasEgoUUID"] for a in alters} == {ego["networkCanvasEgoUUID"]}
    assert {e["networkCanvasEgoUUID"] for e in edges} == {ego["networkCanvasEgoUUID"]}
    assert all(a["nodeID"].isdigit() for a in alters) and all(e["edgeID"].isdigit() for e in edges)
    # egor: egor(alters, egos, aaties, ID.vars = list(ego = "networkCanvasEgoUUID", alter = "nodeID",
    # source = "from", target = "to")) needs every edge end to be an alter of the same ego.
    node_ids = {(a["networkCanvasEgoUUID"], a["nodeID"]) for a in alters}
    for edge in edges:
        assert (edge["networkCanvasEgoUUID"], edge["from"]) in node_ids
        assert (edge["networkCanvasEgoUUID"], edge["to"]) in node_ids
    # Booleans as Network Canvas writes them, so nc_read's to_logical turns them into R logicals.
    assert {a["lives_abroad"] for a in alters} <= {"true", "false"}


@pytest.mark.django_db
def test_sirkel_export_imports_again_as_sirkel_format(case: Case, caseworker: User, empty_case: Case) -> None:
    """Sirkel's own protocol name keeps the strict reading: the same network, nothing kept as notes."""
    build_network(case, caseworker)
    content = export_for_user(user=caseworker, case_id=case.pk, fmt="csv").content
    result = import_for_user(user=caseworker, case_id=empty_case.pk, data=content)
    assert result.ok and not result.notices
    assert people_of(empty_case) == people_of(case)
    assert NetworkTie.objects.filter(case=empty_case).count() == NetworkTie.objects.filter(case=case).count()
