"""Network exchange: the Network Canvas CSV and GraphML export, and the all-or-nothing CSV import."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from datetime import UTC
from typing import Any
from xml.etree import ElementTree as ET  # noqa: S405 - parses only what the tests' own export wrote

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from sirkel.accounts.models import Service, User
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.cases.models import Case
from sirkel.network import services
from sirkel.network.exchange import validation
from sirkel.network.exchange.apply import import_for_user, import_network
from sirkel.network.exchange.csv_writer import csv_filenames
from sirkel.network.exchange.export import export_for_user
from sirkel.network.exchange.schema import (
    MAX_PROBLEMS,
    MAX_UNPACKED_FILE_BYTES,
    MAX_UPLOAD_BYTES,
    NETWORK_METRIC_COLUMNS,
    PEOPLE_COLUMNS,
    SUPPORT_COLUMNS,
    TEXT_LIMITS,
    TIE_COLUMNS,
    ego_uuid,
    member_uuid,
    neutralise_formula,
    restore_formula,
    session_uuid,
)
from sirkel.network.exchange.validation import parse_csv_zip
from sirkel.network.forms import MemberForm
from sirkel.network.models import MAX_NOTE_CHARS, NetworkMember, NetworkTie

ATTRIBUTES = (
    "name",
    "side",
    "sector",
    "relation",
    "ring",
    "support",
    "valence",
    "direction",
    "contact_frequency",
    "lives_abroad",
    "language",
    "interpreter_needed",
    "note",
)
HOSTILE_NAME = '=HYPERLINK("http://example.invalid/","klikk")'
G = "{http://graphml.graphdrawing.org/xmlns}"


def build_network(case: Case, user: User) -> dict[str, NetworkMember]:
    """Four people with every kind of attribute (contact details too) and three ties."""

    def add(**fields: Any) -> NetworkMember:
        return services.add_member(acting_user=user, case=case, **fields)

    mor = add(
        name="Mor",
        relation="Mor",
        ring=1,
        support=["practical", "emotional"],
        valence="both",
        direction="both",
        contact_frequency="daily",
        language="arabisk",
        interpreter_needed=True,
        phone="+47 900 11 222",
        email="mor@example.no",
        address="Storgata 1, 0155 Oslo",
        may_contact=True,
        contact_consent_by="Mor selv",
    )
    mormor = add(
        name="Åse Ødegård",
        relation="Mormor",
        ring=2,
        support=["emotional"],
        lives_abroad=True,
        note="Ringer hver søndag.\nBor i Trøndelag, «snill», sier barnet.",
    )
    teacher = add(
        name="Per Lærer",
        side="public",
        sector="school",
        relation="Kontaktlærer",
        ring=3,
        support=["informational", "appraisal"],
        contact_frequency="weekly",
    )
    hostile = add(
        name=HOSTILE_NAME,
        sector="friends",
        relation="+47 999 99 999",
        valence="stress",
        direction="receives",
        language="@SUM(A1)",
        note="-2+3 og 'sitat'",
    )
    services.add_tie(acting_user=user, case=case, a=mor, b=mormor, kind="close")
    services.add_tie(acting_user=user, case=case, a=mor, b=teacher)
    services.add_tie(acting_user=user, case=case, a=hostile, b=mormor, kind="conflict")
    return {"mor": mor, "mormor": mormor, "teacher": teacher, "hostile": hostile}


def people_of(case: Case) -> list[tuple[Any, ...]]:
    rows = []
    for m in NetworkMember.objects.filter(case=case):
        rows.append(tuple(tuple(sorted(m.support)) if a == "support" else getattr(m, a) for a in ATTRIBUTES))
    return sorted(rows)


def ties_of(case: Case) -> set[tuple[frozenset[str], str]]:
    return {
        (frozenset({t.a.name, t.b.name}), t.kind)
        for t in NetworkTie.objects.filter(case=case).select_related("a", "b")
    }


def unzip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def read_table(data: bytes) -> tuple[list[str], list[dict[str, str]]]:
    # Plain UTF-8, as R's read.csv reads it: a byte-order mark would end up in the first column's name.
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    header = next(reader)
    return header, [dict(zip(header, row, strict=True)) for row in reader]


def person(**cells: str) -> dict[str, str]:
    row = {column: "" for column in PEOPLE_COLUMNS}
    row.update({"name": "Mor", "side": "private", "sector": "family", "ring": "2"})
    row.update({"valence": "resource", "direction": "gives"})
    row.update({c: "false" for c in SUPPORT_COLUMNS})
    row.update({"lives_abroad": "false", "interpreter_needed": "false"})
    row.update(cells)
    return row


def tie(**cells: str) -> dict[str, str]:
    row = {column: "" for column in TIE_COLUMNS}
    row.update(cells)
    return row


def table(columns: list[str] | tuple[str, ...], rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return buffer.getvalue().encode()


def make_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def network_zip(
    people: list[dict[str, str]],
    ties: list[dict[str, str]] | None = None,
    *,
    people_columns: tuple[str, ...] | list[str] = PEOPLE_COLUMNS,
) -> bytes:
    files = {"x_attributeList_person.csv": table(people_columns, people)}
    if ties is not None:
        files["x_edgeList_tie.csv"] = table(TIE_COLUMNS, ties)
    return make_zip(files)


THREE_PEOPLE = [
    person(nodeID="1", name="Mor"),
    person(nodeID="2", name="Far"),
    person(nodeID="3", name="Nabo"),
]


@pytest.fixture
def empty_case(make_case: Callable[..., Case], caseworker: User, service: Service) -> Case:
    return make_case(owner=caseworker, service=service, child_given_name="Ola")


# --- export -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_csv_export_is_a_zip_of_the_three_network_canvas_tables_with_their_headers(
    case: Case, caseworker: User
) -> None:
    build_network(case, caseworker)
    export = export_for_user(user=caseworker, case_id=case.pk, fmt="csv")
    files = unzip(export.content)
    # Named as Network Canvas names one interview's files: <caseId>_<sessionId>_<kind>_<type>.csv.
    assert sorted(files) == sorted(
        f"{case.reference}_{session_uuid(case)}_{kind}"
        for kind in ("ego.csv", "attributeList_person.csv", "edgeList_tie.csv")
    )
    ego_header, ego_rows = read_table(files[csv_filenames(case)[0]])
    people_header, people_rows = read_table(files[csv_filenames(case)[1]])
    tie_header, tie_rows = read_table(files[csv_filenames(case)[2]])
    assert ego_header[:7] == [
        "networkCanvasEgoUUID",
        "networkCanvasCaseID",
        "networkCanvasSessionID",
        "networkCanvasProtocolName",
        "sessionStart",
        "sessionFinish",
        "sessionExported",
    ]
    assert {"sex", "age"} <= set(ego_header)
    assert people_header == [
        "nodeID",
        "networkCanvasEgoUUID",
        "networkCanvasUUID",
        "name",
        "side",
        "sector",
        "relation",
        "ring",
        "support_emotional",
        "support_practical",
        "support_informational",
        "support_appraisal",
        "valence",
        "direction",
        "contact_frequency",
        "lives_abroad",
        "language",
        "interpreter_needed",
        "note",
    ]
    # Network Canvas's order (edgeList.ts): edgeID, from, to, then the UUIDs.
    assert tie_header == [
        "edgeID",
        "from",
        "to",
        "networkCanvasEgoUUID",
        "networkCanvasUUID",
        "networkCanvasSourceUUID",
        "networkCanvasTargetUUID",
        "kind",
    ]
    assert len(ego_rows) == 1 and len(people_rows) == 4 and len(tie_rows) == 3
    # UTF-8 without a byte-order mark, as Network Canvas writes it, and Norwegian letters intact.
    assert all(not content.startswith(b"\xef\xbb\xbf") for content in files.values())
    mormor = next(r for r in people_rows if r["name"] == "Åse Ødegård")
    assert mormor["support_emotional"] == "true" and mormor["support_practical"] == "false"
    assert mormor["lives_abroad"] == "true" and "«snill»" in mormor["note"]
    # Ties name their ends both by UUID and by nodeID, consistently.
    by_node = {r["nodeID"]: r for r in people_rows}
    for row in tie_rows:
        assert by_node[row["from"]]["networkCanvasUUID"] == row["networkCanvasSourceUUID"]
        assert by_node[row["to"]]["networkCanvasUUID"] == row["networkCanvasTargetUUID"]
        assert row["networkCanvasEgoUUID"] == ego_rows[0]["networkCanvasEgoUUID"]


@pytest.mark.django_db
def test_export_leaves_out_contact_details_and_the_childs_identity(case: Case, caseworker: User) -> None:
    build_network(case, caseworker)
    csv_export = export_for_user(user=caseworker, case_id=case.pk, fmt="csv")
    graphml = export_for_user(user=caseworker, case_id=case.pk, fmt="graphml").content.decode()
    everything = b"".join(unzip(csv_export.content).values()).decode("utf-8-sig") + graphml
    for secret in ("900 11 222", "mor@example.no", "Storgata", "Mor selv", "Emma", "Testesen", "2015-03-14"):
        assert secret not in everything
    _, (ego,) = read_table(unzip(csv_export.content)[csv_filenames(case)[0]])
    assert ego["networkCanvasCaseID"] == case.reference
    assert ego["sex"] == "girl"
    assert ego["age"] == str(case.age_on(timezone.localdate()))
    assert "birth_date" not in ego and "child_given_name" not in ego


@pytest.mark.django_db
def test_uuids_are_derived_from_ids_so_a_re_export_matches(case: Case, caseworker: User) -> None:
    members = build_network(case, caseworker)
    first = unzip(export_for_user(user=caseworker, case_id=case.pk, fmt="csv").content)
    services.update_member(acting_user=caseworker, member=members["teacher"], ring=2)
    second = unzip(export_for_user(user=caseworker, case_id=case.pk, fmt="csv").content)
    name = csv_filenames(case)[1]
    ids = [(r["nodeID"], r["networkCanvasUUID"]) for r in read_table(first[name])[1]]
    assert ids == [(r["nodeID"], r["networkCanvasUUID"]) for r in read_table(second[name])[1]]
    assert ids[0][1] == member_uuid(members["mor"].pk)
    ties = csv_filenames(case)[2]
    assert read_table(first[ties]) == read_table(second[ties])


@pytest.mark.django_db
def test_formula_cells_are_neutralised_in_the_csv_and_restored_on_import(
    case: Case, caseworker: User, empty_case: Case
) -> None:
    build_network(case, caseworker)
    content = export_for_user(user=caseworker, case_id=case.pk, fmt="csv").content
    _, rows = read_table(unzip(content)[csv_filenames(case)[1]])
    hostile = next(r for r in rows if "HYPERLINK" in r["name"])
    assert hostile["name"] == "'" + HOSTILE_NAME
    assert hostile["relation"].startswith("'+") and hostile["language"].startswith("'@")
    assert hostile["note"].startswith("'-")
    for row in rows:  # no cell a spreadsheet would run
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row.values())
    import_for_user(user=caseworker, case_id=empty_case.pk, data=content)
    imported = NetworkMember.objects.get(case=empty_case, name=HOSTILE_NAME)
    assert (imported.relation, imported.language, imported.note) == (
        "+47 999 99 999",
        "@SUM(A1)",
        "-2+3 og 'sitat'",
    )


def test_formula_escaping_round_trips_also_for_text_that_began_with_a_quote() -> None:
    for text in ("=1+1", "'=1+1", "'hei", "''", "-", "vanlig tekst", ""):
        assert restore_formula(neutralise_formula(text)) == text


@pytest.mark.django_db
def test_graphml_is_an_undirected_graph_with_declared_keys_and_ego_data(case: Case, caseworker: User) -> None:
    build_network(case, caseworker)
    export = export_for_user(user=caseworker, case_id=case.pk, fmt="graphml")
    assert export.filename.endswith(".graphml")
    root = ET.fromstring(export.content)  # noqa: S314 - our own output
    assert root.tag == f"{G}graphml"
    keys = {k.get("id"): k for k in root.findall(f"{G}key")}
    for_ = {k.get("attr.name"): k.get("for") for k in keys.values() if k.get("for") != "all"}
    assert for_["name"] == for_["ring"] == for_["support_emotional"] == "node"
    assert for_["kind"] == "edge"
    assert for_["sex"] == for_["age"] == "graph"
    assert keys["ring"].get("attr.type") == "int"
    assert keys["support_emotional"].get("attr.type") == "boolean"
    (graph,) = root.findall(f"{G}graph")
    assert graph.get("edgedefault") == "undirected"
    assert graph.get("{http://schema.networkcanvas.com/xmlns}caseId") == case.reference
    nodes, edges = graph.findall(f"{G}node"), graph.findall(f"{G}edge")
    assert len(nodes) == 4 and len(edges) == 3
    # Every <data> refers to a declared key, and the ego's attributes sit on the graph.
    for data in root.iter(f"{G}data"):
        assert data.get("key") in keys
    ego = {d.get("key"): d.text for d in graph.findall(f"{G}data")}
    assert ego["ego_sex"] == "girl" and ego["networkCanvasUUID"] == ego_uuid(case)
    node_ids = {n.get("id") for n in nodes}
    assert all(e.get("source") in node_ids and e.get("target") in node_ids for e in edges)
    names = {next(d.text for d in n.findall(f"{G}data") if d.get("key") == "name") for n in nodes}
    assert HOSTILE_NAME in names  # XML needs no formula escaping: the text is stored as it is


@pytest.mark.django_db
def test_ego_row_carries_every_network_metric_and_the_turnover_since_the_latest_snapshot(
    case: Case, caseworker: User
) -> None:
    made = build_network(case, caseworker)
    # Four people; Mor–Mormor close and Mor–Lærer are positive (one within the private network, one
    # across), Hostile–Mormor is a conflict. So over the positive ties: density 2 / 6, Hostile isolated,
    # components {Mor, Mormor, Lærer} and {Hostile}, E-I (1 − 1) / 2 = 0, conflict share 1 / 3, effective
    # size 4 − 2 · 2 / 4 = 3. Constraint (degree counts the child: Mor 3, Mormor 2, Lærer 2, Hostile 1):
    # Mor (1/4 + 1/8 + 1/8)² + Mormor (1/4 + 1/12)² + Lærer (1/4 + 1/12)² + Hostile (1/4)² = 77/144.
    _, (ego,) = read_table(
        unzip(export_for_user(user=caseworker, case_id=case.pk, fmt="csv").content)[csv_filenames(case)[0]]
    )
    assert set(NETWORK_METRIC_COLUMNS) <= set(ego)
    assert ego["metric_size"] == "4"
    assert (ego["metric_tie_count"], ego["metric_conflict_ties"], ego["metric_broken_ties"]) == (
        "2",
        "1",
        "0",
    )
    assert ego["metric_density"] == "0.333333"
    assert ego["metric_isolated"] == "1"
    assert (ego["metric_components"], ego["metric_largest_component"]) == ("2", "3")
    assert ego["metric_mean_degree"] == "1"
    assert ego["metric_effective_size"] == "3"
    assert float(ego["metric_constraint"]) == pytest.approx(77 / 144, abs=1e-6)
    assert ego["metric_ei_index"] == "0"
    assert ego["metric_conflict_share"] == "0.333333"
    assert ego["metric_mean_ring"] == "2"  # (1 + 2 + 3 + 2) / 4
    # Side 3 private, 1 public: Blau 1 − (9 + 1)/16 = 0.375, IQV 0.75.
    assert (ego["metric_side_blau"], ego["metric_side_iqv"]) == ("0.375", "0.75")
    assert ego["turnover_since"] == "" and ego["metric_turnover_jaccard"] == ""

    snapshot = services.take_snapshot(acting_user=caseworker, case=case)
    aunt = services.add_member(acting_user=caseworker, case=case, name="Tante")
    services.add_tie(acting_user=caseworker, case=case, a=aunt, b=made["mormor"])
    _, (ego,) = read_table(
        unzip(export_for_user(user=caseworker, case_id=case.pk, fmt="csv").content)[csv_filenames(case)[0]]
    )
    # Four stayed, Tante joined: Jaccard 4 / 5.
    assert ego["turnover_since"].startswith(str(snapshot.taken_at.astimezone(UTC).date()))
    assert (ego["metric_turnover_stayed"], ego["metric_turnover_joined"], ego["metric_turnover_left"]) == (
        "4",
        "1",
        "0",
    )
    assert ego["metric_turnover_jaccard"] == "0.8"
    # E = 1 (Mor–Lærer), I = 2 (Mor–Mormor, Mormor–Tante): −1/3, a number and not an escaped formula.
    assert ego["metric_ei_index"] == "-0.333333"

    root = ET.fromstring(export_for_user(user=caseworker, case_id=case.pk, fmt="graphml").content)  # noqa: S314
    keys = {k.get("id"): k for k in root.findall(f"{G}key")}
    assert keys["ego_metric_density"].get("attr.type") == "double"
    assert keys["ego_metric_components"].get("attr.type") == "int"
    (graph,) = root.findall(f"{G}graph")
    data = {d.get("key"): d.text for d in graph.findall(f"{G}data")}
    assert data["ego_metric_ei_index"] == "-0.333333"
    assert data["ego_metric_turnover_stayed"] == "4"


@pytest.mark.django_db
def test_export_of_an_empty_network_gives_headers_only(case: Case, caseworker: User) -> None:
    files = unzip(export_for_user(user=caseworker, case_id=case.pk, fmt="csv").content)
    header, rows = read_table(files[csv_filenames(case)[1]])
    assert header[0] == "nodeID" and rows == []
    root = ET.fromstring(export_for_user(user=caseworker, case_id=case.pk, fmt="graphml").content)  # noqa: S314
    assert root.find(f"{G}graph/{G}node") is None


@pytest.mark.django_db
def test_export_is_audited_with_format_and_counts(case: Case, caseworker: User) -> None:
    build_network(case, caseworker)
    export_for_user(user=caseworker, case_id=case.pk, fmt="graphml")
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).get()
    assert (event.actor, event.object_type, event.object_id) == (caseworker, "case", str(case.pk))
    assert event.detail["format"] == "graphml"
    assert (event.detail["members"], event.detail["ties"]) == (4, 3)
    assert event.detail["part"] == "network" and event.detail["via"] == "web"


@pytest.mark.django_db
def test_export_reads_the_network_in_a_fixed_number_of_queries(case: Case, caseworker: User) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            export_for_user(user=caseworker, case_id=case.pk, fmt="csv")
        return len(ctx.captured_queries)

    services.add_member(acting_user=caseworker, case=case, name="Alene")
    small = count()
    build_network(case, caseworker)
    assert count() == small


# --- import: the round trip ------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_then_import_into_an_empty_case_gives_the_same_network(
    case: Case, caseworker: User, empty_case: Case
) -> None:
    build_network(case, caseworker)
    content = export_for_user(user=caseworker, case_id=case.pk, fmt="csv").content
    result = import_for_user(user=caseworker, case_id=empty_case.pk, data=content)
    assert result.ok and (result.members, result.ties) == (4, 3)
    assert people_of(empty_case) == people_of(case)
    assert ties_of(empty_case) == ties_of(case)
    # Contact details are not in the format, so the imported people have none.
    assert not NetworkMember.objects.filter(case=empty_case).exclude(phone="", email="", address="").exists()
    assert not NetworkMember.objects.filter(case=empty_case, may_contact=True).exists()


@pytest.mark.django_db
def test_a_member_with_the_longest_note_the_page_accepts_exports_and_imports_again(
    case: Case, caseworker: User, empty_case: Case
) -> None:
    """One limit for the page and the import. The note starts with a formula trigger, so its cell in the
    file is one character longer (the escaping quote) than the note."""
    note = "=" + "\n".join(["Ringer hver søndag."] * 400)
    note += "x" * (MAX_NOTE_CHARS - len(note))
    form = MemberForm(
        {
            "name": "Åse",
            "relation": "Mormor",
            "side": "private",
            "sector": "family",
            "ring": "1",
            "valence": "resource",
            "direction": "gives",
            "note": note,
        }
    )
    assert form.is_valid(), form.errors
    services.add_member(acting_user=caseworker, case=case, **form.member_fields())
    content = export_for_user(user=caseworker, case_id=case.pk, fmt="csv").content
    _, rows = read_table(unzip(content)[csv_filenames(case)[1]])
    assert len(rows[0]["note"]) == MAX_NOTE_CHARS + 1
    result = import_for_user(user=caseworker, case_id=empty_case.pk, data=content)
    assert result.ok, result.problems
    assert NetworkMember.objects.get(case=empty_case).note == note
    assert TEXT_LIMITS["note"] == MAX_NOTE_CHARS


@pytest.mark.django_db
def test_import_adds_to_the_network_and_leaves_existing_people_alone(
    case: Case, caseworker: User, empty_case: Case
) -> None:
    existing = services.add_member(acting_user=caseworker, case=empty_case, name="Mor", ring=1)
    build_network(case, caseworker)
    content = export_for_user(user=caseworker, case_id=case.pk, fmt="csv").content
    import_for_user(user=caseworker, case_id=empty_case.pk, data=content)
    assert NetworkMember.objects.filter(case=empty_case).count() == 5
    assert NetworkMember.objects.filter(case=empty_case, name="Mor").count() == 2  # added, not merged
    existing.refresh_from_db()
    assert existing.version == 1 and existing.ring == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "tie_row",
    [
        {"from": "1", "to": "3"},
        {"networkCanvasSourceUUID": "u1", "networkCanvasTargetUUID": "u3"},
        {"from": "1", "to": "3", "networkCanvasSourceUUID": "u1", "networkCanvasTargetUUID": "u3"},
    ],
    ids=["by-node-id", "by-uuid", "by-both"],
)
def test_ties_may_refer_to_people_by_node_id_or_uuid(
    caseworker: User, empty_case: Case, tie_row: dict[str, str]
) -> None:
    people = [person(nodeID=str(i), networkCanvasUUID=f"u{i}", name=n) for i, n in ((1, "Mor"), (3, "Nabo"))]
    result = import_for_user(
        user=caseworker, case_id=empty_case.pk, data=network_zip(people, [tie(kind="close", **tie_row)])
    )
    assert result.ok, result.problems
    assert ties_of(empty_case) == {(frozenset({"Mor", "Nabo"}), "close")}


@pytest.mark.django_db
def test_a_zip_with_only_the_people_file_imports_people_without_ties(
    caseworker: User, empty_case: Case
) -> None:
    result = import_for_user(user=caseworker, case_id=empty_case.pk, data=network_zip(THREE_PEOPLE))
    assert result.ok and (result.members, result.ties) == (3, 0)


@pytest.mark.django_db
def test_import_is_audited_by_one_event_with_counts_and_the_new_ids(
    case: Case, caseworker: User, empty_case: Case
) -> None:
    build_network(case, caseworker)
    content = export_for_user(user=caseworker, case_id=case.pk, fmt="csv").content
    before = AuditEvent.objects.count()
    import_for_user(user=caseworker, case_id=empty_case.pk, data=content)
    new = AuditEvent.objects.filter(seq__gt=before)
    (event,) = new.filter(action=AuditAction.IMPORT)
    assert (event.actor, event.object_type, event.object_id) == (caseworker, "case", str(empty_case.pk))
    assert event.detail["outcome"] == "imported" and event.detail["part"] == "network"
    assert (event.detail["members"], event.detail["ties"]) == (4, 3)
    assert sorted(event.detail["member_ids"]) == sorted(
        NetworkMember.objects.filter(case=empty_case).values_list("pk", flat=True)
    )
    assert sorted(event.detail["tie_ids"]) == sorted(
        NetworkTie.objects.filter(case=empty_case).values_list("pk", flat=True)
    )
    assert len(event.detail["sha256"]) == 64
    # Opening the case for the import is audited too, as every read of a case is.
    assert new.filter(action=AuditAction.VIEW, object_id=str(empty_case.pk), detail__part="network").exists()


# --- import: files that are refused ----------------------------------------------------------------


def _people_columns_without(column: str) -> list[str]:
    return [c for c in PEOPLE_COLUMNS if c != column]


BAD_FILES: dict[str, tuple[Callable[[], bytes], str, int | None, str]] = {
    # name: (the file, the file named in the problem, row, column)
    "wrong ring": (
        lambda: network_zip([person(nodeID="1"), person(nodeID="2"), person(nodeID="3", ring="4")]),
        "x_attributeList_person.csv",
        4,
        "ring",
    ),
    "tie to a missing person": (
        lambda: network_zip(THREE_PEOPLE, [tie(**{"from": "1", "to": "2"}), tie(**{"from": "1", "to": "9"})]),
        "x_edgeList_tie.csv",
        3,
        "to",
    ),
    "missing column": (
        lambda: network_zip(THREE_PEOPLE, people_columns=_people_columns_without("sector")),
        "x_attributeList_person.csv",
        1,
        "sector",
    ),
    "not a choice": (
        lambda: network_zip([person(nodeID="1", sector="church")]),
        "x_attributeList_person.csv",
        2,
        "sector",
    ),
    "not a boolean": (
        lambda: network_zip([person(nodeID="1", lives_abroad="kanskje")]),
        "x_attributeList_person.csv",
        2,
        "lives_abroad",
    ),
    "empty name": (
        lambda: network_zip([person(nodeID="1", name="  ")]),
        "x_attributeList_person.csv",
        2,
        "name",
    ),
    "same node id twice": (
        lambda: network_zip([person(nodeID="1"), person(nodeID="1", name="Far")]),
        "x_attributeList_person.csv",
        3,
        "nodeID",
    ),
    "tie to oneself": (
        lambda: network_zip(THREE_PEOPLE, [tie(**{"from": "2", "to": "2"})]),
        "x_edgeList_tie.csv",
        2,
        "to",
    ),
    "same tie twice": (
        lambda: network_zip(THREE_PEOPLE, [tie(**{"from": "1", "to": "2"}), tie(**{"from": "2", "to": "1"})]),
        "x_edgeList_tie.csv",
        3,
        "to",
    ),
    "uuid and node id disagree": (
        lambda: network_zip(
            [person(nodeID="1", networkCanvasUUID="a"), person(nodeID="2", networkCanvasUUID="b")],
            [tie(**{"from": "1", "to": "2", "networkCanvasSourceUUID": "a", "networkCanvasTargetUUID": "a"})],
        ),
        "x_edgeList_tie.csv",
        2,
        "to",
    ),
    "unknown tie kind": (
        lambda: network_zip(THREE_PEOPLE, [tie(kind="married", **{"from": "1", "to": "2"})]),
        "x_edgeList_tie.csv",
        2,
        "kind",
    ),
    "control characters": (
        lambda: network_zip([person(nodeID="1", note="a\x00b".replace("\x00", "\x07"))]),
        "x_attributeList_person.csv",
        2,
        "note",
    ),
    "too many cells": (
        lambda: make_zip(
            {"x_attributeList_person.csv": table(PEOPLE_COLUMNS, [person(nodeID="1")]) + b"a,b\r\n"}
        ),
        "x_attributeList_person.csv",
        3,
        "",
    ),
    "not utf-8": (
        lambda: make_zip(
            {
                "x_attributeList_person.csv": table(PEOPLE_COLUMNS, [person(name="Åse")])
                .decode()
                .encode("latin-1")
            }
        ),
        "x_attributeList_person.csv",
        None,
        "",
    ),
    "not a zip": (lambda: table(PEOPLE_COLUMNS, [person()]), "", None, ""),
    "too large": (lambda: b"PK" + b"\0" * MAX_UPLOAD_BYTES, "", None, ""),
    "zip bomb": (
        lambda: make_zip({"x_attributeList_person.csv": b"0" * (MAX_UNPACKED_FILE_BYTES + 10)}),
        "",
        None,
        "",
    ),
    "no people file": (
        lambda: make_zip({"x_edgeList_tie.csv": table(TIE_COLUMNS, [])}),
        "",
        None,
        "",
    ),
    "a stranger file": (
        lambda: make_zip({"x_attributeList_person.csv": table(PEOPLE_COLUMNS, []), "virus.exe": b"MZ"}),
        "",
        None,
        "",
    ),
    "empty people file": (
        lambda: make_zip({"x_attributeList_person.csv": b""}),
        "x_attributeList_person.csv",
        None,
        "",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(BAD_FILES))
def test_a_bad_file_is_refused_with_a_precise_problem_and_imports_nothing(
    name: str, caseworker: User, empty_case: Case
) -> None:
    build, filename, row, column = BAD_FILES[name]
    data = build()
    events_before = AuditEvent.objects.count()
    with translation.override("en"):
        result = import_for_user(user=caseworker, case_id=empty_case.pk, data=data)
    assert not result.ok
    assert not NetworkMember.objects.filter(case=empty_case).exists()
    assert not NetworkTie.objects.filter(case=empty_case).exists()
    matching = [p for p in result.problems if p.row == row and p.column == column and p.filename == filename]
    assert matching, [str(p) for p in result.problems]
    if row is not None:
        assert str(matching[0]).startswith(f"Row {row} in ")
        assert filename in str(matching[0])
    if column:
        assert f"“{column}”" in str(matching[0])
    # The attempt is audited (without the content), the network untouched.
    rejected = AuditEvent.objects.filter(seq__gt=events_before, action=AuditAction.IMPORT).get()
    assert rejected.detail["outcome"] == "rejected" and rejected.detail["problems"] == len(result.problems)
    assert not AuditEvent.objects.filter(seq__gt=events_before, object_type="network_member").exists()


@pytest.mark.django_db
def test_the_wrong_ring_reads_as_the_issue_asks(caseworker: User, empty_case: Case) -> None:
    data = network_zip([person(nodeID="1"), person(nodeID="2"), person(nodeID="3", ring="7")])
    with translation.override("en"):
        result = import_for_user(user=caseworker, case_id=empty_case.pk, data=data)
    assert [str(p) for p in result.problems] == [
        "Row 4 in people (x_attributeList_person.csv): “ring” must be 1, 2 or 3."
    ]


@pytest.mark.django_db
def test_every_problem_in_a_file_is_reported_at_once(caseworker: User, empty_case: Case) -> None:
    data = network_zip(
        [person(nodeID="1", ring="0"), person(nodeID="2", side="both"), person(nodeID="3")],
        [tie(**{"from": "3", "to": "8"})],
    )
    result = import_for_user(user=caseworker, case_id=empty_case.pk, data=data)
    assert {(p.row, p.column) for p in result.problems} == {(2, "ring"), (3, "side"), (2, "to")}


@pytest.mark.django_db
def test_problems_are_capped_so_a_broken_file_cannot_flood_the_page(
    caseworker: User, empty_case: Case
) -> None:
    data = network_zip([person(nodeID=str(i), ring="9") for i in range(MAX_PROBLEMS + 20)])
    result = import_for_user(user=caseworker, case_id=empty_case.pk, data=data)
    assert len(result.problems) == MAX_PROBLEMS


@pytest.mark.django_db
def test_too_many_rows_are_refused(
    caseworker: User, empty_case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(validation, "MAX_PEOPLE", 2)
    with translation.override("en"):
        result = import_for_user(user=caseworker, case_id=empty_case.pk, data=network_zip(THREE_PEOPLE))
    assert not result.ok and "more than 2 rows" in str(result.problems[0])
    assert not NetworkMember.objects.filter(case=empty_case).exists()


@pytest.mark.django_db
def test_the_model_validation_backs_up_the_file_checks(
    caseworker: User, empty_case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should the file checks let something through, the model's own validation still refuses the row."""
    monkeypatch.setitem(TEXT_LIMITS, "name", 1000)
    data = network_zip([person(nodeID="1"), person(nodeID="2", name="x" * 250)])
    result = import_for_user(user=caseworker, case_id=empty_case.pk, data=data)
    assert [(p.row, p.filename) for p in result.problems] == [(3, "x_attributeList_person.csv")]
    assert not NetworkMember.objects.filter(case=empty_case).exists()


@pytest.mark.django_db
def test_a_failure_while_writing_the_ties_takes_the_people_back_out(
    caseworker: User, empty_case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_bulk_create(*args: Any, **kwargs: Any) -> list[NetworkTie]:
        assert NetworkMember.objects.filter(case=empty_case).count() == 3  # the people are written by now
        raise IntegrityError("simulated failure")

    monkeypatch.setattr(NetworkTie.objects, "bulk_create", failing_bulk_create)
    data = network_zip(THREE_PEOPLE, [tie(**{"from": "1", "to": "2"})])
    with pytest.raises(IntegrityError):
        import_for_user(user=caseworker, case_id=empty_case.pk, data=data)
    assert not NetworkMember.objects.filter(case=empty_case).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.IMPORT).exists()


@pytest.mark.django_db
def test_import_needs_the_right_to_change_the_case(case: Case, caseworker: User, teammate: User) -> None:
    """The service itself refuses, whoever calls it (the pages and the command open the case first)."""
    parsed = parse_csv_zip(network_zip(THREE_PEOPLE))
    with pytest.raises(PermissionDenied):
        import_network(acting_user=teammate, case=case, parsed=parsed, sha256="0" * 64)
    assert not NetworkMember.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_an_ego_file_from_another_network_is_refused(case: Case, caseworker: User, empty_case: Case) -> None:
    build_network(case, caseworker)
    files = unzip(export_for_user(user=caseworker, case_id=case.pk, fmt="csv").content)
    ego_name = csv_filenames(case)[0]
    files[ego_name] = files[ego_name].replace(ego_uuid(case).encode(), b"another-network")
    result = import_for_user(user=caseworker, case_id=empty_case.pk, data=make_zip(files))
    assert not result.ok
    assert {p.column for p in result.problems} == {"networkCanvasEgoUUID"}
    assert not NetworkMember.objects.filter(case=empty_case).exists()


@pytest.mark.django_db
def test_a_zip_with_a_lying_size_header_is_still_bounded(caseworker: User, empty_case: Case) -> None:
    """A zip that claims a small size but inflates to more is stopped by the checks on what is read."""
    big = table(PEOPLE_COLUMNS, [person(nodeID="1")]) + b"\r\n" * (MAX_UNPACKED_FILE_BYTES)
    data = bytearray(make_zip({"x_attributeList_person.csv": big}))
    # Patch the declared uncompressed size (local header and central directory) down to 100 bytes.
    real = len(big).to_bytes(4, "little")
    assert data.count(real) == 2
    data = bytearray(bytes(data).replace(real, (100).to_bytes(4, "little")))
    result = import_for_user(user=caseworker, case_id=empty_case.pk, data=bytes(data))
    assert not result.ok
    assert not NetworkMember.objects.filter(case=empty_case).exists()


@pytest.mark.django_db
def test_the_people_file_may_come_from_a_spreadsheet_with_a_bom_and_blank_lines(
    caseworker: User, empty_case: Case
) -> None:
    content = b"\xef\xbb\xbf" + table(PEOPLE_COLUMNS, THREE_PEOPLE) + b"\r\n\r\n"
    result = import_for_user(
        user=caseworker,
        case_id=empty_case.pk,
        data=make_zip({"Nettverk/x_attributeList_Person.csv": content}),
    )
    assert result.ok and result.members == 3


@pytest.mark.django_db
def test_network_canvas_style_long_file_names_are_recognised(caseworker: User, empty_case: Case) -> None:
    name = "case-17_0f8fad5b-d9cb-469f-a165-70867728950e_attributeList_Person.csv"
    result = import_for_user(
        user=caseworker,
        case_id=empty_case.pk,
        data=make_zip({name: table(PEOPLE_COLUMNS, THREE_PEOPLE)}),
    )
    assert result.ok and result.members == 3


@pytest.mark.django_db
def test_values_from_the_file_are_shortened_and_cleaned_before_they_are_shown(
    caseworker: User, empty_case: Case
) -> None:
    hostile = "\x1b[2J" + "9" * 5000
    result = import_for_user(
        user=caseworker,
        case_id=empty_case.pk,
        data=network_zip(THREE_PEOPLE, [tie(**{"from": "1", "to": hostile})]),
    )
    (problem,) = result.problems
    assert "\x1b" not in str(problem) and len(str(problem)) < 300
    assert (problem.row, problem.column) == (2, "to")
