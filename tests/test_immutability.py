"""A validated compte-rendu is read-only through the API, the pages and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from rida import db
from rida.cli import main
from rida.meetings import editing, participants
from tests.conftest import export_doc

FROZEN = (
    "Ce compte-rendu est validé (v1.0) : il ne peut plus être modifié. Créez une "
    "nouvelle version pour l'amender."
)


def edits(meeting_id: int, row_uid: str, part_uid: str) -> list[tuple[str, str, object]]:
    """Every editing request of the JSON API."""
    base = f"/api/meetings/{meeting_id}"
    return [
        ("PATCH", base, {"fields": {"title": "x"}}),
        ("POST", f"{base}/rows", {"uid": "a" * 32, "fields": {}}),
        ("PATCH", f"{base}/rows/{row_uid}", {"revision": 1, "fields": {"subject": "x"}}),
        ("DELETE", f"{base}/rows/{row_uid}", None),
        ("POST", f"{base}/rows/{row_uid}/move", {"direction": "down"}),
        ("POST", f"{base}/participants", {"last_name": "NOUVEAU"}),
        ("PATCH", f"{base}/participants/{part_uid}", {"revision": 1, "fields": {"function": "x"}}),
        ("DELETE", f"{base}/participants/{part_uid}", None),
        ("POST", f"{base}/participants/{part_uid}/move", {"direction": "down"}),
    ]


def uids(browser, meeting_id: int) -> tuple[str, str]:
    app = browser.client.application
    with app.app_context(), db.write_session(db.engine()) as s:
        return (
            editing.rows_of(s, meeting_id)[0].uid,
            participants.participants_of(s, meeting_id)[0][0].uid,
        )


def test_every_api_edit_of_a_validated_meeting_is_409(app, browser, validated_meeting):
    before = export_doc(app, validated_meeting)
    for method, url, payload in edits(validated_meeting, *uids(browser, validated_meeting)):
        response = browser.json(method, url, payload)
        assert response.status_code == 409, (method, url, response.get_data(as_text=True))
        assert response.get_json() == {"error": "validated", "message": FROZEN}
    assert export_doc(app, validated_meeting) == before


def test_amending_makes_it_editable_again(app, browser, validated_meeting):
    assert browser.json("POST", f"/api/meetings/{validated_meeting}/amend").status_code == 200
    response = browser.json(
        "PATCH", f"/api/meetings/{validated_meeting}", {"fields": {"title": "Amendé"}}
    )
    assert response.status_code == 200
    assert export_doc(app, validated_meeting)["version"] == "1.1"


def test_the_editor_page_of_a_validated_meeting_shows_the_banner(browser, validated_meeting):
    response = browser.client.get(f"/reunions/{validated_meeting}/modifier")
    assert response.status_code == 302
    assert response.location.endswith(f"/reunions/{validated_meeting}#validation")
    page = browser.client.get(response.location).get_data(as_text=True)
    assert FROZEN.replace("'", "&#39;") in page
    assert "Modifier (éditeur du rapporteur)" not in page
    assert "Créer une nouvelle version" in page
    for button in ("Envoyer en relecture", "Revenir en brouillon", "Valider le compte-rendu"):
        assert button not in page


@pytest.mark.parametrize("action", ["relecture", "brouillon", "validation"])
def test_status_forms_on_a_validated_meeting_change_nothing(
    app, browser, validated_meeting, action
):
    before = export_doc(app, validated_meeting)
    response = browser.form(f"/reunions/{validated_meeting}/{action}", {"deadline": "2030-01-01"})
    assert response.status_code == 302
    page = browser.client.get(response.location).get_data(as_text=True)
    assert "flash-error" in page
    assert export_doc(app, validated_meeting) == before


def test_no_cli_command_changes_a_validated_meeting(app, validated_meeting, tmp_path: Path):
    env = {
        "RIDA_DATA_DIR": str(tmp_path / "data"),
        "RIDA_EXPORT_DIR": str(tmp_path / "x"),
        "RIDA_SECRET_KEY": "test",
        "RIDA_DATABASE_URL": None,
    }
    before = export_doc(app, validated_meeting)
    result = CliRunner().invoke(main, ["validate", str(validated_meeting)], env=env)
    assert result.exit_code == 1
    assert json.loads(result.stderr) == {"error": "validated", "message": FROZEN}
    result = CliRunner().invoke(main, ["validate", str(validated_meeting), "--check"], env=env)
    assert result.exit_code == 1
    assert export_doc(app, validated_meeting) == before
