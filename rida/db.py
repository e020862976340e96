"""Database engine, sessions and schema migrations.

This is the only module that knows it may be talking to SQLite: foreign keys on, WAL
journal, a busy timeout, and write transactions started with ``BEGIN IMMEDIATE`` so that
concurrent writers queue up instead of failing on a lock upgrade. It is also the only
PostgreSQL's own SQL is in :mod:`rida.postgresql` (the write transactions' locks, the
change log's order, ``NOTIFY`` and ``LISTEN``), whose names this module also offers, for
both databases (on SQLite they do nothing, or answer None). Everything else goes through
SQLAlchemy and works the same on both.
"""

from __future__ import annotations

import os
import re
import threading
import weakref
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text

from rida import postgresql
from rida.paths import MIGRATIONS_DIR
from rida.postgresql import Listener as Listener
from rida.postgresql import listener as listener
from rida.postgresql import lock_commit_order as lock_commit_order
from rida.postgresql import notify as notify

if TYPE_CHECKING:
    from alembic.config import Config
    from flask import Flask
    from sqlmodel import Session

# Flask and SQLModel (the ORM) are imported where they are used: a command that only
# reads, such as ``rida list``, runs on SQLAlchemy Core alone and starts faster.

WRITE_OPTION = "rida_write"
MEETING_OPTION = "rida_meeting"  # a write transaction that changes this meeting only
# session.info keys: a write session (its changes are audited and queued for the search
# index by the listeners of rida.audit.hooks and rida.search.outbox), and who acts in it.
WRITE = "rida.write"
ACTOR = "rida.actor"

# SQLite has one writer at a time. Threads of one process queue on this lock (woken in
# turn, at once) rather than in SQLite's busy handler, which polls with sleeps of up to
# 100 ms and made the slowest autosaves wait for nothing; other processes still queue
# on the busy timeout.
_WRITE_LOCKS: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()


# The write session each thread has open, per engine: an event emitted without its
# session while one is open joins it (a second write session would wait for the lock the
# thread itself holds).
_OPEN = threading.local()

# A request may hold a read and a write connection; the server runs 8 threads.
POOL = {"pool_size": 10, "max_overflow": 20}


def make_engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        engine = create_engine(url, pool_pre_ping=True, **POOL)

        @event.listens_for(engine, "begin")
        def _on_begin_server(conn: Connection) -> None:
            options = conn.get_execution_options()
            if options.get(WRITE_OPTION, False):
                postgresql.lock_writers(conn, options.get(MEETING_OPTION))

        return engine
    in_memory = url in ("sqlite://", "sqlite:///:memory:")  # one shared connection
    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": 30}, **({} if in_memory else POOL)
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event decide how transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        writing = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")

    _WRITE_LOCKS[engine] = threading.Lock()
    return engine


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def read_session(engine: Engine) -> Session:
    from sqlmodel import Session

    return Session(engine, expire_on_commit=False)


@contextmanager
def write_session(engine: Engine, *, meeting: int | None = None) -> Iterator[Session]:
    """One write transaction: committed on success, rolled back whole on any error.

    The session is marked :data:`WRITE`: the meetings it changes are queued for the
    search index, and every create, update and delete is recorded in the audit log, in
    the same transaction (:mod:`rida.search.outbox`, :mod:`rida.audit.hooks`, whose
    listeners the application installs). ``meeting``: the transaction changes that
    meeting's own records only (its header, rows, actions, presence), so that on
    PostgreSQL it waits only for the other writers of that meeting
    (:func:`rida.postgresql.lock_writers`)."""
    from sqlmodel import Session

    lock = _WRITE_LOCKS.get(engine)
    with lock if lock is not None else nullcontext():
        options = {WRITE_OPTION: True, MEETING_OPTION: meeting}
        session = Session(engine.execution_options(**options), expire_on_commit=False)
        session.info[WRITE] = engine  # the engine itself, truthy
        opened = _open_sessions()
        outer = opened.get(engine)
        opened[engine] = session
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            if outer is None:
                opened.pop(engine, None)
            else:
                opened[engine] = outer
            session.close()


def _open_sessions() -> dict[Engine, Session]:
    if not hasattr(_OPEN, "sessions"):
        _OPEN.sessions = {}
    sessions: dict[Engine, Session] = _OPEN.sessions
    return sessions


def open_write_session(engine: Engine) -> Session | None:
    """The write session this thread has open on ``engine``, if any."""
    return _open_sessions().get(engine)


# --- Momentary errors ---------------------------------------------------------------


def is_transient(error: Exception) -> bool:
    """Whether a database error is momentary (the same request may succeed in a moment):
    a lost connection, a deadlock, a lock waited for too long (PostgreSQL's
    :data:`rida.postgresql.TRANSIENT_STATES`), SQLite's « database is locked »."""
    from sqlalchemy.exc import DBAPIError

    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    original = error.orig
    state = getattr(original, "sqlstate", None)
    if isinstance(state, str):
        return state.startswith(postgresql.TRANSIENT_STATES)
    message = str(original).lower()
    return "database is locked" in message or "database is busy" in message


def change_marker(engine: Engine) -> tuple[int, ...] | None:
    """SQLite: a fingerprint of the database's files (the main file and its WAL: inode,
    modification time, size) that every commit changes, read without opening the
    database (two ``stat`` calls); None when there is none (PostgreSQL, in memory)."""
    database = engine.url.database if is_sqlite(engine) else None
    if not database or database == ":memory:":
        return None
    found: list[int] = []
    for path in (database, database + "-wal"):
        try:
            st = os.stat(path)
        except FileNotFoundError:
            found += [0, 0, 0]
        else:
            found += [st.st_ino, st.st_mtime_ns, st.st_size]
    return tuple(found)


def alembic_config(url: str) -> Config:
    from alembic.config import Config  # Alembic and the migrations: only to migrate

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (creates it on an empty database)."""
    from alembic import command

    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")


_REVISION = re.compile(r"^revision(?:: str)? = ['\"]([^'\"]+)", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\b[^=]*= (.*)$", re.MULTILINE)


@cache
def schema_heads() -> frozenset[str]:
    """The newest revision(s) of the migration scripts, read from their files without
    importing Alembic (a test checks them against Alembic's own heads)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        found = _REVISION.search(source)
        if found is None:
            raise ValueError(f"{path} : révision de migration introuvable")
        revisions.add(found.group(1))
        down = _DOWN_REVISION.search(source)
        parents.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1) if down else ""))
    return frozenset(revisions - parents)


def at_head(engine: Engine) -> bool:
    """Whether the database's schema is already at the newest migration (then
    :func:`upgrade` has nothing to do, and Alembic need not be loaded)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return False
        current = set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    return current == schema_heads()


def is_initialised(engine: Engine) -> bool:
    return inspect(engine).has_table("meeting")


def integrity_ok(engine: Engine) -> bool:
    """SQLite's own consistency check; other engines are trusted."""
    if not is_sqlite(engine):
        return True
    with engine.connect() as conn:
        return conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


# --- Flask integration -------------------------------------------------------------


class App(Protocol):
    """What the domain's ``init_app`` functions use of the application (a Flask app), so
    that they need not import Flask."""

    @property
    def config(self) -> dict[str, Any]: ...

    @property
    def extensions(self) -> dict[str, Any]: ...

    @property
    def testing(self) -> bool: ...

    def app_context(self) -> AbstractContextManager[Any]: ...


def open_engine(config: Mapping[str, Any]) -> Engine:
    """The engine of ``config["DATABASE_URL"]`` (a SQLite file's folder created), its
    schema brought to the newest migration unless ``AUTO_MIGRATE`` is off."""
    url = config["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    engine = make_engine(url)
    if config.get("AUTO_MIGRATE", True) and not at_head(engine):
        upgrade(engine)
    return engine


def init_app(app: Flask) -> None:
    app.extensions["rida.engine"] = open_engine(app.config)
    app.teardown_appcontext(_close_session)


def extension(name: str) -> Any:
    """The current app's extension ``name`` (``app.extensions[name]``)."""
    from flask import current_app

    return current_app.extensions[name]


def current_app_object() -> App:
    """The current app itself, for modules that do not import Flask."""
    from flask import current_app

    # Flask types the current_app proxy as Flask itself, hiding the proxy's methods.
    found: App = current_app._get_current_object()  # type: ignore[attr-defined]
    return found


def engine() -> Engine:
    engine: Engine = extension("rida.engine")
    return engine


def session() -> Session:
    """The read session of the current request."""
    from flask import g

    if "db_session" not in g:
        g.db_session = read_session(engine())
    current: Session = g.db_session
    return current


ACTOR_OF_REQUEST = "rida.actor_of_request"  # app.extensions: who acts in a request


def current_actor() -> object | None:
    """Who acts: the command's actor (``g``), else the one the web layer names for the
    request (``app.extensions[ACTOR_OF_REQUEST]``), else nobody (``None``)."""
    from flask import current_app, g, has_request_context

    actor: object | None = g.get(ACTOR)
    if actor is not None:
        return actor
    if not has_request_context():
        return None
    of_request: Callable[[], object] | None = current_app.extensions.get(ACTOR_OF_REQUEST)
    return of_request() if of_request is not None else None


@contextmanager
def transaction(*, meeting: int | None = None) -> Iterator[Session]:
    """A write transaction for the current request (or command), by :func:`current_actor`
    (``meeting``: see :func:`write_session`)."""
    with write_session(engine(), meeting=meeting) as s:
        actor = current_actor()
        if actor is not None:
            s.info[ACTOR] = actor
        yield s


def _close_session(_exc: BaseException | None) -> None:
    from flask import g

    s = g.pop("db_session", None)
    if s is not None:
        s.close()
