"""Storage: SQLite pragmas, migrations matching the models, concurrent writers."""

import re
import threading

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel, select

from rida import db, exchange
from rida.models import Action, Meeting, RidaRow
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


def test_a_database_at_0001_with_the_demo_upgrades_to_head_with_its_data(tmp_path):
    from alembic import command
    from sqlalchemy import inspect

    from rida.models import MeetingVersion

    engine = db.make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    cfg = db.alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0001")
    assert "review_deadline" not in {c["name"] for c in inspect(engine).get_columns("meeting")}
    with engine.begin() as conn:  # the demo, written with the 0001 schema only
        conn.exec_driver_sql(
            "INSERT INTO series (id, name, created_at) VALUES "
            "(1, 'Task Force MSSanté', '2022-01-07 00:00:00')"
        )
        conn.exec_driver_sql(
            "INSERT INTO meeting (id, series_id, title, subject, meeting_type, date, start_time,"
            " end_time, location, status, classification, version, organiser_function,"
            " rapporteur_function, reference_documents, objectives, summary, comments, results,"
            " extensions, created_at, updated_at) VALUES (1, 1, 'Atelier modèle économique #1',"
            " '', 'Atelier', '2022-01-07', '', '', '', 'validated', 'public', '1.0', '', '',"
            " '[]', '[]', '', '[]', '', '{}', '2022-01-07 00:00:00', '2022-01-07 00:00:00')"
        )
        conn.exec_driver_sql(
            "INSERT INTO rida_row (uid, meeting_id, number, nature, subject, question, answer,"
            " extensions, revision, updated_at) VALUES ('u1', 1, 1, 'I', 'Financement Ségur',"
            " '', 'Vu', '{}', 1, '2022-01-07 00:00:00')"
        )
        for position, title in enumerate(("Entretiens bilatéraux", "Atelier industriel")):
            conn.exec_driver_sql(  # actions had no uid before 0003
                "INSERT INTO action (meeting_id, row_id, position, title, kind,"
                " owner_function, due_date, status, notes, extensions, revision) VALUES"
                f" (1, 1, {position}, '{title}', 'other', '', '2022-02-04', 'open', '', '{{}}', 3)"
            )
    db.upgrade(engine)
    with db.write_session(engine) as s:
        meeting = s.get(Meeting, 1)
        assert (meeting.title, meeting.status, meeting.version) == (
            "Atelier modèle économique #1",
            "validated",
            "1.0",
        )
        assert meeting.review_deadline is None
        assert [r.subject for r in s.exec(select(RidaRow)).all()] == ["Financement Ségur"]
        assert s.exec(select(MeetingVersion)).all() == []
        actions = s.exec(select(Action).order_by(Action.position)).all()
        assert [(a.title, a.row_id, a.revision) for a in actions] == [
            ("Entretiens bilatéraux", 1, 3),
            ("Atelier industriel", 1, 3),
        ]
        assert all(re.fullmatch("[0-9a-f]{32}", a.uid) for a in actions)
        assert actions[0].uid != actions[1].uid
        # 0014: history before unknown, every field stamped at the current revision
        assert actions[0].field_revisions["notes"] == actions[0].field_revisions["title"] == 3
        assert s.exec(select(RidaRow)).one().field_revisions == {}  # never changed
    engine.dispose()


def test_schema_heads_read_from_the_files_are_alembics():
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(db.alembic_config("sqlite://"))
    assert db.schema_heads() == frozenset(script.get_heads())


def test_at_head_only_once_migrated(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    try:
        assert not db.at_head(engine)
        db.upgrade(engine)
        assert db.at_head(engine)
    finally:
        engine.dispose()
