"""``rida list``: the meetings, on SQLAlchemy Core alone (no Flask, no ORM), so that it
answers at once."""

from __future__ import annotations

import json

import click

from rida import db, settings
from rida.meetings.catalogue import catalogue


@click.command("list")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON (une liste d'objets).")
def list_meetings(as_json: bool) -> None:
    """Liste les réunions : id, série, titre, date, statut, classification, version."""
    engine = db.open_engine(settings.load())
    try:
        with engine.connect() as connection:
            found = catalogue(connection)
    finally:
        engine.dispose()
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    for m in found:
        click.echo(
            f"{m['id']:>5}  {m['date']}  v{m['version']:<5} {m['status']:<10} "
            f"{m['classification']:<12} {m['series']} — {m['title']}"
        )
