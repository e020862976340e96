"""Markdown to Word blocks: paragraphs, real bullet and numbered lists, bold/italic runs.

The Markdown is parsed by the converter the web page uses (``rida.render.markdown_tree``:
same extensions, formulas made readable, raw HTML kept as text), and its ElementTree is
walked into WordprocessingML, in the document body or in a table cell alike. Styles are
resolved once per document (:class:`Styles`); every numbered list gets its own ``w:num``
restarting at 1 (:class:`Numbering`), pointing at the abstract numbering that the reference
document gives the ``List Number`` styles.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from docx.document import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.paragraph import CT_P
from docx.styles import BabelFish

from rida.render import markdown_tree

BULLET_STYLES = ("List Bullet", "List Bullet 2")
NUMBER_STYLES = ("List Number", "List Number 2")
CONTINUE_STYLES = ("List Continue", "List Continue 2")
BLOCK_TAGS = {"p", "ul", "ol", "blockquote", "pre", "hr", "h1", "h2", "h3", "h4", "h5", "h6"}
CODE_FONT = "Courier New"


class Styles:
    """Style ids by style name, read once from the document's styles part."""

    def __init__(self, document: Document):
        self.ids: dict[str, str] = {}
        self.elements: dict[str, ET.Element] = {}
        for style in document.styles.element.iterchildren(qn("w:style")):
            name = style.find(qn("w:name"))
            style_id = style.get(qn("w:styleId"))
            if name is not None and style_id:
                ui_name = BabelFish.internal2ui(name.get(qn("w:val")))
                self.ids.setdefault(ui_name, style_id)
                self.elements.setdefault(ui_name, style)

    def id(self, name: str) -> str | None:
        """The id of style ``name``; None (the default style) when the template lacks it."""
        return self.ids.get(name)


class Numbering:
    """List numbering of the document: the list styles' own ``w:num``, and new ones."""

    def __init__(self, document: Document, styles: Styles):
        self.root = document.part.numbering_part.element
        nums = self.root.findall(qn("w:num"))
        self.abstract = {
            n.get(qn("w:numId")): n.find(qn("w:abstractNumId")).get(qn("w:val")) for n in nums
        }
        self.next_id = max((int(i) for i in self.abstract), default=0) + 1
        self.styles: dict[str, tuple[str, int]] = {}
        for name in (*BULLET_STYLES, *NUMBER_STYLES):
            style = styles.elements.get(name)
            num_pr = None if style is None else style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            num_id = None if num_pr is None else num_pr.find(qn("w:numId"))
            if num_id is not None and num_id.get(qn("w:val")) in self.abstract:
                ilvl = num_pr.find(qn("w:ilvl"))
                self.styles[name] = (
                    num_id.get(qn("w:val")),
                    0 if ilvl is None else int(ilvl.get(qn("w:val"))),
                )

    def of(self, style: str) -> tuple[str, int] | None:
        """The numbering of list style ``style`` (shared by all its paragraphs)."""
        return self.styles.get(style)

    def restarted(self, style: str) -> tuple[str, int] | None:
        """A new ``w:num`` for one numbered list of ``style``, starting again at 1."""
        found = self.styles.get(style)
        if found is None:
            return None
        num_id, ilvl = found
        num = OxmlElement("w:num", {qn("w:numId"): str(self.next_id)})
        num.append(OxmlElement("w:abstractNumId", {qn("w:val"): self.abstract[num_id]}))
        override = OxmlElement("w:lvlOverride", {qn("w:ilvl"): str(ilvl)})
        override.append(OxmlElement("w:startOverride", {qn("w:val"): "1"}))
        num.append(override)
        self.root.append(num)
        self.next_id += 1
        return str(self.next_id - 1), ilvl


def set_numbering(p: CT_P, numbering: tuple[str, int] | None) -> None:
    if numbering is None:
        return
    num_pr = p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = numbering[1]
    num_pr.get_or_add_numId().val = int(numbering[0])


@dataclass
class Flow:
    """Where paragraphs go: the body, or a table cell whose first empty paragraph is
    used before any new one is added."""

    parent: ET.Element
    base_style: str | None
    spare: CT_P | None = None

    def paragraph(self, style_id: str | None = None) -> CT_P:
        if self.spare is not None:
            p, self.spare = self.spare, None
        else:
            p = self.parent.add_p()
        style_id = style_id or self.base_style
        if style_id:
            p.style = style_id
        return p


@dataclass
class Format:
    bold: bool = False
    italic: bool = False
    code: bool = False


def add_run(p: CT_P, text: str, fmt: Format = Format(), code_style: str | None = None) -> None:
    """One run of ``text`` (line breaks in it become ``w:br``)."""
    r = p.add_r()
    if fmt.bold or fmt.italic or fmt.code:
        rpr = r.get_or_add_rPr()
        if fmt.code and code_style:
            rpr.style = code_style
        elif fmt.code:
            rpr.get_or_add_rFonts().set(qn("w:ascii"), CODE_FONT)
            rpr.get_or_add_rFonts().set(qn("w:hAnsi"), CODE_FONT)
        if fmt.bold:
            rpr._add_b()
        if fmt.italic:
            rpr._add_i()
    r.text = text


@dataclass
class Blocks:
    """Writes Markdown text as Word blocks into a :class:`Flow`."""

    styles: Styles
    numbering: Numbering
    # Shows the image of a Markdown ``![alt](src)`` in ``p`` (a figure); False: not one,
    # written as text.
    picture: Callable[[CT_P, str, str], bool] | None = None
    _code_style: str | None = field(init=False)

    def __post_init__(self) -> None:
        self._code_style = self.styles.id("CR Code")

    def write(self, flow: Flow, text: str | None, *, item: bool = False) -> None:
        """The blocks of ``text``; ``item``: the whole text is one bullet item (its first
        paragraph a ``List Bullet``, the next ones ``List Continue``, lists nested)."""
        if not text:
            return
        root = markdown_tree(text)
        if item:
            self._item(flow, root, 0, self.numbering.of(BULLET_STYLES[0]), BULLET_STYLES[0])
        else:
            self._blocks(flow, root, None)

    def plain(
        self, flow: Flow, text: str, style: str | None = None, *, fmt: Format = Format()
    ) -> CT_P:
        p = flow.paragraph(self.styles.id(style) if style else None)
        if text:
            add_run(p, text, fmt)
        return p

    def _blocks(self, flow: Flow, parent: ET.Element, style: str | None, level: int = 0) -> None:
        for child in parent:
            tag = child.tag
            if tag in ("ul", "ol"):
                self._list(flow, child, level)
            elif tag == "blockquote":
                self._blocks(flow, child, "Quote", level)
            elif tag == "hr":
                continue
            else:
                p = flow.paragraph(self.styles.id(style) if style else None)
                heading = tag.startswith("h") and tag[1:].isdigit()
                self.inline(p, child, Format(bold=heading, code=tag == "pre"))

    def _list(self, flow: Flow, element: ET.Element, level: int) -> None:
        depth = min(level, 1)
        if element.tag == "ol":
            style = NUMBER_STYLES[depth]
            numbering = self.numbering.restarted(style)
        else:
            style = BULLET_STYLES[depth]
            numbering = self.numbering.of(style)
        for li in element:
            self._item(flow, li, level, numbering, style)

    def _item(
        self, flow: Flow, li: ET.Element, level: int, numbering: tuple[str, int] | None, style: str
    ) -> None:
        """One list item: its first paragraph numbered, the next ones continuing it."""
        first = True
        for kind, part in _item_parts(li):
            if kind == "list":
                self._list(flow, part, level + 1)
                continue
            if first:
                p = flow.paragraph(self.styles.id(style))
                set_numbering(p, numbering)
                first = False
            else:
                p = flow.paragraph(self.styles.id(CONTINUE_STYLES[min(level, 1)]))
            if kind == "text":
                self._inline_parts(p, part, Format())
            else:
                self.inline(p, part, Format())

    def inline(self, p: CT_P, element: ET.Element, fmt: Format) -> None:
        """The text and inline children of ``element`` as runs of ``p``."""
        if element.text:
            add_run(p, _flat(element.text), fmt, self._code_style)
        for child in element:
            self._inline_child(p, child, fmt)
            if child.tail:
                add_run(p, _flat(child.tail), fmt, self._code_style)

    def _inline_parts(
        self, p: CT_P, parts: tuple[str | None, list[ET.Element]], fmt: Format
    ) -> None:
        text, children = parts
        holder = ET.Element("span")
        holder.text = text
        holder.extend(children)
        self.inline(p, holder, fmt)

    def _inline_child(self, p: CT_P, child: ET.Element, fmt: Format) -> None:
        tag = child.tag
        if tag == "br":
            p.add_r().add_br()
        elif tag in ("strong", "b"):
            self.inline(p, child, Format(True, fmt.italic, fmt.code))
        elif tag in ("em", "i"):
            self.inline(p, child, Format(fmt.bold, True, fmt.code))
        elif tag == "code":
            self.inline(p, child, Format(fmt.bold, fmt.italic, True))
        elif tag == "a":
            self.inline(p, child, fmt)
            href = child.get("href") or ""
            if href and href != "".join(child.itertext()):
                add_run(p, f" ({href})", fmt, self._code_style)
        elif tag == "img":
            src, alt = child.get("src") or "", child.get("alt") or ""
            if self.picture is not None and self.picture(p, src, alt):
                return
            add_run(p, f"{alt} ({src})" if alt else src, fmt, self._code_style)
        else:
            self.inline(p, child, fmt)


def _flat(text: str) -> str:
    return text.replace("\n", " ")


def _item_parts(li: ET.Element) -> Iterator[tuple[str, object]]:
    """A list item's parts in order: its loose text with inline children (``text``),
    its paragraphs (``block``), its nested lists (``list``)."""
    text: str | None = li.text
    inline: list[ET.Element] = []
    for child in li:
        if child.tag in BLOCK_TAGS:
            if (text and text.strip()) or inline:
                yield "text", (text, inline)
            text, inline = None, []
            yield ("list" if child.tag in ("ul", "ol") else "block"), child
            if child.tail and child.tail.strip():
                text = child.tail
        else:
            inline.append(child)
    if (text and text.strip()) or inline:
        yield "text", (text, inline)
