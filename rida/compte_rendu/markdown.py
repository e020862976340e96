"""The compte-rendu as Markdown (GitHub-flavoured: pipe tables), in the layout's order.

Escaping rules, so that the file reads the same in any Markdown viewer:

- Raw HTML typed in any field is data: ``&``, ``<`` and ``>`` are written as entities.
- Plain-text fields (title, subject, names, objectives…) also get Markdown's inline
  punctuation (``\\ * _ ` [ ]``) escaped, so they never turn into emphasis or links.
- Rich-text fields (question, answer, summary, comments, results, notes) are Markdown
  already and are kept as typed (formulas ``$…$`` included).
- In a table cell, ``|`` is escaped and line breaks become ``<br>`` (a blank line, i.e. a
  new paragraph, becomes ``<br><br>``); list items typed as ``- …`` stay one per line with
  their dash. A table therefore never breaks, whatever a cell holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rida.compte_rendu import Source, layout

_INLINE = re.compile(r"([\\*_`\[\]])")
_PARAGRAPH_BREAK = re.compile(r"[ \t]*\n\s*\n\s*")


def _entities(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain(text: str) -> str:
    """A plain-text field as inline Markdown: shown exactly as typed."""
    return _INLINE.sub(r"\\\1", _entities(" ".join(text.split())))


def block(text: str) -> str:
    """A rich-text field as Markdown blocks."""
    return _entities(text.strip().replace("\r\n", "\n"))


def cell(text: str, *, rich: bool = False) -> str:
    """One table cell: pipes escaped, line breaks as ``<br>``."""
    if not rich:
        return plain(text).replace("|", "\\|")
    body = _PARAGRAPH_BREAK.sub("<br><br>", block(text)).replace("|", "\\|")
    return "<br>".join(line.strip() for line in body.split("\n"))


def _table(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _bullet(text: str) -> str:
    """A rich-text list item: following lines indented under the dash."""
    first, *rest = block(text).split("\n")
    return "\n".join([f"- {first}", *(f"  {line}" if line else "" for line in rest)])


def render(src: Source) -> str:
    doc = src.doc
    head = layout.heading(doc)
    parts = [f"**{head.kind}**", plain(head.series), f"# {plain(head.title)}",
             head.date_line, plain(head.status_line), f"## {layout.SECTION_SUBJECT}",
             _table(("", ""), ((cell(label), cell(value))
                               for label, value in layout.header_rows(doc)))]
    if doc.get("reference_documents"):
        parts += [f"#### {layout.REFERENCE_DOCUMENTS}",
                  "\n".join(f"- {plain(d)}" for d in doc["reference_documents"])]
    parts += [f"## {layout.SECTION_PEOPLE}",
              _table(layout.PEOPLE_COLUMNS, ([cell(v) for v in row]
                                             for row in layout.participant_rows(doc)))]
    parts += [plain(line) for line in layout.attendance_lines(doc)]
    parts += [*layout.FOOTNOTES, f"## {layout.SECTION_SUMMARY}"]
    if doc.get("objectives"):
        parts += [layout.OBJECTIVES_INTRO,
                  "\n".join(f"{i}. {plain(o)}" for i, o in enumerate(doc["objectives"], 1))]
    if doc.get("summary"):
        parts.append(block(doc["summary"]))
    author, date = layout.restitution(doc)
    parts += [_table(layout.RESTITUTION, [("", cell(author), date)]),
              f"**{_entities(layout.RIDA_TITLE)}**",
              _table(layout.RIDA_COLUMNS, (
                  (str(r["number"]), r.get("nature") or "", cell(r["subject"]),
                   cell(r.get("question") or "", rich=True),
                   cell(r.get("answer") or "", rich=True)) for r in doc.get("rida") or []))]
    title, empty = layout.COMMENTS
    parts += [f"### {title}",
              "\n".join(_bullet(c) for c in doc.get("comments") or []) or empty]
    title, empty = layout.RESULTS
    parts += [f"### {title}", block(doc.get("results") or "") or empty]
    title, empty = layout.ACTIONS
    lines = layout.actions(doc)
    parts += [f"### {title}", _table(layout.ACTION_COLUMNS, (
        ("<br>".join(filter(None, (cell(a.title), cell(a.notes, rich=True)))), a.kind,
         cell(a.owner), a.due, a.status, a.row) for a in lines)) if lines else empty]
    if src.follow_up:
        parts += [f"### {layout.FOLLOW_UP}", _table(layout.FOLLOW_UP_COLUMNS, (
            [cell(v) for v in row] for row in layout.follow_up_rows(src.follow_up)))]
    return "\n\n".join(p for p in parts if p) + "\n"
