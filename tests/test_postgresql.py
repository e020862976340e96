"""The same storage on PostgreSQL, when a server is given (CI starts one).

Set RIDA_TEST_POSTGRES_URL (e.g. postgresql+psycopg://rida:rida@127.0.0.1/rida_test) to run
these; each test works in a fresh schema of that database.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import create_engine, text

from rida import create_app, db, exchange
from rida.meetings import editing
from rida.models import Meeting
from tests.conftest import Browser, demo_document, draft_document

URL = os.environ.get("RIDA_TEST_POSTGRES_URL", "")

pytestmark = pytest.mark.skipif(not URL, reason="RIDA_TEST_POSTGRES_URL is not set")


@pytest.fixture
def pg_app(tmp_path) -> Iterator[Flask]:
    yield from pg_app_with(tmp_path)


@pytest.fixture
def pg_whoosh_app(tmp_path) -> Iterator[Flask]:
    """On PostgreSQL, but searching with Whoosh (the outbox and its indexer)."""
    yield from pg_app_with(tmp_path, SEARCH_BACKEND="whoosh")


def pg_app_with(tmp_path, **config: object) -> Iterator[Flask]:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{URL}{'&' if '?' in URL else '?'}options=-csearch_path%3D{schema}"
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": tmp_path,
            "EXPORT_DIR": tmp_path,
            "DATABASE_URL": url,
            "SECRET_KEY": "test",
            **config,
        }
    )
    yield app
    with app.app_context():
        db.engine().dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


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
