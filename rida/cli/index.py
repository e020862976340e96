"""The ``rida`` commands that maintain the search index: ``reindex`` and ``search-check``."""

from __future__ import annotations

import json
from typing import Any

import click
from flask import Flask
from sqlalchemy import func
from sqlmodel import select

from rida import db, search
from rida.cli.common import with_app
from rida.models import Meeting
from rida.search import indexer, positions

KIND_LABELS = {"row": "ligne", "action": "action", "meeting": "en-tête"}
PROBLEMS = (
    ("missing", "absent de l'index"),
    ("extra", "dans l'index mais plus en base"),
    ("stale", "périmé dans l'index"),
)


@click.command()
@with_app
def reindex(app: Flask) -> None:
    """Reconstruit tout l'index de recherche à partir de la base de données."""
    with indexer.exclusive(app), db.read_session(db.engine()) as session:
        total = session.exec(select(func.count()).select_from(Meeting)).one()
        with click.progressbar(length=total, label="Indexation des réunions", show_pos=True) as bar:

            def progress(done: int, _total: int) -> None:
                bar.update(done - bar.pos)

            count = search.rebuild(session, progress)
    click.echo(f"Index reconstruit : {count} réunion(s) indexée(s).")


@click.command("search-check")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Écrit le rapport en JSON (clés ok, pending, missing, extra, stale, damaged).",
)
@with_app
def search_check(app: Flask, as_json: bool) -> None:
    """Compare l'index de recherche et la base ; code de sortie 1 s'ils diffèrent."""
    indexer.catch_up(app)  # pending changes first, unless a server is indexing them
    with db.read_session(db.engine()) as session:
        report = search.check(session)
        pending = 0
        if not search.in_transaction(app):
            directory = indexer.directory_of(app)
            pending = positions.waiting(session, positions.read(directory))
    if as_json:
        out: dict[str, Any] = {"ok": report.ok, "pending": pending}
        for name, _label in PROBLEMS:
            out[name] = [
                {"meeting": m, "kind": k, "key": key} for m, k, key in getattr(report, name)
            ]
        out["damaged"] = report.damaged
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        for name, label in PROBLEMS:
            for meeting, kind, key in getattr(report, name):
                click.echo(f"Réunion {meeting}, {_describe(kind, key)} : {label}.")
        for file in report.damaged:
            click.echo(f"Fichier d'index {file} : endommagé (somme de contrôle différente).")
        if pending:
            click.echo(f"{pending} modification(s) en attente d'indexation.")
        click.echo(
            "Index et base concordent."
            if report.ok
            else "L'index diffère de la base : lancez « rida reindex »."
        )
    if not report.ok:
        raise click.exceptions.Exit(1)


def _describe(kind: str, key: Any) -> str:
    label = KIND_LABELS.get(kind, kind)
    return label if key is None or kind == "meeting" else f"{label} {key}"
