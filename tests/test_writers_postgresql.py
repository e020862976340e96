"""Writers side by side on PostgreSQL (rida.postgresql.lock_writers): those of different meetings
do not wait for each other, those of one meeting take turns, any other write runs alone;
the change log and the audit chain stay in commit order.

Waiting is observed with ``pg_blocking_pids``, never by timing. The tests run in a database
of their own: advisory locks are per database, and the other tests' schemas (in parallel
workers) would otherwise queue on the same keys.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Engine, create_engine, func, make_url, text
from sqlmodel import select

from rida import create_app, db, exchange
from rida.accounts import create_user
from rida.audit import chain
from rida.meetings import editing
from rida.models import AuditEntry, Change
from tests.conftest import PASSWORD, PG_URL, Browser, draft_document
from tests.live_support import read_while_writing
from tests.test_postgresql import late_commits, pytestmark  # noqa: F401 (skip without PG)

WAIT = 30  # seconds: only a hang would reach it


@pytest.fixture
def pg_app(tmp_path) -> Iterator[Flask]:
    yield from own_database(tmp_path)


def own_database(tmp_path: Path, **options: str) -> Iterator[Flask]:
    """The app on a fresh PostgreSQL database of its own (``options``: server settings of
    its connections)."""
    name = f"rida_writers_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name)
    if options:
        settings = " ".join(f"-c {key}={value}" for key, value in options.items())
        url = url.update_query_dict({"options": settings})
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": tmp_path,
            "EXPORT_DIR": tmp_path,
            "DATABASE_URL": url.render_as_string(hide_password=False),
            "SECRET_KEY": "test",
        }
    )
    try:
        yield app
    finally:
        with app.app_context():
            db.engine().dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def _meetings(engine: Engine, count: int) -> list[int]:
    ids = []
    for _ in range(count):
        with db.write_session(engine) as s:
            ids.append(exchange.import_document(s, draft_document()).id)
    return ids


@contextmanager
def holding(engine: Engine, meeting: int | None) -> Iterator[Callable[[], bool]]:
    """A write transaction (of ``meeting``'s writers, or of any writer with None) that has
    taken its locks and stays open until the block ends; yields whether another
    connection waits for it (``pg_blocking_pids``: other tests may wait for theirs)."""
    started, release, errors, pid = threading.Event(), threading.Event(), [], []

    def hold() -> None:
        try:
            with db.write_session(engine, meeting=meeting) as s:
                pid.append(s.exec(select(func.pg_backend_pid())).one())
                started.set()
                release.wait(2 * WAIT)
        except BaseException as e:  # noqa: BLE001 - asserted below
            errors.append(e)
            started.set()

    thread = threading.Thread(target=hold)
    thread.start()
    assert started.wait(WAIT)
    try:
        yield lambda: blocked_by(engine, pid[0])
    finally:
        release.set()
        thread.join(WAIT)
    assert errors == []


def in_thread(work: Callable[[], None]) -> tuple[threading.Thread, threading.Event]:
    done = threading.Event()

    def run() -> None:
        work()
        done.set()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, done


def blocked_by(engine: Engine, pid: int) -> bool:
    """Whether a connection waits for a lock the backend ``pid`` holds."""
    with engine.connect() as conn:
        found = conn.execute(
            text("SELECT count(*) FROM pg_stat_activity WHERE :pid = ANY(pg_blocking_pids(pid))"),
            {"pid": pid},
        )
        return bool(found.scalar_one())


def wait_until(check: Callable[[], bool]) -> None:
    event = threading.Event()
    for _ in range(WAIT * 20):
        if check():
            return
        event.wait(0.05)
    raise AssertionError("never happened")


def save(engine: Engine, meeting: int, answer: str) -> Callable[[], None]:
    def work() -> None:
        with db.write_session(engine, meeting=meeting) as s:
            row = editing.rows_of(s, meeting)[0]
            editing.update_row(s, row, row.revision, {"answer": answer})

    return work


def test_writers_of_different_meetings_do_not_wait_for_each_other(pg_app):
    with pg_app.app_context():
        engine = db.engine()
        first, second = _meetings(engine, 2)
        with holding(engine, first):
            thread, done = in_thread(save(engine, second, "pendant l'autre"))
            assert done.wait(WAIT)  # not after the other's commit
        thread.join(WAIT)
        with db.write_session(engine) as s:
            assert editing.rows_of(s, second)[0].answer == "pendant l'autre"


def waits_for(engine: Engine, meeting: int | None, work: Callable[[], None]) -> None:
    """``work``, started while a writer of ``meeting`` (None: of anything) holds its
    locks, waits for it, then ends."""
    with holding(engine, meeting) as blocking:
        thread, done = in_thread(work)
        wait_until(blocking)
        assert not done.is_set()
    thread.join(WAIT)
    assert done.is_set()


def test_writers_of_one_meeting_take_turns(pg_app):
    with pg_app.app_context():
        engine = db.engine()
        (meeting,) = _meetings(engine, 1)
        waits_for(engine, meeting, save(engine, meeting, "après l'autre"))


def test_any_other_writer_runs_alone(pg_app):
    """A write that is not one meeting's (an import, an account...) waits for the
    meetings' writers, and they wait for it."""
    with pg_app.app_context():
        engine = db.engine()
        first, second = _meetings(engine, 2)
        waits_for(engine, first, lambda: _meetings(engine, 1) and None)
        waits_for(engine, None, save(engine, second, "après l'import"))


def test_the_logs_follow_commit_order_with_writers_side_by_side(pg_app):
    """Writers of four meetings save at once, their commits delayed at random after the
    logs are written: the change log's reader never skips an entry, the audit chain
    verifies, every edit is there."""
    with pg_app.app_context():
        engine = db.engine()
        meetings = _meetings(engine, 4)
        with db.write_session(engine) as s:
            start = s.exec(select(func.max(Change.seq))).one()
            audited = s.exec(select(func.count()).select_from(AuditEntry)).one()

        def write(meeting: int) -> None:
            for k in range(12):
                save(engine, meeting, f"{meeting} {k}")()

        with late_commits():
            work = [partial(write, m) for m in meetings]
            seen, errors = read_while_writing(engine, start, work, WAIT * 4)
        assert errors == []
        with engine.connect() as conn:
            verdict = chain.verify(conn)
        assert verdict.intact and verdict.count == audited + 4 * 12
        with db.write_session(engine) as s:
            logged = list(s.exec(select(Change.seq).where(Change.seq > start).order_by(Change.seq)))
            assert [editing.rows_of(s, m)[0].answer for m in meetings] == [
                f"{m} 11" for m in meetings
            ]
        assert seen == logged and len(seen) == 4 * 12


def test_a_save_kept_waiting_too_long_is_answered_busy_then_goes_through(tmp_path):
    """A momentary database error (here PostgreSQL's lock_timeout, as a deadlock or a lost
    connection would be) is a 503 « réessayez » with Retry-After, never a 500; nothing
    is written, and the editor's retry goes through."""
    for app in own_database(tmp_path, lock_timeout="200ms"):
        with app.app_context(), db.transaction() as s:
            create_user(s, "admin", PASSWORD, "admin")
        browser = Browser(app.test_client()).login("admin")
        with app.app_context():
            (meeting,) = _meetings(db.engine(), 1)
            with db.write_session(db.engine()) as s:
                row = editing.rows_of(s, meeting)[0]
        url = f"/api/meetings/{meeting}/rows/{row.uid}"
        edit = {"revision": row.revision, "fields": {"answer": "Après l'attente"}}
        with app.app_context(), holding(db.engine(), meeting):
            busy = browser.json("PATCH", url, edit)
        assert busy.status_code == 503 and busy.headers["Retry-After"] == "1"
        assert busy.get_json()["error"] == "busy" and "réessayez" in busy.get_json()["message"]
        assert browser.json("PATCH", url, edit).status_code == 200
