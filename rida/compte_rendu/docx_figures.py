"""Figures in the DOCX: a Markdown ``![alt](figure:N)`` becomes an inline picture at the
width of the text (of the page, or of the table cell it is in), its proportions kept,
no taller than :data:`MAX_HEIGHT_SHARE` of the text height; ``alt`` is its alternative
text (``descr``: Word's *Texte de remplacement*, the ``/Alt`` of the tagged PDF)."""

from __future__ import annotations

import io
from collections.abc import Callable

from docx.document import Document
from docx.oxml.ns import qn
from docx.oxml.text.paragraph import CT_P
from docx.shared import Emu

from rida.compte_rendu import figures

EMU_PER_TWIP = 635
MAX_HEIGHT_SHARE = 0.8
A4_WIDTH, A4_HEIGHT, CM2 = 7_560_310, 10_692_130, 720_090  # when the template says nothing


def add_picture(
    document: Document, pictures: dict[int, figures.Picture]
) -> Callable[[CT_P, str, str], bool]:
    section = document.sections[0]
    text_width = (
        _emu(section.page_width, A4_WIDTH)
        - _emu(section.left_margin, CM2)
        - _emu(section.right_margin, CM2)
    )
    text_height = (
        _emu(section.page_height, A4_HEIGHT)
        - _emu(section.top_margin, CM2)
        - _emu(section.bottom_margin, CM2)
    )

    def picture(p: CT_P, src: str, alt: str) -> bool:
        number = figures.number(src)
        found = pictures.get(number) if number is not None else None
        if found is None:
            return False
        width = _cell_width(p) or text_width
        height = width * found.height // found.width
        limit = int(text_height * MAX_HEIGHT_SHARE)
        if height > limit:
            width, height = width * limit // height, limit
        inline = document.part.new_pic_inline(io.BytesIO(found.data), Emu(width), Emu(height))
        doc_pr = inline.docPr
        doc_pr.set("name", f"Figure {found.number}")
        doc_pr.set("descr", alt)
        p.add_r().add_drawing(inline)
        return True

    return picture


def _emu(value: int | None, default: int) -> int:
    return int(value) if value is not None else default


def _cell_width(p: CT_P) -> int | None:
    """The width (EMU) of the table cell ``p`` is in, None in the body."""
    parent = p.getparent()
    if parent is None or parent.tag != qn("w:tc"):
        return None
    width = parent.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
    if width is None or not (width.get(qn("w:w")) or "").isdigit():
        return None
    margins = 2 * 108  # Word's default cell margins, in twips
    return max(int(width.get(qn("w:w"))) - margins, 1) * EMU_PER_TWIP
