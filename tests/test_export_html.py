"""The compte-rendu as a self-contained, print-ready HTML page."""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess

import pytest

from rida.compte_rendu import html, render
from rida.render import CLASSIFICATION_LABELS
from tests.conftest import demo_document
from tests.exports_support import hostile_document, in_order, pdf_pages, require, source_of


def page(app, doc: dict) -> str:
    return render(source_of(app, doc), "html").decode()


def test_demo_in_the_layout_order(app):
    text = page(app, demo_document())
    in_order(
        text,
        [
            "Task Force MSSanté – Atelier modèle économique #1",
            "Publique – v1.0",
            '<p class="kind">COMPTE-RENDU</p>',
            "<h1>Atelier modèle économique #1</h1>",
            "Réunion du 07/01/2022",
            "Statut : Validé | Classification : Publique | Version : v1.0",
            "<h2>1. OBJET DU COMPTE-RENDU</h2>",
            '<th scope="row">Objet</th><td>TF MSSanté – Atelier technique #1</td>',
            '<th scope="row">Organisateur ¹</th><td>Mathieu SLOSAR</td>',
            "Documents de référence",
            "<h2>2. INTERVENANTS</h2>",
            "<td>SLOSAR ¹</td>",
            "¹ Personne à l&#39;origine",
            "<h2>3. COMPTE-RENDU SYNTHÉTIQUE</h2>",
            "<li>Présenter le contexte",
            "L'objet de ce CR",
            "<td>Samy ABDICHE / Capgemini Invent</td><td>07/01/2022</td>",
            "Relevé d&#39;Informations, de Décisions et d&#39;Actions (RIDA)",
            '<td class="num">1</td><td class="nature">I</td>',
            '<td class="num">9</td>',
            "<h3>3.1 Commentaire(s)</h3>",
            "<em>mise en œuvre des exigences du référentiel</em>",
            "<h3>3.2 Résultats de l&#39;atelier</h3>",
            "<h3>3.3 Prochaines actions</h3>",
            "<td>Mathieu SLOSAR (ANS)</td><td>04/02/2022</td><td>À faire</td><td>8</td>",
        ],
    )
    assert text.count('<td class="num">') == 9
    # Rich text is rendered: lists in cells, formulas readable.
    assert "<li>MIPIH : suggère" in text and "A + B × X" in text


def test_print_ready_and_self_contained(app):
    text = page(app, demo_document())
    assert "@page" in text and "size: A4" in text
    assert "thead { display: table-header-group; }" in text
    assert "break-inside: avoid" in text
    # The RIDA title row and the column headers are both in the repeated header.
    thead = re.search(r'<table class="rida">\s*<thead>(.*?)</thead>', text, re.S).group(1)
    assert "RIDA" in thead and "Question / Remarque" in thead
    assert "<script" not in text and "<link" not in text and "src=" not in text
    assert "http://" not in text and "https://" not in text and "url(" not in text
    style = re.search(r"<style>(.*?)</style>", text, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in html.CSP


def test_text_is_escaped_and_markdown_sanitised(app):
    text = page(app, hostile_document())
    assert "<script" not in text and "<b>" not in text
    assert "<title>COMPTE-RENDU – Task Force MSSanté – Atelier &lt;script&gt;" in text
    assert "<h1>Atelier &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; | *gras* #2</h1>" in text
    assert "Objet &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; | a|b" in text
    assert "&lt;script&gt;alert(" in text.split('<td class="num">1</td>')[1]
    doc = demo_document()
    doc["rida"][0]["answer"] = '[lien](javascript:alert(1)) <img src=x onerror="alert(1)">'
    text = page(app, doc)
    assert "javascript:" not in text and "<img" not in text
    assert '<a rel="noopener noreferrer">lien</a> &lt;img src=x' in text


def test_follow_up_and_empty_sections(app):
    source_of(app, demo_document())
    later = demo_document() | {
        "date": "2022-02-04",
        "title": "Atelier #2",
        "actions": [],
        "comments": [],
        "results": None,
    }
    text = page(app, later)
    in_order(
        text,
        [
            "Aucun commentaire.",
            "Aucun résultat consigné.",
            "Aucune action.",
            "<h3>3.4 Suivi des actions</h3>",
            "<td>Atelier modèle économique #1 (07/01/2022)</td>",
        ],
    )


@pytest.mark.slow  # Chromium
@pytest.mark.parametrize("classification", ["restricted", "confidential"])
def test_classification_on_every_printed_page(app, tmp_path, classification):
    """Printed to PDF by Chromium, each page (not only the first) names the classification."""
    chromium = require("chromium")
    doc = demo_document()
    doc["classification"] = classification
    path = tmp_path / "cr.html"
    path.write_bytes(render(source_of(app, doc), "html"))
    out = tmp_path / "cr.pdf"
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={out}",
            path.as_uri(),
        ],
        capture_output=True,
        check=True,
        timeout=120,
    )
    pages = pdf_pages(out)
    assert pages >= 3
    label = CLASSIFICATION_LABELS[classification]
    for number in range(1, pages + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), str(out), "-"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
        assert f"Classification : {label}" in text, number


def test_print_css_names_every_classification():
    for value, label in CLASSIFICATION_LABELS.items():
        assert f".classification-{value} {{ page: {value}; }}" in html.CSS
        assert f'@page {value} {{ @top-right {{ content: "Classification : {label}";' in html.CSS
