"""Pages of the validation circuit: the status forms, the history, the comparison."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlmodel import Session

from rida import db, fields
from rida.circuit import version_diff, versions
from rida.fields import FieldError
from rida.models import Meeting, aware
from rida.views import auth, docx_template, login_or_public, readable_meeting, writable
from rida.views.auth import login_required

bp = Blueprint("circuit", __name__)

DONE = {
    "review": "Compte-rendu envoyé en relecture (v{version}).",
    "draft": "Compte-rendu revenu en brouillon (v{version}).",
    "validate": "Compte-rendu validé : version v{version} figée.",
    "amend": "Nouvelle version v{version} créée en brouillon : vous pouvez la modifier.",
}


def _transition(
    meeting_id: int, name: str, change: Callable[[Session, Meeting], object]
) -> ResponseReturnValue:
    """Apply ``change`` in a write transaction; say what happened; back to the meeting."""
    try:
        with writable(meeting_id) as (s, meeting):
            change(s, meeting)
            version = meeting.version
    except versions.Blocked as e:
        flash(f"Validation refusée. {e.message} Voir la liste des contrôles.", "error")
    except versions.VersionError as e:
        flash(e.message, "error")
    except FieldError as e:
        flash(f"Envoi en relecture refusé : {e.message}.", "error")
    else:
        flash(DONE[name].format(version=version), "info")
        target = "pages.edit" if name == "amend" else "pages.view"
        return redirect(url_for(target, meeting_id=meeting_id))
    return redirect(url_for("pages.view", meeting_id=meeting_id) + "#validation")


@bp.post("/reunions/<int:meeting_id>/relecture")
@login_required
def review(meeting_id: int) -> ResponseReturnValue:
    typed = request.form.get("deadline") or None

    def review(s: Session, m: Meeting) -> object:
        deadline = fields.typed_date(typed, "deadline")
        iso = deadline.isoformat() if deadline else None
        return versions.send_to_review(s, m, iso, auth.user())

    return _transition(meeting_id, "review", review)


@bp.post("/reunions/<int:meeting_id>/brouillon")
@login_required
def draft(meeting_id: int) -> ResponseReturnValue:
    return _transition(meeting_id, "draft", versions.back_to_draft)


@bp.post("/reunions/<int:meeting_id>/validation")
@login_required
def validate(meeting_id: int) -> ResponseReturnValue:
    return _transition(
        meeting_id,
        "validate",
        lambda s, m: versions.validate(s, m, auth.user(), template=docx_template()),
    )


@bp.post("/reunions/<int:meeting_id>/amendement")
@login_required
def amend(meeting_id: int) -> ResponseReturnValue:
    return _transition(meeting_id, "amend", versions.amend)


@bp.route("/reunions/<int:meeting_id>/versions")
@login_or_public
def history(meeting_id: int) -> ResponseReturnValue:
    meeting = readable_meeting(meeting_id)
    s = db.session()
    return render_template(
        "meetings/versions.html",
        m=meeting,
        frozen=versions.frozen_versions(s, meeting_id),
        reviews=versions.review_rounds(s, meeting_id),
        aware=aware,
    )


@bp.route("/reunions/<int:meeting_id>/comparaison")
@login_required
def compare(meeting_id: int) -> ResponseReturnValue:
    meeting = readable_meeting(meeting_id)
    s = db.session()
    choices = [v.version for v in versions.frozen_versions(s, meeting_id)]
    if meeting.status != "validated":
        choices.append(versions.CURRENT)
    default_from = choices[-2] if len(choices) > 1 else (choices[0] if choices else "")
    old_name = request.args.get("from") or default_from
    new_name = request.args.get("to") or (choices[-1] if choices else "")
    old = versions.document(s, meeting, old_name) if old_name else None
    new = versions.document(s, meeting, new_name) if new_name else None
    if (old_name and old is None) or (new_name and new is None):
        abort(404)
    diff = version_diff.compare(old, new) if old is not None and new is not None else None
    return render_template(
        "meetings/compare.html",
        m=meeting,
        choices=choices,
        old_name=old_name,
        new_name=new_name,
        diff=diff,
        current=versions.CURRENT,
    )
