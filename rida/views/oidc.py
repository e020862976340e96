"""Sign-in through an OpenID Connect provider: the button's POST sends the browser to the
provider, which sends it back to the callback; the logout also ends the provider's
session when it can (:mod:`rida.accounts.oidc`)."""

from __future__ import annotations

import time

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_user

from rida import db
from rida.accounts import session_clock
from rida.accounts.oidc import linking, protocol
from rida.accounts.oidc.config import Provider
from rida.accounts.oidc.protocol import Pending, SignInError
from rida.views import oidc_session as oidc
from rida.views.auth import SessionUser, _safe_next

bp = Blueprint("oidc", __name__)

PENDING = "oidc_pending"  # the flow under way (state, nonce, PKCE verifier)
SIGNED_IN = oidc.SIGNED_IN


def _provider(name: str) -> Provider:
    found = oidc.providers().get(name)
    if found is None:
        abort(404)
    return found


def _callback(provider: Provider) -> str:
    return url_for("oidc.callback", name=provider.name, _external=True)


def _refused(provider: str, error: SignInError, status: int = 401) -> ResponseReturnValue:
    linking.record_refusal(provider, error, request.remote_addr)
    flash(error.message, "error")
    return render_template("auth/login.html"), status


@bp.route("/connexion/oidc/<name>", methods=["POST"])
def start(name: str) -> ResponseReturnValue:
    provider = _provider(name)
    try:
        url, pending = protocol.begin(
            provider, _callback(provider), _safe_next(request.args.get("next"))
        )
    except SignInError as error:
        return _refused(name, error, 502)
    session[PENDING] = pending.as_dict()
    return redirect(url)


@bp.route("/connexion/oidc/<name>/retour")
def callback(name: str) -> ResponseReturnValue:
    provider = _provider(name)
    kept = session.pop(PENDING, None)
    pending = (
        Pending(**kept)
        if isinstance(kept, dict) and set(kept) == set(Pending.__dataclass_fields__)
        else None
    )
    args = {k: v[:2000] for k, v in request.args.items()}
    try:
        claims, id_token = protocol.finish(provider, pending, args, _callback(provider))
        with db.transaction() as s:
            user = linking.sign_in(s, provider, claims, request.remote_addr)
    except SignInError as error:
        return _refused(name, error)
    refusal = linking.refusal(user)
    if refusal is not None:
        return _refused(name, refusal, 403)
    login_user(SessionUser(user), remember=False)
    session_clock.start(session, time.time())
    session[SIGNED_IN] = {"provider": provider.name, "id_token": id_token}
    return redirect(pending.next if pending else url_for("pages.home"))
