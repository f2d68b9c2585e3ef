"""Which way the apps may depend on each other, read from the import statements themselves.

`core` is the base every app builds on, so it knows no domain app; `accounts` is below the demo, which
reaches the sign-in page through a hook instead of being imported by it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import sirkel

SIRKEL_DIR = Path(sirkel.__file__).resolve().parent


def imported_modules(source: str, *, package: str) -> Iterator[str]:
    """Every module the source imports, relative imports resolved, `TYPE_CHECKING` blocks included."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0]
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            yield module
            # `from sirkel import demo` imports sirkel.demo: the names may be modules too.
            yield from (f"{module}.{alias.name}" for alias in node.names)


def _package_of(path: Path) -> str:
    parts = list(path.relative_to(SIRKEL_DIR.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        return ".".join(parts)
    return ".".join(parts[:-1])


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(f"{package}.")


def imports_under(app_dir: Path, *, skip: set[Path]) -> dict[str, set[str]]:
    """The imports of every Python file under `app_dir`, by path, leaving out `skip` (files or folders)."""
    return {
        str(path.relative_to(SIRKEL_DIR)): set(
            imported_modules(path.read_text(encoding="utf-8"), package=_package_of(path))
        )
        for path in sorted(app_dir.rglob("*.py"))
        if path not in skip and not skip.intersection(path.parents)
    }


def test_the_import_reader_sees_absolute_relative_and_type_checking_imports() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "from . import models\n"
        "from ..demo import data\n"
        "from sirkel import taxonomy\n"
        "if TYPE_CHECKING:\n"
        "    import sirkel.cases.models\n"
        "def later() -> None:\n"
        "    from sirkel.audit.services import record_event\n"
    )
    modules = set(imported_modules(source, package="sirkel.accounts"))
    assert {
        "sirkel.accounts.models",
        "sirkel.demo.data",
        "sirkel.taxonomy",
        "sirkel.cases.models",
        "sirkel.audit.services",
    } <= modules


def test_accounts_does_not_import_the_demo() -> None:
    offenders = {
        path: sorted(m for m in modules if _within(m, "sirkel.demo"))
        for path, modules in imports_under(SIRKEL_DIR / "accounts", skip=set()).items()
    }
    assert {path: found for path, found in offenders.items() if found} == {}


def test_core_imports_no_domain_app() -> None:
    """Nothing of Sirkel's outside `sirkel.core`: core must work before and without any domain app.

    Core's own tests run in the assembled project and may build users, so they are not held to it; nor is
    the old shared test-fixture module, while it still lives in core.
    """
    core = SIRKEL_DIR / "core"
    skip = {core / "tests"}
    if (core / "testing.py").exists():
        skip.add(core / "testing.py")
    offenders = {
        path: sorted(m for m in modules if m.startswith("sirkel.") and not _within(m, "sirkel.core"))
        for path, modules in imports_under(core, skip=skip).items()
    }
    assert {path: found for path, found in offenders.items() if found} == {}
