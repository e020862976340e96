"""Storage: SQLite pragmas, migrations matching the models, concurrent writers."""

import threading

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel, select

from rida import db, exchange
from rida.models import Meeting, RidaRow
from tests.conftest import demo_document


def test_sqlite_pragmas(app):
    with app.app_context(), db.engine().connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    with app.app_context():
        assert db.integrity_ok(db.engine())


def test_migrations_match_models(app):
    with app.app_context(), db.engine().connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def test_upgrade_keeps_existing_data(app, demo_meeting):
    with app.app_context():
        db.upgrade(db.engine())  # already at head: a no-op that must not touch data
        with db.write_session(db.engine()) as s:
            assert s.get(Meeting, demo_meeting).title == "Atelier modèle économique #1"
            assert len(s.exec(select(RidaRow)).all()) == 9


def test_foreign_keys_cascade_on_delete(app, demo_meeting):
    with app.app_context():
        with db.write_session(db.engine()) as s:
            s.delete(s.get(Meeting, demo_meeting))
        with db.write_session(db.engine()) as s:
            assert s.exec(select(RidaRow)).all() == []


def test_failed_transaction_writes_nothing(app):
    with app.app_context():
        doc = demo_document()
        try:
            with db.write_session(db.engine()) as s:
                exchange.import_document(s, doc)
                raise RuntimeError("crash after the import, before the commit")
        except RuntimeError:
            pass
        with db.write_session(db.engine()) as s:
            assert s.exec(select(Meeting)).all() == []


def test_concurrent_writers_never_fail(app, demo_meeting):
    """Read-then-write transactions from many threads: BEGIN IMMEDIATE queues them."""
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(10):
                with db.write_session(engine) as s:
                    row = s.exec(select(RidaRow).where(RidaRow.number == 1)).one()
                    row.revision += 1
                    s.add(row)
        except BaseException as e:  # noqa: BLE001 - collected and asserted below
            errors.append(e)

    with app.app_context():
        engine = db.engine()
    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with db.write_session(engine) as s:
        assert s.exec(select(RidaRow).where(RidaRow.number == 1)).one().revision == 81
