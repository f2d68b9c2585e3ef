"""Registration forms as data: reading YAML forms, their expressions, and checking answers."""

from __future__ import annotations

import pytest

from sirkel.research.forms import (
    Block,
    Form,
    FormError,
    Question,
    compile_expression,
    evaluate,
    load_form,
    normalise,
    study_form,
    validate,
)

FORM = """
key: tiny
version: 3
title: {nb: "Lite skjema", en: "Tiny form"}
option_labels:
  "yes": {nb: "Ja", en: "Yes"}
  "no": {nb: "Nei", en: "No"}
sections:
  - key: about
    title: {nb: "Om saken", en: "About"}
    questions:
      - {key: born, type: year, nb: "Fødselsår", constraint: ". >= 2000"}
      - {key: helped, type: single, options: ["yes", "no"], nb: "Hjalp det?", required: true}
      - {key: how, type: text, nb: "Hvordan?", relevant: "${helped} = 'yes'"}
      - {key: who, type: multiple, nb: "Hvem", options: [{key: mor, nb: "Mor"}, {key: far, nb: "Far"}]}
      - {key: father_note, type: text, nb: "Om far", relevant: "selected(who, 'far') and born > 2005"}
  - key: decision
    repeat: decisions
    max_repeats: 2
    title: {nb: "Vedtak"}
    questions:
      - {key: month, type: month, nb: "Måned"}
      - key: kinds
        type: multiple
        nb: "Tiltak"
        options: [{key: a, nb: "A-tiltak"}, {key: b, nb: "B-tiltak"}]
      - key: each
        repeat: kinds
        title: {nb: "Per tiltak"}
        questions:
          - {key: worked, type: single, options: ["yes", "no"], nb: "Virket det?"}
          - {key: count, type: integer, nb: "Antall møter", constraint: ". >= 0 and . < 100"}
"""


def tiny() -> Form:
    return load_form(FORM)


def test_a_form_reads_with_its_blocks_questions_and_labels() -> None:
    form = tiny()
    assert (form.key, form.version, form.nb) == ("tiny", 3, "Lite skjema")
    about, decision = form.sections
    assert decision.repeat == "decisions" and decision.max_repeats == 2
    each = decision.items[2]
    assert isinstance(each, Block) and each.repeat_over == "kinds" and each.repeat is None
    helped = form.question("helped")
    assert helped.required and [o.nb for o in helped.options] == ["Ja", "Nei"]
    assert [q.key for _path, q in form.questions()] == [
        "born",
        "helped",
        "how",
        "who",
        "father_note",
        "month",
        "kinds",
        "worked",
        "count",
    ]
    path, worked = next((p, q) for p, q in form.questions() if q.key == "worked")
    assert [b.key for b in path] == ["decision", "each"] and isinstance(worked, Question)


def test_the_study_form_is_shipped_with_no_required_question_and_its_repeats() -> None:
    form = study_form()
    assert (form.key, form.version) == ("study-2023", 1)
    questions = [q for _p, q in form.questions()]
    assert len(questions) == 40 and not any(q.required for q in questions)
    decision = form.sections[-1]
    assert decision.repeat == "decisions" and decision.max_repeats == 5
    per_measure = next(i for i in decision.items if isinstance(i, Block))
    assert per_measure.repeat_over == "measures"
    assert form.question("measures").option("network_meeting") is not None  # from measures.yaml
    assert form.question("reasons_child").option("school") is not None  # from reasons.yaml
    assert form.question("birthplace").option("norway").nb == "Norge"  # type: ignore[union-attr]
    assert all(o.nb for q in questions for o in q.options)


@pytest.mark.parametrize(
    ("text", "answers", "expected"),
    [
        ("helped == 'yes'", {"helped": "yes"}, True),
        ("${helped} = 'yes'", {"helped": "no"}, False),
        ("helped != 'yes'", {}, True),  # a blank is not 'yes'
        ("selected(who, 'far')", {"who": ["mor", "far"]}, True),
        ("who == 'mor'", {"who": ["far"]}, False),
        ("born > 2005 and not (helped = 'no')", {"born": 2010, "helped": "yes"}, True),
        ("born > 2005 or helped = 'no'", {"born": None, "helped": "yes"}, False),  # a blank is no number
        ("helped", {"helped": ""}, False),
    ],
)
def test_expressions(text: str, answers: dict[str, object], expected: bool) -> None:
    assert evaluate(compile_expression(text), lambda key: answers.get(key)) is expected


def test_a_constraint_reads_the_answer_as_dot() -> None:
    node = compile_expression(". >= 0 and . < 100")

    def nothing(key: str) -> None:
        return None

    assert evaluate(node, nothing, 5) is True and evaluate(node, nothing, 100) is False


@pytest.mark.parametrize("bad", ["helped ==", "(born > 1", "born >> 2", "selected('x', 'y')", "a b"])
def test_an_expression_that_cannot_be_read_is_refused(bad: str) -> None:
    with pytest.raises(FormError):
        compile_expression(bad)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("type: year", "type: date"), "not one of"),
        (('nb: "Fødselsår"', 'en: "Born"'), "Bokmål label"),
        (("key: how", "key: born"), "used twice"),
        (("relevant: \"${helped} = 'yes'\"", "relevant: \"${nobody} = 'yes'\""), "unknown nobody"),
        (('options: ["yes", "no"], nb: "Hjalp', 'options: ["yes", "maybe"], nb: "Hjalp'), "no label"),
        (("max_repeats: 2", "max_repeats: 0"), "max_repeats"),
        (("version: 3", "version: 0"), "version"),
    ],
)
def test_a_form_with_a_mistake_is_refused_with_where_and_why(change: tuple[str, str], message: str) -> None:
    assert change[0] in FORM
    with pytest.raises(FormError, match=message):
        load_form(FORM.replace(change[0], change[1], 1))


def test_valid_answers_have_no_problem() -> None:
    answers = {
        "born": 2008,
        "helped": "yes",
        "how": "Mormor kom hver uke",
        "who": ["far"],
        "father_note": "Far var med",
        "decisions": [
            {"month": "2021-03", "kinds": ["a", "b"], "each": {"a": {"worked": "yes", "count": 3}, "b": {}}},
            {"month": "2022-01"},
        ],
    }
    assert validate(tiny(), answers) == []


def problems(answers: object) -> list[tuple[str, str]]:
    return [(p.path, p.message) for p in validate(tiny(), answers)]


def test_each_kind_of_wrong_answer_is_named_with_its_place() -> None:
    found = problems(
        {
            "born": 1999,  # constraint
            "how": "asked only when it helped",  # not relevant (helped is blank) — and helped is required
            "who": ["mor", "mor"],
            "decisions": [
                {"month": "2021-13", "kinds": ["a"], "each": {"b": {}, "a": {"count": "three"}}},
                {"month": "2021-01", "unknown": 1},
                {},
            ],
            "extra": True,
        }
    )
    paths = dict(found)
    assert paths["born"] == "The answer does not meet . >= 2000."
    assert paths["helped"] == "This question must be answered."
    assert "Not asked here" in paths["how"]
    assert paths["who"] == "An option is ticked twice."
    assert "YYYY-MM" in paths["decisions[1].month"]
    assert "not ticked" in paths["decisions[1].each.b"]
    assert "whole number" in paths["decisions[1].each.a.count"]
    assert "no question 'unknown'" in paths["decisions[2].unknown"]
    assert "At most 2" in paths["decisions"]
    assert "no question 'extra'" in paths["extra"]


def test_answers_that_are_not_an_object_are_refused() -> None:
    assert problems([1, 2]) == [("", "The answers must be an object of question keys and answers.")]
    assert problems({"helped": "yes", "decisions": {"month": "2021-01"}})[0][0] == "decisions"


def test_choices_given_by_their_bokmal_label_become_option_keys() -> None:
    answers = {
        "helped": "Ja",
        "who": ["Far", "mor"],
        "decisions": [{"kinds": ["B-tiltak"], "each": {"b": {"worked": "nei"}}}],
    }
    normalised = normalise(tiny(), answers)
    assert normalised == {
        "helped": "yes",
        "who": ["far", "mor"],
        "decisions": [{"kinds": ["b"], "each": {"b": {"worked": "no"}}}],
    }
    assert validate(tiny(), normalised) == []
