"""PDF through LibreOffice headless: the demo DOCX converted for real, checked with poppler."""

from __future__ import annotations

import io
import re
import subprocess
import threading
from pathlib import Path

import pytest
from docx import Document

from rida import settings
from rida.compte_rendu import pdf, render
from tests.conftest import demo_document
from tests.exports_support import pdf_pages, pdf_text, require, source_of

pytestmark = pytest.mark.slow  # LibreOffice

# What page 1 and the RIDA table must show. "Relevé d'Informations" joins this list with
# the full DOCX writer (the first cut has no RIDA title row).
EXPECTED_TEXT = (
    "COMPTE-RENDU",
    "Task Force MSSanté",
    "Atelier modèle économique #1",
    "Nature",
    "Financement Ségur",
    "TF MSS",
    "Informations, de Décisions et d",
)


def docx_texts(data: bytes) -> list[str]:
    """Every paragraph and table cell of a DOCX, squashed."""
    document = Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    texts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    return [squash(text) for text in texts if text.strip()]


def squash(text: str) -> str:
    """Without whitespace or hyphens: narrow columns wrap long words, and pdftotext joins
    `lui-` + `même` into `luimême`."""
    return "".join(text.replace("-", "").split())


def test_demo_docx_converts_to_a_pdf_with_its_pages_and_text(app, tmp_path):
    require("soffice")
    docx = render(source_of(app, demo_document()), "docx")
    path = tmp_path / "demo.pdf"
    path.write_bytes(pdf.convert(docx))
    assert pdf_pages(path) >= 2
    text = " ".join(pdf_text(path).split())
    for expected in EXPECTED_TEXT:
        assert expected in text, expected
    # Every paragraph and cell of the DOCX is there (its beginning: a row split over two
    # pages comes out of pdftotext interleaved with the next page's header).
    squashed = squash(text)
    assert [t for t in docx_texts(docx) if t[:30] not in squashed] == []


def test_concurrent_conversions_do_not_share_a_profile(app):
    require("soffice")
    docx = render(source_of(app, demo_document()), "docx")
    results: list[bytes | Exception] = []

    def convert() -> None:
        try:
            results.append(pdf.convert(docx))
        except Exception as e:  # noqa: BLE001 - reported by the assertion below
            results.append(e)

    threads = [threading.Thread(target=convert) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    assert len(results) == 2
    assert all(isinstance(r, bytes) and r.startswith(b"%PDF-") for r in results), results


def test_missing_soffice_is_a_clear_french_error(monkeypatch, tmp_path):
    with pytest.raises(pdf.PdfUnavailable) as e:
        pdf.convert(b"PK", soffice=str(tmp_path / "no-soffice"))
    assert "LibreOffice (commande « soffice ») n'est pas installé sur le serveur" in e.value.message
    assert "RIDA_SOFFICE" in e.value.message
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(pdf.PdfUnavailable, match="n'est pas installé"):
        pdf.find_soffice()


def test_failing_or_hanging_soffice(tmp_path):
    with pytest.raises(pdf.PdfUnavailable, match="LibreOffice a échoué"):
        pdf.convert(b"PK", soffice="/bin/false")
    hanging = tmp_path / "soffice"
    hanging.write_text("#!/bin/sh\nsleep 60\n")
    hanging.chmod(0o755)
    with pytest.raises(pdf.PdfUnavailable, match="dépassé 1 s"):
        pdf.convert(b"PK", soffice=str(hanging), timeout=1)


def test_setting():
    assert settings.load({"RIDA_SOFFICE": "/opt/lo/soffice"})["SOFFICE"] == "/opt/lo/soffice"
    assert settings.load({})["SOFFICE"] is None
    assert Path(require("soffice")).name in ("soffice", "libreoffice")


def test_pdf_is_tagged_with_language_title_and_structure(app, tmp_path):
    """Accessible PDF (RGAA, PDF/UA): a structure tree with headings and tables, the
    document's language and title, the title shown by the reader."""
    require("soffice")
    docx = render(source_of(app, demo_document()), "docx")
    path = tmp_path / "demo.pdf"
    data = pdf.convert(docx)
    path.write_bytes(data)
    info = subprocess.run(
        [require("pdfinfo"), str(path)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(r"^Title:\s+Atelier modèle économique #1$", info, re.M)
    assert b"/StructTreeRoot" in data and b"/Lang(fr-FR)" in data
    assert b"/DisplayDocTitle true" in data
    tags = subprocess.run(
        [require("pdfinfo"), "-struct", str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split()
    for tag in ("H1", "Table", "TH:", "TD:", "L", "LI"):
        assert tag in tags, tag
    meta = subprocess.run(
        [require("pdfinfo"), "-meta", str(path)], capture_output=True, text=True, timeout=60
    ).stdout
    assert "<pdfuaid:part>1</pdfuaid:part>" in meta
