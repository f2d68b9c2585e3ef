"""The database's part of a backup: a consistent copy of the configured database while Sirkel runs, and
putting one back, for SQLite and PostgreSQL.

SQLite is copied with SQLite's online backup API from a read-only connection, in one step: a reader in WAL
mode sees one snapshot while the server goes on writing, and a read-only connection cannot write. It is
restored with the same API into the target file (under SQLite's write lock, so a reader sees the old
database or the new, never a mixture), or into a new file renamed into place.

PostgreSQL is copied with `pg_dump --format=custom` inside a read-only REPEATABLE READ transaction whose
snapshot pg_dump shares (`--snapshot`), so the row counts in the manifest are those of the dump. It is
restored with `pg_restore` piped into `psql --single-transaction` after dropping and recreating the
`public` schema in that same transaction: a failed restore changes nothing. The connection parameters come
from the settings and reach the client programs through the environment (`PGPASSWORD`), never the command
line, where other users of the machine could read them.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import connection, connections, transaction

Progress = Callable[[str], None]

# Tables that a freshly migrated database fills by itself: Django's bookkeeping and the rating instruments
# Sirkel ships (evaluation migration 0002). Rows elsewhere mean the database holds data; a test migrates a
# database and checks that it counts as empty, so a new data migration shows up there.
MIGRATION_TABLES = frozenset(
    {
        "django_migrations",
        "django_content_type",
        "auth_permission",
        "evaluation_instrument",
        "sqlite_sequence",
    }
)

PG_INSTALL_HINT = (
    "Install PostgreSQL's client programs (pg_dump, pg_restore, psql) of the server's major version or "
    "newer, e.g. `apt-get install postgresql-client`."
)


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator, and nothing was changed."""


def vendor() -> str:
    """The configured database's vendor: `sqlite` or `postgresql`."""
    return str(connection.vendor)


def sqlite_path() -> Path:
    """The configured SQLite database file."""
    return Path(str(connection.settings_dict["NAME"]))


def database_exists() -> bool:
    """Whether the configured database is there (SQLite's file; PostgreSQL's database on its server)."""
    if vendor() == "sqlite":
        return sqlite_path().is_file()
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [connection.settings_dict["NAME"]])
        return cursor.fetchone() is not None


def table_row_counts() -> dict[str, int]:
    """Rows in every table of the configured database, by table name (read only)."""
    with connection.cursor() as cursor:
        names = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")  # noqa: S608 - a table name
            counts[name] = int(cursor.fetchone()[0])
    return counts


def applied_migrations() -> list[str]:
    """The migrations applied to the configured database, as `app.name`, sorted (empty without the table)."""
    with connection.cursor() as cursor:
        if "django_migrations" not in connection.introspection.table_names(cursor):
            return []
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [f"{app}.{name}" for app, name in cursor.fetchall()]


def data_tables(counts: dict[str, int]) -> dict[str, int]:
    """The tables of `counts` that hold data: rows outside the tables a fresh `migrate` fills."""
    return {name: rows for name, rows in counts.items() if rows and name not in MIGRATION_TABLES}


# --- SQLite -----------------------------------------------------------------------------------------------


def _sqlite_readonly(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=20)


def _sqlite_counts(db: sqlite3.Connection) -> dict[str, int]:
    names = [
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {name: db.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in sorted(names)}  # noqa: S608


def _sqlite_migrations(db: sqlite3.Connection) -> list[str]:
    return [
        f"{app}.{name}"
        for app, name in db.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    ]


def dump_sqlite(dest: Path) -> tuple[dict[str, int], list[str]]:
    """Copy the configured SQLite database into `dest` (a single file, no WAL); its row counts and
    migrations, read from the copy."""
    source_path = sqlite_path()
    if not source_path.is_file():
        raise BackupError(f"There is no database at {source_path}.")
    source = _sqlite_readonly(source_path)
    try:
        copy = sqlite3.connect(dest)
        try:
            source.backup(copy)  # all pages in one step: one snapshot, never restarted by the server's writes
            copy.execute("PRAGMA journal_mode=DELETE")
            return _sqlite_counts(copy), _sqlite_migrations(copy)
        finally:
            copy.close()
    finally:
        source.close()


def restore_sqlite(staged: Path) -> None:
    """Put the SQLite database `staged` in place of the configured one."""
    connections.close_all()
    target = sqlite_path()
    source = _sqlite_readonly(staged)
    try:
        if target.is_file():
            dest = sqlite3.connect(target, timeout=20)
            try:
                source.backup(dest)
            finally:
                dest.close()
            return
        if target.with_name(target.name + "-wal").exists():
            raise BackupError(
                f"{target} is missing but its write-ahead log is there: remove {target}-wal first."
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.restoring")
        dest = sqlite3.connect(partial)
        try:
            source.backup(dest)
        finally:
            dest.close()
        os.replace(partial, target)
    finally:
        source.close()


# --- PostgreSQL -------------------------------------------------------------------------------------------


def _client(program: str) -> str:
    found = shutil.which(program)
    if found is None:
        raise BackupError(f"{program} was not found on PATH. {PG_INSTALL_HINT}")
    return found


def _pg_env() -> dict[str, str]:
    """The environment that points libpq's programs at the configured database, password included."""
    settings = connection.settings_dict
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings.get(key):
            env[var] = str(settings[key])
    env["PGDATABASE"] = str(settings["NAME"])
    options: dict[str, Any] = settings.get("OPTIONS") or {}
    for key, var in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"), ("sslcert", "PGSSLCERT")):
        if options.get(key):
            env[var] = str(options[key])
    if options.get("sslkey"):
        env["PGSSLKEY"] = str(options["sslkey"])
    return env


@contextmanager
def _pg_snapshot() -> Iterator[str]:
    """A read-only REPEATABLE READ transaction kept open while the caller uses its exported snapshot."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        yield str(cursor.fetchone()[0])


def dump_postgres(dest: Path) -> tuple[dict[str, int], list[str]]:
    """`pg_dump --format=custom` of the configured database into `dest`; its row counts and migrations, read
    in the dump's own snapshot."""
    pg_dump = _client("pg_dump")
    with _pg_snapshot() as snapshot:
        counts, migrations = table_row_counts(), applied_migrations()
        result = subprocess.run(  # noqa: S603 - our own arguments, no shell
            [pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot}", f"--file={dest}"],
            env=_pg_env(),
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return counts, migrations


def create_postgres_database() -> None:
    """Create the configured PostgreSQL database (which does not exist yet)."""
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(str(connection.settings_dict['NAME']))}")


def restore_postgres(staged: Path) -> None:
    """Replace everything in the configured database's `public` schema by the dump `staged`, in one
    transaction. The dump becomes SQL first (beside it), so that psql never commits a script cut short."""
    pg_restore, psql = _client("pg_restore"), _client("psql")
    connections.close_all()
    env = _pg_env()
    script = staged.with_suffix(".sql")
    converted = subprocess.run(  # noqa: S603 - our own arguments, no shell
        [pg_restore, "--no-owner", "--no-privileges", f"--file={script}", str(staged)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if converted.returncode != 0:
        raise BackupError(f"pg_restore failed (nothing was changed): {converted.stderr.strip()}")
    loaded = subprocess.run(  # noqa: S603 - our own arguments, no shell
        [
            psql,
            "--no-psqlrc",
            "--quiet",
            "--no-password",
            "--set=ON_ERROR_STOP=1",
            "--single-transaction",
            "--command=DROP SCHEMA IF EXISTS public CASCADE",
            "--command=CREATE SCHEMA public",
            f"--file={script}",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    script.unlink()
    if loaded.returncode != 0:
        raise BackupError(f"psql failed (nothing was changed): {loaded.stderr.strip()}")
