"""Downloads from the meeting page: `/reunions/<id>/compte-rendu.<format>`."""

from __future__ import annotations

import io
import json
import re

import pytest
from docx import Document

from rida.compte_rendu import html
from tests.conftest import Browser, demo_document, export_doc, import_doc
from tests.exports_support import pdf_pages, require

NAME = "2022-01-07_TF-MSSante_Atelier-modele-economique-1_v0.1"  # the demo, as a draft
TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "json": "application/json",
    "pdf": "application/pdf",
}


def test_meeting_page_links_every_format(browser, demo_meeting):
    page = browser.client.get(f"/reunions/{demo_meeting}").get_data(as_text=True)
    links = re.findall(r'<a href="(/reunions/\d+/compte-rendu\.\w+)">([^<]+)</a>', page)
    assert links == [
        (f"/reunions/{demo_meeting}/compte-rendu.{fmt}", label)
        for fmt, label in (
            ("docx", "DOCX"),
            ("md", "Markdown"),
            ("html", "HTML"),
            ("pdf", "PDF"),
            ("json", "rida/1 (JSON)"),
        )
    ]
    assert "Télécharger :" in page


@pytest.mark.parametrize("fmt", ["docx", "md", "html", "json"])
def test_download_is_an_attachment_with_the_standard_name(app, browser, demo_meeting, fmt):
    response = browser.client.get(f"/reunions/{demo_meeting}/compte-rendu.{fmt}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == TYPES[fmt]
    assert response.headers["Content-Disposition"] == f'attachment; filename="{NAME}.{fmt}"'
    assert response.headers["Cache-Control"] == "private, no-store"
    data = response.get_data()
    if fmt == "docx":
        assert "COMPTE-RENDU" in [p.text for p in Document(io.BytesIO(data)).paragraphs]
    elif fmt == "md":
        assert data.decode().startswith("**COMPTE-RENDU**\n")
    elif fmt == "html":
        assert response.headers["Content-Security-Policy"] == html.CSP
        assert "<h1>Atelier modèle économique #1</h1>" in data.decode()
    else:
        assert json.loads(data) == export_doc(app, demo_meeting)
    # The generated file is also kept in RIDA_EXPORT_DIR.
    assert (app.config["EXPORT_DIR"] / f"{NAME}.{fmt}").read_bytes() == data
    assert not [p for p in app.config["EXPORT_DIR"].iterdir() if p.name.startswith(".")]


@pytest.mark.slow
def test_pdf_download(app, browser, demo_meeting):
    require("soffice")
    response = browser.client.get(f"/reunions/{demo_meeting}/compte-rendu.pdf")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{NAME}.pdf"'
    assert response.get_data().startswith(b"%PDF-")
    assert pdf_pages(app.config["EXPORT_DIR"] / f"{NAME}.pdf") >= 2


def test_pdf_without_libreoffice_is_a_clear_503(app, browser, demo_meeting):
    app.config["SOFFICE"] = "/nonexistent/soffice"
    response = browser.client.get(f"/reunions/{demo_meeting}/compte-rendu.pdf")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "LibreOffice (commande « soffice ») n&#39;est pas installé sur le serveur" in page
    assert "Content-Disposition" not in response.headers
    assert not app.config["EXPORT_DIR"].exists()


def test_download_follows_the_access_rule(app, client, demo_meeting):
    secret = import_doc(app, demo_document() | {"classification": "confidential"})
    for fmt in ("docx", "md", "html", "pdf", "json"):
        response = client.get(f"/reunions/{demo_meeting}/compte-rendu.{fmt}")
        assert response.status_code in (302, 401) and "Content-Disposition" not in response.headers
    reader = Browser(client).login("reader")
    assert reader.client.get(f"/reunions/{demo_meeting}/compte-rendu.md").status_code == 200
    for fmt in ("docx", "md", "html", "pdf", "json"):
        response = reader.client.get(f"/reunions/{secret}/compte-rendu.{fmt}")
        assert response.status_code == 404, fmt
        assert "Content-Disposition" not in response.headers
    assert reader.client.get(f"/reunions/{demo_meeting}/compte-rendu.exe").status_code == 404
    assert reader.client.get("/reunions/999/compte-rendu.md").status_code == 404


def test_download_survives_an_unwritable_export_dir(app, browser, demo_meeting, tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    app.config["EXPORT_DIR"] = blocker / "exports"
    response = browser.client.get(f"/reunions/{demo_meeting}/compte-rendu.md")
    assert response.status_code == 200
    assert response.get_data(as_text=True).startswith("**COMPTE-RENDU**")


def test_a_validated_meeting_is_downloaded_from_its_frozen_version(
    app, browser, validated_meeting, tmp_path
):
    from sqlmodel import select

    from rida import db
    from rida.models import MeetingVersion

    with app.app_context(), db.write_session(db.engine()) as s:
        frozen = s.exec(
            select(MeetingVersion).where(MeetingVersion.meeting_id == validated_meeting)
        ).one()
        frozen_docx = frozen.docx
    url = f"/reunions/{validated_meeting}/compte-rendu"
    assert browser.client.get(f"{url}.docx").data == frozen_docx
    # Another reference template would change a new rendering, not the frozen bytes.
    template = tmp_path / "other.docx"
    Document().save(template)
    app.config["DOCX_TEMPLATE"] = template
    assert browser.client.get(f"{url}.docx").data == frozen_docx
    exported = json.loads(browser.client.get(f"{url}.json").data)
    assert exported["status"] == "validated" and exported["version"] == "1.0"
