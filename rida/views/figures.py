"""The figures of a meeting: `/reunions/<id>/figures/<n>` (the image, to whoever may read
the meeting) and `POST /reunions/<id>/figures` (an upload from the editor, for whoever
may edit it: JSON answer with the Markdown that shows it)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request, url_for
from flask.typing import ResponseReturnValue

from rida import db
from rida.circuit import versions
from rida.meetings import figures
from rida.views import auth, editing, json_api, login_or_public, readable_meeting

bp = Blueprint("figures", __name__)
bp.register_error_handler(versions.VersionError, json_api.version_error)

ALT_MAX = 300


@bp.route("/reunions/<int:meeting_id>/figures/<int:number>")
@login_or_public
def image(meeting_id: int, number: int) -> ResponseReturnValue:
    meeting = readable_meeting(meeting_id)
    assert meeting.id is not None
    found = figures.find(db.session(), meeting.id, number)
    if found is None:
        abort(404)
    response = Response(found.data, content_type=found.media_type)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = (
        f'inline; filename="figure-{number}.{figures.EXTENSIONS[found.media_type]}"'
    )
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    return response


@bp.route("/reunions/<int:meeting_id>/figures", methods=["POST"])
@auth.login_required
def upload(meeting_id: int) -> ResponseReturnValue:
    """Form fields ``image`` (the file) and ``alt`` (its alternative text, required).
    The access rule is checked first: one who may not edit learns nothing more."""
    with editing(meeting_id) as (s, meeting):
        alt = " ".join((request.form.get("alt") or "").split())
        upload = request.files.get("image")
        if upload is None or not upload.filename:
            return json_api.error(400, "invalid", "Choisissez une image PNG ou JPEG.", path="image")
        if not alt:
            return json_api.error(
                400,
                "invalid",
                "Le texte alternatif est obligatoire : décrivez ce que montre l'image.",
                path="alt",
            )
        if len(alt) > ALT_MAX:
            return json_api.error(
                400,
                "invalid",
                f"Texte alternatif trop long ({ALT_MAX} caractères au plus).",
                path="alt",
            )
        try:
            figure = figures.add(s, meeting, upload.read(figures.MAX_BYTES + 1), auth.user())
        except figures.FigureError as e:
            return json_api.error(400, "invalid", e.message, path="image")
        number = figure.number
        markdown = figures.reference(figure, alt)
    return {
        "number": number,
        "markdown": markdown,
        "url": url_for("figures.image", meeting_id=meeting_id, number=number),
    }, 201
