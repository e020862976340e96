"""``rida restore``: a verified backup (:mod:`rida.backups`) put in place of the database
and the export directory; the search index is dropped, to be rebuilt.

The caller makes sure that no server holds the data (:mod:`rida.backups.server_lock`).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from rida.backups import DATABASE, EXPORTS, BackupError, Place, backup_sqlite, check_file, verify


def restore(
    backup: Path,
    place: Place,
    known_revisions: Collection[str],
    confirm: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Replace ``place``'s database and exports with ``backup``; its manifest.
    ``confirm`` is called once everything is verified, before anything is replaced (it
    raises to cancel)."""
    target = place.database  # refuses PostgreSQL first
    manifest = verify(backup)
    files: dict[str, dict[str, Any]] = manifest["files"]
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    token = secrets.token_hex(4)
    staged = target.with_name(f".{target.name}.restore-{token}")
    exports = place.export_dir.with_name(f".{place.export_dir.name}.restore-{token}")
    try:
        # Everything is copied beside its destination and checked before anything changes.
        shutil.copyfile(backup / DATABASE, staged)
        check_file(staged, files[DATABASE], DATABASE)
        problem = backup_sqlite.integrity(staged)
        if problem != "ok":
            raise BackupError(
                f"Base de la sauvegarde endommagée (PRAGMA integrity_check : "
                f"{problem}) : rien n'a été modifié.",
                "corrupt",
            )
        revision, _ = backup_sqlite.facts(staged)
        if revision != manifest.get("schema_revision"):
            raise BackupError(
                "Sauvegarde altérée : la révision du schéma de la base ne "
                "correspond pas au manifeste.",
                "tampered",
            )
        if revision not in known_revisions:
            raise BackupError(
                f"Sauvegarde d'un schéma inconnu de cette version de rida "
                f"(révision {revision}) : mettez rida à jour avant de la "
                "restaurer.",
                "schema",
            )
        exports.mkdir(parents=True)
        for name, expected in files.items():
            if name.startswith(f"{EXPORTS}/"):
                copy = exports / name.removeprefix(f"{EXPORTS}/")
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(backup / name, copy)
                check_file(copy, expected, name)
        if confirm is not None and target.exists():
            confirm()
        # Verified: each one is now renamed into place.
        backup_sqlite.replace(staged, target)
        _swap_dir(exports, place.export_dir)
        _drop(place.search_dir)
        _set_aside(place.anchor_file, token)
    finally:
        staged.unlink(missing_ok=True)
        shutil.rmtree(exports, ignore_errors=True)
    return manifest


def _set_aside(anchor_file: Path | None, token: str) -> None:
    """The audit anchors written before the restore, kept as
    ``<name>.avant-restauration-<date>-<token>`` (``rida audit verify`` starts afresh)."""
    if anchor_file is not None and anchor_file.exists():
        day = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        anchor_file.rename(
            anchor_file.with_name(f"{anchor_file.name}.avant-restauration-{day}-{token}")
        )


def _swap_dir(new: Path, current: Path) -> None:
    """``new`` renamed to ``current``; the old ``current`` removed after."""
    if not current.exists():
        os.rename(new, current)
        return
    old = current.with_name(f".{current.name}.old-{secrets.token_hex(4)}")
    os.rename(current, old)
    os.rename(new, current)
    shutil.rmtree(old, ignore_errors=True)


def _drop(search_dir: Path) -> None:
    """Remove the search index: the next start rebuilds it from the restored database."""
    if search_dir.exists():
        old = search_dir.with_name(f".{search_dir.name}.old-{secrets.token_hex(4)}")
        os.rename(search_dir, old)
        shutil.rmtree(old, ignore_errors=True)
