"""Reading text as people write it in minutes: dates, names, typed lists, pasted HTML.

Pure helpers for the DOCX reader (no Word). Each returns what it could read,
or ``None`` when the text does not say it; callers turn ``None`` into a warning.
"""

from __future__ import annotations

import datetime as dt
import html
import re

from rida.meetings.people import fold
from rida.render import MONTHS

_NUMERIC_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})", re.ASCII)
_WORD_DATE = re.compile(r"(\d{1,2})(?:er)?\s+([^\W\d_]+)\s+(\d{4})", re.IGNORECASE)
_TIME = re.compile(r"(\d{1,2})\s*[:hH]\s*(\d{2})", re.ASCII)
_FOLDED_MONTHS = {fold(m): i + 1 for i, m in enumerate(MONTHS)}
_FOLDED_MONTHS.update({"fevrier": 2, "aout": 8, "decembre": 12})


def _make_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str) -> dt.date | None:
    """The first date in ``text``: `07/01/22`, `07/01/2022`, `7 janvier 2022`, `1er mars
    2022` (two-digit years are 20xx)."""
    found = []
    m = _NUMERIC_DATE.search(text)
    if m:
        year = int(m.group(3))
        year += 2000 if len(m.group(3)) == 2 else 0
        found.append((m.start(), _make_date(year, int(m.group(2)), int(m.group(1)))))
    for m in _WORD_DATE.finditer(text):
        month = _FOLDED_MONTHS.get(fold(m.group(2)))
        if month:
            found.append((m.start(), _make_date(int(m.group(3)), month, int(m.group(1)))))
            break
    found = [(pos, d) for pos, d in found if d is not None]
    return min(found, key=lambda x: x[0])[1] if found else None


def parse_times(text: str) -> tuple[str | None, str | None]:
    """`…, de 14:00 à 16:00` → (`14:00`, `16:00`); `…, à 9h30` → (`09:30`, None)."""
    times = []
    for m in _TIME.finditer(text):
        hour, minute = int(m.group(1)), int(m.group(2))
        if hour < 24 and minute < 60:
            times.append(f"{hour:02d}:{minute:02d}")
    return (times[0] if times else None, times[1] if len(times) > 1 else None)


def is_upper_word(word: str) -> bool:
    """`SLOSAR`, `DE`, `LE-GALL`: two letters or more, all capitals."""
    letters = [c for c in word if c.isalpha()]
    return len(letters) > 1 and all(c.isupper() for c in letters)


def split_name(text: str) -> tuple[str, str | None, bool]:
    """`Prénom NOM` → (last_name, first_name, guessed). The last name is the words in
    capitals (`Jean-Baptiste DE LA SALLE`); with none (`Samy Abdiche`), the last word is
    taken as the last name and ``guessed`` is true."""
    words = text.split()
    if not words:
        return "", None, False
    upper = [i for i, w in enumerate(words) if is_upper_word(w)]
    if upper and len(upper) < len(words):
        last = " ".join(words[i] for i in upper)
        first = " ".join(w for i, w in enumerate(words) if i not in upper)
        return last, first or None, False
    if len(words) == 1:
        return words[0], None, not upper
    return words[-1], " ".join(words[:-1]), True


# --- Typed lists and pasted HTML --------------------------------------------------------

_DASH = re.compile(r"^\s*[-•–—*·▪◦]\s+")
_NUMBERED = re.compile(r"^\s*(\d{1,3})[.)]\s+")
_TAG = re.compile(r"<\s*(/?)\s*(p|ul|ol|li|br|div|span|strong|b|em|i|u)\b[^<>]*?/?>", re.IGNORECASE)
_INLINE_DASHES = re.compile(r"(?:^|\s)[-•–]\s+")


def typed_item(line: str) -> tuple[str, str] | None:
    """A line typed as a list item: `- texte`, `• texte`, `1. texte`, `2) texte` →
    (marker, text) with marker `-` or `1.`…; else ``None``."""
    m = _DASH.match(line)
    if m and line[m.end() :].strip():
        return "-", line[m.end() :].strip()
    m = _NUMBERED.match(line)
    if m and line[m.end() :].strip():
        return f"{int(m.group(1))}.", line[m.end() :].strip()
    return None


def has_html(text: str) -> bool:
    return _TAG.search(text) is not None


def _dash_items(text: str) -> list[str]:
    parts = _INLINE_DASHES.split(" " + text)
    return [" ".join(p.split()) for p in parts if p.strip()]


def html_to_markdown(text: str) -> str:
    """HTML fragments pasted as text (`<p>…</p> <ul style=…> - a - b </ul>`) as Markdown:
    paragraphs, and `-` lists (items split on `<li>` or on typed ` - ` dashes)."""
    blocks: list[str] = []
    items: list[str] | None = None
    buffer: list[str] = []

    def flush() -> None:
        chunk = html.unescape("".join(buffer))
        buffer.clear()
        if not chunk.strip():
            return
        if items is not None:
            items.extend(
                _dash_items(chunk)
                if _INLINE_DASHES.search(" " + chunk)
                else [" ".join(chunk.split())]
            )
        else:
            blocks.append(" ".join(chunk.split()))

    pos = 0
    for m in _TAG.finditer(text):
        buffer.append(text[pos : m.start()])
        pos = m.end()
        closing, tag = m.group(1) == "/", m.group(2).lower()
        if tag in ("strong", "b", "em", "i", "u", "span", "br"):
            buffer.append(" " if tag == "br" else "")
            continue
        flush()
        if tag in ("ul", "ol"):
            if items:
                blocks.append("\n".join(f"- {i}" for i in items))
            items = None if closing else []
    buffer.append(text[pos:])
    flush()
    if items:
        blocks.append("\n".join(f"- {i}" for i in items))
    return "\n\n".join(blocks)


# --- Section headings ---------------------------------------------------------------------

_NUMBERING = re.compile(r"^\s*(?:[IVXivx]{1,5}|\d{1,2}(?:\.\d{1,2})?|[A-Za-z])\s*[.)\-–]?\s+")
SECTIONS = (
    ("header", ("objet du compte",)),
    ("references", ("documents de reference",)),
    ("participants", ("intervenants", "participants")),
    ("summary", ("compte-rendu synth", "compte rendu synth", "synthese")),
    ("comments", ("commentaire",)),
    ("results", ("resultat",)),
    ("actions", ("prochaines actions", "actions a mener")),
    ("follow_up", ("suivi des actions", "suivi")),
)


def section_of(text: str, *, styled: bool) -> str | None:
    """The section a heading opens, matched by its words (`III. Commentaire(s) :`);
    a paragraph not styled as a heading needs a number or a short text to count."""
    stripped = text.strip()
    if not stripped or len(stripped) > 160:
        return None
    numbered = _NUMBERING.match(stripped)
    body = fold(stripped[numbered.end() :] if numbered else stripped)
    if not styled and not numbered and len(stripped) > 40:
        return None
    for name, words in SECTIONS:
        if any(body.startswith(w) for w in words):
            return name
    return None


def heading_rest(text: str, words: str) -> str:
    """What a heading says beyond its usual words: `Résultats de l'atelier X (…)` → `X (…)`."""
    folded_words = fold(words)
    stripped = _NUMBERING.sub("", text.strip(), count=1)
    if fold(stripped).startswith(folded_words):
        return stripped[len(folded_words) :].strip(" :")
    return stripped
