"""Code and the taxonomy files agree: every choice list code takes from the taxonomy is the file's keys in
the file's order, every key code names exists in the file, and the files agree with each other (SSB codes,
the registration form, the target groups and the case's fields).

When a test here fails after a change to a YAML file, the code that depends on the file has to follow (or
the change is wrong); when it fails after a code change, the code has started writing a vocabulary again.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import Any

import pytest
from django.db import models
from django.utils import translation

from sirkel.cases.forms import CaseFilterForm
from sirkel.cases.models import Case
from sirkel.meetings.guide import PHASES
from sirkel.network import layout, metrics
from sirkel.network import map as network_map
from sirkel.network.forms import MemberForm
from sirkel.network.models import NetworkMember, Sector, Side, SupportType
from sirkel.network.relations import relation_suggestions
from sirkel.taxonomy.choices import ChoicesFrom, TaxonomyChoices, items, keys
from sirkel.taxonomy.loader import load, measures, names

# --- Choice lists that come from the taxonomy -------------------------------------------------------

# Each TaxonomyChoices class in code and the list it stands for.
VOCABULARIES: list[tuple[type[TaxonomyChoices], str, str]] = [
    (Side, "network", "sides"),
    (Sector, "network", "sectors"),
    (SupportType, "network", "support_types"),
]
# Model fields whose `choices=` come from the taxonomy.
MODEL_FIELDS: list[tuple[type[models.Model], str, str, str]] = [
    (NetworkMember, "side", "network", "sides"),
    (NetworkMember, "sector", "network", "sectors"),
]
# Database constraints that allow exactly a taxonomy list's keys.
CONSTRAINTS: list[tuple[type[models.Model], str, str, str, str]] = [
    (NetworkMember, "member_side_valid", "side__in", "network", "sides"),
    (NetworkMember, "member_sector_valid", "sector__in", "network", "sectors"),
]


def choice_keys(pairs: Any) -> list[str]:
    return [str(value) for value, _label in pairs if value != ""]


@pytest.mark.parametrize(("cls", "vocabulary", "key"), VOCABULARIES, ids=lambda v: getattr(v, "__name__", v))
def test_a_taxonomy_choices_class_gives_the_files_keys_in_order(
    cls: type[TaxonomyChoices], vocabulary: str, key: str
) -> None:
    expected = keys(vocabulary, key)
    assert cls.values == expected
    assert [member.value for member in cls] == expected
    assert choice_keys(cls.choices) == expected
    assert len(cls.labels) == len(expected)


@pytest.mark.parametrize(("cls", "vocabulary", "key"), VOCABULARIES, ids=lambda v: getattr(v, "__name__", v))
def test_every_key_constant_code_names_is_in_the_file(
    cls: type[TaxonomyChoices], vocabulary: str, key: str
) -> None:
    assert cls.constants, f"{cls.__name__} names no keys"
    for name, value in cls.constants.items():
        assert value in keys(vocabulary, key), f"{cls.__name__}.{name}"
        assert name == value.upper(), f"{cls.__name__}.{name} should be named {value.upper()}"


def test_code_names_every_side_and_sector_because_it_branches_on_each() -> None:
    # The map draws the two sides differently and gives each sector a quadrant of its own.
    assert sorted(Side.constants.values()) == sorted(Side.values)
    assert sorted(Sector.constants.values()) == sorted(Sector.values)


@pytest.mark.parametrize(("model", "field", "vocabulary", "key"), MODEL_FIELDS)
def test_model_field_choices_are_the_taxonomy(
    model: type[models.Model], field: str, vocabulary: str, key: str
) -> None:
    model_field = model._meta.get_field(field)
    assert isinstance(model_field, models.Field)
    assert choice_keys(model_field.choices) == keys(vocabulary, key)
    assert model_field.deconstruct()[3]["choices"] == ChoicesFrom(vocabulary, key)


@pytest.mark.parametrize(("model", "name", "lookup", "vocabulary", "key"), CONSTRAINTS)
def test_check_constraints_allow_exactly_the_taxonomy_keys(
    model: type[models.Model], name: str, lookup: str, vocabulary: str, key: str
) -> None:
    constraint = next(c for c in model._meta.constraints if c.name == name)
    assert isinstance(constraint, models.CheckConstraint)
    assert constraint.condition.children == [(lookup, keys(vocabulary, key))]  # type: ignore[union-attr]


def test_the_member_form_offers_the_taxonomy_in_order() -> None:
    form = MemberForm()
    for field, vocabulary, key in (
        ("side", "network", "sides"),
        ("sector", "network", "sectors"),
        ("support", "network", "support_types"),
    ):
        assert choice_keys(form.fields[field].choices) == keys(vocabulary, key), field  # type: ignore[attr-defined]


def test_metrics_and_the_map_cover_every_sector_and_support_type() -> None:
    assert list(metrics.SECTORS) == Sector.values
    assert list(metrics.SUPPORT_TYPES) == SupportType.values
    assert sorted(layout.SECTOR_ORDER) == sorted(Sector.values)


def test_the_map_script_orders_the_sectors_as_the_server_does() -> None:
    script = (
        resources.files("sirkel")
        .joinpath("static", "sirkel", "network", "network.js")
        .read_text(encoding="utf-8")
    )
    found = re.search(r"var SECTORS = \[([^\]]*)\];", script)
    assert found, "network.js no longer declares SECTORS: update this test"
    assert re.findall(r'"([^"]+)"', found.group(1)) == list(layout.SECTOR_ORDER)


def test_support_badge_letters_stay_distinct_in_both_languages() -> None:
    # The map marks support with the first letter of each type's label.
    for language in ("nb", "en"):
        with translation.override(language):
            letters = [network_map.support_letter(s) for s in SupportType.values]
            assert len(set(letters)) == len(letters), (language, letters)


def test_relation_suggestions_suggest_only_known_sectors() -> None:
    for item in [*items("network", "public_services"), *items("network", "private_relations")]:
        assert item.get("sector", "") in ["", *Sector.values], item
    for language in ("nb", "en"):
        with translation.override(language):
            suggestions = relation_suggestions()
            assert {s.side for s in suggestions} == set(Side.values)
            assert all(s.label for s in suggestions)


# --- Measures and Statistics Norway's codes -----------------------------------------------------------


def ssb_measure_codes() -> dict[str, str]:
    categories: dict[str, str] = load("ssb-codes")["measure_categories"]
    return categories


def test_every_measure_code_is_an_ssb_measure_category() -> None:
    codes = ssb_measure_codes()
    for measure in measures():
        if "code" in measure:
            assert isinstance(measure["code"], str) and measure["code"] in codes, measure["key"]


def test_every_measures_ssb_reference_is_a_network_category_with_the_same_code() -> None:
    categories = {c["key"]: c for c in items("measures", "ssb_network_categories")}
    for measure in measures():
        if "ssb" in measure:
            assert measure["ssb"] in categories, measure["key"]
            if "code" in measure:
                assert measure["code"] == categories[measure["ssb"]]["code"], measure["key"]


def test_the_ssb_network_categories_are_ssb_measure_categories_of_group_six() -> None:
    codes = ssb_measure_codes()
    groups: dict[str, str] = load("ssb-codes")["measure_groups"]
    for category in items("measures", "ssb_network_categories"):
        assert category["code"] in codes, category["key"]
        assert category["code"].split(".")[0] == "6", category["key"]
    assert all(code.split(".")[0] in groups for code in codes)


# THE LEAD ADDS MEASURE KINDS HERE. One entry per choice list of measure kinds that code builds from
# measures.yaml: (a name for the test id, the keys in the order code offers them, the keys expected from
# the file). E.g. `("cases.Measure.kind", choice_keys(Measure._meta.get_field("kind").choices),
# keys("measures", "measures"))`, or a filtered list such as the network measures
# `[m["key"] for m in measures() if m.get("network")]`.
def measure_kind_lists() -> list[tuple[str, list[str], list[str]]]:
    from sirkel.cases.models import Measure, MeasureKind
    from sirkel.meetings.kinds import KINDS, process_kind_choices

    in_file = keys("measures", "measures")
    return [
        ("cases.Measure.kind", choice_keys(Measure._meta.get_field("kind").choices), in_file),
        (
            "the keys code names",
            [k for k in in_file if k in {m.value for m in MeasureKind}],
            sorted((m.value for m in MeasureKind), key=in_file.index),
        ),
        (
            "kinds with a process",
            [k for k, _label in process_kind_choices()],
            [k for k in in_file if k in KINDS],
        ),
        (
            "processes are network measures",
            sorted(KINDS),
            sorted(m["key"] for m in measures() if m.get("network") and m["key"] in KINDS),
        ),
    ]


@pytest.mark.parametrize(
    ("name", "in_code", "in_file"), measure_kind_lists(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_measure_kinds_in_code_are_the_taxonomys(name: str, in_code: list[str], in_file: list[str]) -> None:
    assert in_code == in_file, name


def test_every_measure_has_a_unique_key_and_both_labels() -> None:
    found = [m["key"] for m in measures()]
    assert len(found) == len(set(found))
    assert all(m.get("nb") and m.get("en") for m in measures())


# --- Reasons, the network spiral and the registration form -----------------------------------------------


@pytest.mark.parametrize("group", ["child", "parents_care", "surroundings"])
def test_reasons_load_with_both_labels(group: str) -> None:
    reasons = items("reasons", group)
    assert reasons
    assert all(r.get("nb") and r.get("en") for r in reasons)
    assert len({r["nb"] for r in reasons}) == len(reasons)


def test_the_network_spiral_phases_load_and_the_guide_knows_only_those() -> None:
    phases = items("network", "network_spiral_phases")
    found = [p["key"] for p in phases]
    assert found and len(found) == len(set(found))
    assert all(p.get("nb") and p.get("en") and p.get("note") for p in phases)
    assert set(PHASES) <= set(found)


def registration_questions() -> list[dict[str, Any]]:
    def walk(questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
        found = []
        for question in questions:
            found.append(question)
            found.extend(walk(question.get("questions", [])))
        return found

    return [q for section in load("registration-form")["sections"] for q in walk(section["questions"])]


def test_registration_form_options_are_strings_and_its_references_resolve() -> None:
    for question in registration_questions():
        for option in question.get("options", []):
            assert isinstance(option, str), (question["key"], option)  # YAML reads a bare yes/no as a bool
        if "options_from" in question:
            file, _hash, key = question["options_from"].partition("#")
            assert file.removesuffix(".yaml") in names(), question["key"]
            assert items(file.removesuffix(".yaml"), key), question["key"]


# --- Target groups and the case ---------------------------------------------------------------------------


def target_groups() -> list[dict[str, Any]]:
    return items("case", "target_groups")


def test_the_registration_forms_target_groups_are_the_taxonomys() -> None:
    question = next(q for q in registration_questions() if q["key"] == "target_groups")
    asked = [g["key"] for g in target_groups() if g.get("registration", True)]
    assert question["options"] == [*asked, "none"]


def test_every_target_groups_case_field_is_a_yes_no_field_of_the_case() -> None:
    for group in target_groups():
        for name in group["case_fields"]:
            assert isinstance(Case._meta.get_field(name), models.BooleanField), (group["key"], name)


def test_every_yes_no_field_of_the_case_records_a_target_group() -> None:
    recorded = {name for group in target_groups() for name in group["case_fields"]}
    booleans = {f.name for f in Case._meta.get_fields() if isinstance(f, models.BooleanField)}
    assert booleans == recorded


def test_only_fathers_is_a_target_group_the_case_does_not_record() -> None:
    # Known gap: the study counted cases relevant for fathers; Sirkel's case has no field for it yet.
    assert [g["key"] for g in target_groups() if not g["case_fields"]] == ["fathers"]


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_case_labels_its_target_groups_as_the_taxonomy_does(language: str) -> None:
    recorded = [g for g in target_groups() if g["case_fields"]]
    with translation.override(language):
        labels = [str(g[language]) for g in recorded]
        # The case list's target-group filter, in the taxonomy's order and wording.
        offered = [str(label) for value, label in CaseFilterForm().fields["target"].choices if value]  # type: ignore[attr-defined]
        assert offered == labels
        # The case form's field for each group (the first of its case fields) is named like the group.
        for group in recorded:
            field = Case._meta.get_field(group["case_fields"][0])
            assert isinstance(field, models.Field)
            assert str(field.verbose_name).casefold() == str(group[language]).casefold(), group["key"]


def test_what_a_party_is_told_before_consenting_is_the_taxonomys() -> None:
    from sirkel.meetings.services.consent import InformedAbout

    assert [value for value, _label in InformedAbout.choices] == keys("consent", "informed_about")
    required = [item["key"] for item in items("consent", "informed_about") if item.get("required")]
    assert required == [InformedAbout.VOLUNTARY]  # what the consent service refuses to do without
