"""Calendar subscriptions: the ``/agenda`` page and the secret feeds ``/feeds/<token>.ics``.

The feed answers without a session (a calendar client has none): the token is the
credential. A wrong, revoked or deactivated-account token gets the same bare 404.
"""

from __future__ import annotations

from typing import TypedDict

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue

from rida import db
from rida.accounts import feed_tokens
from rida.actions import calendar_feed
from rida.circuit import files
from rida.fields import FieldError
from rida.models import Person, User
from rida.views import auth
from rida.views.auth import login_required

bp = Blueprint("feeds", __name__)

NOT_FOUND = "Calendrier introuvable.\n"


def _page(
    user: User, *, created: str | None = None, error: str | None = None, status: int = 200
) -> Response:
    s = db.session()
    person = s.get(Person, user.person_id) if user.person_id is not None else None
    page = render_template(
        "agenda.html",
        feeds=feed_tokens.feeds_of(s, user),
        series=feed_tokens.readable_series(s, user),
        person=person,
        created=created,
        error=error,
    )
    response = Response(page, status=status)
    response.headers["Cache-Control"] = "no-store"  # the new address is shown only once
    return response


class _Choice(TypedDict, total=False):
    """The keyword arguments of :func:`feed_tokens.create` for the form's choice."""

    series_id: int
    mine: bool


def _choice(value: str) -> _Choice:
    if value == "mine":
        return {"mine": True}
    if value.startswith("series-") and value[7:].isdigit():
        return {"series_id": int(value[7:])}
    raise FieldError("feed", "choisissez une série ou « mes actions »")


@bp.get("/agenda")
@login_required
def agenda() -> ResponseReturnValue:
    return _page(auth.logged_in())


@bp.post("/agenda")
@login_required
def create() -> ResponseReturnValue:
    user = auth.logged_in()
    try:
        with db.transaction() as s:
            _, token = feed_tokens.create(s, user, **_choice(request.form.get("feed", "")))
    except FieldError as e:
        return _page(user, error=f"Adresse non créée : {e.message}.", status=400)
    return _page(user, created=url_for("feeds.ics", token=token, _external=True))


@bp.post("/agenda/<int:feed_id>/revocation")
@login_required
def revoke(feed_id: int) -> ResponseReturnValue:
    user = auth.logged_in()
    with db.transaction() as s:
        if feed_tokens.revoke(s, user, feed_id) is None:
            abort(404)
    flash("Adresse révoquée : les calendriers abonnés ne la liront plus.", "info")
    return redirect(url_for("feeds.agenda"))


@bp.get("/feeds/<token>.ics")
def ics(token: str) -> ResponseReturnValue:
    s = db.session()
    found = feed_tokens.resolve(s, token)
    if found is None:
        return Response(NOT_FOUND, status=404, mimetype="text/plain")
    feed, user = found
    data = calendar_feed.ics_for(s, user, feed.series_id, feed.person_id, base_url=request.host_url)
    response = Response(data, mimetype="text/calendar")
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Content-Disposition"] = files.content_disposition("rida.ics", inline=True)
    return response
