"""Which way the apps may depend on each other, read from the import statements themselves.

`core` is the base every app builds on, so it knows no domain app; `accounts` is below the demo, which
reaches the sign-in page through a hook instead of being imported by it. No product app imports the demo
or the test fixtures; the case app knows no measure process (the processes register their case-page
panels); `meetings` and `actions` do not import each other in a circle (actions point at meetings).
The rules are written down in docs/architecture.md.
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
    offenders = {
        path: sorted(m for m in modules if m.startswith("sirkel.") and not _within(m, "sirkel.core"))
        for path, modules in imports_under(core, skip=skip).items()
    }
    assert {path: found for path, found in offenders.items() if found} == {}


def _product_imports(app: str) -> dict[str, set[str]]:
    """The imports of an app's product code: its tests and migrations left out."""
    app_dir = SIRKEL_DIR / app
    return imports_under(app_dir, skip={app_dir / "tests", app_dir / "migrations"})


def _offenders(app: str, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    found = {
        path: sorted(m for m in modules if any(_within(m, f) for f in forbidden))
        for path, modules in _product_imports(app).items()
    }
    return {path: names for path, names in found.items() if names}


PRODUCT_APPS = ("accounts", "audit", "taxonomy", "cases", "network", "meetings", "actions", "api", "core")


def test_no_product_app_imports_the_demo_or_the_test_fixtures() -> None:
    for app in PRODUCT_APPS:
        assert _offenders(app, ("sirkel.demo", "sirkel.testing")) == {}, app


def test_the_case_app_imports_no_measure_process() -> None:
    assert _offenders("cases", ("sirkel.meetings", "sirkel.actions")) == {}


def test_audit_and_taxonomy_know_no_domain_app() -> None:
    domain = ("sirkel.cases", "sirkel.network", "sirkel.meetings", "sirkel.actions", "sirkel.demo")
    assert _offenders("audit", domain) == {}
    assert _offenders("taxonomy", domain) == {}


def test_meetings_does_not_import_actions() -> None:
    """Actions point at meetings; the series and meeting pages get the actions' part through
    `meetings.panels`, which `actions` fills: no circle."""
    from_meetings = _offenders("meetings", ("sirkel.actions",))
    from_actions = _offenders("actions", ("sirkel.meetings",))
    assert from_meetings == {}
    assert from_actions  # actions do point at meetings


def test_network_imports_no_measure_process() -> None:
    """The member's delete page learns what a person carries through `network.removal`, which the
    process apps fill."""
    assert _offenders("network", ("sirkel.meetings", "sirkel.actions")) == {}


def test_the_api_machinery_knows_no_domain_app_except_for_routing() -> None:
    """`api` holds what every endpoint shares (tokens, errors, pagination, schema); the endpoints live
    beside each app's views and import it. Only its URL configuration names the apps."""
    domain = ("sirkel.cases", "sirkel.network", "sirkel.meetings", "sirkel.actions")
    offenders = {path: names for path, names in _offenders("api", domain).items() if path != "api/urls.py"}
    assert offenders == {}


def test_views_record_no_audit_events_themselves() -> None:
    """Views and API endpoints alike: reads are audited in the selectors that read (and writes in the
    services that write), once per action: a view that called `record_event` would audit beside them."""
    offenders = []
    endpoints = sorted(SIRKEL_DIR.rglob("api.py"))
    for views in sorted(SIRKEL_DIR.rglob("views*.py")) + sorted(SIRKEL_DIR.rglob("views/*.py")) + endpoints:
        if "tests" in views.parts:
            continue
        if "record_event" in {
            name.split(".")[-1] for name in imported_modules(views.read_text(), package="x")
        }:
            offenders.append(str(views.relative_to(SIRKEL_DIR)))
    assert offenders == []


def test_statistics_reads_and_nothing_depends_on_it() -> None:
    """`stats` reads through models and selectors; it imports no app's write services (the audit's
    `record_event` aside), and no other app imports `stats` (only the root URLconf mounts it)."""
    stats_dir = SIRKEL_DIR / "stats"
    writes = {
        (path, module)
        for path, modules in imports_under(stats_dir, skip={stats_dir / "tests"}).items()
        for module in modules
        if "services" in module.split(".")[2:3] and not _within(module, "sirkel.audit.services")
    }
    assert writes == set()
    users = {
        path
        for path, modules in imports_under(SIRKEL_DIR, skip={stats_dir}).items()
        if any(_within(m, "sirkel.stats") for m in modules)
    }
    assert users == set()
