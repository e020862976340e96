"""The audit log records every create, update and delete, in the same transaction, with
who, from where, and only the changed values (secrets masked); and the emitted events."""

from __future__ import annotations

import pytest
from sqlmodel import select

from rida import accounts, db
from rida.accounts import feed_tokens
from rida.audit import events
from rida.audit.record import MASK, OMITTED
from rida.models import Action, Meeting, User
from rida.search import glossary
from tests.audit_support import entries, first_row, last_id
from tests.conftest import draft_document


def test_autosave_records_only_the_changed_field(app, browser, demo_meeting):
    row = first_row(app, demo_meeting)
    before = last_id(app)
    answer = browser.json(
        "PATCH",
        f"/api/meetings/{demo_meeting}/rows/{row.uid}",
        {"revision": row.revision, "fields": {"answer": "Nouvelle réponse"}},
    )
    assert answer.status_code == 200, answer.get_json()
    [entry] = [e for e in entries(app) if e.id > before]
    assert (entry.action, entry.object_type, entry.object_id) == ("update", "rida_row", str(row.id))
    assert entry.meeting_id == demo_meeting
    assert (entry.login, entry.ip) == ("admin", "127.0.0.1")
    assert entry.user_id == int(entries(app, object_type="user")[0].object_id)  # admin
    # Only what changed (not the unchanged columns; a bare updated_at makes no entry).
    assert entry.before == {"answer": row.answer, "revision": row.revision}
    assert entry.after == {"answer": "Nouvelle réponse", "revision": row.revision + 1}


def test_create_and_delete_record_all_values(app, browser, demo_meeting):
    made = browser.json(
        "POST",
        f"/api/meetings/{demo_meeting}/rows",
        {"fields": {"subject": "Tarifs", "question": "Combien ?"}},
    )
    assert made.status_code == 201, made.get_json()
    uid = made.get_json()["row"]["uid"]
    [created] = [
        e
        for e in entries(app, object_type="rida_row", action="create")
        if e.after.get("uid") == uid
    ]
    assert created.after["subject"] == "Tarifs" and created.meeting_id == demo_meeting
    assert browser.json("DELETE", f"/api/meetings/{demo_meeting}/rows/{uid}").status_code == 200
    [deleted] = [
        e
        for e in entries(app, object_type="rida_row", action="delete")
        if e.before.get("uid") == uid
    ]
    assert deleted.before["question"] == "Combien ?" and deleted.after is None
    assert deleted.object_id == created.object_id and deleted.login == "admin"


def test_import_records_the_meeting_and_its_parts(app, browser):
    answer = browser.json("POST", "/api/meetings", draft_document())
    meeting_id = answer.get_json()["id"]
    created = entries(app, meeting_id=meeting_id, action="create")
    kinds = {e.object_type for e in created}
    assert {"meeting", "rida_row", "participation", "action"} <= kinds
    assert len([e for e in created if e.object_type == "rida_row"]) == 9


def test_a_rolled_back_transaction_leaves_no_entry(app, demo_meeting):
    before = last_id(app)
    with app.app_context(), pytest.raises(RuntimeError), db.write_session(db.engine()) as s:
        s.get(Meeting, demo_meeting).title = "Jamais écrit"
        s.flush()
        events.emit(events.EXPORTED, session=s, meeting_id=demo_meeting)
        raise RuntimeError("crash before the commit")
    assert last_id(app) == before


def test_the_changes_of_a_rolled_back_savepoint_leave_no_entry(app, demo_meeting):
    """Entries are appended at the commit (rida.audit.hooks): those of a savepoint rolled
    back go with it, those before and after it stay, in order."""
    before = last_id(app)
    with app.app_context(), db.write_session(db.engine()) as s:
        meeting = s.get(Meeting, demo_meeting)
        meeting.title = "Avant"
        s.flush()
        savepoint = s.begin_nested()
        meeting.location = "Jamais écrit"
        s.flush()
        savepoint.rollback()
        meeting.title = "Après"
    found = [e for e in entries(app) if e.id > before]
    assert [e.after for e in found] == [{"title": "Avant"}, {"title": "Après"}]
    assert "Jamais écrit" not in str([e.before for e in found])


def test_secrets_are_masked(app):
    with app.app_context(), db.transaction() as s:
        user = accounts.create_user(s, "claire", "un mot de passe", "member")
        user.password_hash = "changed-hash"
    [created] = entries(app, object_type="user", action="create", object_id=str(user.id))
    assert created.after["password_hash"] == MASK and created.after["login"] == "claire"
    [updated] = entries(app, object_type="user", action="update", object_id=str(user.id))
    assert updated.before == {"password_hash": MASK} == updated.after


def test_feed_tokens_are_masked(app, demo_meeting):
    with app.app_context(), db.transaction() as s:
        admin = s.exec(select(User).where(User.login == "admin")).one()
        series_id = s.get(Meeting, demo_meeting).series_id
        _, token = feed_tokens.create(s, admin, series_id=series_id)
    [entry] = entries(app, object_type="feed_token")
    assert entry.after["token_hash"] == MASK and token not in str(entry.after)


def test_status_change_and_validation_are_named(app, browser, ready_meeting):
    with app.app_context(), db.write_session(db.engine()) as s:
        action = s.exec(select(Action).where(Action.meeting_id == ready_meeting)).first()
    status = "cancelled" if action.status != "cancelled" else "open"
    answer = browser.json(
        "POST", f"/api/actions/{action.id}/status", {"status": status, "comment": "lancé"}
    )
    assert answer.status_code == 200, answer.get_json()
    [change] = entries(app, action="status.change", object_id=str(action.id))
    assert change.before["status"] == action.status and change.after["status"] == status
    assert change.meeting_id == ready_meeting
    answer = browser.json("POST", f"/api/meetings/{ready_meeting}/validate", {})
    assert answer.status_code == 200, answer.get_json()
    [validation] = entries(app, action="validation", meeting_id=ready_meeting)
    assert validation.object_type == "meeting_version" and validation.login == "admin"
    assert validation.after["version"] == "1.0" and len(validation.after["sha256"]) == 64
    assert validation.after["source"] == OMITTED and validation.after["docx"] == OMITTED


def test_exports_and_downloads_are_recorded(app, browser, validated_meeting):
    assert browser.client.get(f"/reunions/{validated_meeting}/compte-rendu.md").status_code == 200
    [export] = entries(app, action="export")
    assert export.meeting_id == validated_meeting and export.after["format"] == "md"
    assert export.after["file"].endswith(".md") and export.login == "admin"
    url = f"/api/meetings/{validated_meeting}/versions/1.0.docx"
    assert browser.client.get(url).status_code == 200
    [download] = entries(app, action="download")
    assert download.object_type == "meeting_version" and download.after["version"] == "1.0"
    assert download.after["file"].endswith("-v1.0.docx") and download.ip == "127.0.0.1"


@pytest.mark.parametrize(
    "action",
    [
        events.LOGIN_SUCCEEDED,
        events.LOGIN_FAILED,
        events.LOGIN_LOCKED,
        events.LOGGED_OUT,
        events.PERMISSION_CHANGED,
        events.TOKEN_CREATED,
        events.TOKEN_REVOKED,
    ],
)
def test_emitted_events_are_recorded_in_their_own_transaction(app, action):
    with app.app_context():
        events.emit(
            action,
            login="=cmd|' /C calc'!A0",
            ip="10.0.0.7",
            object_type="user",
            object_id="4",
            before={"role": "reader"},
            after={"role": "admin"},
            details={"reason": "test"},
        )
    [entry] = entries(app, action=action)
    assert (entry.login, entry.ip, entry.user_id) == ("=cmd|' /C calc'!A0", "10.0.0.7", None)
    assert entry.before == {"role": "reader"}
    assert entry.after == {"role": "admin", "reason": "test"}


def test_an_event_with_a_session_joins_its_transaction(app, demo_meeting):
    with app.app_context(), db.write_session(db.engine()) as s:
        s.get(Meeting, demo_meeting).title = "Titre changé"
        events.emit(
            events.PERMISSION_CHANGED,
            session=s,
            user_id=1,
            login="admin",
            object_type="series_member",
            before=None,
            after={"series": 1},
        )
    update, event = entries(app)[-2:]
    assert (update.action, event.action) == ("update", events.PERMISSION_CHANGED)
    assert event.prev_hash == update.hash


def test_bulk_deletes_are_recorded(app, demo_meeting):
    with app.app_context():
        with db.transaction() as s:
            series_id = s.get(Meeting, demo_meeting).series_id
            glossary.set_groups(s, series_id, [["MSS", "MSSanté"]])
        with db.transaction() as s:
            glossary.set_groups(s, series_id, [])
    [deleted] = entries(app, object_type="series_glossary", action="delete")
    assert deleted.before["terms"] == ["MSS", "MSSanté"] and deleted.login is None


def test_an_event_emitted_inside_a_transaction_joins_it(app, demo_meeting):
    """Without ``session=``, inside an open write transaction: no second transaction (it
    would wait for the one the thread holds), the entry joins the open one."""
    with app.app_context(), db.transaction() as s:
        s.get(Meeting, demo_meeting).title = "Titre changé"
        events.emit(events.LOGIN_FAILED, login="quelqu'un")
    update, failure = entries(app)[-2:]
    assert (update.action, failure.action) == ("update", events.LOGIN_FAILED)
    assert update.after["title"] == "Titre changé"
