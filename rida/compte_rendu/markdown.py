"""The compte-rendu as Markdown (GitHub-flavoured: pipe tables), in the layout's order.

Escaping rules, so that the file reads the same in any Markdown viewer:

- Raw HTML typed in any field is data: ``&``, ``<`` and ``>`` are written as entities.
- Plain-text fields (title, subject, names, objectives…) also get Markdown's inline
  punctuation (``\\ * _ ` [ ]``) escaped, so they never turn into emphasis or links.
- Rich-text fields (question, answer, summary, comments, results, notes) are Markdown
  already and are kept as typed (formulas ``$…$`` included); outside tables, a list typed
  right under a line of text gets the blank line Markdown wants before it
  (:func:`rida.render.separate_lists`, as on the page and in the DOCX).
- In a table cell, ``|`` is escaped and line breaks become ``<br>`` (a blank line, i.e. a
  new paragraph, becomes ``<br><br>``); list items typed as ``- …`` stay one per line with
  their dash. A table therefore never breaks, whatever a cell holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from rida.compte_rendu import figures
from rida.compte_rendu import wording as w
from rida.compte_rendu.source import Source
from rida.render import separate_lists

_INLINE = re.compile(r"([\\*_`\[\]])")
# The destination of an inline link or image (`](…)`) or of a link reference definition
# (`[x]: …`); a scheme other than these is replaced by `#` (`javascript:`, `data:`…).
_LINK_TARGET = re.compile(r"(\]\(\s*<?|^ {0,3}\[[^\]\n]+\]:[ \t]*<?)([^\s)>]*)", re.M)
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")
SAFE_SCHEMES = {"http", "https", "mailto", "figure"}  # figure: see _figure_files
FIGURE_DIR = "figures"
_PARAGRAPH_BREAK = re.compile(r"[ \t]*\n\s*\n\s*")


def _entities(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain(text: str) -> str:
    """A plain-text field as inline Markdown: shown exactly as typed."""
    return _INLINE.sub(r"\\\1", _entities(" ".join(text.split())))


def _safe_target(match: re.Match[str]) -> str:
    target = re.sub(r"[\s\x00-\x1f]", "", match.group(2)).lower()
    scheme = _SCHEME.match(target)
    if scheme is not None and scheme.group(1) not in SAFE_SCHEMES:
        return match.group(1) + "#"
    return match.group(0)


def block(text: str) -> str:
    """A rich-text field as Markdown blocks; links keep only web and e-mail targets."""
    return _LINK_TARGET.sub(_safe_target, _entities(text.strip().replace("\r\n", "\n")))


def blocks(text: str) -> str:
    """A rich-text field outside a table: its lists made lists wherever they were typed."""
    return separate_lists(block(text))


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


def _follow_up_row(item: dict[str, Any], meeting_day: str | None) -> list[str]:
    """A follow-up row: the action's progress notes under its title."""
    cells = [cell(v) for v in w.follow_up_cells(item, meeting_day)]
    cells[1] = "<br>".join([cells[1], *(cell(n) for n in w.follow_up_notes(item))])
    return cells


def _actions(actions: list[dict[str, Any]]) -> str:
    """Element 20: the title then the notes in the first cell, or the empty sentence."""
    if not actions:
        return w.EMPTY["actions"]
    return _table(
        w.ACTION_COLUMNS,
        (
            (
                str(number),  # as rida.actions.numbering
                "<br>".join(
                    filter(None, (cell(a["title"]), cell(a.get("notes") or "", rich=True)))
                ),
                *(cell(v) for v in w.action_cells(a)),
            )
            for number, a in enumerate(actions, start=1)
        ),
    )


def _figure_files(text: str, known: dict[int, figures.Picture], directory: str) -> str:
    """Each ``figure:N`` image target pointing at its file, written beside the Markdown
    file in ``directory`` (:func:`figure_files`)."""

    def target(match: re.Match[str]) -> str:
        picture = known.get(int(match.group(2)))
        if picture is None:
            return match.group(0)
        return f"![{match.group(1)}]({directory}/{picture.file_name})"

    return figures.REFERENCE.sub(target, text)


def figure_files(src: Source, directory: str = FIGURE_DIR) -> list[tuple[str, bytes]]:
    """The files the Markdown refers to: (path relative to it, bytes)."""
    return [(f"{directory}/{p.file_name}", p.data) for p in figures.pictures(src.doc).values()]


def render(src: Source, figure_dir: str = FIGURE_DIR) -> str:
    """The Markdown of ``src``; its figures are files in ``figure_dir`` beside it."""
    return _figure_files(_render(src), figures.pictures(src.doc), figure_dir)


def _render(src: Source) -> str:
    doc = src.doc
    parts = [
        f"**{w.DOCUMENT_KIND}**",
        plain(doc["series"]),
        f"# {plain(doc['title'])}",
        w.date_line(doc),
        plain(w.status_line(doc)),
        f"## {w.HEADINGS['object']}",
        _table(("", ""), ((cell(label), cell(value)) for label, value in w.header_rows(doc))),
    ]
    if doc.get("reference_documents"):
        parts += [
            f"#### {w.REFERENCE_DOCUMENTS}",
            "\n".join(f"- {plain(d)}" for d in doc["reference_documents"]),
        ]
    parts += [
        f"## {w.HEADINGS['participants']}",
        _table(
            w.PARTICIPANT_COLUMNS,
            ([cell(v) for v in w.participant_cells(doc, p)] for p in doc.get("participants") or []),
        ),
    ]
    parts += [plain(line) for line in w.attendance_lines(doc)]
    parts += [*(plain(n) for n in w.footnotes(doc)), f"## {w.HEADINGS['summary']}"]
    if doc.get("objectives"):
        parts += [
            plain(w.objectives_intro(doc)),
            "\n".join(f"{i}. {plain(o)}" for i, o in enumerate(doc["objectives"], 1)),
        ]
    if doc.get("summary"):
        parts.append(blocks(doc["summary"]))
    author, date = w.restitution_values(doc)
    parts += [
        _table(w.RESTITUTION, [("", cell(author), date)]),
        f"**{_entities(w.RIDA_TITLE)}**",
        _table(
            w.RIDA_COLUMNS,
            (
                (
                    str(r["number"]),
                    r.get("nature") or "",
                    cell(r["subject"]),
                    cell(r.get("question") or "", rich=True),
                    cell(r.get("answer") or "", rich=True),
                )
                for r in doc.get("rida") or []
            ),
        ),
    ]
    parts += [
        f"### {w.HEADINGS['comments']}",
        "\n".join(_bullet(c) for c in doc.get("comments") or []) or w.EMPTY["comments"],
    ]
    results = blocks(doc.get("results") or "") or w.EMPTY["results"]
    parts += [f"### {plain(w.heading(doc, 'results'))}", results]
    parts += [f"### {w.HEADINGS['actions']}", _actions(doc.get("actions") or [])]
    if src.follow_up:
        parts += [
            f"### {w.HEADINGS['follow_up']}",
            _table(
                w.FOLLOW_UP_COLUMNS,
                (_follow_up_row(item, doc.get("date")) for item in src.follow_up),
            ),
        ]
    return "\n\n".join(p for p in parts if p) + "\n"
