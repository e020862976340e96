"""`rida audit verify` and `rida audit export --format csv -o PATH [filters]`; commands
record who ran them (« cli », or the --user account)."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

from rida import db
from rida.audit import events
from tests.audit_support import entries


def test_verify_counts_the_entries_and_the_anchors(app, rida, demo_meeting):
    result = rida("audit", "verify")
    anchors = app.config["DATA_DIR"] / "audit-anchors.jsonl"
    count = len(anchors.read_text().splitlines())
    assert count >= 1
    assert result.stdout == (
        f"Journal intègre : {len(entries(app))} entrées, {count} ancres vérifiées ({anchors}).\n"
    )


def test_verify_names_the_first_broken_entry(app, rida, demo_meeting):
    conn = sqlite3.connect(app.config["DATA_DIR"] / "rida.sqlite3", isolation_level=None)
    conn.execute("DROP TRIGGER audit_entry_no_update")
    conn.execute("UPDATE audit_entry SET ip = '6.6.6.6' WHERE id = 9")
    conn.close()
    error = json.loads(rida("audit", "verify", code=1).stderr)
    assert error["error"] == "audit_broken" and error["entry"] == 9
    assert "entrée 9" in error["message"]


def _read(path: Path) -> list[list[str]]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(text[1:].splitlines(), delimiter=";"))


def test_export_csv_with_filters_and_neutralised_cells(app, rida, tmp_path, demo_meeting):
    with app.app_context():
        events.emit(events.LOGIN_FAILED, login='=HYPERLINK("http://x")', ip="10.1.2.3")
        events.emit(events.LOGIN_FAILED, login="@bob", ip="10.1.2.3")
    out = tmp_path / "journal.csv"
    rida("audit", "export", "--format", "csv", "-o", str(out), "--action", "login.failure")
    lines = _read(out)
    assert lines[0][:6] == ["N°", "Date (UTC)", "Compte", "Id du compte", "Adresse", "Action"]
    assert [line[2] for line in lines[1:]] == ['\'=HYPERLINK("http://x")', "'@bob"]
    assert {line[5] for line in lines[1:]} == {"Échec de connexion"}
    rida("audit", "export", "-o", str(out), "--user", "@bob", "--from", "2000-01-01")
    assert len(_read(out)) == 2
    rida("audit", "export", "-o", str(out), "--to", "2000-01-01")
    assert len(_read(out)) == 1  # the header only
    total = len(entries(app))
    rida("audit", "export", "-o", str(out))
    assert len(_read(out)) == total + 1
    recorded = entries(app, action="export", object_type="audit_entry")[-1]
    assert recorded.login == "cli"
    assert recorded.ip == "cli" and recorded.after["file"] == str(out)


def test_export_refuses_bad_filters(app, rida, tmp_path):
    error = json.loads(
        rida("audit", "export", "-o", str(tmp_path / "j.csv"), "--from", "hier", code=1).stderr
    )
    assert error["errors"][0]["path"] == "--from"
    assert not (tmp_path / "j.csv").exists()


def test_commands_record_their_actor(app, rida, ready_meeting):
    rida("validate", str(ready_meeting), "--user", "rapporteur")
    [validation] = entries(app, action="validation", meeting_id=ready_meeting)
    assert (validation.login, validation.ip) == ("rapporteur", "cli")
    rida("export", str(ready_meeting), "--format", "md")
    [export] = entries(app, action="export", meeting_id=ready_meeting)
    assert (export.login, export.ip, export.after["format"]) == ("cli", "cli", "md")
    with app.app_context():
        assert db.integrity_ok(db.engine())
