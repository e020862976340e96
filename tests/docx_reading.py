"""Reading a generated DOCX back with python-docx, for the compte-rendu tests."""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph


def read(data: bytes) -> DocumentObject:
    return Document(io.BytesIO(data))


def body_texts(document: DocumentObject) -> list[str]:
    """Non-empty body paragraphs, in order (tables left out)."""
    return [p.text for p in document.paragraphs if p.text]


def cell_texts(table: Table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def column(table: Table, index: int, skip: int = 0) -> list[str]:
    return [row.cells[index].text for row in table.rows[skip:]]


def row_flags(table: Table, flag: str) -> list[bool]:
    return [
        row._tr.trPr is not None and row._tr.trPr.find(qn(f"w:{flag}")) is not None
        for row in table.rows
    ]


def num_id(paragraph: Paragraph) -> int | None:
    ppr = paragraph._p.pPr
    if ppr is None or ppr.numPr is None or ppr.numPr.numId is None:
        return None
    return ppr.numPr.numId.val


def start_override(document: DocumentObject, num: int) -> str | None:
    element = document.part.numbering_part.element.num_having_numId(num)
    found = element.find(f"{qn('w:lvlOverride')}/{qn('w:startOverride')}")
    return None if found is None else found.get(qn("w:val"))


def runs(paragraph: Paragraph) -> list[tuple[str, bool, bool]]:
    return [(r.text, bool(r.bold), bool(r.italic)) for r in paragraph.runs]


def field_codes(paragraph: Paragraph) -> list[str]:
    return [t.text.strip() for t in paragraph._p.iter(qn("w:instrText"))]
