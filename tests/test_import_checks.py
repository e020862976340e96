"""A document marked « Validé » is checked at import: a draft when blocking checks fail
(the failures listed on the page, the command line and the API), unless kept validated on
explicit request (recorded on the frozen version, audited, shown on the meeting page);
``rida validate ID --check`` checks a meeting of any status."""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path

import pytest
from sqlmodel import select

from rida import db, exchange
from rida.circuit import validation
from rida.compte_rendu.reading.docx_import import read_docx
from rida.models import Meeting, MeetingVersion
from tests.audit_support import entries
from tests.conftest import Browser, demo_document
from tests.fixtures.make_legacy_docx import build


def upload(browser: Browser, name: str, data: bytes, keep: bool = False):  # type: ignore[no-untyped-def]
    fields = {"file": (io.BytesIO(data), name)}
    if keep:
        fields["keep_validated"] = "1"  # type: ignore[assignment]
    response = browser.form("/import", fields)
    assert response.status_code == 302 and "/reunions/" in response.headers["Location"]
    page = html.unescape(browser.client.get(response.headers["Location"]).get_data(as_text=True))
    return int(response.headers["Location"].rsplit("/", 1)[1]), page


def stored(app, meeting_id: int) -> tuple[str, str, list[int]]:  # type: ignore[no-untyped-def]
    with app.app_context(), db.write_session(db.engine()) as s:
        m = s.get(Meeting, meeting_id)
        assert m is not None
        frozen = s.exec(select(MeetingVersion).where(MeetingVersion.meeting_id == m.id)).all()
        return m.status, m.version, [v.forced_checks for v in frozen]


def todo_document() -> dict:
    """A « TODO ??? » minute without participants, marked validated."""
    doc = demo_document()
    doc["rida"][4]["nature"] = "I"
    doc["actions"][1]["rida"] = 7
    doc["participants"] = []
    doc["summary"] = "TODO ??? à compléter"
    return doc


@pytest.fixture
def legacy(tmp_path: Path) -> bytes:
    return build(tmp_path / "legacy.docx").read_bytes()


def legacy_failures(data: bytes) -> int:
    doc = exchange.validate(read_docx(data).doc)
    assert doc["status"] == "validated"
    return len(validation.blocking(validation.checklist(doc)))


def test_a_validated_legacy_docx_failing_checks_comes_in_as_a_draft(app, browser, legacy):
    meeting_id, page = upload(browser, "CR atelier.docx", legacy)
    n = legacy_failures(legacy)
    assert n >= 2
    assert f"Document marqué « Validé » mais {n} contrôles bloquants en échec" in page
    assert "importé en brouillon (v1.0)" in page
    assert "Ligne 5 : nature manquante [Ligne 5, Nature]" in page
    assert stored(app, meeting_id) == ("draft", "1.0", [])  # nothing frozen


def test_a_todo_minute_without_participants_is_not_frozen(app, browser):
    meeting_id, page = upload(browser, "cr.json", json.dumps(todo_document()).encode())
    assert "2 contrôles bloquants en échec" in page
    assert "Aucun intervenant saisi [Intervenants]" in page
    assert "marque de brouillon « ??? », « TODO » à retirer" in page
    assert stored(app, meeting_id) == ("draft", "1.0", [])


def test_kept_validated_on_request_is_recorded_audited_and_shown(app, browser, legacy):
    page_text = browser.client.get("/").get_data(as_text=True)
    assert 'for="import-keep-validated"' in page_text
    n = legacy_failures(legacy)
    meeting_id, page = upload(browser, "CR atelier.docx", legacy, keep=True)
    assert f"Validé à l'import malgré {n} contrôles bloquants en échec" in page
    assert "Ligne 5 : nature manquante" in page  # the failures, on the meeting page too
    assert stored(app, meeting_id) == ("validated", "1.0", [n])
    created = [e for e in entries(app, object_type="meeting_version") if e.meeting_id == meeting_id]
    assert len(created) == 1 and created[0].after["forced_checks"] == n


def test_a_document_passing_the_checks_stays_validated(app, browser):
    doc = todo_document()
    doc["participants"] = demo_document()["participants"]
    doc["summary"] = "Synthèse complète."
    meeting_id, page = upload(browser, "cr.json", json.dumps(doc).encode())
    assert "contrôle" not in page.split("<article", 1)[0].lower().replace("contrôles", "")
    assert stored(app, meeting_id) == ("validated", "1.0", [0])
    assert "Validé à l'import malgré" not in page


# --- Command line -----------------------------------------------------------------------


def test_cli_import_lists_the_failures_and_keeps_on_request(app, rida, legacy, tmp_path):
    path = tmp_path / "legacy.docx"
    path.write_bytes(legacy)
    n = legacy_failures(legacy)
    done = rida("import", str(path))
    meeting_id = int(done.stdout)
    assert f"{path} : Document marqué « Validé » mais {n} contrôles bloquants" in done.stderr
    assert f"{path} : ✗ Chaque ligne du RIDA a une nature et un objet (bloquant)" in done.stderr
    assert stored(app, meeting_id) == ("draft", "1.0", [])
    as_json = json.loads(rida("import", "--json", str(path)).stdout)["imported"][0]
    assert (as_json["status"], as_json["demoted"]) == ("draft", True)
    assert len(as_json["failed_checks"]) == n and as_json["file"] == str(path)
    kept = json.loads(rida("import", "--json", "--keep-validated", str(path)).stdout)
    kept_id = kept["imported"][0]["id"]
    assert kept["imported"][0]["kept_validated_despite_checks"] == n
    assert stored(app, kept_id) == ("validated", "1.0", [n])
    # `validate --check` works on the validated meeting: the checks, exit 1 when blocked.
    checked = rida("validate", str(kept_id), "--check", code=1).stdout
    assert "✗ Chaque ligne du RIDA a une nature et un objet (bloquant)" in checked
    assert f"Réunion validée (v1.0) : {n} contrôles bloquants en échec." in checked
    data = json.loads(rida("validate", str(kept_id), "--check", "--json", code=1).stdout)
    assert data["status"] == "validated" and data["frozen"] is None
    assert stored(app, kept_id) == ("validated", "1.0", [n])  # nothing changed
    # …and on a draft, without validating it.
    assert re.search(
        r"Validation impossible : \d+ contrôles",
        rida("validate", str(meeting_id), "--check", code=1).stdout,
    )
    assert stored(app, meeting_id) == ("draft", "1.0", [])
