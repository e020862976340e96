"""Importing a compte-rendu from the home page: DOCX (legacy or exported) or rida/1 JSON."""

from __future__ import annotations

import html
import io
import json

from rida.compte_rendu import render, source
from tests.conftest import Browser, counts, draft_document
from tests.fixtures.make_legacy_docx import build


def upload(browser: Browser, name: str, data: bytes, **kwargs):  # type: ignore[no-untyped-def]
    return browser.form("/import", {"file": (io.BytesIO(data), name)}, **kwargs)


def messages(browser: Browser, response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(browser.client.get(response.headers["Location"]).get_data(as_text=True))


def test_home_offers_the_import_form_to_editors(browser):
    page = browser.client.get("/").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'for="import-file"' in page


def test_a_legacy_docx_is_imported_with_its_warnings(browser, tmp_path):
    data = build(tmp_path / "legacy.docx").read_bytes()
    response = upload(browser, "CR atelier 07-01-22.docx", data)
    assert response.status_code == 302 and "/reunions/" in response.headers["Location"]
    page = messages(browser, response)
    assert "« CR atelier 07-01-22.docx » importé, avec 14 avertissement(s)" in page
    assert "Tableau RIDA, ligne 5 : nature absente" in page
    meeting_id = int(response.headers["Location"].rsplit("/", 1)[1])
    doc = browser.client.get(f"/api/meetings/{meeting_id}").get_json()
    assert [r["nature"] for r in doc["rida"]] == ["I", "I", "I", "I", None, "I", "A", "A", "I"]


def test_an_exported_docx_comes_back_as_the_same_document(app, browser):
    doc = draft_document()
    with app.app_context():
        from rida import db, exchange

        with db.transaction() as s:
            meeting = exchange.import_document(s, doc)
            original = exchange.export_document(s, meeting)
            data = render(source(s, meeting), "docx")
    response = upload(browser, "export.docx", data)
    assert response.status_code == 302
    page = messages(browser, response)
    assert "« export.docx » importé." in page
    new_id = int(response.headers["Location"].rsplit("/", 1)[1])
    again = browser.client.get(f"/api/meetings/{new_id}").get_json()
    assert {**again, "id": None} == {**original, "id": None}


def test_a_rida_json_file_is_imported(browser):
    response = upload(browser, "cr.json", json.dumps(draft_document()).encode())
    assert response.status_code == 302 and "/reunions/" in response.headers["Location"]


def test_bad_files_are_refused_and_nothing_is_written(app, browser):
    before = counts(app)
    for name, data, fragment in (
        ("cr.docx", b"PK\x03\x04 broken", "DOCX refusé"),
        ("notes.txt", b"pas du JSON", "JSON mal formé"),
        ("cr.json", json.dumps({"format": "rida/1"}).encode(), "series"),
    ):
        response = upload(browser, name, data)
        assert response.status_code == 302 and response.headers["Location"].endswith(
            "#import-title"
        )
        page = messages(browser, response)
        assert f"Import de « {name} » refusé, rien n'a été enregistré" in page
        assert fragment in page, page
    assert counts(app) == before


def test_no_file_no_csrf_and_readers(app, browser):
    response = browser.form("/import", {})
    assert "Choisissez un fichier" in messages(browser, response)
    no_token = browser.client.post("/import", data={"file": (io.BytesIO(b"{}"), "x.json")})
    assert no_token.status_code == 400
    reader = Browser(app.test_client()).login("reader")
    assert upload(reader, "x.json", b"{}").status_code == 403
