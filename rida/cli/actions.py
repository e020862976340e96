"""``rida actions``: the Task Force dashboard's list from the command line.

The formats are :data:`rida.actions.action_board.tables.FORMATS` (``ics`` included).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from flask import Flask

from rida import accounts, db
from rida.actions import action_board
from rida.actions.action_board import params, tables
from rida.circuit.files import write_atomic
from rida.cli.common import with_app
from rida.fields import FieldError, ValidationError
from rida.models import ACTION_KINDS, ACTION_STATUSES

BINARY = ("xlsx",)


def _option_name(path: str) -> str:
    return "--" + path.replace("_", "-")


OTHER_FORMATS = [f for f in tables.FORMATS if f not in ("table", "json", "csv", "xlsx")]


@click.command("actions")
@click.option(
    "--series",
    multiple=True,
    metavar="NOM",
    help="Série, par son nom (répétable : l'une ou l'autre).",
)
@click.option(
    "--owner",
    multiple=True,
    metavar="PORTEUR",
    help="Porteur : identifiant de la personne, nom (« SLOSAR », « Mathieu "
    "SLOSAR ») ou nom d'une organisation porteuse (répétable).",
)
@click.option(
    "--organisation",
    multiple=True,
    metavar="ENTITÉ",
    help="Organisation (entité) du porteur (répétable).",
)
@click.option(
    "--kind", multiple=True, metavar="|".join(ACTION_KINDS), help="Type d'action (répétable)."
)
@click.option(
    "--status",
    multiple=True,
    metavar="|".join(ACTION_STATUSES),
    help="Statut de l'action (répétable : l'un ou l'autre).",
)
@click.option("--due-from", metavar="AAAA-MM-JJ", help="Échéance à partir de ce jour.")
@click.option("--due-to", metavar="AAAA-MM-JJ", help="Échéance jusqu'à ce jour (inclus).")
@click.option(
    "--overdue",
    is_flag=True,
    help="En retard seulement : à faire ou en cours, échéance dépassée.",
)
@click.option(
    "--mine", is_flag=True, help="Actions de la personne reliée au compte --user seulement."
)
@click.option(
    "--sort",
    metavar="|".join(params.SORTS),
    help="Tri : due_date (échéance, par défaut ; sans échéance en dernier), "
    "status, series, owner ou meeting (date de la réunion).",
)
@click.option("--order", metavar="asc|desc", help="Ordre du tri (asc par défaut).")
@click.option(
    "--user",
    "login",
    metavar="IDENTIFIANT",
    help="Lister avec les droits de lecture de ce compte (par défaut : "
    "administrateur, qui lit tout).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(tables.FORMATS),
    default="table",
    show_default=True,
    help="table (une ligne par action), json (une liste d'objets id, title, "
    "kind, owner, due_date, status, meeting, rida), csv (Excel français : "
    "UTF-8 avec BOM, « ; ») ou xlsx"
    + (f" ; aussi : {', '.join(OTHER_FORMATS)}." if OTHER_FORMATS else "."),
)
@click.option(
    "-o",
    "--output",
    metavar="CHEMIN",
    help="Fichier de sortie (sinon la sortie standard ; xlsx exige -o).",
)
@with_app
def actions(app: Flask, /, login: str | None, fmt: str, output: str | None, **options: Any) -> None:
    """Liste les actions de toutes les séries, filtrées et triées comme le tableau de
    bord /actions.

    En JSON, chaque action est un objet à exactement ces clés : id, number (son
    numéro dans le compte-rendu de sa réunion), reference (« RÉUNION/N », ex. 12/2,
    comme l'accepte « rida action set-status »), title, kind,
    owner (le porteur tel qu'affiché, « Mathieu SLOSAR (ANS) » ou le nom d'une
    organisation, ou null), due_date (AAAA-MM-JJ ou null), status, meeting
    (l'identifiant de la réunion d'origine) et rida (le numéro de la ligne RIDA
    d'origine dans cette réunion, ou null).

    Une série, un porteur ou une organisation inconnus sont signalés sur la sortie
    d'erreur et donnent un résultat vide, avec le code de sortie 0 ; un paramètre
    invalide (statut, date…) donne le code de sortie 1, sans rien écrire.
    """
    if fmt in BINARY and output in (None, "-") and sys.stdout.isatty():
        raise FieldError("-o", f"{fmt} : fichier binaire, indiquez -o CHEMIN")
    try:
        query = params.parse(params.cli_args(**options))
    except ValidationError as e:  # paths as the options are spelt
        raise ValidationError(
            [FieldError(_option_name(x.path), x.message) for x in e.errors]
        ) from None
    session = db.session()
    user = accounts.cli_account(session, login, admin=True)
    items, messages = action_board.all_items(session, user, query)
    for message in messages:
        click.echo(message, err=True)
    data = tables.write(fmt, items, base_url=app.config["BASE_URL"])
    if output in (None, "-"):
        click.echo(data, nl=False)  # bytes: written as they are
    else:
        try:
            write_atomic(Path(output), data)
        except OSError as e:
            raise FieldError("-o", f"écriture impossible : {e.strerror or e}") from None
    click.echo(
        f"{len(items)} action{'s' if len(items) != 1 else ''}"
        + (f" écrites dans {output}" if output not in (None, "-") else ""),
        err=True,
    )
