"""The Flask application: settings, infrastructure and blueprints wired together.

:func:`create_core_app` is the part a ``rida`` command needs (settings, database, search
index, audit); :func:`create_app` adds the web layer (login, CSRF, error pages, every
blueprint), imported only then so that a command starts without it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from rida import db, search, settings
from rida.audit import hooks as audit_hooks  # noqa: F401  (its listeners audit every write)
from rida.backups import server_lock
from rida.paths import templates_dir
from rida.search import indexer


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

    if app.config.get("SEARCH_INDEXER", not app.testing):  # a server process
        server_lock.hold(app)  # before touching the database: waits for a restore
    db.init_app(app)
    search.init_app(app, lazy=lazy_search)
    indexer.init_app(app)  # drains the search outbox (not under TESTING unless asked)
    return app


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = create_core_app(test_config)
    _add_web(app)
    return app


def _add_web(app: Flask) -> None:
    """Login, CSRF, error pages and every blueprint."""
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
        imports,
        journal,
        pages,
        session_api,
        web,
    )
    from rida.views import admin_accounts as admin_account_pages
    from rida.views import glossary as glossary_pages
    from rida.views import people as people_pages
    from rida.views import search as search_pages

    # imported for the routes they add to api.bp
    del action_status_api, actions_api, circuit_api

    auth.init_app(app)
    web.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(circuit_pages.bp)
    app.register_blueprint(action_pages.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(imports.bp)
    app.register_blueprint(search_pages.bp)
    app.register_blueprint(glossary_pages.bp)
    app.register_blueprint(people_pages.bp)
    app.register_blueprint(action_board.bp)
    app.register_blueprint(session_api.bp)
    app.register_blueprint(admin_account_pages.bp)
    app.register_blueprint(account_tokens.bp)
    app.register_blueprint(journal.bp)
