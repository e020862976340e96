"""The figures of a meeting: `/reunions/<id>/figures/<n>` (the image, to whoever may read
the meeting), `POST /reunions/<id>/figures` (an upload from the editor, for whoever
may edit it: JSON answer with the Markdown that shows it) and
`POST /reunions/<id>/figures/<n>/suppression` (its deletion, by the same people).

:func:`markdown_with_figures` renders a meeting's Markdown for its pages (the read view,
the editor's preview): each ``![alt](figure:N)`` of a figure of the meeting becomes an
``<img>`` served by :func:`image`, the same access check as the meeting's page."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from rida import db, render
from rida.circuit import versions
from rida.compte_rendu import figures as shown
from rida.meetings import figures
from rida.views import auth, editing, json_api, login_or_public, readable_meeting

bp = Blueprint("figures", __name__)
bp.register_error_handler(versions.VersionError, json_api.version_error)

ALT_MAX = 300


def markdown_with_figures(meeting_id: int) -> Callable[[str | None], Markup]:
    """Markdown to sanitised HTML (the ``markdown`` filter) with the figures of meeting
    ``meeting_id`` shown; a reference to a figure it does not have stays out, as before.
    The caller has checked that the current user may read the meeting."""
    known = {
        f.number: shown.Picture(f.number, f.media_type, f.width, f.height, b"")
        for f in figures.listed(db.session(), meeting_id)
    }

    def src_of(picture: shown.Picture) -> str:
        return url_for("figures.image", meeting_id=meeting_id, number=picture.number)

    def html(text: str | None) -> Markup:
        return Markup(shown.with_html_images(text, known, render.markdown_html, src_of))

    return html


def alternatives(texts: Iterable[str | None]) -> dict[int, str]:
    """For each figure number referenced in ``texts``, the first non-empty alternative
    text it is given there (``![alt](figure:N)``)."""
    found: dict[int, str] = {}
    for text in texts:
        for match in shown.REFERENCE.finditer(text or ""):
            alt = " ".join(match.group(1).split())
            if alt:
                found.setdefault(int(match.group(2)), alt)
    return found


def _wants_json() -> bool:
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == (
        "application/json"
    )


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
        "delete_url": url_for("figures.delete", meeting_id=meeting_id, number=number),
    }, 201


@bp.post("/reunions/<int:meeting_id>/figures/<int:number>/suppression")
@auth.login_required
def delete(meeting_id: int, number: int) -> ResponseReturnValue:
    """Deletes a figure (editors of the meeting; 409 once it is validated). A form answer
    goes back to the editor; a request that accepts only JSON (the editor's script) gets
    ``{"number": N, "deleted": true}``."""
    try:
        with editing(meeting_id) as (s, meeting):
            if not figures.remove(s, meeting, number):
                abort(404)
    except versions.VersionError as e:
        if _wants_json():
            return json_api.version_error(e)
        flash(f"Figure non supprimée : {e.message}", "error")
        return redirect(url_for("pages.view", meeting_id=meeting_id) + "#validation")
    if _wants_json():
        return {"number": number, "deleted": True}
    flash(f"Figure {number} supprimée.", "info")
    return redirect(url_for("pages.edit", meeting_id=meeting_id) + "#figures")
