"""Cross-cutting web concerns: CSRF, security headers, errors, template helpers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask, Response, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError, CSRFProtect
from markupsafe import Markup
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from rida import db, fields, render
from rida.meetings import people
from rida.views import auth, json_api, local_queue

csrf = CSRFProtect()

# No inline script or style, no other origin; set on every response (pages, API, errors,
# downloads, static files). A download that needs more (the HTML compte-rendu) sets its own.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    # rida needs none of these browser features.
    "Permissions-Policy": "accelerometer=(), camera=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), payment=(), usb=()",
}
# Sent only when the cookies are marked Secure, i.e. rida is served over HTTPS.
HSTS = "max-age=31536000"

MESSAGES = {
    400: "Requête invalide.",
    401: "Authentification requise.",
    403: "Action non autorisée.",
    404: "Page introuvable.",
    405: "Méthode non autorisée.",
    409: "Conflit de modification.",
    500: "Erreur interne du serveur. L'incident a été consigné.",
}
BUSY = "La base de données est momentanément occupée ou injoignable : réessayez dans un instant."


def date_input(value: object) -> str:
    """A date as a date field shows it: JJ/MM/AAAA (from a date or an ISO string); any
    other text (what was typed, refused) as is; nothing for None."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    try:
        return f"{dt.date.fromisoformat(str(value)):%d/%m/%Y}"
    except ValueError:
        return str(value)


def size_words(size: int) -> str:
    """``5000000`` -> ``5 Mo``; ``1500000`` -> ``1,5 Mo``; ``800000`` -> ``800 Ko``."""
    for unit, name in ((1_000_000, "Mo"), (1_000, "Ko")):
        if size >= unit:
            return f"{round(size / unit, 1):g} {name}".replace(".", ",")
    return f"{size} octets"


def too_large_message() -> str:
    return (
        f"Requête trop volumineuse : "
        f"{size_words(current_app.config['MAX_CONTENT_LENGTH'])} au plus."
    )


def error_response(
    status: int, message: str | None = None, **extra: object
) -> tuple[dict[str, Any] | str, int]:
    """The error page, or ``{"error", "message"}`` under ``/api/``: only our own French
    message, never an exception's text or a stack trace."""
    if status == 413 and message is None:
        message = too_large_message()
    message = message or MESSAGES.get(status, "Erreur.")
    if json_api.wants_json():
        return json_api.error(status, str(extra.pop("code", None) or status), message, **extra)
    return render_template("errors/error.html", status=status, message=message), status


def _check_csrf() -> ResponseReturnValue | None:
    """CSRF on every state-changing request, except those authenticated by an API token
    (``Authorization: Bearer``: no cookie is involved, nothing a foreign page can forge).
    A request whose token does not authenticate it gets the API's 401 at once (the header
    decides, never the cookie), not a CSRF error that would send a script astray."""
    if (
        not current_app.config.get("WTF_CSRF_ENABLED", True)
        or not request.endpoint
        or request.method not in current_app.config["WTF_CSRF_METHODS"]
        or auth.by_token()
    ):
        return None
    if auth.bearer_token() is not None:
        return auth.bad_token()
    csrf.protect()
    return None


class Identifier(IntegerConverter):
    """``<int:…>`` in every route: an id the database can hold (``integer`` on
    PostgreSQL), so that a larger number is an unknown page (404), never a 500."""

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", fields.ID_MAX)
        super().__init__(url_map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Before any blueprint is registered (the ``int`` converter applies to routes added
    after it)."""
    app.url_map.converters["int"] = Identifier
    csrf.init_app(app)
    # The check runs in _check_csrf (after rida.views.auth has read any API token), not in
    # Flask-WTF's own hook.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    app.before_request(_check_csrf)

    @app.errorhandler(CSRFError)
    def _csrf(e: CSRFError) -> ResponseReturnValue:
        return error_response(
            400, "Jeton CSRF absent ou invalide : rechargez la page.", code="csrf"
        )

    @app.errorhandler(HTTPException)
    def _http(e: HTTPException) -> ResponseReturnValue:
        return error_response(e.code or 500)

    @app.errorhandler(Exception)
    def _crash(e: Exception) -> ResponseReturnValue:
        if db.is_transient(e):  # nothing written (one transaction): the client may retry
            app.logger.warning("Base momentanément indisponible sur %s : %s", request.path, e)
            body, status = error_response(503, BUSY, code="busy")
            return body, status, {"Retry-After": "1"}
        app.logger.exception("Unhandled error on %s", request.path)
        return error_response(500)

    @app.after_request
    def _headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        # Confidential by default: nothing but the static assets is kept by a browser or a
        # proxy (pages, API answers, downloads, CSV/XLSX, feeds set their own).
        if request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "private, no-store")
        return response

    app.jinja_env.filters["markdown"] = lambda text: Markup(render.markdown_html(text))
    app.jinja_env.filters["date_words"] = render.date_words
    app.jinja_env.filters["date_short"] = render.date_short
    app.jinja_env.filters["date_input"] = date_input
    app.jinja_env.globals.update(
        labels={
            "status": render.STATUS_LABELS,
            "classification": render.CLASSIFICATION_LABELS,
            "nature": render.NATURE_LABELS,
            "attendance": render.ATTENDANCE_LABELS,
            "action_kind": render.ACTION_KIND_LABELS,
            "action_status": render.ACTION_STATUS_LABELS,
            "role": render.ROLE_LABELS,
        },
        current_account=auth.user,
        local_queue=local_queue,
        person_name=people.display_name,
    )
