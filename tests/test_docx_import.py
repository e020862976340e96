"""Reading DOCX compte-rendus: the legacy seed as a human wrote it, odd content, and files
that are not DOCX at all. Every DOCX here is built with python-docx at test time."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from docx import Document

from rida import exchange
from rida.compte_rendu.reading.docx_import import DocxError, read_docx
from tests.conftest import demo_document, export_doc, import_doc
from tests.fixtures.make_legacy_docx import build


@pytest.fixture(scope="module")
def legacy(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    path = build(tmp_path_factory.mktemp("legacy") / "cr_tf_mssante_2022-01-07.docx")
    return read_docx(path.read_bytes())


def _bytes(document) -> bytes:  # type: ignore[no-untyped-def]
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_legacy_seed_gives_its_content(legacy):
    doc = exchange.validate(legacy.doc)
    assert (doc["series"], doc["title"], doc["date"]) == (
        "Task Force MSSanté",
        "Atelier modèle économique #1",
        "2022-01-07",
    )
    assert (doc["status"], doc["classification"], doc["version"]) == ("validated", "public", "1.0")
    assert doc["subject"] == "TF MSSanté – Atelier technique #1"
    assert doc["meeting_type"] == "Atelier"
    assert [p["last_name"] for p in doc["participants"]] == ["BRIS", "GUEYE", "LAPEYRIE", "SLOSAR"]
    assert doc["participants"][2]["first_name"] == "Jean-Baptiste"
    assert doc["organiser"]["last_name"] == "SLOSAR"
    assert doc["organiser"]["function"] == "Responsable de produit MSSanté"
    assert doc["rapporteur"] == {
        "last_name": "ABDICHE",
        "first_name": "Samy",
        "entity": "Capgemini Invent",
        "function": None,
    }
    assert doc["reference_documents"] == [
        "Support de présentation « Atelier modèle économique_07-01-22 »"
    ]
    assert len(doc["objectives"]) == 4
    assert doc["objectives"][1] == "Présenter le périmètre de financement Ségur"
    assert doc["summary"].startswith("L'objet de ce CR")
    assert [r["nature"] for r in doc["rida"]] == ["I", "I", "I", "I", None, "I", "A", "A", "I"]
    assert [r["number"] for r in doc["rida"]] == list(range(1, 10))
    assert len(doc["comments"]) == 2
    assert "« *mise en œuvre des exigences du référentiel* »" in doc["comments"][0]
    # The meeting's own wording is kept, not replaced by the template's (x-rida-wording).
    assert doc["results"] is None
    assert doc["x-rida-wording"] == {
        "objectives_intro": "Les objectifs de ce premier atelier étaient les suivants :",
        "results_heading": "Résultats de l'atelier inducteurs de financement (complété par "
        "les participants de façon anonyme en séance)",
        "rapporteur_note": "Personne en charge de la rédaction du compte rendu de la réunion",
    }
    assert [a["title"] for a in doc["actions"]] == [
        "Entretiens bilatéraux avec les opérateurs pour obtenir les éléments de coûts "
        "nécessaires à la modélisation économique",
        "Atelier industriel avec les éditeurs",
        "Envoi de la nouvelle version des exigences",
    ]
    assert [a["due_date"] for a in doc["actions"]] == [None, "2022-01-21", "2022-01-10"]
    assert [a["kind"] for a in doc["actions"]] == ["bilateral_interview", "workshop", "document"]
    # Row 8: « Des entretiens bilatéraux sont à organiser par l'ANS pour obtenir les
    # éléments de coûts »: the first action comes from it, and so does its owner.
    assert [a["rida"] for a in doc["actions"]] == [8, None, None]
    assert [(a["owner"] or {}).get("entity") for a in doc["actions"]] == ["ANS", None, None]


def test_legacy_html_fragments_become_markdown_lists(legacy):
    rows = {r["number"]: r for r in legacy.doc["rida"]}
    demo = {r["number"]: r for r in exchange.validate(demo_document())["rida"]}
    for number in (4, 5, 8):
        assert rows[number]["question"] == demo[number]["question"], number
    assert rows[9]["question"] == demo[9]["question"]
    assert "<" not in str(rows)


def test_legacy_warnings_name_what_was_guessed(legacy):
    warnings = legacy.warnings
    assert "Tableau RIDA, ligne 5 : nature absente" in warnings
    assert sum("fragment HTML converti" in w for w in warnings) == 8
    assert any(w.startswith("En-tête, rédacteur : « Samy Abdiche »") for w in warnings)
    assert sum("introuvable dans le texte" in w for w in warnings) == 3
    assert any("porteur « ANS » lu dans la ligne RIDA 8" in w for w in warnings)
    assert len(warnings) == 14, warnings


def test_legacy_imports_into_the_database(app, legacy):
    meeting_id = import_doc(app, legacy.doc)
    assert len(export_doc(app, meeting_id)["rida"]) == 9


# --- Files that are not a readable DOCX ------------------------------------------------


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


_TYPES = (
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.wordprocessingml.document.main+xml"/></Types>'
)


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "fichier vide"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500, "Word 97-2003 (.doc)"),
        (b'{"format": "rida/1"}', "n'est pas une archive ZIP"),
        (b"%PDF-1.7\n", "n'est pas une archive ZIP"),
        (b"PK\x03\x04" + b"\0" * 40, "corrompu"),
        (_zip({"hello.txt": b"hi"}), "sans word/document.xml"),
        (_zip({"word/document.xml": b"<a/>"}), "sans [Content_Types].xml"),
        (_zip({"[Content_Types].xml": _TYPES, "word/document.xml": b"<not xml"}), "illisible"),
    ],
)
def test_not_a_docx_is_a_clear_error(data, message):
    with pytest.raises(DocxError, match=re.escape(message)):
        read_docx(data)


def test_truncated_docx_is_a_clear_error(tmp_path: Path):
    data = build(tmp_path / "x.docx").read_bytes()
    for cut in (len(data) // 3, len(data) - 30):
        with pytest.raises(DocxError):
            read_docx(data[:cut])


def test_flipped_bytes_never_crash(tmp_path: Path):
    data = bytearray(build(tmp_path / "x.docx").read_bytes())
    for i in range(200, len(data), len(data) // 25):
        broken = bytearray(data)
        broken[i] ^= 0xFF
        try:
            result = read_docx(bytes(broken))
        except DocxError:
            continue
        assert isinstance(result.doc, dict)


# --- Odd content ------------------------------------------------------------------------------


def test_empty_document_reads_with_warnings():
    result = read_docx(_bytes(Document()))
    assert result.doc["rida"] == [] and result.doc["participants"] == []
    assert "Date de la réunion introuvable" in result.warnings
    with pytest.raises(exchange.ValidationError):
        exchange.validate(result.doc)


def test_odd_tables_and_rows_give_warnings_not_errors():
    document = Document()
    document.add_paragraph("Série X")
    document.add_paragraph("Titre Y")
    document.add_paragraph("Réunion du 1er mars 2022")
    rida = document.add_table(rows=1, cols=5)
    for cell, text in zip(
        rida.rows[0].cells, ("#", "Nature", "Objet", "Question", "Réponse"), strict=True
    ):
        cell.text = text
    for values in (
        ("1", "Décision", "Sujet", "Q", "R"),
        ("x", "Z", "", "", ""),
        ("1", "a", "Doublon", "", ""),
        ("", "", "", "", ""),
    ):
        for cell, text in zip(rida.add_row().cells, values, strict=True):
            cell.text = text
    short = rida.add_row()
    short._tr.remove(short._tr.tc_lst[-1])  # a row with a missing cell
    short.cells[0].text = "9"
    document.add_table(rows=2, cols=3).cell(0, 0).text = "???"
    result = read_docx(_bytes(document))
    doc = exchange.validate(result.doc)
    assert [(r["number"], r["nature"]) for r in doc["rida"]] == [
        (1, "D"),
        (2, None),
        (3, "A"),
        (9, None),
    ]
    assert "Tableau RIDA, ligne 2 : nature « Z » illisible, laissée vide" in result.warnings
    assert any("numéro « 1 » illisible ou déjà pris" in w for w in result.warnings)
    assert any(w.startswith("Tableau non reconnu") for w in result.warnings)
    assert doc["date"] == "2022-03-01"


def test_word_lists_and_formatting_become_markdown():
    document = Document()
    document.add_paragraph("Série")
    document.add_paragraph("Titre")
    document.add_paragraph("Réunion du 07/01/2022")
    document.add_heading("3. COMPTE-RENDU SYNTHÉTIQUE", level=1)
    document.add_paragraph("Les objectifs de la réunion étaient les suivants :")
    document.add_paragraph("Premier", style="List Number")
    document.add_paragraph("Second", style="List Number")
    paragraph = document.add_paragraph("Texte ")
    paragraph.add_run("gras").bold = True
    paragraph.add_run(" et ")
    paragraph.add_run("italique ").italic = True
    paragraph.add_run("fin.")
    document.add_paragraph("point", style="List Bullet")
    document.add_paragraph("sous-point", style="List Bullet 2")
    document.add_paragraph("• tapé")
    result = read_docx(_bytes(document))
    assert result.doc["objectives"] == ["Premier", "Second"]
    assert result.doc["summary"] == (
        "Texte **gras** et *italique* fin.\n\n- point\n    - sous-point\n- tapé"
    )
