"""The search glossary: terms that mean the same thing (``MSS = MSSanté``), for the whole
instance (``/glossaire``: every account reads it, admins change it) or for one series
(``/series/<id>/glossaire``: its readers read it, its rapporteurs and admins change it)."""

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


def _page(series: Series | None, text: str, error: str | None, can_edit: bool) -> str:
    session = db.session()
    series_id = series.id if series is not None else None
    return render_template(
        "search/glossary.html",
        series=series,
        groups=glossary.groups_of(session, series_id) if error is None else [],
        instance_groups=glossary.groups_of(session, None) if series is not None else [],
        text=text,
        error=error,
        can_edit=can_edit,
    )


def _is_admin() -> bool:
    user = auth.user()
    return user is not None and user.active and user.role == "admin"


@bp.get("/glossaire")
@login_required
def show_instance() -> ResponseReturnValue:
    groups = glossary.groups_of(db.session(), None)
    return _page(None, glossary.as_lines(groups), None, _is_admin())


@bp.post("/glossaire")
@login_required
def save_instance() -> ResponseReturnValue:
    if not _is_admin():
        abort(404)
    return _save(None)


@bp.get("/series/<int:series_id>/glossaire")
@login_required
def show(series_id: int) -> ResponseReturnValue:
    series = _series(series_id)
    groups = glossary.groups_of(db.session(), series_id)
    can_edit = access.can_edit_series(db.session(), auth.user(), series_id)
    return _page(series, glossary.as_lines(groups), None, can_edit)


@bp.post("/series/<int:series_id>/glossaire")
@login_required
def save(series_id: int) -> ResponseReturnValue:
    series = _series(series_id)
    if not access.can_edit_series(db.session(), auth.user(), series_id):
        abort(403)
    return _save(series)


def _save(series: Series | None) -> ResponseReturnValue:
    series_id = series.id if series is not None else None
    text = request.form.get("groups", "")
    try:
        groups = glossary.parse_lines(text)
    except ValueError as e:
        return _page(series, text, str(e), True), 400
    with db.transaction() as s:
        glossary.set_groups(s, series_id, groups)
    flash(f"Glossaire enregistré : {len(groups)} groupe(s) de termes équivalents.", "success")
    if series_id is None:
        return redirect(url_for("glossary.show_instance"))
    return redirect(url_for("glossary.show", series_id=series_id))
