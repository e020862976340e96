"""`rida validate ID [--check] [--json] [--user LOGIN]`."""

from __future__ import annotations

import json

import click
import pytest
from sqlmodel import select

from rida import db
from rida.cli.meetings import validate_meeting
from rida.models import Meeting, MeetingVersion


@pytest.fixture
def rida(rida):  # type: ignore[no-untyped-def]
    """rida(*args, code=0): ``rida validate *args`` (the shared fixture of conftest)."""
    return lambda *args, code=0: rida("validate", *args, code=code)


def stored(app, meeting_id: int) -> tuple[str, str, list[tuple[str, str]]]:
    with app.app_context(), db.write_session(db.engine()) as s:
        m = s.get(Meeting, meeting_id)
        frozen = s.exec(select(MeetingVersion).where(MeetingVersion.meeting_id == m.id)).all()
        return m.status, m.version, [(v.version, v.validated_by_name) for v in frozen]


def test_every_option_has_help():
    command = validate_meeting
    assert command.help
    options = [p for p in command.params if isinstance(p, click.Option)]
    assert {o.name for o in options} == {"check_only", "as_json", "login"}
    assert all(o.help for o in options)


def test_blocked_prints_the_checklist_and_exits_1(app, rida, demo_meeting):
    out = rida(str(demo_meeting), code=1).stdout
    assert "✗ Chaque ligne du RIDA a une nature et un objet (bloquant)" in out
    assert "    Ligne 5 : nature manquante [Ligne 5, Nature]" in out and "rida[4]" not in out
    assert "✓ Au moins un intervenant" in out
    assert "Validation impossible : 2 contrôles bloquants en échec." in out
    assert stored(app, demo_meeting) == ("draft", "0.1", [])


def test_check_only_never_validates(app, rida, ready_meeting):
    out = rida(str(ready_meeting), "--check").stdout
    assert "Prêt à valider" in out and "validée" not in out
    assert stored(app, ready_meeting) == ("draft", "0.1", [])


def test_validates_and_freezes_when_nothing_blocks(app, rida, ready_meeting):
    out = rida(str(ready_meeting), "--user", "rapporteur").stdout
    assert f"Réunion {ready_meeting} validée : version v1.0 figée (DOCX SHA-256 " in out
    assert stored(app, ready_meeting) == ("validated", "1.0", [("1.0", "rapporteur")])


def test_json_output(app, rida, ready_meeting):
    data = json.loads(rida(str(ready_meeting), "--json").stdout)
    assert (data["status"], data["version"]) == ("validated", "1.0")
    assert data["frozen"]["validated_by"] == "cli" and len(data["frozen"]["sha256"]) == 64
    assert {c["code"] for c in data["checks"]} >= {"header", "rows", "dates"}
    again = json.loads(rida(str(ready_meeting), "--json", "--check").stdout)  # any status
    assert (again["status"], again["frozen"]) == ("validated", None)
    assert again["summary"] == "Réunion validée (v1.0) : aucun contrôle bloquant en échec."
    blocked = json.loads(rida(str(ready_meeting), "--json", code=1).stderr)
    assert blocked["error"] == "validated"  # validating again: refused


def test_errors_exit_1_in_french(app, rida, ready_meeting):
    assert json.loads(rida("999", code=1).stderr) == {
        "error": "not_found",
        "message": "Réunion 999 introuvable.",
    }
    error = json.loads(rida(str(ready_meeting), "--user", "nobody", code=1).stderr)
    assert error["errors"] == [{"path": "--user", "message": "compte « nobody » inconnu"}]
    assert stored(app, ready_meeting) == ("draft", "0.1", [])
