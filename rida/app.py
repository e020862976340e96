"""The Flask application: settings, infrastructure and blueprints wired together.

:func:`create_core_app` is the part a ``rida`` command needs (settings, database, search
index, audit); :func:`create_app` adds the web layer (login, CSRF, error pages, every
blueprint), imported only then so that a command starts without it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, has_app_context

from rida import db, search, settings
from rida.audit import anchor as audit_anchor
from rida.audit import events as audit_events
from rida.audit import hooks as audit_hooks  # its listeners audit every write
from rida.backups import server_lock
from rida.live import changes as live_changes  # noqa: F401  (its listeners fill the change log)
from rida.live import retention as live_retention
from rida.paths import templates_dir
from rida.search import indexer


@audit_events.happened.connect
def _record_event(event: audit_events.Event, session: Any = None) -> None:
    """Record an emitted event in the audit log: in the caller's transaction (given, or
    the one this thread has open), else in one of its own. Connected here, with the core
    app, so that the events of the commands are recorded as well as the web's."""
    if session is None and has_app_context():
        session = db.open_write_session(db.engine())
    if session is not None:
        audit_hooks.record_event(session, event)
    elif has_app_context():
        with db.transaction() as s:
            audit_hooks.record_event(s, event)


def create_core_app(
    test_config: dict[str, Any] | None = None, *, lazy_search: bool = False
) -> Flask:
    """The application without its web layer: what a ``rida`` command runs in
    (``lazy_search``: the search index is opened when first used)."""
    app = Flask(__name__, template_folder=str(templates_dir()))
    app.config.update(settings.load())
    if test_config:
        app.config.update(test_config)
    app.config["DATA_DIR"] = Path(app.config["DATA_DIR"])
    app.config["EXPORT_DIR"] = Path(app.config["EXPORT_DIR"])
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = settings.secret_key(app.config["DATA_DIR"])
    # One size limit for every request (form fields included: Flask's own default is 500 kB).
    app.config["MAX_FORM_MEMORY_SIZE"] = app.config["MAX_CONTENT_LENGTH"]
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"  # Secure: RIDA_SECURE_COOKIES
    # The CSRF token lives as long as the session: an editor left open all day still saves.
    app.config["WTF_CSRF_TIME_LIMIT"] = None

    if app.config.get("SERVER_PROCESS") or app.config.get("SEARCH_INDEXER", not app.testing):
        server_lock.hold(app)  # before touching the database: waits for a restore
    db.init_app(app)
    audit_anchor.init_app(app)  # the audit chain anchored outside the database
    live_retention.init_app(app)  # the change log keeps a few days
    search.init_app(app, lazy=lazy_search)
    indexer.init_app(app)  # drains the search outbox (not under TESTING unless asked)
    return app


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = create_core_app(test_config)
    _add_web(app)
    return app


def _add_web(app: Flask) -> None:
    """Login, CSRF, error pages and every blueprint (imported here: a command does
    without them)."""
    from rida.search import processes as search_processes
    from rida.views import auth, compression, search_gate, web

    compression.init_app(app)  # first: its after_request hook runs last
    auth.init_app(app)
    search_gate.init_app(app)  # searches take turns: saves never queue behind them
    search_processes.init_app(
        app, create_core_app
    )  # and, under ``rida serve``, run in processes of their own
    web.init_app(app)  # first: its ``int`` converter applies to the routes added after it
    for blueprint in blueprints():
        app.register_blueprint(blueprint)


def blueprints() -> tuple[Blueprint, ...]:
    """Every blueprint of the app: the pages, the JSON API (``/api/...``, in English: a
    public contract), and the pages' old English URLs, permanent redirects to the French
    ones."""
    from rida.views import (
        account_tokens,
        action_board,
        action_pages,
        action_status_api,
        actions_api,
        api,
        auth,
        circuit_api,
        circuit_pages,
        exports,
        feeds,
        figures,
        health,
        imports,
        journal,
        live,
        live_api,
        moved,
        oidc,
        pages,
        search_api,
        session_api,
    )
    from rida.views import admin_accounts as admin_account_pages
    from rida.views import glossary as glossary_pages
    from rida.views import people as people_pages
    from rida.views import search as search_pages

    return (
        auth.bp,
        oidc.bp,
        health.bp,
        pages.bp,
        circuit_pages.bp,
        action_pages.bp,
        exports.bp,
        figures.bp,
        feeds.bp,
        imports.bp,
        search_pages.bp,
        glossary_pages.bp,
        people_pages.bp,
        action_board.bp,
        admin_account_pages.bp,
        account_tokens.bp,
        journal.bp,
        api.bp,
        actions_api.bp,
        action_status_api.bp,
        circuit_api.bp,
        search_api.bp,
        session_api.bp,
        live_api.bp,
        live.bp,
        moved.bp,
    )
