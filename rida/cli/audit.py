"""``rida audit verify`` and ``rida audit export``: the audit log from the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask

from rida import db
from rida.audit import anchor, chain, events, query
from rida.circuit import files
from rida.cli.common import fail, with_app
from rida.fields import FieldError

CLI_FILTERS = {
    "login": "--user",
    "action": "--action",
    "object_type": "--object",
    "meeting_id": "--meeting",
    "start": "--from",
    "end": "--to",
}


@click.group()
def audit() -> None:
    """Journal d'audit : vérification de la chaîne d'empreintes, export."""


@audit.command("verify")
@with_app
def verify(app: Flask) -> None:
    """Recalcule la chaîne d'empreintes du journal et contrôle ses ancres (hors de la
    base) ; code de sortie 1 à la première entrée altérée, absente ou insérée, ou à la
    première ancre qui ne tient pas."""
    anchors = app.extensions[anchor.EXTENSION]
    with db.engine().connect() as conn:
        verdict = chain.verify(conn)
        anchored = anchor.check(conn, anchors) if verdict.intact else None
    if not verdict.intact:
        fail(
            {
                "error": "audit_broken",
                "entry": verdict.broken,
                "message": f"Journal altéré à l'entrée {verdict.broken} : {verdict.reason} "
                f"({verdict.count} entrées intègres avant elle).",
            }
        )
    assert anchored is not None
    if not anchored.intact:
        fail(
            {
                "error": "audit_anchor_broken",
                "anchor_line": anchored.line,
                "message": f"Journal altéré : ancre de la ligne {anchored.line} de "
                f"{anchors.path} : {anchored.reason} ({anchored.count} ancres vérifiées "
                "avant elle).",
            }
        )
    click.echo(
        f"Journal intègre : {verdict.count} entrées, {anchored.count} ancres vérifiées "
        f"({anchors.path})."
    )


@audit.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv"]),
    default="csv",
    show_default=True,
    help="Format de sortie (CSV pour Excel : « ; », UTF-8 avec BOM).",
)
@click.option("-o", "--output", required=True, help="Fichier de sortie ; « - » : sortie standard.")
@click.option(
    "--from", "start", default=None, metavar="AAAA-MM-JJ", help="Entrées de ce jour et après (UTC)."
)
@click.option(
    "--to", "end", default=None, metavar="AAAA-MM-JJ", help="Entrées de ce jour et avant (UTC)."
)
@click.option("--user", "login", default=None, metavar="LOGIN", help="Entrées de ce compte.")
@click.option(
    "--action",
    default=None,
    help="Entrées de cette action (create, update, delete, login.failure, export…).",
)
@click.option(
    "--object",
    "object_type",
    default=None,
    help="Entrées de ce type d'objet (meeting, rida_row, user…).",
)
@click.option("--meeting", default=None, metavar="ID", help="Entrées de cette réunion.")
@with_app
def export(
    app: Flask,
    fmt: str,
    output: str,
    start: str | None,
    end: str | None,
    login: str | None,
    action: str | None,
    object_type: str | None,
    meeting: str | None,
) -> None:
    """Exporte le journal d'audit (filtré) en CSV."""
    args = {
        "login": login,
        "action": action,
        "object_type": object_type,
        "meeting_id": meeting,
        "start": start,
        "end": end,
    }
    filters = query.parse({CLI_FILTERS[k]: v for k, v in args.items()}, CLI_FILTERS)
    data = "".join(query.to_csv(query.entries(db.session(), filters))).encode("utf-8")
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        try:
            files.write_atomic(Path(output), data)
        except OSError as e:
            raise FieldError("--output", f"écriture impossible : {e.strerror or e}") from None
        click.echo(f"Écrit : {output}", err=True)
    events.emit(
        events.EXPORTED,
        object_type="audit_entry",
        after={"format": fmt, "file": output, "filters": filters.as_args()},
    )
