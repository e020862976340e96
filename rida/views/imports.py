"""Importing a compte-rendu from the browser: a DOCX or a rida/1 JSON file."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

from rida import access, db
from rida.circuit import versions
from rida.compte_rendu.reading import incoming
from rida.fields import FieldError, ValidationError
from rida.meetings import people
from rida.views import auth, docx_template
from rida.views.auth import login_required

bp = Blueprint("imports", __name__)
MAX_SHOWN = 12  # errors or warnings listed in the page; the rest are counted


@bp.post("/import")
@login_required
def upload() -> ResponseReturnValue:
    user = auth.user()
    if not access.can_create(user):
        abort(403)
    back = redirect(url_for("pages.home") + "#import-title")
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        flash("Choisissez un fichier : compte-rendu DOCX ou document rida/1 (JSON).", "error")
        return back
    name = sent.filename
    try:
        found = incoming.read(
            name,
            sent.read(),
            lambda: people.known_people(db.session(), access.visible_people(user)),
        )
        with db.transaction() as s:
            imported = versions.import_checked(
                s,
                found.doc,
                user,
                template=docx_template(),
                keep_validated=request.form.get("keep_validated") == "1",
            )
            meeting_id = imported.meeting.id
    except (ValidationError, FieldError) as e:
        errors = e.errors if isinstance(e, ValidationError) else [e]
        flash(f"Import de « {name} » refusé, rien n'a été enregistré :", "error")
        for error in errors[:MAX_SHOWN]:
            flash(str(error), "error")
        if len(errors) > MAX_SHOWN:
            flash(f"… et {len(errors) - MAX_SHOWN} autre(s) erreur(s).", "error")
        return back
    count = len(found.warnings)
    flash(
        f"« {name} » importé" + (f", avec {count} avertissement(s) de lecture :" if count else "."),
        "info",
    )
    for warning in found.warnings[:MAX_SHOWN]:
        flash(warning, "warning")
    if count > MAX_SHOWN:
        flash(f"… et {count - MAX_SHOWN} autre(s) avertissement(s).", "warning")
    _flash_checks(imported)
    return redirect(url_for("pages.view", meeting_id=meeting_id))


def _flash_checks(imported: versions.Imported) -> None:
    """A validated document's failed blocking checks, and what became of its status."""
    message = imported.message()
    if message is None:
        return
    flash(message, "warning")
    details = [f"{f.message} [{f.place or f.path}]" for c in imported.failed for f in c.findings]
    for detail in details[:MAX_SHOWN]:
        flash(detail, "warning")
    if len(details) > MAX_SHOWN:
        flash(f"… et {len(details) - MAX_SHOWN} autre(s) point(s) à corriger.", "warning")
