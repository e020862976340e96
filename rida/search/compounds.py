"""Words made of parts, indexed whole and in parts: dates, hyphenated words, names with
an apostrophe.

- A date, ``18/02/2022`` or ``2022-02-18`` (also ``18/02/22``), is indexed as one term
  in ISO form, ``2022-02-18``, whichever way it was written, followed by its numbers as
  written: either spelling finds the other, and ``2022`` still finds both.
- A hyphenated word, ``auto-configuration``, is indexed joined (``autoconfiguration``)
  and in parts (``auto``, ``configuration``).
- A name with an apostrophe that is no elision, ``O'CONNELL``, ``O’Neill`` (a capital
  after the apostrophe, so not ``aujourd'hui`` nor ``prud'hommes``), is indexed whole
  (``o'connell``) and in parts (``o``, ``connell``).

The whole form takes the first part's position, the parts consecutive positions. A
phrase reads the parts, but for a date its ISO form (``in_phrase``), so that
``"réunion du 2022-02-18"`` finds « réunion du 18/02/2022 ».
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from whoosh.analysis import Filter
from whoosh.analysis.acore import Token

APOSTROPHES = "'’‘ʼ"  # noqa: RUF001 (the apostrophes French text uses)
# A French date, then a word (letters and digits joined by hyphens or apostrophes).
DATE = r"\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})(?![\d/])"
WORD = DATE + r"|\w+(?:[-" + APOSTROPHES + r"]\w+)*"
ELISIONS = frozenset(
    {"l", "i", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"}
)
_FRENCH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_APOSTROPHE = re.compile("[" + APOSTROPHES + "]")


def iso_date(text: str) -> str | None:
    """``18/02/2022``, ``18/02/22`` or ``2022-02-18`` → ``2022-02-18``; None if not a
    real date."""
    if found := _FRENCH_DATE.fullmatch(text):
        day, month, year = (int(g) for g in found.groups())
        year += 2000 if len(found.group(3)) == 2 else 0
    elif found := _ISO_DATE.fullmatch(text):
        year, month, day = (int(g) for g in found.groups())
    else:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def split(text: str) -> tuple[str | None, list[str], str] | None:
    """``(whole form, parts, separator)`` of a compound token as written, or None; a
    date that is none (``31/02/2022``) is only its numbers."""
    date = iso_date(text)
    if date is not None or "/" in text:
        return date, re.split(r"[/-]", text), "/"
    if "-" in text:
        parts = text.split("-")
        return "".join(parts), parts, "-"
    parts = _APOSTROPHE.split(text)
    if len(parts) > 1 and parts[0].lower() not in ELISIONS and parts[1][:1].isupper():
        return _APOSTROPHE.sub("'", text), parts, "'"
    return None


class CompoundFilter(Filter):
    """Each compound token becomes its whole form (``joined``) and its parts; runs on
    the text as written (a name's capital decides)."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        shift = 0
        for t in tokens:
            if t.positions:
                t.pos += shift
            t.joined, t.in_phrase = False, True
            found = split(t.text)
            if found is None:
                yield t
                continue
            whole, parts, separator = found
            date = separator == "/" and whole is not None
            start = getattr(t, "startchar", 0)
            pos = getattr(t, "pos", 0)
            if whole is not None:
                joined = t.copy()
                joined.text, joined.joined, joined.in_phrase = whole, True, date
                yield joined
            offset = 0
            for i, part in enumerate(parts):
                piece = t.copy()
                piece.text, piece.joined, piece.in_phrase = part, False, not date
                if t.positions:
                    piece.pos = pos + i
                if t.chars:
                    piece.startchar = start + offset
                    piece.endchar = start + offset + len(part)
                offset += len(part) + 1
                yield piece
            shift += len(parts) - 1
