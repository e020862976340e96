"""The search outbox: every change to a meeting queues it, in the same transaction."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import select

from rida import actions, db, exchange, search
from rida.meetings import editing
from rida.models import Meeting, Person, SearchOutbox, Series
from tests.conftest import draft_document


def queued(app: Flask) -> list[int]:
    """Meeting ids in the outbox, in order, duplicates kept."""
    with app.app_context(), db.write_session(db.engine()) as s:
        return list(s.exec(select(SearchOutbox.meeting_id).order_by(SearchOutbox.id)).all())


def clear(app: Flask) -> None:
    with app.app_context(), db.write_session(db.engine()) as s:
        for entry in s.exec(select(SearchOutbox)).all():
            s.delete(entry)


def parts(app: Flask, meeting_id: int) -> tuple[list[dict], list[dict]]:
    """The rows and actions of a meeting as the API shows them (uid, revision…)."""
    with app.app_context(), db.write_session(db.engine()) as s:
        return (
            [editing.row_dict(r) for r in editing.rows_of(s, meeting_id)],
            [{"uid": a.uid, "revision": a.revision} for a in actions.actions_of(s, meeting_id)],
        )


def second_meeting(app: Flask) -> int:
    """Another meeting with the same people (the demo's), in its own series."""
    doc = {**draft_document(), "series": "TF Annuaire", "title": "Atelier 2"}
    with app.app_context(), db.transaction() as s:
        return exchange.import_document(s, doc).id


def test_importing_a_meeting_queues_it_once(app, demo_meeting):
    # One transaction, many flushes (meeting, people, rows, actions): one entry.
    assert queued(app) == [demo_meeting]


def test_a_row_edit_through_the_api_queues_its_meeting(app, browser, demo_meeting):
    clear(app)
    row = parts(app, demo_meeting)[0][2]
    response = browser.json(
        "PATCH",
        f"/api/meetings/{demo_meeting}/rows/{row['uid']}",
        {"revision": row["revision"], "fields": {"answer": "Réponse"}},
    )
    assert response.status_code == 200, response.get_json()
    assert queued(app) == [demo_meeting]
    assert browser.json("GET", f"/api/meetings/{demo_meeting}").status_code == 200
    assert queued(app) == [demo_meeting]  # reading queues nothing


@pytest.mark.parametrize("change", ["action", "participant", "header", "delete row"])
def test_each_kind_of_edit_queues_its_meeting_only(app, browser, demo_meeting, change):
    other = second_meeting(app)
    clear(app)
    base = f"/api/meetings/{demo_meeting}"
    rows, acts = parts(app, demo_meeting)
    if change == "action":
        response = browser.json(
            "PATCH",
            f"{base}/actions/{acts[0]['uid']}",
            {"revision": acts[0]["revision"], "fields": {"notes": "Relancer"}},
        )
    elif change == "participant":
        response = browser.json(
            "POST",
            f"{base}/participants",
            {"last_name": "Durand", "first_name": "Alix", "entity": "ANS"},
        )
    elif change == "header":
        response = browser.json("PATCH", base, {"fields": {"subject": "Nouvel objet"}})
    else:
        response = browser.json("DELETE", f"{base}/rows/{rows[0]['uid']}")
    assert response.status_code in (200, 201), response.get_json()
    assert queued(app) == [demo_meeting] != [other]


def test_a_person_change_queues_every_meeting_naming_them(app, demo_meeting):
    other = second_meeting(app)
    with app.app_context(), db.transaction() as s:
        third = editing.create_meeting(
            s,
            s.exec(select(Series)).first().id,
            None,
            {"title": "Sans personne", "date": "2022-02-01"},
        ).id
    clear(app)
    with app.app_context(), db.transaction() as s:
        person = s.exec(select(Person).where(Person.last_name != "")).first()
        person.function = "Chef de projet"
        s.add(person)
    assert sorted(queued(app)) == sorted([demo_meeting, other])
    assert third not in queued(app)


def test_a_new_person_alone_queues_nothing_and_a_series_rename_queues_its_meetings(
    app, demo_meeting
):
    other = second_meeting(app)
    clear(app)
    with app.app_context(), db.transaction() as s:
        s.add(Person(key="nouvelle|personne|", last_name="Nouvelle", first_name="Personne"))
    assert queued(app) == []
    with app.app_context(), db.transaction() as s:
        series = s.get(Series, s.get(Meeting, other).series_id)
        series.name = "TF Annuaire national"
        s.add(series)
    assert queued(app) == [other]


def test_the_entries_are_written_in_the_change_transaction_and_rolled_back_with_it(
    app, demo_meeting
):
    """Inserted just before the commit (ids in commit order), by the same transaction: a
    commit that fails after them takes them away with the change."""
    clear(app)
    seen: list[list[int]] = []

    def fail(session):
        seen.append(list(session.exec(select(SearchOutbox.meeting_id)).all()))
        raise RuntimeError("crash at commit")

    event.listen(OrmSession, "before_commit", fail)  # after the outbox's own listener
    try:
        with pytest.raises(RuntimeError), app.app_context(), db.transaction() as s:
            row = editing.rows_of(s, demo_meeting)[0]
            editing.update_row(s, row, row.revision, {"subject": "Jamais enregistré"})
            assert s.exec(select(SearchOutbox.meeting_id)).all() == []  # not before commit
    finally:
        event.remove(OrmSession, "before_commit", fail)
    assert seen == [[demo_meeting]]  # written in the committing transaction...
    assert queued(app) == []  # ... and gone with it
    with app.app_context(), db.transaction() as s:
        assert editing.rows_of(s, demo_meeting)[0].subject != "Jamais enregistré"


def test_a_session_retried_after_a_rollback_queues_again(app, demo_meeting):
    clear(app)
    with app.app_context(), db.write_session(db.engine()) as s:
        row = editing.rows_of(s, demo_meeting)[0]
        editing.update_row(s, row, row.revision, {"subject": "Premier essai"})
        s.rollback()
        row = editing.rows_of(s, demo_meeting)[0]
        editing.update_row(s, row, row.revision, {"subject": "Second essai"})
    assert queued(app) == [demo_meeting]


def test_deleting_a_meeting_queues_its_removal(app, demo_meeting):
    clear(app)
    with app.app_context(), db.transaction() as s:
        s.delete(s.get(Meeting, demo_meeting))
    assert queued(app) == [demo_meeting]


def test_a_rebuild_forgets_the_entries_it_covers_and_keeps_later_ones(app, demo_meeting):
    # After a bulk import and « rida reindex », the indexer must not index it all again.
    other = second_meeting(app)
    assert queued(app) == [demo_meeting, other]
    with app.app_context(), db.read_session(db.engine()) as s:
        s.exec(select(Meeting.id)).all()  # the rebuild's snapshot starts here
        with db.transaction() as w:  # committed after it: not covered
            w.get(Meeting, other).title = "Atelier 2 bis"
        assert search.rebuild(s) == 2
    assert queued(app) == [other]
    with app.app_context(), db.write_session(db.engine()) as s:
        assert search.rebuild(s) == 2  # a write session: deleted in its transaction
    assert queued(app) == []
