"""``rida glossary SERIES``: show or replace a series' glossary of equivalent search terms."""

from __future__ import annotations

import json

import click
from flask import Flask
from sqlmodel import select

from rida import db
from rida.cli.common import fail, with_app
from rida.models import Series, id_of
from rida.search import glossary


@click.command("glossary")
@click.argument("series")
@click.option(
    "--set",
    "groups",
    multiple=True,
    metavar="'MSS = MSSanté'",
    help="Un groupe de termes équivalents, séparés par « = » (répétable) ; "
    "remplace tout le glossaire de la série.",
)
@click.option("--clear", is_flag=True, help="Vider le glossaire de la série.")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON (liste de groupes).")
@with_app
def glossary_cmd(
    app: Flask, series: str, groups: tuple[str, ...], clear: bool, as_json: bool
) -> None:
    """Afficher ou remplacer le glossaire de la série SERIES (nom ou identifiant).

    Les termes d'un groupe sont équivalents dans la recherche de cette série
    (« MSS = MSSanté », « CR = compte-rendu ») ; aucune réindexation n'est
    nécessaire."""
    if groups and clear:
        fail(
            {
                "error": "invalid",
                "errors": [{"path": "--clear", "message": "--set ou --clear, pas les deux"}],
            }
        )
    with db.transaction() as s:
        found = s.exec(
            select(Series).where(
                (Series.name == series) | (Series.id == (int(series) if series.isdigit() else -1))
            )
        ).first()
        if found is None:
            fail(
                {
                    "error": "invalid",
                    "errors": [{"path": "series", "message": f"série inconnue : {series}"}],
                }
            )
        if groups or clear:
            try:
                parsed = glossary.parse_lines("\n".join(groups))
            except ValueError as e:
                fail({"error": "invalid", "errors": [{"path": "--set", "message": str(e)}]})
            glossary.set_groups(s, id_of(found), parsed)
        current = glossary.groups_of(s, id_of(found))
    if as_json:
        click.echo(json.dumps(current, ensure_ascii=False))
    elif current:
        click.echo(glossary.as_lines(current))
    else:
        click.echo(f"Glossaire vide pour « {found.name} ».")
