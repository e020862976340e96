"""``rida actions``: the Task Force dashboard's list from the command line, and
``rida actions report`` (:mod:`rida.cli.actions_report`): its status report.

The list's formats are :data:`rida.actions.action_board.tables.FORMATS` (``ics`` included).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from flask import Flask
from sqlmodel import Session

from rida import accounts, db
from rida.actions import action_board
from rida.actions.action_board import params, report, tables
from rida.circuit.files import write_atomic
from rida.cli.common import send_mail, with_app
from rida.fields import FieldError, ValidationError
from rida.models import ACTION_KINDS, ACTION_STATUSES

BINARY = ("xlsx",)


def _option_name(path: str) -> str:
    return "--" + path.replace("_", "-")


OTHER_FORMATS = [f for f in tables.FORMATS if f not in ("table", "json", "csv", "xlsx")]


FILTERS = [
    click.option(
        "--series",
        multiple=True,
        metavar="NOM",
        help="Série, par son nom (répétable : l'une ou l'autre).",
    ),
    click.option(
        "--owner",
        multiple=True,
        metavar="PORTEUR",
        help="Porteur : identifiant de la personne, nom (« SLOSAR », « Mathieu "
        "SLOSAR ») ou nom d'une organisation porteuse (répétable).",
    ),
    click.option(
        "--organisation",
        multiple=True,
        metavar="ENTITÉ",
        help="Organisation (entité) du porteur (répétable).",
    ),
    click.option(
        "--kind", multiple=True, metavar="|".join(ACTION_KINDS), help="Type d'action (répétable)."
    ),
    click.option(
        "--status",
        multiple=True,
        metavar="|".join(ACTION_STATUSES),
        help="Statut de l'action (répétable : l'un ou l'autre).",
    ),
    click.option("--due-from", metavar="AAAA-MM-JJ", help="Échéance à partir de ce jour."),
    click.option("--due-to", metavar="AAAA-MM-JJ", help="Échéance jusqu'à ce jour (inclus)."),
    click.option(
        "--overdue",
        is_flag=True,
        help="En retard seulement : à faire ou en cours, échéance dépassée.",
    ),
    click.option(
        "--mine", is_flag=True, help="Actions de la personne reliée au compte --user seulement."
    ),
    click.option(
        "--text",
        metavar="TEXTE",
        help="Mots du titre de l'action (majuscules indifférentes), ou sa référence "
        "« RÉUNION/N » (ex. 12/2) pour cette action seule.",
    ),
]


F = TypeVar("F", bound=Callable[..., Any])


def filter_options(func: F) -> F:
    """The dashboard's filters as options (shared by ``rida actions`` and its ``report``)."""
    for option in reversed(FILTERS):
        func = option(func)
    return func


@click.group("actions", invoke_without_command=True)
@filter_options
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
@click.pass_context
def actions(ctx: click.Context, /, **options: Any) -> None:
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
    if ctx.invoked_subcommand is None:
        _list(**options)


@with_app
def _list(app: Flask, /, login: str | None, fmt: str, output: str | None, **options: Any) -> None:
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
    if fmt == "xlsx":  # with each action's latest comment (the rights of --user)
        ids = [i.action.id for i in items if i.action.id]
        notes = report.latest_notes(session, user, ids)
        data = tables.to_xlsx(items, base_url=app.config["BASE_URL"], notes=notes)
    else:
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


REPORT_FORMATS = ("pdf", "xlsx", "html")


@actions.command("report")
@filter_options
@click.option(
    "--group",
    type=click.Choice(tuple(report.GROUPS)),
    default="owner",
    show_default=True,
    help="Regrouper les actions par porteur (owner) ou par série (series).",
)
@click.option(
    "--chart",
    type=click.Choice(params.CHARTS),
    help="Ajouter le graphique, par semaine ou par mois (sans : pas de graphique).",
)
@click.option(
    "--user",
    "login",
    metavar="IDENTIFIANT",
    help="Avec les droits de lecture de ce compte (par défaut : administrateur, qui lit "
    "tout) ; avec --email, chaque destinataire a ses propres droits.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(REPORT_FORMATS),
    default="pdf",
    show_default=True,
    help="pdf (par LibreOffice), xlsx (liens, filtres, commentaires) ou html (page imprimable).",
)
@click.option("-o", "--output", metavar="CHEMIN", help="Fichier à écrire (exigé sans --email).")
@click.option(
    "--email",
    is_flag=True,
    help="Envoyer l'état par e-mail à chaque membre des séries --series (RIDA_SMTP_URL), "
    "calculé avec ses propres droits de lecture.",
)
@click.option(
    "--dry-run", is_flag=True, help="Avec --email : dire qui recevrait quoi, sans envoyer."
)
@with_app
def report_command(
    app: Flask,
    /,
    login: str | None,
    fmt: str,
    output: str | None,
    group: str,
    chart: str | None,
    email: bool,
    dry_run: bool,
    **options: Any,
) -> None:
    """État des actions à diffuser : les actions filtrées comme le tableau de bord,
    groupées par porteur (ou par série), en retard d'abord, avec leur échéance et le
    dernier commentaire de leur historique.

    Écrit un fichier (-o, au format --format) ou, avec --email, l'envoie à chaque
    membre actif des séries --series dont le compte est relié à une personne ayant une
    adresse e-mail : chacun reçoit l'état calculé avec ses propres droits (il n'y voit
    que les actions des réunions qu'il peut lire).
    """
    try:
        query = params.parse(params.cli_args(**options, chart=chart))
    except ValidationError as e:
        raise ValidationError(
            [FieldError(_option_name(x.path), x.message) for x in e.errors]
        ) from None
    session = db.session()
    if email:
        if _send_report(app, session, query, group, chart is not None, dry_run):
            raise click.exceptions.Exit(1)
        return
    if output in (None, "-"):
        raise FieldError("-o", "indiquez le fichier à écrire (-o CHEMIN), ou --email")
    user = accounts.cli_account(session, login, admin=True)
    found = report.build(session, user, query, group_by=group, with_chart=chart is not None)
    for message in found.messages:
        click.echo(message, err=True)
    base_url = app.config["BASE_URL"]
    if fmt == "xlsx":
        items = [line.item for g in found.groups for line in g.lines]
        notes = {line.item.action.id or 0: line.note for g in found.groups for line in g.lines}
        data = tables.to_xlsx(items, base_url=base_url, notes={k: v for k, v in notes.items() if v})
    else:
        page = report.to_html(found, base_url=base_url).encode("utf-8")
        data = page if fmt == "html" else _pdf(page, app.config.get("SOFFICE"))
    try:
        write_atomic(Path(str(output)), data)
    except OSError as e:
        raise FieldError("-o", f"écriture impossible : {e.strerror or e}") from None
    click.echo(
        f"{found.total} action{'s' if found.total != 1 else ''} ({found.overdue} en retard) "
        f"écrites dans {output}",
        err=True,
    )


def _pdf(page: bytes, soffice: str | None) -> bytes:
    from rida.compte_rendu import pdf

    try:
        return pdf.convert(page, soffice=soffice, suffix="html")
    except pdf.PdfUnavailable as e:
        raise FieldError("--format", e.message) from None


def _send_report(
    app: Flask, session: Session, query: params.BoardQuery, group: str, chart: bool, dry_run: bool
) -> int:
    """E-mail the report to the members of the series of ``query``, each with his own
    rights; the number of failed sendings."""
    from rida import mailer
    from rida.actions.action_board import report_mail
    from rida.actions.action_board.names import resolve

    if not query.series:
        raise FieldError("--series", "indiquez la série dont les membres reçoivent l'état")
    everything = accounts.cli_account(session, None, admin=True)
    found = resolve(session, everything, query)
    for line in found.messages:
        click.echo(line, err=True)
    if not found.series_ids:
        raise FieldError("--series", "aucune série connue : rien à envoyer")
    server = None if dry_run else mailer.parse_url(app.config["SMTP_URL"])
    to, skipped = report_mail.recipients(session, found.series_ids)
    for line in skipped:
        click.echo(line)
    series = ", ".join(query.series)
    failed = sent = 0
    for recipient in to:
        found_for = report.build(session, recipient.user, query, group_by=group, with_chart=chart)
        if not found_for.total:
            click.echo(f"Ignoré : {recipient.user.login} (aucune action qu'il puisse lire)")
            continue
        what = f"{found_for.total} action(s), {found_for.overdue} en retard"
        if server is None:
            click.echo(f"À {recipient.address} : {what}")
            continue
        msg = report_mail.message(
            found_for,
            recipient,
            series,
            base_url=app.config["BASE_URL"],
            sender=app.config["MAIL_FROM"],
        )
        if send_mail(server, msg, what):
            sent += 1
        else:
            failed += 1
    if server is None:
        click.echo("Vérification seule : rien n'a été envoyé.")
    else:
        click.echo(f"{sent} état(s) envoyé(s), {failed} échec(s).")
    return failed
