"""WordprocessingML that python-docx has no API for: tables built directly with grid
widths, repeated header rows, rows that do not split and merged cells; ``PAGE`` fields;
the embedded ``rida/1`` part; a package saved with fixed timestamps."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from docx.document import Document
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tc
from docx.oxml.text.paragraph import CT_P

from rida.compte_rendu.markdown_docx import Flow

RIDA_PART = "/customXml/rida-1.json"
RIDA_CONTENT_TYPE = "application/json"
RIDA_RELTYPE = "https://rida.ans.local/relationships/rida-1"
DEFAULT_HEADER_FILL = "DCE3EF"
TWIPS_PER_CM = 567


def _el(tag: str, **attrs: str) -> OxmlElement:
    return OxmlElement(tag, {qn(f"w:{k}"): v for k, v in attrs.items()})


def header_fill(document: Document, table_style: str | None) -> str:
    """The fill of the first row in the template's table style (what Word shows), so
    that header rows look the same in LibreOffice, which we give it directly."""
    if table_style:
        style = document.styles.element.get_by_id(table_style)
        if style is not None:
            for cond in style.iterchildren(qn("w:tblStylePr")):
                shd = cond.find(f"{qn('w:tcPr')}/{qn('w:shd')}")
                if (
                    cond.get(qn("w:type")) == "firstRow"
                    and shd is not None
                    and shd.get(qn("w:fill"))
                ):
                    fill: str = shd.get(qn("w:fill"))
                    return fill
    return DEFAULT_HEADER_FILL


@dataclass
class TableLook:
    style: str | None
    head_style: str | None
    cell_style: str | None
    fill: str


class Table:
    """A table appended to ``body`` with fixed column widths (in cm); ``first_row``: its
    first row takes the table style's first-row format (off for a table without a
    header row, whose first row would come out bold and shaded in Word)."""

    def __init__(
        self,
        body: OxmlElement,
        look: TableLook,
        widths_cm: Sequence[float],
        *,
        first_row: bool = True,
    ):
        self.look = look
        edges = [round(sum(widths_cm[:i]) * TWIPS_PER_CM) for i in range(len(widths_cm) + 1)]
        self.widths = [b - a for a, b in zip(edges, edges[1:], strict=False)]
        tbl = self.tbl = OxmlElement("w:tbl")
        tbl_pr = _el("w:tblPr")
        tbl.append(tbl_pr)
        if look.style:
            tbl_pr.append(_el("w:tblStyle", val=look.style))
        tbl_pr.append(_el("w:tblW", w=str(sum(self.widths)), type="dxa"))
        tbl_pr.append(_el("w:tblLayout", type="fixed"))
        tbl_pr.append(
            _el(
                "w:tblLook",
                val="04A0" if first_row else "0600",
                firstRow="1" if first_row else "0",
                lastRow="0",
                firstColumn="0",
                lastColumn="0",
                noHBand="1",
                noVBand="1",
            )
        )
        grid = _el("w:tblGrid")
        for width in self.widths:
            grid.append(_el("w:gridCol", w=str(width)))
        tbl.append(grid)
        body._insert_tbl(tbl)

    def row(self, *, header: bool = False) -> OxmlElement:
        tr = _el("w:tr")
        tr_pr = _el("w:trPr")
        tr_pr.append(_el("w:cantSplit"))
        if header:
            tr_pr.append(_el("w:tblHeader"))
        tr.append(tr_pr)
        self.tbl.append(tr)
        return tr

    def cell(
        self,
        tr: OxmlElement,
        column: int,
        *,
        span: int = 1,
        header: bool = False,
        vmerge: str | None = None,
    ) -> Flow:
        """A cell of ``tr`` starting at grid ``column``, as a :class:`Flow` for its content."""
        tc: CT_Tc = _el("w:tc")
        tc_pr = _el("w:tcPr")
        tc_pr.append(_el("w:tcW", w=str(sum(self.widths[column : column + span])), type="dxa"))
        if span > 1:
            tc_pr.append(_el("w:gridSpan", val=str(span)))
        if vmerge is not None:
            tc_pr.append(_el("w:vMerge", val=vmerge) if vmerge else _el("w:vMerge"))
        if header:
            tc_pr.append(_el("w:shd", val="clear", color="auto", fill=self.look.fill))
        tc.append(tc_pr)
        tr.append(tc)
        style = self.look.head_style if header else self.look.cell_style
        spare = tc.add_p()
        if style:
            spare.style = style
        return Flow(tc, style, spare)

    def text_row(self, texts: Sequence[str], *, header: bool = False) -> None:
        """A row of plain texts, one per column."""
        tr = self.row(header=header)
        for column, text in enumerate(texts):
            p = self.cell(tr, column, header=header).paragraph()
            if text:
                p.add_r().text = text


def add_field(p: CT_P, instruction: str, shown: str) -> None:
    """A complex field (``PAGE``, ``NUMPAGES``) showing ``shown`` until updated."""
    for kind in ("begin", "instr", "separate", "text", "end"):
        r = p.add_r()
        if kind == "instr":
            instr = _el("w:instrText")
            instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            instr.text = f" {instruction} "
            r.append(instr)
        elif kind == "text":
            r.text = shown
        else:
            r.append(_el("w:fldChar", fldCharType=kind))


def embed_json(document: Document, data: bytes) -> None:
    """The ``rida/1`` document as package part ``/customXml/rida-1.json``."""
    package = document.part.package
    part = Part(PackURI(RIDA_PART), RIDA_CONTENT_TYPE, data, package)
    package.relate_to(part, RIDA_RELTYPE)


def save(document: Document, when: dt.date) -> bytes:
    """The package with every zip entry dated ``when``: same input, same bytes."""
    raw = io.BytesIO()
    document.save(raw)
    stamp = (min(max(when.year, 1980), 2107), when.month, when.day, 0, 0, 0)  # ZIP's range
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            dst.writestr(
                zipfile.ZipInfo(info.filename, stamp),
                src.read(info.filename),
                zipfile.ZIP_DEFLATED,
                compresslevel=6,
            )
    return out.getvalue()
