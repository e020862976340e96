"""``rida init``, ``demo``, ``import``, ``export`` and ``validate``: the meetings
and their comptes-rendus from the command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from flask import Flask
from sqlalchemy import true
from sqlmodel import select

from rida import accounts, db
from rida.actions import interviews
from rida.audit import events
from rida.circuit import files, validation, versions
from rida.cli import archive
from rida.cli.common import act_as, fail, with_app
from rida.compte_rendu.pdf import PdfUnavailable
from rida.compte_rendu.reading import upload_check
from rida.fields import FieldError, ValidationError
from rida.meetings import people
from rida.models import Meeting, User
from rida.paths import DEMO_DRAFT_FIXTURE, DEMO_FIXTURE
from rida.search import glossary as search_glossary

DEMO_LOGIN = "demo"


@click.command()
@with_app
def init(app: Flask) -> None:
    """Crée la base de données ou la met à jour (migrations)."""
    db.upgrade(db.engine())
    click.echo(f"Base prête : {db.engine().url.render_as_string(hide_password=True)}")


# The Task Force's usual abbreviations, equivalent in its searches (editable in the UI).
DEMO_GLOSSARY = [["MSS", "MSSanté"], ["CR", "compte-rendu"], ["ESEA NA", "ESEA Nouvelle Aquitaine"]]


@click.command()
@click.option(
    "--if-empty",
    is_flag=True,
    help="Ne charge le compte-rendu de démonstration que si la base n'a aucune réunion.",
)
@with_app
def demo(app: Flask, if_empty: bool) -> None:
    """Charge le compte-rendu de démonstration et un brouillon, et crée le compte « demo ».

    Le brouillon est l'atelier suivant de la même série, à modifier dans l'éditeur."""
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
            meeting = versions.import_document(
                s, doc, user, template=app.config.get("DOCX_TEMPLATE")
            )
            click.echo(f"Réunion de démonstration chargée : {meeting.id}")
            draft = json.loads(DEMO_DRAFT_FIXTURE.read_text(encoding="utf-8"))
            following = versions.import_document(s, draft, user)
            click.echo(f"Brouillon de démonstration, à modifier : {following.id}")
            if not search_glossary.groups_of(s, None):  # the whole instance's glossary
                search_glossary.set_groups(s, None, DEMO_GLOSSARY)
    password = password_file.read_text().strip() if password_file.exists() else "(inchangé)"
    click.echo(f"Connexion : identifiant « {DEMO_LOGIN} », mot de passe « {password} »")


@click.command("import")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option(
    "--dry-run",
    is_flag=True,
    help="Lit et vérifie les fichiers, affiche les avertissements, n'écrit rien.",
)
@click.option(
    "--all",
    "archive_dir",
    default=None,
    metavar="DIR",
    help="Restaure l'archive complète DIR (de « rida export --all ») dans cette instance, "
    "qui doit être vide ; empreintes vérifiées avant toute écriture.",
)
@click.option(
    "--user",
    "login",
    default=None,
    help="Avec --all : compte administrateur enregistré au journal (par défaut : « cli »).",
)
@click.option(
    "--keep-validated",
    is_flag=True,
    help="Garde le statut « Validé » d'un document même si des contrôles bloquants "
    "échouent (enregistré et affiché : « validé à l'import malgré N contrôles »).",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Sortie JSON : par fichier, id (null avec --dry-run), statut, version, contrôles "
    "bloquants en échec et avertissements de lecture.",
)
@with_app
def import_files(
    app: Flask,
    files: tuple[str, ...],
    dry_run: bool,
    archive_dir: str | None,
    login: str | None,
    keep_validated: bool,
    as_json: bool,
) -> None:
    """Importe des comptes-rendus DOCX ou des documents rida/1 (JSON) ; affiche l'id de
    chaque nouvelle réunion.

    Le format est reconnu au contenu. Les avertissements de lecture d'un DOCX (ce qui a
    été deviné ou ignoré) sont écrits sur la sortie d'erreur, précédés du nom du fichier.
    Un document marqué « Validé » dont des contrôles bloquants échouent est importé en
    brouillon, les contrôles en échec écrits sur la sortie d'erreur (sauf
    --keep-validated). Tous les fichiers sont importés dans une seule transaction : si
    l'un est refusé, aucun n'est écrit. Avec --json, la sortie standard donne pour chaque
    fichier son id, son statut, ses contrôles en échec et ses avertissements. Avec --all
    DIR : toute une instance (réunions, versions figées, actions et leur historique,
    personnes, séries), dans une instance vide.
    """
    if archive_dir is not None:
        if files or dry_run or as_json:
            raise FieldError("--all", "--all s'emploie sans FILES, --dry-run ni --json")
        archive.import_all(archive_dir, login)
        return
    if not files:
        raise FieldError("FILES", "au moins un fichier à importer (ou --all DIR)")
    if login is not None:
        raise FieldError("--user", "--user ne s'emploie qu'avec --all")
    docs, warnings = [], []
    for name in files:
        try:
            raw = _read_input(name)
        except OSError as e:
            raise FieldError(name, f"lecture impossible : {e.strerror}") from None
        try:
            doc, said = _read_document(name, raw, quiet=as_json)
            docs.append(doc)
            warnings.append(said)
        except ValidationError as e:
            raise ValidationError(
                [FieldError(f"{name}:{x.path}", x.message) for x in e.errors]
            ) from None
    results = []
    with db.transaction() as s:
        for name, doc in zip(files, docs, strict=True):
            try:
                imported = versions.import_checked(
                    s,
                    doc,
                    template=app.config.get("DOCX_TEMPLATE"),
                    keep_validated=keep_validated,
                )
            except ValidationError as e:
                raise ValidationError(
                    [FieldError(f"{name}:{x.path}", x.message) for x in e.errors]
                ) from None
            results.append({"file": name, "id": imported.meeting.id, **imported.as_dict()})
            if not as_json:
                _report_checks(name, imported)
        if dry_run:
            s.rollback()
    for result, said in zip(results, warnings, strict=True):
        result["warnings"] = said
        if dry_run:
            result["id"] = None
    if dry_run:
        click.echo(
            f"Vérification seule : {len(docs)} document(s) lisible(s), rien d'écrit.", err=True
        )
        if as_json:
            click.echo(json.dumps({"dry_run": True, "imported": results}, ensure_ascii=False))
        return
    if as_json:
        click.echo(json.dumps({"imported": results}, ensure_ascii=False, indent=2))
        return
    for result in results:
        click.echo(result["id"])


def _report_checks(name: str, imported: versions.Imported) -> None:
    """A validated document's failed blocking checks, on stderr."""
    message = imported.message()
    if message is None:
        return
    click.echo(f"{name} : {message}", err=True)
    for check in imported.failed:
        for line in validation.lines([check]):
            click.echo(f"{name} : {line}", err=True)


def _read_input(name: str) -> bytes:
    """The bytes of a file to import (``-``: standard input), refused above the size limit
    before being read whole."""
    limit = upload_check.MAX_FILE_BYTES
    raw = sys.stdin.buffer.read(limit + 1) if name == "-" else b""
    if (len(raw) if name == "-" else Path(name).stat().st_size) > limit:
        raise FieldError(name, upload_check.too_big(limit))
    return raw if name == "-" else Path(name).read_bytes()


def _read_document(name: str, raw: bytes, *, quiet: bool = False) -> tuple[Any, list[str]]:
    """A rida/1 document from JSON or DOCX bytes, and a DOCX's reading warnings (also
    written to stderr unless ``quiet``). An action's owner may be anyone of the instance
    (the command line sees everyone)."""
    from rida.compte_rendu.reading import incoming  # python-docx, markdown: only to import

    found = incoming.read(name, raw, lambda: people.known_people(db.session(), true()))
    for warning in [] if quiet else found.warnings:
        click.echo(f"{name} : {warning}", err=True)
    return found.doc, found.warnings


@click.command()
@click.argument("meeting_id", type=int, required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(files.EXPORT_FORMATS),
    default="json",
    show_default=True,
    help="Format de sortie : json (rida/1), docx, md (Markdown), html (page "
    "imprimable) ou pdf (demande LibreOffice).",
)
@click.option(
    "-o",
    "--output",
    default=None,
    help="Fichier de sortie ; « - » pour la sortie standard ; un dossier : le nom "
    "standard dans ce dossier. Sans -o : sortie standard pour json, sinon "
    "fichier au nom standard dans RIDA_EXPORT_DIR.",
)
@click.option(
    "--all",
    "archive_dir",
    default=None,
    metavar="DIR",
    help="Exporte toute l'instance dans le nouveau dossier DIR : chaque réunion en rida/1 "
    "avec ses versions figées, les actions et leur historique, les personnes, les séries, "
    "le journal d'audit, et un manifeste (SHA-256).",
)
@click.option(
    "--user",
    "login",
    default=None,
    help="Avec --all : compte administrateur enregistré au journal (par défaut : « cli »).",
)
@with_app
def export(
    app: Flask,
    meeting_id: int | None,
    fmt: str,
    output: str | None,
    archive_dir: str | None,
    login: str | None,
) -> None:
    """Exporte le compte-rendu d'une réunion (rida/1, DOCX, Markdown, HTML ou PDF), ou
    toute l'instance (--all DIR)."""
    if archive_dir is not None:
        if meeting_id is not None or output is not None:
            raise FieldError("--all", "--all s'emploie sans MEETING_ID ni --output")
        archive.export_all(archive_dir, login)
        return
    if meeting_id is None:
        raise FieldError("MEETING_ID", "numéro de réunion attendu (ou --all DIR)")
    if login is not None:
        raise FieldError("--user", "--user ne s'emploie qu'avec --all")
    meeting = db.session().get(Meeting, meeting_id)
    if meeting is None:
        fail({"error": "not_found", "message": f"Réunion {meeting_id} introuvable."})
    try:
        made = files.export(
            db.session(),
            meeting,
            fmt,
            soffice=app.config.get("SOFFICE"),
            template=app.config.get("DOCX_TEMPLATE"),
        )
    except PdfUnavailable as e:
        fail({"error": "pdf_unavailable", "message": e.message})
    if output is None and fmt == "json":
        output = "-"
    if output == "-":
        click.echo(made.data, nl=False)  # bytes: written as they are
        _exported(meeting, fmt, made.name, "-")
        return
    try:
        if output is None:
            path = made.save(app.config["EXPORT_DIR"])
        elif Path(output).is_dir():  # a folder: the standard name, inside it
            path = files.write_atomic(files.inside(Path(output), made.name), made.data)
        else:  # exactly the path asked for
            path = files.write_atomic(Path(output), made.data)
    except OSError as e:
        raise FieldError(
            output or "RIDA_EXPORT_DIR", f"écriture impossible : {e.strerror or e}"
        ) from None
    if output is None:
        click.echo(path)
    else:
        click.echo(f"Écrit : {path}", err=True)
    _exported(meeting, fmt, made.name, str(path))


def _exported(meeting: Meeting, fmt: str, name: str, output: str) -> None:
    events.emit(
        events.EXPORTED,
        object_type="meeting",
        object_id=str(meeting.id),
        meeting_id=meeting.id,
        after={"format": fmt, "file": name, "output": output},
    )


@click.command("validate")
@click.argument("meeting_id", type=int)
@click.option("--check", "check_only", is_flag=True, help="Lance les contrôles sans valider.")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON : statut, version et contrôles.")
@click.option(
    "--user", "login", default=None, help="Compte enregistré comme valideur (par défaut : « cli »)."
)
@with_app
def validate_meeting(
    app: Flask, meeting_id: int, check_only: bool, as_json: bool, login: str | None
) -> None:
    """Contrôle une réunion et la valide (depuis brouillon ou relecture) si aucun contrôle
    bloquant n'échoue ; sort avec le code 1 sinon. Avec --check, contrôle seulement, toute
    réunion (brouillon, relecture ou validée)."""
    with db.transaction() as s:
        meeting = s.get(Meeting, meeting_id)
        if meeting is None:
            fail({"error": "not_found", "message": f"Réunion {meeting_id} introuvable."})
        user = accounts.cli_account(s, login)
        act_as(s, user)
        if not check_only:  # the checks alone run on any meeting, validated too
            versions.ensure_editable(meeting)
        checks = versions.checks(s, meeting, everything=True)
        blocked = bool(validation.blocking(checks))
        frozen = None
        if not (check_only or blocked):
            frozen = versions.validate(s, meeting, user, template=app.config.get("DOCX_TEMPLATE"))
        result = {
            "id": meeting.id,
            "status": meeting.status,
            "version": meeting.version,
            "summary": _summary(meeting, checks),
            "checks": [c.as_dict() for c in checks],
            "frozen": versions.version_dict(frozen) if frozen else None,
        }
        hints = [(a.id, a.title) for a in interviews.actions_to_close(s, meeting, None)]
        comment = interviews.closing_comment(meeting)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        for line in validation.lines(checks):
            click.echo(line)
        click.echo(result["summary"])
        if frozen is not None:
            click.echo(
                f"Réunion {meeting_id} validée : version v{frozen.version} figée "
                f"(DOCX SHA-256 {frozen.sha256})."
            )
        for action_id, title in hints if frozen is not None else ():
            click.echo(
                f"Clore l'action « {title} » : rida action set-status {action_id} done "
                f'--comment "{comment}"'
            )
    if blocked:
        raise click.exceptions.Exit(1)


def _summary(meeting: Meeting, checks: list[validation.Check]) -> str:
    """The checklist's verdict; for a validated meeting, what still fails."""
    if meeting.status != "validated":
        return validation.summary(checks)
    failed = len(validation.blocking(checks))
    if not failed:
        return f"Réunion validée (v{meeting.version}) : aucun contrôle bloquant en échec."
    s = "s" if failed > 1 else ""
    return f"Réunion validée (v{meeting.version}) : {failed} contrôle{s} bloquant{s} en échec."
