"""A Word body as a flat list of blocks, paragraphs as Markdown.

:func:`body_blocks` walks ``document.element.body`` in order (paragraphs and tables
interleaved, content controls opened); :func:`markdown_of` turns paragraphs back into the
Markdown the writer started from: Word lists and typed `- ` / `1. ` lines as Markdown
lists, bold and italic runs as `**` / `*`, monospace runs as `` ` ``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from docx.document import Document as WordDocument
from docx.oxml.ns import qn
from docx.styles import BabelFish
from docx.table import Table, _Cell
from docx.text.hyperlink import Hyperlink
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from rida.compte_rendu.reading.text_reading import typed_item

SUPERSCRIPTS = {"1": "¹", "2": "²", "3": "³"}
MONOSPACE = ("courier", "consolas", "monaco", "menlo", "mono")
_LIST_STYLE = re.compile(
    r"^(list bullet|list number|liste à puces|liste numéro)\s*(\d?)$", re.IGNORECASE
)


@dataclass
class Para:
    style: str
    text: str  # plain text, superscript 1/2 as ¹/²
    inline: str  # Markdown of the runs (bold, italic, code)
    list_kind: str | None = None  # "bullet" | "number" for a Word list paragraph
    level: int = 0
    num_id: int | None = None
    # The Word list this item belongs to, from the numbering definition (not the numId:
    # LibreOffice gives one list's items several numIds): (abstract numbering, instance).
    list_id: tuple[str, int] | None = None
    number: int | None = None  # the number Word shows at ``level`` (numbered or not)

    @property
    def heading(self) -> bool:
        return self.style.lower().startswith(("heading", "titre"))


Cell = list[Para]


@dataclass
class TableBlock:
    rows: list[list[Cell]] = field(default_factory=list)


Block = Para | TableBlock


def cell_text(cell: Cell) -> str:
    return "\n".join(p.text for p in cell).strip()


class _Numbering:
    """Word lists from the numbering part (``w:num`` → ``w:abstractNumId`` → ``w:lvl``):
    whether a level is bulleted or numbered, which list an item belongs to and its number,
    counted in body order the way Word does; and style names by id (python-docx looks a
    style up by scanning every style, per run).

    Word counts per abstract numbering: ``w:num`` sharing one continue each other's
    numbering, unless a ``w:num`` restarts a level (``w:lvlOverride/w:startOverride``),
    which starts a new list the first time it is used. LibreOffice writes one list as a
    restarting ``w:num`` for its first item and a plain one for the others."""

    def __init__(self, document: WordDocument):
        self.cache: dict[tuple[int, int], str] = {}
        self.styles = {
            style.styleId: BabelFish.internal2ui(style.name_val or style.styleId)
            for style in document.styles.element.style_lst
        }
        self.style_num: dict[str, tuple[int, int]] = {}
        for style in document.styles.element.style_lst:
            num_pr = style.pPr.numPr if style.pPr is not None else None
            if num_pr is not None and num_pr.numId is not None:
                ilvl = num_pr.ilvl.val if num_pr.ilvl is not None else 0
                self.style_num[style.styleId] = (num_pr.numId.val, ilvl)
        try:
            self.root: Any = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            self.root = None
        self.used: set[int] = set()  # numIds met so far, in body order
        self.instance: dict[str, int] = {}  # abstract numbering → current list instance
        self.counters: dict[str, dict[int, int]] = {}  # abstract → level → last number

    def kind(self, num_id: int, level: int) -> str:
        key = (num_id, level)
        if key not in self.cache:
            self.cache[key] = self._lookup(num_id, level)
        return self.cache[key]

    def _abstract(self, num_id: int) -> str | None:
        """The abstract numbering of ``num_id``, a numbering style's link followed."""
        if self.root is None:
            return None
        found = self.root.xpath(f'./w:num[@w:numId="{num_id}"]/w:abstractNumId/@w:val')
        if not found:
            return None
        abstract = str(found[0])
        link = self.root.xpath(
            f'./w:abstractNum[@w:abstractNumId="{abstract}"]/w:numStyleLink/@w:val'
        )
        if link and str(link[0]) in self.style_num:
            linked = self.style_num[str(link[0])][0]
            target = self.root.xpath(f'./w:num[@w:numId="{linked}"]/w:abstractNumId/@w:val')
            if target:
                return str(target[0])
        return abstract

    def _level(self, abstract: str, level: int) -> tuple[str | None, int]:
        """(numFmt, start) of a level of an abstract numbering."""
        path = f'./w:abstractNum[@w:abstractNumId="{abstract}"]/w:lvl[@w:ilvl="{level}"]'
        fmt = self.root.xpath(f"{path}/w:numFmt/@w:val")
        start = self.root.xpath(f"{path}/w:start/@w:val")
        return (str(fmt[0]) if fmt else None), _int(start[0] if start else None, 1)

    def _override(self, num_id: int, level: int) -> int | None:
        found = self.root.xpath(
            f'./w:num[@w:numId="{num_id}"]/w:lvlOverride[@w:ilvl="{level}"]/w:startOverride/@w:val'
        )
        return _int(found[0], 1) if found else None

    def _lookup(self, num_id: int, level: int) -> str:
        abstract = self._abstract(num_id)
        if abstract is None:
            return "bullet"
        fmt, _start = self._level(abstract, level)
        return "bullet" if not fmt or fmt in ("bullet", "none") else "number"

    def place(self, num_id: int, level: int) -> tuple[tuple[str, int] | None, int | None]:
        """(list, number) of the next item of ``num_id`` at ``level``, in body order."""
        abstract = self._abstract(num_id)
        if abstract is None:
            return None, None
        counters = self.counters.setdefault(abstract, {})
        first_use = num_id not in self.used
        self.used.add(num_id)
        restart = self._override(num_id, level) if first_use else None
        if first_use and restart is None and self._override(num_id, 0) is not None:
            restart = 1  # a restarting list met first at a deeper level
        if abstract not in self.instance or (restart is not None and level == 0):
            self.instance[abstract] = self.instance.get(abstract, 0) + 1
            counters.clear()
        _fmt, start = self._level(abstract, level)
        if restart is not None:
            counters[level] = restart - 1
        number = counters.get(level, start - 1) + 1
        counters[level] = number
        for deeper in [lv for lv in counters if lv > level]:
            del counters[deeper]
        return (abstract, self.instance[abstract]), number


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _wrap(text: str, marker: str) -> str:
    """`**text**` with the surrounding spaces kept outside the markers."""
    core = text.strip()
    if not core or not marker:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}{marker}{core}{marker[::-1]}{trail}"


def _run_parts(paragraph: Paragraph, numbering: _Numbering) -> Iterator[tuple[str, str, str]]:
    """(plain text, markdown marker, kind) of each run, hyperlinks opened."""
    for item in paragraph.iter_inner_content():
        runs = item.runs if isinstance(item, Hyperlink) else [item]
        for run in runs:
            yield from _run_part(run, numbering)


def _run_part(run: Run, numbering: _Numbering) -> Iterator[tuple[str, str, str]]:
    text = run.text
    if not text:
        return
    font = run.font
    if font.superscript and text.strip() in SUPERSCRIPTS:
        yield SUPERSCRIPTS[text.strip()], "", "sup"
        return
    style_id = run._r.style
    style = numbering.styles.get(style_id, style_id or "")
    name = (font.name or "").lower() + " " + style.lower()
    if any(m in name for m in MONOSPACE) or "code" in name:
        yield text, "`", "code"
        return
    marker = ("**" if run.bold else "") + ("*" if run.italic else "")
    yield text, marker, "text"


def read_paragraph(paragraph: Paragraph, numbering: _Numbering) -> Para:
    parts = list(_run_parts(paragraph, numbering))
    # Join neighbouring runs with the same formatting before adding the markers.
    merged: list[list[str]] = []
    for text, marker, _kind in parts:
        if merged and merged[-1][1] == marker:
            merged[-1][0] += text
        else:
            merged.append([text, marker])
    inline = "".join(_wrap(text, marker) for text, marker in merged)
    style_id = paragraph._p.style
    style = numbering.styles.get(style_id, style_id) if style_id else "Normal"
    para = Para(style=style or "", text="".join(p[0] for p in parts), inline=inline)
    m = _LIST_STYLE.match(para.style)
    num_pr = paragraph._p.pPr.numPr if paragraph._p.pPr is not None else None
    if num_pr is not None and num_pr.numId is not None:
        para.num_id = num_pr.numId.val
        para.level = num_pr.ilvl.val if num_pr.ilvl is not None else 0
    elif style_id in numbering.style_num:  # numbered by its paragraph style alone
        para.num_id, para.level = numbering.style_num[style_id]
    if para.num_id:
        para.list_kind = numbering.kind(para.num_id, para.level)
        para.list_id, para.number = numbering.place(para.num_id, para.level)
    if m:
        para.list_kind = (
            "number" if m.group(1).lower() in ("list number", "liste numéro") else "bullet"
        )
        para.level = max(int(m.group(2) or 1) - 1, para.level if num_pr is not None else 0)
    return para


def _cells(tr: Any, table: Table, numbering: _Numbering) -> list[Cell]:
    cells: list[Cell] = []
    for tc in tr.tc_lst:
        if tc.vMerge == "continue":
            cells.append([])
            continue
        cell = _Cell(tc, table)
        cells.append([read_paragraph(p, numbering) for p in cell.paragraphs])
    return cells


def body_blocks(document: WordDocument) -> list[Block]:
    numbering = _Numbering(document)
    blocks: list[Block] = []

    def walk(parent: Any) -> None:
        for child in parent.iterchildren():
            if child.tag == qn("w:p"):
                blocks.append(read_paragraph(Paragraph(child, document), numbering))
            elif child.tag == qn("w:tbl"):
                table = Table(child, document)
                blocks.append(TableBlock([_cells(tr, table, numbering) for tr in child.tr_lst]))
            elif child.tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    walk(content)

    walk(document.element.body)
    return blocks


# --- Paragraphs to Markdown ----------------------------------------------------------------


def _items(para: Para) -> list[tuple[str, int, str]]:
    """(kind, level, text) lines of a paragraph: kind "-" / "1." for list items, "p" else."""
    if para.list_kind:
        return [("-" if para.list_kind == "bullet" else "1.", para.level, para.inline.strip())]
    lines = [line for line in para.inline.split("\n") if line.strip()]
    found = []
    for line in lines:
        typed = typed_item(line)
        found.append((typed[0], 0, typed[1]) if typed else ("p", 0, line.strip()))
    # Plain lines of one paragraph (soft line breaks) stay one Markdown paragraph.
    joined: list[tuple[str, int, str]] = []
    for kind, level, text in found:
        if kind == "p" and joined and joined[-1][0] == "p":
            joined[-1] = ("p", 0, joined[-1][2] + "\n" + text)
        else:
            joined.append((kind, level, text))
    return joined


def markdown_of(paras: list[Para]) -> str:
    """The Markdown of consecutive paragraphs (one cell, one section)."""
    blocks: list[list[str]] = []
    # The open list: marker kind, Word list (see :meth:`_Numbering.place`).
    current: tuple[str, tuple[str, int] | None] | None = None
    counters: dict[int, int] = {}
    for para in paras:
        if not para.text.strip():
            current = None
            continue
        for kind, level, text in _items(para):
            if kind == "p":
                blocks.append([text])
                current = None
                continue
            marker = "-" if kind == "-" else "1."
            # A typed item (`• texte`) continues the open list of its marker.
            typed_in = current is not None and current[0] == marker and not para.list_kind
            key = (marker, current[1] if typed_in and current else para.list_id)
            restart = (
                level == 0
                and current is not None
                and (key != current or (kind == "1." and para.list_kind is None and 0 in counters))
            )
            if current is None or restart:
                blocks.append([])
                counters.clear()
                current = key
            for deeper in [lv for lv in counters if lv > level]:
                del counters[deeper]
            if kind == "-":
                line = "- " + text
            else:
                if para.list_kind is None:
                    number = int(kind[:-1]) if kind != "1." else counters.get(level, 0) + 1
                elif level in counters:
                    number = counters[level] + 1
                else:  # a Word list's first item here: the number Word shows (a list
                    # continued after a paragraph goes on counting)
                    number = para.number or 1
                counters[level] = number
                line = f"{number}. {text}"
            blocks[-1].append("    " * level + line)
    return "\n\n".join("\n".join(b) for b in blocks if b)
