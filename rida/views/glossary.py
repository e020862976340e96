"""A series' search glossary: terms that mean the same thing (``MSS = MSSanté``)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from rida import access, db
from rida.models import Series
from rida.search import glossary
from rida.views import auth
from rida.views.auth import login_required

bp = Blueprint("glossary", __name__)


def _series(series_id: int) -> Series:
    session, user = db.session(), auth.user()
    series = session.get(Series, series_id)
    if series is None or not access.can_see_series(session, user, series_id):
        abort(404)
    return series


@bp.get("/series/<int:series_id>/glossaire")
@login_required
def show(series_id: int) -> ResponseReturnValue:
    series = _series(series_id)
    groups = glossary.groups_of(db.session(), series_id)
    return render_template(
        "search/glossary.html",
        series=series,
        groups=groups,
        text=glossary.as_lines(groups),
        error=None,
        can_edit=access.can_edit_series(db.session(), auth.user(), series_id),
    )


@bp.post("/series/<int:series_id>/glossaire")
@login_required
def save(series_id: int) -> ResponseReturnValue:
    series = _series(series_id)
    if not access.can_edit_series(db.session(), auth.user(), series_id):
        abort(403)
    text = request.form.get("groups", "")
    try:
        groups = glossary.parse_lines(text)
    except ValueError as e:
        return render_template(
            "search/glossary.html", series=series, groups=[], text=text, error=str(e), can_edit=True
        ), 400
    with db.transaction() as s:
        glossary.set_groups(s, series_id, groups)
    flash(f"Glossaire enregistré : {len(groups)} groupe(s) de termes équivalents.", "success")
    return redirect(url_for("glossary.show", series_id=series_id))
