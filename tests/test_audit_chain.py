"""The audit log is a hash chain that nothing in the app can alter: triggers refuse
UPDATE and DELETE, and tampering by whoever drops them is found by ``verify``."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from rida import db
from rida.audit import chain, events
from rida.models import Meeting
from tests.audit_support import entries
from tests.conftest import PG_URL as URL


def _verify(app):  # type: ignore[no-untyped-def]
    with app.app_context(), db.engine().connect() as conn:
        return chain.verify(conn)


def _sqlite(app) -> sqlite3.Connection:  # type: ignore[no-untyped-def]
    return sqlite3.connect(app.config["DATA_DIR"] / "rida.sqlite3", isolation_level=None)


def test_each_entry_carries_the_previous_hash(app, demo_meeting):
    found = entries(app)
    assert len(found) > 20
    assert found[0].prev_hash == chain.GENESIS
    assert [e.id for e in found] == list(range(1, len(found) + 1))
    for previous, entry in zip(found, found[1:], strict=False):
        assert entry.prev_hash == previous.hash
    assert all(e.hash == chain.entry_hash(e.model_dump()) for e in found)
    verdict = _verify(app)
    assert verdict.intact and verdict.count == len(found)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_entry SET login = 'x' WHERE id = 2",
        "DELETE FROM audit_entry WHERE id = 2",
        "DELETE FROM audit_entry",
    ],
)
def test_triggers_refuse_changes(app, demo_meeting, statement):
    with _sqlite(app) as conn, pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute(statement)
    with (
        app.app_context(),
        pytest.raises(DBAPIError, match="append-only"),
        db.write_session(db.engine()) as s,
    ):
        s.execute(text(statement))
    assert _verify(app).intact


def _tamper(app, *statements: str) -> None:  # type: ignore[no-untyped-def]
    """What an attacker with write access to the database file would do."""
    conn = _sqlite(app)
    conn.execute("DROP TRIGGER audit_entry_no_update")
    conn.execute("DROP TRIGGER audit_entry_no_delete")
    for statement in statements:
        conn.execute(statement)
    conn.close()


def test_a_changed_value_is_found(app, demo_meeting):
    _tamper(app, "UPDATE audit_entry SET after = json_set(after, '$.title', 'Faux') WHERE id = 7")
    verdict = _verify(app)
    assert (verdict.broken, verdict.count) == (7, 6)


def test_a_rehashed_entry_breaks_the_next_link(app, demo_meeting):
    found = entries(app)
    forged = {**found[4].model_dump(), "login": "quelqu'un"}
    forged_hash = chain.entry_hash(forged)
    _tamper(
        app, f"UPDATE audit_entry SET login = 'quelqu''un', hash = '{forged_hash}' WHERE id = 5"
    )
    assert _verify(app).broken == 6


def test_a_removed_entry_is_found(app, demo_meeting):
    _tamper(app, "DELETE FROM audit_entry WHERE id = 3")
    verdict = _verify(app)
    assert verdict.broken == 4 and "3" in verdict.reason


def _in_threads(work, count: int) -> None:  # type: ignore[no-untyped-def]
    threads = [threading.Thread(target=work, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def test_concurrent_appends_keep_one_chain(app, demo_meeting):
    def work(n: int) -> None:
        with app.app_context():
            for k in range(10):
                with db.write_session(db.engine()) as s:
                    s.get(Meeting, demo_meeting).subject = f"fil {n} essai {k}"
                events.emit(events.EXPORTED, object_id=str(n))

    _in_threads(work, 6)
    verdict = _verify(app)
    assert verdict.intact
    assert len(entries(app, action="export")) == 60


@pytest.mark.skipif(not URL, reason="RIDA_TEST_POSTGRES_URL is not set")
def test_chain_and_triggers_on_postgresql(pg_app):
    with pg_app.app_context():

        def work(n: int) -> None:
            with pg_app.app_context():
                for _ in range(10):
                    events.emit(events.EXPORTED, object_id=str(n))

        _in_threads(work, 4)
        with db.engine().connect() as conn:
            verdict = chain.verify(conn)
        assert verdict.intact and verdict.count == 40
        for statement in (
            "UPDATE audit_entry SET login = 'x'",
            "DELETE FROM audit_entry",
            "TRUNCATE audit_entry",
        ):
            with pytest.raises(DBAPIError, match="append-only"), db.engine().begin() as conn:
                conn.execute(text(statement))
