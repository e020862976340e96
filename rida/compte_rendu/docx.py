"""The compte-rendu as DOCX (python-docx). First cut: replaced by the full ANS layout."""

from __future__ import annotations

import io

from docx import Document

from rida.compte_rendu import Source


def render(src: Source) -> bytes:
    doc = src.doc
    document = Document()
    document.add_paragraph("COMPTE-RENDU")
    document.add_paragraph(doc["series"])
    document.add_paragraph(doc["title"])
    table = document.add_table(rows=1, cols=5)
    for cell, text in zip(table.rows[0].cells, ("#", "Nature", "Objet", "Question / Remarque",
                                                 "Réponse"), strict=True):
        cell.text = text
    for row in doc["rida"]:
        cells = table.add_row().cells
        for cell, value in zip(cells, (str(row["number"]), row["nature"] or "", row["subject"],
                                       row["question"] or "", row["answer"] or ""), strict=True):
            cell.text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
