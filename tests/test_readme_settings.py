"""Every environment variable Sirkel reads (settings.py and `sirkel serve`) is in the README's settings table,
and the table names none that nothing reads."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import sirkel

SOURCE = Path(sirkel.__file__).parent
README = SOURCE.parent.parent / "README.md"
READERS = [SOURCE / "settings.py", SOURCE / "core/serving.py", SOURCE / "core/management/commands/serve.py"]
NAME = re.compile(r"(SIRKEL_[A-Z0-9_]+|DATABASE_URL)")


def read_variables() -> set[str]:
    """The names of the environment variables the sources read: each is a string constant of its own."""
    names: set[str] = set()
    for path in READERS:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and NAME.fullmatch(node.value):
                names.add(node.value)
    return names


def table_variables() -> set[str]:
    """The variables in the first column of the table under *Configuration*."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    names: set[str] = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            names.update(NAME.findall(line.split("|")[1]))
    return names


def test_the_readme_table_lists_every_variable_read() -> None:
    read = read_variables()
    assert {"SIRKEL_DB_CONN_MAX_AGE", "SIRKEL_WORKERS", "DATABASE_URL"} <= read  # the parser finds them
    assert sorted(read - table_variables()) == []


def test_the_readme_table_lists_nothing_that_is_not_read() -> None:
    assert sorted(table_variables() - read_variables()) == []
