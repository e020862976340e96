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
    """Whether a `w:numPr` list level is bulleted or numbered (numbering part lookup), and
    style names by id (python-docx looks a style up by scanning every style, per run)."""

    def __init__(self, document: WordDocument):
        self.cache: dict[tuple[int, int], str] = {}
        self.styles = {
            style.styleId: BabelFish.internal2ui(style.name_val or style.styleId)
            for style in document.styles.element.style_lst
        }
        try:
            self.root: Any = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            self.root = None

    def kind(self, num_id: int, level: int) -> str:
        key = (num_id, level)
        if key not in self.cache:
            self.cache[key] = self._lookup(num_id, level)
        return self.cache[key]

    def _lookup(self, num_id: int, level: int) -> str:
        if self.root is None:
            return "bullet"
        abstract = self.root.xpath(f'./w:num[@w:numId="{num_id}"]/w:abstractNumId/@w:val')
        if not abstract:
            return "bullet"
        fmt = self.root.xpath(
            f'./w:abstractNum[@w:abstractNumId="{abstract[0]}"]'
            f'/w:lvl[@w:ilvl="{level}"]/w:numFmt/@w:val'
        )
        return "bullet" if not fmt or fmt[0] in ("bullet", "none") else "number"


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
        if para.num_id:
            para.list_kind = numbering.kind(para.num_id, para.level)
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
    current: tuple[str, int | None] | None = None  # the open list: marker kind, Word list
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
            key = ("-" if kind == "-" else "1.", para.num_id)
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
                number = (
                    int(kind[:-1])
                    if kind != "1." and para.list_kind is None
                    else counters.get(level, 0) + 1
                )
                counters[level] = number
                line = f"{number}. {text}"
            blocks[-1].append("    " * level + line)
    return "\n\n".join("\n".join(b) for b in blocks if b)
