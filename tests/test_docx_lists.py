"""Word lists read from the numbering definition, not from the numId of each item.

LibreOffice re-saves one list as a restarting ``w:num`` for its first item and a plain
``w:num`` of the same abstract numbering for the others; Word writes one ``w:num`` per
list, restarts with ``w:lvlOverride/w:startOverride`` and nests with ``w:ilvl``. Both read
back as the Markdown lists the page shows.
"""

from __future__ import annotations

import io
import os
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from rida import exchange
from rida.compte_rendu.reading.docx_import import read_docx
from rida.compte_rendu.reading.docx_package import EMBEDDED_PART
from rida.render import formula_text
from tests.conftest import demo_document
from tests.exports_support import require
from tests.test_docx_roundtrip import export_and_render, read_back


def libreoffice_resave(data: bytes, tmp_path: Path) -> bytes:
    """``data`` opened and saved again as DOCX by LibreOffice headless."""
    program = require("soffice")
    source = tmp_path / "in" / "compte-rendu.docx"
    source.parent.mkdir()
    source.write_bytes(data)
    subprocess.run(
        [
            program,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "docx",
            "--outdir",
            str(tmp_path / "out"),
            str(source),
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "HOME": str(tmp_path)},
        timeout=180,
    )
    resaved = (tmp_path / "out" / "compte-rendu.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(resaved)) as archive:
        # LibreOffice drops the embedded rida/1 part: only the visible content is read.
        assert EMBEDDED_PART not in archive.namelist()
    return resaved


def shown(exported: dict[str, Any]) -> dict[str, Any]:
    """``exported`` as the page shows it: formulas readable (their source is not shown)."""
    expected = {**exported, "rida": [dict(r) for r in exported["rida"]]}
    for row in expected["rida"]:
        for key in ("question", "answer"):
            if row[key] and "$" in row[key]:
                row[key] = formula_text(row[key])
    return expected


LISTS_IN_CELLS = {
    "objectives": ["Premier objectif", "Deuxième objectif", "Troisième objectif", "Quatrième"],
    "summary": "Introduction.\n\n1. un\n2. deux\n3. trois\n\nEntre-deux.\n\n- puce\n- autre puce",
    "rida.0.question": (
        "Constats :\n\n1. premier\n2. deuxième\n3. troisième\n\nPuis :\n\n1. encore\n2. fin"
    ),
    "rida.1.answer": (
        "1. un\n    1. un-a\n    2. un-b\n2. deux\n\n- puce\n    - sous-puce\n- puce 2"
    ),
    "rida.2.answer": "1. seul",
    "actions.0.notes": "1. étape une\n2. étape deux\n3. étape trois",
    "actions.1.notes": "- a\n- b\n\n1. x\n2. y",
    "results": "1. résultat\n2. autre résultat",
}


def lists_document() -> dict[str, Any]:
    doc = demo_document()
    for path, value in LISTS_IN_CELLS.items():
        parts = path.split(".")
        if len(parts) == 1:
            doc[path] = value
        else:
            doc[parts[0]][int(parts[1])][parts[2]] = value
    return doc


@pytest.mark.slow
@pytest.mark.parametrize("make", [demo_document, lists_document], ids=["demo", "lists"])
def test_a_libreoffice_resave_reads_back_the_same(app, tmp_path, make):
    exported, data = export_and_render(app, make())
    resaved = libreoffice_resave(data, tmp_path)
    result = read_docx(resaved)
    assert exchange.validate(result.doc) == shown(exported)
    assert len(result.doc["objectives"]) == len(exported["objectives"])
    # Without LibreOffice too (the visible content alone is covered by test_docx_roundtrip).
    assert read_back(data) == exported


# --- Lists as Word writes them ---------------------------------------------------------

ABSTRACTS = """
<w:abstractNum {ns} w:abstractNumId="90">
  <w:multiLevelType w:val="hybridMultilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>
    <w:lvlText w:val="%2)"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="-"/></w:lvl>
</w:abstractNum>
<w:abstractNum {ns} w:abstractNumId="91">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
</w:abstractNum>
<w:abstractNum {ns} w:abstractNumId="92">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl>
</w:abstractNum>
<w:abstractNum {ns} w:abstractNumId="93">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
</w:abstractNum>
"""
# numId → (abstract, restart of level 0)
NUMS = {
    101: ("90", None),  # a first list of abstract 90
    102: ("90", 1),  # Word's « Recommencer à 1 »: same abstract, restarted
    103: ("91", 1),  # LibreOffice: the first item restarts…
    104: ("91", None),  # … the others continue the same abstract
    105: ("92", None),  # bullets
    106: ("93", None),  # a list continued after a paragraph
    107: ("91", 1),  # LibreOffice again: two more lists of abstract 91
    108: ("91", 1),
}


def _numbering(document: Any) -> None:
    root = document.part.numbering_part.element
    ns = nsdecls("w")
    first_num = root.find(qn("w:num"))
    for xml in ABSTRACTS.strip().split("</w:abstractNum>")[:-1]:
        # Abstract numberings come before every w:num.
        first_num.addprevious(parse_xml(xml.format(ns=ns) + "</w:abstractNum>"))
    for num_id, (abstract, restart) in NUMS.items():
        override = (
            f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{restart}"/></w:lvlOverride>'
            if restart
            else ""
        )
        root.append(
            parse_xml(
                f'<w:num {ns} w:numId="{num_id}"><w:abstractNumId w:val="{abstract}"/>'
                f"{override}</w:num>"
            )
        )


def _item(container: Any, text: str, num_id: int, level: int = 0) -> None:
    p = container.add_paragraph(text)
    num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = num_id


def word_lists_docx() -> bytes:
    document = Document()
    _numbering(document)
    document.add_paragraph("Série")
    document.add_paragraph("Titre")
    document.add_paragraph("Réunion du 07/01/2022")
    document.add_heading("3. COMPTE-RENDU SYNTHÉTIQUE", level=1)
    document.add_paragraph("Les objectifs de la réunion étaient les suivants :")
    _item(document, "Objectif un", 103)
    for text in ("Objectif deux", "Objectif trois", "Objectif quatre"):
        _item(document, text, 104)
    document.add_paragraph("Texte libre.")
    _item(document, "a", 106)
    _item(document, "b", 106)
    document.add_paragraph("Interruption.")
    _item(document, "c", 106)
    table = document.add_table(rows=1, cols=5)
    for cell, text in zip(
        table.rows[0].cells, ("#", "Nature", "Objet", "Question / Remarque", "Réponse"), strict=True
    ):
        cell.text = text
    for number in (1, 2, 3):
        row = table.add_row().cells
        row[0].text, row[1].text, row[2].text = str(number), "I", f"Sujet {number}"
    question, answer = table.rows[1].cells[3], table.rows[1].cells[4]
    question.text = "Deux listes :"
    _item(question, "un", 101)
    _item(question, "deux", 101)
    question.add_paragraph("Puis :")
    _item(question, "encore un", 102)
    _item(question, "encore deux", 102)
    answer.text = "Niveaux :"
    _item(answer, "haut", 102)
    _item(answer, "bas a", 102, 1)
    _item(answer, "bas b", 102, 1)
    _item(answer, "plus bas", 102, 2)
    _item(answer, "haut deux", 102)
    _item(answer, "puce", 105)
    # LibreOffice's encoding, twice in a row in two cells: each list restarts.
    for cell, texts, first in (
        (table.rows[2].cells[3], "xyz", 107),
        (table.rows[3].cells[3], "uv", 108),
    ):
        cell.text = "Liste :"
        _item(cell, texts[0], first)
        for text in texts[1:]:
            _item(cell, text, 104)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_word_list_encodings_read_as_the_page_shows_them():
    result = read_docx(word_lists_docx())
    doc = exchange.validate(result.doc)
    assert doc["objectives"] == [
        "Objectif un",
        "Objectif deux",
        "Objectif trois",
        "Objectif quatre",
    ]
    # A list continued after a paragraph goes on counting, as Word shows it.
    assert doc["summary"] == "Texte libre.\n\n1. a\n2. b\n\nInterruption.\n\n3. c"
    rows = doc["rida"]
    assert rows[0]["question"] == (
        "Deux listes :\n\n1. un\n2. deux\n\nPuis :\n\n1. encore un\n2. encore deux"
    )
    assert rows[0]["answer"] == (
        "Niveaux :\n\n3. haut\n    1. bas a\n    2. bas b\n        - plus bas\n"
        "4. haut deux\n\n- puce"
    )
    assert rows[1]["question"] == "Liste :\n\n1. x\n2. y\n3. z"
    assert rows[2]["question"] == "Liste :\n\n1. u\n2. v"
