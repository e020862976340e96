"""``rida reindex`` and ``rida search-check`` on a real data dir."""

from __future__ import annotations

import json

from sqlmodel import select

from rida import db, search
from rida.models import Meeting, SearchOutbox
from tests.conftest import draft_document, make_app
from tests.test_cli import Cli


def test_reindex_rebuilds_from_the_database_with_a_progress_bar(tmp_path):
    cli = Cli(tmp_path)
    cli("init")
    cli("import", str(write_demo(tmp_path)))
    done = cli("reindex", real=True)
    assert "Indexation des réunions" in done.stdout
    assert "Index reconstruit : 1 réunion(s) indexée(s)." in done.stdout
    report = json.loads(cli("search-check", "--json").stdout)
    assert report == {"ok": True, "pending": 0, "missing": [], "extra": [], "stale": []}


def test_search_check_reports_differences_in_french_and_exits_1(tmp_path):
    cli = Cli(tmp_path)
    cli("init")
    cli("import", str(write_demo(tmp_path)))
    app = make_app(cli.data)
    try:
        with app.app_context():  # the index loses the meeting behind the database's back
            meeting = db.read_session(db.engine()).get(Meeting, 1)
            search.remove_meeting(meeting.id)
    finally:
        with app.app_context():
            db.engine().dispose()
    out = cli("search-check", ok=False).stdout
    assert "Réunion 1, ligne 8 : absent de l'index." in out
    assert "Réunion 1, en-tête : absent de l'index." in out
    assert "L'index diffère de la base : lancez « rida reindex »." in out
    report = json.loads(cli("search-check", "--json", ok=False).stdout)
    assert not report["ok"] and {"meeting": 1, "kind": "row", "key": 8} in report["missing"]
    cli("reindex")
    assert "Index et base concordent." in cli("search-check").stdout


def test_a_command_indexes_what_it_changed_before_exiting(tmp_path):
    cli = Cli(tmp_path)
    cli("init")
    cli("import", str(write_demo(tmp_path)), real=True)
    app = make_app(cli.data)
    try:
        with app.app_context(), db.read_session(db.engine()) as s:
            assert search.check(s).ok and search.backend().doc_count() > 9
            assert s.exec(select(SearchOutbox.id)).all() == []
    finally:
        with app.app_context():
            db.engine().dispose()


def write_demo(root):  # type: ignore[no-untyped-def]
    path = root / "demo.json"
    path.write_text(json.dumps(draft_document(), ensure_ascii=False), encoding="utf-8")
    return path
