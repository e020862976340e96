"""The ``rida`` command: thin wrappers that parse, call the domain and print."""

from __future__ import annotations

import json
import sys
from functools import wraps
from pathlib import Path
from typing import Any, NoReturn

import click
from flask import Flask
from sqlmodel import select

from rida import accounts, create_app, db, exchange, meetings
from rida.compte_rendu import docx_package
from rida.compte_rendu.docx_import import DocxError, read_docx
from rida.fields import FieldError, ValidationError
from rida.models import ROLES, Meeting, User

DEMO_FIXTURE = Path(__file__).parent / "fixtures" / "demo_tf_mssante_2022-01-07.json"
DEMO_LOGIN = "demo"


def with_app(func):  # type: ignore[no-untyped-def]
    """Run the command inside an application context; errors exit non-zero, in French."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        app = create_app()
        try:
            with app.app_context():
                return func(app, *args, **kwargs)
        except ValidationError as e:
            _fail(e.as_dict())
        except FieldError as e:
            _fail(ValidationError([e]).as_dict())
        finally:
            app.extensions["rida.engine"].dispose()

    return wrapper


def _fail(payload: dict) -> NoReturn:
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2), err=True)
    raise click.exceptions.Exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="rida")
def main() -> None:
    """rida : comptes-rendus d'ateliers et relevés RIDA des Task Forces.

    La configuration se lit dans l'environnement (RIDA_DATA_DIR, RIDA_DATABASE_URL,
    RIDA_EXPORT_DIR, RIDA_SECRET_KEY) : voir le README.
    """


@main.command()
@with_app
def init(app: Flask) -> None:
    """Crée la base de données ou la met à jour (migrations)."""
    db.upgrade(db.engine())
    click.echo(f"Base prête : {db.engine().url.render_as_string(hide_password=True)}")


@main.command()
@click.option("--if-empty", is_flag=True,
              help="Ne charge le compte-rendu de démonstration que si la base n'a aucune réunion.")
@with_app
def demo(app: Flask, if_empty: bool) -> None:
    """Charge le compte-rendu de démonstration et crée le compte « demo »."""
    with db.transaction() as s:
        has_meetings = s.exec(select(Meeting.id)).first() is not None
        user = s.exec(select(User).where(User.login == DEMO_LOGIN)).first()
        password_file = Path(app.config["DATA_DIR"]) / "demo-password"
        if user is None:
            password = accounts.new_password()
            user = accounts.create_user(s, DEMO_LOGIN, password, "admin")
            password_file.write_text(password + "\n")
            password_file.chmod(0o600)
        if not (if_empty and has_meetings):
            doc = json.loads(DEMO_FIXTURE.read_text(encoding="utf-8"))
            meeting = exchange.import_document(s, doc, user)
            click.echo(f"Réunion de démonstration chargée : {meeting.id}")
    password = password_file.read_text().strip() if password_file.exists() else "(inchangé)"
    click.echo(f"Connexion : identifiant « {DEMO_LOGIN} », mot de passe « {password} »")


@main.command("list")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON (une liste d'objets).")
@with_app
def list_meetings(app: Flask, as_json: bool) -> None:
    """Liste les réunions : id, série, titre, date, statut, classification, version."""
    found = meetings.catalogue(db.session())
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    for m in found:
        click.echo(f"{m['id']:>5}  {m['date']}  v{m['version']:<5} {m['status']:<10} "
                   f"{m['classification']:<12} {m['series']} — {m['title']}")


@main.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True,
              help="Lit et vérifie les fichiers, affiche les avertissements, n'écrit rien.")
@with_app
def import_files(app: Flask, files: tuple[str, ...], dry_run: bool) -> None:
    """Importe des comptes-rendus DOCX ou des documents rida/1 (JSON) ; affiche l'id de
    chaque nouvelle réunion.

    Le format est reconnu au contenu. Les avertissements de lecture d'un DOCX (ce qui a
    été deviné ou ignoré) sont écrits sur la sortie d'erreur, précédés du nom du fichier.
    Tous les fichiers sont importés dans une seule transaction : si l'un est refusé,
    aucun n'est écrit.
    """
    docs = []
    for name in files:
        try:
            raw = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        except OSError as e:
            raise FieldError(name, f"lecture impossible : {e.strerror}") from None
        try:
            docs.append(_read_document(name, raw))
        except ValidationError as e:
            raise ValidationError([FieldError(f"{name}:{x.path}", x.message)
                                   for x in e.errors]) from None
    ids = []
    with db.transaction() as s:
        for name, doc in zip(files, docs, strict=True):
            try:
                ids.append(exchange.import_document(s, doc).id)
            except ValidationError as e:
                raise ValidationError([FieldError(f"{name}:{x.path}", x.message)
                                       for x in e.errors]) from None
        if dry_run:
            s.rollback()
            click.echo(f"Vérification seule : {len(docs)} document(s) lisible(s), rien "
                       "d'écrit.", err=True)
            return
    for meeting_id in ids:
        click.echo(meeting_id)


def _read_document(name: str, raw: bytes) -> Any:
    """A rida/1 document from JSON or DOCX bytes (told apart by their content, or a
    .doc/.docx name for a useful error); a DOCX's reading warnings go to stderr."""
    if not (docx_package.is_docx(raw) or raw.startswith(docx_package.OLE_MAGIC)
            or name.lower().endswith((".docx", ".doc"))):
        return exchange.loads(raw)
    try:
        result = read_docx(raw)
    except DocxError as e:
        raise FieldError(name, f"DOCX refusé : {e}") from None
    for warning in result.warnings:
        click.echo(f"{name} : {warning}", err=True)
    return result.doc


@main.command()
@click.argument("meeting_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True,
              help="Format de sortie (rida/1 JSON).")
@click.option("-o", "--output", default="-", show_default=True,
              help="Fichier de sortie ; « - » pour la sortie standard.")
@with_app
def export(app: Flask, meeting_id: int, fmt: str, output: str) -> None:
    """Exporte une réunion au format rida/1."""
    meeting = db.session().get(Meeting, meeting_id)
    if meeting is None:
        _fail({"error": "not_found", "message": f"Réunion {meeting_id} introuvable."})
    text = json.dumps(exchange.export_document(db.session(), meeting), ensure_ascii=False,
                      indent=2) + "\n"
    if output == "-":
        click.echo(text, nl=False)
    else:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as e:
            raise FieldError(output, f"écriture impossible : {e.strerror}") from None
        click.echo(f"Écrit : {output}", err=True)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, envvar="HOST",
              help="Adresse d'écoute.")
@click.option("--port", default=5000, show_default=True, type=int, envvar="PORT",
              help="Port d'écoute.")
@click.option("--threads", default=8, show_default=True, type=int,
              help="Nombre de fils de traitement des requêtes.")
def serve(host: str, port: int, threads: int) -> None:
    """Sert l'application avec un serveur WSGI de production (waitress)."""
    from waitress import serve as waitress_serve

    app = create_app()
    click.echo(f"rida est servi sur http://{host}:{port}/ (Ctrl+C pour arrêter)")
    waitress_serve(app, host=host, port=port, threads=threads, ident="rida")


@main.group()
def user() -> None:
    """Gère les comptes."""


@user.command("add")
@click.argument("login")
@click.option("--role", type=click.Choice(ROLES), default="reader", show_default=True,
              help="Rôle du compte.")
@click.option("--password-stdin/--generate-password", default=True, show_default=True,
              help="Lire le mot de passe sur l'entrée standard, ou en générer un et l'afficher.")
@with_app
def user_add(app: Flask, login: str, role: str, password_stdin: bool) -> None:
    """Crée un compte ; le mot de passe est lu sur l'entrée standard (première ligne)."""
    password = (sys.stdin.readline().rstrip("\r\n") if password_stdin
                else accounts.new_password())
    with db.transaction() as s:
        accounts.create_user(s, login, password, role)
    click.echo(f"Compte « {login} » créé ({role}).")
    if not password_stdin:
        click.echo(f"Mot de passe : {password}")


if __name__ == "__main__":  # pragma: no cover
    main()
