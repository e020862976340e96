"""``rida backup`` and ``rida restore`` on PostgreSQL (a real server: RIDA_TEST_POSTGRES_URL,
one fresh schema per test; skipped without it, failed under CI=1): ``pg_dump`` of rida's
schema from the snapshot the manifest's counts were read in, restored with ``pg_restore``
into an empty schema only; refusals leave nothing written and nothing changed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from rida import backups
from tests.search_backends import URL, new_schema, schema_url
from tests.test_cli import Cli


def _engine(schema: str):  # type: ignore[no-untyped-def]
    return create_engine(schema_url(schema))


def _scalar(schema: str, sql: str) -> object:
    engine = _engine(schema)
    try:
        with engine.begin() as conn:
            return conn.execute(text(sql)).scalar()
    finally:
        engine.dispose()


def _empty_again(schema: str) -> None:
    """The schema dropped and created again, empty (same name)."""
    admin = create_engine(URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    finally:
        admin.dispose()


@pytest.fixture
def schema() -> Iterator[str]:
    with new_schema() as name:
        yield name


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, schema: str) -> Cli:
    monkeypatch.chdir(tmp_path)
    cli = Cli(tmp_path)
    cli.env["RIDA_DATABASE_URL"] = schema_url(schema)
    cli("init")
    cli("demo")
    cli("export", "1", "--format", "md")
    return cli


def _counts(schema: str) -> dict[str, object]:
    return {
        name: _scalar(schema, f"SELECT count(*) FROM {table}")
        for name, table in (("meetings", "meeting"), ("rows", "rida_row"), ("actions", "action"))
    }


def test_round_trip_into_an_empty_schema(cli, schema):
    done = cli("backup", str(cli.root / "b"))
    assert "Sauvegarde écrite" in done.stdout
    backup = cli.root / "b"
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["format"] == "rida-backup/1" and manifest["engine"] == "postgresql"
    assert manifest["schema_revision"] == _scalar(schema, "SELECT version_num FROM alembic_version")
    assert manifest["counts"] == _counts(schema) and manifest["counts"]["meetings"] == 2
    exported = sorted(p.name for p in (cli.root / "exports").iterdir())
    assert exported and set(manifest["files"]) == {
        "rida.pgdump",
        *(f"exports/{n}" for n in exported),
    }
    for name, entry in manifest["files"].items():
        assert backups.sha256(backup / name) == entry["sha256"]
    assert not list(cli.root.glob(".b*"))  # no staging left
    before = {m: cli("export", str(m)).stdout for m in (1, 2)}
    meetings = cli.meetings()
    exports = {p.name: p.read_bytes() for p in (cli.root / "exports").iterdir()}

    _empty_again(schema)
    (cli.root / "exports" / "stray.md").write_text("after the backup")
    done = cli("restore", str(backup))  # nothing replaced: no question asked
    assert "Restauration terminée" in done.stdout and "2 réunion(s)" in done.stdout
    assert _counts(schema) == manifest["counts"]
    assert cli.meetings() == meetings
    assert {m: cli("export", str(m)).stdout for m in (1, 2)} == before
    assert {p.name: p.read_bytes() for p in (cli.root / "exports").iterdir()} == exports
    assert list(cli.data.glob("audit-anchors.jsonl.avant-restauration-*"))
    assert "Journal intègre" in cli("audit", "verify").stdout
    hits = json.loads(cli("search", "MSSanté", "--json").stdout)
    assert hits["total"] > 0
    # The restored database takes writes (its sequences came back too).
    cli("import", cli.write("m2.json", json.loads(before[1]) | {"title": "Après"}))


def test_non_empty_schema_refused_even_with_force(cli, schema):
    cli("backup", str(cli.root / "b"))
    counts = _counts(schema)
    error = cli.error(cli("restore", str(cli.root / "b"), "--force", ok=False))
    assert error["error"] == "not_empty" and "schéma vide" in error["message"]
    assert _counts(schema) == counts


def test_other_schema_name_refused(cli, schema):
    cli("backup", str(cli.root / "b"))
    with new_schema() as other:
        cli.env["RIDA_DATABASE_URL"] = schema_url(other)
        error = cli.error(cli("restore", str(cli.root / "b"), ok=False))
        assert error["error"] == "schema_name" and schema in error["message"]
        assert (
            _scalar(other, "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")
            == 0
        )


def test_tampered_dump_refused(cli, schema):
    cli("backup", str(cli.root / "b"))
    dump = cli.root / "b" / "rida.pgdump"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    _empty_again(schema)
    error = cli.error(cli("restore", str(cli.root / "b"), ok=False))
    assert error["error"] == "tampered" and "SHA-256" in error["message"]
    assert (
        _scalar(schema, "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()") == 0
    )


def test_unreadable_dump_with_a_rewritten_manifest_refused(cli, schema):
    cli("backup", str(cli.root / "b"))
    dump = cli.root / "b" / "rida.pgdump"
    dump.write_bytes(dump.read_bytes()[:200])
    manifest = json.loads((cli.root / "b" / "manifest.json").read_text())
    manifest["files"]["rida.pgdump"] = {"bytes": 200, "sha256": backups.sha256(dump)}
    (cli.root / "b" / "manifest.json").write_text(json.dumps(manifest))
    _empty_again(schema)
    error = cli.error(cli("restore", str(cli.root / "b"), ok=False))
    assert "pg_restore" in error["message"] and "Rien n'a été modifié" in error["message"]


def test_unknown_revision_refused(cli, schema):
    engine = _engine(schema)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'f00dfeedbeef'"))
    engine.dispose()
    cli("backup", str(cli.root / "b"))
    _empty_again(schema)
    error = cli.error(cli("restore", str(cli.root / "b"), ok=False))
    assert error["error"] == "schema" and "f00dfeedbeef" in error["message"]


def test_engine_mismatch_refused(cli, schema, tmp_path):
    cli("backup", str(cli.root / "pg"))
    sqlite = Cli(tmp_path / "lite")
    sqlite("init")
    sqlite("backup", str(cli.root / "lite-backup"))
    error = cli.error(sqlite("restore", str(cli.root / "pg"), "--force", ok=False))
    assert error["error"] == "engine" and "PostgreSQL" in error["message"]
    _empty_again(schema)
    error = cli.error(cli("restore", str(cli.root / "lite-backup"), ok=False))
    assert error["error"] == "engine" and "SQLite" in error["message"]


def test_failed_backup_writes_nothing(cli, schema):
    cli.env["RIDA_DATABASE_URL"] = schema_url(schema).replace(":rida@", ":wrong@", 1)
    error = cli.error(cli("backup", str(cli.root / "b"), ok=False))
    assert error["error"] == "postgresql" and "Aucune sauvegarde" in error["message"]
    assert "wrong" not in json.dumps(error)
    assert not (cli.root / "b").exists() and not list(cli.root.glob(".b*"))


def test_missing_pg_dump_writes_nothing(cli, tmp_path):
    """pg_dump itself failing (not installed): a French error, nothing left."""
    bare = tmp_path / "bare-bin"
    bare.mkdir()
    cli.env["PATH"] = str(bare)
    error = cli.error(cli("backup", str(cli.root / "b"), ok=False, real=True))
    assert "pg_dump introuvable" in error["message"]
    assert not (cli.root / "b").exists() and not list(cli.root.glob(".b*"))


def test_pg_tools_get_no_password_on_the_command_line():
    from rida.backups import backup_postgresql

    dsn, env = backup_postgresql.libpq(
        "postgresql+psycopg://u:s%40cret@db.example.org:5433/d?options=-csearch_path%3Dx"
    )
    assert "s@cret" not in dsn
    assert dsn.startswith("postgresql://u@db.example.org:5433/d?options=")
    assert env["PGPASSWORD"] == "s@cret"
    assert shutil.which("pg_dump") or not os.environ.get("CI")


def _rows_in_dump(dump: Path, table: str) -> int:
    out = subprocess.run(
        ["pg_restore", "--data-only", f"--table={table}", "--file=-", str(dump)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    start = next(i for i, line in enumerate(out) if line.startswith("COPY "))
    return out.index("\\.", start) - start - 1


def test_counts_match_the_dump_while_a_writer_inserts(cli, schema):
    """The counts are read in the snapshot pg_dump dumps: equal, whatever commits meanwhile."""
    engine = _engine(schema)
    with engine.begin() as conn:
        columns = [
            c
            for c in conn.execute(
                text(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_schema = current_schema() AND table_name = 'action' "
                    "AND column_name <> 'id'"
                )
            ).scalars()
        ]
    names = ", ".join(f'"{c}"' for c in columns)
    fresh = ", ".join("gen_random_uuid()::text" if c == "uid" else f'"{c}"' for c in columns)
    stop = threading.Event()
    written: list[int] = []

    def write() -> None:
        with engine.connect() as conn:
            while not stop.is_set():
                conn.execute(
                    text(f"INSERT INTO action ({names}) SELECT {fresh} FROM action LIMIT 1")
                )
                conn.commit()
                written.append(1)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        time.sleep(0.2)
        for k in range(3):
            cli("backup", str(cli.root / f"online{k}"))
    finally:
        stop.set()
        writer.join()
        engine.dispose()
    assert len(written) > 10
    seen = set()
    for k in range(3):
        manifest = json.loads((cli.root / f"online{k}" / "manifest.json").read_text())
        dumped = _rows_in_dump(cli.root / f"online{k}" / "rida.pgdump", "action")
        assert dumped == manifest["counts"]["actions"]
        seen.add(dumped)
    assert len(seen) > 1  # the writer did commit between the backups
