"""``rida restore``: a verified backup (:mod:`rida.backups`) put in place of the database
and the export directory; the search index is dropped, to be rebuilt.

On PostgreSQL the dump is restored into the current schema, which must be empty (and
have the dump's schema name: ``pg_restore`` cannot rename a schema); nothing is dropped.

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

from rida.backups import (
    DATABASE,
    EXPORTS,
    PG_DATABASE,
    BackupError,
    Place,
    backup_postgresql,
    backup_sqlite,
    check_file,
    engine_of,
    verify,
)

_ENGINES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _check_revision(revision: str | None, manifest: dict[str, Any], known: Collection[str]) -> None:
    if revision != manifest.get("schema_revision"):
        raise BackupError(
            "Sauvegarde altérée : la révision du schéma de la base ne correspond pas au manifeste.",
            "tampered",
        )
    if revision not in known:
        raise BackupError(
            f"Sauvegarde d'un schéma inconnu de cette version de rida "
            f"(révision {revision}) : mettez rida à jour avant de la "
            "restaurer.",
            "schema",
        )


def restore(
    backup: Path,
    place: Place,
    known_revisions: Collection[str],
    confirm: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Replace ``place``'s database and exports with ``backup``; its manifest.
    ``confirm`` is called once everything is verified, before anything is replaced (it
    raises to cancel)."""
    if place.engine == "postgresql":
        return _restore_postgresql(backup, place, known_revisions)
    target = place.database
    manifest = verify(backup)
    _same_engine(manifest, place)
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
        _check_revision(revision, manifest, known_revisions)
        _stage_exports(backup, files, exports)
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


def _same_engine(manifest: dict[str, Any], place: Place) -> None:
    made, here = engine_of(manifest), place.engine
    if made != here:
        raise BackupError(
            f"Sauvegarde d'une base {_ENGINES[made]} : elle ne se restaure pas sur une base "
            f"{_ENGINES[here]} (rien n'a été modifié). Pour changer de moteur, exportez les "
            "réunions (rida export) et importez-les (rida import).",
            "engine",
        )


def _stage_exports(backup: Path, files: dict[str, dict[str, Any]], exports: Path) -> None:
    exports.mkdir(parents=True)
    for name, expected in files.items():
        if name.startswith(f"{EXPORTS}/"):
            copy = exports / name.removeprefix(f"{EXPORTS}/")
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(backup / name, copy)
            check_file(copy, expected, name)


def _restore_postgresql(
    backup: Path, place: Place, known_revisions: Collection[str]
) -> dict[str, Any]:
    """Verify, then restore into the empty current schema; no confirmation is needed, as
    nothing is replaced (a schema holding tables is refused, even with ``--force``)."""
    manifest = verify(backup)
    _same_engine(manifest, place)
    files: dict[str, dict[str, Any]] = manifest["files"]
    try:
        dumped, revision = backup_postgresql.dump_facts(backup / PG_DATABASE)
        _check_revision(revision, manifest, known_revisions)
        schema, relations = backup_postgresql.target_schema(place.database_url)
    except backup_postgresql.PostgresError as e:
        raise BackupError(f"{e.message} Rien n'a été modifié.", e.code) from None
    if relations:
        raise BackupError(
            f"Le schéma PostgreSQL « {schema} » n'est pas vide ({len(relations)} objet(s), "
            f"dont {relations[0]}) : rida ne restaure que dans un schéma vide, sans rien "
            "effacer (même avec --force). Créez une base ou un schéma vide, pointez "
            "RIDA_DATABASE_URL dessus, puis relancez la restauration.",
            "not_empty",
        )
    if dumped != schema:
        raise BackupError(
            f"La sauvegarde vient du schéma PostgreSQL « {dumped} » et la base cible utilise "
            f"le schéma « {schema} » : pg_restore ne sait pas renommer un schéma. Créez un "
            f"schéma vide nommé « {dumped} » (dans une autre base si besoin), pointez "
            "RIDA_DATABASE_URL dessus (search_path), puis relancez la restauration.",
            "schema_name",
        )
    token = secrets.token_hex(4)
    exports = place.export_dir.with_name(f".{place.export_dir.name}.restore-{token}")
    try:
        _stage_exports(backup, files, exports)
        try:
            backup_postgresql.restore(place.database_url, backup / PG_DATABASE)
        except backup_postgresql.PostgresError as e:
            raise BackupError(
                f"{e.message} La restauration a été annulée (une seule transaction) : "
                "la base n'a pas été modifiée.",
                e.code,
            ) from None
        _swap_dir(exports, place.export_dir)
        _drop(place.search_dir)
        _set_aside(place.anchor_file, token)
    finally:
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
