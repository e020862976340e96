"""Logging in and out (Flask-Login), and the current user for views."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_login import LoginManager, current_user, login_user, logout_user

from rida import accounts, db
from rida.models import User

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Connectez-vous pour accéder à cette page."


class SessionUser:
    """The Flask-Login wrapper around a User row."""

    def __init__(self, user: User):
        self.user = user
        self.id = user.id
        self.is_authenticated = True
        self.is_active = user.active
        self.is_anonymous = False

    def get_id(self) -> str:
        return str(self.user.id)


@login_manager.user_loader
def _load(user_id: str) -> SessionUser | None:
    user = db.session().get(User, int(user_id)) if user_id.isdigit() else None
    return SessionUser(user) if user is not None and user.active else None


def user() -> User | None:
    """The logged-in account, or None."""
    return current_user.user if current_user.is_authenticated else None


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") \
            and not urlsplit(target).netloc:
        return target
    return url_for("pages.home")


@bp.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    if request.method == "POST":
        found = accounts.authenticate(db.session(), request.form.get("login", ""),
                                      request.form.get("password", ""))
        if found is not None:
            login_user(SessionUser(found), remember=False)
            return redirect(_safe_next(request.args.get("next")))
        flash("Identifiant ou mot de passe incorrect.", "error")
        return render_template("auth/login.html"), 401
    return render_template("auth/login.html")


@bp.route("/logout", methods=["POST"])
def logout():  # type: ignore[no-untyped-def]
    logout_user()
    flash("Vous êtes déconnecté.", "info")
    return redirect(url_for("auth.login"))


def init_app(app: Flask) -> None:
    login_manager.init_app(app)

    @login_manager.unauthorized_handler
    def _unauthorized():  # type: ignore[no-untyped-def]
        if request.path.startswith("/api/"):
            return {"error": "unauthorized",
                    "message": "Authentification requise."}, 401
        flash(login_manager.login_message, "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    app.register_blueprint(bp)
