"""``rida search QUERY``: the search of the results page, from the command line."""

from __future__ import annotations

import json
from typing import Any

import click
from flask import Flask

from rida import accounts, db
from rida.cli.common import with_app
from rida.fields import FieldError, ValidationError
from rida.models import STATUSES
from rida.search import SORTS, guard, output, params

OPTION_NAMES = {"q": "QUERY", "type": "--type", "per_page": "--page"}


@click.command("search")
@click.argument("query", required=False, default="")
@click.option(
    "--series", multiple=True, metavar="NOM", help="Série (répétable : l'une ou l'autre)."
)
@click.option(
    "--nature",
    multiple=True,
    metavar="I|D|A|none",
    help="Nature de la ligne : I, D, A, ou none pour les lignes sans nature (répétable).",
)
@click.option(
    "--type",
    "meeting_type",
    multiple=True,
    metavar="TYPE",
    help="Type de réunion, par exemple Atelier (répétable).",
)
@click.option(
    "--organisation",
    multiple=True,
    metavar="ENTITÉ",
    help="Organisation d'un intervenant ou d'un porteur (répétable).",
)
@click.option(
    "--status",
    multiple=True,
    metavar="|".join(STATUSES),
    help="Statut de la réunion (répétable).",
)
@click.option(
    "--classification",
    multiple=True,
    metavar="public|restricted|confidential",
    help="Classification de la réunion (répétable).",
)
@click.option(
    "--from",
    "date_from",
    metavar="AAAA-MM-JJ",
    help="Réunions à partir de cette date (incluse).",
)
@click.option(
    "--to", "date_to", metavar="AAAA-MM-JJ", help="Réunions jusqu'à cette date (incluse)."
)
@click.option(
    "--sort",
    metavar="|".join(SORTS),
    help="Tri : relevance (pertinence, par défaut) ou date (récentes d'abord).",
)
@click.option("--page", metavar="N", help="Page de résultats (20 par page), à partir de 1.")
@click.option(
    "--user",
    "login",
    metavar="IDENTIFIANT",
    help="Chercher avec les droits de lecture de ce compte (par défaut : "
    "administrateur, qui lit tout).",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help='Sortie JSON : {"total": N, "hits": [...], "facets": {...}, …}.',
)
@with_app
def search(app: Flask, /, query: str, login: str | None, as_json: bool, **options: Any) -> None:
    """Cherche QUERY dans les relevés, les actions et les en-têtes des réunions.

    Mots tous requis, "expression exacte", -exclusion, préfixe prépa*. Sortie : une
    ligne par résultat, « #réunion  date  type  ligne  titre — extrait », les mots
    trouvés entre « ».
    """
    try:
        parsed = params.parse(params.cli_args(q=query, **options))
    except ValidationError as e:  # paths as the options are spelt
        raise ValidationError(
            [FieldError(OPTION_NAMES.get(x.path, f"--{x.path}"), x.message) for x in e.errors]
        ) from None
    session = db.session()
    user = accounts.cli_account(session, login, admin=True)
    found = guard.search(session, user, parsed)
    if as_json:
        click.echo(json.dumps(output.results_dict(found), ensure_ascii=False, indent=2))
        return
    if found.message:
        click.echo(found.message, err=True)
    for hit in found.hits:
        click.echo(output.plain_line(hit))
    summary = output.total_label(found)
    if found.suggestion:
        summary += f" ; vouliez-vous dire « {found.suggestion} » ?"
    click.echo(summary, err=True)
