"""``rida backup PATH`` and ``rida restore PATH [--force]`` (see :mod:`rida.backups`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from rida import db, settings
from rida.backups import BackupError, Place, backup_sqlite, create, restore, server_lock
from rida.cli.common import fail

PATH = click.Path(file_okay=False, path_type=Path)


def _place() -> tuple[Place, Path]:
    """Where this instance keeps its data (the environment, as ``rida serve`` reads it)."""
    config = settings.load()
    data_dir = Path(str(config["DATA_DIR"]))
    search_dir = Path(str(config["SEARCH_DIR"] or data_dir / "search"))
    anchors = Path(str(config["AUDIT_ANCHOR_FILE"] or data_dir / "audit-anchors.jsonl"))
    export_dir = Path(str(config["EXPORT_DIR"]))
    return Place(str(config["DATABASE_URL"]), export_dir, search_dir, anchors), data_dir


def _counts(counts: dict[str, int]) -> str:
    return (
        f"{counts.get('meetings', '?')} réunion(s), {counts.get('rows', '?')} ligne(s) "
        f"RIDA, {counts.get('actions', '?')} action(s)"
    )


def _or_fail(action: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """``action()``; a refusal or an I/O error exits 1 with its JSON message."""
    try:
        return action()
    except BackupError as e:
        fail(e.as_dict())
    except OSError as e:
        fail(
            {
                "error": "io",
                "message": f"Opération impossible sur {e.filename or '?'} : {e.strerror or e}.",
            }
        )


def _exports(manifest: dict[str, Any]) -> int:
    return sum(name.startswith("exports/") for name in manifest["files"])


@click.command("backup")
@click.argument("path", type=PATH)
def backup(path: Path) -> None:
    """Sauvegarde la base (à chaud, cohérente) et le dossier des exports dans le
    nouveau dossier PATH, avec un manifeste (manifest.json : empreintes SHA-256)."""
    place, _ = _place()
    manifest = _or_fail(lambda: create(place, path))
    click.echo(
        f"Sauvegarde écrite dans {path} : {_counts(manifest['counts'])}, "
        f"{_exports(manifest)} fichier(s) d'export ; schéma "
        f"{manifest['schema_revision']}."
    )


@click.command("restore")
@click.argument("path", type=PATH)
@click.option(
    "--force", is_flag=True, help="Remplace les données sans demander (SQLite uniquement)."
)
def restore_command(path: Path, force: bool) -> None:
    """Restaure une sauvegarde de « rida backup » : vérifie ses empreintes et l'intégrité
    de la base, puis remplace la base et le dossier des exports (serveur arrêté).
    PostgreSQL : restaure dans un schéma vide uniquement, sans rien effacer."""
    from alembic.script import ScriptDirectory

    place, data_dir = _place()
    known = {
        s.revision
        for s in ScriptDirectory.from_config(db.alembic_config("sqlite://")).walk_revisions()
    }

    def run() -> dict[str, Any]:
        try:
            with server_lock.exclusive(data_dir):
                return restore.restore(
                    path,
                    place,
                    known,
                    confirm=None if force else lambda: _confirm(place.database),
                )
        except server_lock.ServerRunning:
            raise BackupError(
                "Un serveur rida utilise ces données : arrêtez-le avant "
                "de restaurer (rien n'a été modifié).",
                "server_running",
            ) from None

    manifest = _or_fail(run)
    click.echo(
        f"Restauration terminée depuis {path} (sauvegarde du "
        f"{manifest.get('created_at')}, rida {manifest.get('rida_version')}, "
        f"schéma {manifest['schema_revision']}) : "
        f"{_counts(manifest.get('counts') or {})}, "
        f"{_exports(manifest)} fichier(s) d'export. L'index de recherche sera "
        "reconstruit au prochain démarrage."
    )


def _confirm(database: Path) -> None:
    _, counts = backup_sqlite.facts(database)
    now = f" ({_counts(counts)})" if counts else ""
    click.confirm(
        f"La base {database}{now} et le dossier des exports seront remplacés par "
        "la sauvegarde. Continuer ?",
        abort=True,
    )
