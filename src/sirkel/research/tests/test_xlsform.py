"""XLSForm workbooks read into research forms, and `sirkel research form` registering versions."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sirkel.audit.models import AuditEvent
from sirkel.research import xlsform
from sirkel.research.forms import FormError, load_form, normalise, validate
from sirkel.research.models import FormVersion
from sirkel.research.services import study_form_text

HEADER = ["type", "name", "label::Norsk (nb)", "label::English (en)", "relevant", "required", "constraint",
          "appearance", "repeat_count"]  # fmt: skip
SURVEY = [
    ["username", "coder", "", "", "", "", "", "", ""],
    ["integer", "population", "Befolkning", "Population", "", "", ". >= 0", "", ""],
    ["begin_group", "child", "Om barnet", "About the child", "", "", "", "", ""],
    ["select_one sex", "sex", "Kjønn", "Sex", "", "", "", "", ""],
    ["date", "birth_year", "Fødselsår", "Birth year", "", "", "", "year", ""],
    ["text", "about_girl", "Om jenta", "About the girl", "${sex} = 'girl'", "yes", "", "", ""],
    ["end_group", "", "", "", "", "", "", "", ""],
    ["begin_repeat", "decisions", "Vedtak", "Decision", "", "", "", "", "3"],
    ["date", "decision_month", "Måned", "Month", "", "", "", "month-year", ""],
    ["select_multiple measure", "measures", "Tiltak", "Measures", "", "", "", "", ""],
    [
        "begin_repeat",
        "per_measure",
        "For hvert tiltak",
        "Per measure",
        "",
        "",
        "",
        "",
        "count-selected(${measures})",
    ],  # fmt: skip
    ["text", "goal", "Mål", "Goal", "", "", "", "", ""],
    ["end_repeat", "", "", "", "", "", "", "", ""],
    ["end_repeat", "", "", "", "", "", "", "", ""],
]
CHOICES = [
    ["list_name", "name", "label::Norsk (nb)", "label::English (en)"],
    ["sex", "girl", "Jente", "Girl"],
    ["sex", "boy", "Gutt", "Boy"],
    ["measure", "pmto", "PMTO", "PMTO"],
    ["measure", "network_meeting", "Nettverksmøte", "Network meeting"],
]


def workbook(path: Path, survey: list[list[str]] = SURVEY, *, form_id: str = "ny-studie") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "survey"
    for row in [HEADER, *survey]:
        sheet.append(row)
    choices = book.create_sheet("choices")
    for row in CHOICES:
        choices.append(row)
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id"])
    settings.append(["Ny studie", form_id])
    book.save(path)
    return path


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("research", "form", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_workbook_reads_as_the_form_engine_expects(tmp_path: Path) -> None:
    survey = xlsform.read_survey(workbook(tmp_path / "ny.xlsx"))
    assert xlsform.survey_key(survey) == "ny-studie"
    text, form = xlsform.survey_to_yaml(survey, key="ny-studie", version=4, source="ny.xlsx")
    assert (form.key, form.version, form.nb) == ("ny-studie", 4, "Ny studie")
    assert load_form(text) == form  # the YAML is the whole form
    kinds = {q.key: q.type for _path, q in form.questions()}
    assert kinds == {
        "coder": "coder",
        "population": "integer",
        "sex": "single",
        "birth_year": "year",
        "about_girl": "text",
        "decision_month": "month",
        "measures": "multiple",
        "goal": "text",
    }
    sex = form.question("sex")
    assert [(o.key, o.nb, o.en) for o in sex.options] == [("girl", "Jente", "Girl"), ("boy", "Gutt", "Boy")]
    assert (sex.nb, sex.en) == ("Kjønn", "Sex")
    girl = form.question("about_girl")
    assert girl.relevant == "${sex} = 'girl'" and girl.required
    assert form.question("population").constraint == ". >= 0"
    decisions = next(s for s in form.sections if s.key == "decisions")
    assert (decisions.repeat, decisions.max_repeats) == ("decisions", 3)
    per_measure = next(i for i in decisions.items if getattr(i, "key", "") == "per_measure")
    assert getattr(per_measure, "repeat_over", None) == "measures"
    # Answers in the engine's shape check against it: the relevance and the constraint hold.
    answers = {
        "sex": "girl",
        "about_girl": "Går i 4. klasse",
        "population": 1200,
        "decisions": [
            {"decision_month": "2022-03", "measures": ["pmto"], "per_measure": {"pmto": {"goal": "Ro"}}}
        ],
    }
    assert validate(form, answers) == []
    assert normalise(form, answers)["decisions"][0]["per_measure"] == {"pmto": {"goal": "Ro"}}
    problems = validate(form, {**answers, "population": -1, "sex": "boy"})
    assert {p.path for p in problems} >= {"population", "about_girl"}


@pytest.mark.parametrize(
    ("row", "named"),
    [
        (["geopoint", "where", "Hvor", "Where", "", "", "", "", ""], "'where'"),
        (["date", "on", "Dato", "Date", "", "", "", "", ""], "'on'"),
        (["note", "hello", "Hei", "Hello", "", "", "", "", ""], "'hello'"),
        (["text", "bad", "Feil", "Bad", "string-length(.) > 3", "", "", "", ""], "'bad', relevant"),
    ],
)
def test_what_the_engine_has_no_place_for_is_refused_by_name(
    tmp_path: Path, row: list[str], named: str
) -> None:
    survey = xlsform.read_survey(workbook(tmp_path / "x.xlsx", [*SURVEY, row]))
    with pytest.raises(FormError, match=named):
        xlsform.survey_to_yaml(survey, key="ny-studie", version=1, source="x.xlsx")


def test_a_repeat_needs_a_count(tmp_path: Path) -> None:
    rows = [
        ["begin_repeat", "visits", "Besøk", "Visits", "", "", "", "", ""],
        ["text", "what", "Hva", "What", "", "", "", "", ""],
        ["end_repeat", "", "", "", "", "", "", "", ""],
    ]
    survey = xlsform.read_survey(workbook(tmp_path / "x.xlsx", [*SURVEY, *rows]))
    with pytest.raises(FormError, match="'visits'.*repeat_count"):
        xlsform.survey_to_yaml(survey, key="ny-studie", version=1, source="x.xlsx")


def test_not_a_workbook_and_a_bad_key_are_refused(tmp_path: Path) -> None:
    text = tmp_path / "form.txt"
    text.write_text("hei", encoding="utf-8")
    with pytest.raises(FormError, match="an XLSForm is"):
        xlsform.read_survey(text)
    survey = xlsform.read_survey(workbook(tmp_path / "x.xlsx", form_id="Ny Studie"))
    with pytest.raises(FormError, match="--key"):
        xlsform.survey_key(survey)
    assert xlsform.survey_key(survey, key="ny-studie") == "ny-studie"


def test_the_command_registers_versions_of_a_workbook(db: None, tmp_path: Path) -> None:
    path = workbook(tmp_path / "ny.xlsx")
    out, _err = run(str(path), "--dry-run")
    assert load_form(out).key == "ny-studie" and not FormVersion.objects.exists()
    out, _err = run(str(path))
    assert out.strip() == "Registered the form ny-studie version 1 (8 questions)."
    first = FormVersion.objects.get(key="ny-studie")
    assert load_form(first.definition).version == 1
    event = AuditEvent.objects.get(object_type="research_form")
    assert event.detail == {"via": "command", "key": "ny-studie", "version": 1, "questions": 8}
    out, _err = run(str(path))
    assert "nothing registered" in out and FormVersion.objects.filter(key="ny-studie").count() == 1
    rows = [*SURVEY, ["text", "notes", "Notater", "Notes", "", "", "", "", ""]]
    out, _err = run(str(workbook(tmp_path / "ny2.xlsx", rows)), "--key", "ny-studie")
    assert out.strip() == "Registered the form ny-studie version 2 (9 questions)."
    assert first.definition == FormVersion.objects.get(key="ny-studie", version=1).definition  # kept


def test_the_command_registers_a_yaml_form_only_as_the_next_version(db: None, tmp_path: Path) -> None:
    changed = (
        study_form_text()
        .replace("version: 1", "version: 2", 1)
        .replace("Fødselsår for barnet", "Barnets fødselsår", 1)
    )
    path = tmp_path / "study.yaml"
    path.write_text(changed.replace("version: 2", "version: 1", 1), encoding="utf-8")
    with pytest.raises(CommandError, match="the next version of study-2023 is 2. Nothing was registered"):
        run(str(path))
    assert not FormVersion.objects.filter(version=2).exists()
    path.write_text(changed, encoding="utf-8")
    out, _err = run(str(path))
    assert out.startswith("Registered the form study-2023 version 2 (")
    with pytest.raises(CommandError, match="is the form study-2023, not other-form"):
        run(str(path), "--key", "other-form")
    broken = tmp_path / "broken.yaml"
    broken.write_text("key: x\nversion: 1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="title"):
        run(str(broken))
    with pytest.raises(CommandError, match="There is no file"):
        run(str(tmp_path / "missing.xlsx"))
    assert FormVersion.objects.count() == 2
