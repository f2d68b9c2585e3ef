"""`sirkel research import|table|agreement`: the study's 88 files in, its published tables out."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sirkel.audit.models import AuditEvent
from sirkel.demo.study_registrations import published, study_registrations
from sirkel.research.models import Project, Registration


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("research", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def study_file(tmp_path: Path) -> Path:
    path = tmp_path / "study.json"
    path.write_text(json.dumps(study_registrations(), ensure_ascii=False), encoding="utf-8")
    return path


def test_the_88_files_imported_give_the_published_tables_exactly(db: None, study_file: Path) -> None:
    out, err = run("import", "--project", "studie-2023", "--form", "study-2023", str(study_file))
    assert (
        out.strip() == "Imported 88 registrations into studie-2023 (a new project); 0 linked to Sirkel cases."
    )
    assert "Checking" in err
    assert Registration.objects.filter(project__slug="studie-2023").count() == 88
    # Imported files are finished registrations (they count in agreement and may be reconciled).
    assert not Registration.objects.filter(project__slug="studie-2023", submitted_at__isnull=True).exists()
    assert AuditEvent.objects.filter(object_type="research_registrations").count() == 1
    figures = published()
    for question in ("birthplace", "lives_with", "years_in_contact"):
        out, _err = run(
            "table",
            "--project",
            "studie-2023",
            "--question",
            question,
            "--suppress-below",
            "0",
            "--format",
            "csv",
        )
        lines = out.splitlines()
        assert lines[0] == "option,label,count,percent"
        counts = {r[0]: int(r[2]) for r in csv.reader(lines[1:])}
        assert {k: v for k, v in counts.items() if v} == {
            str(k): v for k, v in figures[question].items() if v
        }
    for question in ("reasons_child", "reasons_parents_care", "reasons_surroundings"):
        out, _err = run("table", "--project", "studie-2023", "--question", question, "--suppress-below", "0")
        counts = {r[1]: int(r[2]) for r in csv.reader(out.splitlines()[1:]) if r[0]}
        assert counts == figures[question]


def test_the_table_suppresses_small_counts_by_default(db: None, study_file: Path) -> None:
    run("import", "--project", "studie-2023", "--form", "study-2023", str(study_file))
    out, _err = run("table", "--project", "studie-2023", "--question", "birthplace")
    rows = {r[0]: (r[2], r[3]) for r in csv.reader(out.splitlines()[1:])}
    assert rows["europe_other"] == (":", ":")  # one child
    assert rows["norway"] == ("79", "89.8")
    assert all(count == ":" or int(count) == 0 or int(count) >= 3 for count, _p in rows.values())


def test_a_bad_file_is_refused_whole_with_every_problem(db: None, tmp_path: Path) -> None:
    regs = study_registrations()[:3]
    regs[1]["sex"] = "alien"
    regs[2]["decisions"] = [{"decision_month": "May 2021"}]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(regs), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported: 2 problem"):
        call_command(
            "research",
            "import",
            "--project",
            "p-1",
            "--form",
            "study-2023",
            str(path),
            stdout=out,
            stderr=err,
        )
    assert "registration 2 (case STUDIE-002), sex:" in err.getvalue()
    assert "registration 3 (case STUDIE-003), decisions[1].decision_month:" in err.getvalue()
    assert not Project.objects.filter(slug="p-1").exists() and not Registration.objects.exists()


def test_importing_the_same_file_again_is_refused_and_writes_nothing(db: None, study_file: Path) -> None:
    run("import", "--project", "studie-2023", "--form", "study-2023", str(study_file))
    with pytest.raises(CommandError, match="Nothing was imported: 88 problem"):
        run("import", "--project", "studie-2023", "--form", "study-2023", str(study_file))
    assert Registration.objects.count() == 88
    with pytest.raises(CommandError, match="uses the form study-2023"):
        run("import", "--project", "studie-2023", "--form", "other-form", str(study_file))


def test_agreement_of_two_coders_as_csv(db: None, tmp_path: Path) -> None:
    kari = ["yes"] * 5 + ["no"] * 5
    per = ["yes"] * 4 + ["no"] + ["yes"] + ["no"] * 4
    regs = [{"case": f"f{n}", "coder": "Kari", "interpreter_used": v} for n, v in enumerate(kari)]
    regs += [{"case": f"f{n}", "coder": "Per", "interpreter_used": v} for n, v in enumerate(per)]
    path = tmp_path / "two.json"
    path.write_text(json.dumps(regs), encoding="utf-8")
    run("import", "--project", "to-kodere", "--form", "study-2023", str(path))
    out, _err = run(
        "agreement", "--project", "to-kodere", "--question", "interpreter_used", "--format", "csv"
    )
    lines = out.splitlines()
    assert lines[0] == "question,coders,units,statistic,value"
    assert "interpreter_used,2,10,cohen_kappa,0.6000" in lines  # (0.8 − 0.5) / (1 − 0.5), by hand
    assert "interpreter_used,2,10,percent_agreement,0.8000" in lines
    everything, _err = run("agreement", "--project", "to-kodere")
    assert {line.split(",")[0] for line in everything.splitlines()[1:]} >= {"interpreter_used", "sex"}
    with pytest.raises(CommandError, match="no question"):
        run("agreement", "--project", "to-kodere", "--question", "nothing")
    with pytest.raises(CommandError, match="no project"):
        run("table", "--project", "nowhere", "--question", "sex")
