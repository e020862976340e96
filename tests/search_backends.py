"""The search tests run against both engines: in a module marked ``both_engines``
(``pytestmark = pytest.mark.both_engines``), the fixtures ``app`` and ``module_app`` of
``tests/conftest.py`` are parametrised over ``whoosh`` (SQLite and its Whoosh index) and
``postgresql`` (a schema of RIDA_TEST_POSTGRES_URL, searched inside PostgreSQL); the
fixture ``whoosh_app`` stays on Whoosh, for the tests of its files.

Without RIDA_TEST_POSTGRES_URL the ``postgresql`` variants are skipped (under CI=1 a skip
fails: CI always sets it).
"""

from __future__ import annotations

import atexit
import functools
import os
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, text

from rida import db, search
from rida.accounts import hash_password
from rida.models import User

URL = os.environ.get("RIDA_TEST_POSTGRES_URL", "")
BACKENDS = ("whoosh", "postgresql")
ROLES = (
    ("admin", "admin"),
    ("rapporteur", "rapporteur"),
    ("member", "member"),
    ("reader", "reader"),
)


def schema_url(schema: str) -> str:
    return f"{URL}{'&' if '?' in URL else '?'}options=-csearch_path%3D{schema}"


@contextmanager
def new_schema() -> Iterator[str]:
    """A fresh schema of the test server (dropped after)."""
    if not URL:
        pytest.skip("RIDA_TEST_POSTGRES_URL is not set")
    schema = f"s_{uuid.uuid4().hex[:12]}"
    admin = create_engine(URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield schema
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@functools.cache
def password_hash(password: str) -> str:
    """Hashed once per process (argon2id costs tens of milliseconds on purpose)."""
    return hash_password(password)


def postgresql_app(data_dir: Path, schema: str) -> Iterator[Flask]:
    """A real app on ``schema`` (migrated at start), with one account per role."""
    from tests.conftest import PASSWORD, make_app

    data_dir.mkdir(parents=True, exist_ok=True)
    app = make_app(data_dir, DATABASE_URL=schema_url(schema))
    try:
        with app.app_context(), db.transaction() as s:
            for login, role in ROLES:
                s.add(User(login=login, password_hash=password_hash(PASSWORD), role=role))
        yield app
    finally:
        with app.app_context():
            db.engine().dispose()


def emptied(schema: str) -> None:
    """Every table of ``schema`` emptied, its schema version kept (the audit log's
    append-only triggers set aside for it)."""
    engine = create_engine(schema_url(schema))
    try:
        with engine.begin() as conn:
            tables = conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": schema}
            ).scalars()
            names = ", ".join(f'"{t}"' for t in tables if t != "alembic_version")
            conn.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER USER"))
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            conn.execute(text("ALTER TABLE audit_entry ENABLE TRIGGER USER"))
    finally:
        engine.dispose()


_REUSED = ExitStack()
atexit.register(_REUSED.close)


@functools.cache
def reused_schema() -> str:
    """One schema per test process for the function-scoped apps, emptied after each
    (dropped when the process ends)."""
    return _REUSED.enter_context(new_schema())


def engine_app(
    engine: str, data_dir: Path, template_db: Path, *, shared: bool = False
) -> Iterator[Flask]:
    """The real app of the tests with this search engine: Whoosh on a copy of the template
    database; PostgreSQL on the process's reused schema, emptied after, or (``shared``:
    a module's app, alive beside the tests' own) on a fresh schema."""
    from tests.conftest import app_on_copy

    if engine == "whoosh":
        yield from app_on_copy(data_dir, template_db)
    elif shared:
        with new_schema() as schema:
            yield from postgresql_app(data_dir, schema)
    else:
        schema = reused_schema()
        try:
            yield from postgresql_app(data_dir, schema)
        finally:
            emptied(schema)


def backend_of(app: Flask) -> str:
    return search.backend_name(app)
