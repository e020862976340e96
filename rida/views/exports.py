"""Downloads of the compte-rendu: `/reunions/<id>/compte-rendu.<format>`."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app
from flask.typing import ResponseReturnValue

from rida import db
from rida.audit import events
from rida.circuit import files
from rida.compte_rendu import html
from rida.compte_rendu.pdf import PdfUnavailable
from rida.views import docx_template, login_or_public, readable_meeting
from rida.views.web import error_response

bp = Blueprint("exports", __name__)


@bp.route("/reunions/<int:meeting_id>/compte-rendu.<fmt>")
@login_or_public
def download(meeting_id: int, fmt: str) -> ResponseReturnValue:
    """The compte-rendu as an attachment, also kept in RIDA_EXPORT_DIR."""
    if fmt not in files.EXPORT_FORMATS:
        abort(404)
    meeting = readable_meeting(meeting_id)
    try:
        made = files.export(
            db.session(),
            meeting,
            fmt,
            soffice=current_app.config.get("SOFFICE"),
            template=docx_template(),
        )
    except PdfUnavailable as e:
        return error_response(503, e.message)
    try:
        made.save(current_app.config["EXPORT_DIR"])
    except OSError as e:  # the download matters more than the server-side copy
        current_app.logger.warning("Export not kept in %s: %s", current_app.config["EXPORT_DIR"], e)
    events.emit(
        events.EXPORTED,
        object_type="meeting",
        object_id=str(meeting.id),
        meeting_id=meeting.id,
        after={"format": fmt, "file": made.name},
    )
    response = Response(made.data, content_type=made.media_type)
    response.headers["Content-Disposition"] = files.content_disposition(made.name)
    response.headers["Cache-Control"] = "private, no-store"
    if fmt == "html":  # displayable even inline: its own style sheet, nothing else
        response.headers["Content-Security-Policy"] = html.CSP
    return response
