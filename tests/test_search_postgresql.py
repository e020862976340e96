"""Search inside PostgreSQL: the index written by the change's own transaction (never
stale, nothing queued, no indexer), rebuilt at the first start, checked; the engine
chosen by default on PostgreSQL only. The search itself runs the suites marked
``both_engines``."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import inspect, text, update
from sqlmodel import select

from rida import db, search
from rida.meetings import editing
from rida.models import Meeting, SearchOutbox
from rida.search import indexer
from rida.search.postgresql_tables import DOCUMENT, STATE
from tests.conftest import Browser, draft_document, import_doc, make_app
from tests.search_backends import engine_app
from tests.search_support import find, rows
from tests.test_search_outbox import parts


@pytest.fixture
def pg(tmp_path: Path, template_db: Path) -> Iterator[Flask]:
    yield from engine_app("postgresql", tmp_path / "data", template_db)


def check(app: Flask) -> search.CheckReport:
    with app.app_context(), db.read_session(db.engine()) as s:
        return search.check(s)


def test_postgresql_is_the_default_engine_there(pg):
    assert search.backend_name(pg) == "postgresql" and search.in_transaction(pg)


def test_whoosh_is_the_default_engine_on_sqlite(whoosh_app):
    assert search.backend_name(whoosh_app) == "whoosh" and not search.in_transaction(whoosh_app)


def test_postgresql_search_needs_a_postgresql_database(tmp_path):
    with pytest.raises(ValueError, match="demande une base PostgreSQL"):
        make_app(tmp_path / "data", SEARCH_BACKEND="postgresql")


def test_the_migration_creates_nothing_on_sqlite(whoosh_app):
    with whoosh_app.app_context():
        tables = set(inspect(db.engine()).get_table_names())
    assert not tables & {"search_document", "search_word", "search_state"}


def test_a_change_and_its_index_are_one_transaction(pg):
    meeting = import_doc(pg, draft_document())
    assert rows(find(pg, "ornithorynque")) == []
    with pytest.raises(RuntimeError), pg.app_context(), db.transaction() as s:
        row = editing.rows_of(s, meeting)[0]
        editing.update_row(s, row, row.revision, {"subject": "Ornithorynque"})
        s.flush()
        raise RuntimeError("rolled back")
    assert rows(find(pg, "ornithorynque")) == []  # rolled back with the change
    with pg.app_context(), db.transaction() as s:
        row = editing.rows_of(s, meeting)[0]
        editing.update_row(s, row, row.revision, {"subject": "Ornithorynque"})
    assert rows(find(pg, "ornithorynque")) == [1]  # at once: no indexer, no wait
    with pg.app_context(), db.read_session(db.engine()) as s:
        assert s.exec(select(SearchOutbox.id)).all() == []  # nothing queued
    assert indexer.init_app(pg) is None
    assert check(pg).ok


def test_an_edit_through_the_api_is_searchable_when_the_response_comes(pg):
    browser = Browser(pg.test_client()).login("admin")
    created = browser.json("POST", "/api/meetings", draft_document())
    meeting = created.get_json()["id"]
    row = parts(pg, meeting)[0][2]
    response = browser.json(
        "PATCH",
        f"/api/meetings/{meeting}/rows/{row['uid']}",
        {"revision": row["revision"], "fields": {"subject": "Xylophone quantique"}},
    )
    assert response.status_code == 200
    data = browser.client.get("/api/search?q=xylophone").get_json()
    assert [(h["meeting"], h["row"]) for h in data["hits"]] == [(meeting, 3)]
    assert browser.json("DELETE", f"/api/meetings/{meeting}/rows/{row['uid']}").status_code == 200
    assert browser.client.get("/api/search?q=xylophone").get_json()["total"] == 0


@pytest.mark.parametrize("writers", ["one meeting's", "any"])
def test_concurrent_editors_end_with_the_index_equal_to_the_database(pg, writers):
    """Writers of one meeting each (the editor's saves: side by side, rida
    .postgresql.lock_writers) or of anything (one at a time)."""
    meetings = [import_doc(pg, draft_document()) for _ in range(2)]
    errors: list[BaseException] = []

    def edit(meeting: int, offset: int) -> None:
        scope = meeting if writers == "one meeting's" else None
        try:
            for i in range(6):
                with pg.app_context(), db.transaction(meeting=scope) as s:
                    row = editing.rows_of(s, meeting)[(i + offset) % 9]
                    editing.update_row(s, row, row.revision, {"subject": f"Sujet {offset} {i}"})
        except BaseException as e:  # noqa: BLE001 (reported below)
            errors.append(e)

    threads = [threading.Thread(target=edit, args=(m, o)) for m in meetings for o in (0, 4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [e for e in errors if not isinstance(e, editing.Conflict)] == []
    assert check(pg).ok


def test_a_change_of_rows_own_fields_rewrites_only_their_documents(pg):
    """A row's text changed: its document alone is rewritten (the meeting's other
    documents, made stale here behind the index's back, stay so); a row moved (numbers
    change): the whole meeting is."""
    meeting = import_doc(pg, draft_document())
    with pg.app_context(), db.engine().begin() as conn:
        conn.execute(
            update(DOCUMENT).where(DOCUMENT.c.key == f"meeting:{meeting}").values(stamp="x")
        )
    with pg.app_context(), db.transaction(meeting=meeting) as s:
        first, second = editing.rows_of(s, meeting)[:2]
        editing.update_row(s, first, first.revision, {"answer": "Wombat", "nature": "D"})
        editing.update_row(s, second, second.revision, {"subject": "Ornithorynque"})
    assert rows(find(pg, "wombat")) == [1] and rows(find(pg, "ornithorynque")) == [2]
    assert check(pg).stale == [(meeting, "meeting", None)]
    with pg.app_context(), db.transaction(meeting=meeting) as s:
        editing.move_row(s, s.get(Meeting, meeting), editing.rows_of(s, meeting)[0], "down")
    assert check(pg).ok
    assert rows(find(pg, "wombat")) == [2]


def test_the_check_reports_what_was_changed_behind_its_back(pg):
    meeting = import_doc(pg, draft_document())
    with pg.app_context(), db.engine().begin() as conn:
        conn.execute(update(DOCUMENT).where(DOCUMENT.c.key == f"row:{meeting}:4").values(stamp="x"))
    assert check(pg).stale == [(meeting, "row", 4)]
    with pg.app_context():
        search.remove_meeting(meeting)
    report = check(pg)
    assert (meeting, "meeting", None) in report.missing and len(report.missing) == 13
    with pg.app_context(), db.write_session(db.engine()) as s:
        assert search.rebuild(s) == 1
    assert check(pg).ok


def test_an_index_never_built_is_built_at_start_with_a_log_line(
    pg, caplog: pytest.LogCaptureFixture
):
    meeting = import_doc(pg, draft_document())
    with pg.app_context(), db.engine().begin() as conn:  # as the migration leaves it
        conn.execute(DOCUMENT.delete())
        conn.execute(STATE.delete())
    with caplog.at_level(logging.INFO, logger="rida.search"):
        again = make_app(pg.config["DATA_DIR"], DATABASE_URL=pg.config["DATABASE_URL"])
    try:
        assert "Index de recherche PostgreSQL vide : reconstruction" in caplog.text
        assert {h.meeting for h in find(again, "inducteur").hits} == {meeting}
        with again.app_context(), db.engine().connect() as conn:
            version = conn.execute(text("SELECT value FROM search_state")).scalar()
        assert version == str(search.analysis.VERSION)
    finally:
        with again.app_context():
            db.engine().dispose()


def test_a_deleted_meeting_leaves_no_document(pg):
    meeting = import_doc(pg, draft_document())
    with pg.app_context(), db.transaction() as s:
        s.delete(s.get(Meeting, meeting))
    with pg.app_context(), db.engine().connect() as conn:
        assert conn.execute(DOCUMENT.select()).all() == []


def test_beyond_the_rank_cap_the_page_ranks_the_most_recent_matches(pg, monkeypatch):
    """The page ranks at most RANK_CAP matches, the most recent; the total and the facets
    keep their own cap."""
    from rida.search import postgresql_results

    for year, subject in ((2019, "Ornithorynque ornithorynque"), (2020, "Sujet"), (2021, "Sujet")):
        doc = draft_document()
        doc.update(date=f"{year}-03-01", title=f"Atelier {year}")
        doc["rida"][0].update(subject=subject, answer="Un ornithorynque en réponse.")
        import_doc(pg, doc)
    complete = find(pg, "ornithorynque")
    assert [h.date.year for h in complete.hits[:1]] == [2019]  # the title weighs most
    assert complete.total == 3 and complete.total_is_exact
    monkeypatch.setattr(postgresql_results, "RANK_CAP", 2)
    capped = find(pg, "ornithorynque")
    assert sorted(h.date.year for h in capped.hits) == [2020, 2021]
    assert capped.total == 3 and capped.total_is_exact
    assert sorted(capped.facets["year"]) == [("2019", 1), ("2020", 1), ("2021", 1)]
