"""An XLSForm (the spreadsheet form format of ODK, Kobo and SurveyCTO) read into Sirkel's own form YAML.

pyxform reads and checks the workbook (`.xlsx`, `.xls`, or its `.csv`/`.md` forms) into its JSON survey;
this module maps that survey onto the form engine (`forms.py`) and returns the YAML text, which
`forms.load_form` then checks as any form. The mapping:

- `text` → text, `integer` → integer, `select_one L` → single, `select_multiple L` → multiple (choices
  from the `choices` sheet, key = `name`); `date` with `appearance` `month-year` → month, with `year` →
  year (a date of the day is not a type of Sirkel's forms: refused); `username` (metadata) → coder;
- `begin_group` → a block, `begin_repeat` → a repeated block: `repeat_count` a whole number → repeated
  up to that many times; `count-selected(${q})` → once per option ticked in the multiple choice `q`
  (as the study's per-measure block); a repeat without a count is refused (say how many);
- questions outside any group at the top are gathered into sections of their own, in order;
- labels: a language column whose name holds `nb`/`nob`/Bokmål/Norsk gives the Bokmål label, one with
  `en`/English the English one; a plain `label` column is Bokmål;
- `relevant`, `required` (`yes`/`true`), `constraint` are kept: the form engine reads XLSForm's own
  expressions (`${q}`, `=`, `selected(${q}, 'x')`, `.`, `and`/`or`/`not`); anything it cannot read is
  refused with the question's name.

Anything else (notes, calculations, other types) is refused with its name, so that nothing a form asks
is silently dropped.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from sirkel.research.forms import Form, FormError, compile_expression, load_form

XLSFORM_SUFFIXES = (".xlsx", ".xls", ".csv", ".md")
_SIMPLE = {"text": "text", "integer": "integer", "select one": "single", "select all that apply": "multiple"}
_COUNT_SELECTED = re.compile(r"^\s*count-selected\(\s*\$\{([A-Za-z_]\w*)\}\s*\)\s*$")


def _language(name: str) -> str | None:
    """'nb', 'en' or None for a pyxform language name such as 'Norsk (nb)' or 'English (en)'."""
    lowered = name.lower()
    if name == "default" or re.search(r"\b(nb|nob|no)\b|bokm[aå]l|norsk", lowered):
        return "nb"
    if re.search(r"\b(en|eng)\b|english|engelsk", lowered):
        return "en"
    return None


def _labels(value: Any, *, where: str, fallback: str | None = None) -> dict[str, str]:
    """{"nb": ..., "en": ...} from a pyxform label (a text, or a mapping of language to text)."""
    if isinstance(value, str) and value.strip():
        return {"nb": value.strip()}
    found: dict[str, str] = {}
    if isinstance(value, dict):
        for language, text in value.items():
            code = _language(str(language))
            if code and isinstance(text, str) and text.strip() and code not in found:
                found[code] = text.strip()
        if "nb" not in found and value:  # a form in other languages only: its first label
            first = next((t for t in value.values() if isinstance(t, str) and t.strip()), None)
            if first:
                found["nb"] = first.strip()
    if "nb" not in found:
        if fallback is None:
            raise FormError(f"{where}: it has no label")
        found["nb"] = fallback
    return found


def _question(item: dict[str, Any], *, where: str) -> dict[str, Any]:
    kind = str(item.get("type", ""))
    name = str(item.get("name", ""))
    where = f"{where} {name!r}"
    appearance = str((item.get("control") or {}).get("appearance", "")).strip()
    if kind in _SIMPLE:
        out: dict[str, Any] = {"key": name, "type": _SIMPLE[kind]}
    elif kind == "date" and appearance in ("month-year", "year"):
        out = {"key": name, "type": "month" if appearance == "month-year" else "year"}
    elif kind == "date":
        raise FormError(
            f"{where}: a date of the day is not a question type here; use the appearance "
            "month-year (a month) or year"
        )
    elif kind == "username":
        out = {"key": name, "type": "coder"}
    else:
        raise FormError(f"{where}: the type {kind!r} is not one Sirkel's forms have")
    out.update(_labels(item.get("label"), where=where, fallback=name if kind == "username" else None))
    if out["type"] in ("single", "multiple"):
        choices = item.get("choices") or []
        if not choices:
            raise FormError(f"{where}: the choice list {item.get('list_name')!r} is empty")
        out["options"] = [
            {"key": str(c["name"]), **_labels(c.get("label"), where=f"{where} option {c.get('name')!r}")}
            for c in choices
        ]
    bind = item.get("bind") or {}
    for field in ("relevant", "constraint"):
        if str(bind.get(field, "")).strip():
            out[field] = str(bind[field]).strip()
            try:
                compile_expression(out[field])
            except FormError as exc:
                raise FormError(f"{where}, {field}: {exc}") from exc
    required = str(bind.get("required", "")).strip().lower()
    if required in ("yes", "true", "true()"):
        out["required"] = True
    return out


def _block(item: dict[str, Any], *, where: str) -> dict[str, Any]:
    name = str(item.get("name", ""))
    where = f"{where} {name!r}"
    children = list(item.get("children") or [])
    calculations = {
        str(c.get("name")): str((c.get("bind") or {}).get("calculate", ""))
        for c in children
        if c.get("type") == "calculate"
    }
    block: dict[str, Any] = {"key": name, "title": _labels(item.get("label"), where=where, fallback=name)}
    questions: list[dict[str, Any]] = []
    for child in children:
        if child.get("type") == "calculate":
            if not _is_repeat_count(str(child.get("name")), children):
                raise FormError(f"{where}: the calculation {child.get('name')!r} is not supported")
            continue
        questions.append(_item(child, where=where, counts=calculations))
    if not questions:
        raise FormError(f"{where}: the group has no questions")
    block["questions"] = questions
    return block


def _is_repeat_count(name: str, siblings: list[dict[str, Any]]) -> bool:
    """pyxform turns a repeat's `repeat_count` into a calculation `<repeat>_count` beside it."""
    return any(
        s.get("type") == "repeat" and (s.get("control") or {}).get("jr:count") == f"${{{name}}}"
        for s in siblings
    )


def _item(item: dict[str, Any], *, where: str, counts: dict[str, str]) -> dict[str, Any]:
    kind = item.get("type")
    if kind == "group":
        return _block(item, where=f"{where} group")
    if kind == "repeat":
        block = _block(item, where=f"{where} repeat")
        count = str((item.get("control") or {}).get("jr:count", "")).strip()
        reference = re.fullmatch(r"\$\{([A-Za-z_]\w*)\}", count)
        expression = counts.get(reference.group(1), "") if reference else count
        over = _COUNT_SELECTED.match(expression)
        if over:
            block["repeat"] = over.group(1)  # the engine repeats it once per option ticked there
        elif expression.strip().isdecimal() and int(expression) >= 1:
            block["repeat"] = block["key"]
            block["max_repeats"] = int(expression)
        else:
            raise FormError(
                f"{where} repeat {block['key']!r}: give its repeat_count as a whole number, or as "
                "count-selected(${question}) for once per option ticked"
            )
        return block
    return _question(item, where=f"{where} question")


def survey_to_spec(survey: dict[str, Any], *, key: str, version: int) -> dict[str, Any]:
    """The form engine's YAML structure (a mapping) for a pyxform JSON survey."""
    children = [
        c
        for c in survey.get("children") or []
        if not (c.get("name") == "meta" and (c.get("control") or {}).get("bodyless"))
    ]
    counts = {
        str(c.get("name")): str((c.get("bind") or {}).get("calculate", ""))
        for c in children
        if c.get("type") == "calculate"
    }
    title = _labels(survey.get("title"), where="the form's title", fallback=key)
    sections: list[dict[str, Any]] = []
    loose: list[dict[str, Any]] = []

    def flush() -> None:
        if loose:
            n = len(sections) + 1
            sections.append({"key": f"section_{n}", "title": dict(title), "questions": list(loose)})
            loose.clear()

    for child in children:
        if child.get("type") == "calculate":
            if not _is_repeat_count(str(child.get("name")), children):
                raise FormError(f"the calculation {child.get('name')!r} is not supported")
            continue
        converted = _item(child, where="the form's", counts=counts)
        if "questions" in converted:
            flush()
            sections.append(converted)
        else:
            loose.append(converted)
    flush()
    if not sections:
        raise FormError("the form has no questions")
    return {"key": key, "version": version, "title": title, "sections": sections}


def read_survey(path: Path) -> dict[str, Any]:
    """pyxform's JSON survey of an XLSForm file; FormError says what is wrong with the workbook."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2json import parse_file_to_json

    if path.suffix.lower() not in XLSFORM_SUFFIXES:
        raise FormError(f"{path.name}: an XLSForm is a {', '.join(XLSFORM_SUFFIXES)} file")
    try:
        survey: dict[str, Any] = parse_file_to_json(str(path))
    except (PyXFormError, ValueError, KeyError) as exc:
        raise FormError(f"{path.name} is not a usable XLSForm: {exc}") from exc
    return survey


def survey_key(survey: dict[str, Any], *, key: str | None = None) -> str:
    """The form's key: `key`, else the workbook's `form_id` (settings sheet), checked."""
    form_key = key or str(survey.get("id_string") or "")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,79}", form_key):
        raise FormError(
            f"the form's key {form_key!r} must be 2–80 lower-case letters, digits and hyphens "
            "(give --key, or form_id in the settings sheet)"
        )
    return form_key


def survey_to_yaml(survey: dict[str, Any], *, key: str, version: int, source: str) -> tuple[str, Form]:
    """The form's YAML text (noting the workbook `source` it came from) and the form it reads as."""
    spec = survey_to_spec(survey, key=key, version=version)
    text = f"# Read from the XLSForm {source}.\n" + yaml.safe_dump(
        spec, allow_unicode=True, sort_keys=False, width=110
    )
    return text, load_form(text)
