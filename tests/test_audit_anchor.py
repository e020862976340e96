"""Finding 6 of the outside attack: with write access to the database, a rewritten chain
(an entry edited, every later hash recomputed with rida's own function) or its last
entries deleted passed ``rida audit verify``. The anchors outside the database catch both;
what they cannot catch is documented in :mod:`rida.audit.anchor`."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest
from click.testing import CliRunner

from rida.audit import chain
from rida.cli import main
from tests.audit_support import entries


@pytest.fixture
def verify(app):  # type: ignore[no-untyped-def]
    env = {"RIDA_DATA_DIR": str(app.config["DATA_DIR"]), "RIDA_DATABASE_URL": None}

    def run(code: int = 0) -> dict | str:
        result = CliRunner().invoke(main, ["audit", "verify"], env=env, prog_name="rida")
        assert result.exit_code == code, (result.stdout, result.stderr)
        return json.loads(result.stderr) if code else result.stdout

    return run


def _database(app) -> sqlite3.Connection:  # type: ignore[no-untyped-def]
    conn = sqlite3.connect(app.config["DATA_DIR"] / "rida.sqlite3", isolation_level=None)
    conn.execute("DROP TRIGGER audit_entry_no_update")
    conn.execute("DROP TRIGGER audit_entry_no_delete")
    return conn


def _rehash_from(conn: sqlite3.Connection, first: int) -> None:
    """What an attacker does with rida's own function: recompute every hash from ``first``."""
    conn.row_factory = sqlite3.Row
    prev = conn.execute("SELECT hash FROM audit_entry WHERE id = ?", (first - 1,)).fetchone()
    prev_hash = prev["hash"] if prev else chain.GENESIS
    for row in conn.execute("SELECT * FROM audit_entry WHERE id >= ? ORDER BY id", (first,)):
        fields = dict(row)
        for key in ("before", "after"):
            fields[key] = json.loads(fields[key]) if fields[key] else None
        fields["at"] = dt.datetime.fromisoformat(fields["at"])
        fields["prev_hash"] = prev_hash
        new = chain.entry_hash(fields)
        conn.execute(
            "UPDATE audit_entry SET prev_hash = ?, hash = ? WHERE id = ?",
            (prev_hash, new, row["id"]),
        )
        prev_hash = new


def test_a_rewritten_chain_passes_the_chain_but_not_the_anchors(app, verify, demo_meeting):
    assert "ancres vérifiées" in verify()
    conn = _database(app)
    conn.execute("UPDATE audit_entry SET login = 'personne' WHERE id = 3")
    _rehash_from(conn, 3)
    conn.close()
    with app.app_context(), app.extensions["rida.engine"].connect() as c:
        assert chain.verify(c).intact  # the attack works on the chain alone
    error = verify(code=1)
    assert error["error"] == "audit_anchor_broken"
    assert "ne correspond plus" in error["message"]


def test_deleting_the_last_entries_is_detected(app, verify, demo_meeting):
    last = len(entries(app))
    conn = _database(app)
    conn.execute("DELETE FROM audit_entry WHERE id > ?", (last - 2,))
    conn.close()
    error = verify(code=1)
    assert error["error"] == "audit_anchor_broken" and "a disparu" in error["message"]


def test_a_forged_anchor_line_is_detected(app, verify, demo_meeting):
    path = app.config["DATA_DIR"] / "audit-anchors.jsonl"
    lines = path.read_text().splitlines()
    forged = json.loads(lines[-1]) | {"hash": "0" * 64}
    path.write_text("\n".join([*lines[:-1], json.dumps(forged)]) + "\n")
    error = verify(code=1)
    assert "falsifiée" in error["message"]


def test_the_anchor_key_is_not_in_the_database_and_is_private(app, demo_meeting):
    key = app.config["DATA_DIR"] / "audit_key"
    assert key.stat().st_mode & 0o077 == 0
    secret = key.read_text().strip()
    with sqlite3.connect(app.config["DATA_DIR"] / "rida.sqlite3") as conn:
        dump = "\n".join(conn.iterdump())
    assert secret not in dump
