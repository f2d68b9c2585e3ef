"""`sirkel backup` and `sirkel restore` as an operator runs them: real commands in subprocesses, each with its
own DATABASE_URL and SIRKEL_VAR_DIR, on the vendor the suite runs on (SQLite files under tmp_path, or
PostgreSQL databases named sirkel_backup_test_<random>_<what>, dropped afterwards).

The demo data goes through a backup and a restore into a new database with every table the same (each row,
ordered by primary key, all columns), the audit chain verified and the stored documents byte for byte the
same; the backup changes nothing in the database it copies; a database that holds data is refused without
--force and replaced with it; a damaged file, a file of the other vendor and a missing pg_dump are refused
with a clear message and touch nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings

import sirkel

SRC_DIR = Path(sirkel.__file__).resolve().parent.parent
VENDOR = "sqlite" if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") else "postgresql"

PG_TABLES = (
    "SELECT table_name FROM information_schema.tables"
    " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
)
PG_PRIMARY_KEY = (
    "SELECT a.attname FROM pg_index i"
    " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
    " WHERE i.indrelid = %s::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)"
)


def _digest(rows: list[tuple[object, ...]]) -> tuple[int, str]:
    return len(rows), hashlib.sha256(json.dumps(rows, default=str).encode()).hexdigest()


def _pg_admin() -> psycopg.Connection[tuple[object, ...]]:
    db = settings.DATABASES["default"]
    return psycopg.connect(
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )


def _pg_url(name: str) -> str:
    db = settings.DATABASES["default"]
    auth = quote(str(db.get("USER") or ""))
    if db.get("PASSWORD"):
        auth += ":" + quote(str(db["PASSWORD"]))
    return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"


@dataclass
class Site:
    """One Sirkel installation: a database (not necessarily existing yet) and a var folder."""

    name: str
    url: str
    var_dir: Path

    def env(self, **extra: str) -> dict[str, str]:
        path = os.pathsep.join(p for p in (str(SRC_DIR), os.environ.get("PYTHONPATH", "")) if p)
        return {
            **os.environ,
            "DATABASE_URL": self.url,
            "SIRKEL_VAR_DIR": str(self.var_dir),
            "DJANGO_SETTINGS_MODULE": "sirkel.settings",
            "PYTHONPATH": path,
            **extra,
        }

    def sirkel(self, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own command
            [sys.executable, "-m", "sirkel.cli", *args], env=self.env(**extra), capture_output=True, text=True
        )

    def sql(self, *statements: str) -> None:
        """Run statements on the site's database, committed."""
        if VENDOR == "sqlite":
            with closing(sqlite3.connect(self.sqlite_file)) as db, db:
                for statement in statements:
                    db.execute(statement)
            return
        with psycopg.connect(self.url, autocommit=True) as pg:
            for statement in statements:
                pg.execute(statement.encode())

    def tables(self) -> dict[str, tuple[int, str]]:
        """Every table's rows ordered by primary key (by all columns where it has none): count and digest."""
        if VENDOR == "sqlite":
            return self._sqlite_tables()
        out: dict[str, tuple[int, str]] = {}
        with psycopg.connect(self.url) as pg:
            for (table,) in sorted(pg.execute(PG_TABLES).fetchall()):
                key = [f'"{c}"' for (c,) in pg.execute(PG_PRIMARY_KEY, [f'"{table}"']).fetchall()]
                if not key:  # every column, by position
                    empty = pg.execute(f'SELECT * FROM "{table}" LIMIT 0'.encode())  # noqa: S608
                    width = len(empty.description or [])
                    key = [str(n) for n in range(1, width + 1)]
                query = f'SELECT * FROM "{table}" ORDER BY {", ".join(key)}'  # noqa: S608
                out[str(table)] = _digest(pg.execute(query.encode()).fetchall())
        return out

    def _sqlite_tables(self) -> dict[str, tuple[int, str]]:
        out: dict[str, tuple[int, str]] = {}
        with closing(sqlite3.connect(self.sqlite_file)) as db:
            names = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            for table in sorted(n for n in names if not n.startswith("sqlite_")):
                columns = db.execute(f'PRAGMA table_info("{table}")').fetchall()
                key = [c[1] for c in sorted(columns, key=lambda c: c[5]) if c[5]] or [c[1] for c in columns]
                order = ", ".join(f'"{c}"' for c in key)
                query = f'SELECT * FROM "{table}" ORDER BY {order}'  # noqa: S608
                out[table] = _digest(db.execute(query).fetchall())
        return out

    def documents(self) -> dict[str, str]:
        """Every file under the var folder except the database, by relative path, with its SHA-256."""
        return {
            path.relative_to(self.var_dir).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(self.var_dir.rglob("*"))
            if path.is_file() and ".sqlite3" not in path.name
        }

    @property
    def sqlite_file(self) -> Path:
        return Path(self.url.removeprefix("sqlite:///"))

    def exists(self) -> bool:
        if VENDOR == "sqlite":
            return self.sqlite_file.exists()
        with _pg_admin() as admin:
            return (
                admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.name]).fetchone()
                is not None
            )


class Sites:
    """Makes sites under one folder and removes their PostgreSQL databases at the end."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.made: list[Site] = []

    def new(self, what: str) -> Site:
        name = f"sirkel_backup_test_{secrets.token_hex(4)}_{what}"
        url = f"sqlite:///{self.root / what / 'sirkel.sqlite3'}" if VENDOR == "sqlite" else _pg_url(name)
        (self.root / what).mkdir(parents=True)
        site = Site(name=name, url=url, var_dir=self.root / what)
        self.made.append(site)
        return site

    def drop_all(self) -> None:
        if VENDOR != "postgresql":
            return
        with _pg_admin() as admin:
            for site in self.made:
                admin.execute(f'DROP DATABASE IF EXISTS "{site.name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sites]:
    made = Sites(tmp_path_factory.mktemp("backup"))
    yield made
    made.drop_all()


@dataclass
class Backup:
    source: Site
    file: Path
    tables_before: dict[str, tuple[int, str]]
    tables_after: dict[str, tuple[int, str]]
    file_bytes_before: str
    file_bytes_after: str
    stdout: str


def _sqlite_file_digest(site: Site) -> str:
    if VENDOR != "sqlite":
        return ""
    return hashlib.sha256(Path(site.url.removeprefix("sqlite:///")).read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def backup(sites: Sites) -> Backup:
    """The demo data with two stored research exports and a project key, and its backup."""
    source = sites.new("source")
    if VENDOR == "postgresql":
        with _pg_admin() as admin:
            admin.execute(f'CREATE DATABASE "{source.name}"')
    loaded = source.sirkel("demo", "--no-serve")
    assert loaded.returncode == 0, loaded.stderr
    exports = source.var_dir / "research-exports"
    (exports / "1").mkdir(parents=True)
    (exports / "1" / "export.zip").write_bytes(secrets.token_bytes(5000))
    (exports / "2" / "files").mkdir(parents=True)
    (exports / "2" / "files" / "registrations.csv").write_text("registration,pseudonym\n1,P-BCDF\n")
    (source.var_dir / "research-keys").mkdir()
    (source.var_dir / "research-keys" / "studie-2023.key").write_text(secrets.token_hex(32))
    tables_before, file_before = source.tables(), _sqlite_file_digest(source)
    file = sites.root / "sirkel-backup.tar.gz"
    made = source.sirkel("backup", "--output", str(file))
    assert made.returncode == 0, made.stderr
    return Backup(
        source, file, tables_before, source.tables(), file_before, _sqlite_file_digest(source), made.stdout
    )


def _documents(site: Site) -> dict[str, str]:
    return {path: digest for path, digest in site.documents().items() if path.startswith("research-exports/")}


def test_backup_changes_nothing_in_the_database_it_copies(backup: Backup) -> None:
    assert backup.tables_after == backup.tables_before
    assert backup.file_bytes_after == backup.file_bytes_before  # SQLite: the file byte for byte
    assert backup.tables_before["cases_case"][0] > 0  # the demo's cases are there to be copied


def test_the_backup_holds_the_database_documents_and_a_manifest_but_not_the_keys(backup: Backup) -> None:
    lines = backup.stdout.splitlines()
    assert lines[0] == str(backup.file)
    assert "2 stored documents" in lines[1]
    assert oct(backup.file.stat().st_mode & 0o777) == "0o600"
    with tarfile.open(backup.file) as tar:
        names = tar.getnames()
        raw = tar.extractfile("manifest.json")
        assert raw is not None
        manifest = json.loads(raw.read())
    database = "database.sqlite3" if VENDOR == "sqlite" else "database.pgdump"
    assert names[0] == database
    assert names[-1] == "manifest.json"
    assert "documents/research-exports/1/export.zip" in names
    assert not [name for name in names if "research-keys" in name or name.endswith(".key")]
    assert manifest["format"] == "sirkel-backup"
    assert manifest["vendor"] == VENDOR
    assert set(manifest["members"]) == set(names) - {"manifest.json"}
    assert {t: c for t, (c, _) in backup.tables_before.items()} == manifest["tables"]
    assert "audit.0001_initial" in manifest["migrations"]


def test_round_trip_into_a_new_database_is_exact(sites: Sites, backup: Backup) -> None:
    target = sites.new("fresh")
    assert not target.exists()
    restored = target.sirkel("restore", str(backup.file))
    assert restored.returncode == 0, restored.stderr
    assert "(created)" in restored.stdout
    audit_events = backup.tables_before["audit_auditevent"][0]
    assert f"Audit chains intact: {audit_events} events verified in " in restored.stdout
    assert target.tables() == backup.tables_before
    assert _documents(target) == _documents(backup.source)
    assert len(_documents(target)) == 2
    assert not (target.var_dir / "research-keys").exists()
    verified = target.sirkel("audit", "verify")
    assert verified.returncode == 0, verified.stderr


def test_a_migrated_empty_database_takes_a_restore_then_holds_data_which_only_force_replaces(
    sites: Sites, backup: Backup
) -> None:
    target = sites.new("migrated")
    if VENDOR == "postgresql":
        with _pg_admin() as admin:
            admin.execute(f'CREATE DATABASE "{target.name}"')
    migrated = target.sirkel("migrate", "--no-input")
    assert migrated.returncode == 0, migrated.stderr
    # A freshly migrated database counts as empty (Django's bookkeeping and the shipped instruments).
    restored = target.sirkel("restore", str(backup.file))
    assert restored.returncode == 0, restored.stderr
    assert "(created)" not in restored.stdout
    assert target.tables() == backup.tables_before

    # Now it holds data, some of it not in the backup: a changed row, a table and a document of its own.
    target.sql(
        "UPDATE accounts_user SET first_name = 'Endret' WHERE username = 'leder'",
        "CREATE TABLE not_in_the_backup (id integer PRIMARY KEY)",
        "INSERT INTO not_in_the_backup (id) VALUES (1)",
    )
    stray = target.var_dir / "research-exports" / "99" / "export.zip"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"not in the backup")
    before, documents_before = target.tables(), target.documents()
    assert "not_in_the_backup" in before
    assert before["accounts_user"] != backup.tables_before["accounts_user"]

    refused = target.sirkel("restore", str(backup.file))
    assert refused.returncode != 0
    assert "holds data" in refused.stderr
    assert "--force" in refused.stderr
    assert "Nothing was changed" in refused.stderr
    assert target.tables() == before
    assert target.documents() == documents_before

    forced = target.sirkel("restore", "--force", str(backup.file))
    assert forced.returncode == 0, forced.stderr
    assert "Audit chains intact" in forced.stdout
    assert target.tables() == backup.tables_before  # the table of its own is gone too
    assert _documents(target) == _documents(backup.source)
    assert not stray.exists()


def _rewritten(backup: Backup, out: Path, *, member: str, data: bytes) -> Path:
    """The backup with one member's content replaced (the manifest left as it was)."""
    with tarfile.open(backup.file) as source, tarfile.open(out, "w:gz") as target:
        for info in source.getmembers():
            content = source.extractfile(info)
            assert content is not None
            body = data if info.name == member else content.read()
            info.size = len(body)
            target.addfile(info, io.BytesIO(body))
    return out


@pytest.mark.parametrize("damage", ["flipped byte", "cut short", "member changed", "not a backup"])
def test_a_damaged_file_is_refused_and_nothing_is_touched(
    sites: Sites, backup: Backup, tmp_path: Path, damage: str
) -> None:
    damaged = tmp_path / "damaged.tar.gz"
    data = backup.file.read_bytes()
    if damage == "flipped byte":
        middle = len(data) // 2
        damaged.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :])
    elif damage == "cut short":
        damaged.write_bytes(data[: len(data) * 2 // 3])
    elif damage == "member changed":
        _rewritten(backup, damaged, member="documents/research-exports/1/export.zip", data=b"changed")
    else:
        damaged.write_text("hello")
    target = sites.new(f"damaged_{damage.replace(' ', '_')}")
    refused = target.sirkel("restore", "--force", str(damaged))
    assert refused.returncode != 0
    assert "is not a complete Sirkel backup" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not target.exists()
    assert target.documents() == {}


def test_a_backup_of_the_other_vendor_is_refused(sites: Sites, backup: Backup, tmp_path: Path) -> None:
    other = "postgres://postgres@127.0.0.1:5432/sirkel_never_made" if VENDOR == "sqlite" else None
    target = Site(name="other", url=other or f"sqlite:///{tmp_path / 'other.sqlite3'}", var_dir=tmp_path)
    refused = target.sirkel("restore", str(backup.file))
    assert refused.returncode != 0
    assert f"This is a backup of a {VENDOR} database" in refused.stderr
    assert not (tmp_path / "other.sqlite3").exists()


def test_a_missing_pg_dump_is_named_with_how_to_install_it(tmp_path: Path) -> None:
    # The PATH holds no PostgreSQL programs; the command stops before it connects, so no server is needed.
    empty = tmp_path / "bin"
    empty.mkdir()
    site = Site(name="nopg", url="postgres://postgres@127.0.0.1:5432/sirkel_never_made", var_dir=tmp_path)
    failed = site.sirkel("backup", "--output", str(tmp_path / "b.tar.gz"), PATH=str(empty))
    assert failed.returncode != 0
    assert "pg_dump was not found on PATH" in failed.stderr
    assert "apt-get install postgresql-client" in failed.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin"]  # no half file, no staging folder


def test_a_backup_into_a_missing_folder_fails_plainly(backup: Backup, tmp_path: Path) -> None:
    failed = backup.source.sirkel("backup", "--output", str(tmp_path / "nowhere" / "b.tar.gz"))
    assert failed.returncode != 0
    assert "does not exist" in failed.stderr
    assert "Traceback" not in failed.stderr


def test_a_backup_of_a_newer_sirkel_is_refused(sites: Sites, backup: Backup, tmp_path: Path) -> None:
    with tarfile.open(backup.file) as tar:
        raw = tar.extractfile("manifest.json")
        assert raw is not None
        manifest = json.loads(raw.read())
    manifest["migrations"].append("cases.9999_from_the_future")
    newer = _rewritten(
        backup, tmp_path / "newer.tar.gz", member="manifest.json", data=json.dumps(manifest).encode()
    )
    target = sites.new("newer")
    refused = target.sirkel("restore", str(newer))
    assert refused.returncode != 0
    assert "made by a newer Sirkel" in refused.stderr
    assert "cases.9999_from_the_future" in refused.stderr
    assert not target.exists()
