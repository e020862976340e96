"""``rida backup`` and ``rida restore``: online and consistent, verified before anything is
replaced, refused on a tampered or truncated backup, or while a server
holds the data."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest

from rida import backups, db
from rida.backups import backup_sqlite, server_lock
from tests.conftest import draft_document, make_app
from tests.test_cli import Cli


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.chdir(tmp_path)
    cli = Cli(tmp_path)
    cli("init")
    cli("import", cli.write("m.json", draft_document()))
    cli("export", "1", "--format", "md")
    return cli


def _dump(database: Path) -> list[str]:
    with closing(sqlite3.connect(database)) as conn:
        return list(conn.iterdump())


def test_backup_holds_the_database_exports_and_a_manifest(cli):
    done = cli("backup", str(cli.root / "b1"))
    assert "Sauvegarde écrite" in done.stdout and "1 réunion(s)" in done.stdout
    backup = cli.root / "b1"
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["format"] == "rida-backup/1"
    assert manifest["schema_revision"] and manifest["rida_version"]
    assert manifest["created_at"].endswith("+00:00")
    assert manifest["counts"] == {"meetings": 1, "rows": 9, "actions": 3}
    exported = [p.name for p in (cli.root / "exports").iterdir() if p.suffix == ".md"]
    assert set(manifest["files"]) == {"rida.sqlite3", *(f"exports/{n}" for n in exported)}
    for name, entry in manifest["files"].items():
        assert backups.sha256(backup / name) == entry["sha256"]
    assert backup_sqlite.integrity(backup / "rida.sqlite3") == "ok"
    assert not (backup / "rida.sqlite3-wal").exists()
    assert _dump(backup / "rida.sqlite3") == _dump(cli.data / "rida.sqlite3")
    assert not list(cli.root.glob(".b1*"))  # no staging left
    again = cli("backup", str(backup), ok=False)
    assert "existe déjà" in json.loads(again.stderr)["message"]


def test_backup_is_online_and_consistent(cli):
    """A writer keeps committing while the backup runs: the copy is one snapshot."""
    database = cli.data / "rida.sqlite3"
    stop = threading.Event()
    written: list[int] = []

    def write() -> None:
        with closing(sqlite3.connect(database, timeout=30)) as conn:
            n = 0
            while not stop.is_set():
                n += 1
                conn.execute("UPDATE rida_row SET answer = ? WHERE number = 1", (f"v{n}",))
                conn.execute("UPDATE meeting SET summary = ?", (f"v{n}",))
                conn.commit()
                written.append(n)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        time.sleep(0.2)
        for k in range(3):
            cli("backup", str(cli.root / f"online{k}"))
    finally:
        stop.set()
        writer.join()
    assert len(written) > 10
    for k in range(3):
        copy = cli.root / f"online{k}" / "rida.sqlite3"
        assert backup_sqlite.integrity(copy) == "ok"
        with closing(sqlite3.connect(copy)) as conn:
            row = conn.execute("SELECT answer FROM rida_row WHERE number = 1").fetchone()[0]
            summary = conn.execute("SELECT summary FROM meeting").fetchone()[0]
        assert row == summary  # both updates of one transaction, or neither


def test_restore_round_trip_equals_the_source(cli):
    cli("backup", str(cli.root / "b"))
    before = _dump(cli.data / "rida.sqlite3")
    exports = {p.name: p.read_bytes() for p in (cli.root / "exports").iterdir()}
    cli("import", cli.write("m2.json", {**draft_document(), "title": "Après"}))
    (cli.root / "exports" / "stray.md").write_text("after the backup")
    (cli.data / "search").mkdir(exist_ok=True)
    done = cli("restore", str(cli.root / "b"), "--force")
    assert "Restauration terminée" in done.stdout and "1 réunion(s)" in done.stdout
    assert "reconstruit" in done.stdout
    assert _dump(cli.data / "rida.sqlite3") == before
    assert {
        p.name: p.read_bytes()
        for p in (cli.root / "exports").iterdir()
        if not p.name.startswith(".")
    } == {k: v for k, v in exports.items() if not k.startswith(".")}
    assert not (cli.data / "search").exists()
    assert [m["title"] for m in cli.meetings()] == [draft_document()["title"]]
    # the search index is rebuilt by the next start
    hits = json.loads(cli("search", "modèle", "--json").stdout)
    assert hits["total"] > 0
    # The audit anchors of the lost entries are set aside; the log verifies afresh.
    assert list(cli.data.glob("audit-anchors.jsonl.avant-restauration-*"))
    assert "Journal intègre" in cli("audit", "verify").stdout


def test_restore_asks_before_replacing(cli):
    cli("backup", str(cli.root / "b"))
    done = cli("restore", str(cli.root / "b"), stdin="n\n", ok=False)
    assert "seront remplacés" in done.stdout
    done = cli("restore", str(cli.root / "b"), stdin="y\n")
    assert "Restauration terminée" in done.stdout


def _tamper(cli, change) -> dict:  # type: ignore[no-untyped-def]
    cli("backup", str(cli.root / "t"))
    before = _dump(cli.data / "rida.sqlite3")
    change(cli.root / "t")
    done = cli("restore", str(cli.root / "t"), "--force", ok=False)
    assert _dump(cli.data / "rida.sqlite3") == before  # nothing touched
    assert not list(cli.data.glob(".rida.sqlite3.restore-*"))
    return json.loads(done.stderr)


def test_tampered_database_refused(cli):
    def change(backup: Path) -> None:
        with closing(sqlite3.connect(backup / "rida.sqlite3")) as conn:
            conn.execute("UPDATE meeting SET title = 'falsifié'")
            conn.commit()

    error = _tamper(cli, change)
    assert error["error"] == "tampered" and "SHA-256" in error["message"]


def test_tampered_export_refused(cli):
    def change(backup: Path) -> None:
        next((backup / "exports").iterdir()).write_text("falsifié")

    assert _tamper(cli, change)["error"] == "tampered"


def test_extra_file_refused(cli):
    error = _tamper(cli, lambda b: (b / "exports" / "ajout.md").write_text("ajout"))
    assert "non répertorié" in error["message"]


def test_truncated_database_refused(cli):
    def truncate(backup: Path) -> None:
        db = backup / "rida.sqlite3"
        db.write_bytes(db.read_bytes()[: db.stat().st_size // 2])

    assert _tamper(cli, truncate)["error"] == "tampered"


def test_truncated_database_with_a_rewritten_manifest_fails_the_integrity_check(cli):
    def truncate_and_rehash(backup: Path) -> None:
        db = backup / "rida.sqlite3"
        data = db.read_bytes()
        db.write_bytes(data[:4096] + b"\0" * (len(data) - 4096))
        manifest = json.loads((backup / "manifest.json").read_text())
        manifest["files"]["rida.sqlite3"] = {
            "bytes": db.stat().st_size,
            "sha256": backups.sha256(db),
        }
        (backup / "manifest.json").write_text(json.dumps(manifest))

    error = _tamper(cli, truncate_and_rehash)
    assert error["error"] == "corrupt" and "integrity_check" in error["message"]


def test_manifest_naming_files_outside_the_backup_refused(cli):
    def escape(backup: Path) -> None:
        manifest = json.loads((backup / "manifest.json").read_text())
        manifest["files"]["../m.json"] = {"bytes": 1, "sha256": "0"}
        (backup / "manifest.json").write_text(json.dumps(manifest))

    assert _tamper(cli, escape)["error"] == "tampered"


def test_not_a_backup(cli):
    (cli.root / "empty").mkdir()
    done = cli("restore", str(cli.root / "empty"), "--force", ok=False)
    assert "n'est pas une sauvegarde rida" in json.loads(done.stderr)["message"]


def test_restore_refused_while_a_server_holds_the_data(cli):
    cli("backup", str(cli.root / "b"))
    app = make_app(cli.data, SEARCH_INDEXER=False)
    server_lock.hold(app)  # what a server process does at start
    try:
        done = cli("restore", str(cli.root / "b"), "--force", ok=False)
        assert json.loads(done.stderr)["error"] == "server_running"
    finally:
        app.extensions[server_lock.EXTENSION].release()
        with app.app_context():
            db.engine().dispose()
    cli("restore", str(cli.root / "b"), "--force")


def test_on_postgresql_a_sqlite_backup_is_refused_and_a_failed_dump_writes_nothing(cli):
    """(The PostgreSQL backups themselves: tests/test_backup_postgresql.py.)"""
    cli("backup", str(cli.root / "b"))
    cli.env["RIDA_DATABASE_URL"] = "postgresql+psycopg://rida:rida@127.0.0.1:1/none"
    error = json.loads(cli("restore", str(cli.root / "b"), "--force", ok=False).stderr)
    assert error["error"] == "engine" and "SQLite" in error["message"]
    error = json.loads(cli("backup", str(cli.root / "pg"), ok=False).stderr)
    assert error["error"] == "postgresql" and "Aucune sauvegarde" in error["message"]
    assert not (cli.root / "pg").exists() and not list(cli.root.glob(".pg*"))
