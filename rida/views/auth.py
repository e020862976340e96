"""Logging in and out (Flask-Login), API tokens, session expiry; the current user.

- The login form is refused for a while after repeated failures (:mod:`rida.accounts.login_guard`),
  with the same message whether the login exists or not.
- ``Authorization: Bearer rida_…`` authenticates a request by an API token (the
  ``request_loader``), whatever its cookies; such a request needs no CSRF token (no cookie
  is involved), and a wrong, revoked or expired token gets a JSON 401.
- A login session ends after ``RIDA_SESSION_IDLE_MINUTES`` without a request, or
  ``RIDA_SESSION_MAX_HOURS`` after the login (:mod:`rida.accounts.session_clock`).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar, cast
from urllib.parse import urlsplit

import flask_login
from flask import (
    Blueprint,
    Flask,
    Request,
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import LoginManager, current_user, login_user, logout_user

from rida import accounts, db
from rida.accounts import api_tokens, login_guard, session_clock
from rida.audit import events
from rida.audit.record import Actor
from rida.live import changes as live_changes
from rida.models import User, id_of
from rida.views import json_api
from rida.views import oidc_session as oidc

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Connectez-vous pour accéder à cette page."

WRONG = "Identifiant ou mot de passe incorrect."
LOCKED = (
    "Trop de tentatives de connexion échouées : connexion impossible pour le moment. "
    "Réessayez dans quelques minutes."
)
EXPIRED = "Votre session a expiré : reconnectez-vous."
PASSWORD_OFF = (
    "La connexion par mot de passe est désactivée : connectez-vous par votre fournisseur "
    "d'identité."
)
SSO_ONLY = "Ce compte se connecte par son fournisseur d'identité, pas par mot de passe."
BAD_TOKEN = "Jeton d'API invalide, expiré ou révoqué."

P = ParamSpec("P")
R = TypeVar("R")


def login_required(view: Callable[P, R]) -> Callable[P, R | ResponseReturnValue]:
    """Flask-Login's ``login_required``, typed (Flask-Login has no type hints): the view,
    or :func:`unauthorized`'s answer for an anonymous visitor."""
    return cast("Callable[P, R | ResponseReturnValue]", flask_login.login_required(view))


def unauthorized() -> ResponseReturnValue:
    """What an anonymous visitor gets where a login is needed (``_unauthorized`` below:
    the login page, or a JSON 401 for the API and API tokens)."""
    return cast("ResponseReturnValue", login_manager.unauthorized())


class SessionUser:
    """The Flask-Login wrapper around a User row."""

    def __init__(self, user: User):
        self.user = user
        self.id = user.id
        self.is_authenticated = True
        self.is_active = user.active
        self.is_anonymous = False

    def get_id(self) -> str:
        """``<id>.<epoch>``: a session opened before the account's password, role or
        activity changed no longer loads (see :func:`rida.accounts.account_admin.end_sessions`)."""
        return f"{self.user.id}.{self.user.session_epoch}"


def bearer_token() -> str | None:
    """The token of an ``Authorization: Bearer`` header ('' if malformed: a bearer
    without a token, or a bare ``rida_…`` token), or None. Another scheme (``Basic`` from a
    reverse proxy asking for its own password) is not ours: ignored, the cookie decides."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() == "bearer":
        return token.strip()
    return "" if scheme.startswith("rida_") else None


def _load(user_id: str) -> SessionUser | None:
    if bearer_token() is not None:
        return None  # the header decides, not the cookie (see _load_bearer)
    number, _, epoch = user_id.partition(".")
    user = db.session().get(User, int(number)) if number.isdigit() and len(number) < 10 else None
    if user is None or not user.active or epoch != str(user.session_epoch):
        return None
    return SessionUser(user)


def _load_bearer(req: Request) -> SessionUser | None:
    token = bearer_token()
    if not token:
        return None
    found = api_tokens.resolve(db.session(), token)
    if found is None:
        return None
    record, user = found
    if api_tokens.needs_touch(record) and record.id is not None:  # a stored row: it has one
        # Not db.transaction(): it asks who acts, which would load the user again (here).
        # Stamping the last use is bookkeeping, not an audited change.
        with db.write_session(db.engine()) as s:
            api_tokens.touch(s, record.id)
    g.api_token = record.prefix
    return SessionUser(user)


# Flask-Login's registering decorators are untyped: called, not used as decorators.
login_manager.user_loader(_load)
login_manager.request_loader(_load_bearer)


def bad_token() -> json_api.Answer:
    """401 for a wrong, revoked or expired API token (whatever the URL: a script)."""
    return json_api.error(401, "invalid_token", BAD_TOKEN)


def user() -> User | None:
    """The logged-in account, or None."""
    return current_user.user if current_user.is_authenticated else None


def logged_in() -> User:
    """The logged-in account, in a view behind :func:`login_required` (an anonymous
    visitor gets :func:`unauthorized`'s answer)."""
    account = user()
    if account is None:
        abort(make_response(unauthorized()))
    return account


def actor() -> Actor:
    """Who acts in this request: the logged-in account and the remote address."""
    account = user()
    ip = request.remote_addr
    return Actor(account.id, account.login, ip) if account is not None else Actor(ip=ip)


def by_token() -> bool:
    """Whether the current request is authenticated by an API token."""
    return current_user.is_authenticated and "api_token" in g


def clock() -> session_clock.Clock:
    c = current_app.config
    return session_clock.Clock(
        idle=float(c["SESSION_IDLE_SECONDS"]),
        lifetime=float(c["SESSION_MAX_SECONDS"]),
        warning=float(c["SESSION_WARNING_SECONDS"]),
    )


def limits() -> login_guard.Limits:
    c = current_app.config
    return login_guard.Limits(
        per_login=int(c["LOGIN_MAX_FAILURES"]),
        per_ip=int(c["LOGIN_MAX_FAILURES_PER_IP"]),
        window=dt.timedelta(seconds=float(c["LOGIN_WINDOW_SECONDS"])),
        lockout=dt.timedelta(seconds=float(c["LOGIN_LOCKOUT_SECONDS"])),
    )


def _safe_next(target: str | None) -> str:
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("pages.home")


def password_login_open(login: str | None = None) -> bool:
    """Whether password sign-in is open (to ``login``): ``RIDA_PASSWORD_LOGIN``, or the
    break-glass administrator ``RIDA_BREAK_GLASS_ADMIN``."""
    if current_app.config.get("PASSWORD_LOGIN", True):
        return True
    glass = str(current_app.config.get("BREAK_GLASS_ADMIN") or "")
    return bool(glass) and (login is None or login == glass)


def _password_refusal(found: User) -> str | None:
    """Why an account whose password was right may not use it: SSO only, or password
    sign-in closed to all but a break-glass administrator."""
    if found.sso_only:
        return SSO_ONLY
    if not current_app.config.get("PASSWORD_LOGIN", True) and found.role != "admin":
        return PASSWORD_OFF
    return None


def _attempt(login: str, password: str, ip: str) -> tuple[User | None, bool]:
    """The account if the login succeeds; and whether it was refused by the lockout.
    The (slow) password hashing happens outside the write transaction."""
    if login_guard.locked_until(db.session(), login, ip, limits()) is not None:
        events.emit(events.LOGIN_LOCKED, login=login, ip=ip)
        return None, True
    found = accounts.authenticate(db.session(), login, password)
    new_hash = accounts.upgraded_hash(found, password) if found is not None else None
    with db.transaction() as s:
        if found is None:
            login_guard.record_failure(s, login, ip)
            events.emit(events.LOGIN_FAILED, session=s, login=login, ip=ip)
            return None, False
        login_guard.forget(s, login)
        if new_hash is not None:
            stored = s.get(User, found.id)
            if stored is not None:
                stored.password_hash = new_hash
                s.add(stored)
        events.by_account(events.LOGIN_SUCCEEDED, found, ip, session=s)
        return found, False


@bp.route("/connexion", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    if request.method == "POST":
        login_name = request.form.get("login", "")[:100]
        if not password_login_open(login_name):
            events.emit(
                events.LOGIN_FAILED,
                login=login_name,
                ip=request.remote_addr,
                details={"reason": "password_login_off"},
            )
            flash(PASSWORD_OFF, "error")
            return render_template("auth/login.html"), 403
        found, locked = _attempt(
            login_name, request.form.get("password", "")[:1000], request.remote_addr or ""
        )
        refused = _password_refusal(found) if found is not None else None
        if found is not None and refused is not None:
            events.emit(
                events.LOGIN_FAILED,
                user_id=found.id,
                login=found.login,
                ip=request.remote_addr,
                details={"reason": "sso_only" if found.sso_only else "password_login_off"},
            )
            logout_user()
            flash(refused, "error")
            return render_template("auth/login.html"), 403
        if found is not None:
            login_user(SessionUser(found), remember=False)
            session_clock.start(session, time.time())
            return redirect(_safe_next(request.args.get("next")))
        flash(LOCKED if locked else WRONG, "error")
        return render_template("auth/login.html"), 429 if locked else 401
    return render_template("auth/login.html")


@bp.route("/deconnexion", methods=["POST"])
def logout() -> ResponseReturnValue:
    account = user()
    provider_logout = oidc.provider_logout(session.pop(oidc.SIGNED_IN, None))
    if account is not None:
        with db.transaction() as s:
            events.by_account(events.LOGGED_OUT, account, request.remote_addr, session=s)
            # This login session's live streams close (the account's other sessions stay).
            live_changes.signed_out(s, id_of(account), session.get(session_clock.LOGIN_AT))
    logout_user()
    session_clock.forget(session)
    flash("Vous êtes déconnecté.", "info")
    # Signed in through a provider: its session ends too (it sends the browser back here).
    return redirect(provider_logout or url_for("auth.login"))


def _expire_session() -> None:
    """Before each request: a session past its idle or absolute limit is logged out (the
    request then goes on anonymous: login page, or 401 for the API)."""
    if bearer_token() is not None or "_user_id" not in session:
        return
    now = time.time()
    c = clock()
    if c.seconds_left(session, now) <= 0:
        user_id = str(session.get("_user_id")).partition(".")[0]
        events.emit(
            events.LOGGED_OUT,
            user_id=int(user_id) if user_id.isdigit() else None,
            ip=request.remote_addr,
            object_type="user",
            object_id=user_id,
            details={"reason": "session_expired"},
        )
        logout_user()
        session_clock.forget(session)
        g.session_expired = True
        return
    # Asking how long is left is not activity (the editor asks on its own), nor is
    # watching a meeting live (a stream that stays open, or reconnects on its own), nor
    # saying where one is in the editor (the page repeats it on its own).
    passive = request.endpoint in PASSIVE and request.method == "GET"
    if not (passive or request.endpoint in PASSIVE_ANY_METHOD):
        session_clock.seen(session, c, now)


# GET requests that do not count as activity for the session's idle time.
PASSIVE = ("session_api.status", "live_api.events")
# Requests, whatever their method, that a page sends by itself: no activity either.
PASSIVE_ANY_METHOD = ("live_api.presence",)


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    oidc.init_app(app)
    app.jinja_env.globals["oidc_providers"] = oidc.providers
    app.jinja_env.globals["password_login_open"] = password_login_open
    app.extensions[db.ACTOR_OF_REQUEST] = actor
    app.before_request(_expire_session)

    def _unauthorized() -> ResponseReturnValue:
        if bearer_token() is not None:
            return bad_token()
        expired = g.get("session_expired", False)
        if json_api.wants_json():
            if expired:
                return json_api.error(401, "session_expired", EXPIRED)
            return json_api.error(401, "unauthorized", "Authentification requise.")
        flash(EXPIRED if expired else login_manager.login_message, "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    login_manager.unauthorized_handler(_unauthorized)
