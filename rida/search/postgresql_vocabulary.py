"""The PostgreSQL engine's vocabulary (``search_word``: the words of the indexed text,
folded, unstemmed): what a prefix expands to, and where « did you mean » looks.

A suggestion is the known word nearest the unknown one (Levenshtein distance 2 at most,
:mod:`rida.search.spelling`), the one found in the most documents among equally near
ones, then the first in alphabetical order. The candidates are read by length and by a
piece of the word: two edits leave at least one of its three thirds intact.
"""

from __future__ import annotations

from sqlalchemy import Connection, cast, func, literal, or_, select
from sqlalchemy.dialects.postgresql import TSQUERY

from rida.search.analysis import fold, word_forms
from rida.search.postgresql_query import MAX_EXPANSIONS, any_of, lexeme
from rida.search.postgresql_tables import DOCUMENT, WORD
from rida.search.querytext import Parsed
from rida.search.spelling import MAX_DISTANCE, closest, corrected, distance

TIES = 5  # equally near candidates whose frequency is counted


def like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def prefixed(conn: Connection, prefix: str) -> list[str]:
    """The vocabulary's words starting with ``prefix`` (folded, lower case), in order."""
    start = like_escaped(fold(prefix).lower())
    found = conn.execute(
        select(WORD.c.word)
        .where(WORD.c.word.like(start + "%", escape="\\"))
        .order_by(WORD.c.word)
        .limit(MAX_EXPANSIONS)
    )
    return list(found.scalars())


def thirds(word: str) -> list[str]:
    size = max(1, len(word) // 3)
    return [word[:size], word[size : len(word) - size], word[len(word) - size :]]


def candidates(conn: Connection, word: str) -> list[str]:
    pieces = [p for p in thirds(word) if p]
    found = conn.execute(
        select(WORD.c.word).where(
            func.length(WORD.c.word).between(len(word) - MAX_DISTANCE, len(word) + MAX_DISTANCE),
            or_(*(WORD.c.word.like(f"%{like_escaped(p)}%", escape="\\") for p in pieces)),
        )
    )
    return [w for w in found.scalars() if w != word and distance(word, w) <= MAX_DISTANCE]


def frequency(conn: Connection, word: str) -> int:
    query = any_of([lexeme(f) for f in word_forms(word)])
    if query is None:
        return 0
    found = conn.execute(
        select(func.count()).where(DOCUMENT.c.terms.op("@@")(cast(literal(query), TSQUERY)))
    )
    return int(found.scalar() or 0)


def correction(conn: Connection, word: str) -> str | None:
    """A known word for an unknown ``word``; None if ``word`` is known or nothing is near."""
    if conn.execute(select(WORD.c.word).where(WORD.c.word == word)).first() is not None:
        return None
    near = candidates(conn, word)
    if not near:
        return None
    best = min(distance(word, w) for w in near)
    tied = sorted(w for w in near if distance(word, w) == best)[:TIES]
    return closest(word, {w: frequency(conn, w) if len(tied) > 1 else 0 for w in tied})


def suggest(conn: Connection, parsed: Parsed) -> str | None:
    return corrected(parsed, lambda word: correction(conn, word))
