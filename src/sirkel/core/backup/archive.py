"""The backup file: a gzipped tar of the database's copy, the stored documents and a manifest.

Members: `database.sqlite3` or `database.pgdump`, `documents/<folder>/…` (each folder of `DOCUMENT_DIRS`
under `SIRKEL_VAR_DIR`), and `manifest.json` last: the format and its version, Sirkel's version, the
database vendor, when it was made, every table's row count, the applied migrations, and each other
member's size and SHA-256. A file is written under a temporary name beside the output (mode 0600: it holds
personal data) and renamed when complete, so a failed backup leaves no half file. Reading checks every
member against the manifest before anything is used.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from sirkel.core.backup.database import BackupError

FORMAT = "sirkel-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DOCUMENTS = "documents"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# What Sirkel stores outside the database, under SIRKEL_VAR_DIR: the research exports' zips (the rows of
# research.ExportJob point at them). Not `research-keys/`: the projects' pseudonymisation keys are secrets
# that must not travel with the data they pseudonymise; operators back them up apart (README, Backups).
DOCUMENT_DIRS = ("research-exports",)
CHUNK = 1024 * 1024


class _HashingReader:
    """A file read through, its SHA-256 taken on the way."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.sha256.update(data)
        return data


def document_files(var_dir: Path) -> Iterator[tuple[Path, str]]:
    """Every stored document under `var_dir`, with its member name in a backup, in a stable order."""
    for folder in DOCUMENT_DIRS:
        root = var_dir / folder
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.is_symlink():
                yield path, f"{DOCUMENTS}/{folder}/{path.relative_to(root).as_posix()}"


@dataclass
class Writer:
    """A backup file being written: members in, then `finish(manifest)` renames it into place."""

    output: Path
    members: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.partial = self.output.with_name(f".{self.output.name}.{secrets.token_hex(4)}.partial")
        descriptor = os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._file = os.fdopen(descriptor, "wb")
        self._tar = tarfile.open(fileobj=self._file, mode="w:gz", compresslevel=6)  # noqa: SIM115 - closed below

    def add(self, path: Path, name: str) -> None:
        """Add the file at `path` as member `name`, its checksum noted for the manifest."""
        info = tarfile.TarInfo(name)
        stat = path.stat()
        info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o600
        with path.open("rb") as raw:
            reader = _HashingReader(raw)
            self._tar.addfile(info, reader)  # reads exactly info.size bytes
        self.members[name] = {"size": info.size, "sha256": reader.sha256.hexdigest()}

    def finish(self, manifest: dict[str, Any]) -> None:
        """Write the manifest (with the members' checksums) last and move the file into place."""
        data = json.dumps({**manifest, "members": self.members}, indent=2, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mode, info.mtime = len(data), 0o600, int(manifest.get("created_epoch", 0))
        self._tar.addfile(info, _BytesReader(data))
        self._tar.close()
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        os.replace(self.partial, self.output)

    def abandon(self) -> None:
        """Remove the partial file after a failure."""
        self._tar.close()
        self._file.close()
        self.partial.unlink(missing_ok=True)


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.at + size
        chunk, self.at = self.data[self.at : end], min(end, len(self.data))
        return chunk


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name


def read_verified(path: Path, staging: Path) -> dict[str, Any]:
    """Check the backup file at `path` against its manifest and unpack it into `staging`; the manifest.

    Raises BackupError for anything but a complete, undamaged Sirkel backup: a file that is no gzipped
    tar, a missing or foreign manifest, a member missing, added, of another size or checksum."""
    damaged = f"{path} is not a complete Sirkel backup (damaged or another kind of file)"
    try:
        with tarfile.open(path, mode="r:gz") as tar:
            try:
                manifest_member = tar.getmember(MANIFEST)
            except KeyError:
                raise BackupError(f"{damaged}: it has no manifest.") from None
            raw = tar.extractfile(manifest_member)
            manifest = json.loads(raw.read()) if raw else None
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise BackupError(f"{damaged}: its manifest is not a Sirkel backup's.")
            if manifest.get("format_version") != FORMAT_VERSION:
                raise BackupError(
                    f"{path} is a Sirkel backup of format {manifest.get('format_version')}; "
                    f"this Sirkel reads format {FORMAT_VERSION}."
                )
            expected: dict[str, dict[str, Any]] = manifest.get("members") or {}
            fields = (expected, manifest.get("tables"), manifest.get("migrations"), manifest.get("vendor"))
            if not all(isinstance(f, kind) for f, kind in zip(fields, (dict, dict, list, str), strict=True)):
                raise BackupError(f"{damaged}: its manifest lacks the members, tables, migrations or vendor.")
            seen: set[str] = set()
            for member in tar:
                if member.name == MANIFEST:
                    continue
                if not member.isfile() or not _safe_name(member.name) or member.name not in expected:
                    raise BackupError(
                        f"{damaged}: it holds {member.name!r}, which its manifest does not list."
                    )
                _unpack(tar, member, staging, expected[member.name], damaged)
                seen.add(member.name)
            missing = sorted(set(expected) - seen)
            if missing:
                raise BackupError(f"{damaged}: {missing[0]} is missing.")
            return manifest
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise BackupError(f"There is no file {path}.") from None
        raise BackupError(f"{damaged}: {exc}.") from None


def _unpack(
    tar: tarfile.TarFile, member: tarfile.TarInfo, staging: Path, expected: dict[str, Any], damaged: str
) -> None:
    source = tar.extractfile(member)
    if source is None:
        raise BackupError(f"{damaged}: {member.name} cannot be read.")
    target = staging / member.name
    target.parent.mkdir(parents=True, exist_ok=True)
    sha256, size = hashlib.sha256(), 0
    with target.open("wb") as out:
        while chunk := source.read(CHUNK):
            sha256.update(chunk)
            size += len(chunk)
            out.write(chunk)
    if size != expected.get("size") or sha256.hexdigest() != expected.get("sha256"):
        raise BackupError(f"{damaged}: {member.name} does not match its checksum.")
