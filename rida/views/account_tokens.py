"""« Jetons d'API » (``/compte/jetons``): each account creates its tokens (shown once) and
revokes them."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from rida import db
from rida.accounts import api_tokens
from rida.fields import FieldError
from rida.models import User
from rida.views import auth
from rida.views.auth import login_required

bp = Blueprint("account_tokens", __name__, url_prefix="/compte/jetons")


def _page(
    user: User, *, created: str | None = None, error: str | None = None, status: int = 200
) -> Response:
    tokens = [api_tokens.as_dict(t, u) for t, u in api_tokens.tokens_of(db.session(), user)]
    page = render_template("account/tokens.html", tokens=tokens, created=created, error=error)
    response = Response(page, status=status)
    response.headers["Cache-Control"] = "no-store"  # the new token is shown only once
    return response


@bp.get("")
@login_required
def index() -> ResponseReturnValue:
    return _page(auth.logged_in())


@bp.post("")
@login_required
def create() -> ResponseReturnValue:
    user = auth.logged_in()
    raw_days = request.form.get("expires_days", "").strip()
    try:
        if raw_days and not raw_days.isdigit():
            raise FieldError("expires_days", "nombre de jours attendu")
        with db.transaction() as s:
            _, token = api_tokens.create(
                s,
                user,
                name=request.form.get("name", ""),
                expires_days=int(raw_days) if raw_days else None,
                actor=user,
                ip=request.remote_addr,
            )
    except FieldError as e:
        return _page(user, error=f"Jeton non créé : {e.message}.", status=400)
    return _page(user, created=token)


@bp.post("/<prefix>/revocation")
@login_required
def revoke(prefix: str) -> ResponseReturnValue:
    user = auth.logged_in()
    try:
        with db.transaction() as s:
            api_tokens.revoke(s, prefix, owner=user, actor=user, ip=request.remote_addr)
    except FieldError:
        abort(404)
    flash(f"Jeton {prefix} révoqué : les scripts qui l'utilisent sont refusés.", "info")
    return redirect(url_for("account_tokens.index"))
