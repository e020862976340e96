"""The change log on SQLite: what each change records, in its transaction, and in commit
order under concurrent writers; the follower that hands entries to subscribers."""

from __future__ import annotations

from functools import partial

import pytest
from flask import Flask
from sqlalchemy import func
from sqlmodel import col, select

from rida import db, exchange
from rida.accounts import account_admin, api_tokens
from rida.actions import action_status
from rida.live import changes, entries, follower
from rida.meetings import editing
from rida.models import Action, AuditEntry, Change, Meeting, SearchOutbox, SeriesMember, User
from tests.conftest import draft_document
from tests.live_support import read_while_writing

WAIT = 60.0  # seconds a test waits for another thread, far above what it takes


def log(app: Flask, after: int = 0) -> list[Change]:
    with app.app_context(), db.write_session(db.engine()) as s:
        return list(s.exec(select(Change).where(Change.seq > after).order_by(Change.seq)))


def last(app: Flask) -> int:
    found = log(app)
    return found[-1].seq if found else 0


def summary(entries: list[Change]) -> list[tuple]:
    return [(e.kind, e.op, e.uid, e.fields) for e in entries]


@pytest.fixture
def meeting(app: Flask) -> int:
    with app.app_context(), db.transaction() as s:
        return exchange.import_document(s, draft_document()).id


def test_an_import_records_the_meeting_and_each_record_once(app, meeting):
    entries = log(app)
    kinds = [e.kind for e in entries]
    assert kinds[0] == "meeting" and {e.op for e in entries} == {"create"}
    assert kinds.count("row") == 9 and kinds.count("action") == 3
    assert all(e.meeting_id == meeting for e in entries)
    assert "order" not in {e.op for e in entries}  # new records are no renumbering


def test_a_move_is_one_order_entry_not_one_per_shifted_row(app, meeting):
    start = last(app)
    with app.app_context(), db.transaction() as s:
        rows = editing.rows_of(s, meeting)
        editing.move_row(s, s.get(Meeting, meeting), rows[8], "up")
        expected = [r.uid for r in editing.rows_of(s, meeting)]
    [entry] = log(app, start)
    assert (entry.kind, entry.op, entry.uid, entry.meeting_id) == ("row", "order", None, meeting)
    assert entry.payload == {"order": expected}
    assert expected[7] == rows[8].uid


def test_an_insert_and_a_delete_are_one_entry_and_one_order_each(app, meeting):
    start = last(app)
    with app.app_context(), db.transaction() as s:
        m = s.get(Meeting, meeting)
        row = editing.add_row(s, m, {"subject": "Au milieu"}, after=editing.rows_of(s, m.id)[0].uid)
        uid = row.uid
    assert summary(log(app, start)) == [("row", "create", uid, []), ("row", "order", None, [])]
    start = last(app)
    with app.app_context(), db.transaction() as s:
        m = s.get(Meeting, meeting)
        editing.delete_row(s, m, editing.find_row(s, meeting, uid))
    deleted, order = log(app, start)
    assert (deleted.op, deleted.uid, deleted.revision) == ("delete", uid, None)
    assert deleted.payload == {"uid": uid}
    assert order.op == "order" and uid not in order.payload["order"]


def test_one_entry_per_record_and_transaction(app, meeting):
    start = last(app)
    with app.app_context(), db.transaction() as s:
        m = s.get(Meeting, meeting)
        row = editing.add_row(s, m, {"subject": "Brouillon"})
        editing.update_row(s, row, row.revision, {"answer": "Première"})
        editing.update_row(s, row, row.revision, {"question": "Seconde ?"})
        gone = editing.add_row(s, m, {"subject": "Aussitôt supprimée"})
        editing.delete_row(s, m, gone)
        uid = row.uid
    [created] = log(app, start)  # the deleted row was never seen outside
    assert (created.op, created.uid, created.revision) == ("create", uid, 3)
    assert (created.payload["answer"], created.payload["question"]) == ("Première", "Seconde ?")
    start = last(app)
    with app.app_context(), db.transaction() as s:
        row = editing.find_row(s, meeting, uid)
        editing.update_row(s, row, row.revision, {"answer": "Encore"})
        editing.update_row(s, row, row.revision, {"nature": "D"})
    [updated] = log(app, start)
    assert (updated.op, updated.fields, updated.revision) == ("update", ["answer", "nature"], 5)


def test_a_rolled_back_change_records_nothing(app, meeting):
    start = last(app)
    with pytest.raises(RuntimeError), app.app_context(), db.transaction() as s:
        editing.add_row(s, s.get(Meeting, meeting), {"subject": "Annulée"})
        raise RuntimeError("rolled back")
    assert log(app, start) == []


def test_status_changes_and_row_links(app, meeting):
    start = last(app)
    with app.app_context(), db.transaction() as s:
        linked = select(Action).where(Action.meeting_id == meeting, col(Action.row_id).is_not(None))
        action = s.exec(linked).first()
        action_status.set_status(s, action, "done")
        uid, row_id = action.uid, action.row_id
    [status] = log(app, start)
    assert (status.kind, status.op, status.uid) == ("action", "status", uid)
    assert status.fields == ["status"]
    assert status.payload["status"] == "done"
    start = last(app)
    with app.app_context(), db.transaction() as s:
        row = s.exec(select(editing.RidaRow).where(editing.RidaRow.id == row_id)).one()
        editing.delete_row(s, s.get(Meeting, meeting), row)
    entries = log(app, start)
    unlinked = [e for e in entries if e.kind == "action"]
    assert summary(unlinked) == [("action", "update", uid, ["row"])]
    assert unlinked[0].payload["row"] is None  # ON DELETE SET NULL, seen by the log


def test_header_changes_and_access_entries(app, meeting):
    start = last(app)
    with app.app_context(), db.transaction() as s:
        m = s.get(Meeting, meeting)
        editing.add_row(s, m, {"subject": "Touche la réunion"})  # updated_at only: no entry
    assert [e.kind for e in log(app, start)] == ["row"]
    start = last(app)
    with app.app_context(), db.transaction() as s:
        m = s.get(Meeting, meeting)
        editing.update_meeting(s, m, {"classification": "restricted", "title": "T"}, visible=None)
    access, header = log(app, start)  # access first: a stream closes before the change
    assert (access.kind, access.meeting_id, access.payload) == ("access", meeting, {})
    assert (header.kind, header.op) == ("meeting", "update")
    assert header.fields == ["classification", "title"]
    assert header.payload["title"] == "T" and header.uid is None


def test_accounts_memberships_and_tokens_record_access_changes(app, meeting):
    actor = account_admin.Actor(user=None, ip="cli")
    with app.app_context(), db.transaction() as s:
        user = s.exec(select(User).where(User.login == "member")).one()
        _, token = api_tokens.create(s, user)
        user_id, series = user.id, s.get(Meeting, meeting).series_id
    start = last(app)
    with app.app_context(), db.transaction() as s:
        s.add(SeriesMember(series_id=series, user_id=user_id))
    with app.app_context(), db.transaction() as s:
        account_admin.set_role(s, s.get(User, user_id), "rapporteur", actor)
    with app.app_context(), db.transaction() as s:
        api_tokens.revoke(s, token.split("_")[1])
    entries = log(app, start)
    assert [(e.kind, e.meeting_id, e.payload) for e in entries] == [
        ("access", None, {"series_id": series, "user_id": user_id}),
        ("access", None, {"user_id": user_id}),
        ("access", None, {"user_id": user_id}),
    ]


def test_presence_is_logged_but_neither_audited_nor_queued(app, meeting):
    def count(model) -> int:  # type: ignore[no-untyped-def]
        with app.app_context(), db.write_session(db.engine()) as s:
            return s.exec(select(func.count()).select_from(model)).one()

    audited, queued, start = count(AuditEntry), count(SearchOutbox), last(app)
    with app.app_context(), db.transaction() as s:
        changes.record(s, meeting_id=meeting, kind="presence", op="here", payload={"row": None})
    [entry] = log(app, start)
    assert (entry.kind, entry.op, entry.payload) == ("presence", "here", {"row": None})
    assert (count(AuditEntry), count(SearchOutbox)) == (audited, queued)
    with app.app_context(), db.write_session(db.engine()) as s:
        logged = s.exec(select(AuditEntry.object_type).distinct()).all()
    assert "change_log" not in logged


def test_concurrent_writers_commit_in_seq_order(app, meeting):
    """Threads edit different rows at once while a reader reads "everything above its
    cursor" over and over: it never skips an entry (one committed late with a lower seq)."""
    with app.app_context():
        engine = db.engine()
    with db.write_session(engine) as s:
        uids = [r.uid for r in editing.rows_of(s, meeting)][:6]
    start = last(app)

    def write(uid: str) -> None:
        for k in range(15):
            with db.write_session(engine) as s:
                row = editing.find_row(s, meeting, uid)
                editing.update_row(s, row, row.revision, {"answer": f"{uid} {k}"})

    seen, errors = read_while_writing(engine, start, [partial(write, uid) for uid in uids], WAIT)
    assert errors == []
    assert seen == [e.seq for e in log(app, start)] and len(seen) == 6 * 15
    assert seen == sorted(set(seen))


def test_the_follower_hands_new_entries_to_the_meetings_subscribers(app, meeting):
    with app.app_context(), db.transaction() as s:
        other = exchange.import_document(s, draft_document()).id
    with app.app_context():
        engine = db.engine()
    follow = follower.Follower(engine, poll=0.1, safety_poll=1.0, queue_limit=100)
    try:
        sub, start = follow.subscribe(meeting, user_id=1)
        neighbour, _ = follow.subscribe(other, user_id=2)
        assert start == last(app)  # idle until now: the cursor caught up at once
        with db.write_session(engine) as s:
            row = editing.rows_of(s, meeting)[0]
            editing.update_row(s, row, row.revision, {"answer": "Vu en direct"})
        got: list[entries.Entry] = []
        while not got:
            got = sub.take(WAIT)
        assert [(e.kind, e.op, e.payload["answer"]) for e in got] == [
            ("row", "update", "Vu en direct")
        ]
        assert neighbour.take(0) == []  # another meeting's subscriber gets nothing
        follow.unsubscribe(sub)
        follow.unsubscribe(neighbour)
        assert follow.subscribers == 0
    finally:
        follow.stop()
    assert sub.stopped is False and neighbour.stopped is False  # already gone
    again, _ = follow.subscribe(meeting, user_id=1)
    assert again.stopped  # a stopped follower ends new streams at once
