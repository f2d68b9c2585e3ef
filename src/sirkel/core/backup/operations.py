"""`create_backup` and `restore_backup`, what `sirkel backup` and `sirkel restore` run.

A backup writes nothing to the database it copies: not even an audit event (the audit chain is the record
of what users did with the data, and a backup that changed the database would not be a copy of it). The
commands report to the operator instead, on standard error and standard output, for cron's mail or the
service's log. Restoring writes the restored database and documents, nothing else.
"""

from __future__ import annotations

import importlib.metadata
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.migrations.loader import MigrationLoader

from sirkel.core.backup import archive, database
from sirkel.core.backup.database import BackupError, Progress


@dataclass(frozen=True)
class BackupSummary:
    """What a backup holds."""

    path: Path
    vendor: str
    tables: int
    rows: int
    documents: int
    size: int


@dataclass(frozen=True)
class RestoreSummary:
    """What a restore put back, and the migrations this Sirkel has beyond the backup's."""

    vendor: str
    tables: int
    rows: int
    documents: int
    created: bool
    pending_migrations: list[str]


def _sirkel_version() -> str:
    try:
        return importlib.metadata.version("sirkel")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _var_dir() -> Path:
    return Path(settings.VAR_DIR)


def _known_migrations() -> set[str]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.disk_migrations}


def create_backup(*, output: Path, progress: Progress) -> BackupSummary:
    """Write a backup of the configured database and the stored documents to `output`."""
    vendor = database.vendor()
    if vendor not in archive.DATABASE_MEMBERS:
        raise BackupError(f"Sirkel cannot back up a {vendor} database.")
    output = output.resolve()
    if output.is_dir():
        raise BackupError(f"{output} is a folder; give the backup file's name.")
    if not output.parent.is_dir():
        raise BackupError(f"The folder {output.parent} does not exist.")
    created_at = datetime.now(UTC)
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".sirkel-backup-") as staging:
        dump = Path(staging) / archive.DATABASE_MEMBERS[vendor]
        progress(f"Copying the {vendor} database …")
        if vendor == "sqlite":
            counts, migrations = database.dump_sqlite(dump)
        else:
            counts, migrations = database.dump_postgres(dump)
        writer = archive.Writer(output)
        try:
            writer.add(dump, dump.name)
            dump.unlink()
            documents = 0
            for path, name in archive.document_files(_var_dir()):
                writer.add(path, name)
                documents += 1
            progress(f"Copied {documents} stored documents.")
            writer.finish(
                {
                    "format": archive.FORMAT,
                    "format_version": archive.FORMAT_VERSION,
                    "sirkel_version": _sirkel_version(),
                    "vendor": vendor,
                    "created_at": created_at.isoformat(timespec="seconds"),
                    "created_epoch": int(created_at.timestamp()),
                    "tables": counts,
                    "migrations": migrations,
                    "document_dirs": list(archive.DOCUMENT_DIRS),
                    "documents": documents,
                    "not_included": "research-keys/ (the projects' pseudonymisation keys)",
                }
            )
        except BaseException:
            writer.abandon()
            raise
    return BackupSummary(
        path=output,
        vendor=vendor,
        tables=len(counts),
        rows=sum(counts.values()),
        documents=documents,
        size=output.stat().st_size,
    )


def _stored_documents() -> int:
    return sum(1 for _ in archive.document_files(_var_dir()))


def restore_backup(*, path: Path, force: bool, progress: Progress) -> RestoreSummary:
    """Restore the backup at `path` into the configured database and SIRKEL_VAR_DIR.

    Refuses (BackupError, nothing changed) a damaged file, a file of another database vendor or of a newer
    Sirkel (migrations this one does not know), and a target that holds data unless `force`."""
    vendor = database.vendor()
    var_dir = _var_dir()
    var_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=var_dir, prefix=".sirkel-restore-") as staging_name:
        staging = Path(staging_name)
        progress(f"Checking {path} …")
        manifest = archive.read_verified(path, staging)
        _check_fits(manifest, vendor=vendor)
        exists = database.database_exists()
        if exists and not force:
            _refuse_if_holding_data()
        progress(f"Restoring the {vendor} database …")
        staged = staging / archive.DATABASE_MEMBERS[vendor]
        if vendor == "sqlite":
            database.restore_sqlite(staged)
        else:
            if not exists:
                database.create_postgres_database()
            database.restore_postgres(staged)
        documents = _restore_documents(staging, manifest)
        progress(f"Restored {documents} stored documents.")
    counts = database.table_row_counts()
    expected: dict[str, int] = manifest["tables"]
    if counts != expected:
        different = sorted(
            name for name in set(counts) | set(expected) if counts.get(name) != expected.get(name)
        )
        raise BackupError(
            f"The restored database differs from the backup's row counts in {', '.join(different)}."
        )
    pending = sorted(_known_migrations() - set(manifest["migrations"]))
    return RestoreSummary(
        vendor=vendor,
        tables=len(counts),
        rows=sum(counts.values()),
        documents=documents,
        created=not exists,
        pending_migrations=pending,
    )


def _check_fits(manifest: dict[str, Any], *, vendor: str) -> None:
    if manifest.get("vendor") != vendor:
        raise BackupError(
            f"This is a backup of a {manifest.get('vendor')} database and the configured database is "
            f"{vendor}: restore it into a {manifest.get('vendor')} database (DATABASE_URL)."
        )
    unknown = sorted(set(manifest.get("migrations") or []) - _known_migrations())
    if unknown:
        raise BackupError(
            f"This backup was made by a newer Sirkel ({manifest.get('sirkel_version')}): its database has "
            f"migrations this one does not know ({', '.join(unknown[:3])}). Install that version first."
        )


def _refuse_if_holding_data() -> None:
    held = database.data_tables(database.table_row_counts())
    documents = _stored_documents()
    if not held and not documents:
        return
    what = (
        f"{sum(held.values())} rows in {len(held)} tables, such as {sorted(held)[0]}"
        if held
        else f"{documents} stored documents"
    )
    raise BackupError(
        f"The target holds data ({what}): restoring would replace it. Nothing was changed. "
        "Run again with --force to replace everything with the backup."
    )


def _restore_documents(staging: Path, manifest: dict[str, Any]) -> int:
    """Replace each document folder by the backup's (renamed into place; the old one removed after)."""
    var_dir = _var_dir()
    restored = 0
    for folder in manifest.get("document_dirs") or []:
        if folder not in archive.DOCUMENT_DIRS:
            continue
        incoming = staging / archive.DOCUMENTS / folder
        if not incoming.is_dir():
            incoming.mkdir(parents=True)
        restored += sum(1 for path in incoming.rglob("*") if path.is_file())
        target = var_dir / folder
        old = staging / f"old-{folder}"
        if target.exists():
            target.rename(old)
        incoming.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    return restored
