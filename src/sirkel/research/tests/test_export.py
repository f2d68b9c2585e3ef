"""De-identified research exports: files, codebook, labels, pseudonyms, months, bands, scrubbing, guard."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import pyreadstat
import pytest
from stdnum.no import fodselsnummer

from sirkel.research import export as export_module
from sirkel.research import scrub
from sirkel.research.export import (
    BANDS,
    ExportLeakError,
    ExportRegistration,
    dates_to_month,
    export,
    pseudonym,
    size_band,
)
from sirkel.research.forms import Block, Form, Option, Question
from sirkel.research.scrub import Person, Replacement

KEY = b"k" * 32
OTHER_KEY = b"o" * 32


def synthetic_id(first_nine: str) -> str:
    """A checksum-valid synthetic number (made up for the tests, never a real person's)."""
    first = fodselsnummer.calc_check_digit1(first_nine)
    number = first_nine + first + fodselsnummer.calc_check_digit2(first_nine + first)
    assert fodselsnummer.is_valid(number)
    return number


CHILD_ID = synthetic_id("150315500")
D_NUMBER = synthetic_id("410190123")


def opts(*pairs: tuple[str, str]) -> tuple[Option, ...]:
    return tuple(Option(key, nb, key) for key, nb in pairs)


YES_NO = opts(("yes", "Ja"), ("no", "Nei"))

FORM = Form(
    key="study-test",
    version=1,
    nb="Registreringsskjema",
    sections=(
        Block(
            key="background",
            nb="Bakgrunn",
            items=(
                Question("municipality_number", "text", "Kommunenummer"),
                Question("coder", "coder", "Hva heter du?"),
                Question("service_population", "integer", "Befolkningsgrunnlag til tjenesten"),
            ),
        ),
        Block(
            key="child",
            nb="Om barnet",
            items=(
                Question("sex", "single", "Kjønn", options=opts(("girl", "Jente"), ("boy", "Gutt"))),
                Question("birth_year", "year", "Fødselsår for barnet"),
                Question(
                    "lives_with",
                    "single",
                    "Hvem bor barnet hos i det daglige?",
                    options=opts(("mother", "Mor"), ("father", "Far"), ("other", "Andre")),
                ),
                Question("lives_with_other", "text", "Hvis andre, hvem"),
                Question("children_in_household", "integer", "Antall barn i husstand"),
                Question(
                    "target_groups",
                    "multiple",
                    "Saken er relevant for følgende målgruppe(r)",
                    options=opts(
                        ("minority_background", "Minoritetsbakgrunn"),
                        ("parent_cognitive_difficulties", "Foreldre med kognitive vansker"),
                        ("fathers", "Fedre"),
                    ),
                ),
            ),
        ),
        Block(
            key="decision",
            nb="Vedtak",
            repeat="decisions",
            max_repeats=5,
            items=(
                Question("decision_month", "month", "Tidspunkt for vedtak - måned/år"),
                Question("reasons_text", "text", "Beskriv begrunnelsene for vedtaket"),
                Question(
                    "measures",
                    "multiple",
                    "Hvilke hjelpetiltak ble vedtatt?",
                    options=opts(
                        ("network_meeting", "Nettverksmøte"), ("family_group_conference", "Familieråd")
                    ),
                ),
                Block(
                    key="per_measure",
                    nb="For hvert tiltak",
                    repeat_over="measures",
                    items=(
                        Question("evaluated", "single", "Er tiltaket evaluert?", options=YES_NO),
                        Question("reviewer_comment", "text", "Forskerens oppsummerende vurdering"),
                    ),
                ),
                Question("next_steps", "text", "Hva skjer videre?"),
            ),
        ),
    ),
)

PEOPLE = [
    Person("Ola Nordmann", "barnet"),
    Person("Kari Nordmann", "mormor"),
    Person("Per Olav Hansen", "far"),
    Person("Anne-Lise Bakketun", "mor"),
    Person("Gunnhild Solheim", "saksbehandler"),
]
CASE_REF = "BV-2024-0017"
MUNICIPALITY = "4627"

# Every value that must not leave: as written in the notes below.
SECRETS = [
    "Ola Nordmann",
    "Nordmann",
    "Karis",
    "Kari",
    "Per Olav Hansen",
    "Hansens",
    "Anne-Lise",
    "Bakketun",
    "Gunnhild",
    "Solheim",
    CHILD_ID,
    f"{CHILD_ID[:6]} {CHILD_ID[6:]}",
    D_NUMBER,
    "+47 912 34 567",
    "0047 41 23 45 67",
    "98765432",
    "kari.nordmann@example.no",
    "per@hansen.example",
    "Storgata 5",
    "Kongens gate 12B",
    "0150 Oslo",
    CASE_REF,
]
DIGIT_SECRETS = [CHILD_ID, D_NUMBER, "91234567", "41234567", "98765432"]

NOTES = {
    "lives_with_other": (
        "Ola Nordmann bor hos mormor Kari Nordmann i Storgata 5, 0150 Oslo. Karis telefon er +47 912 34 567."
    ),
    "reasons_text": (
        f"Fødselsnummer {CHILD_ID[:6]} {CHILD_ID[6:]} (barnet), {CHILD_ID} i brevet; far har D-nummer "
        f"{D_NUMBER}. Per Olav Hansen ringte 0047 41 23 45 67. Sak {CASE_REF}, møte 12.03.2024."
    ),
    "reviewer_comment": (
        "Anne-Lise Bakketun (kari.nordmann@example.no) og Hansens bror møtte i Kongens gate 12B. "
        "Gunnhild Solheim noterte 98765432 og per@hansen.example."
    ),
    "next_steps": "Anne-Lise og Gunnhild følger opp 2024-05-14.",
}


def answers(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "municipality_number": MUNICIPALITY,
        "coder": "forsker1",
        "service_population": 23_456,
        "sex": "girl",
        "birth_year": 2015,
        "lives_with": "other",
        "lives_with_other": NOTES["lives_with_other"],
        "children_in_household": 3,
        "target_groups": ["fathers"],
        "decisions": [
            {
                "decision_month": "2023-04",
                "reasons_text": NOTES["reasons_text"],
                "measures": ["network_meeting", "family_group_conference"],
                "per_measure": {
                    "family_group_conference": {"evaluated": "no"},
                    "network_meeting": {"evaluated": "yes", "reviewer_comment": NOTES["reviewer_comment"]},
                },
                "next_steps": NOTES["next_steps"],
            },
            {"decision_month": "2024-01", "measures": []},
        ],
    }
    data.update(extra)
    return data


def linked(**kwargs: Any) -> ExportRegistration:
    values: dict[str, Any] = {
        "case_ref": CASE_REF,
        "coder": "forsker1",
        "answers": answers(),
        "people": PEOPLE,
        "municipality_number": MUNICIPALITY,
        "service_population": 23_456,
    }
    values.update(kwargs)
    return ExportRegistration(**values)


def run(tmp_path: Path, registrations: list[ExportRegistration], **kwargs: Any) -> export_module.ExportResult:
    kwargs.setdefault("formats", {"csv", "sav", "dta"})
    return export(form=FORM, registrations=registrations, key=KEY, out_dir=tmp_path, **kwargs)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def every_text(out: Path) -> dict[str, str]:
    """Every file under the export as text: raw bytes decoded, and .sav/.dta also read back whole."""
    texts = {}
    for path in sorted(out.iterdir()):
        raw = path.read_bytes().decode("utf-8", errors="replace")
        if path.suffix in (".sav", ".dta"):
            reader = pyreadstat.read_sav if path.suffix == ".sav" else pyreadstat.read_dta
            df, meta = reader(str(path))
            raw += df.to_csv(index=False) + json.dumps(
                [meta.column_labels, meta.variable_value_labels], ensure_ascii=False, default=str
            )
        texts[path.name] = raw
    return texts


# --- the files ----------------------------------------------------------------------------------


def test_the_export_writes_every_table_in_every_format_with_a_codebook_and_a_report(tmp_path: Path) -> None:
    result = run(tmp_path, [linked(), linked(coder="forsker2", is_consensus=True)])
    names = {p.name for p in tmp_path.iterdir()}
    tables = ("registrations", "decisions", "per_measure")
    assert names == {f"{t}.{ext}" for t in tables for ext in ("csv", "sav", "dta")} | {
        "codebook.csv",
        "codebook.json",
        "residual-risk.txt",
    }
    assert {p.name for p in result.files} == names
    assert result.rows == {"registrations": 2, "decisions": 4, "per_measure": 4}


def test_only_the_formats_asked_for_are_written(tmp_path: Path) -> None:
    run(tmp_path, [linked()], formats={"csv"})
    assert not list(tmp_path.glob("*.sav")) and not list(tmp_path.glob("*.dta"))
    assert (tmp_path / "registrations.csv").exists()


def test_a_row_per_registration_and_linked_tables_per_repeat_block(tmp_path: Path) -> None:
    run(
        tmp_path, [linked(), linked(coder="forsker2", is_consensus=True, answers=answers(target_groups=None))]
    )
    rows = read_csv(tmp_path / "registrations.csv")
    assert [r["registration"] for r in rows] == ["1", "2"]
    assert [r["coder"] for r in rows] == ["forsker1", "forsker2"]
    assert [r["consensus"] for r in rows] == ["0", "1"]
    first = rows[0]
    assert first["sex"] == "girl" and first["birth_year"] == "2015" and first["children_in_household"] == "3"
    assert (first["target_groups__fathers"], first["target_groups__minority_background"]) == ("1", "0")
    # A question left blank is blank in every option column, not "none ticked".
    assert rows[1]["target_groups__fathers"] == "" and rows[1]["target_groups__minority_background"] == ""
    assert "coder_2" not in first and "municipality_number" not in first and "service_population" not in first

    decisions = read_csv(tmp_path / "decisions.csv")
    assert [(d["registration"], d["decision"]) for d in decisions] == [
        ("1", "1"),
        ("1", "2"),
        ("2", "1"),
        ("2", "2"),
    ]
    assert (
        decisions[0]["measures__network_meeting"] == "1" and decisions[1]["measures__network_meeting"] == "0"
    )
    assert all(d["pseudonym"] == first["pseudonym"] for d in decisions)

    per_measure = read_csv(tmp_path / "per_measure.csv")
    # In the form's option order, whatever order the answers hold them in.
    assert [(m["registration"], m["decision"], m["measures"], m["evaluated"]) for m in per_measure] == [
        ("1", "1", "network_meeting", "yes"),
        ("1", "1", "family_group_conference", "no"),
        ("2", "1", "network_meeting", "yes"),
        ("2", "1", "family_group_conference", "no"),
    ]


# --- de-identification --------------------------------------------------------------------------


def test_a_linked_registration_exports_none_of_the_names_numbers_phones_emails_or_addresses(
    tmp_path: Path,
) -> None:
    result = run(tmp_path, [linked()])
    texts = every_text(tmp_path)
    assert len(texts) == 12
    for name, text in texts.items():
        for secret in SECRETS:
            assert not re.search(rf"(?<!\w){re.escape(secret)}(?!\w)", text, re.IGNORECASE), (name, secret)
        digits = re.sub(r"(?<=\d)[ .\u00a0-](?=\d)", "", text)
        for secret in DIGIT_SECRETS:
            assert secret not in digits, (name, secret)
    assert result.replaced["name"] >= 9
    assert {"national_id", "phone", "email", "address"} <= set(result.replaced)


def test_free_text_keeps_its_sense_with_roles_in_place_of_names(tmp_path: Path) -> None:
    run(tmp_path, [linked()])
    row = read_csv(tmp_path / "registrations.csv")[0]
    assert row["lives_with_other"] == (
        "[barnet] bor hos mormor [mormor] i [adresse]. [mormor]s telefon er [telefon]."
    )
    decision = read_csv(tmp_path / "decisions.csv")[0]
    assert "[fødselsnummer] (barnet), [fødselsnummer] i brevet" in decision["reasons_text"]
    assert "Sak [saksnummer], møte 2024-03." in decision["reasons_text"]
    assert decision["next_steps"] == "[mor] og [saksbehandler] følger opp 2024-05."
    comment = read_csv(tmp_path / "per_measure.csv")[0]["reviewer_comment"]
    assert comment.startswith("[mor] ([e-post]) og [far]s bror møtte i [adresse].")


def test_sav_and_dta_hold_the_scrubbed_text_too(tmp_path: Path) -> None:
    run(tmp_path, [linked()])
    for ext, reader in (("sav", pyreadstat.read_sav), ("dta", pyreadstat.read_dta)):
        df, _meta = reader(str(tmp_path / f"registrations.{ext}"))
        assert df["lives_with_other"][0].startswith("[barnet] bor hos mormor [mormor]"), ext


def test_pseudonyms_are_stable_for_one_key_and_differ_for_another(tmp_path: Path) -> None:
    assert pseudonym(KEY, CASE_REF) == pseudonym(KEY, CASE_REF)
    assert pseudonym(KEY, CASE_REF) != pseudonym(OTHER_KEY, CASE_REF)
    assert pseudonym(KEY, CASE_REF) != pseudonym(KEY, "BV-2024-0018")
    assert re.fullmatch(r"P-[bcdfghjklmnpqrst]{16}", pseudonym(KEY, CASE_REF))
    # No digits: a hex pseudonym such as P-91234567ab… would hold a phone number's eight digits.
    assert not any(c.isdigit() for n in range(2000) for c in pseudonym(KEY, f"BV-{n}"))
    assert len({pseudonym(KEY, f"BV-{n}") for n in range(2000)}) == 2000

    first, second = tmp_path / "a", tmp_path / "b"
    export(form=FORM, registrations=[linked()], key=KEY, out_dir=first, formats={"csv"})
    export(form=FORM, registrations=[linked()], key=OTHER_KEY, out_dir=second, formats={"csv"})
    again = tmp_path / "c"
    export(form=FORM, registrations=[linked()], key=KEY, out_dir=again, formats={"csv"})
    a, b, c = (read_csv(d / "registrations.csv")[0]["pseudonym"] for d in (first, second, again))
    assert a == c == pseudonym(KEY, CASE_REF)
    assert b == pseudonym(OTHER_KEY, CASE_REF) != a


def test_dates_become_months(tmp_path: Path) -> None:
    assert (
        dates_to_month("møte 12.03.2024, svar 2024-03-28 og 1/4/2024")
        == "møte 2024-03, svar 2024-03 og 2024-04"
    )
    assert dates_to_month("Brev datert 3. mars 2024.") == "Brev datert mars 2024."
    # No year: a time or a score, left alone; an impossible date is not a date.
    assert dates_to_month("kl. 12.30, 12.03 og 45.13.2024") == "kl. 12.30, 12.03 og 45.13.2024"
    run(tmp_path, [linked()])
    assert [d["decision_month"] for d in read_csv(tmp_path / "decisions.csv")] == ["2023-04", "2024-01"]


def test_the_municipality_number_is_replaced_by_a_size_band(tmp_path: Path) -> None:
    run(
        tmp_path,
        [
            linked(),
            linked(case_ref="BV-2", service_population=None, answers=answers(service_population=4_000)),
            linked(case_ref="BV-3", service_population=None, answers=answers(service_population=None)),
        ],
    )
    rows = read_csv(tmp_path / "registrations.csv")
    assert [r["municipality_size"] for r in rows] == ["20 000–49 999", "<5 000", ""]
    for name, text in every_text(tmp_path).items():
        assert MUNICIPALITY not in text, name
        assert "23456" not in text.replace(" ", ""), name
    df, meta = pyreadstat.read_sav(str(tmp_path / "registrations.sav"))
    assert df["municipality_size"][0] == 3
    assert meta.variable_value_labels["municipality_size"][3] == "20 000–49 999"


@pytest.mark.parametrize(
    ("population", "band"),
    [
        (None, None),
        (0, None),
        (1, 1),
        (4_999, 1),
        (5_000, 2),
        (19_999, 2),
        (20_000, 3),
        (99_999, 4),
        (100_000, 5),
    ],
)
def test_size_bands(population: int | None, band: int | None) -> None:
    assert size_band(population) == band
    assert len(BANDS) == 5


# --- codebook and labels ------------------------------------------------------------------------


def test_the_codebook_describes_every_column_of_every_table(tmp_path: Path) -> None:
    run(tmp_path, [linked()])
    codebook = read_csv(tmp_path / "codebook.csv")
    described = {(r["table"], r["name"]) for r in codebook}
    for table in ("registrations", "decisions", "per_measure"):
        with (tmp_path / f"{table}.csv").open(encoding="utf-8") as fh:
            header = next(csv.reader(fh))
        assert {(table, name) for name in header} == {k for k in described if k[0] == table}
    by_name = {(r["table"], r["name"]): r for r in codebook}
    sex = by_name[("registrations", "sex")]
    assert (sex["question"], sex["type"], sex["label"]) == ("sex", "single", "Kjønn")
    assert sex["choices"] == "1=girl=Jente; 2=boy=Gutt"
    fathers = by_name[("registrations", "target_groups__fathers")]
    assert fathers["type"] == "multiple" and fathers["label"].endswith(": Fedre")
    assert by_name[("per_measure", "measures")]["choices"] == (
        "1=network_meeting=Nettverksmøte; 2=family_group_conference=Familieråd"
    )
    document = json.loads((tmp_path / "codebook.json").read_text(encoding="utf-8"))
    assert len(document["columns"]) == len(codebook)
    assert document["columns"][0] | {"choices": []} == {
        "table": "registrations",
        "name": "registration",
        "stata_name": "registration",
        "question": "",
        "type": "id",
        "label": "Registrering",
        "choices": [],
    }


def test_sav_and_dta_open_with_variable_and_value_labels(tmp_path: Path) -> None:
    run(tmp_path, [linked()])
    for ext, reader in (("sav", pyreadstat.read_sav), ("dta", pyreadstat.read_dta)):
        df, meta = reader(str(tmp_path / f"registrations.{ext}"))
        labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
        assert labels["sex"] == "Kjønn", ext
        assert labels["lives_with"] == "Hvem bor barnet hos i det daglige?", ext
        assert meta.variable_value_labels["sex"] == {1: "Jente", 2: "Gutt"}, ext
        assert meta.variable_value_labels["lives_with"] == {1: "Mor", 2: "Far", 3: "Andre"}, ext
        assert meta.variable_value_labels["target_groups__fathers"] == {0: "Nei", 1: "Ja"}, ext
        assert df["sex"][0] == 1 and df["lives_with"][0] == 3 and df["birth_year"][0] == 2015, ext
        df, meta = reader(str(tmp_path / f"per_measure.{ext}"))
        assert meta.variable_value_labels["measures"] == {1: "Nettverksmøte", 2: "Familieråd"}, ext
        assert list(df["measures"]) == [1, 2] and list(df["evaluated"]) == [1, 2], ext


def test_stata_names_are_short_and_unique_and_in_the_codebook(tmp_path: Path) -> None:
    run(tmp_path, [linked()])
    codebook = read_csv(tmp_path / "codebook.csv")
    long = next(r for r in codebook if r["name"] == "target_groups__parent_cognitive_difficulties")
    assert len(long["stata_name"]) <= 28
    _df, meta = pyreadstat.read_dta(str(tmp_path / "registrations.dta"))
    assert long["stata_name"] in meta.column_names
    assert len({n.casefold() for n in meta.column_names}) == len(meta.column_names)


def test_long_free_text_survives_every_format(tmp_path: Path) -> None:
    # Over Stata's 2045-byte string limit; no trailing blank, which SPSS's padded strings drop.
    text = " ".join(["Samtale om skolen og fritiden."] * 150)
    run(tmp_path, [linked(answers=answers(lives_with_other=text))])
    for ext, reader in (("sav", pyreadstat.read_sav), ("dta", pyreadstat.read_dta)):
        df, _meta = reader(str(tmp_path / f"registrations.{ext}"))
        assert df["lives_with_other"][0] == text, ext


# --- report, progress and the guard -------------------------------------------------------------


def test_the_residual_risk_report_counts_replacements_and_lists_words_to_review(tmp_path: Path) -> None:
    notes = answers(lives_with_other="Kari ringte. Møtet med Torvaldsen gikk bra, ref 1234567.")
    run(tmp_path, [linked(answers=notes)])
    report = (tmp_path / "residual-risk.txt").read_text(encoding="utf-8")
    assert "replaced\tname\t" in report
    assert "registrations\t1\tlives_with_other\tcapitalised_word\tTorvaldsen\t" in report
    assert "registrations\t1\tlives_with_other\tdigit_run\t1234567\t" in report
    assert "Kari" not in report


def test_progress_is_reported_in_increasing_counts_ending_at_the_total(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    registrations = [linked(case_ref=f"BV-{n}") for n in range(250)]
    export(
        form=FORM,
        registrations=registrations,
        key=KEY,
        out_dir=tmp_path,
        formats={"csv"},
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls[-1] == (250, 250)
    assert all(total == 250 for _done, total in calls)
    dones = [done for done, _total in calls]
    assert dones == sorted(set(dones)) and len(dones) > 10


def test_a_scrubber_that_leaves_a_name_makes_the_export_fail_and_delete_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = scrub.Scrubber.scrub

    def leaky(self: scrub.Scrubber, text: str) -> scrub.Scrubbed:
        done = real(self, text)  # what was replaced is known, but the text keeps the names
        return scrub.Scrubbed(text=done.text.replace("[mormor]", "Kari"), replaced=done.replaced)

    monkeypatch.setattr(scrub.Scrubber, "scrub", leaky)
    with pytest.raises(ExportLeakError) as raised:
        run(tmp_path, [linked()])
    assert raised.value.filename == "registrations.csv"
    assert "Kari" not in str(raised.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("ext", ["sav", "dta"])
def test_the_guard_reads_sav_and_dta_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ext: str) -> None:
    real = export_module._write_stat

    def leaky(table: Any, path: Path, fmt: Any) -> None:
        for column in table.columns:
            if column.name == "lives_with_other":
                column.values[:] = ["Hos Kari Nordmann"] * len(column.values)
        real(table, path, fmt)

    monkeypatch.setattr(export_module, "_write_stat", leaky)
    with pytest.raises(ExportLeakError) as raised:
        run(tmp_path, [linked()], formats={ext})
    assert raised.value.filename == f"registrations.{ext}"
    assert list(tmp_path.iterdir()) == []


def test_a_value_only_in_the_sav_is_found_although_the_csv_of_its_table_was_clean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The guard checks each distinct value of a table once; a value the .csv did not hold is not
    # taken for one it did.
    real = export_module._write_stat

    def leaky(table: Any, path: Path, fmt: Any) -> None:
        if fmt == "sav":
            for column in table.columns:
                if column.name == "lives_with_other":
                    column.values[:] = ["Hos Kari Nordmann"] * len(column.values)
        real(table, path, fmt)

    monkeypatch.setattr(export_module, "_write_stat", leaky)
    with pytest.raises(ExportLeakError) as raised:
        run(tmp_path, [linked()])
    assert raised.value.filename == "registrations.sav"
    assert list(tmp_path.iterdir()) == []


def test_values_read_back_are_checked_apart() -> None:
    guard = export_module._Guard([Replacement("name", "Kari Nordmann")])
    joined = export_module._VALUE_SEPARATOR.join(["Hilsen Kari", "Nordmann"])
    assert not guard.leaks(joined)
    assert guard.leaks(export_module._VALUE_SEPARATOR.join(["x", "Hilsen Kari Nordmann"]))


def test_a_name_replaced_in_one_case_and_left_in_another_fails_the_export(tmp_path: Path) -> None:
    unlinked = ExportRegistration(
        case_ref="BV-9", coder="forsker1", answers={"lives_with_other": "Hilsen Gunnhild"}
    )
    with pytest.raises(ExportLeakError):
        run(tmp_path, [linked(), unlinked], formats={"csv"})


def test_a_case_reference_in_any_file_fails_the_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_module, "pseudonym", lambda key, case_ref: case_ref)
    with pytest.raises(ExportLeakError):
        run(tmp_path, [linked()], formats={"csv"})


def test_unknown_formats_and_an_empty_key_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="formats"):
        export(form=FORM, registrations=[], key=KEY, out_dir=tmp_path, formats={"xlsx"})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="key"):
        export(form=FORM, registrations=[], key=b"", out_dir=tmp_path, formats={"csv"})


def test_the_guard_finds_a_value_at_any_place_in_a_big_file() -> None:
    guard = export_module._Guard(
        [scrub.Replacement("name", "Kari Nordmann"), scrub.Replacement("phone", "912 34 567")]
    )
    filler = "[mormor] møtte på skolen.\n" * 60_000  # over a megabyte: several chunks
    for at in range(0, len(filler), len(filler) // 7):
        cut = filler.rfind(" ", 0, at) + 1
        assert guard.leaks(filler[:cut] + "Kari Nordmann " + filler[cut:])
        assert guard.leaks(filler[:cut] + "Kari\nNordmann " + filler[cut:])
        assert guard.leaks(filler[:cut] + "tlf 91 23 45 67 " + filler[cut:])
    assert not guard.leaks(filler)
    assert not guard.leaks("")


def test_a_big_export_scrubs_in_a_pool_and_writes_the_same_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import concurrent.futures

    registrations = [linked() for _ in range(12)]
    run(tmp_path / "serial", registrations, formats={"csv"})
    pools: list[int] = []

    class CountedPool(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pools.append(kwargs["max_workers"])
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", CountedPool)
    monkeypatch.setattr(export_module, "POOL_FROM", 2)
    monkeypatch.setattr(export_module, "_BATCH", 5)
    result = run(tmp_path / "pool", registrations, formats={"csv"})
    assert pools == [export_module.POOL_WORKERS]
    assert result.replaced and result.rows["registrations"] == 12
    for path in sorted((tmp_path / "serial").iterdir()):
        assert path.read_bytes() == (tmp_path / "pool" / path.name).read_bytes(), path.name


def test_with_the_pool_a_leak_in_a_later_table_deletes_the_export_and_names_the_first_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With the pool, the workers read each table's files back while the next table is written;
    # the first leaking file in the files' order is named, and every file is deleted.
    real = export_module._write_stat

    def leaky(table: Any, path: Path, fmt: Any) -> None:
        if (table.name, fmt) in {("decisions", "sav"), ("per_measure", "dta")}:
            column = next(c for c in table.columns if c.type == "text")
            column.values[:] = ["Hos Kari Nordmann"] * len(column.values)
        real(table, path, fmt)

    monkeypatch.setattr(export_module, "_write_stat", leaky)
    monkeypatch.setattr(export_module, "POOL_FROM", 2)
    monkeypatch.setattr(export_module, "_BATCH", 5)
    with pytest.raises(ExportLeakError) as raised:
        run(tmp_path, [linked() for _ in range(12)])
    assert raised.value.filename == "decisions.sav"
    assert list(tmp_path.iterdir()) == []
