"""``rida glossary [SERIES]``: show or replace the search glossary of a series, or of the
whole instance (no SERIES)."""

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
@click.argument("series", required=False)
@click.option(
    "--set",
    "groups",
    multiple=True,
    metavar="'MSS = MSSanté'",
    help="Un groupe de termes équivalents, séparés par « = » (répétable) ; "
    "remplace tout le glossaire.",
)
@click.option("--clear", is_flag=True, help="Vider le glossaire.")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON (liste de groupes).")
@with_app
def glossary_cmd(
    app: Flask, series: str | None, groups: tuple[str, ...], clear: bool, as_json: bool
) -> None:
    """Afficher ou remplacer le glossaire de recherche de la série SERIES (nom ou
    identifiant), ou sans SERIES le glossaire commun à toutes les séries.

    Les termes d'un groupe sont équivalents dans la recherche (« MSS = MSSanté »,
    « CR = compte-rendu »), dans le filtre et la facette des organisations (« ESEA NA =
    ESEA Nouvelle Aquitaine ») : ceux d'une série dans ses réunions, ceux du glossaire
    commun partout ; aucune réindexation n'est nécessaire."""
    if groups and clear:
        fail(
            {
                "error": "invalid",
                "errors": [{"path": "--clear", "message": "--set ou --clear, pas les deux"}],
            }
        )
    with db.transaction() as s:
        series_id, name = None, "tous les comptes-rendus"
        if series is not None:
            found = s.exec(
                select(Series).where(
                    (Series.name == series)
                    | (Series.id == (int(series) if series.isdigit() else -1))
                )
            ).first()
            if found is None:
                fail(
                    {
                        "error": "invalid",
                        "errors": [{"path": "series", "message": f"série inconnue : {series}"}],
                    }
                )
            series_id, name = id_of(found), found.name
        if groups or clear:
            try:
                parsed = glossary.parse_lines("\n".join(groups))
            except ValueError as e:
                fail({"error": "invalid", "errors": [{"path": "--set", "message": str(e)}]})
            glossary.set_groups(s, series_id, parsed)
        current = glossary.groups_of(s, series_id)
    if as_json:
        click.echo(json.dumps(current, ensure_ascii=False))
    elif current:
        click.echo(glossary.as_lines(current))
    else:
        click.echo(f"Glossaire vide pour « {name} ».")
