"""GET /healthz: 200 when the database and the search index answer, 503 otherwise;
no account needed, nothing else said."""

from __future__ import annotations

import shutil
from pathlib import Path

from rida import db


def test_a_healthy_process_says_ok_without_a_login(client):
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.get_json() == {"status": "ok", "database": "ok", "search": "ok"}
    assert answer.headers["Cache-Control"] == "no-store"


def test_a_database_that_does_not_answer_gives_503(app, client):
    with app.app_context():
        database = Path(db.engine().url.database or "")
        db.engine().dispose()
    database.unlink()
    database.mkdir()  # where the file was: SQLite cannot open it
    try:
        answer = client.get("/healthz")
        assert answer.status_code == 503
        assert answer.get_json()["database"] == "error"
    finally:
        shutil.rmtree(database)
