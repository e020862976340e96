"""Build ``templates/compte-rendu.docx``, the reference document of the compte-rendu.

The DOCX writer (``rida/compte_rendu/docx.py``) opens this file and takes its page setup,
styles and list numbering from it; the ANS can restyle it in Word or LibreOffice without
touching code (keep the style names). Run once, commit the output:

    .venv/bin/python scripts/make_reference_docx.py [-o templates/compte-rendu.docx]

Starts from python-docx's default template: A4 portrait, 2 cm margins, Arial (Liberation
Sans where Arial is missing: same metrics), dark blue headings, one table style.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import BaseStyle
from lxml import etree

from rida.compte_rendu.docx_layout import save

OUTPUT = Path(__file__).resolve().parents[1] / "templates" / "compte-rendu.docx"
FONT = "Arial"
BLUE = RGBColor(0x1F, 0x38, 0x64)  # ANS-like dark blue
GREY = RGBColor(0x59, 0x59, 0x59)
HEADER_FILL = "DCE3EF"
BORDER = "8EA9C8"
TEXT_WIDTH = Cm(17)  # A4 (21 cm) minus 2 × 2 cm
FIXED_DAY = dt.date(2022, 1, 1)  # zip entry dates: rebuilding gives the same bytes
THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
COLOR_THEME_ATTRS = ("w:themeColor", "w:themeShade", "w:themeTint")


def _strip_theme(document: Document) -> None:
    """Fonts and colours given by name, never by theme (LibreOffice maps themes poorly)."""
    root = document.styles.element
    for fonts in root.iter(qn("w:rFonts")):
        for attr in THEME_ATTRS:
            fonts.attrib.pop(qn(attr), None)
    for color in root.iter(qn("w:color")):
        for attr in COLOR_THEME_ATTRS:
            color.attrib.pop(qn(attr), None)


def _font(
    style: BaseStyle,
    size: float,
    *,
    bold: bool | None = None,
    italic: bool | None = None,
    color: RGBColor | None = None,
) -> None:
    font = style.font
    font.name = FONT
    fonts = style.element.rPr.rFonts
    for attr in ("w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    font.size = Pt(size)
    font.bold = bold
    font.italic = italic
    if color is not None:
        font.color.rgb = color


def _paragraph_style(document: Document, name: str, base: str = "Normal") -> BaseStyle:
    try:
        style = document.styles[name]
    except KeyError:
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles[base]
        style.quick_style = True
    return style


def _spacing(
    style: BaseStyle,
    before: float,
    after: float,
    *,
    align: WD_ALIGN_PARAGRAPH | None = None,
    keep_next: bool = False,
) -> None:
    fmt = style.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if align is not None:
        fmt.alignment = align
    if keep_next:
        fmt.keep_with_next = True


def _defaults(document: Document) -> None:
    rpr = document.styles.element.find(
        qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr")
    )
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "fr-FR")
    lang.set(qn("w:eastAsia"), "fr-FR")


def _page(document: Document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2))
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2)
    section.header_distance, section.footer_distance = Cm(1), Cm(1)


def _styles(document: Document) -> None:
    normal = document.styles["Normal"]
    _font(normal, 10)
    _spacing(normal, 0, 6)
    normal.paragraph_format.line_spacing = 1.1
    for name, size, before, after, color in (
        ("CR Document", 22, 0, 12, BLUE),
        ("CR Série", 14, 0, 6, BLUE),
        ("CR Date", 11, 6, 2, GREY),
        ("CR Statut", 9, 0, 18, GREY),
    ):
        style = _paragraph_style(document, name)
        _font(style, size, bold=name == "CR Document", color=color)
        _spacing(style, before, after, align=WD_ALIGN_PARAGRAPH.CENTER)
    title = document.styles["Title"]
    _remove(title.element.pPr, "w:pBdr")
    _font(title, 18, bold=True, color=BLUE)
    _spacing(title, 0, 6, align=WD_ALIGN_PARAGRAPH.CENTER)
    for level, (size, before) in enumerate(((14, 18), (12, 14), (11, 10)), start=1):
        heading = document.styles[f"Heading {level}"]
        _font(heading, size, bold=True, italic=False, color=BLUE)
        _spacing(heading, before, 6, keep_next=True)
    note = _paragraph_style(document, "CR Note")
    _font(note, 8, italic=True, color=GREY)
    _spacing(note, 0, 2)
    cell = _paragraph_style(document, "CR Cellule")
    _spacing(cell, 0, 3)
    head = _paragraph_style(document, "CR En-tête de tableau")
    _font(head, 10, bold=True, color=BLUE)
    _spacing(head, 0, 0, keep_next=True)
    for name in (
        "List Bullet",
        "List Bullet 2",
        "List Number",
        "List Number 2",
        "List Continue",
        "List Continue 2",
    ):
        _spacing(document.styles[name], 0, 3)
    quote = document.styles["Quote"]
    _font(quote, 10, italic=True, color=GREY)
    code = document.styles.add_style("CR Code", WD_STYLE_TYPE.CHARACTER)
    code.font.name = "Courier New"
    for name in ("Header", "Footer"):
        _font(document.styles[name], 8, color=GREY)
        stops = document.styles[name].paragraph_format.tab_stops
        stops.clear_all()
        stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    document.styles["Footer"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _remove(parent: OxmlElement | None, *tags: str) -> None:
    for tag in tags:
        for child in [] if parent is None else parent.findall(qn(tag)):
            parent.remove(child)


def _numbering(document: Document) -> None:
    """List styles: `•`/`–` bullets and `1.`/`a)` numbers, indented for A4 and table cells."""
    numbering = document.part.numbering_part.element
    kinds = {
        "ListBullet": ("bullet", "•", 0),
        "ListBullet2": ("bullet", "–", 1),
        "ListNumber": ("decimal", "%1.", 0),
        "ListNumber2": ("lowerLetter", "%1)", 1),
    }
    for style_id, (fmt, text, level) in kinds.items():
        style = document.styles.element.get_by_id(style_id)
        num_id = style.pPr.numPr.numId.val
        num = numbering.num_having_numId(num_id)
        abstract = numbering.find(
            f"{qn('w:abstractNum')}[@{qn('w:abstractNumId')}='{num.abstractNumId.val}']"
        )
        lvl = abstract.find(qn("w:lvl"))
        lvl.find(qn("w:numFmt")).set(qn("w:val"), fmt)
        lvl.find(qn("w:lvlText")).set(qn("w:val"), text)
        ppr = lvl.find(qn("w:pPr"))
        _remove(ppr, "w:tabs", "w:ind")
        ind = OxmlElement("w:ind")
        ind.set(qn("w:left"), str(284 + 284 * level))
        ind.set(qn("w:hanging"), "284")
        ppr.append(ind)
        _remove(lvl, "w:rPr")
        rpr = OxmlElement("w:rPr")
        fonts = OxmlElement("w:rFonts")
        for attr in ("w:ascii", "w:hAnsi", "w:cs"):
            fonts.set(qn(attr), FONT)
        fonts.set(qn("w:hint"), "default")
        rpr.append(fonts)
        lvl.append(rpr)
    for name, level in (("List Continue", 0), ("List Continue 2", 1)):
        fmt = document.styles[name].paragraph_format
        fmt.left_indent = 180340 * (1 + level)  # 284 twips in EMU, like the list text


def _border(tag: str) -> OxmlElement:
    border = OxmlElement(tag)
    for attr, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "0"), ("w:color", BORDER)):
        border.set(qn(attr), value)
    return border


def _table_style(document: Document) -> None:
    """`CR Tableau`: thin blue-grey borders, small cell margins, shaded bold first row."""
    style = document.styles.add_style("CR Tableau", WD_STYLE_TYPE.TABLE)
    style.base_style = document.styles["Normal Table"]
    element = style.element
    tblpr = OxmlElement("w:tblPr")
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_border(f"w:{side}"))
    tblpr.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for side, width in (("top", 40), ("left", 85), ("bottom", 40), ("right", 85)):
        mar = OxmlElement(f"w:{side}")
        mar.set(qn("w:w"), str(width))
        mar.set(qn("w:type"), "dxa")
        margins.append(mar)
    tblpr.append(margins)
    element.append(tblpr)
    first = OxmlElement("w:tblStylePr")
    first.set(qn("w:type"), "firstRow")
    rpr = OxmlElement("w:rPr")
    rpr.append(OxmlElement("w:b"))
    first.append(rpr)
    tcpr = OxmlElement("w:tcPr")
    shd = OxmlElement("w:shd")
    for attr, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", HEADER_FILL)):
        shd.set(qn(attr), value)
    tcpr.append(shd)
    first.append(tcpr)
    element.append(first)


FONT_DECLARATIONS = (
    ("Arial", "020B0604020202020204", "swiss"),
    ("Courier New", "02070309020205020404", "modern"),
)


def _font_table(document: Document) -> None:
    """Declare Arial as a sans-serif face (else LibreOffice may fall back to a serif)."""
    part = next(
        p for p in document.part.package.iter_parts() if p.partname == "/word/fontTable.xml"
    )
    root = etree.fromstring(part.blob)
    for name, panose, family in FONT_DECLARATIONS:
        font = etree.SubElement(root, qn("w:font"), {qn("w:name"): name})
        for tag, value in (
            ("w:panose1", panose),
            ("w:charset", "00"),
            ("w:family", family),
            ("w:pitch", "variable"),
        ):
            etree.SubElement(font, qn(tag), {qn("w:val"): value})
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _core(document: Document) -> None:
    props = document.core_properties
    props.author = "rida"
    props.last_modified_by = "rida"
    props.title = "Compte-rendu"
    props.comments = "Document de référence des comptes-rendus rida (styles, numérotation)."
    props.revision = 1


def build() -> bytes:
    document = Document()
    _strip_theme(document)
    _defaults(document)
    _page(document)
    _styles(document)
    _numbering(document)
    _table_style(document)
    _font_table(document)
    _core(document)
    body = document.element.body
    for paragraph in list(body.iterchildren(qn("w:p"))):
        body.remove(paragraph)
    return save(document, FIXED_DAY)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=OUTPUT,
        help=f"where to write the reference docx (default: {OUTPUT})",
    )
    args = parser.parse_args()
    args.output.write_bytes(build())
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
