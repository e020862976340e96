"""Highlighted snippets from a document's stored text, for engines that do not make their
own (PostgreSQL): the same HTML as the Whoosh engine's, escaped text with the matched
words in ``<mark>``, up to two fragments of at most :data:`SNIPPET_CHARS` characters
around the matches, joined by « … »; a document matched only by its title shows the
start of its text.

A written word (a compound whole: ``auto-configuration``, ``18/02/2022``,
``l'opérateur``) is marked when one of its terms (both forms, the parts of a compound) is
a term of the query; a stop word, inside a phrase too, is never marked.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Collection

from rida.search.analysis import FRENCH, WORD

SNIPPET_CHARS = 240
SURROUND = 80
FRAGMENTS = 2
BETWEEN = " … "


WORDS = re.compile(WORD)


@functools.lru_cache(maxsize=65536)
def token_terms(token: str) -> frozenset[str]:
    """Every term one written word yields (both forms, a compound whole and split; none
    for a stop word)."""
    return frozenset(t.text for t in FRENCH(token))


def spans(text: str, wanted: Collection[str]) -> list[tuple[int, int]]:
    """Character spans of the words of ``text`` one of whose terms is ``wanted``."""
    wanted = wanted if isinstance(wanted, (set, frozenset)) else set(wanted)
    return [m.span() for m in WORDS.finditer(text) if token_terms(m.group()) & wanted]


def marked(text: str, matches: list[tuple[int, int]], start: int, end: int) -> str:
    parts, at = [], start
    for s, e in matches:
        if s < start or e > end:
            continue
        parts += [html.escape(text[at:s], quote=False), "<mark>"]
        parts += [html.escape(text[s:e], quote=False), "</mark>"]
        at = e
    parts.append(html.escape(text[at:end], quote=False))
    return "".join(parts)


def word_start(text: str, at: int) -> int:
    """``at`` moved forward to the start of a word (or kept at 0)."""
    if at <= 0:
        return 0
    while at < len(text) and (text[at - 1].isalnum() or not text[at].isalnum()):
        at += 1
    return at


def word_end(text: str, at: int) -> int:
    if at >= len(text):
        return len(text)
    while at > 0 and (text[at].isalnum() or not text[at - 1].isalnum()):
        at -= 1
    return at


def fragments(text: str, matches: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """``(start, end, matches)`` of each fragment: one per group of matches that fit
    :data:`SNIPPET_CHARS` together, with context around them."""
    found: list[tuple[int, int, int]] = []
    i = 0
    while i < len(matches):
        first, last, n = matches[i][0], matches[i][1], 1
        while i + n < len(matches) and matches[i + n][1] - first <= SNIPPET_CHARS - SURROUND:
            last, n = matches[i + n][1], n + 1
        room = max(0, SNIPPET_CHARS - (last - first)) // 2
        start = word_start(text, first - min(SURROUND, room))
        end = word_end(text, last + min(SURROUND, room))
        found.append((min(start, first), max(end, last), n))
        i += n
    return found


def snippet(text: str, wanted: Collection[str]) -> str:
    """The snippet of ``text`` for the query terms ``wanted`` (HTML)."""
    matches = spans(text, wanted)
    if not matches:
        return html.escape(
            text[:SNIPPET_CHARS] + ("…" if len(text) > SNIPPET_CHARS else ""), quote=False
        )
    best = sorted(fragments(text, matches), key=lambda f: (-f[2], f[0]))[:FRAGMENTS]
    return BETWEEN.join(marked(text, matches, s, e) for s, e, _ in sorted(best))


def title_html(title: str, wanted: Collection[str]) -> str:
    """The whole title, escaped, its matched words in ``<mark>``."""
    return marked(title, spans(title, wanted), 0, len(title))
