"""``rida reindex`` and ``rida search-check`` on a real data dir, with either engine."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlmodel import select

from rida import db, search
from rida.models import Meeting, SearchOutbox
from tests.conftest import draft_document, make_app
from tests.search_backends import BACKENDS, new_schema, schema_url
from tests.test_cli import Cli


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """The database URL of the commands: None (SQLite, Whoosh) or a fresh PostgreSQL
    schema (searched inside PostgreSQL)."""
    if request.param == "whoosh":
        yield None
        return
    with new_schema() as schema:
        yield schema_url(schema)


def cli_on(tmp_path, database: str | None) -> Cli:  # type: ignore[no-untyped-def]
    cli = Cli(tmp_path)
    cli.env["RIDA_DATABASE_URL"] = database
    return cli


def app_of(cli: Cli):  # type: ignore[no-untyped-def]
    url = cli.env["RIDA_DATABASE_URL"]
    return make_app(cli.data, **({"DATABASE_URL": url} if url else {}))


def test_reindex_rebuilds_from_the_database_with_a_progress_bar(tmp_path, database):
    cli = cli_on(tmp_path, database)
    cli("init")
    cli("import", str(write_demo(tmp_path)))
    done = cli("reindex", real=True)
    assert "Indexation des réunions" in done.stdout
    assert "Index reconstruit : 1 réunion(s) indexée(s)." in done.stdout
    report = json.loads(cli("search-check", "--json").stdout)
    assert report == {
        "ok": True,
        "pending": 0,
        "missing": [],
        "extra": [],
        "stale": [],
        "damaged": [],
    }


def test_search_check_reports_differences_in_french_and_exits_1(tmp_path, database):
    cli = cli_on(tmp_path, database)
    cli("init")
    cli("import", str(write_demo(tmp_path)))
    app = app_of(cli)
    try:
        # The index loses the meeting behind the database's back.
        with app.app_context(), db.read_session(db.engine()) as s:
            search.remove_meeting(s.get(Meeting, 1).id)
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


def test_a_command_indexes_what_it_changed_before_exiting(tmp_path, database):
    cli = cli_on(tmp_path, database)
    cli("init")
    cli("import", str(write_demo(tmp_path)), real=True)
    app = app_of(cli)
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


def test_search_check_finds_a_damaged_whoosh_segment(tmp_path):
    from tests.test_search_index import damage_a_block

    cli = cli_on(tmp_path, None)
    cli("init")
    cli("import", str(write_demo(tmp_path)))
    segment = damage_a_block(cli.data / "search")
    out = cli("search-check", ok=False).stdout
    assert f"Fichier d'index {segment.name} : endommagé" in out
    assert json.loads(cli("search-check", "--json", ok=False).stdout)["damaged"] == [segment.name]
    cli("reindex")
    assert "Index et base concordent." in cli("search-check").stdout
