"""Cross-cutting web concerns: CSRF, security headers, errors, template helpers."""

from __future__ import annotations

from flask import Flask, Response, current_app, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from rida import auth, people, render

csrf = CSRFProtect()

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")

MESSAGES = {
    400: "Requête invalide.",
    401: "Authentification requise.",
    403: "Action non autorisée.",
    404: "Page introuvable.",
    405: "Méthode non autorisée.",
    409: "Conflit de modification.",
    413: "Requête trop volumineuse.",
    500: "Erreur interne du serveur. L'incident a été consigné.",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, message: str | None = None, **extra: object
                   ) -> tuple[object, int]:
    message = message or MESSAGES.get(status, "Erreur.")
    if wants_json():
        return {"error": extra.pop("code", None) or str(status), "message": message,
                **extra}, status
    return render_template("errors/error.html", status=status, message=message), status


def _check_csrf() -> None:
    """CSRF on every state-changing request, except those authenticated by an API token
    (``Authorization: Bearer``: no cookie is involved, nothing a foreign page can forge)."""
    if not current_app.config.get("WTF_CSRF_ENABLED", True) or not request.endpoint \
            or request.method not in current_app.config["WTF_CSRF_METHODS"] \
            or auth.by_token():
        return
    csrf.protect()


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    # The check runs in _check_csrf (after rida.auth has read any API token), not in
    # Flask-WTF's own hook.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    app.before_request(_check_csrf)

    @app.errorhandler(CSRFError)
    def _csrf(e: CSRFError):  # type: ignore[no-untyped-def]
        return error_response(400, "Jeton CSRF absent ou invalide : rechargez la page.",
                              code="csrf")

    @app.errorhandler(HTTPException)
    def _http(e: HTTPException):  # type: ignore[no-untyped-def]
        return error_response(e.code or 500)

    @app.errorhandler(Exception)
    def _crash(e: Exception):  # type: ignore[no-untyped-def]
        app.logger.exception("Unhandled error on %s", request.path)
        return error_response(500)

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.path.startswith("/api/") or request.endpoint == "pages.edit":
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    app.jinja_env.filters["markdown"] = lambda text: Markup(render.markdown_html(text))
    app.jinja_env.filters["date_words"] = render.date_words
    app.jinja_env.filters["date_short"] = render.date_short
    app.jinja_env.globals.update(
        labels={"status": render.STATUS_LABELS,
                "classification": render.CLASSIFICATION_LABELS,
                "nature": render.NATURE_LABELS, "attendance": render.ATTENDANCE_LABELS,
                "action_kind": render.ACTION_KIND_LABELS,
                "action_status": render.ACTION_STATUS_LABELS, "role": render.ROLE_LABELS},
        current_account=auth.user, person_name=people.display_name)
