"""The rida apps of the search benchmark: SQLite with Whoosh, and PostgreSQL (its own
schema of the given server, dropped after) searching inside the database."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text


def config(data: Path, url: str) -> dict[str, Any]:
    return {
        "DATA_DIR": data,
        "EXPORT_DIR": data / "exports",
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_hex(16),
        "SEARCH_INDEXER": False,
    }


@contextmanager
def sqlite_app(data: Path) -> Iterator[Any]:
    from rida import create_app

    app = create_app(config(data, f"sqlite:///{data / 'rida.sqlite3'}"))
    try:
        yield app
    finally:
        app.extensions["rida.engine"].dispose()


@contextmanager
def postgresql_schema(server: str, prefix: str = "bench") -> Iterator[tuple[str, str]]:
    """(URL, application_name): a schema of its own on ``server``, dropped after; its
    connections are named, so that their server processes can be found."""
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    application = f"rida-{prefix}-{schema}"
    admin = create_engine(server)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    joiner = "&" if "?" in server else "?"
    url = f"{server}{joiner}options=-csearch_path%3D{schema}&application_name={application}"
    try:
        yield url, application
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def postgresql_app(data: Path, server: str) -> Iterator[tuple[Any, str]]:
    """(app, the application_name of its connections)."""
    from rida import create_app

    with postgresql_schema(server) as (url, application):
        app = create_app(config(data, url))
        try:
            yield app, application
        finally:
            app.extensions["rida.engine"].dispose()
