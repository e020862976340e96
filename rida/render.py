"""Turning stored values into what people read: Markdown, dates in words, French labels."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import html
import re
import threading
import xml.etree.ElementTree as ET
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
import markdown as md
import nh3
from markdown.preprocessors import Preprocessor
from markupsafe import Markup

from rida.paths import templates_dir

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
STATUS_LABELS = {"draft": "Brouillon", "review": "En relecture", "validated": "Validé"}
CLASSIFICATION_LABELS = {
    "public": "Publique",
    "restricted": "Diffusion restreinte",
    "confidential": "Confidentiel",
}
NATURE_LABELS = {"I": "Information", "D": "Décision", "A": "Action"}
ATTENDANCE_LABELS = {"present": "Présent", "excused": "Excusé", "absent": "Absent"}
ACTION_KIND_LABELS = {
    "bilateral_interview": "Entretien bilatéral",
    "workshop": "Atelier",
    "document": "Document",
    "other": "Autre",
}
ACTION_STATUS_LABELS = {
    "open": "À faire",
    "in_progress": "En cours",
    "done": "Fait",
    "cancelled": "Annulé",
}
ROLE_LABELS = {
    "admin": "administrateur",
    "rapporteur": "rapporteur",
    "member": "membre",
    "reader": "lecteur",
}

ALLOWED_TAGS = {"p", "strong", "em", "ul", "ol", "li", "br", "a", "code", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}


# A list item line: up to three spaces, then `-` or `*` and a space, or a number, a dot
# and a space, then something. `-5 %`, `*gras*` and `2022.` are not list items.
_LIST_ITEM = re.compile(r" {0,3}(?:[-*]|(\d{1,9})\.)[ \t]+\S")
_NESTED_ITEM = re.compile(r" *(?:[-*]|(\d{1,9})\.)[ \t]+\S")  # within a list
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")


def separate_lists(text: str) -> str:
    """``text`` with a blank line inserted before each list that directly follows a line
    of text, the way a list is typed naturally (`Remarques :` then `- LIFEN : …` lines):
    Markdown wants a blank line there, and would otherwise show the dashes in the
    paragraph.

    Like CommonMark, a numbered list starts after a line of text only from `1.` (`2022.
    Fin` stays a sentence). Lines of an existing list, fenced code and indented code
    (four spaces or more) are left as they are; nothing else changes."""
    lines = text.split("\n")
    out: list[str] = []
    fence: str | None = None
    levels: list[int] = []  # the indentation of the list items above, one per level
    block = "blank"  # what the previous line belongs to: blank, text, list or code
    for line in lines:
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
            out.append(line)
            continue
        opening = _FENCE.match(line)
        in_list = block in ("list", "list-blank")
        if not line.strip():
            block = "blank" if block != "list" else "list-blank"
        elif opening is not None:
            fence, block = opening.group(1)[0] * 3, "text"
        elif block in ("blank", "code") and line.startswith(("    ", "\t")):
            block = "code"
        elif (item := (_NESTED_ITEM if in_list else _LIST_ITEM).match(line)) is not None and (
            block != "text" or item.group(1) in (None, "1")
        ):
            if block == "text":
                out.append("")
            if not in_list:
                levels = []
            line = _nested(line, levels)
            block = "list"
        elif block == "list-blank" and line.startswith(("  ", "\t")):
            block = "list"  # a further paragraph of the last item
        elif block != "list":
            block = "text"
        out.append(line)
    return "\n".join(out)


def _nested(line: str, levels: list[int]) -> str:
    """A list item line indented by its level in the list (``levels``: the items' own
    indentations above it, updated), four spaces a level as Markdown wants: an item
    indented by two spaces under the one before is nested in it too."""
    indent = len(line) - len(line.lstrip(" "))
    while levels and indent < levels[-1]:
        levels.pop()
    if not levels or indent > levels[-1]:
        levels.append(indent)
    return " " * 4 * (len(levels) - 1) + line.lstrip(" ")


class _SeparateLists(Preprocessor):  # type: ignore[misc]  # Markdown has no type hints
    def run(self, lines: list[str]) -> list[str]:
        return separate_lists("\n".join(lines)).split("\n")


def _markdown() -> md.Markdown:
    converter = md.Markdown(extensions=["sane_lists", "nl2br"], output_format="html")
    # Before the block parser, after whitespace is normalised (priority 30).
    converter.preprocessors.register(_SeparateLists(converter), "separate_lists", 25)
    # Raw HTML typed in a field is data, never markup: let Markdown escape it.
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    return converter


# A Markdown converter keeps state while it converts: one per thread (waitress serves
# requests on several threads), never shared.
_LOCAL = threading.local()


def _converter() -> md.Markdown:
    converter = getattr(_LOCAL, "converter", None)
    if converter is None:
        converter = _LOCAL.converter = _markdown()
    return converter


LATEX_SYMBOLS = {
    r"\times": "×",
    r"\cdot": "·",
    r"\div": "÷",
    r"\leq": "≤",
    r"\geq": "≥",
    r"\le": "≤",
    r"\ge": "≥",
    r"\neq": "≠",
    r"\approx": "≈",
    r"\pm": "±",
    r"\sum": "∑",
    r"\infty": "∞",
    r"\%": "%",
}
_FORMULA = re.compile(r"\$(?=\S)([^$\n]{1,300}?)(?<=\S)\$(?!\d)")
_LATEX_COMMAND = re.compile(r"\\[a-zA-Z]+|\\%")


def formula_text(text: str) -> str:
    """Inline formulas written `$A + B \\times X$` made readable: `A + B × X`."""

    def plain(match: re.Match[str]) -> str:
        body = _LATEX_COMMAND.sub(lambda m: LATEX_SYMBOLS.get(m.group(), m.group()), match.group(1))
        return " ".join(body.split())

    return _FORMULA.sub(plain, text)


def markdown_html(text: str | None) -> str:
    """Markdown rendered to HTML, then sanitised with an allow-list."""
    if not text:
        return ""
    return _markdown_html(text)


@functools.lru_cache(maxsize=4096)
def _markdown_html(text: str) -> str:
    html = _converter().reset().convert(formula_text(text))
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


_STASHED = re.compile("\x02wzxhzdk:(\\d+)\x03")


def markdown_tree(text: str) -> ET.Element:
    """The Markdown of ``text`` as the ElementTree the HTML above is serialised from (same
    converter, same formulas, raw HTML left as text), for the DOCX writer.

    The root is a ``div`` of block elements (``p``, ``ul``, ``ol``, ``blockquote``…);
    layout whitespace between blocks is not added, and the entities the converter set
    aside (``&amp;`` typed as such) are put back as the characters they stand for."""
    converter = _converter().reset()
    lines = formula_text(text).split("\n")
    for step in converter.preprocessors:
        lines = step.run(lines)
    root: ET.Element = converter.parser.parseDocument(lines).getroot()
    prettify = converter.treeprocessors["prettify"]
    for step in converter.treeprocessors:
        if step is not prettify:
            root = step.run(root) or root
    stash = converter.htmlStash.rawHtmlBlocks

    def unstash(value: str | None) -> str | None:
        if not value or "\x02" not in value:
            return value
        return _STASHED.sub(lambda m: html.unescape(str(stash[int(m.group(1))])), value)

    for element in root.iter():
        element.text, element.tail = unstash(element.text), unstash(element.tail)
    return root


def date_words(value: dt.date | None) -> str:
    """`7 janvier 2022` (`1er` for the first of the month)."""
    if value is None:
        return ""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def date_short(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


PARIS = ZoneInfo("Europe/Paris")


def paris_datetime(moment: dt.datetime | None, seconds: bool = True) -> str:
    """`07/01/2022 14:05:09`, Europe/Paris wall-clock time (a naive datetime is UTC, as
    SQLite returns them)."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(PARIS).strftime("%d/%m/%Y %H:%M:%S" if seconds else "%d/%m/%Y %H:%M")


class StandalonePage:
    """A self-contained, print-ready page: its style sheet (``css_path``, under
    ``templates/``) is embedded, and its CSP allows exactly that style sheet (by its hash)
    and nothing else. The app sends :attr:`csp` as a header; the page carries
    :attr:`meta_csp` in a ``<meta>`` too (``frame-ancestors`` works only as a header), so
    that the downloaded file opened from disk is held to it as well."""

    def __init__(self, css_path: str, *, keep_trailing_newline: bool = False) -> None:
        self.css = (templates_dir() / css_path).read_text(encoding="utf-8")
        digest = hashlib.sha256(self.css.encode()).digest()
        self.style_hash = "sha256-" + base64.b64encode(digest).decode()
        self.meta_csp = (
            f"default-src 'none'; style-src '{self.style_hash}'; img-src data:; "
            "base-uri 'none'; form-action 'none'"
        )
        self.csp = f"{self.meta_csp}; frame-ancestors 'none'"
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(templates_dir()),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=keep_trailing_newline,
        )

    def render(self, template: str, **context: Any) -> str:
        """``template`` rendered with the style sheet (``css``) and the CSP (``csp``)."""
        return self.env.get_template(template).render(
            css=Markup(self.css), csp=self.meta_csp, **context
        )
