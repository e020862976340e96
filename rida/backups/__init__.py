"""``rida backup`` and ``rida restore``: the database and the export directory, with a
manifest that proves what a backup holds.

A backup is a directory::

    manifest.json        format, rida version, schema revision, created_at (UTC),
                         counts (meetings, rows, actions), size and SHA-256 of every file
    rida.sqlite3         the database, copied online by SQLite's backup API
    (or rida.pgdump)     on PostgreSQL: ``pg_dump --format=custom`` of rida's schema, from
                         the snapshot the counts were read in (the manifest also says
                         ``"engine": "postgresql"``)
    exports/…            the files of RIDA_EXPORT_DIR

It is built beside its destination and renamed into place when complete: a directory
named like the destination is always a whole backup. The search index is not saved: it
is derived from the database, and rebuilt after a restore.

A restore checks everything before touching anything: the manifest, the SHA-256 of every
file (and that no file was added), the schema revision (known to this version of rida),
``PRAGMA integrity_check`` of the database. It then copies the database and the exports
beside their destinations, checks the copies again, and renames them into place. On
PostgreSQL the dump must read (``pg_restore --list``) and is restored, in one transaction,
into an empty schema only: a restore never drops data there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from rida.backups import backup_postgresql, backup_sqlite
from rida.util.atomic import new_directory

FORMAT = "rida-backup/1"
MANIFEST = "manifest.json"
DATABASE = "rida.sqlite3"
PG_DATABASE = "rida.pgdump"
EXPORTS = "exports"


class BackupError(Exception):
    """A backup cannot be made or restored; ``message`` is French."""

    def __init__(self, message: str, code: str = "backup"):
        super().__init__(message)
        self.message, self.code = message, code

    def as_dict(self) -> dict[str, str]:
        return {"error": self.code, "message": self.message}


@dataclass(frozen=True)
class Place:
    """Where an instance keeps what a backup holds."""

    database_url: str
    export_dir: Path
    search_dir: Path
    # The audit anchors (rida.audit.anchor): set aside by a restore, which takes the log
    # back to the backup's end (the anchors of the entries after it would name lost ones).
    anchor_file: Path | None = None

    @property
    def engine(self) -> str:
        """``postgresql`` or ``sqlite`` (anything not PostgreSQL goes the SQLite way)."""
        return "postgresql" if backup_postgresql.is_postgresql(self.database_url) else "sqlite"

    @property
    def database(self) -> Path:
        try:
            return backup_sqlite.database_file(self.database_url)
        except backup_sqlite.NotSQLite:
            raise BackupError(
                "La base n'est pas un fichier SQLite (PostgreSQL) : utilisez "
                "pg_dump et pg_restore pour la sauvegarder et la restaurer.",
                "postgresql",
            ) from None


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def rida_version() -> str:
    try:
        return metadata.version("rida")
    except metadata.PackageNotFoundError:  # pragma: no cover - a source tree not installed
        return "0"


def _export_files(export_dir: Path) -> list[Path]:
    """The files of the export dir, relative; hidden files (half-written exports) left out."""
    if not export_dir.is_dir():
        return []
    return sorted(
        p.relative_to(export_dir)
        for p in export_dir.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(export_dir).parts)
    )


def create(place: Place, target: Path, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """Back up ``place`` into the new directory ``target``; the manifest."""
    postgresql = place.engine == "postgresql"
    source = None if postgresql else place.database
    if source is not None and not source.is_file():
        raise BackupError(f"Base introuvable : {source}.", "not_found")
    if target.resolve().is_relative_to(place.export_dir.resolve()):
        raise BackupError("Une sauvegarde ne se range pas dans le dossier des exports.", "exists")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target} existe déjà : choisissez un nouveau dossier.", "exists")
    with new_directory(target) as staging:
        if source is None:
            try:
                _, revision, counts = backup_postgresql.dump(
                    place.database_url, staging / PG_DATABASE
                )
            except backup_postgresql.PostgresError as e:
                raise BackupError(
                    f"{e.message} Aucune sauvegarde n'a été écrite.", e.code
                ) from None
        else:
            backup_sqlite.copy_online(source, staging / DATABASE)
        for relative in _export_files(place.export_dir):
            copy = staging / EXPORTS / relative
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(place.export_dir / relative, copy)
        if source is not None:
            revision, counts = backup_sqlite.facts(staging / DATABASE)
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "rida_version": rida_version(),
            "schema_revision": revision,
            "created_at": (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
            "counts": counts,
            "files": {
                name: {"bytes": (staging / name).stat().st_size, "sha256": sha256(staging / name)}
                for name in _listed(staging)
            },
        }
        if source is None:
            manifest["engine"] = "postgresql"
        (staging / MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    return manifest


def _listed(directory: Path) -> list[str]:
    """Every file of a backup directory but the manifest, as POSIX relative paths."""
    found = (
        p.relative_to(directory).as_posix()
        for p in directory.rglob("*")
        if p.is_file() and not p.is_symlink()
    )
    return sorted(name for name in found if name != MANIFEST)


def verify(backup: Path) -> dict[str, Any]:
    """The manifest of ``backup`` once every file matches it; :class:`BackupError` if not."""
    try:
        manifest: dict[str, Any] = json.loads((backup / MANIFEST).read_text(encoding="utf-8"))
        files = manifest["files"]
        if manifest.get("format") != FORMAT or not isinstance(files, dict):
            raise ValueError(manifest.get("format"))
    except (OSError, ValueError, KeyError, TypeError):
        raise BackupError(
            f"{backup} n'est pas une sauvegarde rida lisible ({MANIFEST} absent ou invalide).",
            "invalid",
        ) from None
    if DATABASE not in files and PG_DATABASE not in files:
        raise BackupError(f"Sauvegarde incomplète : {DATABASE} absent du manifeste.", "invalid")
    listed = set(_listed(backup))
    extra = sorted(listed - set(files))
    if extra:
        raise BackupError(f"Sauvegarde altérée : fichier non répertorié ({extra[0]}).", "tampered")
    for name, expected in files.items():
        if name not in listed:  # also any name that would lead outside the backup
            raise BackupError(f"Sauvegarde incomplète : {name} manquant.", "tampered")
        check_file(backup / name, expected, name)
    return manifest


def engine_of(manifest: dict[str, Any]) -> str:
    """``postgresql`` or ``sqlite``: the engine a verified backup was made from."""
    return "postgresql" if PG_DATABASE in manifest["files"] else "sqlite"


def check_file(path: Path, expected: dict[str, Any], name: str) -> None:
    if not path.is_file():
        raise BackupError(f"Sauvegarde incomplète : {name} manquant.", "tampered")
    if path.stat().st_size != expected.get("bytes") or sha256(path) != expected.get("sha256"):
        raise BackupError(
            f"Sauvegarde altérée : {name} ne correspond pas à son empreinte SHA-256.", "tampered"
        )
