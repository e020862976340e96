"""« Vouliez-vous dire … ? »: the query again, each word unknown to the index replaced by
the closest known one. The engine says which words it knows and proposes corrections;
writing the corrected query is shared.

Known words are the index's vocabulary (:func:`rida.search.analysis.spelling_words`:
folded, unstemmed), including words of meetings the person may not read: the guard
(:mod:`rida.search.guard`) keeps a suggestion only if it finds something readable.
"""

from __future__ import annotations

from collections.abc import Callable

from rida.search.analysis import fold
from rida.search.querytext import Clause, Parsed

MAX_DISTANCE = 2


def distance(a: str, b: str, limit: int = MAX_DISTANCE) -> int:
    """Edit distance of ``a`` and ``b``, a transposition of two neighbours counting as
    one edit (the commonest typing slip: « inducteru »), or ``limit + 1`` as soon as it
    exceeds ``limit`` (optimal string alignment)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        # A later row draws on this one, or (a transposition) on the one before plus one.
        if min(current) > limit and min(previous) >= limit:
            return limit + 1
        before, previous = previous, current
    return min(previous[-1], limit + 1)


def closest(word: str, candidates: dict[str, int]) -> str | None:
    """The candidate nearest ``word`` (within :data:`MAX_DISTANCE`), the most frequent
    (``candidates``: word -> frequency) among equally near ones, then the first in order."""
    scored = [(distance(word, c), -freq, c) for c, freq in candidates.items() if c != word]
    near = [s for s in scored if s[0] <= MAX_DISTANCE]
    return min(near)[2] if near else None


def render(clause: Clause, text: str) -> str:
    shown = {"phrase": f'"{text}"', "prefix": f"{text}*"}.get(clause.kind, text)
    return f"-{shown}" if clause.negated else shown


def corrected(parsed: Parsed, correct: Callable[[str], str | None]) -> str | None:
    """The query with each positive word replaced by ``correct(folded word)`` when that
    gives a word (None: known, or nothing near); None when nothing changed."""
    changed = False

    def word(clause: Clause) -> str:
        nonlocal changed
        if clause.kind == "word" and not clause.negated:
            found = correct(fold(clause.text).lower())
            if found:
                changed = True
                return found
        return clause.text

    parts = []
    for clause in parsed.clauses:
        if clause.kind == "or":
            parts.append(" OR ".join(render(o, word(o)) for o in clause.options))
        else:
            parts.append(render(clause, word(clause)))
    return " ".join(parts) if changed else None
