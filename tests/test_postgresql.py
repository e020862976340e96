"""The same storage on PostgreSQL, when a server is given (CI starts one).

Set RIDA_TEST_POSTGRES_URL (e.g. postgresql+psycopg://rida:rida@127.0.0.1/rida_test) to run
these; each test works in a fresh schema of that database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

import pytest
from sqlalchemy import create_engine, func
from sqlmodel import select

from rida import db, exchange
from rida.meetings import editing
from rida.models import Meeting
from tests.conftest import PG_URL, Browser, demo_document, draft_document
from tests.live_support import read_while_writing

URL = PG_URL

pytestmark = pytest.mark.skipif(not URL, reason="RIDA_TEST_POSTGRES_URL is not set")


def test_round_trip_and_editing_on_postgresql(pg_app):
    with pg_app.app_context():
        assert db.engine().dialect.name == "postgresql"
        with db.transaction() as s:
            meeting = exchange.import_document(s, demo_document())
            second = exchange.import_document(s, demo_document())
        with db.transaction() as s:
            exported = exchange.export_document(s, s.get(Meeting, meeting.id))
            assert {k: v for k, v in exported.items() if k != "id"} == exchange.validate(
                demo_document()
            )
            m = s.get(Meeting, second.id)
            rows = editing.rows_of(s, m.id)
            editing.add_row(s, m, {"subject": "Nouveau"}, uid="f" * 32, after=rows[0].uid)
            editing.move_row(s, m, rows[8], "up")
            editing.delete_row(s, m, rows[3])
            assert [r.number for r in editing.rows_of(s, m.id)] == list(range(1, 10))


def test_http_api_on_postgresql(pg_app):
    from rida.accounts import create_user
    from tests.conftest import PASSWORD

    with pg_app.app_context(), db.transaction() as s:
        create_user(s, "admin", PASSWORD, "admin")
    browser = Browser(pg_app.test_client()).login("admin")
    created = browser.json("POST", "/api/meetings", draft_document())
    assert created.status_code == 201
    meeting_id = created.get_json()["id"]
    row = browser.json("GET", f"/api/meetings/{meeting_id}").get_json()["rida"][0]
    assert row["number"] == 1
    page = browser.client.get(f"/reunions/{meeting_id}/modifier")
    assert page.status_code == 200
    assert browser.client.get(f"/reunions/{meeting_id}").status_code == 200


def test_validation_freezes_a_version_on_postgresql(pg_app):
    from rida.circuit import versions
    from rida.models import MeetingVersion

    with pg_app.app_context(), db.transaction() as s:
        meeting = versions.import_document(s, demo_document())  # validated: frozen at import
        frozen = versions.find(s, meeting.id, "1.0")
        assert isinstance(frozen, MeetingVersion) and frozen.docx.startswith(b"PK")


def test_the_search_outbox_on_postgresql(pg_whoosh_app):
    pg_app = pg_whoosh_app
    from sqlmodel import select

    from rida.models import Person, SearchOutbox

    def queued() -> list[int]:
        with db.transaction() as s:
            return list(s.exec(select(SearchOutbox.meeting_id).order_by(SearchOutbox.id)))

    with pg_app.app_context():
        with db.transaction() as s:
            first = exchange.import_document(s, draft_document()).id
            second = exchange.import_document(s, draft_document()).id
        assert queued() == [first, second]
        with pytest.raises(RuntimeError), db.transaction() as s:
            editing.add_row(s, s.get(Meeting, first), {"subject": "Annulé"})
            raise RuntimeError("rolled back")
        assert queued() == [first, second]
        with db.transaction() as s:  # a person named in both meetings
            person = s.exec(select(Person).where(Person.last_name != "")).first()
            person.function = "Directeur"
            s.add(person)
        assert queued()[2:] == [first, second]


def test_the_change_log_follows_commit_order_on_postgresql(pg_app):
    """Concurrent writers (each transaction takes its seq under the commit-order lock)
    while a reader reads "everything above its cursor" again and again: it never skips
    an entry that a slower transaction committed with a lower seq."""
    from rida.live import changes
    from rida.models import Change

    with pg_app.app_context():
        engine = db.engine()
        with db.transaction() as s:
            meeting = exchange.import_document(s, draft_document()).id
        with db.transaction() as s:
            uids = [r.uid for r in editing.rows_of(s, meeting)][:6]
            start = s.exec(select(func.max(Change.seq))).one()

    def write(uid: str) -> None:
        # Row edits (audited: the audit chain's lock orders them too) and presence (not
        # audited: only the change log's own lock orders them).
        for k in range(15):
            with db.write_session(engine) as s:
                if k % 3:
                    changes.record(s, meeting_id=meeting, kind="presence", op="here", uid=uid)
                    continue
                row = editing.find_row(s, meeting, uid)
                editing.update_row(s, row, row.revision, {"answer": f"{uid} {k}"})

    with late_commits():
        seen, errors = read_while_writing(engine, start, [partial(write, u) for u in uids])
    assert errors == []
    with db.write_session(engine) as s:
        logged = list(s.exec(select(Change.seq).where(Change.seq > start).order_by(Change.seq)))
    assert seen == logged and len(seen) == 6 * 15


@contextmanager
def late_commits() -> Iterator[None]:
    """Make every commit wait a few random milliseconds after the change log's entries are
    inserted (a listener registered after rida's runs after it): transactions then overlap
    where the commit order could differ from the seq order."""
    import random
    import time

    from sqlalchemy import event
    from sqlalchemy.orm import Session as OrmSession

    def pause(_session: OrmSession) -> None:
        time.sleep(random.uniform(0, 0.01))

    event.listen(OrmSession, "before_commit", pause)
    try:
        yield
    finally:
        event.remove(OrmSession, "before_commit", pause)


def test_the_follower_is_woken_by_notify_on_postgresql(pg_app):
    """An entry committed by another process (no in-process wake-up) reaches the
    subscribers through LISTEN/NOTIFY, not the safety poll (set to an hour here)."""
    from sqlalchemy import insert

    from rida.live import changes, entries, follower
    from rida.models import utcnow

    with pg_app.app_context():
        engine = db.engine()
        with db.transaction() as s:
            meeting = exchange.import_document(s, draft_document()).id
    follow = follower.Follower(engine, poll=0.1, safety_poll=3600, queue_limit=100)
    other = create_engine(engine.url)
    try:
        sub, _ = follow.subscribe(meeting, user_id=1)
        got: list[entries.Entry] = []
        for attempt in range(600):  # the listener may not be listening yet: send again
            with other.begin() as conn:
                conn.execute(
                    insert(changes.CHANGES),
                    {
                        "meeting_id": meeting,
                        "kind": "presence",
                        "op": "here",
                        "fields": [],
                        "payload": {"attempt": attempt},
                        "at": utcnow(),
                    },
                )
                db.notify(conn, changes.CHANNEL)
            got = sub.take(0.1)
            if got:
                break
        assert got and got[0].kind == "presence"
    finally:
        follow.stop()
        other.dispose()
